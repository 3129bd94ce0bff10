"""The routing knowledge (data/specialties.json), loaded strictly.

Every specialty has lay cues (how the public says it), clinical cues (how doctors say it) and
prototype descriptions (what a typical question is about, for embedding similarity). Optional
specialist cues keep a young child's question with that specialty instead of Pediatrics. Any
unknown key, missing key, empty list, duplicate id or reference to an unknown specialty is a
ConfigError naming the file and the key, so a bad edit stops start-up instead of misrouting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from curbside.errors import ConfigError

KNOWLEDGE_VERSION = 1


@dataclass(frozen=True)
class Specialty:
    id: str
    name: str
    lay_cues: tuple[str, ...]
    clinical_cues: tuple[str, ...]
    prototypes: tuple[str, ...]
    specialist_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildRule:
    """Questions about a child up to ``max_age`` go to ``specialty`` unless clearly specialist."""

    specialty: str
    max_age: int
    boost: float


@dataclass(frozen=True)
class PregnancyRule:
    specialty: str
    cues: tuple[str, ...]
    boost: float


@dataclass(frozen=True)
class Scoring:
    """How the evidence adds up to one logit per specialty (see routing.py)."""

    lay_weight: float
    clinical_weight: float
    fuzzy_factor: float
    cue_scale: float
    similarity_scale: float
    fallback_bias: float
    min_confidence: float


@dataclass(frozen=True)
class Knowledge:
    version: int
    fallback: str
    negators: tuple[str, ...]
    child: ChildRule
    pregnancy: PregnancyRule
    scoring: Scoring
    specialties: tuple[Specialty, ...]

    def specialty(self, specialty_id: str) -> Specialty:
        return next(s for s in self.specialties if s.id == specialty_id)


def default_path() -> Path:
    return Path(str(resources.files("curbside.safety") / "data" / "specialties.json"))


def load_knowledge(path: Path | None = None) -> Knowledge:
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the routing knowledge: {exc}") from None
    return Reader(str(path)).knowledge(data)


class Reader:
    """Checks one file's data; every complaint names the file and the key path."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {problem}")

    def fields(self, value: Any, key: str, required: set[str], optional: frozenset[str] = frozenset()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be an object")
        unknown = sorted(set(value) - required - optional)
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}" if key else unknown[0], "unknown key")
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(f"{key}.{missing[0]}" if key else missing[0], "missing")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string (got {value!r})")
        return value.strip()

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of strings")
        items = tuple(self.text(item, f"{key}[{i}]") for i, item in enumerate(value))
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.lower() in seen:
                raise self.fail(f"{key}[{i}]", f"duplicate entry {item!r}")
            seen.add(item.lower())
        return items

    def number(self, value: Any, key: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(key, f"must be a number from {low} to {high} (got {value!r})")
        return float(value)

    def knowledge(self, data: Any) -> Knowledge:
        top = self.fields(data, "", {"version", "fallback", "negators", "rules", "scoring", "specialties"})
        if top["version"] != KNOWLEDGE_VERSION:
            raise self.fail("version", f"this Curbside reads version {KNOWLEDGE_VERSION} (got {top['version']!r})")
        specialties = self.specialties(top["specialties"])
        known = {s.id for s in specialties}
        rules = self.fields(top["rules"], "rules", {"child", "pregnancy"})
        knowledge = Knowledge(
            version=KNOWLEDGE_VERSION,
            fallback=self.reference(top["fallback"], "fallback", known),
            negators=self.texts(top["negators"], "negators"),
            child=self.child_rule(rules["child"], known),
            pregnancy=self.pregnancy_rule(rules["pregnancy"], known),
            scoring=self.scoring(top["scoring"]),
            specialties=specialties,
        )
        return knowledge

    def reference(self, value: Any, key: str, known: set[str]) -> str:
        specialty_id = self.text(value, key)
        if specialty_id not in known:
            raise self.fail(key, f"unknown specialty {specialty_id!r}")
        return specialty_id

    def specialties(self, value: Any) -> tuple[Specialty, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("specialties", "must be a non-empty list")
        result: list[Specialty] = []
        for i, item in enumerate(value):
            specialty = self.specialty(item, f"specialties[{i}]")
            if any(s.id == specialty.id for s in result):
                raise self.fail(f"specialties[{i}].id", f"duplicate specialty id {specialty.id!r}")
            result.append(specialty)
        return tuple(result)

    def specialty(self, value: Any, key: str) -> Specialty:
        required = {"id", "name", "lay_cues", "clinical_cues", "prototypes"}
        item = self.fields(value, key, required, frozenset({"specialist_cues"}))
        return Specialty(
            id=self.text(item["id"], f"{key}.id"),
            name=self.text(item["name"], f"{key}.name"),
            lay_cues=self.texts(item["lay_cues"], f"{key}.lay_cues"),
            clinical_cues=self.texts(item["clinical_cues"], f"{key}.clinical_cues"),
            prototypes=self.texts(item["prototypes"], f"{key}.prototypes"),
            specialist_cues=(self.texts(item["specialist_cues"], f"{key}.specialist_cues")
                             if "specialist_cues" in item else ()),
        )

    def child_rule(self, value: Any, known: set[str]) -> ChildRule:
        rule = self.fields(value, "rules.child", {"specialty", "max_age", "boost"})
        max_age = rule["max_age"]
        if isinstance(max_age, bool) or not isinstance(max_age, int) or not 0 <= max_age <= 18:
            raise self.fail("rules.child.max_age", f"must be a whole number of years from 0 to 18 (got {max_age!r})")
        return ChildRule(self.reference(rule["specialty"], "rules.child.specialty", known), max_age,
                         self.number(rule["boost"], "rules.child.boost", 0, 10))

    def pregnancy_rule(self, value: Any, known: set[str]) -> PregnancyRule:
        rule = self.fields(value, "rules.pregnancy", {"specialty", "cues", "boost"})
        return PregnancyRule(self.reference(rule["specialty"], "rules.pregnancy.specialty", known),
                             self.texts(rule["cues"], "rules.pregnancy.cues"),
                             self.number(rule["boost"], "rules.pregnancy.boost", 0, 10))

    def scoring(self, value: Any) -> Scoring:
        names = {"lay_weight", "clinical_weight", "fuzzy_factor", "cue_scale", "similarity_scale",
                 "fallback_bias", "min_confidence"}
        item = self.fields(value, "scoring", names)
        limits = {"fuzzy_factor": (0, 1), "min_confidence": (0, 1)}
        return Scoring(**{name: self.number(item[name], f"scoring.{name}", *limits.get(name, (0, 100)))
                          for name in sorted(names)})
