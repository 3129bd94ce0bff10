"""Safety at ask time, as the asker sees it in Chromium: an emergency is told to get care
now (and the question is still sent), and personal details are gone from the preview."""

import pytest
from playwright.sync_api import expect

from curbside.web.qa import models as qa
from curbside.web.service.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from curbside.web.service.models import Question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asker_page(live_server, page):
    for pk, name in (("neurology", "Neurology"), ("family-medicine", "Family Medicine")):
        qa.Specialty.objects.create(id=pk, name=name)
    ensure_demo_accounts()
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Username").fill("demo-asker")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/ask/")
    return page


def fill(page, title, body):
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your question").fill(body)
    page.get_by_label("my parent").check()
    page.get_by_label("Age of the person concerned").select_option("70~79")
    page.get_by_label("Sex of the person concerned").select_option("male")
    page.get_by_label("Public alias").fill("worried-son")
    page.get_by_role("button", name="Check before sending").click()


def test_emergency_is_told_to_get_care_now_and_the_question_is_still_sent(asker_page):
    page = asker_page
    fill(page, "Dad's face looks strange",
         "My dad's face is drooping on one side and his speech is slurred since ten minutes ago. "
         "Call me on 0912-345-678, I am Peter Walsh.")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This may be an emergency")
    expect(alert).to_contain_text("emergency")
    preview = page.locator(".preview")
    expect(preview).to_contain_text("[PHONE]")
    expect(preview).to_contain_text("[NAME]")
    expect(preview).not_to_contain_text("0912-345-678")
    expect(preview).not_to_contain_text("Peter Walsh")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("alert")).to_contain_text("This may be an emergency")
    question = Question.objects.get()
    assert question.screening["triage"]["level"] == "emergency"
    assert question.state in ("held", "queued"), "nothing is lost: it still reaches a person"
    assert "Peter" not in question.thread.body and "0912" not in question.thread.body
