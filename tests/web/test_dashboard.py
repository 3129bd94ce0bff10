"""The moderators' dashboard: its numbers on small sets built through the workflow, the CSV
and SVG it serves, and who may see it."""

import csv
import io
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.utils import timezone

from curbside.web.dashboard import metrics
from curbside.web.dashboard.views import SVG_POLICY
from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.models import Question

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=dt_timezone.utc)  # a Wednesday in ISO week 2025-W11
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BACKEND = "django.contrib.auth.backends.ModelBackend"
DATASETS = ("open-questions", "reply-times", "held-share")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---------------------------------------------------------------- building a small service

def person(username: str, role: str = "asker") -> User:
    """A verified account, old enough that its questions are not held as 'new account'."""
    user = workflow.sign_up(username, f"{username}@example.org", "a long enough password", role=role)
    workflow.verify_email(user)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - 30 * DAY)
    user.refresh_from_db()
    return user


def verified_doctor(moderator: User, username: str, specialty: qa.Specialty) -> qa.Doctor:
    doctor = workflow.sign_up_doctor(username, f"{username}@example.org", "a long enough password",
                                     name=username.title(), specialty=specialty, hospital="General",
                                     licence_number="L-1")
    workflow.verify_email(doctor.user)
    return workflow.set_doctor_standing(moderator, doctor.id, verified=True)


def ask(asker: User, specialty_id: str, body: str = "A dull ache on the left side every morning.") -> Question:
    return workflow.submit(asker, workflow.Draft(title="A question", body=body, asked_for="self",
                                                 age_band="30~39", sex="female", alias="Sam",
                                                 specialty_id=specialty_id))


def answer(doctor: qa.Doctor, question: Question) -> None:
    workflow.claim(doctor, question.pk)
    workflow.publish_reply(doctor, question.pk, "Rest, fluids, and see your own doctor if it lasts.")


def submitted_at(question: Question, moment: datetime) -> None:
    Question.objects.filter(pk=question.pk).update(created_at=moment)


def replied_at(question: Question, moment: datetime) -> None:
    qa.Reply.objects.filter(thread_id=question.pk).update(replied_at=moment)


@pytest.fixture
def cardio(db):
    return qa.Specialty.objects.create(id="cardio", name="Cardiology")


@pytest.fixture
def derm(db):
    return qa.Specialty.objects.create(id="derm", name="Dermatology")


@pytest.fixture
def moderator(db):
    return person("mod", role="moderator")


@pytest.fixture
def asker(db):
    return person("asker")


@pytest.fixture
def cardiologist(moderator, cardio):
    return verified_doctor(moderator, "heart", cardio)


@pytest.fixture
def dermatologist(moderator, derm):
    return verified_doctor(moderator, "skin", derm)


# ---------------------------------------------------------------- open questions

def test_open_questions_are_counted_by_specialty_and_waiting_time(
        moderator, asker, cardio, derm, cardiologist, dermatologist):
    for age in (2 * HOUR, 2 * DAY, 10 * DAY):
        submitted_at(ask(asker, "cardio"), NOW - age)
    held = ask(asker, "cardio", body="Please look at www.example.com for the photo.")
    submitted_at(held, NOW - 7 * DAY)  # exactly seven days: "over 7 days"
    needs_info = ask(asker, "derm")
    workflow.claim(dermatologist, needs_info.pk)
    workflow.request_info(dermatologist, needs_info.pk, "How long has it lasted?")
    submitted_at(needs_info, NOW - 5 * DAY)
    submitted_at(ask(asker, "derm"), NOW - DAY)  # exactly one day: "1-3 days"
    answered, rejected = ask(asker, "cardio"), ask(asker, "derm")
    answer(cardiologist, answered)
    workflow.reject(moderator, rejected.pk, "Not a health question.")

    assert held.state == "held" and Question.objects.get(pk=needs_info.pk).state == "needs_info"
    assert metrics.open_questions(now=NOW) == [
        {"specialty": "cardio", "specialty_name": "Cardiology", "under_1_day": 1, "days_1_to_3": 1,
         "days_3_to_7": 0, "over_7_days": 2, "total": 4},
        {"specialty": "derm", "specialty_name": "Dermatology", "under_1_day": 0, "days_1_to_3": 1,
         "days_3_to_7": 1, "over_7_days": 0, "total": 2},
    ]


def test_no_open_questions_is_an_empty_list(db):
    assert metrics.open_questions(now=NOW) == []


# ---------------------------------------------------------------- time to reply

def answered_between(doctor, asker, specialty_id, asked: datetime, replied: datetime) -> Question:
    question = ask(asker, specialty_id)
    answer(doctor, question)
    submitted_at(question, asked)
    replied_at(question, replied)
    return question


def test_median_time_to_reply_per_week_of_the_reply_and_specialty(
        asker, cardio, derm, cardiologist, dermatologist):
    mar = lambda day, hour, minute=0: datetime(2025, 3, day, hour, minute, tzinfo=dt_timezone.utc)  # noqa: E731
    # Week 2025-W11 (from Monday 10 March), Cardiology: 2, 6 and 24 hours -> median 6.
    answered_between(cardiologist, asker, "cardio", mar(10, 8), mar(10, 10))
    answered_between(cardiologist, asker, "cardio", mar(9, 20), mar(10, 2))  # asked the week before
    answered_between(cardiologist, asker, "cardio", mar(10, 0), mar(11, 0))
    # Week 2025-W10, Dermatology: 36 and 1 hours -> median 18.5.
    answered_between(dermatologist, asker, "derm", mar(3, 9), mar(4, 21))
    answered_between(dermatologist, asker, "derm", mar(4, 0), mar(4, 1))
    # Replied before the four-week window: left out.
    answered_between(cardiologist, asker, "cardio", mar(1, 0) - 30 * DAY, mar(1, 0) - 29 * DAY)
    # An imported thread, answered elsewhere: left out.
    imported = qa.Thread.objects.create(id="imported-1", title="Old", status="answered", body="Asked elsewhere.",
                                        asked_at=mar(11, 0))
    qa.Reply.objects.create(thread=imported, doctor=cardiologist, body="Answered elsewhere.",
                            replied_at=mar(11, 1))

    assert metrics.reply_times(weeks=4, now=NOW) == [
        {"week": "2025-W10", "week_start": "2025-03-03", "specialty": "derm", "specialty_name": "Dermatology",
         "answered": 2, "median_hours": 18.5},
        {"week": "2025-W11", "week_start": "2025-03-10", "specialty": "cardio", "specialty_name": "Cardiology",
         "answered": 3, "median_hours": 6.0},
    ]


# ---------------------------------------------------------------- held for review

def test_share_held_per_week_of_submission_counts_holds_at_any_time(moderator, asker, cardio):
    week_9, week_10 = datetime(2025, 2, 25, 10, tzinfo=dt_timezone.utc), datetime(2025, 3, 5, 10, tzinfo=dt_timezone.utc)
    approved = ask(asker, "cardio", body="My rash looks like the photo on www.example.com here.")
    workflow.approve(moderator, approved.pk)  # clears the hold reasons; the audit log remembers
    for question in (approved, ask(asker, "cardio")):
        submitted_at(question, week_9)
    reported, rejected = ask(asker, "cardio"), ask(asker, "cardio", body="Is crypto stress bad for the heart?")
    workflow.report(asker, reported.pk, "I wrote my full name in it by mistake.")
    workflow.reject(moderator, rejected.pk, "Advertising.")
    for question in (reported, rejected, ask(asker, "cardio")):
        submitted_at(question, week_10)
    submitted_at(ask(asker, "cardio", body="See www.example.com for the whole story."), week_9 - 7 * DAY)

    assert metrics.held_share(weeks=3, now=NOW) == [
        {"week": "2025-W09", "week_start": "2025-02-24", "submitted": 2, "held_at_submission": 1,
         "held_later": 0, "held": 1, "held_percent": 50.0},
        {"week": "2025-W10", "week_start": "2025-03-03", "submitted": 3, "held_at_submission": 1,
         "held_later": 1, "held": 2, "held_percent": 66.7},
        {"week": "2025-W11", "week_start": "2025-03-10", "submitted": 0, "held_at_submission": 0,
         "held_later": 0, "held": 0, "held_percent": None},
    ]


def test_weeks_are_iso_weeks_across_a_year_end():
    first_of_january = datetime(2027, 1, 1, 12, tzinfo=dt_timezone.utc)  # a Friday in 2026-W53
    mondays = metrics.recent_weeks(2, now=first_of_january)
    assert [metrics.week_label(monday) for monday in mondays] == ["2026-W52", "2026-W53"]


# ---------------------------------------------------------------- pages, CSV and SVG

@pytest.fixture
def recent_activity(asker, cardio, cardiologist):
    """An open and an answered question, relative to the real clock the views use."""
    now = timezone.now()
    submitted_at(ask(asker, "cardio"), now - 2 * DAY)
    answered_between(cardiologist, asker, "cardio", now - 5 * HOUR, now - HOUR)


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def as_csv_text(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("name, rows", [
    ("open-questions", lambda: metrics.open_questions()),
    ("reply-times", lambda: metrics.reply_times()),
    ("held-share", lambda: metrics.held_share()),
])
def test_csv_export_has_a_header_and_the_metric_rows(client, moderator, recent_activity, name, rows):
    response = signed_in(client, moderator).get(f"/dashboard/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    parsed = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    expected = [{key: as_csv_text(value) for key, value in row.items()} for row in rows()]
    assert expected and parsed == expected


def test_csv_export_defuses_spreadsheet_formulas(client, moderator, asker):
    qa.Specialty.objects.create(id="odd", name="=HYPERLINK(\"http://example.com\")")
    ask(asker, "odd")
    response = signed_in(client, moderator).get("/dashboard/open-questions.csv")
    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert row["specialty_name"].startswith("'=")


@pytest.mark.parametrize("name", DATASETS)
def test_charts_are_svg_documents_with_their_own_strict_policy(client, moderator, recent_activity, name):
    response = signed_in(client, moderator).get(f"/dashboard/charts/{name}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == SVG_POLICY
    assert response.content.startswith(b"<?xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find(".//{http://www.w3.org/2000/svg}g[@id='axes_1']") is not None


def test_a_chart_names_what_it_shows(client, moderator, recent_activity):
    svg = signed_in(client, moderator).get("/dashboard/charts/open-questions.svg").content
    assert b"Cardiology" in svg and b"over 7 days" in svg


@pytest.mark.parametrize("name", DATASETS)
def test_charts_without_data_say_so(client, moderator, name):
    svg = signed_in(client, moderator).get(f"/dashboard/charts/{name}.svg").content
    assert b"No data for this period" in svg


def test_page_shows_each_chart_with_alt_text_a_table_and_a_csv_link(client, moderator, recent_activity):
    response = signed_in(client, moderator).get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in DATASETS:
        assert f'src="/dashboard/charts/{name}.svg"' in html
        assert f'href="/dashboard/{name}.csv"' in html
    assert 'alt="Bar chart of 1 open questions by specialty' in html
    assert "Line chart of the median hours from question to reply" in html
    assert "<th scope=\"row\">Cardiology</th>" in html
    assert "imported threads are left out" in html
    assert "style=" not in html  # the site's policy refuses inline styles


def test_period_is_passed_on_to_charts_and_exports(client, moderator):
    html = signed_in(client, moderator).get("/dashboard/?weeks=4").content.decode()
    assert 'src="/dashboard/charts/held-share.svg?weeks=4"' in html
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/held-share.csv?weeks=4").content.decode())))
    assert len(rows) == 4


@pytest.mark.parametrize("weeks", ["0", "abc", "-1", str(metrics.MAX_WEEKS + 1)])
def test_a_bad_period_is_a_bad_request(client, moderator, weeks):
    assert signed_in(client, moderator).get(f"/dashboard/?weeks={weeks}").status_code == 400


def test_an_unknown_dataset_is_not_found(client, moderator):
    signed_in(client, moderator)
    assert client.get("/dashboard/nothing.csv").status_code == 404
    assert client.get("/dashboard/charts/nothing.svg").status_code == 404


# ---------------------------------------------------------------- who may see it

URLS = ("/dashboard/", "/dashboard/open-questions.csv", "/dashboard/charts/held-share.svg")


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("url", URLS)
def test_askers_and_doctors_are_refused(client, asker, cardiologist, url):
    assert signed_in(client, asker).get(url).status_code == 403
    assert signed_in(client, cardiologist.user).get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_moderators_and_superusers_may_see_it(client, moderator, url):
    assert signed_in(client, moderator).get(url).status_code == 200
    root = User.objects.create_superuser("root", "root@example.org", "a long enough password")
    response = signed_in(client, root).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
