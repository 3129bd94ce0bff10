from django.contrib import admin
from django.urls import include, path, register_converter

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

handler404 = "curbside.web.qa.views.not_found"
handler500 = "curbside.web.qa.views.server_error"
handler403 = "curbside.web.service.views.forbidden"
