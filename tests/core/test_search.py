"""The search engine on a small fixed corpus, with the real embedding model."""

import pytest

from curbside.search.documents import Filters, SearchDoc
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import SearchEngine

DOCS = [
    SearchDoc("eyelid", "My lower eyelid keeps twitching for a week, I drink a lot of coffee.",
              "Eyelid twitching is usually harmless and linked to tiredness, stress and caffeine.",
              title="Eyelid twitching", specialty="neurology", topics=("eyelid-twitching",), date="2025-03-01"),
    SearchDoc("eyelid-copy", "My lower eyelid keeps twitching for a week, I drink a lot of coffee.",
              "Usually harmless; cut down on caffeine.", title="Eyelid twitching",
              specialty="neurology", topics=("eyelid-twitching",), date="2025-03-02"),
    SearchDoc("heartburn", "Burning feeling behind my breastbone after big dinners.",
              "This sounds like acid reflux; smaller meals and not lying down after eating help.",
              title="Heartburn after meals", specialty="gastroenterology", topics=("heartburn",), date="2024-06-10"),
    SearchDoc("rash", "Itchy red rash on my arms after gardening.",
              "Contact dermatitis from plants is common; wash the skin and avoid the plant.",
              title="Rash after gardening", specialty="dermatology", topics=("rash",), date="2026-01-05"),
    SearchDoc("child-fever", "My 3 year old has a fever of 39 and is drinking well.",
              "Fever in a child who is drinking and playing is usually a viral infection.",
              title="Toddler fever", specialty="pediatrics", topics=("childhood-fever",), date="2025-11-20"),
    SearchDoc("knee", "My knee hurts when I climb stairs.", "Knee pain on stairs is often from the kneecap joint.",
              title="Knee pain on stairs", specialty="orthopedics", topics=(), date="2023-02-02"),
]


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    return CachedEmbedder(MiniLM(), tmp_path_factory.mktemp("cache") / "embeddings.sqlite3")


@pytest.fixture(scope="module")
def engine(embedder):
    return SearchEngine.build(DOCS, embedder)


@pytest.mark.parametrize("query, expected", [
    ("eye lid twitch", "eyelid"),
    ("acid reflux", "heartburn"),
    ("burning in chest after eating", "heartburn"),
    ("itchy skin after working in the garden", "rash"),
    ("my toddler has a high temperature", "child-fever"),
    ("pain in knee going up steps", "knee"),
])
def test_relevant_document_first(engine, query, expected):
    assert engine.search(query)[0].id.startswith(expected)


def test_filters(engine):
    assert {h.id for h in engine.search("pain", filters=Filters(specialty="orthopedics"))} <= {"knee"}
    assert {h.id for h in engine.search("twitching", filters=Filters(topic="eyelid-twitching"))} == {"eyelid", "eyelid-copy"}
    dated = engine.search("fever rash heartburn", filters=Filters(date_from="2025-01-01", date_to="2025-12-31"))
    assert dated and all(h.id in {"eyelid", "eyelid-copy", "child-fever"} for h in dated)


def test_similar_never_returns_itself_or_a_copy_of_itself(engine):
    similar = [h.id for h in engine.similar("eyelid", k=5)]
    assert "eyelid" not in similar and "eyelid-copy" not in similar
    assert engine.similar("no-such-id") == []


@pytest.mark.parametrize("query", ["", "   ", "?!.,;", "😀😀😀", "眼皮一直跳怎么办", "twitch " * 4000, "\x00\x1b[31m"])
def test_awkward_queries_never_fail(engine, query):
    hits = engine.search(query)
    assert isinstance(hits, list)
    if not any(ch.isalnum() for ch in query):
        assert hits == []


def test_unrelated_query_finds_nothing_to_show(engine):
    assert engine.search("quarterly tax return deadline for freelancers") == []
    assert engine.search("quarterly tax return deadline for freelancers", relevant_only=False)


def test_saved_index_answers_the_same(engine, embedder, tmp_path):
    engine.save(tmp_path / "ix")
    loaded = SearchEngine.load(tmp_path / "ix", embedder)
    for query in ("eyelid", "heartburn at night", "rash"):
        assert [(h.id, round(h.score, 5)) for h in loaded.search(query)] == \
               [(h.id, round(h.score, 5)) for h in engine.search(query)]


def test_exact_and_hnsw_vector_search_agree(embedder):
    exact = SearchEngine.build(DOCS, embedder, hnsw_threshold=10_000)
    hnsw = SearchEngine.build(DOCS, embedder, hnsw_threshold=0)
    assert hnsw.dense["question"].hnsw is not None and exact.dense["question"].hnsw is None
    for query in ("eyelid twitching", "fever in a small child", "knee pain"):
        assert [h.id for h in hnsw.search(query)] == [h.id for h in exact.search(query)]


def test_embeddings_are_cached_by_content(tmp_path):
    cached = CachedEmbedder(MiniLM(), tmp_path / "cache.sqlite3")
    SearchEngine.build(DOCS, cached)
    first = cached.computed
    assert first > 0
    again = CachedEmbedder(MiniLM(), tmp_path / "cache.sqlite3")  # a new process, same cache file
    again.embedder = cached.embedder  # reuse the loaded model
    SearchEngine.build(DOCS + [SearchDoc("new", "Ringing in my ears at night.", "Tinnitus is common.")], again)
    assert again.computed == 2  # only the new document's question and answer
