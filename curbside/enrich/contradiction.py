"""Does a borrowed sentence say the opposite of this thread's doctor? A conservative check.

No natural-language-inference model ships in a package that loads here (searched: none
holds its weights), so the check is a reading of stances, held as data
(``data/contradiction.json``):

- an **action** (a scan, a test, antibiotics, seeing a doctor, rest, exercise...) that one
  text calls for ("I recommend an MRI") and the other says is not needed or to avoid ("a
  scan is very unlikely to be needed");
- a **tone**: the borrowed text reassures ("harmless", "settles by itself") where the reply
  is worried ("urgently", "serious"). Not the other way round: a warning borrowed into a
  reassuring thread is a safety net. Conditional sentences ("see a doctor straight away if
  it spreads") have no tone.

The reply is the authority for its case: a borrowed sentence that takes the other side on
anything the reply takes a side on is left out. When a sentence takes no side, nothing is
decided and it may stay; when the reply takes both sides of one action, that action is not
used to judge. The check errs towards leaving sentences out.

    rules = default_rules()
    contradiction("A scan is very unlikely to be needed.", ["I recommend an MRI scan."], rules)
    -> 'the reply calls for scan; this says it is not needed'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from curbside.errors import ConfigError

FOR, AGAINST = "for", "against"
REASSURE, ALARM = "reassures", "alarms"
WINDOW = 60  # characters around an action mention within which a stance word counts


@dataclass(frozen=True)
class ContradictionRules:
    actions: dict[str, re.Pattern]
    calls_for: re.Pattern
    says_not_needed: re.Pattern
    reassures: re.Pattern
    alarms: re.Pattern
    examples: tuple[dict, ...]


def _phrases(words) -> re.Pattern:
    longest_first = sorted(set(words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in longest_first)
                      + r")(?![\w-])", re.IGNORECASE)


def parse_rules(data: object, source: str = "contradiction.json") -> ContradictionRules:
    keys = {"version", "about", "actions", "calls_for", "says_not_needed", "reassures", "alarms", "examples"}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected an object")
    unknown, missing = sorted(set(data) - keys), sorted(keys - {"about"} - set(data))
    if unknown:
        raise ConfigError(f"{source}: unknown key '{unknown[0]}'")
    if missing:
        raise ConfigError(f"{source}: missing key '{missing[0]}'")
    if data["version"] != 1 or isinstance(data["version"], bool):
        raise ConfigError(f"{source}: key 'version' must be 1")
    for key in ("calls_for", "says_not_needed", "reassures", "alarms"):
        _words(data[key], f"{source}: key '{key}'")
    if not isinstance(data["actions"], dict) or not data["actions"]:
        raise ConfigError(f"{source}: key 'actions': expected an object of action names to phrases")
    actions = {name: _phrases(_words(words, f"{source}: key 'actions': {name!r}"))
               for name, words in data["actions"].items()}
    for n, example in enumerate(data["examples"], 1):
        if not isinstance(example, dict) or set(example) != {"reply", "borrowed", "contradicts"} \
                or not isinstance(example["contradicts"], bool):
            raise ConfigError(f"{source}: key 'examples': entry {n} needs 'reply', 'borrowed' and a true/false 'contradicts'")
    return ContradictionRules(actions, _phrases(data["calls_for"]), _phrases(data["says_not_needed"]),
                              _phrases(data["reassures"]), _phrases(data["alarms"]), tuple(data["examples"]))


def _words(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a non-empty list of phrases")
    return value


def load_rules(path: Path | None = None) -> ContradictionRules:
    source = path or resources.files("curbside.enrich").joinpath("data", "contradiction.json")
    try:
        return parse_rules(json.loads(source.read_text(encoding="utf-8")), str(getattr(source, "name", source)))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"contradiction.json: not valid JSON (line {exc.lineno}: {exc.msg})") from None


@cache
def default_rules() -> ContradictionRules:
    return load_rules()


def stances(text: str, rules: ContradictionRules) -> dict[str, str]:
    """Each action the text takes a side on: "for" or "against" ("not needed" wins when both
    stand near one mention: "you do not need to take antibiotics")."""
    found: dict[str, set[str]] = {}
    for action, pattern in rules.actions.items():
        for mention in pattern.finditer(text):
            near = text[max(0, mention.start() - WINDOW):mention.end() + WINDOW]
            if rules.says_not_needed.search(near):
                found.setdefault(action, set()).add(AGAINST)
            elif rules.calls_for.search(near):
                found.setdefault(action, set()).add(FOR)
    return {action: sides.pop() for action, sides in found.items() if len(sides) == 1}


# "See a doctor straight away if it spreads": a safety net, not the reply's view of the case.
CONDITIONAL = re.compile(r"\b(?:if|unless|in case|whenever|should (?:it|they|this|you|symptoms?))\b", re.IGNORECASE)
NEGATED = re.compile(r"\b(?:not|no|never|rarely|nothing|isn't|aren't|unlikely|hardly|without)\b(?:\W+\w+){0,5}\W+$",
                     re.IGNORECASE)


def tone(text: str, rules: ContradictionRules) -> str | None:
    """Reassuring or alarming; a conditional sentence (a safety net) has no tone, and a negated
    alarm word ("rarely a sign of anything serious") does not alarm."""
    if CONDITIONAL.search(text):
        return None
    calm = bool(rules.reassures.search(text))
    alarm = any(not NEGATED.search(text[:m.start()]) for m in rules.alarms.finditer(text))
    if calm == alarm:
        return None
    return REASSURE if calm else ALARM


def reply_position(reply_sentences, rules: ContradictionRules) -> tuple[dict[str, str], set[str]]:
    """The reply's side on each action (dropped where it takes both) and its tones."""
    sides: dict[str, set[str]] = {}
    tones = set()
    for sentence in reply_sentences:
        for action, side in stances(sentence, rules).items():
            sides.setdefault(action, set()).add(side)
        if (t := tone(sentence, rules)) is not None:
            tones.add(t)
    return {a: s.pop() for a, s in sides.items() if len(s) == 1}, tones


def contradiction(borrowed: str, reply_sentences, rules: ContradictionRules | None = None,
                  position: tuple[dict[str, str], set[str]] | None = None) -> str | None:
    """Why ``borrowed`` contradicts the reply, or None."""
    rules = rules or default_rules()
    reply_sides, reply_tones = position or reply_position(reply_sentences, rules)
    for action, side in stances(borrowed, rules).items():
        if reply_sides.get(action) not in (None, side):
            told = "calls for" if reply_sides[action] == FOR else "says there is no need for"
            return f"the reply {told} {action}; this says the opposite"
    # Only one direction: a warning borrowed into a reassuring thread is a safety net and
    # stays; reassurance borrowed into a thread whose doctor is worried could make someone wait.
    if tone(borrowed, rules) == REASSURE and ALARM in reply_tones:
        return "the reply is worried; this reassures"
    return None
