"""Who may open what: every service page (and the public pages around it) × every kind of
person, with the status each must get. Someone else's object answers 404, never 403, so
that ids cannot be probed; a page for another role answers 403; anonymous people are sent
to sign in (302)."""

import pytest
from django.urls import reverse

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.demo_accounts import moderators_group
from curbside.web.service.models import Account, Report

PEOPLE = ["anonymous", "asker", "other_asker", "doctor", "other_doctor", "moderator"]
PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def world(db, django_user_model):
    """Two specialties, two askers, a doctor in each specialty, a moderator; one question in
    the Neurology queue, one published thread, one open report."""
    neuro = qa.Specialty.objects.create(id="neurology", name="Neurology")
    cardio = qa.Specialty.objects.create(id="cardiology", name="Cardiology")
    moderator = django_user_model.objects.create_user("mod", "mod@example.org", PASSWORD, is_staff=True)
    Account.objects.create(user=moderator, role="moderator")
    moderator.groups.add(moderators_group())
    people = {"anonymous": None, "moderator": moderator}
    for name in ("asker", "other_asker"):
        people[name] = workflow.sign_up(name, f"{name}@example.org", PASSWORD)
        workflow.verify_email(people[name])
    for name, specialty in (("doctor", neuro), ("other_doctor", cardio)):
        doctor = workflow.sign_up_doctor(name, f"{name}@example.org", PASSWORD, name=name.title(),
                                         specialty=specialty, hospital="H", licence_number="L")
        workflow.verify_email(doctor.user)
        workflow.set_doctor_standing(moderator, doctor.pk, verified=True)
        people[name] = doctor.user
    draft = workflow.Draft("Twitching eyelid", "My eyelid has twitched for two weeks, mostly at night.",
                           "self", "30~39", "female", "owl", "neurology")
    queued = workflow.submit(people["asker"], draft)
    workflow.approve(moderator, queued.pk)
    answered = workflow.submit(people["asker"], draft)
    workflow.approve(moderator, answered.pk)
    neurologist = people["doctor"].doctor
    workflow.claim(neurologist, answered.pk)
    workflow.publish_reply(neurologist, answered.pk, "Usually harmless; rest and less caffeine help.")
    report = Report.objects.create(thread=answered.thread, reporter=people["other_asker"], reason="check")
    return {"people": people, "queued": queued.pk, "answered": answered.pk, "doctor_id": neurologist.pk,
            "report": report.pk}


def expect(anonymous, asker, other_asker, doctor, other_doctor, moderator):
    return dict(zip(PEOPLE, (anonymous, asker, other_asker, doctor, other_doctor, moderator)))


# (method, url builder, expected status per person)
MATRIX = {
    "home": ("get", lambda w: reverse("home"), expect(200, 200, 200, 200, 200, 200)),
    "published thread": ("get", lambda w: reverse("thread", args=[w["answered"]]) + "x/",
                         expect(301, 301, 301, 301, 301, 301)),
    "published thread json": ("get", lambda w: reverse("thread-json", args=[w["answered"]]),
                              expect(200, 200, 200, 200, 200, 200)),
    "unpublished thread json": ("get", lambda w: reverse("thread-json", args=[w["queued"]]),
                                expect(404, 404, 404, 404, 404, 404)),
    "ask": ("get", lambda w: reverse("ask"), expect(302, 200, 200, 403, 403, 403)),
    "ask confirm": ("get", lambda w: reverse("ask-confirm"), expect(302, 302, 302, 403, 403, 403)),
    "my questions": ("get", lambda w: reverse("my-questions"), expect(302, 200, 200, 403, 403, 403)),
    "my question": ("get", lambda w: reverse("my-question", args=[w["queued"]]),
                    expect(302, 200, 404, 403, 403, 403)),
    "add info": ("post", lambda w: reverse("my-question", args=[w["queued"]]),
                 expect(302, 302, 404, 403, 403, 403)),  # the asker is told no info was asked for
    "queue": ("get", lambda w: reverse("queue"), expect(302, 403, 403, 200, 200, 403)),
    "queue question": ("get", lambda w: reverse("queue-question", args=[w["queued"]]),
                       expect(302, 403, 403, 200, 404, 403)),
    "claim": ("post", lambda w: reverse("queue-action", args=[w["queued"], "claim"]),
              expect(302, 403, 403, 302, 404, 403)),
    "reply to answered": ("post", lambda w: reverse("queue-action", args=[w["answered"], "reply"]),
                          expect(302, 403, 403, 404, 404, 403)),  # answered: out of every queue
    "report published": ("post", lambda w: reverse("report", args=[w["answered"]]),
                         expect(302, 302, 302, 302, 302, 302)),
    "report unpublished": ("post", lambda w: reverse("report", args=[w["queued"]]),
                           expect(302, 302, 404, 302, 404, 404)),
    "moderation": ("get", lambda w: reverse("moderation"), expect(302, 403, 403, 403, 403, 200)),
    "moderate question": ("get", lambda w: reverse("moderate-question", args=[w["queued"]]),
                          expect(302, 403, 403, 403, 403, 200)),
    "verify doctor": ("post", lambda w: reverse("moderate-doctor", args=[w["doctor_id"], "verify"]),
                      expect(302, 403, 403, 403, 403, 302)),
    "resolve report": ("post", lambda w: reverse("resolve-report", args=[w["report"]]),
                       expect(302, 403, 403, 403, 403, 302)),
    "audit log": ("get", lambda w: reverse("audit-log"), expect(302, 403, 403, 403, 403, 200)),
    "dashboard": ("get", lambda w: "/dashboard/", expect(302, 403, 403, 403, 403, 200)),
    "dashboard csv": ("get", lambda w: "/dashboard/open-questions.csv", expect(302, 403, 403, 403, 403, 200)),
    "specialty page": ("get", lambda w: reverse("specialty", args=["neurology"]), expect(200, 200, 200, 200, 200, 200)),
    "search page": ("get", lambda w: reverse("search") + "?q=eyelid", expect(200, 200, 200, 200, 200, 200)),
    "suggestions": ("get", lambda w: reverse("suggest") + "?q=eyelid", expect(200, 200, 200, 200, 200, 200)),
    "sitemap": ("get", lambda w: "/sitemap.xml", expect(200, 200, 200, 200, 200, 200)),
    "robots": ("get", lambda w: "/robots.txt", expect(200, 200, 200, 200, 200, 200)),
    "sign up": ("get", lambda w: reverse("signup"), expect(200, 200, 200, 200, 200, 200)),
    "doctor sign up": ("get", lambda w: reverse("signup-doctor"), expect(200, 200, 200, 200, 200, 200)),
    "sign in": ("get", lambda w: reverse("login"), expect(200, 302, 302, 302, 302, 302)),
    "sign out": ("post", lambda w: reverse("logout"), expect(302, 302, 302, 302, 302, 302)),
    "after sign-in": ("get", lambda w: reverse("after-login"), expect(302, 302, 302, 302, 302, 302)),
    "password reset": ("get", lambda w: reverse("password_reset"), expect(200, 200, 200, 200, 200, 200)),
    "send question": ("post", lambda w: reverse("ask-confirm"), expect(302, 302, 302, 403, 403, 403)),
    "release": ("post", lambda w: reverse("queue-action", args=[w["queued"], "release"]),
                expect(302, 403, 403, 302, 404, 403)),  # the doctor is told to claim first
    "request info": ("post", lambda w: reverse("queue-action", args=[w["queued"], "request-info"]),
                     expect(302, 403, 403, 302, 404, 403)),
    "hand off": ("post", lambda w: reverse("queue-action", args=[w["queued"], "hand-off"]),
                 expect(302, 403, 403, 302, 404, 403)),
    "reply": ("post", lambda w: reverse("queue-action", args=[w["queued"], "reply"]),
              expect(302, 403, 403, 302, 404, 403)),
    "suspend doctor": ("post", lambda w: reverse("moderate-doctor", args=[w["doctor_id"], "suspend"]),
                       expect(302, 403, 403, 403, 403, 302)),
    "reinstate doctor": ("post", lambda w: reverse("moderate-doctor", args=[w["doctor_id"], "reinstate"]),
                         expect(302, 403, 403, 403, 403, 302)),
    "approve question": ("post", lambda w: reverse("moderate-question", args=[w["queued"]]),
                         expect(302, 403, 403, 403, 403, 302)),
    "dashboard chart": ("get", lambda w: "/dashboard/charts/open-questions.svg",
                        expect(302, 403, 403, 403, 403, 200)),
    "admin": ("get", lambda w: "/admin/", expect(302, 302, 302, 302, 302, 200)),
    "admin audit log": ("get", lambda w: "/admin/service/auditentry/", expect(302, 302, 302, 302, 302, 200)),
}


# Pages that send anonymous people somewhere other than the sign-in page.
ANONYMOUS_ELSEWHERE = {"admin", "admin audit log", "published thread", "sign out", "after sign-in"}


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", list(MATRIX))
def test_status(client, world, page, person):
    method, url_of, expected = MATRIX[page]
    user = world["people"][person]
    if user is not None:
        client.force_login(user)
    data = {"text": "more details", "reason": "a reason", "body": "x" * 30, "specialty": "cardiology",
            "action": "approve"} if method == "post" else None
    response = getattr(client, method)(url_of(world), data)
    assert response.status_code == expected[person], f"{page} as {person}"
    if expected[person] == 302 and person == "anonymous" and page not in ANONYMOUS_ELSEWHERE:
        assert "/account/login/" in response.url, "anonymous people are asked to sign in"
