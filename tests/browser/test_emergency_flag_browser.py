"""Emergencies never wait, in Chromium: a stroke described in Chinese is told to get care
now, and the moderator sees it first among the held questions, marked "Emergency"."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "爸爸的臉"
STROKE_ZH = "我爸爸突然半邊臉下垂、講話不清楚、右手沒力"
ROUTINE_TITLE = "Eyelid twitch"


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


@pytest.fixture
def older_routine_question(asker_page):
    """Held before the emergency (demo-asker is a new account): oldest-first alone would
    list it first."""
    asker = User.objects.get(username="demo-asker")
    draft = workflow.Draft(ROUTINE_TITLE, "My eyelid twitches a little when I am tired after long days at "
                           "the screen.", "self", "30~39", "female", "owl", "neurology")
    assert workflow.submit(asker, draft).state == "held"


def sign_in(page, site, username, password):
    page.goto(site + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fill(page, title, body):
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your question").fill(body)
    page.get_by_label("my parent").check()
    page.get_by_label("Age of the person concerned").select_option("70~79")
    page.get_by_label("Sex of the person concerned").select_option("male")
    page.get_by_label("Public alias").fill("worried-son")
    page.get_by_role("button", name="Check before sending").click()


def test_a_chinese_stroke_question_is_flagged_and_first_for_the_moderator(asker_page, older_routine_question,
                                                                          live_server, browser):
    page = asker_page
    fill(page, TITLE, STROKE_ZH)
    expect(page.get_by_role("alert")).to_contain_text("This may be an emergency")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("alert")).to_contain_text("This may be an emergency")

    moderator = browser.new_context().new_page()
    sign_in(moderator, live_server.url, "demo-moderator", DEMO_PASSWORD)
    moderator.goto(live_server.url + "/moderation/")
    held = moderator.locator("section[aria-labelledby=held] li")
    expect(held).to_have_count(2)
    expect(held.first).to_contain_text(TITLE)
    expect(held.first.get_by_text("Emergency", exact=True)).to_be_visible()
    expect(held.nth(1)).to_contain_text(ROUTINE_TITLE)
