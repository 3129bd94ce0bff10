"""Choosing and arranging quoted sentences: shared by More Info and topic guides.

1. Every citable sentence of every source is a candidate (sources come in priority order).
2. Relevance to the thread or topic (``score_relevance``): the share of the sentence's
   idf-weighted word stems that the question (or the topic's names) also uses, idf taken
   over the candidate sentences so that words every source uses count little, scaled down
   when fewer than two question words are shared; with an embedder, the mean of that and
   MiniLM cosine. A sentence of the thread's own reply always qualifies; others need
   ``MIN_RELEVANCE``. Sources further down the caller's ranking weigh less (``RANK_DECAY``).
3. Near-identical sentences are kept once, from the higher-priority source. Two sentences
   on the same subject (most of their words shared) that differ in negation ("should take"
   / "should not take") contradict: the higher-priority one stays, the other goes. Nothing
   is blended.
4. Each sentence goes to the first section, in a fixed order of precedence, whose cue words
   it contains ("caused by", "examination", "avoid" ...); within a section the most
   relevant win, and they are shown in source order.

Everything is sorted on explicit keys, so the same input gives the same output.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np

from curbside.enrich.sources import Citation, SourceSentence
from curbside.search.embed import Embedder
from curbside.search.tokenize import stemmer, tokenize

ASSEMBLED_BY = "curbside-rules-1"
MIN_RELEVANCE = 0.12
MIN_RELEVANCE_DENSE = 0.30  # the blend with MiniLM cosine sits higher on the scale
DENSE_LIMIT = 24
MIN_SUPPORT = 2  # question words a sentence must share for full relevance
OWN_BONUS = 1.0  # the thread's own reply comes before anything else
RANK_DECAY = 0.6  # the caller ranked the sources: source n weighs 1 / (1 + 0.6 n)
SAME_SUBJECT = 0.6  # Jaccard of content stems
NEAR_IDENTICAL = 0.8
NEGATION = re.compile(r"\b(?:not|no|never|cannot|without|none|neither|nor)\b|n't\b", re.IGNORECASE)
# Words that say nothing about the subject (on top of the search tokenizer's short list),
# including what every reply says ("please see your doctor", "common", "help").
FUNCTION_WORDS = """
you your yours yourself i me my mine we us our he him his she her hers they them their it its itself one ones
someone something anything everything this that these those there here what which who whom whose when where
why how than then so such also very just about more most less least some any all each every both other others
another own same should can could may might will would must shall do does did done doing have has had having
be been being is are was were am get gets got getting make makes made go goes going gone went still yet ever
even again already always often usually sometimes much many lot lots really quite rather well too only
after before during while until since now soon later over under once further off out up down into onto
across through around between against among per via within without upon next last first begin began start
started like need needs want wants know think say says said tell told thing things way ways time times
day days week weeks month months year years couple few several bit able though although however because
please see seen doctor doctors common commonly help helps helpful feel feels feeling felt become becomes
come comes sure worth person people right especially similar case cases important likely possible
probably simple real put keep call services service yes
""".split()


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str
    cue: re.Pattern | None  # None: filled some other way (rules, summary)
    limit: int


@dataclass
class Candidate:
    sentence: SourceSentence
    rank: int  # priority of its source: 0 is first
    own: bool
    stems: frozenset[str]
    negative: bool
    relevance: float = 0.0
    cites: list[Citation] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.relevance / (1 + RANK_DECAY * self.rank) + (OWN_BONUS if self.own else 0.0)

    @property
    def order(self) -> tuple[int, int]:
        return (self.rank, self.sentence.position)


# ---------------------------------------------------------------- candidates and relevance

@lru_cache(maxsize=1)
def function_stems() -> frozenset[str]:
    return frozenset(stemmer().stemWords(FUNCTION_WORDS))


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    return frozenset(tokenize(text)) - function_stems()


def candidates(sentences: Sequence[SourceSentence], own_thread: str | None) -> list[Candidate]:
    rank_of: dict[tuple[str, str], int] = {}
    out = []
    for s in sentences:
        rank = rank_of.setdefault((s.source.kind, s.source.id), len(rank_of))
        own = s.source.kind == "thread" and s.source.id == own_thread
        out.append(Candidate(s, rank, own, content_stems(s.text), bool(len(NEGATION.findall(s.text)) % 2),
                             cites=[s.source]))
    return out


def query_weights(primary: str, secondary: str = "") -> dict[str, float]:
    """Stems of what the thread asks (weight 1) and of its reply (0.5: it says more, less exactly)."""
    weights = {stem: 0.5 for stem in content_stems(secondary)}
    weights.update({stem: 1.0 for stem in content_stems(primary)})
    return weights


def score_relevance(pool: list[Candidate], weights: dict[str, float], embedder: Embedder | None = None,
                    query_text: str = "") -> None:
    """Set each candidate's relevance in [0, 1]."""
    if not pool:
        return
    frequency: dict[str, int] = {}
    for c in pool:
        for stem in c.stems:
            frequency[stem] = frequency.get(stem, 0) + 1
    idf = {stem: math.log(1 + len(pool) / df) for stem, df in frequency.items()}
    for c in pool:
        # How much of what the sentence says (idf mass) is about what was asked: long queries
        # do not dilute it, as they would a cosine.
        shared = [s for s in c.stems if s in weights]
        mass = sum(idf[s] for s in c.stems) or 1.0
        precision = sum(weights[s] * idf[s] for s in shared) / mass
        # One shared word is chance; two words of the question itself are not.
        support = min(1.0, sum(1 for s in shared if weights[s] >= 1.0) / MIN_SUPPORT)
        c.relevance = precision * support
    if embedder is not None and query_text:
        blend_dense(pool, embedder, query_text)


def blend_dense(pool: list[Candidate], embedder: Embedder, query_text: str) -> None:
    """Mean of lexical relevance and MiniLM cosine, for the lexically best ``DENSE_LIMIT`` only.

    Embedding costs about 6 ms a sentence on 2 cores; the rest keep half their lexical
    score, which leaves them below ``MIN_RELEVANCE_DENSE`` unless they match very well.
    """
    best = sorted(pool, key=lambda c: (not c.own, -c.relevance, c.order))[:DENSE_LIMIT]
    vectors = embedder.encode([query_text] + [c.sentence.text for c in best])
    cosines = dict(zip(map(id, best), np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)))
    for c in pool:
        c.relevance = 0.5 * c.relevance + 0.5 * float(cosines.get(id(c), 0.0))


def eligible(pool: list[Candidate], dense: bool = False, always: tuple[str, ...] = ()) -> list[Candidate]:
    """Candidates relevant enough to quote; the thread's own reply and sources of the kinds in ``always`` are."""
    minimum = MIN_RELEVANCE_DENSE if dense else MIN_RELEVANCE
    return [c for c in pool if c.own or c.sentence.source.kind in always or c.relevance >= minimum]


# ---------------------------------------------------------------- duplicates and contradictions

def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def without_conflicts(pool: list[Candidate]) -> list[Candidate]:
    """Keep the first of near-identical sentences and of contradicting ones, by priority."""
    kept: list[Candidate] = []
    for new in sorted(pool, key=lambda c: (not c.own, c.order)):
        twin = next((old for old in kept if same_words(new, old)), None)
        if twin is not None:
            if new.cites[0] not in twin.cites:
                twin.cites.append(new.cites[0])  # the same words in two sources: cite both
        elif not any(near_identical(new, old) or contradicts(new, old) for old in kept):
            kept.append(new)
    return kept


def same_words(a: Candidate, b: Candidate) -> bool:
    return normalised(a.sentence.text) == normalised(b.sentence.text)


def near_identical(a: Candidate, b: Candidate) -> bool:
    return a.negative == b.negative and jaccard(a.stems, b.stems) >= NEAR_IDENTICAL


def contradicts(a: Candidate, b: Candidate) -> bool:
    """Opposite polarity on the same subject, across sources (within one it is a nuance)."""
    return (a.negative != b.negative and a.rank != b.rank and jaccard(a.stems, b.stems) >= SAME_SUBJECT
            and len(a.stems & b.stems) >= 3)


# ---------------------------------------------------------------- sections

def assign(pool: list[Candidate], specs: Sequence[SectionSpec],
           precedence: Sequence[str]) -> dict[str, list[Candidate]]:
    """Each candidate to the first section in ``precedence`` whose cue it matches; best ``limit`` kept."""
    by_key = {spec.key: spec for spec in specs}
    buckets: dict[str, list[Candidate]] = {key: [] for key in precedence}
    for c in pool:
        key = next((k for k in precedence if by_key[k].cue.search(c.sentence.text)), None)
        if key is not None:
            buckets[key].append(c)
    chosen = {}
    for key, bucket in buckets.items():
        best = sorted(bucket, key=lambda c: (-c.score, c.order))[:by_key[key].limit]
        chosen[key] = sorted(best, key=lambda c: c.order)  # read in the sources' order
    return chosen


# ---------------------------------------------------------------- the value

class Citations:
    """Citation numbers in order of first use, so the source list reads top to bottom."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self.index: dict[tuple[str, str], int] = {}

    def number(self, citation: Citation) -> int:
        key = (citation.kind, citation.id)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(citation)
        return self.index[key]

    def to_list(self) -> list[dict]:
        return [c.to_dict() for c in self.items]


@dataclass(frozen=True)
class Quoted:
    """A sentence ready to show and what it cites."""

    text: str
    cites: tuple[Citation, ...]


def quoted(c: Candidate) -> Quoted:
    return Quoted(c.sentence.text, tuple(c.cites))


def section_value(key: str, heading: str, sentences: Sequence[Quoted], citations: Citations) -> dict:
    rendered = [{"text": q.text, "cite": [citations.number(c) for c in q.cites]} for q in sentences]
    return {"key": key, "heading": heading, "sentences": rendered, "paragraphs": plain_paragraphs(rendered)}


def plain_paragraphs(sentences: list[dict]) -> list[str]:
    """One paragraph with [n] markers, for a renderer that only knows paragraphs."""
    if not sentences:
        return []
    return [" ".join(f"{s['text']} " + "".join(f"[{i + 1}]" for i in s["cite"]) for s in sentences)]


def compose(specs: Sequence[SectionSpec], filled: dict[str, list[Quoted]]) -> tuple[list[dict], Citations]:
    citations = Citations()
    sections = [section_value(spec.key, spec.heading, filled.get(spec.key, []), citations) for spec in specs]
    return sections, citations

