"""Every public page type in Chromium: no serious or critical axe-core violation, the
JSON-LD data blocks pass the site's Content-Security-Policy, and reading and searching
work with JavaScript turned off."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from curbside.cli import main
from curbside.demo import demo_archive
from curbside.web.qa import indexing
from curbside.web.qa import models as m
from curbside.web.qa.pages import thread_url
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, tmp_path, seed_page, seed_guide):
    """Demo content and the seed page, indexed, with the seed's More Info reviewed."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    assert main(["import", str(demo_archive()), str(seed_page), str(seed_guide)]) == 0
    indexing.process_jobs()
    seed = m.Thread.objects.get(title="Facial spasms")
    seed.generated.filter(field="more_info").update(
        reviewed_by=seed.reply.doctor, reviewed_at=datetime(2025, 3, 4, tzinfo=timezone.utc))
    return live_server.url


def public_pages() -> dict[str, str]:
    """One address of each public page type, named for the report."""
    seed = m.Thread.objects.get(title="Facial spasms")
    guide = m.Guide.objects.filter(topic__isnull=False).order_by("pk").first()
    return {
        "home": "/",
        "thread": thread_url(seed),
        "topic": f"/topics/{guide.topic_id}/",
        "guide": f"/guides/{guide.pk}/",
        "specialty": "/specialties/neurology/",
        "search with results": "/search/?q=eyelid+twitching",
        "404 page": "/qa/no-such-thread/",
    }


@pytest.fixture
def csp_free_page(browser):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def test_every_public_page_type_has_no_serious_accessibility_problem(site, csp_free_page):
    page = csp_free_page
    for name, path in public_pages().items():
        response = page.goto(site + path)
        assert response.status == (404 if name == "404 page" else 200), path
        if name == "search with results":
            expect(page.locator("ol.results li.thread-summary").first).to_be_visible()
        assert_accessible(page, name)
    # The one part that needs JavaScript: suggestions open under the search box.
    page.goto(site + "/search/")
    page.locator("#q").press_sequentially("burning in my chest", delay=10)
    expect(page.locator("#q-suggestions li a").first).to_be_visible()
    assert_accessible(page, "search suggestions")


def test_json_ld_passes_the_content_security_policy(site, page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    for path in (public_pages()["thread"], public_pages()["guide"]):
        response = page.goto(site + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator('script[type="application/ld+json"]')).to_have_count(1)
    assert not problems, problems


def test_last_reviewed_is_visible(site, page):
    page.goto(site + public_pages()["thread"])
    expect(page.locator(".more-info .last-reviewed")).to_be_visible()
    expect(page.locator(".more-info .last-reviewed")).to_have_text("Last reviewed 2025-03-04 by Dr. Lai Lunxiang")


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_reading_and_searching_work_without_javascript(site, page_without_javascript):
    page = page_without_javascript
    page.goto(site + "/")
    page.get_by_role("search").get_by_role("searchbox").fill("heartburn after dinner")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=heartburn+after+dinner")
    first = page.locator("ol.results li.thread-summary h3 a").first
    expect(first).to_be_visible()

    # The search page's own form, with a filter, submits as a plain GET form.
    page.get_by_label("Specialty").select_option(label="Neurology")
    page.get_by_label("Your question or keywords").fill("eyelid twitching")
    page.locator("form.search-form").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=eyelid+twitching&specialty=neurology**")
    expect(page.locator("ol.results li.thread-summary").first).to_be_visible()
    page.locator("ol.results li.thread-summary h3 a").first.click()
    expect(page.locator(".reply .doctor-line")).to_contain_text("Neurology")
