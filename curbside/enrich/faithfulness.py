"""The automatic check a model's draft must pass before it replaces assembled text.

Each drafted sentence must:
  - cite at least one of the given sources ([1], [2] ...), and only given ones;
  - be supported by what it cites: at least LEXICAL_SUPPORT of its content words (Snowball stems)
    occur in the cited sources, or, with an embedder, at least LEXICAL_FLOOR of them and a MiniLM
    cosine of SEMANTIC_SUPPORT with one of the cited sources' sentences (a paraphrase changes words);
  - carry only numbers that the cited sources carry, with the same unit ("800 mg" when the source
    says "500 mg" fails; "3 weeks" matches "three weeks");
  - name only drugs (focus lexicon, kind "drug") and capitalised names that the cited sources name;
  - not add or drop a negation against the source sentence it is closest to.

    verdict = check_draft(["Most eyelid twitching settles within a few weeks [1]."], {"1": reply_text})
    sources = citation_sources(more_info_value, source_texts)       # {"1": text of citations[0], ...}
    value, method, reason = rephrase_or_keep(more_info_value, sources, client)

rephrase_or_keep takes the More Info value as more_info.py makes it (sections of sentences with
citation indexes), an imported one (sections of paragraphs with [n] markers) or a list of
sentences, and returns the same shape. It also requires that each drafted sentence keeps its
original's citations, numbers and drug names. Anything short of that, and any failure of the
endpoint, keeps the assembled version; the reason says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

from curbside.enrich.lexicon import Lexicon, load_lexicon
from curbside.enrich.llm import ChatClient, LLMError
from curbside.search.embed import Embedder
from curbside.search.tokenize import tokenize

LEXICAL_SUPPORT = 0.6  # a rephrasing keeps most content words; an added claim brings new ones
LEXICAL_FLOOR = 0.3  # below this even a close embedding is more likely a new sentence than a paraphrase
SEMANTIC_SUPPORT = 0.7  # MiniLM cosine at which two health sentences usually say the same thing
CITATION = re.compile(r"\s*\[(\d+)\]")
SENTENCE_END = re.compile(r"(?<=[.!?])((?:\s*\[\d+\])*)\s+(?=[A-Z0-9\"'(])")
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twice": "2"}
UNITS = {"mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "microgram": "mcg",
         "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "kg": "kg", "ml": "ml", "millilitre": "ml",
         "milliliter": "ml", "millilitres": "ml", "milliliters": "ml", "l": "l", "litre": "l", "litres": "l",
         "liter": "l", "liters": "l", "%": "%", "percent": "%", "per cent": "%", "mmhg": "mmhg",
         "mmol/l": "mmol/l", "°c": "°c", "°f": "°f", "c": "°c", "f": "°f", "degrees": "degrees", "bpm": "bpm",
         "iu": "iu", "unit": "unit", "units": "unit", "minute": "minute", "minutes": "minute", "min": "minute",
         "mins": "minute", "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "day": "day",
         "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month", "year": "year",
         "years": "year", "time": "time", "times": "time", "tablet": "tablet", "tablets": "tablet",
         "cm": "cm", "mm": "mm"}
QUANTITY = re.compile(
    r"(?<![\w.])(?P<value>\d+(?:[.,]\d+)?|(?:" + "|".join(NUMBER_WORDS) + r")\b)"
    r"(?:\s*(?:-|–|to)\s*(?P<upper>\d+(?:[.,]\d+)?))?"
    r"(?:\s*(?P<unit>" + "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True)) + r")(?![\w]))?",
    re.IGNORECASE)
NEGATION = re.compile(r"\b(no|not|never|without|cannot|can't|cant|don't|dont|doesn't|doesnt|isn't|isnt|"
                      r"won't|wont|nothing|none|neither|nor)\b", re.IGNORECASE)
NOT_NAMES = frozenset({"I", "If", "In", "It", "This", "The", "A", "An", "Most", "Some", "See", "Seek", "Call"})


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    problems: list[str] = field(default_factory=list)


class Drafted(NamedTuple):
    value: Any
    method: str  # "llm" when the draft passed, "rules" when the assembled version stays
    reason: str


# ---------------------------------------------------------------- pieces of a sentence


def citations(sentence: str) -> list[str]:
    return CITATION.findall(sentence)


def without_citations(text: str) -> str:
    return CITATION.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Sentences, each keeping the citation markers that follow it ("… weeks. [1] Next" too)."""
    parts = SENTENCE_END.split(" ".join(text.split()))
    sentences: list[str] = []
    for i in range(0, len(parts), 2):
        sentence = parts[i] + (parts[i + 1] or "" if i + 1 < len(parts) else "")
        if sentence.strip():
            sentences.append(sentence.strip())
    return sentences


def content_words(text: str) -> set[str]:
    return {w for w in tokenize(without_citations(text)) if not w.isdigit()}


def quantities(text: str) -> set[tuple[str, str | None]]:
    """{(value, unit)}: "500 mg" -> ("500", "mg"); "three weeks" -> ("3", "week"); "38,5" -> ("38.5", None)."""
    found = set()
    for match in QUANTITY.finditer(without_citations(text)):
        raw = match.group("value").lower()
        unit = UNITS.get((match.group("unit") or "").lower())
        if raw == "twice":
            unit = "time"
        elif raw in NUMBER_WORDS and unit is None:
            continue  # "one of the causes" is not a quantity
        found.add((NUMBER_WORDS.get(raw, raw.replace(",", ".")), unit))
        if match.group("upper"):  # "3-4 weeks": both ends count
            found.add((match.group("upper").replace(",", "."), unit))
    return found


def drugs(text: str, lexicon: Lexicon) -> set[str]:
    names = {str(m.key) for m in lexicon.find(without_citations(text))}
    return {n for n in names if lexicon.by_name[n].kind == "drug"}


def proper_names(sentence: str) -> set[str]:
    """Capitalised words after the first: names of drugs, conditions or people the lexicon may not know."""
    words = re.findall(r"[A-Za-z][\w-]*", without_citations(sentence))
    return {w for w in words[1:] if w[0].isupper() and len(w) > 2 and w not in NOT_NAMES}


# ---------------------------------------------------------------- the check


class DraftChecker:
    def __init__(self, sources: Mapping[Any, str], embedder: Embedder | None = None,
                 lexicon: Lexicon | None = None):
        self.sources = {str(k): v for k, v in sources.items()}
        self.embedder = embedder
        self.lexicon = lexicon or load_lexicon()

    def problems(self, number: int, sentence: str) -> list[str]:
        cited = citations(sentence)
        if not cited:
            return [f"sentence {number} has no citation: {sentence[:80]!r}"]
        unknown = [c for c in cited if c not in self.sources]
        if unknown:
            return [f"sentence {number} cites [{unknown[0]}], which is not one of the sources"]
        source = " ".join(self.sources[c] for c in dict.fromkeys(cited))
        where = ", ".join(f"[{c}]" for c in dict.fromkeys(cited))
        return (self.support_problems(number, sentence, source, where)
                + self.quantity_problems(number, sentence, source, where)
                + self.name_problems(number, sentence, source, where)
                + self.negation_problems(number, sentence, source, where))

    def support_problems(self, number: int, sentence: str, source: str, where: str) -> list[str]:
        words = content_words(sentence)
        if not words:
            return []
        share = len(words & content_words(source)) / len(words)
        if share >= LEXICAL_SUPPORT:
            return []
        if self.embedder is not None and share >= LEXICAL_FLOOR:
            similarity = self.best_similarity(sentence, source)
            if similarity >= SEMANTIC_SUPPORT:
                return []
            return [f"sentence {number} is not supported by {where}: {share:.0%} of its words are there "
                    f"and its meaning is {similarity:.2f} close (needs {LEXICAL_SUPPORT:.0%} or "
                    f"{SEMANTIC_SUPPORT:.2f})"]
        return [f"sentence {number} is not supported by {where}: only {share:.0%} of its words are there "
                f"(needs {LEXICAL_SUPPORT:.0%})"]

    def best_similarity(self, sentence: str, source: str) -> float:
        candidates = [without_citations(s) for s in split_sentences(source)] or [source]
        vectors = self.embedder.encode([without_citations(sentence), *candidates])  # type: ignore[union-attr]
        return float(np.max(vectors[1:] @ vectors[0]))

    def quantity_problems(self, number: int, sentence: str, source: str, where: str) -> list[str]:
        known = quantities(source)
        values = {value for value, _ in known}
        missing = [(v, u) for v, u in sorted(quantities(sentence), key=str)
                   if ((v, u) not in known if u else v not in values)]
        return [f"sentence {number} has the number {v}{' ' + u if u else ''}, which {where} does not"
                for v, u in missing]

    def name_problems(self, number: int, sentence: str, source: str, where: str) -> list[str]:
        problems = [f"sentence {number} names the drug {d}, which {where} does not"
                    for d in sorted(drugs(sentence, self.lexicon) - drugs(source, self.lexicon))]
        source_words = {w.lower() for w in re.findall(r"[\w-]+", source)}
        problems += [f"sentence {number} names {n!r}, which {where} does not"
                     for n in sorted(proper_names(sentence)) if n.lower() not in source_words]
        return problems

    def negation_problems(self, number: int, sentence: str, source: str, where: str) -> list[str]:
        closest = max(split_sentences(source) or [source],
                      key=lambda s: len(content_words(s) & content_words(sentence)))
        if bool(NEGATION.search(without_citations(sentence))) != bool(NEGATION.search(closest)):
            return [f"sentence {number} adds or drops a negation against {where}: {closest[:80]!r}"]
        return []


def check_draft(draft_sentences: Sequence[str], sources: Mapping[Any, str],
                embedder: Embedder | None = None) -> Verdict:
    """Accepted only when every sentence cites a given source and passes every check above.
    ``sources`` maps each citation label ("1", or 1) to the text of that source."""
    checker = DraftChecker(sources, embedder)
    problems = [p for i, s in enumerate(draft_sentences, 1) for p in checker.problems(i, s)]
    if not draft_sentences:
        problems.append("the draft is empty")
    return Verdict(not problems, problems)


# ---------------------------------------------------------------- drafting


def preservation_problems(originals: Sequence[str], drafts: Sequence[str], lexicon: Lexicon) -> list[str]:
    """A rephrased sentence keeps its original's citations, numbers and drug names."""
    problems = []
    for i, (original, draft) in enumerate(zip(originals, drafts), 1):
        if sorted(set(citations(original))) != sorted(set(citations(draft))):
            problems.append(f"sentence {i} changed its citations from {citations(original)} to {citations(draft)}")
        lost = sorted(quantities(original) - quantities(draft), key=str)
        problems += [f"sentence {i} dropped the number {v}{' ' + u if u else ''}" for v, u in lost]
        problems += [f"sentence {i} dropped the drug {d}" for d in sorted(drugs(original, lexicon) - drugs(draft, lexicon))]
    return problems


def marked(sentence: dict) -> str:
    """A More Info sentence ({"text", "cite": [0, ...]}) with its [n] markers (n = index + 1)."""
    return f"{sentence['text']} " + "".join(f"[{i + 1}]" for i in sentence["cite"])


def sentences_of(value: Any) -> list[str]:
    """The sentences of a More Info value, with their markers: sections of ``sentences``
    (more_info.py), sections of ``paragraphs`` only (imported pages), or a plain list."""
    if not isinstance(value, dict):
        return list(value)
    found: list[str] = []
    for section in value["sections"]:
        if "sentences" in section:
            found += [marked(s) for s in section["sentences"]]
        else:
            found += [s for p in section["paragraphs"] for s in split_sentences(p)]
    return found


def with_sentences(value: Any, drafts: Sequence[str]) -> Any:
    """The same shape as ``value``, each sentence replaced by its draft."""
    if not isinstance(value, dict):
        return list(drafts)
    queue = iter(drafts)
    sections = []
    for section in value["sections"]:
        if "sentences" in section:
            sentences = [{**s, "text": without_citations(next(queue)).strip()} for s in section["sentences"]]
            # the paragraph form of compose.plain_paragraphs: one paragraph, markers after each sentence
            paragraphs = [" ".join(marked(s) for s in sentences)] if sentences else []
            sections.append({**section, "sentences": sentences, "paragraphs": paragraphs})
        else:
            paragraphs = [" ".join(next(queue) for _ in split_sentences(p)) for p in section["paragraphs"]]
            sections.append({**section, "paragraphs": paragraphs})
    return {**value, "sections": sections}


def citation_sources(value: dict, source_texts: Iterable[Any]) -> dict[str, str]:
    """{"1": text, ...} for a More Info value's ``citations`` ({"kind", "id", ...}), from the
    sources it was assembled from (objects with ``.citation.kind``, ``.citation.id``, ``.text``,
    as sources.SourceText). A citation with no text here cannot support a drafted sentence."""
    text_of = {(s.citation.kind, s.citation.id): s.text for s in source_texts}
    return {str(n): text_of[(c["kind"], c["id"])] for n, c in enumerate(value.get("citations", []), 1)
            if (c["kind"], c["id"]) in text_of}


def rephrase_or_keep(assembled_value: Any, sources: Mapping[Any, str], client: ChatClient,
                     embedder: Embedder | None = None) -> Drafted:
    """The model's rephrasing when it passes every check, otherwise the assembled value; the
    reason says which, and why."""
    originals = sentences_of(assembled_value)
    if not originals:
        return Drafted(assembled_value, "rules", "nothing to rephrase")
    try:
        drafts = client.rephrase(originals)
    except LLMError as exc:
        return Drafted(assembled_value, "rules", f"kept the assembled text: {exc}")
    verdict = check_draft(drafts, sources, embedder)
    problems = verdict.problems + preservation_problems(originals, drafts, load_lexicon())
    if problems:
        return Drafted(assembled_value, "rules", "kept the assembled text: the draft failed the check: "
                       + "; ".join(problems))
    return Drafted(with_sentences(assembled_value, drafts), "llm",
                   f"the model's draft: all {len(drafts)} sentences are supported by their cited sources")
