"""The red-flag rule pack: a versioned JSON file read strictly.

    {"version": 1,
     "context": {"drop_default": [...], "rules": [{"literal", "category", "direction", "pattern", "max_scope"?}]},
     "rules": [{"id", "level", "source", "patterns", "requires_any"?, "advice", "examples", "non_examples"}]}

A rule fires when one of its `patterns` (regular expressions over the lower-cased question,
so written in lower case) matches and, if it has `requires_any`, one of those co-findings matches too; both
must survive medspaCy's ConText (not negated, hypothetical, in the past or about someone
else's history). `context` adds cues to ConText's defaults and drops the defaults that
misread lay writing. Every problem raises ConfigError naming the file, the rule and the key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from curbside.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("data") / "triage_rules.json"
LEVELS = ("self_care", "routine", "urgent", "emergency")  # lowest to highest
CONTEXT_CATEGORIES = frozenset({
    "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HYPOTHETICAL", "HISTORICAL", "FAMILY",
    "FAMILY_HISTORY", "AGE_AT_EVENT", "CHRONIC", "RECENT", "PSEUDO", "TERMINATE",
})
CONTEXT_DIRECTIONS = frozenset({"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"})

_RULE_KEYS = {"id": str, "level": str, "source": str, "patterns": list, "requires_any": list, "advice": str,
              "examples": list, "non_examples": list}
_RULE_OPTIONAL = {"requires_any"}
_CUE_KEYS = {"literal": str, "category": str, "direction": str, "pattern": str, "max_scope": int}
_CUE_OPTIONAL = {"max_scope"}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    source: str  # the public guidance the level rests on (NHS, NICE, a triage system)
    patterns: tuple[str, ...]
    requires_any: tuple[str, ...]
    advice: str
    examples: tuple[str, ...]
    non_examples: tuple[str, ...]
    matcher: re.Pattern  # the patterns as one alternation: one scan of the question, not one per pattern
    co_matcher: re.Pattern | None


@dataclass(frozen=True)
class ContextCue:
    literal: str
    category: str
    direction: str
    pattern: str
    max_scope: int | None


@dataclass(frozen=True)
class RulePack:
    version: int
    drop_default: tuple[str, ...]
    context: tuple[ContextCue, ...]
    rules: tuple[Rule, ...]
    source: str


def load_rules(path: Path | str = DEFAULT_PATH) -> RulePack:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the rule pack ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    where = str(path)
    _check_keys(data, {"version": int, "context": dict, "rules": list}, set(), where)
    if data["version"] != 1:
        raise ConfigError(f"{where}: key 'version': this Curbside reads version 1, not {data['version']!r}")
    drop, cues = _context(data["context"], where)
    rules = [_rule(raw, index, where) for index, raw in enumerate(data["rules"])]
    if not rules:
        raise ConfigError(f"{where}: key 'rules': the pack has no rules")
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(f"{where}: rule {rule.id!r}: key 'id': duplicate rule id")
        seen.add(rule.id)
    return RulePack(1, drop, cues, tuple(rules), where)


def _check_keys(raw: object, spec: dict[str, type], optional: set[str], where: str) -> None:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected an object, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise ConfigError(f"{where}: key {unknown[0]!r}: unknown key (allowed: {', '.join(spec)})")
    for key, kind in spec.items():
        if key not in raw:
            if key in optional:
                continue
            raise ConfigError(f"{where}: key {key!r}: missing")
        value = raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: key {key!r}: expected {kind.__name__}, got {type(value).__name__}")


def _strings(raw: dict, key: str, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not values and not allow_empty:
        raise ConfigError(f"{where}: key {key!r}: must not be empty")
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: key {key!r}: every entry must be a non-empty string")
    return tuple(values)


def _compile(patterns: tuple[str, ...], key: str, where: str) -> re.Pattern:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: key {key!r}: bad regular expression {pattern!r} ({exc})") from exc
        if re.search(r"(?<!\\)[A-Z]", pattern):
            raise ConfigError(f"{where}: key {key!r}: {pattern!r} has upper-case letters; patterns are "
                              "matched against the lower-cased question, so write them in lower case")
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _rule(raw: object, index: int, path: str) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{path}: rule {rule_id!r}" if isinstance(rule_id, str) and rule_id else f"{path}: rule #{index + 1}"
    _check_keys(raw, _RULE_KEYS, _RULE_OPTIONAL, where)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", raw["id"]):
        raise ConfigError(f"{where}: key 'id': use lower-case words joined by hyphens")
    if raw["level"] not in LEVELS:
        raise ConfigError(f"{where}: key 'level': {raw['level']!r} is not one of {', '.join(LEVELS)}")
    if not raw["advice"].strip():
        raise ConfigError(f"{where}: key 'advice': must not be empty")
    patterns = _strings(raw, "patterns", where)
    requires = _strings(raw, "requires_any", where, allow_empty=True)
    if "requires_any" in raw and not requires:
        raise ConfigError(f"{where}: key 'requires_any': must not be empty (leave the key out instead)")
    if not raw["source"].strip():
        raise ConfigError(f"{where}: key 'source': name the public guidance this rule rests on")
    return Rule(raw["id"], raw["level"], raw["source"].strip(), patterns, requires, raw["advice"].strip(),
                _strings(raw, "examples", where), _strings(raw, "non_examples", where, allow_empty=True),
                _compile(patterns, "patterns", where),
                _compile(requires, "requires_any", where) if requires else None)


def _context(raw: dict, path: str) -> tuple[tuple[str, ...], tuple[ContextCue, ...]]:
    where = f"{path}: context"
    _check_keys(raw, {"drop_default": list, "rules": list}, set(), where)
    drop = _strings(raw, "drop_default", where, allow_empty=True)
    cues = []
    for index, cue in enumerate(raw["rules"]):
        literal = cue.get("literal") if isinstance(cue, dict) else None
        here = f"{where} cue {literal!r}" if isinstance(literal, str) else f"{where} cue #{index + 1}"
        _check_keys(cue, _CUE_KEYS, _CUE_OPTIONAL, here)
        if cue["category"] not in CONTEXT_CATEGORIES:
            raise ConfigError(f"{here}: key 'category': {cue['category']!r} is not one of "
                              f"{', '.join(sorted(CONTEXT_CATEGORIES))}")
        if cue["direction"] not in CONTEXT_DIRECTIONS:
            raise ConfigError(f"{here}: key 'direction': {cue['direction']!r} is not one of "
                              f"{', '.join(sorted(CONTEXT_DIRECTIONS))}")
        if not cue["pattern"].strip():
            raise ConfigError(f"{here}: key 'pattern': must not be empty")
        try:
            re.compile(cue["pattern"])
        except re.error as exc:
            raise ConfigError(f"{here}: key 'pattern': bad regular expression {cue['pattern']!r} ({exc})") from exc
        if "max_scope" in cue and cue["max_scope"] < 1:
            raise ConfigError(f"{here}: key 'max_scope': must be at least 1")
        cues.append(ContextCue(cue["literal"], cue["category"], cue["direction"], cue["pattern"], cue.get("max_scope")))
    return drop, tuple(cues)
