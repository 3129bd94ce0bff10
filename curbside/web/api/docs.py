"""The API's documentation page. Ninja's default page runs Swagger UI from a CDN, which the
site's Content-Security-Policy (script-src 'self') blocks and an offline machine cannot
reach; this one is plain HTML rendered from the same OpenAPI document, with no script."""

from __future__ import annotations

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> list[dict]:
    rows = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                rows.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                             "token": bool(op.get("security")), "tag": (op.get("tags") or [""])[0],
                             "statuses": ", ".join(sorted(str(code) for code in op.get("responses", {})))})
    return rows


class PlainDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(request, "api/docs.html", {
            "data": {"page": "api-docs"}, "info": schema["info"], "operations": operations(schema),
            "json_url": self.get_openapi_url(api, kwargs),
        })
