"""The versioned API: one NinjaAPI per version, mounted at /api/v1/ (curbside.web.api.urls).
A breaking change means a new version next to this one, never an edit of v1."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import HttpBearer

from curbside.web.api import accounts, asking, doctors, public
from curbside.web.api.docs import PlainDocs
from curbside.web.api.errors import install_handlers
from curbside.web.api.tokens import live_token


class BearerToken(HttpBearer):
    """'Authorization: Bearer TOKEN'. Not a session: no cookie, so no CSRF token is needed."""

    def authenticate(self, request, token: str):
        return live_token(token)


DESCRIPTION = """The published questions and answers of Curbside, and the service around them:
asking a question, following it, and the doctors' queue.

Everything here is general health information, not a diagnosis.

Reading needs no account. Everything else needs a token: `POST /api/v1/tokens` with a
username and password returns one (shown once), to send as `Authorization: Bearer TOKEN`.
Errors always have the shape `{"ok": false, "status": N, "error": "..."}`."""


def build_v1() -> NinjaAPI:
    api = NinjaAPI(title="Curbside API", version="1.0", description=DESCRIPTION, urls_namespace="api-v1",
                   openapi_url="/openapi.json", docs_url="/docs", docs=PlainDocs())
    install_handlers(api)
    token = BearerToken()
    api.add_router("", public.router, auth=None)
    api.add_router("", accounts.router, auth=token)
    api.add_router("", asking.router, auth=token)
    api.add_router("", doctors.router, auth=token)
    return api


api_v1 = build_v1()
