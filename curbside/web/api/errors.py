"""Every error the API gives, in the site's one shape ``{"ok": false, "status": N, "error": ...}``
(curbside.web.qa.views.error_json), whatever raised it: ninja's validation, the
authentication check, the workflow's rules, a missing object or a bug."""

from __future__ import annotations

import codecs
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponseNotAllowed
from django_ratelimit.core import is_ratelimited
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from curbside.web.qa.views import error_json
from curbside.web.service.workflow import Invalid, NotAllowed

logger = logging.getLogger("curbside.api")

TOO_MANY = "Too many requests: please wait and try again."
# Where a value sits in a request, as ninja reports it; not part of the field's name.
LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
# The name every endpoint gives its body parameter: not part of the field's name either.
BODY_PARAMS = {"payload"}
# The charsets the API reads (JSON is UTF-8, RFC 8259; ASCII is a part of it), as codecs names them.
READABLE_CHARSETS = {"utf-8", "ascii"}


def field_name(loc: tuple | list) -> str:
    """('body', 'payload', 'title') -> 'title'; ('query', 'page') -> 'page'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in BODY_PARAMS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_message(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors[:5]:
        loc = error.get("loc") or ()
        problems.append(f"{field_name(loc)}: {error.get('msg', 'invalid value')}")
    more = len(exc.errors) - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid_request(request, exc):
        return error_json(422, validation_message(exc))

    @api.exception_handler(Invalid)
    def invalid_value(request, exc):
        return error_json(422, f"{exc.field}: {exc.message}")

    @api.exception_handler(NotAllowed)
    def not_allowed(request, exc):
        # A hidden refusal is indistinguishable from a missing object: 404.
        return error_json(404 if exc.hidden else 403, str(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = error_json(401, "Send a valid API token: 'Authorization: Bearer TOKEN' "
                                   "(POST /api/v1/tokens issues one).")
        response["WWW-Authenticate"] = 'Bearer realm="curbside"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return error_json(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_json(404, str(exc) or "Not found.")

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        # Raised by Django when ninja reads a body over the limit: the client's doing, not a bug.
        return error_json(413, too_large_message())

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # Ninja catches every exception; logging it and sending Django's signal keeps a bug
        # visible as for any other view (the traceback in the log, re-raised in tests).
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        got_request_exception.send(sender=None, request=request)
        return error_json(500, "Something went wrong on our side. Please try again later.")


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is too large: send at most {limit:,} bytes."


def rate_limit(request, group: str, rate: str, key) -> None:
    """Count this request in GROUP; over RATE (e.g. '10/m'), refuse it with a 429."""
    if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
        raise HttpError(429, TOO_MANY)


def json_errors(view):
    """Ninja's own answers outside operations are a plain-text 405 for a wrong method and
    Django's HTML 404 at the API's root; give them the site's shape."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_json(404, f"Not found: there is no API endpoint at {request.path}; "
                                   f"see {request.path.rstrip('/')}/docs for the list.")
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_json(405, f"{request.method} is not allowed here; use {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapped


def readable_charset(charset: str | None) -> bool:
    if charset is None:
        return True
    try:
        return codecs.lookup(charset).name in READABLE_CHARSETS
    except LookupError:
        return False


def utf8_only(view):
    """Refuse (415) a request whose Content-Type names a charset other than UTF-8, before
    anything reads it. Django decodes the query string with that charset too: in UTF-16 or
    EBCDIC, '?preview=true' is no longer 'preview', and a preview would be saved."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not readable_charset((request.content_params or {}).get("charset")):
            return error_json(415, "Send the body as UTF-8 JSON (Content-Type: application/json; "
                                   "charset=utf-8): the API reads no other charset.")
        return view(request, *args, **kwargs)

    return wrapped
