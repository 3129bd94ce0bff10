"""More Info on the LiveQA-Med dev questions: are the cited answers the judged-relevant ones?

    .venv/bin/python bench/enrich_quality.py [--candidates 8] [--retrieval engine|bm25] [--embed] [--json]

Each of the 52 dev questions (``text`` only) is treated as a new, unanswered thread. Candidates
come from the 17,912-pair corpus: ``--retrieval engine`` (default) is the product's
``SearchEngine`` built over the corpus exactly as ``curbside bench run`` builds it (fused BM25
and MiniLM; vectors from the embedding cache, ``--cache``, default
``/tmp/cs-bench/embeddings.sqlite3``; a missing cache costs a few minutes of embedding);
``--retrieval bm25`` is BM25 alone (bm25s over question + answer, the product's tokenizer). The
first ``--candidates`` displayable answers of the ranking become the sources (A.D.A.M. and
MedlinePlus Drugs/Herbs answers are evaluation-only and may never be cited, so they are skipped),
and ``compose_more_info`` assembles the More Info (lexical relevance; ``--embed`` adds MiniLM
sentence similarity).

Reported, relevant = level >= 3 in qrels-dev.tsv (unjudged = not relevant):
(a) the share of cited corpus answers (distinct per question, pooled) that are relevant;
(b) the same share for plain BM25's top k (k = the number of distinct answers cited for that
    question), over the whole corpus and over the displayable answers only (the fair
    comparison, since More Info may cite nothing else), and for the retrieval's own top k;
(c) section coverage: share of More Info with a non-empty red-flag section and summary;
(d) composition time per thread, p50/p95, without retrieval and with it.
Figures are given over all 52 questions and over the 27 whose relevant answers include a
displayable one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from curbside import records as r
from curbside.bench import corpus_docs, queries
from curbside.enrich.more_info import compose_more_info
from curbside.enrich.sources import is_displayable, passage_source
from curbside.ingest.passages import read_corpus
from curbside.safety.rules import load_rules
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import SearchEngine, bm25_index, field_text
from curbside.search.tokenize import tokenize

SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
LIVEQA = SHARED / "bench" / "liveqa-med"
DEFAULT_CACHE = Path("/tmp/cs-bench/embeddings.sqlite3")
RELEVANT = 3
RETRIEVE = 50  # enough of the ranking to find --candidates displayable answers


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    levels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        qid, doc, level = line.split()
        levels.setdefault(qid, {})[doc] = max(int(level), levels.get(qid, {}).get(doc, 0))
    return levels


class Bm25:
    """Plain BM25 over question + answer (bm25s, the product's tokens), optionally on a subset."""

    def __init__(self, docs, keep=lambda doc: True):
        self.ids = [d.id for d in docs if keep(d)]
        texts = [f"{field_text(d, 'question')}\n{d.answer}" for d in docs if keep(d)]
        self.index = bm25_index([tokenize(t) for t in texts])

    def top(self, text: str, k: int) -> list[str]:
        if k <= 0:
            return []
        scores = self.index.get_scores(tokenize(text))
        order = np.argsort(-scores, kind="stable")[:k]
        return [self.ids[i] for i in order]


def retrieve(args, engine, bm25_all, text: str) -> list[str]:
    if args.retrieval == "engine":
        return [hit.id for hit in engine.search(text, k=RETRIEVE, relevant_only=False)]
    return bm25_all.top(text, RETRIEVE)


def as_thread(qid: str, text: str) -> r.Thread:
    return r.Thread(id=f"liveqa-{qid}", title="", status="open",
                    question=r.Question(body=text, alias=None, asked_at=None))


def share(ids_per_query: dict[str, list[str]], qrels, qids) -> float | None:
    hits = total = 0
    for qid in qids:
        for doc in ids_per_query.get(qid, []):
            total += 1
            hits += qrels.get(qid, {}).get(doc, 0) >= RELEVANT
    return round(hits / total, 3) if total else None


def percentile(values: list[float], p: int) -> float:
    return round(float(np.percentile(values, p)) * 1000, 1)


def run(args) -> dict:
    docs = corpus_docs(LIVEQA / "corpus.jsonl")
    passages = {p.id: p for p in read_corpus(open(LIVEQA / "corpus.jsonl", encoding="utf-8"), "corpus").records}
    topics = queries(LIVEQA / "queries-dev.jsonl")
    qrels = read_qrels(LIVEQA / "qrels-dev.tsv")
    embedder = CachedEmbedder(MiniLM(), args.cache if args.cache and args.cache.parent.exists() else None)
    started = time.perf_counter()
    engine = SearchEngine.build(docs, embedder) if args.retrieval == "engine" else None
    bm25_all = Bm25(docs)
    bm25_shown = Bm25(docs, keep=lambda d: is_displayable(passages[d.id].licence))
    index_seconds = time.perf_counter() - started
    rules = load_rules()
    # Sentence vectors are not cached: the figure is that of a thread composed for the first time.
    sentence_embedder = MiniLM() if args.embed else None
    cited, bm25_top, bm25_shown_top, retrieval_top = {}, {}, {}, {}
    compose_times, total_times, red_flags, summaries, citations = [], [], 0, 0, 0
    for qid, text in topics:
        t0 = time.perf_counter()
        ranking = retrieve(args, engine, bm25_all, text)
        shown = [d for d in ranking if is_displayable(passages[d].licence)][:args.candidates]
        t1 = time.perf_counter()
        info = compose_more_info(as_thread(qid, text), None, [passage_source(passages[d]) for d in shown], rules,
                                 embedder=sentence_embedder)
        t2 = time.perf_counter()
        compose_times.append(t2 - t1)
        total_times.append(t2 - t0)
        value = info.value
        ids = list(dict.fromkeys(c["id"] for c in value["citations"] if c["kind"] == "passage"))
        citations += len(ids)
        cited[qid] = ids
        bm25_top[qid] = bm25_all.top(text, len(ids))
        bm25_shown_top[qid] = bm25_shown.top(text, len(ids))
        retrieval_top[qid] = shown[:len(ids)]
        sections = {s["key"]: s["sentences"] for s in value["sections"]}
        red_flags += bool(sections["red_flags"])
        summaries += bool(sections["summary"])
    everyone = [qid for qid, _ in topics]
    answerable = [q for q in everyone if any(not d.startswith(("ADAM_", "MPlusDrugs_", "MPlusHerbsSuppls_"))
                                             and level >= RELEVANT for d, level in qrels.get(q, {}).items())]

    def shares(qids):
        return {"more_info": share(cited, qrels, qids), "bm25_all": share(bm25_top, qrels, qids),
                "bm25_displayable": share(bm25_shown_top, qrels, qids),
                "retrieval_top_k": share(retrieval_top, qrels, qids)}

    return {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {os.cpu_count()} cores, "
                   f"python {platform.python_version()}",
        "settings": {"retrieval": args.retrieval, "candidates": args.candidates, "embed": args.embed},
        "questions": len(topics), "answerable_displayable": len(answerable),
        "index_seconds": round(index_seconds, 1),
        "cited_answers_per_question": round(citations / len(topics), 2),
        "relevant_share_all": shares(everyone),
        "relevant_share_answerable": shares(answerable),
        "coverage": {"red_flags": round(red_flags / len(topics), 3), "summary": round(summaries / len(topics), 3)},
        "compose_ms": {"p50": percentile(compose_times, 50), "p95": percentile(compose_times, 95)},
        "retrieve_and_compose_ms": {"p50": percentile(total_times, 50), "p95": percentile(total_times, 95)},
        "mean_compose_ms": round(statistics.mean(compose_times) * 1000, 1),
    }


def print_report(report: dict) -> None:
    print(f"machine: {report['machine']}")
    s = report["settings"]
    print(f"retrieval {s['retrieval']}, {s['candidates']} displayable candidates, sentence embeddings "
          f"{'on' if s['embed'] else 'off'}; index built in {report['index_seconds']} s")
    print(f"{report['questions']} questions ({report['answerable_displayable']} with a displayable relevant answer); "
          f"{report['cited_answers_per_question']} distinct answers cited per question")
    for name in ("all", "answerable"):
        m = report[f"relevant_share_{name}"]
        print(f"relevant share of cited answers ({name}): More Info {m['more_info']}  |  "
              f"BM25 top-k, whole corpus {m['bm25_all']}  |  BM25 top-k, displayable {m['bm25_displayable']}  |  "
              f"retrieval top-k {m['retrieval_top_k']}")
    print(f"coverage: red flags {report['coverage']['red_flags']:.0%}, summary {report['coverage']['summary']:.0%}")
    print(f"compose per thread: p50 {report['compose_ms']['p50']} ms, p95 {report['compose_ms']['p95']} ms; "
          f"with retrieval: p50 {report['retrieve_and_compose_ms']['p50']} ms, "
          f"p95 {report['retrieve_and_compose_ms']['p95']} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=8, help="displayable answers given to the composer")
    parser.add_argument("--retrieval", choices=("engine", "bm25"), default="engine")
    parser.add_argument("--embed", action="store_true", help="add MiniLM sentence similarity to relevance")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache (SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not LIVEQA.exists():
        raise SystemExit(f"{LIVEQA} not found: set CURBSIDE_SHARED_DIR to the shared/ folder")
    report = run(args)
    print(json.dumps(report, indent=2) if args.json else "", end="\n" if args.json else "")
    if not args.json:
        print_report(report)


if __name__ == "__main__":
    main()
