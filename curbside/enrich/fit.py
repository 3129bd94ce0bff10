"""Whether a sentence fits the person a thread is about and the urgency its triage gave.

More Info quotes replies on other threads and trusted passages, written for other people. A
sentence that assumes another age group, sex or situation than the thread's asker line says
("exam stress" for a woman in her forties, pregnancy for a man), or that suggests waiting when
the triage says emergency ("see a doctor within 24 hours" under "call your emergency number
now"), is true where it came from and misleading here, so it is left out.

The cues are data (data/fit_rules.json, loaded strictly): each rule says in general terms whom
its sentences are for and when they are left out, and carries a sentence it must leave out and
a near miss it must keep, both checked on loading. Only what the thread states counts: an
unknown age or sex leaves nothing out. The thread's own reply is never judged here: its doctor
answered this person at this urgency. An emergency's More Info opens with the triage advice
itself (``emergency_opening``), cited to the rules that say it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from curbside import records as r
from curbside.enrich.compose import Candidate, Quoted
from curbside.enrich.redflags import SITE_FLOW, rules_of
from curbside.enrich.sources import rule_citation, split_paragraph
from curbside.errors import ConfigError
from curbside.safety.routing_data import Reader
from curbside.safety.rules import LEVELS, Rule, RulePack

FIT_VERSION = 1
RANK = {level: i for i, level in enumerate(LEVELS)}
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
OLDEST = 120  # the last year of an open band ("90+")


@dataclass(frozen=True)
class Person:
    """What the thread says about whom it is about; None or "unspecified" where it does not say."""

    age: tuple[int, int] | None = None  # first and last year of the age band
    sex: str = "unspecified"
    asked_for: str = "unspecified"
    pregnant: bool = False


@dataclass(frozen=True)
class Urgency:
    """The thread's triage as the site shows it: the level, its advice line and what decided it."""

    level: str
    advice: str = ""
    rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """Facts that together leave a rule's sentences out; a fact not given is not checked."""

    age_from: int | None = None  # the band starts at this age or later
    age_below: int | None = None  # the band ends before this age
    sex: frozenset[str] | None = None
    asked_for: frozenset[str] | None = None
    pregnant: bool | None = None

    def holds(self, person: Person) -> bool:
        # An unknown age never meets an age limit: nothing is left out on a guess.
        if self.age_from is not None and (person.age is None or person.age[0] < self.age_from):
            return False
        if self.age_below is not None and (person.age is None or person.age[1] >= self.age_below):
            return False
        if self.sex is not None and person.sex not in self.sex:
            return False
        if self.asked_for is not None and person.asked_for not in self.asked_for:
            return False
        return self.pregnant is None or person.pregnant == self.pregnant


@dataclass(frozen=True)
class PersonRule:
    id: str
    about: str
    patterns: tuple[re.Pattern, ...]
    left_out_when: tuple[Condition, ...]
    drops: str
    keeps: str


@dataclass(frozen=True)
class UrgencyRule:
    id: str
    about: str
    patterns: tuple[re.Pattern, ...]
    left_out_at: frozenset[str]
    drops: str
    keeps: str


@dataclass(frozen=True)
class FitRules:
    negation: re.Pattern  # a negator just before a match: "rather than waiting to see"
    pregnancy: tuple[re.Pattern, ...]  # the question says the person is pregnant
    person: tuple[PersonRule, ...]
    urgency: tuple[UrgencyRule, ...]

    def asserts(self, patterns: Sequence[re.Pattern], text: str) -> bool:
        """Some pattern matches and is not turned round by a negator just before it."""
        return any(not self.negation.search(text[:m.start()]) for p in patterns for m in p.finditer(text))


# ---------------------------------------------------------------- judging sentences

def misfits(text: str, person: Person, level: str | None, rules: FitRules | None = None) -> list[str]:
    """Ids of the rules ``text`` breaks for ``person`` at triage ``level`` (None: no level known)."""
    rules = rules or load_fit_rules()
    text = text.translate(QUOTES)
    wrong = [rule.id for rule in rules.person
             if any(c.holds(person) for c in rule.left_out_when) and any(p.search(text) for p in rule.patterns)]
    # Urgency cues are negation-aware: "do not wait to see if it passes" urges, it does not wait.
    return wrong + [rule.id for rule in rules.urgency
                    if level in rule.left_out_at and rules.asserts(rule.patterns, text)]


def fits(text: str, person: Person, level: str | None, rules: FitRules | None = None) -> bool:
    return not misfits(text, person, level, rules)


def fitting(pool: Iterable[Candidate], person: Person, level: str | None) -> list[Candidate]:
    """The candidates More Info may quote: all of the thread's own reply, and what fits of the rest."""
    return [c for c in pool if c.own or fits(c.sentence.text, person, level)]


def rule_line_fits(text: str, rule_levels: Iterable[str], level: str | None) -> bool:
    """A red-flag line of a rule at the thread's level or above agrees with it by construction.

    A line of a lower level must not suggest waiting; its signs are the thread's own words,
    which may say "for weeks", so a line that agrees is never judged on them.
    """
    if level in RANK and any(RANK.get(l, -1) >= RANK[level] for l in rule_levels):
        return True
    return fits(text, Person(), level)


def person_of(thread: r.Thread, rules: FitRules | None = None) -> Person:
    """The asker line's facts (age band, sex, for whom) and a pregnancy the question states.

    Only a statement counts ("I'm 30 weeks pregnant"): a question about a negative pregnancy
    test, or whether she might be pregnant, leaves nothing out for a pregnant person.
    """
    rules = rules or load_fit_rules()
    question = thread.question
    text = f"{thread.title}\n{question.body}".translate(QUOTES)
    return Person(band_years(question.age_band), question.sex, question.asked_for,
                  rules.asserts(rules.pregnancy, text))


def band_years(band: str | None) -> tuple[int, int] | None:
    """ "40~49" -> (40, 49); "90+" -> (90, 120); anything else -> None."""
    numbers = [int(n) for n in re.findall(r"\d+", band or "")]
    if len(numbers) == 2 and numbers[0] <= numbers[1]:
        return numbers[0], numbers[1]
    if len(numbers) == 1 and band.strip().endswith("+"):
        return numbers[0], OLDEST
    return None


# ---------------------------------------------------------------- the emergency opening

def emergency_opening(urgency: Urgency, red_flag_rules: RulePack | Iterable[Rule]) -> list[Quoted]:
    """The triage advice the asker was shown, each sentence cited to a rule of the pack that says it.

    "Do not wait for a reply here" is about asking; on the thread's page the reply is there.
    A sentence no rule says (a discriminator's own words) cannot be cited and is left out; if
    nothing is left, the pack's first emergency rule speaks, so an emergency always opens so.
    """
    rules = rules_of(red_flag_rules)
    lines = quoted_advice(urgency.advice, urgency.rule_ids, rules)
    first = next((rule for rule in rules if rule.level == "emergency"), None)
    if not lines and first is not None:
        lines = quoted_advice(first.advice, (first.id,), rules)
    return lines


def quoted_advice(advice: str, decided: Sequence[str], rules: Sequence[Rule]) -> list[Quoted]:
    lines = []
    for sentence in split_paragraph(advice):
        saying = [rule for rule in rules if sentence in rule.advice]
        cited = [rule for rule in saying if rule.id in decided] or saying[:1]
        if cited and not SITE_FLOW.search(sentence):
            lines.append(Quoted(sentence, tuple(rule_citation(rule.id) for rule in cited)))
    return lines


# ---------------------------------------------------------------- the rules file

def default_path() -> Path:
    return Path(str(resources.files("curbside.enrich") / "data" / "fit_rules.json"))


@lru_cache(maxsize=4)
def load_fit_rules(path: Path | None = None) -> FitRules:
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the fit rules: {exc}") from None
    return FitRulesReader(str(path)).rules(data)


class FitRulesReader(Reader):
    """Every complaint names the file, the entry and the key ("person[2].left_out_when[0].sex[0]")."""

    RULE_KEYS = {"id", "about", "patterns", "drops", "keeps"}
    CONDITION_KEYS = frozenset({"age_from", "age_below", "sex", "asked_for", "pregnant"})

    def rules(self, data: Any) -> FitRules:
        top = self.fields(data, "", {"version", "negators", "pregnancy_cues", "person", "urgency"})
        if top["version"] != FIT_VERSION:
            raise self.fail("version", f"this Curbside reads version {FIT_VERSION} (got {top['version']!r})")
        negation = self.negation(top["negators"])
        person = tuple(self.entries(top["person"], "person", self.person_rule))
        urgency = tuple(self.entries(top["urgency"], "urgency", self.urgency_rule))
        rules = FitRules(negation, self.patterns(top["pregnancy_cues"], "pregnancy_cues"), person, urgency)
        for i, rule in enumerate(urgency):  # the examples must behave as the rule says, negators included
            self.examples(rule, f"urgency[{i}]", lambda text, rule=rule: rules.asserts(rule.patterns, text))
        return rules

    def negation(self, value: Any) -> re.Pattern:
        words = [re.escape(w.lower()) for w in self.texts(value, "negators")]
        # A word negator needs a word boundary; "n't" is the end of one ("don't").
        alternatives = [w if not w[0].isalpha() else rf"\b{w}" for w in words]
        return re.compile(rf"(?:{'|'.join(alternatives)})\s+(?:\w+\s+){{0,2}}$", re.IGNORECASE)

    def entries(self, value: Any, key: str, read) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        found: list = []
        for i, item in enumerate(value):
            entry = read(item, f"{key}[{i}]")
            if any(other.id == entry.id for other in found):
                raise self.fail(f"{key}[{i}].id", f"duplicate rule {entry.id!r}")
            found.append(entry)
        return found

    def person_rule(self, value: Any, key: str) -> PersonRule:
        fields = self.fields(value, key, self.RULE_KEYS | {"left_out_when"})
        rule = PersonRule(self.text(fields["id"], f"{key}.id"), self.text(fields["about"], f"{key}.about"),
                          self.patterns(fields["patterns"], f"{key}.patterns"),
                          self.conditions(fields["left_out_when"], f"{key}.left_out_when"),
                          self.text(fields["drops"], f"{key}.drops"), self.text(fields["keeps"], f"{key}.keeps"))
        self.examples(rule, key, lambda text: any(p.search(text) for p in rule.patterns))
        return rule

    def urgency_rule(self, value: Any, key: str) -> UrgencyRule:
        fields = self.fields(value, key, self.RULE_KEYS | {"left_out_at"})
        levels = self.texts(fields["left_out_at"], f"{key}.left_out_at")
        for i, level in enumerate(levels):
            if level not in LEVELS:
                raise self.fail(f"{key}.left_out_at[{i}]", f"unknown triage level {level!r} (one of {list(LEVELS)})")
        return UrgencyRule(self.text(fields["id"], f"{key}.id"), self.text(fields["about"], f"{key}.about"),
                           self.patterns(fields["patterns"], f"{key}.patterns"), frozenset(levels),
                           self.text(fields["drops"], f"{key}.drops"), self.text(fields["keeps"], f"{key}.keeps"))

    def examples(self, rule, key: str, says) -> None:
        """A rule must leave out its own ``drops`` sentence and keep its near miss."""
        if not says(rule.drops.translate(QUOTES)):
            raise self.fail(f"{key}.drops", "the rule's patterns do not match this sentence")
        if says(rule.keeps.translate(QUOTES)):
            raise self.fail(f"{key}.keeps", "the rule's patterns match this sentence, which it must keep")

    def patterns(self, value: Any, key: str) -> tuple[re.Pattern, ...]:
        compiled = []
        for i, pattern in enumerate(self.texts(value, key)):
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise self.fail(f"{key}[{i}]", f"not a valid regular expression: {exc}") from None
        return tuple(compiled)

    def conditions(self, value: Any, key: str) -> tuple[Condition, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of conditions")
        return tuple(self.condition(item, f"{key}[{i}]") for i, item in enumerate(value))

    def condition(self, value: Any, key: str) -> Condition:
        fields = self.fields(value, key, set(), self.CONDITION_KEYS)
        if not fields:
            raise self.fail(key, "must state at least one fact, or it would leave the sentence out for everyone")
        return Condition(
            age_from=self.age(fields, "age_from", key), age_below=self.age(fields, "age_below", key),
            sex=self.choices(fields, "sex", key, r.SEXES),
            asked_for=self.choices(fields, "asked_for", key, r.ASKED_FOR),
            pregnant=self.flag(fields, "pregnant", key))

    def age(self, fields: dict, name: str, key: str) -> int | None:
        if name not in fields:
            return None
        return int(self.number(fields[name], f"{key}.{name}", 0, OLDEST))

    def choices(self, fields: dict, name: str, key: str, allowed: Sequence[str]) -> frozenset[str] | None:
        if name not in fields:
            return None
        values = self.texts(fields[name], f"{key}.{name}")
        for i, item in enumerate(values):
            if item not in allowed:
                raise self.fail(f"{key}.{name}[{i}]",
                                f"unknown {name.replace('_', ' ')} {item!r} (one of {list(allowed)})")
        return frozenset(values)

    def flag(self, fields: dict, name: str, key: str) -> bool | None:
        if name not in fields:
            return None
        if not isinstance(fields[name], bool):
            raise self.fail(f"{key}.{name}", f"must be true or false (got {fields[name]!r})")
        return fields[name]
