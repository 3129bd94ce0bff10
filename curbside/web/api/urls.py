"""/api/v1/...: the API's operations, its OpenAPI document (openapi.json) and docs page."""

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from curbside.web.api.api import api_v1
from curbside.web.api.errors import json_errors, utf8_only
from curbside.web.qa.views import error_json


def v1_urls():
    """Ninja's URL patterns, each view wrapped so that every error is in the site's shape and
    no request in a charset the API cannot read reaches ninja."""
    patterns, app_name, namespace = api_v1.urls
    for pattern in patterns:
        pattern.callback = json_errors(utf8_only(pattern.callback))
    return patterns, app_name, namespace


@csrf_exempt  # API clients send no CSRF token: a POST to a wrong address is a 404, not a 403
def no_such_endpoint(request):
    # Without this, an unknown /api/ address would get the site's HTML 404 page.
    return error_json(404, f"Not found: there is no API endpoint at {request.path}.")


urlpatterns = [
    re_path(r"^v1/", v1_urls()),
    re_path(r"", no_such_endpoint),
]
