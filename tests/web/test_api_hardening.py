"""Requests that used to get a 500, a saved preview or a list of every URL pattern (issue 12):
a body over the upload limit is a 413, a body in a charset the API does not read is a 415 and
never saves anything, and a 404 says "not found" and nothing more."""

import json

import pytest
from django.http import Http404
from django.test import Client
from django.urls import Resolver404

from curbside.web.qa.views import not_found
from curbside.web.service.models import Question
from tests.web.test_api import API, QUESTION, assert_error, bearer, make_asker

pytestmark = pytest.mark.django_db

MB = 2**20
# Django names the patterns it tried like this; none may reach a visitor.
PATTERN_WORDS = ["URLPattern", "URLResolver", "tried", "<rid:", "&lt;rid:", "[name="]


@pytest.fixture
def asker(demo):
    return make_asker("alice")


@pytest.fixture
def quiet():
    """A client that returns a 500 as the visitor would see it instead of re-raising the bug."""
    return Client(raise_request_exception=False)


def question_of(size: int) -> bytes:
    """A well-formed question whose body alone is SIZE bytes."""
    return json.dumps({**QUESTION, "body": "twitch " * (size // 7)}).encode()


# ---------------------------------------------------------------- 413: a body over the limit

@pytest.mark.parametrize("megabytes", [3, 10, 50])
@pytest.mark.parametrize("path, as_asker", [("/questions", True), ("/questions?preview=true", True),
                                            ("/tokens", False)])
def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(quiet, asker, megabytes, path, as_asker):
    headers = bearer(asker) if as_asker else {}
    response = quiet.post(API + path, question_of(megabytes * MB), content_type="application/json", **headers)
    assert_error(response, 413, "too large")
    assert not Question.objects.exists()


def test_a_body_just_under_the_limit_is_still_read(client, asker, settings):
    response = client.post(f"{API}/questions?preview=true", question_of(settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 1000),
                           content_type="application/json", **bearer(asker))
    assert_error(response, 422, "body: ")  # read and judged: the text is too long, not the request


@pytest.mark.parametrize("megabytes", [3, 50])
def test_the_html_site_answers_413_for_a_body_over_the_limit(asker, megabytes):
    """A browser's form post: the CSRF check reads the form first (it has the cookie from an
    earlier page), or the view does."""
    form = b"q=" + b"x" * (megabytes * MB)
    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False)
    anonymous.get("/account/login/")
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(asker)
    for client, path in [(anonymous, "/account/login/"), (signed_in, "/ask/")]:
        response = client.post(path, form, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, (path, response.status_code)
        assert b"too large" in response.content and len(response.content) < 5000
    response = anonymous.post("/search.json", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and response.json()["status"] == 413


# ---------------------------------------------------------------- 415: a charset the API does not read

def preview_in(client, user, charset: str, body: bytes):
    """POST a preview with BODY sent as is, under 'Content-Type: application/json; charset=CHARSET'."""
    return client.generic("POST", f"{API}/questions?preview=true", body,
                          content_type=f"application/json; charset={charset}", **bearer(user))


def encodings_of(charset: str) -> list[bytes]:
    """The question in CHARSET (where it can be written in it) and in UTF-8 under a wrong label."""
    text = json.dumps(QUESTION)
    try:
        return [text.encode(charset), text.encode()]
    except LookupError:
        return [text.encode()]


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "utf-32", "cp500", "latin-1", "windows-1252",
                                     "utf-8-sig", "no-such-charset"])
def test_a_preview_in_another_charset_is_a_415_and_saves_nothing(client, asker, charset):
    for body in encodings_of(charset):
        before = Question.objects.count()
        assert_error(preview_in(client, asker, charset, body), 415, "UTF-8")
        assert Question.objects.count() == before


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8", "us-ascii", "ascii"])
def test_a_preview_in_utf8_or_ascii_is_a_preview(client, asker, charset):
    response = preview_in(client, asker, charset, json.dumps(QUESTION).encode())
    assert response.status_code == 200, response.content
    assert response.json()["saved"] is False and not Question.objects.exists()


def test_asking_in_another_charset_saves_nothing_either(client, asker):
    response = client.generic("POST", f"{API}/questions", json.dumps(QUESTION).encode("utf-16"),
                              content_type="application/json; charset=utf-16", **bearer(asker))
    assert_error(response, 415, "UTF-8")
    assert not Question.objects.exists()


# ---------------------------------------------------------------- 404: "not found", and nothing more

def assert_plain_not_found(response, limit: int) -> str:
    assert response.status_code == 404, response.content[:300]
    body = response.content.decode()
    assert len(response.content) < limit, f"{len(response.content)} bytes"
    assert "not found" in body.lower()
    for word in PATTERN_WORDS:
        assert word not in body, word
    return body


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/nope", "/api/v1/threads/", "/api/v1/threads/nope/x",
                                  "/nope.json", "/qa/a/b/c.json"])
def test_an_unknown_json_address_says_not_found_in_the_error_shape(client, db, settings, path):
    settings.DEBUG = False
    assert_plain_not_found(client.get(path), limit=1000)
    assert_error(client.get(path), 404, "Not found")


@pytest.mark.parametrize("path", ["/nope/", "/nope", "/qa/nope", "/qa/nope/x/y/", "/static/nope.css",
                                  "/dashboard/nope", "/queue/x/y/z/"])
def test_an_unknown_page_says_not_found_and_lists_no_url_pattern(client, db, settings, path):
    settings.DEBUG = False
    body = assert_plain_not_found(client.get(path, follow=True), limit=5000)
    assert "<h1>Page not found</h1>" in body


def test_only_the_resolvers_404_is_hidden(rf):
    """Our views' Http404 carries a sentence for the reader; the resolver's carries its patterns."""
    request = rf.get("/nope.json")
    resolver_miss = Resolver404({"tried": [["<URLPattern 'qa/<rid:thread_id>/'>"]], "path": "nope.json"})
    assert "tried" not in not_found(request, resolver_miss).content.decode()
    assert "No such action." in not_found(request, Http404("No such action.")).content.decode()
