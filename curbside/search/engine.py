"""The search engine: fielded BM25 and dense rankers, fused, behind one small interface.

    engine = SearchEngine.build(docs, embedder)      # or SearchEngine.load(directory, embedder)
    engine.search("my eyelid keeps twitching", k=10, filters=Filters(specialty="neurology"))
    engine.similar("demo-q001", k=5)                 # Similar Q&A: never the thread itself

Every ranker scores a shared candidate set (the union of each ranker's top candidates);
scores are min-max normalised per query and summed with the weights in ``Ranking``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import bm25s
import numpy as np

from curbside.search.documents import Filters, Hit, SearchDoc
from curbside.search.embed import Embedder
from curbside.search.query import CleanQuery, clean_query
from curbside.search.tokenize import tokenize
from curbside.search.vectors import HNSW_THRESHOLD, VectorIndex

INDEX_FORMAT = 1
NEAR_DUPLICATE = 0.97  # question vectors this close are the same question asked twice


@dataclass(frozen=True)
class Ranking:
    """Fusion weights and limits.

    The weights were chosen on a coarse grid (144 settings) to do well on both dev sets at
    once, LiveQA-Med (long consumer messages against answers) and MQP (short question
    against question); the landscape is flat near the choice, which is what we want from
    dev tuning. BM25 on the answer still chooses candidates, it just adds no weight.
    """

    lexical_question: float = 0.10
    lexical_answer: float = 0.0
    dense_question: float = 0.40
    dense_answer: float = 0.25
    subject_boost: float = 1.0   # the subject line counts this many extra times in lexical queries
    candidates: int = 100
    # A hit is shown to people only if it shares a word with the query or is at least this
    # close in meaning; otherwise "no results" is the honest answer.
    min_cosine: float = 0.35


FIELDS = ("question", "answer")


def field_text(doc: SearchDoc, field: str) -> str:
    question = f"{doc.title}\n{doc.question}".strip()
    if field == "question":
        return question
    # A document without an answer (a bare question) stands in with its question, so the
    # answer rankers neither favour nor punish it with the embedding of empty text.
    return doc.answer or question


@dataclass
class DocTable:
    """Per-document data kept beside the rankers, for filters and results."""

    ids: list[str]
    questions: list[str]  # title + question: the query for Similar Q&A
    specialties: list[str | None]
    topics: list[list[str]]
    dates: list[str | None]

    @classmethod
    def of(cls, docs: Sequence[SearchDoc]) -> "DocTable":
        return cls([d.id for d in docs], [field_text(d, "question") for d in docs], [d.specialty for d in docs],
                   [list(d.topics) for d in docs], [d.date for d in docs])

    def mask(self, filters: Filters) -> np.ndarray:
        """Rows that pass the filters, computed with array comparisons (this runs per query)."""
        keep = np.ones(len(self.ids), dtype=bool)
        if filters.specialty:
            keep &= np.array(self.specialties, dtype=object) == filters.specialty
        if filters.date_from or filters.date_to:
            dates = np.array([d or "" for d in self.dates], dtype=object)
            if filters.date_from:
                keep &= dates >= filters.date_from
            if filters.date_to:
                keep &= (dates <= filters.date_to) & (dates != "")
        if filters.topic:
            keep &= np.fromiter((filters.topic in t for t in self.topics), dtype=bool, count=len(self.ids))
        return keep


class SearchEngine:
    def __init__(self, table: DocTable, lexical: dict[str, bm25s.BM25], dense: dict[str, VectorIndex],
                 embedder: Embedder, ranking: Ranking):
        self.table = table
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.ranking = ranking
        self.row_of = {doc_id: row for row, doc_id in enumerate(table.ids)}

    def __len__(self) -> int:
        return len(self.table.ids)

    # ------------------------------------------------------------ building and storing

    @classmethod
    def build(cls, docs: Sequence[SearchDoc], embedder: Embedder, ranking: Ranking | None = None,
              hnsw_threshold: int = HNSW_THRESHOLD, progress: Callable[[str], None] | None = None) -> "SearchEngine":
        docs = list(docs)
        lexical, dense = {}, {}
        for field in FIELDS:
            texts = [field_text(d, field) for d in docs]
            if progress:
                progress(f"lexical {field}")
            lexical[field] = bm25_index([tokenize(t) for t in texts])
            if progress:
                progress(f"dense {field}")
            vectors = embedder.encode(texts) if docs else np.zeros((0, embedder.dimensions), np.float32)
            dense[field] = VectorIndex.build(vectors, hnsw_threshold)
        return cls(DocTable.of(docs), lexical, dense, embedder, ranking or Ranking())

    def save(self, directory: Path) -> None:
        """Write into ``directory`` (which must not exist yet): plain JSON and .npy files."""
        directory.mkdir(parents=True)
        meta = {"format": INDEX_FORMAT, "model": self.embedder.name, "ranking": asdict(self.ranking),
                **asdict(self.table)}
        (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        for field in FIELDS:
            self.lexical[field].save(str(directory / f"bm25-{field}"), show_progress=False)
            self.dense[field].save(directory, f"dense-{field}")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder) -> "SearchEngine":
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        if meta["format"] != INDEX_FORMAT or meta["model"] != embedder.name:
            raise ValueError(f"{directory} holds an index of another format or model; run `curbside reindex`")
        table = DocTable(meta["ids"], meta["questions"], meta["specialties"], meta["topics"], meta["dates"])
        lexical = {f: bm25s.BM25.load(str(directory / f"bm25-{f}"), show_progress=False) for f in FIELDS}
        dense = {f: VectorIndex.load(directory, f"dense-{f}") for f in FIELDS}
        return cls(table, lexical, dense, embedder, Ranking(**meta["ranking"]))

    # ------------------------------------------------------------ searching

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               exclude: Sequence[str] = (), relevant_only: bool = True) -> list[Hit]:
        """The k best documents for ``query``, best first.

        ``relevant_only`` drops hits that share no word with the query and are not close in
        meaning (people see those); a benchmark run that needs a full ranked list turns it off.
        """
        cleaned = clean_query(query)
        if cleaned.is_empty or not len(self) or k <= 0:
            return []
        tokens = self.query_tokens(cleaned)
        vector = self.query_vector(cleaned.text)
        lexical_scores = {f: self.lexical[f].get_scores(tokens) if tokens else np.zeros(len(self), np.float32)
                          for f in FIELDS}
        rows = self.candidates(lexical_scores, vector, filters or Filters(), exclude)
        total, parts = self.fuse(rows, lexical_scores, vector)
        hits = []
        for i in np.argsort(-total, kind="stable"):
            if relevant_only and parts["lexical"][i] <= 0 and parts["cosine"][i] < self.ranking.min_cosine:
                continue
            hits.append(Hit(self.table.ids[rows[i]], float(total[i]), {n: float(v[i]) for n, v in parts.items()}))
            if len(hits) == k:
                break
        return hits

    def query_vector(self, text: str) -> np.ndarray:
        # Queries skip the on-disk cache: they are rarely repeated and the lookup costs more.
        model = getattr(self.embedder, "embedder", self.embedder)
        return model.encode([text])[0]

    def similar(self, doc_id: str, k: int = 5, query: str | None = None) -> list[Hit]:
        """Threads asking the same thing as ``doc_id``, without itself or near-copies of itself."""
        row = self.row_of.get(doc_id)
        if query is None and row is None:
            return []
        hits = self.search(query or self.table.questions[row], k=k * 2 + 1, exclude=[doc_id])
        return self.without_near_duplicates(hits, row)[:k]

    def query_tokens(self, cleaned: CleanQuery) -> list[str]:
        tokens = tokenize(cleaned.text)
        if cleaned.subject and self.ranking.subject_boost:
            tokens += tokenize(cleaned.subject) * int(self.ranking.subject_boost)
        return tokens

    def candidates(self, lexical_scores: dict[str, np.ndarray], vector: np.ndarray, filters: Filters,
                   exclude: Sequence[str]) -> np.ndarray:
        n = self.ranking.candidates
        if not filters.is_empty():
            allowed = self.table.mask(filters)
            rows = np.flatnonzero(allowed)
        else:
            chosen = [top_rows(s, n) for s in lexical_scores.values()]
            chosen += [self.dense[f].nearest(vector, n)[0] for f in FIELDS]
            rows = np.unique(np.concatenate(chosen))
        excluded = {self.row_of[i] for i in exclude if i in self.row_of}
        return np.array([r for r in rows if r not in excluded], dtype=np.int64)

    def fuse(self, rows: np.ndarray, lexical_scores: dict[str, np.ndarray],
             vector: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Fused score of each candidate row, and the parts it was made of."""
        if not len(rows):
            return np.zeros(0, np.float32), {"lexical": np.zeros(0), "cosine": np.zeros(0)}
        r = self.ranking
        cosine = {f: self.dense[f].scores(vector, rows) for f in FIELDS}
        parts = {
            "lexical_question": minmax(lexical_scores["question"][rows]),
            "lexical_answer": minmax(lexical_scores["answer"][rows]),
            "dense_question": minmax(cosine["question"]),
            "dense_answer": minmax(cosine["answer"]),
        }
        total = sum(getattr(r, name) * values for name, values in parts.items())
        parts["lexical"] = lexical_scores["question"][rows] + lexical_scores["answer"][rows]
        parts["cosine"] = cosine["question"]
        return total, parts

    def without_near_duplicates(self, hits: list[Hit], row: int | None) -> list[Hit]:
        vectors = self.dense["question"].vectors
        kept: list[Hit] = []
        seen = [vectors[row]] if row is not None else []
        for hit in hits:
            vector = vectors[self.row_of[hit.id]]
            if any(float(vector @ other) >= NEAR_DUPLICATE for other in seen):
                continue
            kept.append(hit)
            seen.append(vector)
        return kept


def bm25_index(corpus_tokens: list[list[str]]) -> bm25s.BM25:
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG to stdout
    index = bm25s.BM25()
    # bm25s refuses an empty corpus and empty documents; a placeholder token keeps rows aligned.
    index.index([tokens or ["\x00"] for tokens in corpus_tokens] or [["\x00"]], show_progress=False)
    return index


def top_rows(scores: np.ndarray, n: int) -> np.ndarray:
    n = min(n, len(scores))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, n - 1)[:n]
    return top[scores[top] > 0]


def minmax(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float32)
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)
