"""Thin views: build the page's dict (pages.py), then render it as HTML or, for the
``.json`` twin, as JSON. Errors share one shape in both."""

from __future__ import annotations

from typing import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, reverse
from django.views.decorators.http import require_safe

from curbside.web.qa import pages, structured
from curbside.web.qa.context import DISCLAIMER


def error_json(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "status": status, "error": message, "disclaimer": DISCLAIMER},
                        status=status, json_dumps_params={"ensure_ascii": False})


def json_twin_url(request: HttpRequest) -> str:
    match = request.resolver_match
    json_url = reverse(f"{match.url_name}-json", kwargs=match.kwargs)
    return json_url + ("?" + request.GET.urlencode() if request.GET else "")


def respond(request: HttpRequest, template: str, build: Callable[[], dict], as_json: bool,
            json_url: str | None = None) -> HttpResponse:
    try:
        data = build()
    except Http404 as exc:
        if as_json:
            return error_json(404, str(exc))
        raise
    if as_json:
        return JsonResponse({"ok": True, **data}, json_dumps_params={"ensure_ascii": False, "indent": 2})
    canonical_url = request.build_absolute_uri(data["canonical"])
    json_ld = structured.page_json_ld(data, canonical_url)
    return render(request, template, {
        "data": data, "json_url": json_url or json_twin_url(request), "canonical_url": canonical_url,
        "json_ld": structured.script_tag(json_ld) if json_ld else None,
    })


def home(request, as_json=False):
    return respond(request, "qa/home.html", pages.home_page, as_json)


def specialty(request, specialty_id, as_json=False):
    page = request.GET.get("page")
    return respond(request, "qa/specialty.html", lambda: pages.specialty_page(specialty_id, page), as_json)


def thread(request, thread_id, slug=None, as_json=False):
    """/qa/ID/SLUG/ is the page; /qa/ID/ and an outdated slug move there for good (301)."""
    if not as_json:
        expected = pages.thread_slug(thread_id)
        if slug != expected:
            return canonical_redirect(request, reverse("thread-canonical", args=[thread_id, expected]))
    return respond(request, "qa/thread.html", lambda: pages.thread_page(thread_id), as_json,
                   json_url=reverse("thread-json", args=[thread_id]))


def canonical_redirect(request: HttpRequest, url: str) -> HttpResponsePermanentRedirect:
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def topic(request, topic_id, as_json=False):
    page = request.GET.get("page")
    return respond(request, "qa/topic.html", lambda: pages.topic_page(topic_id, page), as_json)


def guide(request, guide_id, as_json=False):
    return respond(request, "qa/guide.html", lambda: pages.guide_page(guide_id), as_json)


def not_found(request, exception=None):
    # An unknown address raises Django's Resolver404, whose argument lists every URL pattern
    # tried: never shown. Our views raise Http404 with a sentence written for the reader.
    reason = exception.args[0] if exception is not None and exception.args else ""
    if isinstance(exception, Resolver404) or not isinstance(reason, str):
        reason = ""
    message = reason or "Not found: there is no page at this address."
    if request.path.endswith(".json"):
        return error_json(404, message)
    return render(request, "qa/error.html", {"status": 404, "message": message}, status=404)


def server_error(request):
    if request.path.endswith(".json"):
        return error_json(500, "Something went wrong on our side. Please try again later.")
    return render(request, "qa/error.html", {"status": 500, "message": "Something went wrong on our side."},
                  status=500)


def search(request, as_json=False):
    return respond(request, "qa/search.html", lambda: pages.search_page(request.GET), as_json)


def suggest(request):
    return JsonResponse({"ok": True, **pages.suggestions(request.GET)}, json_dumps_params={"ensure_ascii": False})


ROBOTS_DISALLOW = ["/admin/", "/dashboard/", "/account/", "/ask/", "/queue/", "/moderation/"]


@require_safe
def robots_txt(request):
    """Crawl every public page; keep out of sign-in, asking, and the doctors' tools."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", "",
             f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def passage(request, passage_id, as_json=False):
    return respond(request, "qa/passage.html", lambda: pages.passage_page(passage_id), as_json)


def red_flags(request, as_json=False):
    return respond(request, "qa/red_flags.html", pages.red_flags_page, as_json)
