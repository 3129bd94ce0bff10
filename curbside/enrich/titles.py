"""Readable thread titles in the seed's style: "Understanding Facial Twitching: Causes and When to
Seek Help".

A title names two things and nothing else: the question's focus (a condition, symptom, drug or
test) and its intent (causes, treatment, when to seek care ...). The focus comes from, in order:
a question frame ("What causes {focus}?", in the frame's own words), a focus-lexicon term or site
topic in the asker's title, a capitalised name in the title ("Qulipta"), the title itself when it
is a short noun phrase ("Trigger finger"), a lexicon term in the question body; with none of
these the asker's title stays as written. A lexicon term names the focus only through its name
and synonyms, never through its "related" phrases, so a sign is never titled as a diagnosis
("face drooping" stays Facial Drooping). The intent comes from question patterns (title patterns
count double). Both are rules on data (data/title_rules.json, data/focus_terms.json), so the same
question always gets the same title, and no medical claim can enter it.

    title = make_title("Facial spasms", body)          # Title(text, focus, intent, ...)
    unique = unique_titles({thread_id: title, ...})     # {thread_id: text}, unique where possible
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

from curbside.enrich.lexicon import Lexicon, Match, PhraseMatcher, load_lexicon, most_specific
from curbside.enrich.title_rules import GENERAL, TitleRules, load_title_rules

SMALL_WORDS = frozenset("a an and as at but by for in of on or the to with vs via nor".split())
PRONOUNS = frozenset("i me my mine you your he him his she her it its we us our they them their this that".split())
DRUG_FIRST_INTENTS = frozenset({"side_effects", "dosage", "uses"})  # a drug named here is the focus
KIND_RANK = {"condition": 0, "symptom": 0, "drug": 0, "topic": 0, "procedure": 1, "test": 1}
MAX_FRAME_WORDS = 8
MAX_PHRASE_WORDS = 4
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
DURATION = re.compile(
    r"\b(?:for|since|over)\s+(?:about\s+|around\s+|roughly\s+|almost\s+|nearly\s+|over\s+|more\s+than\s+|"
    r"like\s+|at\s+least\s+)?(?:the\s+(?:past|last)\s+)?(?P<n>\d{1,3}|a\s+few|a\s+couple\s+of|several|"
    + "|".join(NUMBER_WORDS) + r")?\s*(?P<unit>minute|hour|day|week|month|year)s?\b", re.IGNORECASE)
AGE_BAND = re.compile(r"^(\d{1,3})~(\d{1,3})$")


@dataclass(frozen=True)
class Detail:
    """Something that tells two similar questions apart: ``focus`` details join the focus
    ("Eyelid Twitching and Dry Eyes"), ``note`` details follow the title ("(3 Weeks)")."""

    kind: str
    text: str


@dataclass(frozen=True)
class Title:
    text: str
    focus: str | None
    intent: str
    second_intent: str | None = None
    focus_kind: str | None = None  # a lexicon kind, "topic", or "phrase" (the asker's own words)
    intent_phrase: str = ""
    details: tuple[Detail, ...] = ()

    def with_detail(self, detail: Detail) -> str:
        if detail.kind == "focus" and self.focus:
            return load_title_rules().template.format(focus=f"{self.focus} and {detail.text}",
                                                      intent=self.intent_phrase)
        return f"{self.text} ({detail.text})"


@dataclass(frozen=True)
class Focus:
    name: str
    kind: str


# ---------------------------------------------------------------- words


def title_case(text: str) -> str:
    """'vaginal itching and discharge' -> 'Vaginal Itching and Discharge'; keeps 'HIV', 'COVID-19'."""
    words = text.split()
    cased = []
    for i, word in enumerate(words):
        if any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word):
            cased.append(word)
        elif i and word.lower() in SMALL_WORDS:
            cased.append(word.lower())
        else:
            cased.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(cased)


def tidy(text: str) -> str:
    return " ".join(text.split()).strip(" \t?!.,;:-")


def sentence_case(text: str) -> str:
    text = tidy(text)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- intent


def intent_scores(title: str, body: str, rules: TitleRules) -> list[tuple[str, int]]:
    """Each intent's score, best first: a pattern in the asker's title counts 2, in the body 1.
    The general intent only counts when nothing else does; ties go to the earlier intent."""
    scores = []
    for order, intent in enumerate(rules.intents):
        score = sum(2 * bool(p.search(title)) + bool(p.search(body)) for p in intent.patterns)
        scores.append((intent.id, score, order))
    specific = [s for s in scores if s[1] > 0 and s[0] != GENERAL]
    ranked = sorted(specific or [s for s in scores if s[0] == GENERAL], key=lambda s: (-s[1], s[2]))
    return [(intent_id, score) for intent_id, score, _ in ranked]


def choose_intents(scores: list[tuple[str, int]], rules: TitleRules) -> tuple[str, str | None, str]:
    """(primary, second, phrase): the top two intents share a phrase when the rules have one."""
    primary = scores[0][0] if scores and scores[0][1] > 0 else GENERAL
    if len(scores) > 1 and scores[1][1] > 0:
        combined = rules.combinations.get(frozenset((primary, scores[1][0])))
        if combined:
            return primary, scores[1][0], combined[1]
    return primary, None, rules.intent(primary).phrase


# ---------------------------------------------------------------- focus


class FocusFinder:
    """The lexicon plus the site's topics. A topic that names a lexicon term (by its name or a
    synonym) lends the term its own wording, so titles and Related FAQ agree."""

    def __init__(self, lexicon: Lexicon, topic_names: tuple[str, ...]):
        self.lexicon = lexicon
        self.display: dict[str, str] = {}
        self.topics = PhraseMatcher(lexicon.vocabulary)
        for name in topic_names:
            term = lexicon.term_for(name)
            if term is not None:
                self.display.setdefault(term.name, name)
            else:
                self.topics.add(name, name)

    def candidates(self, text: str) -> list[tuple[Focus, Match]]:
        words = self.lexicon.vocabulary.words(text)
        matches = [m for m in most_specific(self.lexicon.find(words) + self.topics.find(words)) if not m.negated]
        found = []
        for match in matches:
            term = self.lexicon.by_name.get(str(match.key))
            if term is not None:
                found.append((Focus(self.display.get(term.name, term.name), term.kind), match))
            else:
                found.append((Focus(str(match.key), "topic"), match))
        return found

    def ranked(self, title: str, body: str, prefer_drug: bool) -> list[Focus]:
        """Focus terms best first. The asker's title names the subject, usually first ("Heartburn is
        awful at 30 weeks pregnant"); a term only in the body ranks by how often it comes up."""
        stats: dict[Focus, list[int]] = {}
        for offset, text in enumerate((title, body)):
            for focus, match in self.candidates(text):
                entry = stats.setdefault(focus, [0, 0, 0, offset * 100_000 + match.first])
                entry[offset] += 1
                entry[2] = max(entry[2], match.size)

        def rank(item: tuple[Focus, list[int]]) -> tuple:
            focus, (title_hits, body_hits, size, first) = item
            kind_rank = -1 if prefer_drug and focus.kind == "drug" else KIND_RANK.get(focus.kind, 1)
            if title_hits:
                return (0, kind_rank, first, -body_hits, -size, focus.name)
            return (1, kind_rank, -body_hits, -size, first, focus.name)

        return [focus for focus, _ in sorted(stats.items(), key=rank)]


@lru_cache(maxsize=16)
def focus_finder(topic_names: tuple[str, ...] = ()) -> FocusFinder:
    return FocusFinder(load_lexicon(), topic_names)


def frame_focus(title: str, rules: TitleRules, lexicon: Lexicon) -> tuple[Focus, Detail | None] | None:
    """A question frame ("What causes {focus}?") names the focus; " - qualifier" becomes a detail."""
    text = tidy(title).rstrip(" ?")
    for frame in rules.question_frames:
        match = frame.match(text)
        if not match:
            continue
        main, _, qualifier = tidy(match.group("focus")).partition(" - ")
        words = tidy(main).split()
        if not words or len(words) > MAX_FRAME_WORDS:
            return None
        if not words[0][0].isupper() and PRONOUNS & {w.lower() for w in words}:
            return None  # "what is causing my headache": a sentence, not the name of something
        # The frame names the focus in its own words ("Low back pain", "Plantar fasciitis"): keep
        # them, rather than the broader lexicon name, and take only the kind from the lexicon.
        term = lexicon.term_for(tidy(main))
        focus = Focus(title_case(tidy(main)), term.kind if term else "phrase")
        return focus, (Detail("note", title_case(tidy(qualifier))) if tidy(qualifier) else None)
    return None


def capitalised_name(title: str, rules: TitleRules) -> Focus | None:
    """A capitalised word after the first, in a title not written in Title Case: "Should I keep
    taking Qulipta?" -> Qulipta. Common capitalised words (I, Dr, Monday) are not names of things."""
    words = re.findall(r"[A-Za-z][\w'&-]*", title)
    later = [w for w in words[1:] if w not in rules.common_capitalised]
    if not later or sum(w[0].isupper() for w in later) * 2 > len(later):
        return None  # no later words, or Title Case, where capitals say nothing
    run: list[str] = []
    for word in words[1:]:
        if (word[0].isupper() and len(word) >= 3 and word not in rules.common_capitalised
                and word.lower() not in SMALL_WORDS | rules.not_focus_words):
            run.append(word)
        elif run:
            break
    return Focus(" ".join(run), "phrase") if run else None


def noun_phrase(title: str, rules: TitleRules) -> Focus | None:
    """The asker's title itself, when it is a short noun phrase: "Facial spasms"."""
    text = tidy(title)
    for _ in range(3):  # "Hi, question about ..." has more than one filler
        for filler in rules.title_fillers:
            text = filler.sub("", text, count=1)
    words = tidy(text).split()
    if not 1 <= len(words) <= MAX_PHRASE_WORDS:
        return None
    if any(not re.fullmatch(r"[A-Za-z][A-Za-z'-]*", w) or w.lower() in rules.not_focus_words for w in words):
        return None
    return Focus(title_case(" ".join(words)), "phrase")


# ---------------------------------------------------------------- details


def duration(text: str) -> str | None:
    """"for about ten days" -> "10 Days"; "for the past month" -> "1 Month". The asker's words only."""
    match = DURATION.search(text)
    if not match or not (match.group("n") or re.search(r"\b(past|last)\s", match.group())):
        return None  # "for weeks" says no number, so the title should not either
    raw = " ".join((match.group("n") or "1").lower().split())
    unit = match.group("unit").lower()
    count = NUMBER_WORDS.get(raw, int(raw) if raw.isdigit() else None)
    label = str(count) if count is not None else title_case(raw)
    plural = "" if count == 1 else "s"
    return f"{label} {unit.capitalize()}{plural}"


def age_detail(age_band: str | None, asked_for: str | None) -> str | None:
    match = AGE_BAND.match(age_band or "")
    if match:
        return f"Age {match.group(1)}\u2013{match.group(2)}"
    return "Child" if asked_for == "child" else None


# ---------------------------------------------------------------- the title


def make_title(question_title: str, question_body: str, topics: Iterable[object] | None = None, *,
               age_band: str | None = None, asked_for: str | None = None) -> Title:
    """The title of a thread. ``topics`` are the site's topics (records.Topic, TopicSuggestion or
    names): their names count as focus terms. ``age_band`` and ``asked_for`` only feed the
    details that unique_titles may add."""
    rules = load_title_rules()
    finder = focus_finder(topic_names(topics))
    scores = intent_scores(question_title, question_body, rules)
    intent, second, phrase = choose_intents(scores, rules)
    prefer_drug = bool({intent, second} & DRUG_FIRST_INTENTS)
    focus, others, qualifier = pick_focus(question_title, question_body, finder, rules, prefer_drug)
    if focus and focus.kind == "drug" and intent in rules.drug_intents:
        intent = rules.drug_intents[intent]
        second, phrase = None, rules.intent(intent).phrase
    details = tuple(d for d in (
        qualifier,
        Detail("focus", others[0].name) if others else None,
        note(duration(f"{question_title}. {question_body}")),
        note(age_detail(age_band, asked_for)),
    ) if d is not None)
    text = rules.template.format(focus=focus.name, intent=phrase) if focus else sentence_case(question_title)
    return Title(text, focus.name if focus else None, intent, second, focus.kind if focus else None, phrase, details)


def note(text: str | None) -> Detail | None:
    return Detail("note", text) if text else None


def topic_names(topics: Iterable[object] | None) -> tuple[str, ...]:
    names = (t if isinstance(t, str) else getattr(t, "name", None) for t in (topics or ()))
    return tuple(sorted({n for n in names if n}))


def pick_focus(title: str, body: str, finder: FocusFinder, rules: TitleRules,
               prefer_drug: bool) -> tuple[Focus | None, list[Focus], Detail | None]:
    """(focus, other focus terms, a qualifier from a question frame)."""
    ranked = finder.ranked(title, body, prefer_drug)
    framed = frame_focus(title, rules, finder.lexicon)
    if framed:
        focus, qualifier = framed
        return focus, [f for f in ranked if f.name != focus.name], qualifier
    in_title = {f for f, _ in finder.candidates(title)}
    if ranked and ranked[0] in in_title:
        return ranked[0], ranked[1:], None
    heuristic = capitalised_name(title, rules) or noun_phrase(title, rules)
    if heuristic:
        return heuristic, [f for f in ranked if f.name != heuristic.name], None
    return (ranked[0], ranked[1:], None) if ranked else (None, [], None)


# ---------------------------------------------------------------- uniqueness


def unique_titles(titles_by_id: Mapping[str, Title], taken: Iterable[str] = ()) -> dict[str, str]:
    """Title texts unique within the site where possible. The first thread (by id) with a title
    keeps it as it is; the others add their first distinguishing detail that is still free (a
    second focus term, how long, the age band), and a number only when nothing else is.
    ``taken`` are titles other threads already hold."""
    used = {t.casefold() for t in taken}
    result: dict[str, str] = {}
    for thread_id in sorted(titles_by_id):  # first pass: each plain title to its first holder
        text = titles_by_id[thread_id].text
        if text.casefold() not in used:
            used.add(text.casefold())
            result[thread_id] = text
    for thread_id in sorted(set(titles_by_id) - set(result)):
        result[thread_id] = first_free(titles_by_id[thread_id], used)
        used.add(result[thread_id].casefold())
    return result


def first_free(title: Title, used: set[str]) -> str:
    for text in candidates(title):
        if text.casefold() not in used:
            return text
    raise AssertionError("numbered candidates never run out")


def candidates(title: Title) -> Iterator[str]:
    """Each detail alone, then the first two together, then numbers (2), (3) ..."""
    yield from (title.with_detail(d) for d in title.details)
    if len(title.details) > 1:
        first, second = title.details[:2]
        base = title.with_detail(first)
        yield f"{base} ({second.text})" if first.kind == "focus" else f"{title.text} ({first.text}, {second.text})"
    yield from (f"{title.text} ({n})" for n in itertools.count(2))
