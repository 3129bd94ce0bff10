"""Personal details out of everything Curbside keeps or publishes (issue 11): the alias is
checked and can be edited, doctors' links survive, and values planted in a question are
found nowhere after a whole ask -> more information -> reply -> publish -> index cycle: not
in any table (sessions included), not in the index files, not in the logs or e-mails."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.models import AuditEntry, Question

PASSWORD = "a-long-enough-passphrase"
# Values a person might type about themselves; each must vanish, and each has a cue or a shape
# the recognisers know, so the test is about where text goes, not about recall.
PLANTED = {
    "name": "Ingrid Halvorsen",
    "phone": "+44 7700 900123",
    "email": "ingrid.halvorsen@example.com",
    "address": "14 Larkfield Road",
    "more_phone": "07700 900456",
    "more_name": "Bjorn Halvorsen",
}


@pytest.fixture
def asker(demo):
    user = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(user)
    return user


@pytest.fixture
def doctor(demo, django_user_model):
    user = django_user_model.objects.create_user("dr-neuro", "dr@example.org", PASSWORD)
    neurology = qa.Specialty.objects.get(pk="neurology")
    return qa.Doctor.objects.create(id="dr-test-neuro", name="Amina Rahman", specialty=neurology,
                                    hospital="Northgate General Hospital", verified=True, user=user)


@pytest.fixture
def moderator(demo, django_user_model):
    from curbside.web.service.demo_accounts import ensure_demo_accounts

    ensure_demo_accounts()
    return django_user_model.objects.get(username="demo-moderator")


def ask_form(client, alias="Calm Otter 27", body=None):
    return client.post("/ask/", {
        "title": "Tingling in my left hand",
        "body": body or ("My left hand tingles at night for three weeks, worse after typing. "
                         "No weakness or neck pain."),
        "asked_for": "self", "age_band": "40~49", "sex": "female", "alias": alias, "specialty": "neurology",
    })


# ---------------------------------------------------------------- the alias

@pytest.mark.parametrize("alias, says", [
    ("john.smith@example.com", "e-mail address"),
    ("0912 345 678", "phone number"),
    ("Priya Patel", "full name"),
    ("john.smith", "full name"),
])
def test_an_identifying_alias_is_refused_at_the_form_with_a_suggestion(client, asker, alias, says):
    client.force_login(asker)
    response = ask_form(client, alias=alias)
    assert response.status_code == 200  # the form again, nothing kept
    page = response.content.decode()
    assert says in page and "for example" in page
    assert "curbside-draft" not in client.session.keys() and not Question.objects.exists()


def test_a_harmless_alias_passes(client, asker):
    client.force_login(asker)
    assert ask_form(client, alias="Tired Mum").status_code == 302


def test_the_api_refuses_an_identifying_alias(client, asker):
    from curbside.web.api.tokens import issue_token

    response = client.post("/api/v1/questions", {
        "title": "Hand tingling", "body": "My left hand tingles at night for three weeks now.",
        "asked_for": "self", "age_band": "40~49", "sex": "female", "alias": "ingrid@example.com",
        "specialty": "auto"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(asker, 'test')}")
    assert response.status_code in (400, 422) and "e-mail address" in response.content.decode()
    assert not Question.objects.exists()


def test_the_moderators_privacy_edit_covers_the_alias(client, asker, moderator):
    draft = workflow.Draft("Tingling hand", "My left hand tingles at night for three weeks now.",
                           "self", "40~49", "female", "Hand Worrier", "neurology")
    question = workflow.submit(asker, draft)
    client.force_login(moderator)
    page = client.get(f"/moderation/questions/{question.pk}/").content.decode()
    assert 'name="alias"' in page and "Hand Worrier" in page

    refused = client.post(f"/moderation/questions/{question.pk}/", {
        "action": "edit", "title": question.thread.title, "body": question.thread.body,
        "alias": "ingrid.h@example.com"})
    assert "e-mail address" in refused.content.decode()
    question.thread.refresh_from_db()
    assert question.thread.alias == "Hand Worrier"

    client.post(f"/moderation/questions/{question.pk}/", {
        "action": "edit", "title": question.thread.title, "body": question.thread.body, "alias": "Quiet Heron 12"})
    question.thread.refresh_from_db()
    assert question.thread.alias == "Quiet Heron 12"
    entry = AuditEntry.objects.filter(action="question.edited", object_id=question.pk).latest("pk")
    assert entry.after["alias"] == "Quiet Heron 12"
    assert "Hand Worrier" not in str(entry.before) and "privacy edit" in entry.before["alias"]  # a digest only


# ---------------------------------------------------------------- doctors' replies

def test_a_reply_keeps_its_links_and_the_doctors_own_name(asker, doctor):
    question = workflow.submit(asker, workflow.Draft(
        "Tingling hand", "My left hand tingles at night for three weeks now.", "self", "40~49", "female",
        "Calm Otter 27", "neurology"))
    question.state = "queued"
    question.save()
    workflow.claim(doctor, question.pk)
    workflow.publish_reply(doctor, question.pk, (
        "Dear Ingrid Halvorsen, this sounds like carpal tunnel syndrome. Read "
        "[the NHS page](https://www.nhs.uk/conditions/carpal-tunnel-syndrome/) and "
        "<https://medlineplus.gov/carpaltunnelsyndrome.html>. "
        "If you want, write to [me](mailto:ingrid.halvorsen@example.com). "
        "Dr. Amina Rahman, Northgate General Hospital"))
    body = qa.Reply.objects.get(thread=question.thread).body
    assert "(https://www.nhs.uk/conditions/carpal-tunnel-syndrome/)" in body
    assert "<https://medlineplus.gov/carpaltunnelsyndrome.html>" in body
    assert "Dr. Amina Rahman, Northgate General Hospital" in body
    assert "Ingrid" not in body and "ingrid.halvorsen" not in body
    assert "%5B" not in body and "](" + "[" not in body  # no placeholder inside a link target


# ---------------------------------------------------------------- nowhere else

def every_stored_text() -> str:
    """Every cell of every table, the audit log included, and the sessions decoded (their
    data is signed base64, so a plain search would find nothing even if text were there)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    parts = [str(SessionStore().decode(s.session_data)) for s in Session.objects.all()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts += [str(cell) for cell in row if cell is not None]
    return "\n".join(parts)


def index_bytes() -> bytes:
    """The index folder and the embedding cache, as bytes on disk."""
    folder = Path(settings.SEARCH_INDEX_DIR)
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    files += [p for p in [Path(settings.SEARCH_EMBEDDING_CACHE)] if p.exists()]
    return b"\n".join(p.read_bytes() for p in files)


def database_file_bytes() -> bytes:
    """The SQLite file and its write-ahead log, when the test database is a file (PostgreSQL's
    files are its own: there the table scan above is the check)."""
    name = str(connection.settings_dict.get("NAME", ""))
    paths = [Path(name), Path(name + "-wal")] if connection.vendor == "sqlite" and "memory" not in name else []
    return b"\n".join(p.read_bytes() for p in paths if p.exists())


def test_planted_details_are_nowhere_after_a_whole_cycle(client, asker, doctor, moderator, caplog):
    from curbside.web.qa import indexing

    caplog.set_level(logging.DEBUG)
    client.force_login(asker)
    body = (f"My name is {PLANTED['name']}, call me on {PLANTED['phone']} or e-mail {PLANTED['email']}. "
            f"I live at {PLANTED['address']}. My left hand tingles at night for three weeks.")
    assert ask_form(client, body=body).status_code == 302
    confirm = client.get("/ask/confirm/").content.decode()
    assert "[NAME]" in confirm and "[PHONE]" in confirm and "a phone number" in confirm  # what and why
    assert client.post("/ask/confirm/").status_code == 302
    question = Question.objects.get()
    if question.state == "held":
        workflow.approve(moderator, question.pk)

    workflow.claim(doctor, question.pk)
    workflow.request_info(doctor, question.pk, "Which fingers tingle?")
    client.post(f"/my/questions/{question.pk}/", {
        "text": f"The thumb and two fingers. My husband {PLANTED['more_name']} says call {PLANTED['more_phone']}."})
    question.refresh_from_db()
    assert question.state == "queued"
    workflow.publish_reply(doctor, question.pk, "This sounds like carpal tunnel syndrome; see your GP for a "
                                                "check of the wrist and try a night splint.")
    indexing.process_jobs()

    stored, index, logs, database_file = every_stored_text(), index_bytes(), caplog.text, database_file_bytes()
    outbox = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    for what, value in PLANTED.items():
        assert value not in stored, f"{what} in the database"
        assert value.encode() not in database_file, f"{what} in the database file"
        assert value.encode() not in index, f"{what} in the search index"
        assert value not in logs, f"{what} in the logs"
        assert value not in outbox, f"{what} in an e-mail"
    thread = qa.Thread.objects.get(pk=question.pk)
    assert "[NAME]" in thread.body and "[PHONE]" in thread.body and "[ADDRESS]" in thread.body
    assert index, "the index was built"
