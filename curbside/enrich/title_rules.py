"""The title rules (data/title_rules.json), loaded strictly.

They hold the title template, each intent with its phrase and the question patterns that signal
it (in priority order: the first wins a tie), the phrases for two intents together, the question
frames that name a focus ("What causes {focus}?"), and the word lists of the focus heuristics.
A bad regular expression, an unknown intent, an unknown key or a missing one is a ConfigError
naming the file and the key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from curbside.errors import ConfigError
from curbside.safety.routing_data import Reader

RULES_VERSION = 1
GENERAL = "general"


@dataclass(frozen=True)
class Intent:
    id: str
    phrase: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class TitleRules:
    template: str
    intents: tuple[Intent, ...]
    combinations: dict[frozenset[str], tuple[tuple[str, ...], str]]  # {a, b} -> ((a, b) in order, phrase)
    drug_intents: dict[str, str]  # a question about a drug: "what causes" is about its side effects
    question_frames: tuple[re.Pattern, ...]
    title_fillers: tuple[re.Pattern, ...]
    not_focus_words: frozenset[str]
    common_capitalised: frozenset[str]

    def intent(self, intent_id: str) -> Intent:
        return next(i for i in self.intents if i.id == intent_id)


def default_path() -> Path:
    return Path(str(resources.files("curbside.enrich") / "data" / "title_rules.json"))


@lru_cache(maxsize=4)
def load_title_rules(path: Path | None = None) -> TitleRules:
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the title rules: {exc}") from None
    return TitleRulesReader(str(path)).rules(data)


class TitleRulesReader(Reader):
    KEYS = {"version", "template", "intents", "combinations", "drug_intents", "question_frames", "title_fillers",
            "not_focus_words", "common_capitalised"}

    def rules(self, data: Any) -> TitleRules:
        top = self.fields(data, "", self.KEYS)
        if top["version"] != RULES_VERSION:
            raise self.fail("version", f"this Curbside reads version {RULES_VERSION} (got {top['version']!r})")
        intents = self.intents(top["intents"])
        known = {i.id for i in intents}
        return TitleRules(
            template=self.template(top["template"]),
            intents=intents,
            combinations=self.combinations(top["combinations"], known),
            drug_intents=self.drug_intents(top["drug_intents"], known),
            question_frames=self.patterns(top["question_frames"], "question_frames", group="focus"),
            title_fillers=self.patterns(top["title_fillers"], "title_fillers"),
            not_focus_words=frozenset(w.lower() for w in self.texts(top["not_focus_words"], "not_focus_words")),
            common_capitalised=frozenset(self.texts(top["common_capitalised"], "common_capitalised")),
        )

    def template(self, value: Any) -> str:
        template = self.text(value, "template")
        if "{focus}" not in template or "{intent}" not in template:
            raise self.fail("template", "must contain {focus} and {intent}")
        return template

    def intents(self, value: Any) -> tuple[Intent, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("intents", "must be a non-empty list")
        intents: list[Intent] = []
        for i, item in enumerate(value):
            key = f"intents[{i}]"
            fields = self.fields(item, key, {"id", "phrase", "patterns"})
            intent = Intent(self.text(fields["id"], f"{key}.id"), self.text(fields["phrase"], f"{key}.phrase"),
                            self.patterns(fields["patterns"], f"{key}.patterns"))
            if any(other.id == intent.id for other in intents):
                raise self.fail(f"{key}.id", f"duplicate intent {intent.id!r}")
            intents.append(intent)
        if not any(i.id == GENERAL for i in intents):
            raise self.fail("intents", f"needs the fallback intent {GENERAL!r}")
        return tuple(intents)

    def patterns(self, value: Any, key: str, group: str | None = None) -> tuple[re.Pattern, ...]:
        compiled = []
        for i, pattern in enumerate(self.texts(value, key)):
            try:
                regex = re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise self.fail(f"{key}[{i}]", f"not a valid regular expression: {exc}") from None
            if group and group not in regex.groupindex:
                raise self.fail(f"{key}[{i}]", f"needs a (?P<{group}>...) group")
            compiled.append(regex)
        return tuple(compiled)

    def combinations(self, value: Any, known: set[str]) -> dict[frozenset[str], tuple[tuple[str, ...], str]]:
        if not isinstance(value, list):
            raise self.fail("combinations", "must be a list")
        result: dict[frozenset[str], tuple[tuple[str, ...], str]] = {}
        for i, item in enumerate(value):
            key = f"combinations[{i}]"
            fields = self.fields(item, key, {"intents", "phrase"})
            pair = self.texts(fields["intents"], f"{key}.intents")
            if len(pair) != 2:
                raise self.fail(f"{key}.intents", "must name exactly two intents")
            for j, intent_id in enumerate(pair):
                if intent_id not in known or intent_id == GENERAL:
                    raise self.fail(f"{key}.intents[{j}]", f"unknown intent {intent_id!r}")
            if frozenset(pair) in result:
                raise self.fail(f"{key}.intents", f"the pair {list(pair)} appears twice")
            result[frozenset(pair)] = (pair, self.text(fields["phrase"], f"{key}.phrase"))
        return result

    def drug_intents(self, value: Any, known: set[str]) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("drug_intents", "must be an object")
        for source, target in value.items():
            for intent_id in (source, target):
                if intent_id not in known:
                    raise self.fail(f"drug_intents.{source}", f"unknown intent {intent_id!r}")
        return dict(value)
