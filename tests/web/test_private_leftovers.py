"""Nothing that screening removed is kept anywhere (issue 12, point 8): a name in the title
reaches neither the page's <title>, <h1> nor JSON-LD, nor the audit log, the index or the
e-mails; an abandoned draft keeps only the de-identified text, and for an hour at most."""

import json
import time

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail

from curbside.web.service import workflow
from curbside.web.service.models import AuditEntry, Question
from curbside.web.service.views import DRAFT_SESSION_KEY
from tests.web.test_deid_flow import asker, doctor, index_bytes  # noqa: F401 - the same asker and doctor fixtures

TITLE = "Tingling hands – Margarethe Quillfeather asking for husband Bartholomew"
PRIVATE = ("Margarethe", "Quillfeather", "Bartholomew")


def decoded_sessions() -> str:
    return "\n".join(json.dumps(SessionStore().decode(s.session_data)) for s in Session.objects.all())


def test_a_name_in_the_title_is_nowhere_once_published(client, asker, doctor):
    from curbside.web.qa import indexing

    question = workflow.submit(asker, workflow.Draft(
        TITLE, "Both hands tingle at night for a month, worse when I hold my phone.", "other", "60~69", "male",
        "Night Tingler", "neurology"))
    question.state = "queued"
    question.save()
    workflow.claim(doctor, question.pk)
    workflow.publish_reply(doctor, question.pk, "This may be carpal tunnel syndrome; a GP can examine the wrists.")
    indexing.process_jobs()
    page = client.get(f"/qa/{question.pk}/", follow=True).content.decode()
    assert "<title>" in page and "application/ld+json" in page
    kept = {"page": page, "audit": json.dumps(list(AuditEntry.objects.values("before", "after")), default=str),
            "e-mail": "\n".join(f"{m.subject} {m.body}" for m in mail.outbox),
            "index": index_bytes().decode("utf-8", "replace")}
    for where, text in kept.items():
        for word in PRIVATE:
            assert word not in text, f"{word} in the {where}"


def test_an_abandoned_draft_keeps_only_the_screened_text(client, asker):
    client.force_login(asker)
    response = client.post("/ask/", {
        "title": TITLE, "body": "Both hands tingle at night for a month. Call me on 07700 900123.",
        "asked_for": "other", "age_band": "60~69", "sex": "male", "alias": "Night Tingler", "specialty": "neurology"})
    assert response.status_code == 302  # on to the confirmation step, which the asker never sends
    stored = decoded_sessions()
    assert "[NAME]" in stored and "[PHONE]" in stored
    for word in (*PRIVATE, "07700 900123"):
        assert word not in stored
    assert not Question.objects.exists()


def test_a_draft_is_forgotten_after_an_hour(client, asker):
    client.force_login(asker)
    client.post("/ask/", {
        "title": "Tingling hands", "body": "Both hands tingle at night for a month, worse when typing.",
        "asked_for": "self", "age_band": "60~69", "sex": "male", "alias": "Night Tingler", "specialty": "neurology"})
    session = client.session
    kept = session[DRAFT_SESSION_KEY]
    kept["saved_at"] = time.time() - 3601
    session[DRAFT_SESSION_KEY] = kept
    session.save()
    response = client.get("/ask/confirm/")
    assert response.status_code == 302 and response.url.endswith("/ask/")
    assert DRAFT_SESSION_KEY not in client.session
