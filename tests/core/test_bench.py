"""`curbside bench run` writes a TREC run from the product's engine; `bench score` measures it."""

import json

import pytest

from curbside import bench
from curbside.errors import InputError

CORPUS = [
    {"id": "d1", "question": "What causes eyelid twitching?", "answer": "Stress, tiredness and caffeine.", "source": "x"},
    {"id": "d2", "question": "How is heartburn treated?", "answer": "Smaller meals and antacids help.", "url": "y"},
    {"id": "d3", "question": "What is tinnitus?", "answer": "Ringing in the ears without an outside sound."},
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", CORPUS)
    queries = write_jsonl(tmp_path / "queries.jsonl", [
        {"id": "q1", "text": "my eye lid keeps jumping", "summary": "What is tinnitus?"},
        {"id": "q2", "text": "burning chest after dinner"},
    ])
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("qid\tdocid\tlevel\nq1\td1\t4\nq1\td3\t1\nq2\td2\t3\n", encoding="utf-8")
    return corpus, queries, qrels


def read_run(path):
    return [line.split() for line in path.read_text().splitlines()]


def test_run_writes_trec_lines_and_ignores_other_query_fields(files, tmp_path):
    corpus, queries, _ = files
    out = tmp_path / "run.tsv"
    stats = bench.run(corpus, queries, 3, out, None)
    assert (stats.documents, stats.queries) == (3, 2)
    rows = read_run(out)
    assert all(len(r) == 6 and r[1] == "Q0" and r[5] == "curbside" for r in rows)
    assert [r[0] for r in rows] == ["q1"] * 3 + ["q2"] * 3
    assert rows[0][2] == "d1" and rows[3][2] == "d2"
    scores = [float(r[4]) for r in rows[:3]]
    assert scores == sorted(scores, reverse=True)
    # The summary points at d3; the system must not have read it.
    no_summary = write_jsonl(tmp_path / "q2.jsonl", [{"id": "q1", "text": "my eye lid keeps jumping"},
                                                      {"id": "q2", "text": "burning chest after dinner"}])
    bench.run(corpus, no_summary, 3, tmp_path / "run2.tsv", None)
    assert read_run(tmp_path / "run2.tsv") == rows


def test_reference_systems(files, tmp_path):
    corpus, queries, _ = files
    bench.run(corpus, queries, 3, tmp_path / "bm25.tsv", None, system="bm25-question")
    assert {r[5] for r in read_run(tmp_path / "bm25.tsv")} == {"bm25-question"}


def test_score_against_hand_computed_values(files, tmp_path):
    _, _, qrels = files
    run = tmp_path / "run.tsv"
    run.write_text("q1 Q0 d3 1 3.0 t\nq1 Q0 d1 2 2.0 t\nq2 Q0 d2 1 1.0 t\n")
    measures = bench.score(run, qrels)
    assert measures["MRR@10"] == pytest.approx((1 / 2 + 1) / 2)       # q1: relevant d1 at rank 2
    assert measures["P@5"] == pytest.approx((1 / 5 + 1 / 5) / 2)
    assert measures["Recall@10"] == pytest.approx(1.0)
    assert measures["Recall@1"] == pytest.approx(0.5)
    # nDCG: q1 gain 2 at rank 2 over ideal gain 2 at rank 1; q2 perfect.
    assert measures["nDCG@10"] == pytest.approx((1 / 1.5849625 + 1) / 2, rel=1e-4)
    # With level 1 relevant, q1 has two relevant answers and d3 at rank 1 finds one of them.
    assert bench.score(run, qrels, relevant=1)["Recall@1"] == pytest.approx((1 / 2 + 1) / 2)


@pytest.mark.parametrize("content, message", [
    ('{"id": "d1", "question": "q"\n', "not valid JSON"),
    ('{"question": "q"}\n', "missing string field 'id'"),
    ('["a list"]\n', "each line must be a JSON object"),
])
def test_bad_corpus_lines_are_named(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match=rf"bad\.jsonl:1: {message}"):
        bench.corpus_docs(path)


def test_bad_qrels_line(tmp_path):
    qrels = tmp_path / "q.tsv"
    qrels.write_text("q1 d1\n")
    run = tmp_path / "r.tsv"
    run.write_text("q1 Q0 d1 1 1.0 t\n")
    with pytest.raises(InputError, match=r"q\.tsv:1: expected 'qid docid level'"):
        bench.score(run, qrels)
