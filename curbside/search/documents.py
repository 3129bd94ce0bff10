"""What the search engine indexes and returns: plain data, no framework."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchDoc:
    """One searchable item: a published thread, or a corpus question-answer pair."""

    id: str
    question: str
    answer: str = ""
    title: str = ""
    specialty: str | None = None
    topics: tuple[str, ...] = ()
    date: str | None = None  # ISO 8601 date, for the date filter


@dataclass(frozen=True)
class Filters:
    specialty: str | None = None
    topic: str | None = None
    date_from: str | None = None  # inclusive, "YYYY-MM-DD"
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.specialty or self.topic or self.date_from or self.date_to)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    # The score of each ranker before fusion, to explain a ranking.
    parts: dict[str, float] = field(default_factory=dict, compare=False)
