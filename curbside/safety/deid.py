"""De-identification: replace personal details with typed placeholders before publication.

    >>> deidentify("Hi, I'm Tom. Call me on 0912-345-678.").text
    "Hi, I'm [NAME]. Call me on [PHONE]."

Identifiers with a shape (phone, e-mail, ID numbers, addresses, dates of birth, record and
insurance numbers, URLs, handles, ages above 89) come from the patterns in
``data/deid_patterns.json``; personal names come from context cues (``deid_names``).
Structured identifiers win over names where they overlap, and the earlier pattern in the
file wins over a later one of another type.

What is kept on purpose: clinical content (drug names and doses, measurements, durations),
eponyms (``data/deid_keep.json``), cities and countries, ages up to 89, and dates that are
not tied to birth ("on 2024-05-01 I started atorvastatin"): the clinical timeline is what
makes a published answer useful, and a treatment date alone does not point at a person.

The returned replacements carry only types and spans into the original text; nothing here
logs or prints the original values.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from curbside.safety.deid_names import NameFinder
from curbside.safety.deid_rules import DeidRules, default_rules

# What may sit between two pieces of one identifier that matched separately.
JOINABLE_GAP = {"ADDRESS": re.compile(r"[\s,]*"), "NAME": re.compile(r"[ \t]*")}


@dataclass(frozen=True)
class Replacement:
    type: str   # NAME, PHONE, EMAIL, ADDRESS, ID, DATE_OF_BIRTH, MRN, INSURANCE, URL, HANDLE, AGE
    start: int  # span in the original text
    end: int

    @property
    def placeholder(self) -> str:
        return f"[{self.type}]"


@dataclass(frozen=True)
class DeidResult:
    text: str                               # what may be published
    replacements: tuple[Replacement, ...]   # in text order, spans into the original

    def to_dict(self) -> dict:
        """For JSON (CLI, API, the ask form's preview): types and spans, never the values."""
        return {"text": self.text,
                "replacements": [{"type": r.type, "start": r.start, "end": r.end} for r in self.replacements]}


def deidentify(text: str, rules: DeidRules | None = None) -> DeidResult:
    rules = rules or default_rules()
    candidates = find_identifiers(text, rules) + find_names(text, rules)
    replacements = join_neighbours(text, resolve(candidates))
    return DeidResult(text=publish(text, replacements), replacements=tuple(replacements))


def find_identifiers(text: str, rules: DeidRules) -> list[Replacement]:
    """Pattern matches in priority order (the order of deid_patterns.json)."""
    found = []
    for pattern in rules.patterns:
        for match in pattern.regex.finditer(text):
            start, end = match.span(pattern.group)
            if start == end or (pattern.check and not pattern.check(text[start:end], text, start)):
                continue
            found.append(trimmed(Replacement(pattern.type, start, end), text))
    return found


def find_names(text: str, rules: DeidRules) -> list[Replacement]:
    return [Replacement("NAME", start, end) for start, end in name_finder(rules).find(text)]


_finders: dict[int, tuple[DeidRules, NameFinder]] = {}


def name_finder(rules: DeidRules) -> NameFinder:
    """Compiling the cue regexes costs a few milliseconds: once per set of rules.

    The rules object is kept with its finder so that its id cannot be reused by another.
    """
    cached = _finders.get(id(rules))
    if cached is None or cached[0] is not rules:
        cached = _finders[id(rules)] = (rules, NameFinder(rules.names, rules.keep))
    return cached[1]


def trimmed(found: Replacement, text: str) -> Replacement:
    value = text[found.start:found.end]
    start = found.start + len(value) - len(value.lstrip())
    end = found.end - (len(value) - len(value.rstrip()))
    return Replacement(found.type, start, end)


def resolve(candidates: list[Replacement]) -> list[Replacement]:
    """Earlier candidates win; overlapping candidates of the same type are united.

    ``accepted`` stays sorted and free of overlaps, so the spans a candidate touches are
    neighbours found by bisection (a long message can hold a thousand candidates).
    """
    accepted: list[Replacement] = []
    for candidate in candidates:
        low = bisect.bisect_left(accepted, candidate.start, key=lambda r: r.end)
        high = low
        while high < len(accepted) and accepted[high].start < candidate.end:
            high += 1
        clashing = accepted[low:high]
        if any(a.type != candidate.type for a in clashing):
            continue
        if clashing:
            candidate = Replacement(candidate.type, min(candidate.start, clashing[0].start),
                                    max(candidate.end, clashing[-1].end))
        accepted[low:high] = [candidate]
    return accepted


def join_neighbours(text: str, replacements: list[Replacement]) -> list[Replacement]:
    """"[ADDRESS], [ADDRESS]" for one address reads badly and counts one address twice."""
    joined: list[Replacement] = []
    for current in replacements:
        previous = joined[-1] if joined else None
        gap = JOINABLE_GAP.get(current.type)
        if previous and previous.type == current.type and gap and gap.fullmatch(text, previous.end, current.start):
            joined[-1] = Replacement(current.type, previous.start, current.end)
        else:
            joined.append(current)
    return joined


def publish(text: str, replacements: list[Replacement]) -> str:
    parts, cursor = [], 0
    for replacement in replacements:
        parts += [text[cursor:replacement.start], replacement.placeholder]
        cursor = replacement.end
    parts.append(text[cursor:])
    return "".join(parts)
