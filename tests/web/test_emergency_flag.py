"""Emergencies never wait: a held emergency is first on the moderation page with a mark in
words, first in the doctors' queue with the same mark, and the e-mail sent after asking
opens with the advice the asker was shown."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from curbside.web.service import workflow
from curbside.web.service.demo_accounts import ensure_demo_accounts
from curbside.web.service.models import Question

# Transactional: the confirmation e-mail is sent after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

STROKE = ("Face drooping on one side", "My husband's face is drooping on one side and he can't lift his right "
          "arm, it started 20 minutes ago")
KIDNEY = ("Burning when I pee", "It burns when I pass urine and I have a fever and pain in my side.")
TWITCH = ("Eyelid twitch", "My eyelid twitches a little when I am tired after long days at the screen.")
STROKE_ZH = ("爸爸的臉", "我爸爸突然半邊臉下垂、講話不清楚、右手沒力")
SPANISH = ("Mi padre", "Mi padre tiene la cara caída de un lado y no puede hablar bien desde hace una hora")
EMERGENCY_MARK = '<strong class="badge emergency">Emergency</strong>'


@pytest.fixture
def staff(demo):
    """The demo moderator and the demo neurologist (a verified doctor of the demo content)."""
    ensure_demo_accounts()
    moderator = User.objects.get(username="demo-moderator")
    neurologist = User.objects.get(username="demo-neurologist")
    assert workflow.active_doctor(neurologist) is not None
    return moderator, neurologist


@pytest.fixture
def new_asker(demo):
    """An account made today, with nothing answered yet: hold_rules.json holds its questions."""
    user = workflow.sign_up("worried-wife", "wife@example.org", "a-long-enough-passphrase")
    workflow.verify_email(user)
    return user


def ask(asker, title_and_body, about="other", age_band="60~69") -> Question:
    title, body = title_and_body
    return workflow.submit(asker, workflow.Draft(title, body, about, age_band, "male", "wife", "neurology"))


def advice_shown(question: Question) -> str:
    """The advice as it appears in a page's HTML."""
    return escape(question.triage["advice"])


def titled(items: list[str]) -> list[str]:
    """Which of this file's questions each list item is, by title."""
    titles = [STROKE[0], KIDNEY[0], TWITCH[0], STROKE_ZH[0]]
    return [next((t for t in titles if t in item), None) for item in items]


def held_items(html: str) -> list[str]:
    """The <li> of the moderation page's held questions, in page order."""
    section = re.search(r'<section aria-labelledby="held">(.*?)</section>', html, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", section, re.S)


def queue_rows(html: str) -> list[str]:
    return re.findall(r"<tr><td>(.*?)</tr>", html, re.S)


def test_a_new_accounts_question_is_held(new_asker):
    question = ask(new_asker, STROKE)
    assert question.state == "held" and question.held_reasons == ["new account"]
    assert question.is_emergency and question.urgency == 3


def test_held_list_is_most_urgent_first_then_oldest_with_the_emergency_mark(client, staff, new_asker):
    moderator, _ = staff
    older, emergency, newer = ask(new_asker, TWITCH), ask(new_asker, STROKE), ask(new_asker, KIDNEY)
    assert [q.pk for q in workflow.held_questions()] == [emergency.pk, newer.pk, older.pk]

    client.force_login(moderator)
    items = held_items(client.get(reverse("moderation")).content.decode())
    assert titled(items) == [STROKE[0], KIDNEY[0], TWITCH[0]]
    assert EMERGENCY_MARK in items[0]
    assert advice_shown(emergency) in items[0], "the moderator reads what the asker was told"
    assert all("Emergency" not in item for item in items[1:])


def test_the_moderation_page_of_an_emergency_carries_the_mark(client, staff, new_asker):
    moderator, _ = staff
    emergency = ask(new_asker, STROKE)
    client.force_login(moderator)
    page = client.get(reverse("moderate-question", args=[emergency.pk])).content.decode()
    assert EMERGENCY_MARK in page and advice_shown(emergency) in page


def test_a_language_the_engine_cannot_read_is_held_for_staff_and_marked(client, staff, demo):
    """Even an established account's question is held: nobody knows yet how urgent it is."""
    moderator, _ = staff
    asker = workflow.sign_up("abuela", "abuela@example.org", "a-long-enough-passphrase")
    workflow.verify_email(asker)
    question = ask(asker, SPANISH)
    assert question.needs_staff and "language not read" in question.held_reasons
    assert question.urgency >= 2, "it sorts with the urgent questions, above routine ones"
    assert question.triage["level"] != "self_care"
    assert mail.outbox[-1].body.startswith("We could not read the language of your question.")
    assert "call your local emergency number now" in mail.outbox[-1].body

    client.force_login(moderator)
    [item] = held_items(client.get(reverse("moderation")).content.decode())
    assert "Needs staff: language not read" in item and advice_shown(question) in item
    page = client.get(reverse("moderate-question", args=[question.pk])).content.decode()
    assert "Needs staff: language not read" in page


def test_questions_without_needs_staff_are_not_marked(client, staff, new_asker):
    moderator, _ = staff
    ask(new_asker, STROKE)
    client.force_login(moderator)
    assert "Needs staff" not in client.get(reverse("moderation")).content.decode()


def test_the_queue_shows_the_emergency_first_with_the_same_mark(client, staff, new_asker):
    moderator, neurologist = staff
    calm, emergency = ask(new_asker, TWITCH), ask(new_asker, STROKE)
    for question in (calm, emergency):
        workflow.approve(moderator, question.pk)
    doctor = workflow.active_doctor(neurologist)
    ours = {calm.pk, emergency.pk}
    assert [q.pk for q in workflow.queue_for(doctor) if q.pk in ours] == [emergency.pk, calm.pk]

    client.force_login(neurologist)
    rows = queue_rows(client.get(reverse("queue")).content.decode())
    assert titled(rows)[0] == STROKE[0] and EMERGENCY_MARK in rows[0], "the emergency is the first row"
    assert all(EMERGENCY_MARK not in row for row in rows[1:])
    page = client.get(reverse("queue-question", args=[emergency.pk])).content.decode()
    assert EMERGENCY_MARK in page and advice_shown(emergency) in page


def test_the_confirmation_e_mail_opens_with_the_emergency_advice(new_asker):
    question = ask(new_asker, STROKE)
    [message] = [m for m in mail.outbox if m.subject.endswith("Your question was received")]
    assert message.to == ["wife@example.org"]
    assert message.body.startswith("This may be an emergency. " + question.triage["advice"])
    assert "A moderator checks it" in message.body, "and it says where the question is"


def test_the_confirmation_e_mail_opens_with_the_urgent_advice(new_asker):
    question = ask(new_asker, KIDNEY, about="self", age_band="30~39")
    assert question.triage["level"] == "urgent"
    assert mail.outbox[-1].body.startswith("Please see a doctor soon. " + question.triage["advice"])


def test_a_routine_confirmation_e_mail_has_no_warning(new_asker):
    ask(new_asker, TWITCH, about="self", age_band="30~39")
    assert mail.outbox[-1].body.startswith("We received your question")


def test_a_chinese_stroke_question_is_an_emergency_end_to_end(client, staff, new_asker):
    moderator, _ = staff
    ask(new_asker, TWITCH)
    client.force_login(new_asker)
    title, body = STROKE_ZH
    client.post(reverse("ask"), {"title": title, "body": body, "asked_for": "parent", "age_band": "70~79",
                                 "sex": "male", "alias": "daughter", "specialty": "neurology"})
    confirm = client.get(reverse("ask-confirm")).content.decode()
    assert "Check what will be published" in confirm, "the ask form took the question"
    assert "This may be an emergency" in confirm
    client.post(reverse("ask-confirm"))
    question = Question.objects.get(thread__title=title)
    assert question.triage["level"] == "emergency" and question.state == "held"

    client.force_login(moderator)
    items = held_items(client.get(reverse("moderation")).content.decode())
    assert titled(items) == [title, TWITCH[0]] and EMERGENCY_MARK in items[0]


def test_the_api_queue_says_emergency_in_words_too(client, staff, new_asker):
    from curbside.web.api.tokens import issue_token

    moderator, neurologist = staff
    calm, emergency = ask(new_asker, TWITCH), ask(new_asker, STROKE)
    for question in (calm, emergency):
        workflow.approve(moderator, question.pk)
    response = client.get("/api/v1/queue", HTTP_AUTHORIZATION=f"Bearer {issue_token(neurologist, 'test')}")
    assert response.status_code == 200, response.content
    items = {item["id"]: item for item in response.json()["questions"]}
    assert list(items)[0] == emergency.pk, "most urgent first"
    assert items[emergency.pk]["triage"] == {"level": "emergency", "advice": emergency.triage["advice"],
                                             "emergency": True, "language_not_read": False}
    assert items[calm.pk]["triage"]["emergency"] is False
