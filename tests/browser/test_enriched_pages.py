"""More Info and a built guide as a reader sees them in Chromium: sections, numbered citations
that lead to their sources, and no serious accessibility problem."""

import re

import pytest
from playwright.sync_api import expect

from curbside.cli import main
from curbside.demo import demo_archive
from curbside.web.qa import indexing
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, seed_page, seed_guide):
    assert main(["import", str(demo_archive()), str(seed_page), str(seed_guide)]) == 0
    indexing.process_jobs()
    assert main(["enrich", "--all", "--replace-imported"]) == 0  # the seed's assembled More Info, not its own
    assert main(["build-guides"]) == 0
    return live_server.url


def test_more_info_and_a_guide_with_their_sources(site, browser):
    page = browser.new_context(bypass_csp=True).new_page()  # axe-core is injected inline
    page.goto(site + "/search/?q=facial+spasms")
    page.get_by_role("link", name="Facial spasms").first.click()
    more_info = page.locator("section.more-info")
    expect(more_info.get_by_role("heading", name="More Info")).to_be_visible()
    expect(more_info.get_by_role("heading", name="Warning signs: when to see a doctor")).to_be_visible()
    expect(more_info.locator(".provenance.assembled")).to_contain_text("Assembled by")
    first_citation = more_info.locator("a.cite").first
    target = first_citation.get_attribute("href")
    expect(page.locator(target)).to_have_count(1)  # the numbered source it points to
    assert_accessible(page, "thread with More Info")
    page.locator(target).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # the source opens

    page.goto(site + "/guides/guide-eyelid-twitching/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Eyelid Twitching")
    expect(page.get_by_role("heading", name=re.compile("When to Seek Professional Help"))).to_be_visible()
    expect(page.locator("article.guide a.cite").first).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    assert_accessible(page, "built guide")
