"""Thin views: build the page's dict (pages.py), then render it as HTML or, for the
``.json`` twin, as JSON. Errors share one shape in both."""

from __future__ import annotations

from typing import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from curbside.web.qa import pages
from curbside.web.qa.context import DISCLAIMER


def error_json(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "status": status, "error": message, "disclaimer": DISCLAIMER},
                        status=status, json_dumps_params={"ensure_ascii": False})


def respond(request: HttpRequest, template: str, build: Callable[[], dict], as_json: bool) -> HttpResponse:
    try:
        data = build()
    except Http404 as exc:
        if as_json:
            return error_json(404, str(exc))
        raise
    if as_json:
        return JsonResponse({"ok": True, **data}, json_dumps_params={"ensure_ascii": False, "indent": 2})
    match = request.resolver_match
    json_url = reverse(f"{match.url_name}-json", kwargs=match.kwargs)
    if request.GET:
        json_url += "?" + request.GET.urlencode()
    return render(request, template, {"data": data, "json_url": json_url})


def home(request, as_json=False):
    return respond(request, "qa/home.html", pages.home_page, as_json)


def specialty(request, specialty_id, as_json=False):
    page = request.GET.get("page")
    return respond(request, "qa/specialty.html", lambda: pages.specialty_page(specialty_id, page), as_json)


def thread(request, thread_id, as_json=False):
    return respond(request, "qa/thread.html", lambda: pages.thread_page(thread_id), as_json)


def topic(request, topic_id, as_json=False):
    page = request.GET.get("page")
    return respond(request, "qa/topic.html", lambda: pages.topic_page(topic_id, page), as_json)


def guide(request, guide_id, as_json=False):
    return respond(request, "qa/guide.html", lambda: pages.guide_page(guide_id), as_json)


def not_found(request, exception=None):
    message = str(exception) if exception and str(exception) else "There is no page at this address."
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
