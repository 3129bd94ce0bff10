"""`curbside bench`: run the product's search engine over a benchmark corpus and score runs.

    curbside bench run --corpus CORPUS.jsonl --queries QUERIES.jsonl --k 100 --out RUN.tsv
    curbside bench score --run RUN.tsv --qrels QRELS.tsv

``run`` indexes the corpus (fields ``id``, ``question``, ``answer``; others ignored) with
the same engine and settings the site uses, searches each query's ``text`` (no other query
field is read) and writes a TREC run file. ``score`` prints nDCG@10, MAP@10, MRR@10, P@5
and Recall@10 (and Recall@1) with ir-measures; relevant = level >= 3 (``--relevant``),
nDCG gain level 3 -> 1, 4 -> 2.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from curbside.errors import InputError
from curbside.ingest.jsonl import json_lines
from curbside.search.documents import SearchDoc
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import SearchEngine

RELEVANT_LEVEL = 3
# Reference systems built from the same engine with all weight on one ranker, so that a
# comparison with them is measured in the same run, on the same tokens and vectors.
SYSTEMS = {
    "curbside": {},
    "bm25-question": {"lexical_question": 1.0, "lexical_answer": 0.0, "dense_question": 0.0, "dense_answer": 0.0},
    "bm25-answer": {"lexical_question": 0.0, "lexical_answer": 1.0, "dense_question": 0.0, "dense_answer": 0.0},
    "dense-question": {"lexical_question": 0.0, "lexical_answer": 0.0, "dense_question": 1.0, "dense_answer": 0.0},
    "dense-answer": {"lexical_question": 0.0, "lexical_answer": 0.0, "dense_question": 0.0, "dense_answer": 1.0},
}


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        with path.open(encoding="utf-8") as f:
            yield from json_lines(f, str(path))
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None


def required(data: dict, key: str, path: Path, number: int) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise InputError(str(path), number, f"missing string field {key!r}")
    return value


def corpus_docs(path: Path) -> list[SearchDoc]:
    return [SearchDoc(id=required(d, "id", path, n), question=required(d, "question", path, n),
                      answer=d.get("answer") if isinstance(d.get("answer"), str) else "")
            for n, d in read_jsonl(path)]


def queries(path: Path) -> list[tuple[str, str]]:
    # Only `text` is read: other fields (a librarian's summary, say) must not help the system.
    return [(required(d, "id", path, n), required(d, "text", path, n)) for n, d in read_jsonl(path)]


@dataclass
class RunStats:
    documents: int
    queries: int
    index_seconds: float
    search_seconds: float


def run(corpus: Path, query_file: Path, k: int, out: Path, cache: Path | None,
        system: str = "curbside") -> RunStats:
    docs = corpus_docs(corpus)
    topics = queries(query_file)
    started = time.perf_counter()
    engine = SearchEngine.build(docs, CachedEmbedder(MiniLM(), cache))
    engine.ranking = replace(engine.ranking, **SYSTEMS[system])
    indexed = time.perf_counter()
    lines = []
    for qid, text in topics:
        for rank, hit in enumerate(engine.search(text, k=k, relevant_only=False), start=1):
            lines.append(f"{qid} Q0 {hit.id} {rank} {hit.score:.6f} {system}\n")
    searched = time.perf_counter()
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(out)
    return RunStats(len(docs), len(topics), indexed - started, searched - indexed)


def read_qrels(path: Path) -> Iterable:
    import ir_measures

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts or parts[0] == "qid":
            continue
        if len(parts) != 3 or not parts[2].lstrip("-").isdigit():
            raise InputError(str(path), number, "expected 'qid docid level'")
        qid, docid, level = parts[0], parts[1], int(parts[2])
        yield ir_measures.Qrel(qid, docid, level)


def graded(qrels: list, relevant: int) -> list:
    """nDCG gains: the relevant level -> 1, one above -> 2, ...; anything lower -> 0."""
    import ir_measures

    return [ir_measures.Qrel(q.query_id, q.doc_id, max(0, q.relevance - relevant + 1)) for q in qrels]


def score(run_path: Path, qrels_path: Path, relevant: int = RELEVANT_LEVEL) -> dict[str, float]:
    import ir_measures
    from ir_measures import AP, P, R, RR, nDCG

    RELEVANT_LEVEL = relevant  # noqa: N806  (the measures below read it)
    qrels = list(read_qrels(qrels_path))
    try:
        run_ = list(ir_measures.read_trec_run(str(run_path)))
    except (OSError, ValueError, IndexError) as exc:
        raise InputError(str(run_path), None, f"not a TREC run file ({exc})") from None
    binary = ir_measures.calc_aggregate([AP(rel=RELEVANT_LEVEL) @ 10, RR(rel=RELEVANT_LEVEL) @ 10,
                                         P(rel=RELEVANT_LEVEL) @ 5, R(rel=RELEVANT_LEVEL) @ 10,
                                         R(rel=RELEVANT_LEVEL) @ 1], qrels, run_)
    gains = ir_measures.calc_aggregate([nDCG @ 10], graded(qrels, relevant), run_)
    judged_pairs = {(q.query_id, q.doc_id) for q in qrels}
    top10 = [r for r in run_ if r.query_id in {q.query_id for q in qrels}]
    by_query: dict[str, list] = {}
    for r in top10:
        by_query.setdefault(r.query_id, []).append(r)
    judged = [sum((qid, r.doc_id) in judged_pairs for r in sorted(rs, key=lambda r: -r.score)[:10]) / 10
              for qid, rs in by_query.items()]
    return {
        "nDCG@10": gains[nDCG @ 10],
        "MAP@10": binary[AP(rel=RELEVANT_LEVEL) @ 10],
        "MRR@10": binary[RR(rel=RELEVANT_LEVEL) @ 10],
        "P@5": binary[P(rel=RELEVANT_LEVEL) @ 5],
        "Recall@10": binary[R(rel=RELEVANT_LEVEL) @ 10],
        "Recall@1": binary[R(rel=RELEVANT_LEVEL) @ 1],
        "judged@10": sum(judged) / len(judged) if judged else 0.0,
    }
