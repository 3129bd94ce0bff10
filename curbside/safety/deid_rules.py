"""The knowledge behind de-identification, loaded strictly from curbside/safety/data/.

    deid_patterns.json   identifier patterns: regex, type, optional capture group and check
    deid_keep.json       eponyms and drug names that must reach the published text intact
    deid_names.json      given names and the cue words that point at a personal name

A file with an unknown or missing key, a regex that does not compile, an unknown macro,
type or check stops start-up with a ConfigError that names the file and the key: a typo in
a rule must never silently switch that rule off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from curbside.errors import ConfigError
from curbside.safety import deid_checks as checks

TYPES = ("NAME", "PHONE", "EMAIL", "ADDRESS", "ID", "DATE_OF_BIRTH", "MRN", "INSURANCE", "URL", "HANDLE", "AGE")
PATTERNS_FILE, KEEP_FILE, NAMES_FILE = "deid_patterns.json", "deid_keep.json", "deid_names.json"
MEDICAL_TERMS_FILE = "deid_medical_terms.json"  # built by scripts/build_deid_medical_terms.py
PATTERN_KEYS = {"id", "type", "regex", "ignore_case", "group", "validator", "note"}
PHONE_KEYS = {"min_digits", "max_digits", "groupings_without_prefix", "cue_words", "cue_window", "not_phone_words"}
NAME_LISTS = ("given_names", "not_names", "titles", "relations", "relation_modifiers", "relation_owners",
              "strong_intros", "weak_intros", "listed_only_intros", "form_labels", "greetings", "signoffs", "particles",
              "institution_words", "institution_prefixes")
MACRO = re.compile(r"\{([A-Z_]+)\}")  # regex quantifiers hold digits, so {NAME} cannot clash


@dataclass(frozen=True)
class IdentifierPattern:
    id: str
    type: str
    regex: re.Pattern[str]
    group: str | int
    check: checks.Check | None


@dataclass(frozen=True)
class KeepList:
    eponyms: re.Pattern[str]
    drugs: re.Pattern[str]
    eponym_head: re.Pattern[str]  # matched right after a name: "Kennedy's disease", "Gordon syndrome"
    longest: int                  # characters in the longest kept phrase: how far to look around a name


@dataclass(frozen=True)
class NameLexicon:
    given: frozenset[str]
    lists: dict[str, tuple[str, ...]]  # every list in deid_names.json, by key

    def words(self, name: str) -> tuple[str, ...]:
        return self.lists[name]


@dataclass(frozen=True)
class DeidRules:
    patterns: tuple[IdentifierPattern, ...]
    keep: KeepList
    names: NameLexicon


# ---------------------------------------------------------------- loading

@cache
def default_rules() -> DeidRules:
    """The rules shipped with Curbside, read once per process."""
    return load_rules()


@cache
def default_medical_terms() -> tuple[str, ...]:
    """Medical terms in which a proposed name is an eponym, with each possessive word of them
    on its own ("parkinson's" from "parkinson's disease": the eponym is often used alone)."""
    return parse_medical_terms(read_json(None, MEDICAL_TERMS_FILE))


def parse_medical_terms(data: object, source: str = MEDICAL_TERMS_FILE) -> tuple[str, ...]:
    top = require_object(data, source, {"version", "about", "terms"}, {"version", "terms"})
    require_version(top, source)
    terms = string_list(top["terms"], f"{source}: key 'terms'")
    possessives = {w for term in terms for w in term.split() if re.fullmatch(r"[^\W\d_][\w\-]+'s", w)}
    return tuple(sorted(set(terms) | possessives))


def load_rules(directory: Path | None = None) -> DeidRules:
    """Read the three files from ``directory`` (default: the package's data folder)."""
    return DeidRules(patterns=parse_patterns(read_json(directory, PATTERNS_FILE), PATTERNS_FILE),
                     keep=parse_keep(read_json(directory, KEEP_FILE), KEEP_FILE),
                     names=parse_names(read_json(directory, NAMES_FILE), NAMES_FILE))


def read_json(directory: Path | None, name: str) -> object:
    if directory is None:
        source = resources.files("curbside.safety").joinpath("data", name)
    else:
        source = directory / name
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{name}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None


# ---------------------------------------------------------------- shared strictness

def require_object(data: object, where: str, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected an object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'")
    missing = sorted(required - set(data))
    if missing:
        raise ConfigError(f"{where}: missing key '{missing[0]}'")
    return data


def require_version(data: dict, source: str) -> None:
    if data["version"] != 1:
        raise ConfigError(f"{source}: key 'version' must be 1")


def string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def whole_number(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: expected a whole number >= 0")
    return value


# ---------------------------------------------------------------- deid_patterns.json

def parse_patterns(data: object, source: str = PATTERNS_FILE) -> tuple[IdentifierPattern, ...]:
    keys = {"version", "macros", "phone", "handle_stopwords", "patterns"}
    top = require_object(data, source, keys, keys)
    require_version(top, source)
    macros = parse_macros(top["macros"], f"{source}: key 'macros'")
    known_checks = named_checks(top, source)
    if not isinstance(top["patterns"], list) or not top["patterns"]:
        raise ConfigError(f"{source}: key 'patterns' must be a non-empty list")
    patterns = [parse_pattern(entry, i, source, macros, known_checks) for i, entry in enumerate(top["patterns"])]
    seen: set[str] = set()
    for pattern in patterns:
        if pattern.id in seen:
            raise ConfigError(f"{source}: pattern '{pattern.id}' is defined twice")
        seen.add(pattern.id)
    return tuple(patterns)


def parse_macros(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected an object")
    for name, body in value.items():
        if not re.fullmatch(r"[A-Z_]+", name) or not isinstance(body, str):
            raise ConfigError(f"{where}: macro '{name}' must be an UPPER_CASE name with a regex string")
    return value


def named_checks(top: dict, source: str) -> dict[str, checks.Check]:
    phone = require_object(top["phone"], f"{source}: key 'phone'", PHONE_KEYS, PHONE_KEYS)
    phone_check = checks.phone_check(
        whole_number(phone["min_digits"], f"{source}: key 'phone.min_digits'"),
        whole_number(phone["max_digits"], f"{source}: key 'phone.max_digits'"),
        string_list(phone["groupings_without_prefix"], f"{source}: key 'phone.groupings_without_prefix'"),
        words_regex(string_list(phone["cue_words"], f"{source}: key 'phone.cue_words'")),
        words_regex(string_list(phone["not_phone_words"], f"{source}: key 'phone.not_phone_words'")),
        whole_number(phone["cue_window"], f"{source}: key 'phone.cue_window'"))
    stopwords = string_list(top["handle_stopwords"], f"{source}: key 'handle_stopwords'")
    value_checks: dict[str, Callable[[str], bool]] = {
        "taiwan_id": checks.taiwan_id, "nhs_number": checks.nhs_number, "luhn": checks.luhn,
        "singapore_nric": checks.singapore_nric, "hong_kong_id": checks.hong_kong_id,
        "china_resident_id": checks.china_resident_id, "at_least_4_digits": checks.at_least_4_digits}
    return {"phone": phone_check, "handle": checks.handle_check(stopwords),
            **{name: checks.plain(check) for name, check in value_checks.items()}}


def words_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)


def parse_pattern(entry: object, index: int, source: str, macros: dict[str, str],
                  known_checks: dict[str, checks.Check]) -> IdentifierPattern:
    label = entry.get("id", index) if isinstance(entry, dict) else index
    where = f"{source}: pattern '{label}'"
    entry = require_object(entry, where, PATTERN_KEYS, {"id", "type", "regex"})
    if entry["type"] not in TYPES:
        raise ConfigError(f"{where}: key 'type' must be one of {', '.join(TYPES)}")
    if not isinstance(entry.get("ignore_case", False), bool):
        raise ConfigError(f"{where}: key 'ignore_case' must be true or false")
    regex = compile_pattern(entry["regex"], macros, where, entry.get("ignore_case", False))
    group = entry.get("group", 0)
    if group != 0 and group not in regex.groupindex:
        raise ConfigError(f"{where}: key 'group' names '{group}', which the regex does not define")
    check_name = entry.get("validator")
    if check_name is not None and check_name not in known_checks:
        raise ConfigError(f"{where}: key 'validator' must be one of {', '.join(sorted(known_checks))}")
    return IdentifierPattern(entry["id"], entry["type"], regex, group,
                             known_checks[check_name] if check_name else None)


def compile_pattern(text: object, macros: dict[str, str], where: str, ignore_case: bool) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise ConfigError(f"{where}: key 'regex' must be a non-empty string")
    expanded = expand_macros(text, macros, where)
    try:
        return re.compile(expanded, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise ConfigError(f"{where}: key 'regex' does not compile: {exc}") from None


def expand_macros(text: str, macros: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 5:
        raise ConfigError(f"{where}: macros nest more than 5 deep")

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise ConfigError(f"{where}: key 'regex' uses unknown macro '{{{name}}}'")
        return expand_macros(macros[name], macros, where, depth + 1)

    return MACRO.sub(substitute, text)


# ---------------------------------------------------------------- deid_keep.json

def parse_keep(data: object, source: str = KEEP_FILE) -> KeepList:
    keys = {"version", "eponyms", "drugs", "eponym_heads"}
    top = require_object(data, source, keys, keys)
    require_version(top, source)
    eponyms = string_list(top["eponyms"], f"{source}: key 'eponyms'")
    drugs = string_list(top["drugs"], f"{source}: key 'drugs'")
    heads = string_list(top["eponym_heads"], f"{source}: key 'eponym_heads'")
    return KeepList(eponyms=phrases_pattern(eponyms), drugs=phrases_pattern(drugs),
                    eponym_head=eponym_head_pattern(heads), longest=max(map(len, eponyms + drugs)))


def eponym_head_pattern(heads: tuple[str, ...]) -> re.Pattern[str]:
    """After a name: 's, then up to two capitalised words or initials, then a head word.

    Catches "Kennedy's disease", "Alexander Disease", "Charlie M syndrome", "Fraser like
    syndrome", but not "Jamie has a disease" (lower-case words in between).
    """
    between = r"(?:[ \t-]+(?:[A-Z][\w'’]*\.?|like)){0,2}"
    head = r"[ \t-]+(?i:" + "|".join(map(re.escape, heads)) + r")(?!\w)"
    return re.compile(r"(?:['’]s|s['’]|['’])?" + between + head)


def phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all phrases: case-insensitive, apostrophes optional, space = hyphen.

    "Parkinson's" also protects "Parkinsons" and "parkinson's"; "Guillain-Barré" also
    protects "Guillain Barré".
    """
    alternatives = sorted({phrase_regex(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def phrase_regex(phrase: str) -> str:
    parts = []
    for ch in phrase:
        if ch in "'’":
            parts.append("['’]?")
        elif ch in " -":
            parts.append(r"[\s-]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


# ---------------------------------------------------------------- deid_names.json

def parse_names(data: object, source: str = NAMES_FILE) -> NameLexicon:
    keys = {"version", *NAME_LISTS}
    top = require_object(data, source, keys, keys)
    require_version(top, source)
    lists = {name: string_list(top[name], f"{source}: key '{name}'") for name in NAME_LISTS}
    return NameLexicon(given=frozenset(lists["given_names"]), lists=lists)
