"""Related FAQ topics: a taxonomy built from the corpus's focus terms, and each thread's topics.

    taxonomy = build_taxonomy(threads, site_topics, specialty_of_thread)
    assign_topics(f"{thread.title}. {thread.question.body}", taxonomy)   # [(topic_id, score), ...]

A focus term (data/focus_terms.json, or the focus a title found in the question's own words)
that at least ``min_threads`` threads are about becomes a topic, with the specialty most of
those threads were answered in. Topics moderators created are always kept, keep their id and
specialty, and absorb the focus term they name, so a moderator's "Acid Reflux" collects the
heartburn questions rather than competing with a new "Heartburn".

Assignment is lexical and deterministic: a topic matches through its name, its own synonyms and,
when its name is a lexicon term or synonym, all of that term's synonyms and related phrases ("sour
taste" belongs under Heartburn), on Snowball stems (lexicon.PhraseMatcher); negated mentions ("no
chest pain") do not count. A topic's score grows with the length of the phrases matched and how often they occur.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence, Union

from curbside.enrich.lexicon import Lexicon, PhraseMatcher, load_lexicon, most_specific
from curbside.enrich.titles import make_title
from curbside.records import Thread, Topic
from curbside.text import slugify

MIN_THREADS = 3
MAX_TOPICS = 9
MAX_COUNTED = 3  # a phrase said five times is not five times more about the topic
SCORE_HALF = 3.0  # the raw score at which a topic's score reaches 0.5


@dataclass(frozen=True)
class TopicSuggestion:
    id: str
    name: str
    specialty: str | None
    thread_count: int = 0
    existing: bool = False  # a topic the site already has (a moderator's or an imported one)
    synonyms: tuple[str, ...] = ()


SpecialtyOf = Union[Mapping[str, str], Callable[[Thread], "str | None"]]
AnyTopic = Union[Topic, TopicSuggestion]


def thread_text(thread: Thread) -> str:
    return f"{thread.title}. {thread.question.body}"


# ---------------------------------------------------------------- building the taxonomy


def build_taxonomy(threads: Iterable[Thread], existing_topics: Iterable[Topic], specialty_of_thread: SpecialtyOf,
                   min_threads: int = MIN_THREADS, lexicon: Lexicon | None = None) -> list[TopicSuggestion]:
    """The site's topics first (in the order given), then new topics, most threads first."""
    lexicon = lexicon or load_lexicon()
    existing = list(existing_topics)
    specialty_of = specialty_lookup(specialty_of_thread)
    owner = existing_owner(existing, lexicon)
    # site topic id, or ("new", focus name) -> {thread id: thread}; a thread counts once per topic
    members: dict[object, dict[str, Thread]] = defaultdict(dict)
    for thread in threads:
        for name in focus_names(thread, lexicon):
            members[owner.get(fold(name)) or ("new", name)][thread.id] = thread
    result = [TopicSuggestion(t.id, t.name, t.specialty, len(members.get(t.id, {})), existing=True)
              for t in existing]
    taken = {t.id for t in existing}
    new = sorted(((key[1], list(group.values())) for key, group in members.items() if isinstance(key, tuple)),
                 key=lambda item: (-len(item[1]), item[0]))
    for name, group in new:
        topic_id = slugify(name)
        if len(group) < min_threads or not topic_id or topic_id in taken:
            continue
        taken.add(topic_id)
        hint = lexicon.by_name[name].specialty if name in lexicon.by_name else None
        result.append(TopicSuggestion(topic_id, name, common_specialty(group, specialty_of) or hint, len(group)))
    return result


def focus_names(thread: Thread, lexicon: Lexicon) -> set[str]:
    """What a thread is about: the lexicon terms its question names (the most specific ones, not
    negated) and the focus its title found in the asker's own words."""
    names = {str(m.key) for m in most_specific(lexicon.find(thread_text(thread))) if not m.negated}
    title = make_title(thread.title, thread.question.body)
    if title.focus and title.focus_kind == "phrase":
        names.add(title.focus)
    return names


def existing_owner(existing: Sequence[Topic], lexicon: Lexicon) -> dict[str, str]:
    """Folded focus name -> id of the site topic that stands for it (by name, or by lexicon term)."""
    owner: dict[str, str] = {}
    for topic in existing:
        owner.setdefault(fold(topic.name), topic.id)
        term = lexicon.term_for(topic.name)
        if term is not None:
            owner.setdefault(fold(term.name), topic.id)
    return owner


def fold(name: str) -> str:
    return " ".join(name.casefold().split())


def specialty_lookup(specialty_of_thread: SpecialtyOf) -> Callable[[Thread], str | None]:
    if callable(specialty_of_thread):
        return specialty_of_thread
    return lambda thread: specialty_of_thread.get(thread.id)


def common_specialty(threads: Sequence[Thread], specialty_of: Callable[[Thread], str | None]) -> str | None:
    """The specialty most of these threads were answered in; ties go to the first by name."""
    counts = Counter(s for s in (specialty_of(t) for t in threads) if s)
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def doctor_specialties(threads: Iterable[Thread], doctors: Iterable[object]) -> dict[str, str]:
    """thread id -> the specialty of the doctor who replied (records.Doctor has ``specialty``)."""
    specialty_of_doctor = {d.id: d.specialty for d in doctors}  # type: ignore[attr-defined]
    return {t.id: specialty_of_doctor[t.reply.doctor] for t in threads
            if t.reply is not None and t.reply.doctor in specialty_of_doctor}


# ---------------------------------------------------------------- assigning topics


class TopicMatcher:
    """Compiled phrases of one taxonomy; build once, assign many."""

    def __init__(self, taxonomy: Sequence[AnyTopic], lexicon: Lexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self.matcher = PhraseMatcher(self.lexicon.vocabulary)
        for topic in taxonomy:
            for phrase in topic_phrases(topic, self.lexicon):
                self.matcher.add(topic.id, phrase)

    def assign(self, text: str, max_topics: int = MAX_TOPICS) -> list[tuple[str, float]]:
        raw: dict[str, float] = defaultdict(float)
        counted: Counter = Counter()
        for match in self.matcher.find(text):
            key = (match.key, match.phrase)
            if match.negated or counted[key] >= MAX_COUNTED:
                continue
            counted[key] += 1
            raw[str(match.key)] += match.size
        scored = [(topic_id, round(value / (value + SCORE_HALF), 3)) for topic_id, value in raw.items()]
        return sorted(scored, key=lambda s: (-s[1], s[0]))[:max_topics]


def topic_phrases(topic: AnyTopic, lexicon: Lexicon) -> tuple[str, ...]:
    phrases = [topic.name, *getattr(topic, "synonyms", ())]
    term = lexicon.term_for(topic.name)
    if term is not None:
        phrases.extend((*term.phrases, *term.related))
    return tuple(dict.fromkeys(phrases))


@lru_cache(maxsize=8)
def cached_matcher(taxonomy: tuple[AnyTopic, ...]) -> TopicMatcher:
    return TopicMatcher(taxonomy)


def assign_topics(thread_text: str, taxonomy: Sequence[AnyTopic],
                  max_topics: int = MAX_TOPICS) -> list[tuple[str, float]]:
    """[(topic_id, score)], best first, scores in (0, 1), at most ``max_topics``. For many threads
    over one taxonomy, TopicMatcher(taxonomy).assign(text) skips the cache lookup."""
    return cached_matcher(tuple(taxonomy)).assign(thread_text, max_topics)

