"""Views of the service: accounts, asking, the doctors' queue, moderation."""

from django.shortcuts import render


def rate_limited(request, exception=None):
    """django-ratelimit sends every over-limit request here: 429, with the site's error shape."""
    from curbside.web.qa.views import error_json

    if request.path.endswith(".json") or request.path.startswith("/api/"):
        return error_json(429, "Too many requests: please wait a minute and try again.")
    return render(request, "qa/error.html",
                  {"status": 429, "message": "Too many requests: please wait a minute and try again."},
                  status=429)
