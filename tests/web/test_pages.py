"""Public pages in the seed's shape, each with a JSON twin built from the same data."""

import re

import pytest
from django.urls import reverse

from curbside.web.qa import models as m
from curbside.web.qa.context import DISCLAIMER
from curbside.web.qa.pages import thread_url

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_seed_thread_page_shows_every_element(client, seeded):
    response = client.get(reverse("thread", args=[seeded.id]), follow=True)
    assert response.status_code == 200
    text = text_of(response.content.decode())
    for expected in [
        "Facial spasms",
        "Hello, recently I have been experiencing frequent twitching",
        "jeri, 20~29 year old female. Ask Date: 2004/08/17",
        "Dr. Lai Lunxiang reply Neurology",
        "On the positive side, you may have been experiencing poor sleep",
        "Reply Date: 2004/08/17",
        "More Info",
        "Facial twitching, also known as facial spasms or myokymia",
        "Similar Q&amp;A",
        "Understanding Facial Tics: When to Seek Medical Attention",
        "Dr. Ye Boshou reply Neurology",
        "It may be due to autonomic nervous system dysfunction",
        "[Read More]",
        "Related FAQ",
        "Eyelid Twitching (Neurology)",
        "Tingling Sensation (Neurology)",
        "General information, not a diagnosis.",
    ]:
        assert expected in text, expected
    assert text.index("Similar Q&amp;A") < text.index("Related FAQ")


def test_seed_thread_json_twin(client, seeded):
    data = client.get(reverse("thread-json", args=[seeded.id])).json()
    assert data["ok"] is True and data["disclaimer"] == DISCLAIMER
    t = data["thread"]
    assert t["title"] == "Facial spasms"
    assert t["question"]["alias"] == "jeri" and t["question"]["age_band"] == "20~29"
    assert t["question"]["sex"] == "female" and t["question"]["asked_at"] == "2004-08-17T00:00:00Z"
    assert t["question"]["asker_line"] == "jeri, 20~29 year old female. Ask Date: 2004/08/17"
    assert t["reply"]["doctor"]["name"] == "Lai Lunxiang"
    assert t["reply"]["doctor"]["specialty"]["name"] == "Neurology"
    assert t["reply"]["reply_date"] == "2004/08/17"
    assert len(data["more_info"]["value"]["sections"][0]["paragraphs"]) == 7
    assert data["more_info"]["method"] == "imported"
    similar = data["similar"]
    assert [s["doctor_line"] for s in similar] == [
        "Dr. Ye Boshou reply Neurology", "Dr. Jiang Junyi reply Neurology",
        "Dr. Hong Weibin reply Neurology", "Dr. Jiang Junyi reply Neurology",
    ]
    assert similar[2]["title"] == "Understanding Facial Twitching: Causes and When to Seek Help"
    assert similar[2]["question_excerpt"].startswith("Hello, I have a question. Recently")
    assert similar[2]["reply_excerpt"].startswith("Hello: There are many causes of muscle twitching")
    assert all(s["url"].startswith("/qa/") for s in similar)
    assert [f["label"] for f in data["related_faq"]][:2] == ["Eyelid Twitching(Neurology)", "Muscle Twitching(Neurology)"]
    assert len(data["related_faq"]) == 9


def test_read_more_opens_the_excerpt_thread(client, seeded):
    similar = client.get(reverse("thread-json", args=[seeded.id])).json()["similar"]
    page = client.get(similar[0]["url"])
    assert page.status_code == 200
    assert "Only an excerpt of this question and its reply was imported" in page.content.decode()


def test_guide_page_sections_in_order(client, seeded):
    guide = m.Guide.objects.get()
    html = client.get(reverse("guide", args=[guide.id])).content.decode()
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[0] == "Understanding Facial Spasms: Causes and Symptoms"
    assert headings[-1] == "When to Seek Professional Help for Facial Spasms"
    assert len(headings) == 8
    data = client.get(reverse("guide-json", args=[guide.id])).json()
    assert [s["heading"] for s in data["guide"]["sections"]] == headings
    assert data["guide"]["sections"][2]["blocks"][1]["items"][0] == "Stress and anxiety"


def test_home_lists_latest_and_specialty_counts(client, demo):
    data = client.get(reverse("home-json")).json()
    assert len(data["latest"]) == 20
    dates = [t["asked_at"] for t in data["latest"]]
    assert dates == sorted(dates, reverse=True)
    counts = {s["name"]: s["threads"] for s in data["specialties"]}
    assert sum(counts.values()) == m.Thread.objects.filter(status="answered", excerpt=False).count()
    assert sum(1 for n in counts.values() if n) >= 8
    html = client.get("/").content.decode()
    assert "Neurology</a> <span class=\"count\">(" in html


def test_specialty_page_paginates(client, demo, settings):
    settings.PAGE_SIZE = 5
    neurology = m.Specialty.objects.get(pk="neurology")
    first = client.get(reverse("specialty-json", args=[neurology.id])).json()
    assert first["pagination"]["number"] == 1 and first["pagination"]["pages"] > 1
    assert len(first["threads"]) == 5
    second = client.get(reverse("specialty-json", args=[neurology.id]) + "?page=2").json()
    assert not {t["id"] for t in first["threads"]} & {t["id"] for t in second["threads"]}
    html = client.get(reverse("specialty", args=[neurology.id])).content.decode()
    assert 'rel="next" href="?page=2"' in html


def test_topic_page_lists_threads_and_guides(client, demo):
    data = client.get(reverse("topic-json", args=["eyelid-twitching"])).json()
    assert data["topic"]["label"] == "Eyelid Twitching(Neurology)"
    assert len(data["threads"]) >= 2 and data["guides"]


def every_public_url():
    urls = ["/", reverse("home-json")]
    for view, model in [("specialty", m.Specialty), ("topic", m.Topic), ("guide", m.Guide)]:
        for pk in model.objects.values_list("pk", flat=True):
            urls += [reverse(view, args=[pk]), reverse(f"{view}-json", args=[pk])]
    for thread in m.Thread.objects.filter(status="answered"):
        urls += [thread_url(thread), reverse("thread-json", args=[thread.pk])]
    return urls


def test_every_page_carries_the_disclaimer(client, demo, seeded):
    urls = every_public_url()
    assert len(urls) > 150
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".json"):
            assert response.json()["disclaimer"] == DISCLAIMER, url
        else:
            assert "General information, not a diagnosis." in response.content.decode(), url


@pytest.mark.parametrize("url", ["/qa/no-such-thread/", "/specialties/astrology/", "/topics/nope/", "/guides/nope/", "/nowhere/"])
def test_missing_pages_are_404_in_html(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "General information, not a diagnosis." in response.content.decode()


@pytest.mark.parametrize("url", ["/qa/no-such-thread.json", "/specialties/astrology.json", "/nowhere.json"])
def test_missing_pages_are_404_in_json(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    data = response.json()
    assert data["ok"] is False and data["status"] == 404 and data["error"]


def test_open_question_is_not_public(client, demo, run_cli, tmp_path):
    archive = tmp_path / "open.jsonl"
    archive.write_text(
        '{"format": "curbside-archive", "version": 1}\n'
        '{"kind": "thread", "id": "private-1", "title": "Unanswered", "status": "open", '
        '"question": {"body": "Still waiting.", "alias": "x", "asked_at": "2025-01-01T00:00:00Z"}}\n'
    )
    assert run_cli("import", archive)[0] == 0
    assert client.get(reverse("thread", args=["private-1"])).status_code == 404
    assert client.get(reverse("thread-json", args=["private-1"])).status_code == 404
    assert "private-1" not in client.get("/").content.decode()


def test_text_is_escaped(client, db, run_cli, tmp_path):
    archive = tmp_path / "xss.jsonl"
    archive.write_text(
        '{"format": "curbside-archive", "version": 1}\n'
        '{"kind": "specialty", "id": "s", "name": "S"}\n'
        '{"kind": "doctor", "id": "d", "name": "D", "specialty": "s"}\n'
        '{"kind": "thread", "id": "x1", "title": "<script>alert(1)</script>", "status": "answered", '
        '"question": {"body": "<img src=x onerror=alert(1)>", "alias": "a", "asked_at": "2025-01-01T00:00:00Z"}, '
        '"reply": {"doctor": "d", "body": "ok", "replied_at": "2025-01-02T00:00:00Z"}}\n'
    )
    assert run_cli("import", archive)[0] == 0
    html = client.get(reverse("thread", args=["x1"]), follow=True).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_demo_pages_say_they_are_demo_content(client, demo):
    html = client.get(reverse("thread", args=["demo-q001"]), follow=True).content.decode()
    assert "Demo content: this question, its asker and the doctor are fictional" in html
    guide = m.Guide.objects.order_by("pk").first()
    assert "Demo content:" in client.get(reverse("guide", args=[guide.pk])).content.decode()
