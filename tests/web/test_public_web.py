"""The public reading pages as search engines and crawlers see them: JSON-LD, canonical
addresses, sitemap.xml and robots.txt."""

import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from curbside.web.qa import models as m
from curbside.web.qa.pages import SLUG_CHARS, UNTITLED_SLUG, thread_url, title_slug

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOSTILE_BODY = "My eyelid twitches.</script><script>alert(1)</script><!-- & that's all"


def import_records(run_cli, tmp_path, *records: dict) -> None:
    archive = tmp_path / "records.jsonl"
    lines = [{"format": "curbside-archive", "version": 1}, *records]
    archive.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    status, _, err = run_cli("import", archive)
    assert status == 0, err


def answered_thread(thread_id: str, title: str, body: str = "A question.", **extra) -> list[dict]:
    return [
        {"kind": "specialty", "id": "s", "name": "S"},
        {"kind": "doctor", "id": "d", "name": "D", "specialty": "s"},
        {"kind": "thread", "id": thread_id, "title": title, "status": "answered",
         "question": {"body": body, "alias": "asker", "asked_at": "2025-01-01T00:00:00Z"},
         "reply": {"doctor": "d", "body": "An answer.", "replied_at": "2025-01-02T00:00:00Z"}, **extra},
    ]


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def json_ld(html: str) -> dict:
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# JSON-LD

def test_qa_page_json_ld_says_what_the_page_says(client, seeded):
    html = get_page(client, thread_url(seeded))
    twin = client.get(reverse("thread-json", args=[seeded.id])).json()["thread"]
    ld = json_ld(html)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "QAPage"
    question = ld["mainEntity"]
    assert question["@type"] == "Question" and question["answerCount"] == 1
    assert question["name"] == seeded.title and question["text"] == seeded.body
    assert question["dateCreated"] == twin["question"]["asked_at"]
    assert question["author"] == {"@type": "Person", "name": seeded.alias}
    answer = question["acceptedAnswer"]
    assert answer["@type"] == "Answer" and answer["text"] == seeded.reply.body
    assert answer["author"] == {"@type": "Person", "name": f"Dr. {seeded.reply.doctor.name}"}
    assert answer["dateCreated"] == twin["reply"]["replied_at"]
    assert ld["url"] == CANONICAL.search(html).group(1)
    assert "lastReviewed" not in ld  # the seed's More Info was imported, never reviewed


def test_json_ld_cannot_be_closed_by_user_text(client, run_cli, tmp_path):
    import_records(run_cli, tmp_path, *answered_thread("x1", "</script><script>alert(1)</script>", HOSTILE_BODY))
    html = get_page(client, thread_url(m.Thread.objects.get(pk="x1")))
    assert "<script>alert(1)</script>" not in html and "<!--" not in html
    ld = json_ld(html)
    assert ld["mainEntity"]["text"] == HOSTILE_BODY  # escaped for HTML, intact as JSON
    assert ld["mainEntity"]["name"] == "</script><script>alert(1)</script>"


def test_guide_json_ld_is_a_medical_web_page_for_patients(client, demo, seeded):
    for guide in m.Guide.objects.select_related("topic"):
        ld = json_ld(get_page(client, reverse("guide", args=[guide.id])))
        assert ld["@type"] == "MedicalWebPage" and ld["name"] == guide.title
        assert ld["medicalAudience"] == {"@type": "Patient"}
        # The seed's guide has no topic: then the page claims no subject rather than a guessed one.
        assert ld.get("about") == ({"@type": "Thing", "name": guide.topic.name} if guide.topic else None)
        assert "lastReviewed" not in ld and "reviewedBy" not in ld  # guides have no review yet
    assert m.Guide.objects.filter(topic__isnull=False).exists()


def test_pages_without_structured_data_have_no_json_ld(client, seeded):
    for url in ["/", reverse("specialty", args=["neurology"]), reverse("search") + "?q=twitching"]:
        assert not JSON_LD.search(get_page(client, url)), url


def test_reviewed_more_info_shows_when_and_by_whom(client, seeded):
    reviewer = seeded.reply.doctor
    reviewed_at = datetime(2025, 3, 4, 10, 30, tzinfo=timezone.utc)
    seeded.generated.filter(field="more_info").update(reviewed_by=reviewer, reviewed_at=reviewed_at)
    html = get_page(client, thread_url(seeded))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert f"Last reviewed {reviewed_at.date().isoformat()} by Dr. {reviewer.name}" in text
    assert "not reviewed by a Curbside doctor" not in text
    ld = json_ld(html)
    assert ld["lastReviewed"] == reviewed_at.date().isoformat()
    assert ld["reviewedBy"] == {"@type": "Person", "name": f"Dr. {reviewer.name}"}


# Canonical addresses

def test_slugs_are_readable_and_bounded():
    assert title_slug("Facial spasms: what now?") == "facial-spasms-what-now"
    assert title_slug("眼皮跳动怎么办") == UNTITLED_SLUG
    long_title = "twitching " * 30
    slug = title_slug(long_title)
    assert len(slug) <= SLUG_CHARS and long_title.startswith(slug.replace("-", " "))


def test_short_and_outdated_addresses_move_permanently_to_the_canonical_one(client, seeded):
    canonical = thread_url(seeded)
    assert canonical == f"/qa/{seeded.id}/{title_slug(seeded.title)}/"
    for old in [reverse("thread", args=[seeded.id]), f"/qa/{seeded.id}/an-old-title/"]:
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == canonical, old
    assert client.get(f"/qa/{seeded.id}/?ref=mail")["Location"] == canonical + "?ref=mail"
    assert client.get(canonical).status_code == 200
    assert client.get(reverse("thread-json", args=[seeded.id])).json()["thread"]["url"] == canonical


def test_a_renamed_thread_gets_a_new_address_and_the_old_one_redirects(client, seeded):
    old = thread_url(seeded)
    seeded.title = "Twitching face muscles"
    seeded.save()
    assert client.get(old)["Location"] == thread_url(seeded) != old


@pytest.mark.parametrize("url", ["/qa/no-such-thread/", "/qa/no-such-thread/some-slug/", "/qa/private-1/",
                                 "/qa/private-1/unanswered/", "/qa/private-1.json"])
def test_unknown_and_unanswered_threads_are_still_404(client, run_cli, tmp_path, url):
    import_records(run_cli, tmp_path, {"kind": "thread", "id": "private-1", "title": "Unanswered",
                                       "status": "open", "question": {"body": "Waiting.", "alias": "x",
                                                                        "asked_at": "2025-01-01T00:00:00Z"}})
    assert client.get(url).status_code == 404


def canonical_of(client, url: str) -> str:
    links = CANONICAL.findall(get_page(client, url))
    assert len(links) == 1, (url, links)
    return links[0]


def test_every_public_page_names_itself_as_canonical(client, demo, settings):
    settings.PAGE_SIZE = 5
    thread = m.Thread.objects.filter(status="answered", excerpt=False).first()
    guide = m.Guide.objects.first()
    topic = m.Topic.objects.first()
    for url in ["/", thread_url(thread), reverse("guide", args=[guide.id]), reverse("topic", args=[topic.id]),
                reverse("specialty", args=["neurology"]), reverse("specialty", args=["neurology"]) + "?page=2",
                reverse("search") + "?q=fever&specialty="]:
        canonical = canonical_of(client, url)
        assert canonical.startswith("http://testserver/"), canonical
        # The canonical address serves the page itself: no redirect, and it names itself.
        assert canonical_of(client, path_of(canonical)) == canonical
    assert canonical_of(client, reverse("specialty", args=["neurology"]) + "?page=1").endswith("/neurology/")
    assert canonical_of(client, reverse("search") + "?q=fever&specialty=").endswith("/search/?q=fever")


def test_lists_link_to_canonical_thread_addresses(client, demo):
    listed = [(thread, thread_url(thread)) for thread in m.Thread.objects.filter(status="answered", excerpt=False)]
    hrefs = set(re.findall(r'href="(/qa/[^"]*)"', get_page(client, "/")))
    assert hrefs and hrefs <= {url for _, url in listed}
    assert all(t["url"] == thread_url(m.Thread.objects.get(pk=t["id"]))
               for t in client.get(reverse("home-json")).json()["latest"])


# sitemap.xml and robots.txt

def sitemap_entries(client) -> dict[str, str | None]:
    """Every address in the sitemap index's sitemaps, with its lastmod."""
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    entries = {}
    for section in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        response = client.get(path_of(section.text))
        assert response.status_code == 200, section.text
        for url in ElementTree.fromstring(response.content).findall("s:url", SITEMAP_NS):
            entries[url.find("s:loc", SITEMAP_NS).text] = url.findtext("s:lastmod", namespaces=SITEMAP_NS)
    return entries


def test_sitemap_lists_every_public_reading_page(client, demo, seeded):
    entries = sitemap_entries(client)
    absolute = "http://testserver{}".format
    listed = m.Thread.objects.filter(status="answered", excerpt=False).select_related("reply")
    expected = {absolute("/")}
    expected |= {absolute(thread_url(t)) for t in listed}
    expected |= {absolute(reverse("topic", args=[pk])) for pk in m.Topic.objects.values_list("pk", flat=True)}
    expected |= {absolute(reverse("guide", args=[pk])) for pk in m.Guide.objects.values_list("pk", flat=True)}
    expected |= {absolute(reverse("specialty", args=[pk])) for pk in m.Specialty.objects.values_list("pk", flat=True)}
    assert set(entries) == expected
    for thread in listed:
        assert entries[absolute(thread_url(thread))] == thread.reply.replied_at.date().isoformat()
    assert entries[absolute("/")] == max(entries[absolute(thread_url(t))] for t in listed)
    excerpts = m.Thread.objects.filter(excerpt=True)
    assert excerpts and not any(absolute(thread_url(t)) in entries for t in excerpts)


def test_every_sitemap_address_is_a_page(client, seeded):
    for url in sitemap_entries(client):
        assert client.get(path_of(url)).status_code == 200, url


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for private in ["/admin/", "/dashboard/", "/account/", "/ask/", "/queue/", "/moderation/"]:
        assert f"Disallow: {private}" in lines
    assert "Disallow: /" not in lines  # everything else may be crawled
    sitemap = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap: ")]
    assert sitemap == ["http://testserver/sitemap.xml"]
    assert client.get(path_of(sitemap[0])).status_code == 200


def test_search_results_are_followed_but_not_indexed(client, db):
    assert '<meta name="robots" content="noindex, follow">' in get_page(client, reverse("search") + "?q=x")
    assert 'name="robots"' not in get_page(client, "/")
