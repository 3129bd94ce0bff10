"""Street addresses in many countries' formats, found from their shape.

An address is a *core* and what follows it. Cores:

    number + words + street word       "2450 Crown St", "159 Eleftheriou Venizelou str"
    street word first                  "Rua Diadema 1903", "36 rue de pologne", "Via delle Coste 41"
    word ending in a street suffix     "Koskikatu 25", "Strickstrasse 61", "Nybyvägen 65"
    number + capitalised words + number  "0104 Hafnarstraeti 5" (house number, street, number)
    an address cue + words + number    "he lives on the north side of Joaquin Suarez 2906"
    military and postal boxes          "PSC 6293, Box 8158", "APO AE 20040", "USNS Bergman", "P.O. Box 12"
    a street corner                    "the corner of Beiteveien 2 and Sieda Radial"

A core then grows to the right over what an address line holds: unit words with numbers
("Apt. 864", "Suite 112"), postcodes, two-letter region codes, country names, and, across a
comma or a line break, the city lines of a postal block ("\\nArtilleros\\n, CO\\n Uruguay 64677").
Cities and countries alone are kept: a city does not point at a person, a street address does.

The vocabulary (street words in many languages, unit words, countries) is data:
``data/deid_address.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from curbside.safety.deid_rules import read_json, require_object, require_version, string_list

ADDRESS_FILE = "deid_address.json"

NUM = r"(?<![\d.,])\d{1,6}[A-Za-z]?(?:[-/]\d{1,5})?(?![.,]\d)"  # never part of a decimal: "INR 1.12"
WORD = r"[^\W\d_][\w'’.\-]*"  # a word may carry a dot ("Λ.", "St.") or a hyphen ("Vana-Viru")
SPACE = r"[ \t]+"


@dataclass(frozen=True)
class AddressVocabulary:
    street_words: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    unit_words: tuple[str, ...]
    military_mail: tuple[str, ...]
    ship_prefixes: tuple[str, ...]
    cues: tuple[str, ...]
    countries: tuple[str, ...]


def parse_address_vocabulary(data: object, source: str = ADDRESS_FILE) -> AddressVocabulary:
    keys = {"version", "about", "street_words", "street_suffixes", "unit_words", "military_mail",
            "ship_prefixes", "cues", "countries"}
    top = require_object(data, source, keys, keys - {"about"})
    require_version(top, source)
    lists = {key: string_list(top[key], f"{source}: key '{key}'") for key in keys - {"version", "about"}}
    return AddressVocabulary(**lists)


@cache
def default_vocabulary() -> AddressVocabulary:
    return parse_address_vocabulary(read_json(None, ADDRESS_FILE))


def _words(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


class AddressFinder:
    def __init__(self, vocabulary: AddressVocabulary | None = None):
        v = vocabulary or default_vocabulary()
        street = rf"(?:{_words(v.street_words)})\.?"
        suffixed = rf"[^\W\d_][\w'’\-]*(?:{_words(v.street_suffixes)})"
        unit = rf"(?:{_words(v.unit_words)})\.?[ \t]*(?:no\.?[ \t]*)?#?{NUM}"
        self.country = re.compile(rf"(?:{_words(v.countries)})(?:[ \t]*\([^)\n]{{1,20}}\))?", re.IGNORECASE)
        # (pattern, needs a capitalised word): boxes and street-word-first cores stand on their own.
        self.cores = [
            # number(s), up to four words, a street word, maybe a number: "224 4966 Bond Street"
            re.compile(rf"\b(?:{NUM}{SPACE}){{1,2}}(?:{WORD}{SPACE}){{0,4}}?{street}(?![\w'’])(?:{SPACE}{NUM}\b)?",
                       re.IGNORECASE),
            # street word first: "Rua Cidade de Maracajá 468", "62 Rue Gafsa"
            re.compile(rf"\b(?:{NUM}{SPACE}){{0,2}}(?:rue|via|viale|rua|calle|avenida|avenue|av\.|"
                       rf"carrera|piazza|praça|plaza|paseo|chemin|allée|boulevard|ulica|ul\.|odos|leoforos)"
                       rf"(?:{SPACE}{WORD}){{1,5}}?{SPACE}{NUM}\b", re.IGNORECASE),
            re.compile(rf"\b(?:{NUM}{SPACE}){{1,2}}(?:rue|via|rua|calle|avenida|avenue|chemin|allée|boulevard)"
                       rf"(?:{SPACE}{WORD}){{1,4}}", re.IGNORECASE),
            # a street-suffixed word and a number: "Koskikatu 25", "450 Præstevænget 15"
            re.compile(rf"\b(?:{NUM}{SPACE}){{0,2}}{suffixed}{SPACE}{NUM}\b", re.IGNORECASE),
            # house number, capitalised words, number: "5850 Jana Nerudy 894"
            re.compile(rf"\b{NUM}{SPACE}(?:{WORD}{SPACE}){{1,3}}{NUM}\b"),
            # boxes and military mail
            re.compile(rf"\b(?:psc|cmr|unit){SPACE}\d{{1,5}},?{SPACE}box{SPACE}\d{{1,5}}\b", re.IGNORECASE),
            re.compile(rf"\b(?:{_words(v.military_mail)}){SPACE}(?:aa|ae|ap){SPACE}\d{{5}}\b", re.IGNORECASE),
            re.compile(rf"\b(?:{_words(v.ship_prefixes)}){SPACE}{WORD}\b(?=[ \t]*(?:\n|,|$))", re.IGNORECASE),
            re.compile(rf"\b(?:p\.?[ \t]?o\.?|post[ \t]+office){SPACE}box{SPACE}\d{{1,6}}\b", re.IGNORECASE),
        ]
        self.shape_only = {0, 3}  # cores that need a capitalised word to be believed
        self.all_capitalised = {4}  # "5850 Jana Nerudy 894", not "1 and Type 2"
        self.corner = re.compile(rf"\bcorner{SPACE}of{SPACE}(?:the{SPACE})?((?:{WORD}|{NUM})(?:{SPACE}(?:{WORD}|{NUM})){{0,5}}?"
                                 rf"{SPACE}(?:and|&){SPACE}(?:{WORD}|{NUM})(?:{SPACE}(?:{WORD}|{NUM})){{0,3}})"
                                 rf"(?=[ \t]*(?:[.,;!?\n]|$))", re.IGNORECASE)
        self.cue = re.compile(rf"\b(?:{_words(v.cues)})\b[: \t]*", re.IGNORECASE)
        self.after_cue = re.compile(rf"(?:{NUM}{SPACE}){{0,2}}(?:{WORD}{SPACE}){{1,4}}{NUM}\b|(?:{NUM}{SPACE}){{1,2}}(?:{WORD}{SPACE}){{0,3}}{WORD}")
        # What may follow a core on the same line or the next lines of a postal block.
        self.unit = re.compile(unit, re.IGNORECASE)
        self.postcode = re.compile(r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|\d{4}[ \t]?[A-Z]{2}|"
                                   r"\d{3}[ \t]?\d{2}|\d{4,6}(?:-\d{4})?)\b")
        self.region = re.compile(r"[A-Za-z]{2,3}(?=[ \t]+\d|[ \t]*(?:\n|,|$))")
        line_word = r"[^\W\d_][^\s,:;]*"  # a city line may hold any letters and signs: "ΧΑΝ∆ΡΙΑ"
        self.city_line = re.compile(rf"{line_word}(?:{SPACE}(?:{line_word}|\([^)\n]{{1,30}}\))){{0,3}}"
                                    rf"(?:[ \t]+\d[\dA-Z \t-]{{2,9}}?)?[ \t]*(?=\n|,|$)")
        self.same_line_words = re.compile(rf"(?:{WORD}{SPACE}){{0,2}}{WORD}(?=[ \t]*(?:\n|,|$))")
        self.military_line = re.compile(rf"(?:{_words(v.military_mail)}){SPACE}(?:aa|ae|ap){SPACE}\d{{5}}\b", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for index, pattern in enumerate(self.cores):
            for match in pattern.finditer(text):
                if index in self.all_capitalised and not _all_capitalised(match.group(0)):
                    continue
                if index not in self.shape_only or self._plausible(match.group(0)):
                    spans.append((match.start(), self._grow(text, match.end())))
        for match in self.corner.finditer(text):
            spans.append((match.start(1), self._grow(text, match.end(1))))
        for match in self.cue.finditer(text):
            window = text[match.end():match.end() + 60]
            for word in re.finditer(r"\S+", window):
                found = self.after_cue.match(window, word.start())
                if found is None:
                    continue
                skipped, first = window[:found.start()], found.group(0)[:1]
                # "lives on the north side of Joaquin Suarez 2906": only lower-case words between
                if not re.fullmatch(r"[a-z \t]*", skipped):
                    break
                if (first.isdigit() or first.isupper()) and self._plausible(found.group(0)):
                    spans.append((match.end() + found.start(), self._grow(text, match.end() + found.end())))
                    break
        return _united([(start, _sentence_stop(text, start, end)) for start, end in spans])

    @staticmethod
    def _plausible(core: str) -> bool:
        """A core needs a capitalised word or a street word; "in 2019 we had 3" is not an address."""
        words = re.findall(r"[^\W\d_][\w'’\-]*", core)
        return bool(words) and any(w[0].isupper() for w in words) or bool(re.search(r"\b(?:rue|via|rua|calle)\b", core))

    def _grow(self, text: str, end: int) -> int:
        """Extend over unit words, postcodes, regions, countries and the city lines of a block."""
        while True:
            step = self._next_part(text, end)
            if step is None:
                return end
            end = step

    def _next_part(self, text: str, end: int) -> int | None:
        gap = LINE_GAP.match(text, end)
        start = gap.end()
        crossed_line = "\n" in gap.group(0)
        crossed_comma = "," in gap.group(0)
        if start >= len(text) or (start == end and end < len(text) and text[end].isalnum()):
            return None
        if text[start:start + 1] == "\n" or "\n\n" in gap.group(0):
            return None
        for pattern in (self.unit, self.military_line, self.country):
            match = pattern.match(text, start)
            if match and _ends_word(text, match.end()):
                return match.end()
        match = self.postcode.match(text, start)
        if match and _ends_word(text, match.end()):
            return match.end()
        match = self.region.match(text, start)
        if match and crossed_comma and _ends_word(text, match.end()):
            return match.end()
        if crossed_line:
            match = self.city_line.match(text, start)
            if match and match.group(0).strip() and not _label_line(match.group(0)):
                return match.end()
            return None
        match = self.same_line_words.match(text, start)
        if match and all(w[0].isupper() for w in match.group(0).split()):
            after = text[match.end():match.end() + 1]
            if crossed_comma or after in ("\n", ",") or match.end() == len(text):
                return match.end()
        return None


# Between parts: spaces, a comma, one line break; a block's lines may start with bullets ("??? ", "- ").
LINE_GAP = re.compile(r"[ \t]*(?:,[ \t]*)?(?:\n[ \t]*(?:[^\w\s]{1,4}[ \t]+)?(?:,[ \t]*)?)?")


PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "delle", "di", "du", "des", "la", "le", "van", "von", "der", "den", "al", "el"}


CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
            "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _all_capitalised(core: str) -> bool:
    """Every word capitalised, and not a date ("12 January 2023")."""
    words = re.findall(r"[^\W\d_][\w'’\-]*", core)
    return (bool(words) and all(w[0].isupper() or w.lower() in PARTICLES for w in words)
            and not all(w.lower() in CALENDAR for w in words))


def _sentence_stop(text: str, start: int, end: int) -> int:
    """"Post it to Lindenweg 14, 80331 München." ends at the city: the full stop is the sentence's,
    while "St." and "Apt." keep theirs."""
    if text[end - 1:end] == "." and re.search(r"[^\W\d_]{4,}\.$", text[start:end]):
        return end - 1
    return end


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not text[end].isalnum()


def _label_line(line: str) -> bool:
    """"Mobile: ..." starts the next item of a signature, not the next line of the address."""
    return ":" in line


def _united(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    united: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if united and start <= united[-1][1]:
            united[-1] = (united[-1][0], max(end, united[-1][1]))
        else:
            united.append((start, end))
    return united

