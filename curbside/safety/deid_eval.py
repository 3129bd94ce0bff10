"""Scoring de-identification against messages with planted identifiers.

Each evaluation item is ``{"id", "text", "identifiers": [{"type", "start", "end"}], "keep": [...]}``
(``evalsets/deid.jsonl``). The measures:

    recall      share of planted identifiers whose every letter and digit lies inside a
                replacement (spaces and punctuation between the parts of an address may stay)
    precision   share of replacements that overlap a planted identifier
    type_agreement  share of covered identifiers whose replacement carries the planted type
    damaged_keep    clinical strings ("Bell's palsy", "metformin 500 mg") that did not
                reach the published text as often as they occur in the message
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curbside.safety.deid import DeidResult, Replacement, deidentify


# Issue 5's targets on our evaluation set.
TARGET_RECALL = 0.98
TARGET_PRECISION = 0.90


@dataclass(frozen=True)
class Planted:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class EvalItem:
    id: str
    text: str
    identifiers: tuple[Planted, ...]
    keep: tuple[str, ...]


@dataclass
class DeidScore:
    planted: Counter = field(default_factory=Counter)
    covered: Counter = field(default_factory=Counter)
    same_type: int = 0
    replacements: int = 0
    true_replacements: int = 0
    damaged_keep: list[tuple[str, str]] = field(default_factory=list)   # (item id, kept string)
    missed: list[tuple[str, Planted]] = field(default_factory=list)
    spurious: list[tuple[str, Replacement]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(self.covered.values()) / max(1, sum(self.planted.values()))

    @property
    def precision(self) -> float:
        return self.true_replacements / max(1, self.replacements)

    @property
    def type_agreement(self) -> float:
        return self.same_type / max(1, sum(self.covered.values()))

    def recall_of(self, kind: str) -> float:
        return self.covered[kind] / max(1, self.planted[kind])


def target_failures(result: DeidScore) -> list[str]:
    """The targets a score misses, in words; empty when all hold."""
    failures = []
    if result.recall < TARGET_RECALL:
        failures.append(f"recall {result.recall:.3f} < {TARGET_RECALL}")
    if result.precision < TARGET_PRECISION:
        failures.append(f"precision {result.precision:.3f} < {TARGET_PRECISION}")
    if result.damaged_keep:
        failures.append(f"{len(result.damaged_keep)} clinical strings damaged")
    return failures


def read_items(path: Path) -> list[EvalItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        planted = tuple(Planted(i["type"], i["start"], i["end"]) for i in raw["identifiers"])
        items.append(EvalItem(raw["id"], raw["text"], planted, tuple(raw["keep"])))
    return items


def score(items: list[EvalItem], deidentifier: Callable[[str], DeidResult] = deidentify) -> DeidScore:
    result = DeidScore()
    for item in items:
        add_item(result, item, deidentifier(item.text))
    return result


def add_item(result: DeidScore, item: EvalItem, published: DeidResult) -> None:
    for planted in item.identifiers:
        result.planted[planted.type] += 1
        if is_covered(item.text, planted, published.replacements):
            result.covered[planted.type] += 1
            result.same_type += any(r.type == planted.type and overlaps(r, planted) for r in published.replacements)
        else:
            result.missed.append((item.id, planted))
    for replacement in published.replacements:
        result.replacements += 1
        if any(overlaps(replacement, p) for p in item.identifiers):
            result.true_replacements += 1
        else:
            result.spurious.append((item.id, replacement))
    for kept in item.keep:
        if published.text.count(kept) < item.text.count(kept):
            result.damaged_keep.append((item.id, kept))


def is_covered(text: str, planted: Planted, replacements: tuple[Replacement, ...]) -> bool:
    return all(any(r.start <= i < r.end for r in replacements)
               for i in range(planted.start, planted.end) if text[i].isalnum())


def overlaps(a: Replacement | Planted, b: Replacement | Planted) -> bool:
    return a.start < b.end and b.start < a.end
