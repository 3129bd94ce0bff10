"""Indexing throughput against the embedding model's raw batch throughput, same run.

    python bench/index_throughput.py --docs 2000

Raw: the model encodes the documents' texts (question field and answer field) in batches,
nothing else. Indexing: ``SearchEngine.build`` on the same documents with an empty
embedding cache (tokenising, BM25, hashing and caching the embeddings, vector index).
Both count texts per second; the ratio is the share of raw speed indexing keeps.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from curbside.search.documents import SearchDoc
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import FIELDS, SearchEngine, field_text

SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    path = SHARED / "bench" / "liveqa-med" / "corpus.jsonl"
    docs = []
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        docs.append(SearchDoc(id=d["id"], question=d["question"], answer=d["answer"]))
        if len(docs) == args.docs:
            break
    texts = [field_text(d, f) for f in FIELDS for d in docs]
    model = MiniLM()
    model.encode(["warm up"])
    start = time.perf_counter()
    model.encode(texts)
    raw = len(texts) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        cached = CachedEmbedder(model, Path(tmp) / "cache.sqlite3")
        start = time.perf_counter()
        SearchEngine.build(docs, cached)
        indexing = len(texts) / (time.perf_counter() - start)
    print(f"| {len(docs):,} docs ({len(texts):,} texts) | {raw:.1f} texts/s | {indexing:.1f} texts/s | "
          f"{indexing / raw:.0%} |")


if __name__ == "__main__":
    main()
