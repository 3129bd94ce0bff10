from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.urls import include, path, register_converter
from django.views import defaults

from django_ratelimit.decorators import ratelimit

from curbside.web.qa import views


class IdConverter:
    """The archive's ids: letters, digits, '-', '_', '.', ':'; never ending in '.json'."""

    regex = r"[A-Za-z0-9][A-Za-z0-9._:-]*?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "rid")


def page(route: str, view, name: str):
    """The HTML page at ROUTE/ and its JSON twin at ROUTE.json."""
    return [
        path(f"{route}/" if route else "", view, name=name),
        path(f"{route}.json" if route else "index.json", view, {"as_json": True}, name=f"{name}-json"),
    ]


urlpatterns = [
    *page("", views.home, "home"),
    *page("specialties/<rid:specialty_id>", views.specialty, "specialty"),
    *page("qa/<rid:thread_id>", views.thread, "thread"),
    path("qa/<rid:thread_id>/<slug:slug>/", views.thread, name="thread-canonical"),
    *page("topics/<rid:topic_id>", views.topic, "topic"),
    *page("guides/<rid:guide_id>", views.guide, "guide"),
    *page("passages/<rid:passage_id>", views.passage, "passage"),
    *page("red-flags", views.red_flags, "red-flags"),
    *page("search", views.search, "search"),
    # Generous (a person types a few words a second) but bounded, per address.
    path("suggest.json", ratelimit(key="ip", rate="120/m", block=True)(views.suggest), name="suggest"),
    path("admin/", admin.site.urls),
    path("", include("curbside.web.qa.seo_urls")),
    path("", include("curbside.web.service.urls")),
    path("dashboard/", include("curbside.web.dashboard.urls")),
    path("api/", include("curbside.web.api.urls")),
]

def bad_request(request, exception=None):
    """Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a bare 400 page, wherever it
    is read (the CSRF check, a form): say 413 and why, in the site's page or error shape."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    message = "The request is too large to be read. Please send less."
    if request.path.endswith(".json") or request.path.startswith("/api/"):
        return views.error_json(413, message)
    return render(request, "qa/error.html", {"status": 413, "message": message}, status=413)


handler400 = bad_request
handler404 = "curbside.web.qa.views.not_found"
handler500 = "curbside.web.qa.views.server_error"
handler403 = "curbside.web.service.views.forbidden"
