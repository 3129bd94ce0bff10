"""Nearest-neighbour search over unit vectors: exact below a size threshold, HNSW above.

Exact search is a matrix product and always right; above ``HNSW_THRESHOLD`` vectors an
HNSW graph (usearch) answers in about a millisecond instead. Both are stored as plain files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_CONNECTIVITY = 16
HNSW_EXPANSION_ADD = 128
HNSW_EXPANSION_SEARCH = 96


class VectorIndex:
    def __init__(self, vectors: np.ndarray, hnsw=None):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.hnsw = hnsw

    @classmethod
    def build(cls, vectors: np.ndarray, threshold: int = HNSW_THRESHOLD) -> "VectorIndex":
        index = cls(vectors)
        if len(vectors) >= threshold:
            index.hnsw = new_hnsw(vectors.shape[1])
            index.hnsw.add(np.arange(len(vectors), dtype=np.uint64), index.vectors, threads=0)
        return index

    def scores(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the given rows (exact)."""
        return self.vectors[rows] @ query

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, similarities) of the k nearest vectors, best first."""
        count = len(self.vectors)
        k = min(k, count)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self.hnsw is not None:
            matches = self.hnsw.search(query, k)
            rows = np.asarray(matches.keys, dtype=np.int64)
            return rows, 1.0 - np.asarray(matches.distances, dtype=np.float32)
        similarities = self.vectors @ query
        top = np.argpartition(-similarities, k - 1)[:k]
        top = top[np.argsort(-similarities[top], kind="stable")]
        return top, similarities[top]

    def save(self, directory: Path, name: str) -> None:
        np.save(directory / f"{name}.npy", self.vectors, allow_pickle=False)
        if self.hnsw is not None:
            self.hnsw.save(str(directory / f"{name}.usearch"))

    @classmethod
    def load(cls, directory: Path, name: str) -> "VectorIndex":
        vectors = np.load(directory / f"{name}.npy", allow_pickle=False)
        hnsw = None
        if (directory / f"{name}.usearch").exists():
            hnsw = new_hnsw(vectors.shape[1])
            hnsw.load(str(directory / f"{name}.usearch"))
        return cls(vectors, hnsw)


def new_hnsw(dimensions: int):
    from usearch.index import Index

    return Index(ndim=dimensions, metric="cos", dtype="f32", connectivity=HNSW_CONNECTIVITY,
                 expansion_add=HNSW_EXPANSION_ADD, expansion_search=HNSW_EXPANSION_SEARCH)
