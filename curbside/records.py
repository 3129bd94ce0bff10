"""Plain, immutable records: what the core reads, writes and reasons about.

They mirror the archive format (docs/archive-format.md) one to one; the web layer
maps them to and from its database models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Union

SEXES = ("female", "male", "other", "unspecified")
ASKED_FOR = ("self", "child", "parent", "other", "unspecified")
THREAD_STATUSES = ("open", "answered")
GENERATED_FIELDS = ("title", "more_info", "similar")
PROVENANCE_METHODS = ("imported", "rules", "engine", "llm")


@dataclass(frozen=True)
class Specialty:
    id: str
    name: str


@dataclass(frozen=True)
class Doctor:
    id: str
    name: str
    specialty: str
    hospital: str | None = None
    verified: bool = False


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    specialty: str | None = None


@dataclass(frozen=True)
class Passage:
    """Trusted reference text, kept with enough provenance to cite it."""

    id: str
    source: str
    licence: str
    text: str
    url: str | None = None
    question: str | None = None
    focus: str | None = None
    question_type: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a thread or guide came from."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Question:
    body: str
    # Null only on excerpt threads, whose source page did not show them.
    alias: str | None
    asked_at: datetime | None
    age_band: str | None = None
    sex: str = "unspecified"
    asked_for: str = "unspecified"


@dataclass(frozen=True)
class Reply:
    doctor: str
    body: str
    replied_at: datetime | None  # null only on excerpt threads


@dataclass(frozen=True)
class Thread:
    id: str
    title: str
    status: str
    question: Question
    reply: Reply | None = None
    topics: tuple[str, ...] = ()
    excerpt: bool = False
    source: Source | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a bullet list (``items``) of a guide."""

    type: str
    text: str | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuideSection:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    sections: tuple[GuideSection, ...]
    topic: str | None = None
    intro: tuple[Block, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class Provenance:
    method: str
    generator: str | None = None
    created_at: datetime | None = None
    # Each source is {"thread": id}, {"passage": id} or {"name": ..., "url": ...}.
    sources: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Generated:
    """Content made for a thread (a title, More Info, a Similar Q&A list) and how."""

    id: str
    thread: str
    field: str
    value: Any
    provenance: Provenance
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


Record = Union[Specialty, Doctor, Topic, Passage, Thread, Guide, Generated]

# The order records are written in, and the order references can be resolved in.
KIND_ORDER: tuple[tuple[str, type], ...] = (
    ("specialty", Specialty),
    ("doctor", Doctor),
    ("topic", Topic),
    ("passage", Passage),
    ("thread", Thread),
    ("guide", Guide),
    ("generated", Generated),
)
KIND_OF_TYPE = {cls: kind for kind, cls in KIND_ORDER}


def kind_of(record: Record) -> str:
    return KIND_OF_TYPE[type(record)]


@dataclass
class Batch:
    """Records read from one or more files, with where each came from."""

    records: list[Record] = field(default_factory=list)
    # (source, line) for each record, parallel to ``records``, for error messages.
    origins: list[tuple[str, int | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, record: Record, source: str, line: int | None) -> None:
        self.records.append(record)
        self.origins.append((source, line))

    def extend(self, other: "Batch") -> None:
        self.records.extend(other.records)
        self.origins.extend(other.origins)
        self.warnings.extend(other.warnings)

    def count_by_kind(self) -> dict[str, int]:
        counts = {kind: 0 for kind, _ in KIND_ORDER}
        for record in self.records:
            counts[kind_of(record)] += 1
        return counts
