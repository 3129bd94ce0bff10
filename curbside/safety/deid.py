"""De-identification: replace personal details with typed placeholders before publication.

    >>> deidentify("Hi, I'm Tom. Call me on 0912-345-678.").text
    "Hi, I'm [NAME]. Call me on [PHONE]."

Four finders propose spans, in this order of trust (an earlier one wins where two of
different types overlap; spans of one type are united):

1. identifiers with a shape (e-mail, URLs, handles, dates of birth, record, insurance and
   national ID numbers with their checksums, ages above 89): ``data/deid_patterns.json``;
2. Presidio's recognisers (IBAN and card checksums, IP addresses, US SSN, e-mail) and phone
   numbers checked against national numbering plans (``deid_ner``);
3. street addresses from their shape, in many countries' formats (``deid_address``);
4. personal names: from context cues (``deid_names``: "my son Jamie", "Dear Sanjay") and
   from a statistical model (spaCy NER inside Presidio), less any that stand inside a
   medical term ("Bell's palsy", "Noonan syndrome": ``data/deid_medical_terms.json``).

What is kept on purpose: clinical content (drug names and doses, measurements, durations),
eponyms (``data/deid_keep.json``), cities and countries, ages up to 89, and dates that are
not tied to birth ("on 2024-05-01 I started atorvastatin"): the clinical timeline is what
makes a published answer useful, and a treatment date alone does not point at a person.

The returned replacements carry only types and spans into the original text; nothing here
logs or prints the original values.
"""

from __future__ import annotations

import bisect
import hashlib
import functools
import re
from dataclasses import dataclass

from curbside.safety.deid_address import AddressFinder
from curbside.safety.deid_names import NameFinder
from curbside.safety.deid_ner import ProtectedTerms, StatisticalFinder, later_mentions
from curbside.safety.deid_rules import DeidRules, default_medical_terms, default_rules

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
    statistical = statistical_finder(rules)
    numbers, model_names = statistical.find(text)
    protected = statistical.protected.spans(text)  # medical terms: a name inside one is an eponym
    model = [Replacement(f.type, f.start, f.end) for f in model_names
             if not rules.keep.eponym_head.match(text, f.end)]  # "Paget disease", "Rieger anomaly"
    # A cue ("my daughter Yasmin") outweighs a one-word drug name; a longer term does not.
    terms = [(a, b) for a, b in protected if " " in text[a:b]]
    names = ([r for r in find_names(text, rules) if not any(a < r.end and r.start < b for a, b in terms)]
             + [r for r in model if not any(a < r.end and r.start < b for a, b in protected)])
    candidates = (find_identifiers(text, rules) + [Replacement(f.type, f.start, f.end) for f in numbers]
                  + find_addresses(text) + names)
    resolved = [_grown_left(text, r, rules) if r.type == "NAME" else r for r in resolve(candidates)]
    found = [(r.start, r.end) for r in resolved if r.type == "NAME"]
    resolved = resolve(resolved + [Replacement("NAME", a, b) for a, b in later_mentions(text, found, protected)])
    replacements = join_neighbours(text, resolved)
    return DeidResult(text=publish(text, replacements), replacements=tuple(replacements))


FIRST_NAME_BEFORE = re.compile(r"([A-ZÀ-Þ][^\W\d_]+(?:-[A-ZÀ-Þ][^\W\d_]+)?)[ \t]$")


def _grown_left(text: str, name: Replacement, rules: DeidRules) -> Replacement:
    """"Margarethe [Quillfeather]": a capitalised word right before a found surname is its
    first name, unless it is a word that is never a name, a title or a relationship."""
    match = FIRST_NAME_BEFORE.search(text, max(0, name.start - 40), name.start)
    if not match:
        return name
    word = match.group(1)
    sentence_start = SENTENCE_END_BEFORE.search(text[max(0, match.start(1) - 10):match.start(1)]) \
        or match.start(1) == 0
    if word in never_first_names(rules) or (sentence_start and word.lower() in _COMMON_OPENERS):
        return name
    return Replacement("NAME", match.start(1), name.end)


SENTENCE_END_BEFORE = re.compile(r"(?:[.!?]\s+|\n)$")
_COMMON_OPENERS = {"when", "why", "how", "what", "where", "after", "since", "today", "yesterday", "please", "thanks"}


def find_addresses(text: str) -> list[Replacement]:
    return [Replacement("ADDRESS", start, end) for start, end in address_finder().find(text)]


@functools.cache
def address_finder() -> AddressFinder:
    return AddressFinder()


def statistical_finder(rules: DeidRules) -> StatisticalFinder:
    return built_for(rules, "statistical", lambda: StatisticalFinder(
        rules.names.given, ProtectedTerms(default_medical_terms()), rules.names.words("institution_words"),
        rules.names.words("institution_prefixes"), rules.names.words("not_names"), rules.names.words("particles")))


def never_first_names(rules: DeidRules) -> frozenset[str]:
    """Capitalised words that stand before names without being one: "Dr", "Mum", "St"."""
    names = rules.names
    return built_for(rules, "never_first", lambda: frozenset(
        {*names.words("not_names"), *names.words("titles"), *names.words("institution_prefixes"),
         *(w.capitalize() for w in names.words("relations"))}))


def given_names_lower(rules: DeidRules) -> frozenset[str]:
    return built_for(rules, "given_lower", lambda: frozenset(g.lower() for g in rules.names.given))


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


_built: dict[tuple[int, str], tuple[DeidRules, object]] = {}


def built_for(rules: DeidRules, what: str, build):
    """What is derived from a set of rules (compiled cues, the model finder, word sets), once
    per set. The rules object is kept with it so that its id cannot be reused by another."""
    cached = _built.get((id(rules), what))
    if cached is None or cached[0] is not rules:
        cached = _built[(id(rules), what)] = (rules, build())
    return cached[1]


def name_finder(rules: DeidRules) -> NameFinder:
    """Compiling the cue regexes costs a few milliseconds: once per set of rules."""
    return built_for(rules, "cues", lambda: NameFinder(rules.names, rules.keep))


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


# ---------------------------------------------------------------- aliases

ALIAS_ADJECTIVES = ("Calm", "Bright", "Quiet", "Brave", "Gentle", "Swift", "Kind", "Steady", "Clever", "Sunny",
                    "Patient", "Hopeful", "Curious", "Cheerful", "Careful", "Lucky")
ALIAS_NOUNS = ("Otter", "Heron", "Maple", "Harbour", "Willow", "Falcon", "Meadow", "Lantern", "Badger", "River",
               "Comet", "Pebble", "Sparrow", "Cedar", "Fox", "Robin")
EMAIL_SHAPE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")


def alias_problem(alias: str, rules: DeidRules | None = None) -> str | None:
    """Why an alias would identify the person behind it (an e-mail address, a phone number,
    a full name), or None. The alias is shown on every public page of the question."""
    rules = rules or default_rules()
    if "@" in alias and (EMAIL_SHAPE.search(alias) or "." in alias.split("@")[-1]):
        return "looks like an e-mail address"
    if sum(c.isdigit() for c in alias) >= 7:
        return "looks like a phone number"
    spelled = re.sub(r"[._]+", " ", alias).strip()  # "john.smith", "priya_patel"
    words = spelled.split()
    if 2 <= len(words) <= 4 and all(w[:1].isalpha() for w in words):
        given = given_names_lower(rules)
        titled = " ".join(w[:1].upper() + w[1:] for w in words)
        if words[0].lower() in given or _model_sees_a_person(titled, rules):
            return "looks like a full name"
    return None


def _model_sees_a_person(name: str, rules: DeidRules) -> bool:
    _, names = statistical_finder(rules).find(f"{name} wrote to us yesterday.")
    return any(f.start == 0 and f.end >= len(name.split()[0]) + 1 for f in names)


def suggested_alias(seed: str) -> str:
    """An alias that points at nobody, the same for the same seed (a form shows one suggestion)."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:4], "big")
    return (f"{ALIAS_ADJECTIVES[number % len(ALIAS_ADJECTIVES)]} "
            f"{ALIAS_NOUNS[(number // 16) % len(ALIAS_NOUNS)]} {10 + (number // 256) % 90}")


# ---------------------------------------------------------------- doctors' replies

MARKDOWN_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<(https?://[^>\s]+)>")


def deidentify_reply(text: str, doctor_name: str = "", hospital: str = "",
                     rules: DeidRules | None = None) -> DeidResult:
    """A doctor's reply: the patient's identifiers go; links to public pages, the doctor's own
    name and hospital stay. A link whose target would hold a replacement ("mailto:" the
    patient) goes whole, so no placeholder ever lands inside a link target."""
    result = deidentify(text, rules)
    own = _own_words(doctor_name, hospital)
    found = list(MARKDOWN_LINK.finditer(text))
    targets = [m.span(1) if m.group(1) else m.span(2) for m in found]
    links = [m.span() for m in found]
    kept = []
    for r in result.replacements:
        value = text[r.start:r.end]
        if r.type == "URL" and re.match(r"https?://", value):
            continue  # a public page the doctor links to
        if r.type in ("NAME", "ADDRESS") and own and _is_own(value, own):
            continue
        kept.append(r)
    replacements = []
    for r in kept:
        target = next((t for t in targets if t[0] <= r.start < t[1] or r.start <= t[0] < r.end), None)
        if target is not None:
            link = next(span for span in links if span[0] <= target[0] < span[1])
            r = Replacement("URL" if r.type == "URL" else r.type, link[0], link[1])
        replacements.append(r)
    replacements = join_neighbours(text, resolve(sorted(replacements, key=lambda r: (r.start, -r.end))))
    return DeidResult(text=publish(text, replacements), replacements=tuple(replacements))


def _own_words(doctor_name: str, hospital: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_][\w'’\-]+", f"{doctor_name} {hospital}") if len(w) > 1}


def _is_own(value: str, own: set[str]) -> bool:
    words = [w.lower() for w in re.findall(r"[^\W\d_][\w'’\-]+", value)]
    return bool(words) and all(w in own for w in words)
