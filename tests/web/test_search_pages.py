"""Search everywhere the product finds things: search page, Similar Q&A, suggestions, JSON,
and the index staying in step with imports, edits and deletions."""

import pytest
from django.urls import reverse

from curbside.web.qa import indexing
from curbside.web.qa import models as m

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("search-json"), params)
    assert response.status_code == 200
    return response.json()


def test_search_page_finds_and_highlights(client, indexed):
    data = search(client, q="my eyelid keeps twitching")
    assert data["results"], data
    top = data["results"][0]
    assert "twitch" in (top["title"] + top["question_excerpt"]).lower()
    assert any(seg["match"] for seg in top["question_snippet"] + top["reply_snippet"])
    html = client.get(reverse("search"), {"q": "my eyelid keeps twitching"}).content.decode()
    assert "<mark>" in html and "General information, not a diagnosis." in html


def test_search_filters(client, indexed):
    data = search(client, q="pain", specialty="orthopedics")
    assert data["results"]
    ids = [r["id"] for r in data["results"]]
    assert set(m.Thread.objects.filter(pk__in=ids).values_list("reply__doctor__specialty", flat=True)) == {"orthopedics"}
    topic = search(client, q="twitching", topic="eyelid-twitching")
    assert topic["results"] and all(
        m.ThreadTopic.objects.filter(thread_id=r["id"], topic_id="eyelid-twitching").exists() for r in topic["results"])
    dated = search(client, q="fever", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert all("2025-01-01" <= r["asked_at"][:10] <= "2025-12-31" for r in dated["results"])
    bad = search(client, q="fever", **{"from": "yesterday"})
    assert "from" in bad["problems"] and bad["filters"]["from"] is None


@pytest.mark.parametrize("query", ["", "   ", "?!?!...", "😀🙂", "眼皮跳动怎么办", "x" * 20_000, "<script>alert(1)</script>"])
def test_awkward_queries_give_a_page_not_an_error(client, indexed, query):
    data = search(client, q=query)
    assert isinstance(data["results"], list)
    html = client.get(reverse("search"), {"q": query})
    assert html.status_code == 200
    assert "<script>alert(1)</script>" not in html.content.decode()
    suggestions = client.get(reverse("suggest"), {"q": query})
    assert suggestions.status_code == 200 and isinstance(suggestions.json()["suggestions"], list)


def test_suggestions_while_typing(client, indexed):
    data = client.get(reverse("suggest"), {"q": "heartburn after dinner"}).json()
    assert 1 <= len(data["suggestions"]) <= 5
    assert all(s["url"].startswith("/qa/") for s in data["suggestions"])
    assert client.get(reverse("suggest"), {"q": "he"}).json()["suggestions"] == []


def test_seed_thread_similar_is_chosen_by_the_engine(client, indexed):
    data = client.get(reverse("thread-json", args=[indexed.id])).json()
    assert data["similar_provenance"]["method"] == "engine"
    ids = [s["id"] for s in data["similar"]]
    assert 4 <= len(ids) <= 5 and indexed.id not in ids
    titles = " ".join(s["title"] + s["question_excerpt"] for s in data["similar"]).lower()
    assert "twitch" in titles


def test_every_thread_page_similar_excludes_itself(client, indexed):
    for thread in m.Thread.objects.filter(status="answered")[:20]:
        data = client.get(reverse("thread-json", args=[thread.id])).json()
        assert thread.id not in [s["id"] for s in data["similar"]]


def test_index_follows_import_edit_and_delete(client, indexed, run_cli, tmp_path):
    archive = tmp_path / "new.jsonl"
    archive.write_text(
        '{"format": "curbside-archive", "version": 1}\n'
        '{"kind": "thread", "id": "sync-1", "title": "Hiccups that will not stop", "status": "answered", '
        '"question": {"body": "I have had hiccups for two days without a break.", "alias": "hic", '
        '"asked_at": "2026-01-01T00:00:00Z"}, '
        '"reply": {"doctor": "demo-amara-okafor", "body": "Hiccups lasting over 48 hours should be checked by a doctor.", '
        '"replied_at": "2026-01-02T00:00:00Z"}}\n'
    )
    assert run_cli("import", archive)[0] == 0
    assert m.IndexJob.objects.filter(thread_id="sync-1", done_at__isnull=True).exists()
    indexing.process_jobs()
    assert search(client, q="persistent hiccups")["results"][0]["id"] == "sync-1"

    thread = m.Thread.objects.get(pk="sync-1")
    thread.title, thread.body = "Singultus questions", "Is singultus dangerous in adults?"
    thread.save()  # an edit, as the admin makes it
    indexing.process_jobs()
    assert search(client, q="singultus")["results"][0]["id"] == "sync-1"

    thread.delete()
    indexing.process_jobs()
    assert "sync-1" not in [r["id"] for r in search(client, q="singultus")["results"]]
    assert not indexing.pending_jobs().exists()


def test_a_failed_rebuild_leaves_the_old_index_in_use(client, indexed):
    before = indexing.current_version()
    assert before

    def power_cut(step):
        if step.startswith("dense"):
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        indexing.rebuild(progress=power_cut)
    assert indexing.current_version() == before
    assert search(client, q="eyelid twitching")["results"]


def test_search_without_an_index_says_so(client, db):
    data = search(client, q="anything")
    assert data["index_ready"] is False and data["results"] == []


def test_database_vector_search_agrees_with_exact_search(indexed):
    """On PostgreSQL nearest neighbours come from pgvector's HNSW; on SQLite from exact
    search. Both must give the same ranking on this corpus."""
    from curbside.search.vectors import VectorIndex
    from curbside.web.qa import pgvectors

    engine = indexing.get_engine()
    exact = {f: VectorIndex(i.vectors) for f, i in engine.dense.items()}
    if pgvectors.enabled():
        assert all(isinstance(i, pgvectors.PgVectorIndex) for i in engine.dense.values())
    for query in ("eyelid twitching", "heartburn at night", "baby with a fever", "ringing in my ears"):
        for field in ("question", "answer"):
            vector = engine.query_vector(query)
            assert list(engine.dense[field].nearest(vector, 10)[0]) == list(exact[field].nearest(vector, 10)[0])
