"""The service's pages (forms, queues, moderation, dashboard) in Chromium: no serious or
critical axe-core violation for the person who uses each one."""

import pytest

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    for pk, name in (("neurology", "Neurology"), ("cardiology", "Cardiology")):
        qa.Specialty.objects.create(id=pk, name=name)
    qa.Doctor.objects.create(id="demo-amara-okafor", name="Amara Okafor", specialty_id="neurology", verified=True)
    qa.Doctor.objects.create(id="demo-priya-raman", name="Priya Raman", specialty_id="cardiology", verified=True)
    ensure_demo_accounts()
    from django.contrib.auth.models import User

    question = workflow.submit(User.objects.get(username="demo-asker"), workflow.Draft(
        "Headache behind the eyes", "Dull headache behind both eyes most afternoons for a month.",
        "self", "40~49", "male", "deskworker", "neurology"))
    return live_server.url, question.pk


@pytest.fixture
def context(browser):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(bypass_csp=True)
    yield context
    context.close()


def signed_in(context, site, username):
    page = context.new_page()
    page.goto(site + "/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def check(page, site, pages):
    for name, path in pages.items():
        response = page.goto(site + path)
        assert response.status == 200, path
        assert_accessible(page, name)


def test_pages_anyone_can_open(site, context):
    url, _ = site
    check(context.new_page(), url, {"sign in": "/account/login/", "sign up": "/account/signup/",
                                    "doctor sign up": "/account/signup/doctor/",
                                    "password reset": "/account/password-reset/"})


def test_asker_pages(site, context):
    url, question = site
    page = signed_in(context, url, "demo-asker")
    check(page, url, {"ask": "/ask/", "my questions": "/my/questions/", "my question": f"/my/questions/{question}/"})


def test_doctor_pages(site, context, django_user_model):
    url, question = site
    moderator = django_user_model.objects.get(username="demo-moderator")
    workflow.approve(moderator, question)
    page = signed_in(context, url, "demo-neurologist")
    check(page, url, {"queue": "/queue/", "queue question": f"/queue/{question}/"})


def test_moderator_pages(site, context):
    url, question = site
    page = signed_in(context, url, "demo-moderator")
    check(page, url, {"moderation": "/moderation/", "moderate question": f"/moderation/questions/{question}/",
                      "audit log": "/moderation/audit/", "dashboard": "/dashboard/"})
