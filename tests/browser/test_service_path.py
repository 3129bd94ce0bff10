"""The whole path in a real browser: an asker signs up and asks (seeing suggestions while
typing), a moderator lets the new account's question through, a doctor of that specialty
claims and replies, the asker is told, and the thread is public, with its JSON-LD, and found
by search."""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from curbside.cli import main
from curbside.demo import demo_archive
from curbside.web.qa import indexing
from curbside.web.service.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"
TITLE = "Eyelid keeps twitching after late nights"
QUESTION = ("My lower eyelid keeps twitching for a few seconds at a time, mostly after late nights and "
            "lots of coffee. It has gone on for ten days. Should I worry about it?")


@pytest.fixture
def site(live_server):
    assert main(["import", str(demo_archive())]) == 0
    indexing.process_jobs()
    indexing.get_engine().search("warm up the query model", k=1)  # loading it takes seconds
    ensure_demo_accounts()
    return live_server.url


def sign_in(page, site, username, password):
    page.goto(site + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_question_to_published_answer(site, browser):
    asker = browser.new_page()
    asker.goto(site + "/")
    asker.get_by_role("link", name="Ask a doctor").click()
    expect(asker).to_have_url(re.compile("/account/login/"))
    asker.get_by_role("link", name="Create an account").click()
    asker.get_by_label("Username").fill("worried-reader")
    asker.get_by_label("Email").fill("reader@example.org")
    asker.get_by_label("Password").fill(PASSWORD)
    asker.get_by_role("button", name="Create account").click()
    expect(asker.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = re.search(r"http://\S+/account/verify/\S+", mail.outbox[-1].body).group(0)
    asker.goto(link)
    sign_in(asker, site, "worried-reader", PASSWORD)

    asker.goto(site + "/ask/")
    asker.get_by_label("Title").fill(TITLE)
    asker.get_by_label("Your question").press_sequentially("my eyelid twitches all the time", delay=15)
    expect(asker.locator("#ask-suggestions li a").first).to_be_visible()  # answers that may already exist
    asker.get_by_label("Your question").fill(QUESTION)
    asker.get_by_label("me", exact=True).check()
    asker.get_by_label("Age of the person concerned").select_option("30~39")
    asker.get_by_label("Sex of the person concerned").select_option("female")
    asker.get_by_label("Public alias").fill("nightowl")
    asker.get_by_label("Which kind of doctor should answer").select_option(label="Neurology")
    asker.get_by_role("button", name="Check before sending").click()
    expect(asker.get_by_role("heading", name="Check what will be published")).to_be_visible()
    expect(asker.get_by_text("Neurology doctors")).to_be_visible()
    asker.get_by_role("button", name="Send my question").click()
    expect(asker.locator(".state")).to_contain_text("held for review")

    moderator = browser.new_context().new_page()
    sign_in(moderator, site, "demo-moderator", DEMO_PASSWORD)
    moderator.goto(site + "/moderation/")
    moderator.get_by_role("link", name=TITLE).click()
    moderator.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_role("status")).to_contain_text("Approved")

    doctor = browser.new_context().new_page()
    sign_in(doctor, site, "demo-neurologist", DEMO_PASSWORD)
    expect(doctor.get_by_role("heading", level=1)).to_have_text("Open questions: Neurology")
    doctor.get_by_role("link", name=TITLE).click()
    doctor.get_by_role("button", name="Claim this question").click()
    doctor.get_by_role("textbox", name="Reply").fill(
        "Short twitches of one eyelid are common and usually harmless; **sleep** and less caffeine help.\n"
        "See a doctor if the twitching spreads to the rest of the face or the eyelid droops.")
    doctor.get_by_role("button", name="Publish reply").click()
    expect(doctor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(doctor.locator(".reply .doctor-line")).to_have_text("Dr. Amara Okafor reply Neurology")
    expect(doctor.locator(".reply-body strong")).to_have_text("sleep")

    assert mail.outbox[-1].to == ["reader@example.org"] and "answered" in mail.outbox[-1].subject

    reader = browser.new_context().new_page()  # anyone, not signed in
    reader.goto(site + "/search/?q=eyelid+twitching+late+nights+coffee")
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    data = json.loads(reader.locator('script[type="application/ld+json"]').first.text_content())
    assert data["@type"] == "QAPage"
    assert "twitch" in data["mainEntity"]["acceptedAnswer"]["text"]
    expect(reader.locator(".asker-line")).to_contain_text("nightowl, 30~39 year old female")
