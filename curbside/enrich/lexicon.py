"""The focus lexicon (data/focus_terms.json) and the phrase matcher that titles, topics and the
drafting check share.

A focus term is what a question is about: a condition, symptom, drug, test or procedure, with
the ways people write it ("eyelid flickering", "bell's palsy"). Matching works on Snowball stems
of content words, so "twitches", "twitching" and "twitch" agree; stop words do not count, and one
other word may sit between two words of a phrase, within one sentence: "eyelid has been
flickering" and "eyelid keeps on flickering" both match "eyelid flickering". Word order counts
(the lexicon lists "twitching eyelid" too): unordered matching found "feeling down" in "lie down
at night, I feel". A match that follows a negator ("no chest pain") is marked negated.

Each term has synonyms (the same thing, which may name it in a title) and related phrases (signs
that point to it, used only to place a question under a topic). The loader is strict: unknown or
missing keys, empty names, unknown kinds, a synonym that two terms share, a related phrase that
repeats a synonym, or a phrase with no content words are a ConfigError naming the file and key.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Hashable, Iterable, Sequence

from curbside.errors import ConfigError
from curbside.safety.routing_data import Reader
from curbside.search.tokenize import stemmer

LEXICON_VERSION = 1
KINDS = ("condition", "symptom", "drug", "test", "procedure")
MAX_GAP = 1  # other content words allowed between two words of a phrase ("nodule found on my thyroid")
NEGATION_WINDOW = 3  # words before a match that can negate it ("no real chest pain")
WORD = re.compile(r"[a-z0-9]+")
SENTENCE_BREAK = re.compile(r"[.!?;\n]")
SPECIALTY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Snowball cuts "tonsillitis" to "tonsil" and "sinusitis" to "sinus": an inflammation would then
# match any mention of the organ, and a title would name a diagnosis nobody made.
UNSTEMMED_ENDING = "itis"


@dataclass(frozen=True)
class FocusTerm:
    """``synonyms`` name the same thing and may stand for it in a title; ``related`` phrases only
    point to it ("sour taste" to Heartburn, "face drooping" to Facial Nerve Palsy): they place a
    question under the topic but never name its focus, since that would be a diagnosis."""

    name: str
    kind: str
    synonyms: tuple[str, ...] = ()
    specialty: str | None = None  # a hint, used when no thread tells the specialty
    related: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


# ---------------------------------------------------------------- words


def normalise(text: str) -> str:
    """Lower case; "parkinson's" -> "parkinson", "can't" -> "cant", as people often type them.
    Every character keeps its position, so matches point into the original text."""
    text = "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("\u2019", "'")
    text = re.sub(r"'s\b", "  ", text)
    return re.sub(r"(\w)'(\w+)", lambda m: f"{m.group(1)}{m.group(2)} ", text)


@dataclass(frozen=True)
class Word:
    stem: str
    start: int  # character offsets into the original text
    end: int
    sentence: int
    position: int  # index among all words, stop words included (for the negation window)


@dataclass(frozen=True)
class Words:
    """A text's content words (ignored words dropped) and all its raw words, for negation."""

    content: tuple[Word, ...]
    raw: tuple[str, ...]
    raw_sentence: tuple[int, ...]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(w.stem for w in self.content)


class Vocabulary:
    """Which words carry no meaning for matching, and which negate."""

    def __init__(self, ignore: Iterable[str], negators: Iterable[str], not_negations: Iterable[str]):
        self.ignore = frozenset(ignore)
        self.negators = frozenset(negators)
        self.not_negations = tuple(tuple(WORD.findall(normalise(p))) for p in not_negations)

    def words(self, text: str) -> Words:
        norm = normalise(text)
        raw: list[str] = []
        raw_sentence: list[int] = []
        kept: list[tuple[str, int, int, int, int]] = []
        sentence, last_end = 0, 0
        for match in WORD.finditer(norm):
            if SENTENCE_BREAK.search(norm, last_end, match.start()):
                sentence += 1
            last_end = match.end()
            word = match.group()
            raw.append(word)
            raw_sentence.append(sentence)
            if word not in self.ignore:
                kept.append((word, match.start(), match.end(), sentence, len(raw) - 1))
        plain = [k[0] for k in kept]
        stems = [w if w.endswith(UNSTEMMED_ENDING) else s for w, s in zip(plain, stemmer().stemWords(plain))]
        content = tuple(Word(stem, s, e, sent, pos) for stem, (_, s, e, sent, pos) in zip(stems, kept))
        return Words(content, tuple(raw), tuple(raw_sentence))

    def phrase_stems(self, phrase: str) -> tuple[str, ...]:
        return tuple(w.stem for w in self.words(phrase).content)

    def negated(self, words: Words, first: Word) -> bool:
        """A negator within NEGATION_WINDOW words before the match, in the same sentence, that does
        not start a phrase such as "not sure"."""
        low = max(0, first.position - NEGATION_WINDOW)
        for i in range(first.position - 1, low - 1, -1):
            if words.raw_sentence[i] != first.sentence:
                return False
            if words.raw[i] in self.negators and not self.starts_not_negation(words.raw, i):
                return True
        return False

    def starts_not_negation(self, raw: Sequence[str], i: int) -> bool:
        return any(tuple(raw[i:i + len(p)]) == p for p in self.not_negations)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    key: Hashable  # what the phrase stands for: a lexicon entry's name, a topic id...
    phrase: str
    size: int  # content words in the phrase: more is more specific
    first: int  # index of the first and last content word matched
    last: int
    start: int  # character span in the text
    end: int
    negated: bool


@dataclass(frozen=True)
class Phrase:
    key: Hashable
    text: str
    stems: tuple[str, ...]


class PhraseMatcher:
    """Finds many phrases in a text at once: each phrase is filed under its first stem, and only
    phrases whose stems all occur in the text are checked word by word."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.by_stem: dict[str, list[Phrase]] = defaultdict(list)
        self.added: set[tuple[Hashable, tuple[str, ...]]] = set()

    def add(self, key: Hashable, phrase: str) -> tuple[str, ...]:
        """Files a phrase under ``key``; the same words twice for one key count once."""
        stems = self.vocabulary.phrase_stems(phrase)
        signature = (key, stems)
        if stems and signature not in self.added:
            self.added.add(signature)
            self.by_stem[stems[0]].append(Phrase(key, phrase, stems))
        return stems

    def find(self, text: str | Words) -> list[Match]:
        words = self.vocabulary.words(text) if isinstance(text, str) else text
        present = words.stems
        positions: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(words.content):
            positions[word.stem].append(i)
        matches: list[Match] = []
        for stem in sorted(present):
            for phrase in self.by_stem.get(stem, ()):
                if present.issuperset(phrase.stems):
                    matches.extend(self.occurrences(phrase, words, positions))
        matches.sort(key=lambda m: (m.first, -m.size, str(m.key), m.phrase))
        return matches

    def occurrences(self, phrase: Phrase, words: Words, positions: dict[str, list[int]]) -> list[Match]:
        found: list[Match] = []
        after = -1
        for start in positions[phrase.stems[0]]:
            if start <= after:
                continue
            last = self.phrase_end(words.content, start, phrase.stems)
            if last is None:
                continue
            first_word, last_word = words.content[start], words.content[last]
            found.append(Match(phrase.key, phrase.text, len(phrase.stems), start, last, first_word.start,
                               last_word.end, self.vocabulary.negated(words, first_word)))
            after = last
        return found

    @staticmethod
    def phrase_end(content: Sequence[Word], start: int, stems: tuple[str, ...]) -> int | None:
        """The index of the word that completes the phrase from ``start``: its words in order, in
        one sentence, with at most MAX_GAP other content words between two of them."""
        i = start
        for stem in stems[1:]:
            for i in range(i + 1, min(len(content), i + 2 + MAX_GAP)):
                if content[i].sentence != content[start].sentence:
                    return None
                if content[i].stem == stem:
                    break
            else:
                return None
        return i


def most_specific(matches: Iterable[Match]) -> list[Match]:
    """Drops matches inside a longer one ("twitching" inside "eyelid twitching"); keeps text order."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (-m.size, m.first, str(m.key))):
        if all(match.last < k.first or match.first > k.last for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: m.first)


# ---------------------------------------------------------------- the lexicon


class Lexicon:
    def __init__(self, terms: Sequence[FocusTerm], vocabulary: Vocabulary):
        self.terms = tuple(terms)
        self.vocabulary = vocabulary
        self.by_name = {t.name: t for t in self.terms}
        self.matcher = PhraseMatcher(vocabulary)
        self.name_of_stems: dict[tuple[str, ...], str] = {}
        for term in self.terms:
            for phrase in term.phrases:
                stems = self.matcher.add(term.name, phrase)
                self.name_of_stems.setdefault(tuple(sorted(stems)), term.name)

    def find(self, text: str | Words) -> list[Match]:
        return self.matcher.find(text)

    def term_for(self, phrase: str) -> FocusTerm | None:
        """The entry whose name or synonym is this phrase (compared on stems, in any order)."""
        name = self.name_of_stems.get(tuple(sorted(self.vocabulary.phrase_stems(phrase))))
        return self.by_name.get(name) if name else None

    def drugs(self) -> tuple[FocusTerm, ...]:
        return tuple(t for t in self.terms if t.kind == "drug")


def default_path() -> Path:
    return Path(str(resources.files("curbside.enrich") / "data" / "focus_terms.json"))


@lru_cache(maxsize=4)
def load_lexicon(path: Path | None = None) -> Lexicon:
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the focus lexicon: {exc}") from None
    return LexiconReader(str(path)).lexicon(data)


class LexiconReader(Reader):
    """Checks focus_terms.json; every complaint names the file and the key path."""

    def lexicon(self, data: Any) -> Lexicon:
        top = self.fields(data, "", {"version", "ignore_words", "negators", "not_negations", "terms"})
        if top["version"] != LEXICON_VERSION:
            raise self.fail("version", f"this Curbside reads version {LEXICON_VERSION} (got {top['version']!r})")
        vocabulary = Vocabulary(self.texts(top["ignore_words"], "ignore_words"),
                                self.texts(top["negators"], "negators"),
                                self.texts(top["not_negations"], "not_negations"))
        return Lexicon(self.terms(top["terms"], vocabulary), vocabulary)

    def terms(self, value: Any, vocabulary: Vocabulary) -> list[FocusTerm]:
        if not isinstance(value, list) or not value:
            raise self.fail("terms", "must be a non-empty list")
        terms: list[FocusTerm] = []
        owner: dict[tuple[str, ...], str] = {}
        for i, item in enumerate(value):
            term = self.term(item, f"terms[{i}]")
            if any(t.name.lower() == term.name.lower() for t in terms):
                raise self.fail(f"terms[{i}].name", f"duplicate term {term.name!r}")
            self.check_phrases(term, f"terms[{i}]", vocabulary, owner)
            terms.append(term)
        return terms

    def term(self, value: Any, key: str) -> FocusTerm:
        item = self.fields(value, key, {"name", "kind"}, frozenset({"synonyms", "specialty", "related"}))
        kind = self.text(item["kind"], f"{key}.kind")
        if kind not in KINDS:
            raise self.fail(f"{key}.kind", f"must be one of {', '.join(KINDS)} (got {kind!r})")
        specialty = item.get("specialty")
        if specialty is not None and not (isinstance(specialty, str) and SPECIALTY_ID.match(specialty)):
            raise self.fail(f"{key}.specialty", f"must be a specialty id like 'neurology' (got {specialty!r})")
        return FocusTerm(name=self.text(item["name"], f"{key}.name"), kind=kind,
                         synonyms=self.phrase_list(item.get("synonyms", []), f"{key}.synonyms"),
                         specialty=specialty, related=self.phrase_list(item.get("related", []), f"{key}.related"))

    def phrase_list(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of strings")
        return tuple(self.text(s, f"{key}[{j}]") for j, s in enumerate(value))

    def check_phrases(self, term: FocusTerm, key: str, vocabulary: Vocabulary,
                      owner: dict[tuple[str, ...], str]) -> None:
        """Every phrase needs a content word; no two terms may claim the same words as a name or
        synonym (a related phrase may point to several terms, but not repeat its own synonyms)."""
        own = set()
        for j, phrase in enumerate(term.phrases):
            where = f"{key}.name" if j == 0 else f"{key}.synonyms[{j - 1}]"
            stems = self.stems(phrase, where, vocabulary)
            own.add(stems)
            other = owner.setdefault(stems, term.name)
            if other != term.name:
                raise self.fail(where, f"{phrase!r} is also a phrase of {other!r}")
        for j, phrase in enumerate(term.related):
            if self.stems(phrase, f"{key}.related[{j}]", vocabulary) in own:
                raise self.fail(f"{key}.related[{j}]", f"{phrase!r} is already a synonym of {term.name!r}")

    def stems(self, phrase: str, where: str, vocabulary: Vocabulary) -> tuple[str, ...]:
        stems = tuple(sorted(vocabulary.phrase_stems(phrase)))
        if not stems:
            raise self.fail(where, f"{phrase!r} has only ignored words")
        return stems
