"""Similar-Q&A query latency and peak memory at 100,000 and 1,000,000 threads.

    python bench/search_speed.py --sizes 100000 1000000 --queries 200

The corpus is grown from the real LiveQA-Med corpus (17,912 question-answer pairs):
synthetic document i takes the question tokens of real document i mod N and the answer
tokens of a random other real document, and its vectors are the real document's
MiniLM vectors plus Gaussian noise (sigma 0.02 per dimension), renormalised. So term
statistics and vector neighbourhoods look like real data without embedding a million
texts. Queries are real consumer questions (LiveQA-Med and MQP dev), embedded by the
real model at query time: latency includes query embedding. Indexes are built with the
product's code (bm25s, and usearch HNSW above 50,000 vectors) and searched through
``SearchEngine.similar``'s code path (``search`` with a free-text query, k=5).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

from curbside.search.documents import SearchDoc
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import FIELDS, DocTable, Ranking, SearchEngine, bm25_index, field_text
from curbside.search.tokenize import tokenize
from curbside.search.vectors import VectorIndex

SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
NOISE = 0.02


def real_corpus() -> list[SearchDoc]:
    path = SHARED / "bench" / "liveqa-med" / "corpus.jsonl"
    return [SearchDoc(id=d["id"], question=d["question"], answer=d["answer"])
            for d in map(json.loads, path.open(encoding="utf-8"))]


def real_queries(limit: int) -> list[str]:
    texts = []
    for name in ("liveqa-med", "mqp"):
        path = SHARED / "bench" / name / "queries-dev.jsonl"
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    rng = np.random.default_rng(7)
    return [texts[i] for i in rng.permutation(len(texts))[:limit]]


def grow(docs: list[SearchDoc], vectors: dict[str, np.ndarray], size: int, seed: int = 1) -> SearchEngine:
    rng = np.random.default_rng(seed)
    n = len(docs)
    tokens = {f: [tokenize(field_text(d, f)) for d in docs] for f in FIELDS}
    source = np.arange(size) % n
    partner = rng.integers(0, n, size)
    lexical = {"question": bm25_index([tokens["question"][i] for i in source]),
               "answer": bm25_index([tokens["answer"][j] for j in partner])}
    dense = {}
    for field in FIELDS:
        picked = source if field == "question" else partner
        grown = vectors[field][picked] + rng.normal(0, NOISE, (size, vectors[field].shape[1])).astype(np.float32)
        grown /= np.linalg.norm(grown, axis=1, keepdims=True)
        dense[field] = VectorIndex.build(grown.astype(np.float32))
    ids = [f"syn{i}" for i in range(size)]
    table = DocTable(ids, [docs[i].question for i in source], [None] * size, [[] for _ in range(size)], [None] * size)
    return SearchEngine(table, lexical, dense, MiniLM(), Ranking())


class PostgresVectors(VectorIndex):
    """The product's pgvector query (curbside/web/qa/pgvectors.py) over psycopg, without Django."""

    def __init__(self, vectors: np.ndarray, field: str, row_of: dict[str, int], conn):
        super().__init__(vectors)
        self.field, self.row_of, self.conn = field, row_of, conn

    def nearest(self, query: np.ndarray, k: int):
        from curbside.web.qa.pgvectors import EF_SEARCH, literal, nearest_sql

        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, k)}")
            vector = literal(query)
            cur.execute(nearest_sql(self.field, k), [vector, vector])
            found = [(self.row_of[d], s) for d, s in cur.fetchall() if d in self.row_of]
        return np.array([r for r, _ in found], dtype=np.int64), np.array([s for _, s in found], dtype=np.float32)


def load_postgres(engine: SearchEngine, url: str) -> float:
    """Copy the grown vectors into pgvector (as `curbside reindex` does) and search there."""
    import psycopg

    from curbside.web.qa.pgvectors import TABLE, hnsw_index_sql, literal

    conn = psycopg.connect(url, autocommit=True)
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cur.execute(f"CREATE TABLE {TABLE} (doc_id text NOT NULL, field text NOT NULL, "
                    f"embedding vector(384) NOT NULL, PRIMARY KEY (field, doc_id))")
        for field, index in engine.dense.items():
            with cur.copy(f"COPY {TABLE} (doc_id, field, embedding) FROM STDIN") as copy:
                for doc_id, vector in zip(engine.table.ids, index.vectors):
                    copy.write_row((doc_id, field, literal(vector)))
        cur.execute("SET maintenance_work_mem = '2GB'")
        for field in engine.dense:
            cur.execute(hnsw_index_sql(field))
    engine.dense = {f: PostgresVectors(i.vectors, f, engine.row_of, conn) for f, i in engine.dense.items()}
    return time.perf_counter() - start


def measure(engine: SearchEngine, queries: list[str]) -> dict:
    engine.search("warm up the model", k=5)
    times = []
    for query in queries:
        start = time.perf_counter()
        engine.search(query, k=5)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95)),
            "max_ms": float(max(times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", metavar="URL", help="also measure with pgvector at this database URL")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("CURBSIDE_DATA_DIR", "/tmp")) / "embeddings.sqlite3")
    args = parser.parse_args()
    docs = real_corpus()
    embedder = CachedEmbedder(MiniLM(), args.cache)
    vectors = {f: embedder.encode([field_text(d, f) for d in docs]) for f in FIELDS}
    queries = real_queries(args.queries)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for size in args.sizes:
        start = time.perf_counter()
        engine = grow(docs, vectors, size)
        built = time.perf_counter() - start
        result = measure(engine, queries)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| SQLite default (files) | {size:,} | {built:.0f} s | {result['p50_ms']:.1f} ms | "
              f"{result['p95_ms']:.1f} ms | {result['max_ms']:.1f} ms | {peak:,.0f} MiB |", flush=True)
        if args.postgres:
            loaded = load_postgres(engine, args.postgres)
            result = measure(engine, queries)
            print(f"| PostgreSQL + pgvector | {size:,} | {built + loaded:.0f} s | {result['p50_ms']:.1f} ms | "
                  f"{result['p95_ms']:.1f} ms | {result['max_ms']:.1f} ms | (client) |", flush=True)
        del engine


if __name__ == "__main__":
    main()
