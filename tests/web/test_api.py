"""The versioned JSON API (/api/v1/): what each endpoint returns, for each role, and that
every error has the site's one shape."""

import hashlib
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client

from curbside.web.api import asking
from curbside.web.api.models import ApiToken
from curbside.web.api.tokens import issue_token
from curbside.web.qa import models as m
from curbside.web.qa.context import DISCLAIMER
from curbside.web.service import workflow
from curbside.web.service.models import Account, Question

pytestmark = pytest.mark.django_db

API = "/api/v1"
PASSWORD = "correct-horse-battery-42"
QUESTION = {"title": "Eyelid twitching for two weeks", "body": "My left eyelid has twitched many times a day "
            "for two weeks. I sleep badly and drink a lot of coffee.", "asked_for": "self",
            "age_band": "30~39", "sex": "female", "alias": "tired_eye", "specialty": "neurology"}
ROLES = ["anonymous", "asker", "other_asker", "doctor", "other_doctor", "moderator"]


# ---------------------------------------------------------------- people and helpers

def make_asker(username: str) -> User:
    user = workflow.sign_up(username, f"{username}@example.org", PASSWORD)
    workflow.verify_email(user)
    return user


def make_doctor(username: str, specialty_id: str, moderator: User) -> User:
    """A verified doctor with a verified e-mail address."""
    doctor = workflow.sign_up_doctor(username, f"{username}@example.org", PASSWORD, name=username.title(),
                                     specialty=m.Specialty.objects.get(pk=specialty_id),
                                     hospital="Test Hospital", licence_number="L-1")
    workflow.verify_email(doctor.user)
    workflow.set_doctor_standing(moderator, doctor.id, verified=True)
    return User.objects.get(pk=doctor.user_id)


@pytest.fixture
def people(demo):
    moderator = User.objects.create_user("mona", "mona@example.org", PASSWORD)
    Account.objects.create(user=moderator, role="moderator")
    return SimpleNamespace(
        anonymous=None, moderator=moderator,
        asker=make_asker("alice"), other_asker=make_asker("bob"),
        doctor=make_doctor("nina", "neurology", moderator),
        other_doctor=make_doctor("carl", "cardiology", moderator),
    )


def bearer(user) -> dict:
    """Request headers carrying a new token of USER (none for the anonymous caller)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"} if user else {}


def draft(**changes) -> workflow.Draft:
    """QUESTION as the workflow takes it (the API's 'specialty' is the workflow's 'specialty_id')."""
    fields = {**QUESTION, **changes}
    specialty = fields.pop("specialty")
    return workflow.Draft(**fields, specialty_id=specialty)


@pytest.fixture
def queued(people) -> str:
    """Alice's question in the neurology queue (approved: a new account's first is held)."""
    question = workflow.submit(people.asker, draft())
    workflow.approve(people.moderator, question.thread_id)
    return question.thread_id


def call(client, method: str, path: str, user=None, body: dict | None = None, **headers):
    send = getattr(client, method.lower())
    if body is not None:
        return send(API + path, body, content_type="application/json", **bearer(user), **headers)
    return send(API + path, **bearer(user), **headers)


def assert_error(response, status: int, *words: str) -> dict:
    """The site's one error shape, with a message naming what is wrong."""
    assert response.status_code == status, response.content
    data = response.json()
    assert data == {"ok": False, "status": status, "error": data["error"], "disclaimer": DISCLAIMER}
    for word in words:
        assert word in data["error"]
    return data


def answered_thread_id() -> str:
    return m.Thread.objects.filter(status="answered", excerpt=False).order_by("id").values_list("id", flat=True)[0]


# ---------------------------------------------------------------- reading

def test_threads_lists_answered_questions_only_a_page_at_a_time(client, queued):
    data = call(client, "GET", "/threads").json()
    answered = m.Thread.objects.filter(status="answered", excerpt=False).count()
    assert data["pagination"]["count"] == answered and data["pagination"]["number"] == 1
    assert len(data["threads"]) == min(answered, 20)
    assert queued not in [t["id"] for t in data["threads"]]
    second = call(client, "GET", "/threads?page=2").json()
    assert second["pagination"]["number"] == 2
    assert not {t["id"] for t in second["threads"]} & {t["id"] for t in data["threads"]}


def test_threads_filter_by_specialty_and_topic(client, demo):
    neurology = call(client, "GET", "/threads?specialty=neurology").json()["threads"]
    assert neurology and all(t["doctor_line"].endswith("Neurology") for t in neurology)
    topic = m.ThreadTopic.objects.filter(thread__status="answered").values_list("topic_id", flat=True)[0]
    on_topic = call(client, "GET", f"/threads?topic={topic}").json()["threads"]
    listed = m.ThreadTopic.objects.filter(topic_id=topic, thread__excerpt=False)
    expected = set(listed.values_list("thread_id", flat=True))
    assert {t["id"] for t in on_topic} == expected


def test_threads_refuse_unknown_filters_and_bad_pages(client, demo):
    assert_error(call(client, "GET", "/threads?specialty=astrology"), 422, "specialty", "astrology")
    assert_error(call(client, "GET", "/threads?topic=nope"), 422, "topic")
    assert_error(call(client, "GET", "/threads?page=0"), 422, "page")
    assert_error(call(client, "GET", "/threads?page=two"), 422, "page")


def test_thread_by_id_only_when_answered(client, queued):
    thread_id = answered_thread_id()
    data = call(client, "GET", f"/threads/{thread_id}").json()
    assert data["thread"]["id"] == thread_id and data["thread"]["reply"]["body"]
    assert data["disclaimer"] == DISCLAIMER
    assert_error(call(client, "GET", f"/threads/{queued}"), 404)
    assert_error(call(client, "GET", "/threads/no-such-thread"), 404)


def test_search_similar_and_suggestions_use_the_index(client, indexed):
    results = call(client, "GET", "/search?q=facial+twitching&from=2004-01-01&to=nope").json()
    assert indexed.id in [r["id"] for r in results["results"]]
    assert results["index_ready"] is True and results["filters"]["from"] == "2004-01-01"
    assert "to" in results["problems"] and results["filters"]["to"] is None
    neurology_only = call(client, "GET", "/search?q=facial+twitching&specialty=cardiology").json()
    assert indexed.id not in [r["id"] for r in neurology_only["results"]]
    similar = call(client, "GET", f"/threads/{indexed.id}/similar").json()
    assert similar["thread"] == indexed.id and similar["similar"]
    assert indexed.id not in [s["id"] for s in similar["similar"]]
    suggested = call(client, "GET", "/suggestions?q=facial+spasm").json()["suggestions"]
    assert indexed.id in [s["id"] for s in suggested]
    assert call(client, "GET", "/suggestions?q=fa").json()["suggestions"] == []


def test_similar_of_an_unpublished_question_is_not_found(client, queued):
    assert_error(call(client, "GET", f"/threads/{queued}/similar"), 404)


def test_topics_guides_and_specialties(client, demo):
    topics = call(client, "GET", "/topics").json()["topics"]
    assert len(topics) == m.Topic.objects.count()
    topic = call(client, "GET", f"/topics/{topics[0]['id']}").json()
    assert topic["topic"]["id"] == topics[0]["id"] and "pagination" in topic
    guides = call(client, "GET", "/guides").json()["guides"]
    assert len(guides) == m.Guide.objects.count()
    guide = call(client, "GET", f"/guides/{guides[0]['id']}").json()["guide"]
    assert guide["title"] == guides[0]["title"] and guide["sections"]
    specialties = {s["id"]: s for s in call(client, "GET", "/specialties").json()["specialties"]}
    assert specialties["neurology"]["threads"] > 0
    neurology = call(client, "GET", "/specialties/neurology").json()
    assert neurology["pagination"]["count"] == specialties["neurology"]["threads"]
    for path in ("/topics/nope", "/guides/nope", "/specialties/nope"):
        assert_error(call(client, "GET", path), 404)


# ---------------------------------------------------------------- tokens

def test_a_token_for_a_password_is_shown_once_and_stored_hashed(client, people):
    response = call(client, "POST", "/tokens", body={"username": "alice", "password": PASSWORD, "name": "my app"})
    assert response.status_code == 201
    data = response.json()
    assert data["username"] == "alice" and data["role"] == "asker" and data["name"] == "my app"
    row = ApiToken.objects.get(user=people.asker)
    assert row.token_hash == hashlib.sha256(data["token"].encode()).hexdigest()
    assert data["token"] not in str(list(ApiToken.objects.values()))
    me = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {data['token']}").json()
    assert me["username"] == "alice" and me["token_name"] == "my app" and me["doctor"] is None
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_no_token_for_a_wrong_password_or_an_unverified_account(client, people):
    assert_error(call(client, "POST", "/tokens", body={"username": "alice", "password": "wrong-password"}),
                 401, "password")
    workflow.sign_up("newbie", "newbie@example.org", PASSWORD)  # e-mail not verified yet
    assert_error(call(client, "POST", "/tokens", body={"username": "newbie", "password": PASSWORD}), 401, "active")
    assert_error(call(client, "POST", "/tokens", body={"username": "alice"}), 422, "password")
    assert not ApiToken.objects.exists()


def test_issue_token_refuses_inactive_users(people):
    people.asker.is_active = False
    with pytest.raises(ValueError, match="not active"):
        issue_token(people.asker, "x")


@pytest.mark.parametrize("header", [None, "Bearer cs_not-a-real-token", "Bearer ", "Basic YWxpY2U6eA==", "cs_x"])
def test_missing_or_invalid_tokens_get_401(client, people, header):
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get(f"{API}/me", **headers)
    assert_error(response, 401, "Bearer")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_accounts_token_stops_working(client, people):
    headers = bearer(people.asker)
    assert client.get(f"{API}/me", **headers).status_code == 200
    User.objects.filter(pk=people.asker.pk).update(is_active=False)
    assert_error(client.get(f"{API}/me", **headers), 401)


def test_revoking_the_current_token(client, people):
    headers = bearer(people.asker)
    other = bearer(people.asker)
    response = client.delete(f"{API}/tokens/current", **headers)
    assert response.status_code == 204 and response.content == b""
    assert_error(client.get(f"{API}/me", **headers), 401)
    assert client.get(f"{API}/me", **other).status_code == 200
    assert_error(client.delete(f"{API}/tokens/current"), 401)


def test_token_creation_is_rate_limited(client, people, settings):
    settings.RATELIMIT_ENABLE, settings.AXES_ENABLED = True, False  # only the API's own limit here
    for _ in range(2):  # the limit counts per time window: a first round may straddle its end, a second cannot
        for _ in range(10):
            call(client, "POST", "/tokens", body={"username": "alice", "password": "wrong-password"})
        response = call(client, "POST", "/tokens", body={"username": "alice", "password": PASSWORD})
        if response.status_code == 429:
            break
    assert_error(response, 429, "Too many")


def test_repeated_failed_sign_ins_lock_the_account_out(client, people, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        call(client, "POST", "/tokens", body={"username": "alice", "password": "wrong-password"})
    assert_error(call(client, "POST", "/tokens", body={"username": "alice", "password": PASSWORD}), 429, "sign-ins")


def test_token_requests_need_no_csrf_token(people):
    strict = Client(enforce_csrf_checks=True)
    assert call(strict, "POST", "/tokens", body={"username": "alice", "password": PASSWORD}).status_code == 201
    assert call(strict, "POST", "/questions?preview=true", people.asker, body=QUESTION).status_code == 200
    assert strict.delete(f"{API}/tokens/current", **bearer(people.asker)).status_code == 204


# ---------------------------------------------------------------- asking

def test_asking_saves_the_question_and_says_what_will_be_published(client, people):
    response = call(client, "POST", "/questions", people.asker, body={**QUESTION, "alias": "  tired_eye "})
    assert response.status_code == 201
    data = response.json()
    question = Question.objects.get(pk=data["id"])
    assert question.asker == people.asker and data["saved"] is True
    assert data["state"] == question.state == "held" and data["held_reasons"] == ["new account"]
    assert data["specialty"] == {"id": "neurology", "name": "Neurology"}
    assert data["published"] == {"title": QUESTION["title"], "body": QUESTION["body"], "alias": "tired_eye",
                                 "age_band": "30~39", "sex": "female", "asked_for": "self"}


def test_a_preview_screens_without_saving(client, people):
    response = call(client, "POST", "/questions?preview=true", people.asker,
                    body={**QUESTION, "body": QUESTION["body"] + " Is it the casino lights?"})
    assert response.status_code == 200
    data = response.json()
    assert data["id"] is None and data["saved"] is False and data["state"] == "preview"
    assert "flagged words: casino" in data["held_reasons"]
    assert not Question.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"age_band": "31~39"}, "age_band"), ({"sex": "x"}, "sex"), ({"title": ""}, "title"),
    ({"body": "too short"}, "body"), ({"body": " " * 30}, "body"), ({"specialty": "astrology"}, "specialty"),
    ({"alias": "x" * 41}, "alias"), ({"title": None}, "title"),
])
def test_asking_names_the_field_that_is_wrong(client, people, change, field):
    data = assert_error(call(client, "POST", "/questions", people.asker, body={**QUESTION, **change}), 422)
    assert data["error"].startswith(f"{field}: ")
    assert not Question.objects.exists()


def test_a_missing_field_and_a_body_that_is_not_json_are_named(client, people):
    body = {k: v for k, v in QUESTION.items() if k != "sex"}
    assert_error(call(client, "POST", "/questions", people.asker, body=body), 422, "sex: ")
    response = client.post(f"{API}/questions", "{not json", content_type="application/json", **bearer(people.asker))
    assert_error(response, 400, "body")
    response = client.post(f"{API}/questions", "", content_type="application/json", **bearer(people.asker))
    assert_error(response, 422, "body: ")


def test_asking_is_rate_limited_per_account(client, people, monkeypatch, settings):
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(asking, "ASK_RATE", "2/h")
    for _ in range(2):
        assert call(client, "POST", "/questions?preview=true", people.asker, body=QUESTION).status_code == 200
    assert_error(call(client, "POST", "/questions", people.asker, body=QUESTION), 429, "Too many")
    assert call(client, "POST", "/questions?preview=true", people.other_asker, body=QUESTION).status_code == 200


def test_my_questions_are_mine_only(client, people, queued):
    theirs = workflow.submit(people.other_asker, draft(title="Bob's question")).thread_id
    mine = call(client, "GET", "/questions", people.asker).json()["questions"]
    assert [q["id"] for q in mine] == [queued]
    assert mine[0]["state"] == "queued" and mine[0]["state_label"] == "waiting for a doctor"
    assert mine[0]["public_url"] is None and mine[0]["messages"] == []
    assert_error(call(client, "GET", f"/questions/{theirs}", people.asker), 404)
    assert_error(call(client, "POST", f"/questions/{theirs}/info", people.asker, body={"text": "more"}), 404)
    assert call(client, "GET", f"/questions/{queued}", people.asker).json()["id"] == queued


def test_information_can_be_added_only_when_a_doctor_asked(client, people, queued):
    too_early = call(client, "POST", f"/questions/{queued}/info", people.asker, body={"text": "More."})
    assert_error(too_early, 403, "No doctor")
    doctor = workflow.active_doctor(people.doctor)
    workflow.claim(doctor, queued)
    workflow.request_info(doctor, queued, "How much coffee a day?")
    asked = call(client, "GET", f"/questions/{queued}", people.asker).json()
    assert asked["state"] == "needs_info"
    assert [(msg["kind"], msg["body"]) for msg in asked["messages"]] == [("info_request", "How much coffee a day?")]
    assert_error(call(client, "POST", f"/questions/{queued}/info", people.asker, body={"text": ""}), 422, "text")
    added = call(client, "POST", f"/questions/{queued}/info", people.asker, body={"text": "Five cups."}).json()
    assert added["state"] == "queued" and added["messages"][-1]["kind"] == "info_added"
    assert "Added later: Five cups." in added["body"]


# ---------------------------------------------------------------- the doctors' queue

def test_the_whole_way_from_queue_to_published_reply(client, people, queued):
    listed = call(client, "GET", "/queue", people.doctor).json()
    assert listed["specialty"]["id"] == "neurology" and [q["id"] for q in listed["questions"]] == [queued]
    assert listed["questions"][0]["about"] == {"alias": "tired_eye", "age_band": "30~39", "sex": "female",
                                               "asked_for": "self"}
    claimed = call(client, "POST", f"/queue/{queued}/claim", people.doctor).json()
    assert claimed["claimed_by_you"] is True and claimed["claim_expires_at"]
    asked = call(client, "POST", f"/queue/{queued}/request-info", people.doctor, body={"text": "Any caffeine?"})
    assert asked.json()["state"] == "needs_info"
    assert_error(call(client, "POST", f"/queue/{queued}/reply", people.doctor, body={"body": "x" * 40}),
                 403, "not yet added")
    call(client, "POST", f"/questions/{queued}/info", people.asker, body={"text": "Five cups a day."})
    reply = "Eyelid twitching is common and usually harmless; cut down on coffee and sleep more."
    published = call(client, "POST", f"/queue/{queued}/reply", people.doctor, body={"body": reply}).json()
    thread = call(client, "GET", f"/threads/{queued}").json()["thread"]
    assert thread["reply"]["body"] == reply and thread["question"]["alias"] == "tired_eye"
    assert published["state"] == "answered" and published["public_url"] == thread["url"]
    assert client.get(thread["url"]).status_code == 200
    assert call(client, "GET", f"/questions/{queued}", people.asker).json()["public_url"] == thread["url"]
    assert_error(call(client, "GET", f"/queue/{queued}", people.doctor), 404)


def test_a_reply_needs_a_live_claim_and_enough_words(client, people, queued):
    assert_error(call(client, "POST", f"/queue/{queued}/reply", people.doctor, body={"body": "x" * 40}), 403, "Claim")
    call(client, "POST", f"/queue/{queued}/claim", people.doctor)
    assert_error(call(client, "POST", f"/queue/{queued}/reply", people.doctor, body={"body": "Sleep more."}),
                 422, "body: ")
    released = call(client, "POST", f"/queue/{queued}/release", people.doctor).json()
    assert released["claimed_by_you"] is False
    assert_error(call(client, "POST", f"/queue/{queued}/release", people.doctor), 403, "Claim")


def test_a_claim_keeps_other_doctors_of_the_specialty_out(client, people, queued):
    colleague = make_doctor("nora", "neurology", people.moderator)
    call(client, "POST", f"/queue/{queued}/claim", people.doctor)
    assert call(client, "GET", "/queue", colleague).json()["questions"] == []
    assert call(client, "GET", f"/queue/{queued}", colleague).json()["claimed_by_another"] is True
    assert_error(call(client, "POST", f"/queue/{queued}/claim", colleague), 403, "Another doctor")


def test_handing_off_moves_the_question_to_the_other_queue(client, people, queued):
    assert_error(call(client, "POST", f"/queue/{queued}/hand-off", people.doctor, body={"specialty": "astrology"}),
                 422, "specialty")
    moved = call(client, "POST", f"/queue/{queued}/hand-off", people.doctor,
                 body={"specialty": "cardiology", "note": "Palpitations, not the eyelid."}).json()
    assert moved["specialty"]["id"] == "cardiology" and moved["messages"][-1]["kind"] == "handoff"
    assert [q["id"] for q in call(client, "GET", "/queue", people.other_doctor).json()["questions"]] == [queued]
    assert_error(call(client, "GET", f"/queue/{queued}", people.doctor), 404)


@pytest.mark.parametrize("standing", [{"verified": False}, {"suspended": True}])
def test_unverified_or_suspended_doctors_are_refused(client, people, queued, standing):
    doctor = people.doctor.doctor
    workflow.set_doctor_standing(people.moderator, doctor.id, **standing)
    headers = bearer(people.doctor)
    assert call(client, "GET", "/me", **headers).json()["doctor"]["id"] == doctor.id
    assert_error(call(client, "GET", "/queue", **headers), 403, "verified doctors")
    assert_error(call(client, "POST", f"/queue/{queued}/claim", **headers), 403)


# ---------------------------------------------------------------- each role

def expected(anonymous, asker, other_asker, doctor, other_doctor, moderator) -> dict:
    return dict(zip(ROLES, (anonymous, asker, other_asker, doctor, other_doctor, moderator)))


ROLE_CASES = {
    "read an answered thread": ("GET", "/threads/{answered}", None, expected(200, 200, 200, 200, 200, 200)),
    "read an unanswered one": ("GET", "/threads/{queued}", None, expected(404, 404, 404, 404, 404, 404)),
    "ask": ("POST", "/questions", QUESTION, expected(401, 201, 201, 403, 403, 403)),
    "list my questions": ("GET", "/questions", None, expected(401, 200, 200, 200, 200, 200)),
    "read a question": ("GET", "/questions/{queued}", None, expected(401, 200, 404, 404, 404, 404)),
    "add information": ("POST", "/questions/{queued}/info", {"text": "More."},
                        expected(401, 403, 404, 404, 404, 404)),
    "see the queue": ("GET", "/queue", None, expected(401, 403, 403, 200, 200, 403)),
    "read a queued question": ("GET", "/queue/{queued}", None, expected(401, 403, 403, 200, 404, 403)),
    "claim": ("POST", "/queue/{queued}/claim", None, expected(401, 403, 403, 200, 404, 403)),
    "release": ("POST", "/queue/{queued}/release", None, expected(401, 403, 403, 403, 404, 403)),
    "request information": ("POST", "/queue/{queued}/request-info", {"text": "Why?"},
                            expected(401, 403, 403, 403, 404, 403)),
    "hand off": ("POST", "/queue/{queued}/hand-off", {"specialty": "cardiology"},
                 expected(401, 403, 403, 200, 404, 403)),
    "reply": ("POST", "/queue/{queued}/reply", {"body": "A reply that is long enough."},
              expected(401, 403, 403, 403, 404, 403)),
    "who am I": ("GET", "/me", None, expected(401, 200, 200, 200, 200, 200)),
    "list threads": ("GET", "/threads", None, expected(200, 200, 200, 200, 200, 200)),
    "similar threads": ("GET", "/threads/{answered}/similar", None, expected(200, 200, 200, 200, 200, 200)),
    "similar to an unanswered one": ("GET", "/threads/{queued}/similar", None,
                                     expected(404, 404, 404, 404, 404, 404)),
    "search": ("GET", "/search?q=headache", None, expected(200, 200, 200, 200, 200, 200)),
    "suggestions": ("GET", "/suggestions?q=eyelid", None, expected(200, 200, 200, 200, 200, 200)),
    "topics": ("GET", "/topics", None, expected(200, 200, 200, 200, 200, 200)),
    "a topic": ("GET", "/topics/{topic}", None, expected(200, 200, 200, 200, 200, 200)),
    "guides": ("GET", "/guides", None, expected(200, 200, 200, 200, 200, 200)),
    "a guide": ("GET", "/guides/{guide}", None, expected(200, 200, 200, 200, 200, 200)),
    "specialties": ("GET", "/specialties", None, expected(200, 200, 200, 200, 200, 200)),
    "a specialty": ("GET", "/specialties/neurology", None, expected(200, 200, 200, 200, 200, 200)),
    "revoke my token": ("DELETE", "/tokens/current", None, expected(401, 204, 204, 204, 204, 204)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ROLE_CASES)
def test_each_role_gets_the_expected_status(client, people, queued, case, role):
    method, path, body, statuses = ROLE_CASES[case]
    path = path.format(queued=queued, answered=answered_thread_id(), topic=m.Topic.objects.order_by("pk")[0].pk,
                       guide=m.Guide.objects.order_by("pk")[0].pk)
    response = call(client, method, path, getattr(people, role), body=body)
    if statuses[role] >= 400:
        assert_error(response, statuses[role])
    else:
        assert response.status_code == statuses[role], response.content


# ---------------------------------------------------------------- errors and documents

def test_unknown_addresses_and_methods_get_the_error_shape(client, demo):
    assert_error(client.get(f"{API}/nope"), 404, "/api/v1/nope")
    assert_error(client.get("/api/v2/threads"), 404)
    assert_error(client.get(f"{API}/"), 404, f"{API}/docs")
    assert_error(Client(enforce_csrf_checks=True).post(f"{API}/nope", {}), 404)
    response = client.delete(f"{API}/threads")
    assert_error(response, 405, "DELETE")
    assert response["Allow"] == "GET"


def test_a_bug_gives_a_500_in_the_error_shape(demo, monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr("curbside.web.qa.pages.home_page", broken)
    response = Client(raise_request_exception=False).get(f"{API}/specialties")
    data = assert_error(response, 500, "our side")
    assert "a bug" not in data["error"]


def test_the_openapi_document_documents_errors_and_tokens(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["version"] == "1.0"
    operations = {(method, path): op for path, item in schema["paths"].items() for method, op in item.items()}
    assert all("401" in op["responses"] for op in operations.values() if op.get("security"))
    assert {"401", "403", "404", "422"} <= set(operations["post", "/api/v1/queue/{thread_id}/reply"]["responses"])
    assert "429" in operations["post", "/api/v1/questions"]["responses"]
    assert "429" in operations["post", "/api/v1/tokens"]["responses"]
    assert "security" not in operations["get", "/api/v1/threads"]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"ok", "status", "error", "disclaimer"}


def test_the_docs_page_loads_nothing_from_elsewhere(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{API}/openapi.json"' in html and "/api/v1/queue/{thread_id}/claim" in html
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and not [a for a in addresses if a.startswith(("http:", "https:", "//"))]


def test_an_operator_can_revoke_a_token_in_the_admin(client, people):
    headers = bearer(people.asker)
    token = ApiToken.objects.get(user=people.asker)
    admin_user = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin_user)
    page = f"/admin/api/apitoken/{token.pk}/change/"
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    assert token.token_hash not in client.get(page).content.decode()
    client.post(page, {"revoked": "on"})
    client.logout()
    assert_error(client.get(f"{API}/me", **headers), 401)
