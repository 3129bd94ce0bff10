"""Every API response validates against the published OpenAPI document (/api/v1/openapi.json):
Schemathesis generates requests from the document, sends them to the site's WSGI app and
checks status codes, content types, headers and bodies against it, and that none is a 5xx."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from curbside.web.api.tokens import issue_token
from curbside.web.service import workflow
from curbside.web.wsgi import application
from tests.web.test_api import PASSWORD, QUESTION
from tests.web.test_api import people, queued  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# An id that the document cannot know (the database holds them) is refused with a 422 that
# names the field ("specialty: no specialty 'x'"): by design, not a rejected valid request.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
public = schema.include(tag="published questions and answers")
for_askers = schema.include(tag=["asking", "tokens"])
for_doctors = schema.include(tag="doctors' queue")

# Few examples per operation: the point is that every response matches the document, and
# each operation's answers (success and errors) are few in kind. Keeps the file under a minute.
# No example database: a failure prints its curl command, and nothing is written to the repo.
# Function-scoped fixtures are fine here: examples may share the database rows they create.
QUICK = settings(max_examples=12, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Django's own test client does the same: the real WSGI handler closes the database
    connection after each request, which on PostgreSQL would end the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


# Werkzeug's test client sends no REMOTE_ADDR; every real server does, and the rate limits need it.
FROM_AN_ADDRESS = {"environ_base": {"REMOTE_ADDR": "192.0.2.1"}}


def token_header(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user, 'schemathesis')}"}


@public.parametrize()
@QUICK
def test_public_responses_match_the_document(case, demo):
    case.call_and_validate(**FROM_AN_ADDRESS)


@for_askers.parametrize()
@QUICK
def test_asker_responses_match_the_document(case, people, queued):
    case.call_and_validate(headers=token_header(people.asker), **FROM_AN_ADDRESS)


@for_doctors.parametrize()
@QUICK
def test_doctor_responses_match_the_document(case, people, queued):
    case.call_and_validate(headers=token_header(people.doctor), **FROM_AN_ADDRESS)


# Generated ids rarely name a real object, so the tests above see mostly errors. These walk
# through each operation's success once, with real ids, and validate those responses too.

def validated(method: str, path: str, user=None, expect: int = 200, **case):
    headers = token_header(user) if user else None
    response = schema[path][method].Case(**case).call_and_validate(headers=headers, **FROM_AN_ADDRESS)
    assert response.status_code == expect, response.text
    return response


def test_reading_successes_match_the_document(indexed):
    listed = validated("GET", "/api/v1/threads", query={"specialty": "neurology"}).json()
    thread_id = listed["threads"][0]["id"]
    validated("GET", "/api/v1/threads/{thread_id}", path_parameters={"thread_id": indexed.id})
    validated("GET", "/api/v1/threads/{thread_id}/similar", path_parameters={"thread_id": thread_id})
    found = validated("GET", "/api/v1/search", query={"q": "eyelid twitching", "from": "2001-01-01", "to": "x"})
    assert found.json()["results"]
    assert validated("GET", "/api/v1/suggestions", query={"q": "eyelid"}).json()["suggestions"]
    topic = validated("GET", "/api/v1/topics").json()["topics"][0]["id"]
    validated("GET", "/api/v1/topics/{topic_id}", path_parameters={"topic_id": topic})
    guide = validated("GET", "/api/v1/guides").json()["guides"][0]["id"]
    validated("GET", "/api/v1/guides/{guide_id}", path_parameters={"guide_id": guide})
    validated("GET", "/api/v1/specialties")
    validated("GET", "/api/v1/specialties/{specialty_id}", path_parameters={"specialty_id": "neurology"})


def test_service_successes_match_the_document(people, queued):
    asker, doctor = people.asker, people.doctor
    validated("POST", "/api/v1/tokens", expect=201, body={"username": "alice", "password": PASSWORD, "name": "app"})
    validated("GET", "/api/v1/me", doctor)
    validated("POST", "/api/v1/questions", asker, query={"preview": "true"}, body=QUESTION)
    second = validated("POST", "/api/v1/questions", asker, expect=201, body=QUESTION).json()["id"]
    validated("GET", "/api/v1/questions", asker)
    here = {"path_parameters": {"thread_id": queued}}
    validated("GET", "/api/v1/queue", doctor)
    validated("GET", "/api/v1/queue/{thread_id}", doctor, **here)
    validated("POST", "/api/v1/queue/{thread_id}/claim", doctor, **here)
    validated("POST", "/api/v1/queue/{thread_id}/request-info", doctor, body={"text": "Since when?"}, **here)
    validated("GET", "/api/v1/questions/{thread_id}", asker, **here)
    validated("POST", "/api/v1/questions/{thread_id}/info", asker, body={"text": "Two weeks."}, **here)
    reply = {"body": "Usually harmless: sleep more."}
    validated("POST", "/api/v1/queue/{thread_id}/reply", doctor, body=reply, **here)
    workflow.approve(people.moderator, second)
    there = {"path_parameters": {"thread_id": second}}
    validated("POST", "/api/v1/queue/{thread_id}/claim", doctor, **there)
    validated("POST", "/api/v1/queue/{thread_id}/release", doctor, **there)
    validated("POST", "/api/v1/queue/{thread_id}/hand-off", doctor, body={"specialty": "cardiology"}, **there)
    validated("DELETE", "/api/v1/tokens/current", asker, expect=204)
