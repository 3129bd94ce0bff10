"""The service through its HTML pages with Django's test client: sign-up and e-mail
verification, asking with a confirmation step, moderation, the doctors' queue, answering."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.qa.markdown import render_reply
from curbside.web.service.models import AuditEntry, Question

# Transactional: e-mails and index updates are sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def specialties(db):
    neuro = qa.Specialty.objects.create(id="neurology", name="Neurology")
    cardio = qa.Specialty.objects.create(id="cardiology", name="Cardiology")
    return neuro, cardio


def signs_in(client, username) -> bool:
    """Through the real login page (django-axes needs the request)."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return response.status_code == 302


def verified_user(client, username, **extra):
    client.post(reverse("signup"), {"username": username, "email": f"{username}@example.org",
                                     "password": PASSWORD, **extra})
    link = re.search(r"http://testserver(/account/verify/\S+)", mail.outbox[-1].body).group(1)
    client.get(link)
    assert signs_in(client, username)


@pytest.fixture
def moderator(db, django_user_model):
    from curbside.web.service.models import Account

    user = django_user_model.objects.create_user("mod", "mod@example.org", PASSWORD)
    Account.objects.create(user=user, role="moderator")
    return user


def make_doctor(moderator, specialty, username="neuro"):
    doctor = workflow.sign_up_doctor(username, f"{username}@example.org", PASSWORD, name=username.title(),
                                     specialty=specialty, hospital="Test Hospital", licence_number="L-1")
    workflow.verify_email(doctor.user)
    return workflow.set_doctor_standing(moderator, doctor.pk, verified=True)


DRAFT = {"title": "Eyelid twitching for two weeks", "asked_for": "self", "age_band": "20~29",
         "sex": "female", "alias": "jeri", "specialty": "neurology",
         "body": "My left eyelid has twitched on and off for two weeks, mostly when I am tired."}


def test_sign_up_needs_a_verified_email_before_sign_in(client, specialties):
    response = client.post(reverse("signup"), {"username": "asker1", "email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 200 and b"Check your e-mail" in response.content
    assert not signs_in(client, "asker1")
    link = re.search(r"http://testserver(/account/verify/\S+)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 302
    assert signs_in(client, "asker1")
    assert client.get(link).status_code == 400, "a verification link works once"


def test_sign_up_errors_name_the_field(client, specialties):
    response = client.post(reverse("signup"), {"username": "x", "email": "not-an-email", "password": "short"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"username", "email", "password"}


def test_ask_shows_what_will_be_published_before_saving(client, specialties):
    verified_user(client, "asker1")
    response = client.post(reverse("ask"), DRAFT)
    assert response.status_code == 302 and response.url == reverse("ask-confirm")
    assert not Question.objects.exists(), "nothing is saved before the asker confirms"
    page = client.get(reverse("ask-confirm")).content.decode()
    assert "Eyelid twitching for two weeks" in page and "Neurology doctors" in page
    response = client.post(reverse("ask-confirm"))
    question = Question.objects.get()
    assert response.url == reverse("my-question", args=[question.pk])
    assert question.state == "held" and question.held_reasons == ["new account"]
    assert client.get(reverse("thread", args=[question.pk])).status_code == 404, "unpublished is not public"


def test_the_whole_path_from_question_to_published_reply(client, specialties, moderator):
    neuro, _ = specialties
    doctor = make_doctor(moderator, neuro)
    verified_user(client, "asker1")
    client.post(reverse("ask"), DRAFT)
    client.post(reverse("ask-confirm"))
    question = Question.objects.get()

    client.force_login(moderator)
    assert client.post(reverse("moderate-question", args=[question.pk]), {"action": "approve"}).status_code == 302

    client.force_login(doctor.user)
    queue = client.get(reverse("queue")).content.decode()
    assert "Eyelid twitching for two weeks" in queue
    client.post(reverse("queue-action", args=[question.pk, "claim"]))
    client.post(reverse("queue-action", args=[question.pk, "request-info"]), {"text": "Any drooping of the face?"})
    assert Question.objects.get().state == "needs_info"
    assert "needs more information" in mail.outbox[-1].subject

    client.force_login(question.asker)
    client.post(reverse("my-question", args=[question.pk]), {"text": "No drooping, only the eyelid."})
    assert Question.objects.get().state == "queued"

    client.force_login(doctor.user)
    response = client.post(reverse("queue-action", args=[question.pk, "reply"]),
                           {"body": "This is usually **myokymia**, linked to tiredness and caffeine.\n"
                                    "See a doctor if it spreads to the face."})
    assert response.status_code == 302
    thread = qa.Thread.objects.get(pk=question.pk)
    assert thread.status == "answered" and thread.reply.doctor == doctor
    assert "was answered" in mail.outbox[-1].subject and mail.outbox[-1].to == ["asker1@example.org"]
    public = client.get(reverse("thread", args=[question.pk]), follow=True)
    assert public.status_code == 200
    actions = list(AuditEntry.objects.filter(object_id=question.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["question.submitted", "question.approved", "question.claimed", "question.info_requested",
                       "question.info_added", "reply.published", "question.answered"]


def test_claims_expire_and_another_doctor_cannot_take_a_live_claim(specialties, moderator, settings):
    neuro, _ = specialties
    first, second = make_doctor(moderator, neuro, "first"), make_doctor(moderator, neuro, "second")
    asker = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(asker)
    question = workflow.submit(asker, workflow.Draft(DRAFT["title"], DRAFT["body"], "self", "20~29", "female",
                                                     "jeri", "neurology"))
    workflow.approve(moderator, question.pk)
    workflow.claim(first, question.pk)
    assert question.pk not in [q.pk for q in workflow.queue_for(second)], "a live claim hides it from others"
    with pytest.raises(workflow.NotAllowed):
        workflow.claim(second, question.pk)
    Question.objects.filter(pk=question.pk).update(claim_expires_at=question.created_at)
    assert question.pk in [q.pk for q in workflow.queue_for(second)]
    workflow.claim(second, question.pk)
    with pytest.raises(workflow.NotAllowed):
        workflow.publish_reply(first, question.pk, "An expired claim cannot publish a reply here.")


def test_hand_off_moves_the_question_to_another_queue(specialties, moderator):
    neuro, cardio = specialties
    neurologist, cardiologist = make_doctor(moderator, neuro, "neuro"), make_doctor(moderator, cardio, "cardio")
    asker = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(asker)
    question = workflow.submit(asker, workflow.Draft(DRAFT["title"], DRAFT["body"], "self", "20~29", "female",
                                                     "jeri", "neurology"))
    workflow.approve(moderator, question.pk)
    workflow.hand_off(neurologist, question.pk, "cardiology", "Palpitations, not eyelid.")
    assert [q.pk for q in workflow.queue_for(cardiologist)] == [question.pk]
    assert list(workflow.queue_for(neurologist)) == []


def test_moderator_rejects_with_a_reason_sent_to_the_asker(specialties, moderator):
    asker = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(asker)
    question = workflow.submit(asker, workflow.Draft("Buy cheap pills", "Visit www.cheap-pills.example for a "
                                                     "discount code today", "self", "20~29", "male", "x", "neurology"))
    assert question.state == "held"
    assert "contains a link" in question.held_reasons
    workflow.reject(moderator, question.pk, "Advertising is not allowed.")
    assert "Advertising is not allowed." in mail.outbox[-1].body


def test_reply_markdown_is_rendered_safely():
    html = render_reply("**Rest** helps.\n<script>alert(1)</script> [x](javascript:alert(1)) [NIH](https://nih.gov)")
    assert "<strong>Rest</strong>" in html
    assert "<script>" not in html and "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert '<a href="https://nih.gov" rel="nofollow noopener noreferrer">NIH</a>' in html


def test_audit_log_cannot_be_edited(specialties, moderator):
    from django.core.exceptions import PermissionDenied
    from django.db import connection, transaction

    entry = workflow.audit(moderator, "test.action", moderator, None, {"x": 1})
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE service_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_password_reset_by_email(client, specialties):
    user = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(user)
    response = client.post(reverse("password_reset"), {"email": "a@example.org"})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["a@example.org"] and "reset the password" in message.body
    link = re.search(r"http://testserver(/account/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "another-long-passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert client.post(reverse("login"), {"username": "asker1", "password": new}).status_code == 302


def test_personal_details_never_reach_the_published_question(client, specialties):
    verified_user(client, "asker1")
    client.post(reverse("ask"), {**DRAFT, "body": "Dear doctor, I am Mary Jones, phone 0912-345-678. My Bell's palsy "
                                                  "came back and I take prednisolone 20 mg."})
    preview = client.get(reverse("ask-confirm")).content.decode()
    assert "Mary Jones" not in preview and "0912-345-678" not in preview
    assert "[NAME]" in preview and "[PHONE]" in preview and "replaced personal details" in preview
    client.post(reverse("ask-confirm"))
    body = Question.objects.get().thread.body
    assert "Mary" not in body and "0912" not in body
    assert "Bell's palsy" in body and "prednisolone 20 mg" in body
    assert not AuditEntry.objects.filter(after__icontains="Mary").exists(), "nor in the audit log"


def test_not_sure_lets_the_router_choose_the_queue(client, specialties):
    qa.Specialty.objects.create(id="dermatology", name="Dermatology")
    verified_user(client, "asker1")
    client.post(reverse("ask"), {**DRAFT, "specialty": "auto", "title": "Itchy red patches",
                                 "body": "I have itchy red scaly patches on my elbows and knees that flake."})
    preview = client.get(reverse("ask-confirm")).content.decode()
    assert "Dermatology doctors" in preview and "chosen by Curbside" in preview
    client.post(reverse("ask-confirm"))
    question = Question.objects.get()
    assert question.specialty_id == "dermatology"
    assert question.screening["chosen_by"] == "curbside" and question.screening["routing"]["suggested"] == "dermatology"


def test_an_emergency_is_saved_queued_and_seen_first(specialties, moderator):
    neuro, _ = specialties
    doctor = make_doctor(moderator, neuro)
    asker = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(asker)
    calm = workflow.submit(asker, workflow.Draft("Eyelid twitch", "My eyelid twitches a little when I am tired "
                                                 "after long days at the screen.", "self", "30~39", "female",
                                                 "owl", "neurology"))
    urgent = workflow.submit(asker, workflow.Draft("Face drooping", "My face is drooping on one side and my arm "
                                                   "feels weak since ten minutes ago.", "self", "60~69", "male",
                                                   "owl", "neurology"))
    assert urgent.screening["triage"]["level"] == "emergency" and urgent.urgency == 3
    for question in (calm, urgent):
        workflow.approve(moderator, question.pk)
    assert [q.pk for q in workflow.queue_for(doctor)] == [urgent.pk, calm.pk], "most urgent first, then oldest"
