"""What a reader sees in a real browser (Debian's Chromium, driven by Playwright)."""

import pytest
from playwright.sync_api import expect

from curbside.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, seed_page, seed_guide):
    assert main(["import", str(seed_page), str(seed_guide)]) == 0
    return live_server.url


def test_seed_page_as_a_reader_sees_it(site, page):
    page.goto(site + "/")
    page.get_by_role("link", name="Facial spasms").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facial spasms")
    expect(page.locator(".asker-line")).to_have_text("jeri, 20~29 year old female. Ask Date: 2004/08/17")
    expect(page.locator(".reply .doctor-line")).to_have_text("Dr. Lai Lunxiang reply Neurology")
    expect(page.locator(".reply-date")).to_have_text("Reply Date: 2004/08/17")
    expect(page.get_by_role("heading", name="More Info")).to_be_visible()
    expect(page.get_by_role("heading", name="Similar Q&A")).to_be_visible()
    expect(page.locator(".similar .thread-summary")).to_have_count(4)
    expect(page.get_by_role("heading", name="Related FAQ")).to_be_visible()
    expect(page.locator(".related-faq li")).to_have_count(9)
    expect(page.get_by_role("complementary", name="Medical disclaimer")).to_contain_text("not a diagnosis")

    page.get_by_role("link", name="Read more: Understanding Facial Tics: When to Seek Medical Attention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Understanding Facial Tics: When to Seek Medical Attention")
    expect(page.locator(".reply .doctor-line")).to_have_text("Dr. Ye Boshou reply Neurology")
    page.go_back()
    page.get_by_role("link", name="Eyelid Twitching").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Eyelid Twitching")


def test_guide_page_and_phone_width(site, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/")
    page.get_by_role("link", name="Facial Spasm Relief: Quick Medical Tips Guide").click()
    headings = page.locator("article.guide h2").all_inner_texts()
    assert headings[0] == "Understanding Facial Spasms: Causes and Symptoms"
    assert headings[-1] == "When to Seek Professional Help for Facial Spasms"
    expect(page.locator("article.guide ul li").first).to_have_text("Stress and anxiety")
    # Readable on a phone: nothing forces sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_suggestions_appear_while_typing(live_server, page, seed_page):
    from curbside.demo import demo_archive
    from curbside.web.qa import indexing

    assert main(["import", str(demo_archive())]) == 0
    indexing.process_jobs()
    page.goto(live_server.url + "/search/")
    page.locator("#q").press_sequentially("burning in my chest after dinner", delay=20)
    suggestions = page.locator("#q-suggestions li a")
    expect(suggestions.first).to_be_visible()
    assert 1 <= suggestions.count() <= 5
    assert any("heartburn" in t.lower() or "chest" in t.lower() for t in suggestions.all_inner_texts())
    suggestions.first.click()
    page.wait_for_url("**/qa/**")
    # Without JavaScript the same box still searches.
    page.goto(live_server.url + "/search/?q=heartburn")
    expect(page.locator("ol.results li").first).to_contain_text("eartburn")
