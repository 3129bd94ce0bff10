"""Finding personal names from context cues.

This is one of two name finders: the other is a statistical model (``deid_ner``), which finds
names with no cue at all. Cues find names the way a careful human reader does, and they
outweigh the model where the model is weak (lower-case names, names that are also drugs).

Strong cues (any capitalised word that follows is taken as a name):
    a title                  Dr. Chen, Ms. Yang, Miss Ai, Mr. O'Brien
    a relationship word      my son Jamie, my wife, Ana, the mother of Avi
    an introduction          my name is Priya, call me Sam, a boy named Kai
    a greeting               Dear Sanjay, Hi Sarah (the name must end there: not "Hi, Lupus runs...")
    a sign-off               Thanks, Mary / Regards,\\nJohn Smith / - Tom
    a signature line         a name alone on the last line, or before a P.S.
    a form label             Name: Aleksandra Kowalczyk / Patient: Ji-hoon Park
    an apposition            Maximilian (my son) has Perthes / Kofi, my son, wets the bed
    "<name> here"            Hiroshi Tanaka here. / Radhika here from Pune (first words only)
Weaker cues (the word must be a known given name, or be followed by what follows names):
    "I'm Tom" / "I am Tom,"  "this is Priya" / "hey it's marcus again"
    and any given name from the list (Priya has had a fever)

A name grows to the right over further capitalised words, particles (van, de, al) and
initials: "Maria Fernanda López", "Fatima Al-Sayed", "John D.". Possessive 's is left
outside the name. Capitalised words that are never names (I, Doctor, Monday, English) and
institutions (St Mary's Hospital, the Alfred) are skipped. Eponyms (Bell's palsy) always
win, listed or not: a name followed by "disease", "syndrome", "palsy"... is an eponym
(Kennedy's disease, Gordon syndrome). Drug names win over the weaker cues ("my daughter
Yasmin" is a name, "Yasmin made her moody" is the pill).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from curbside.safety.deid_rules import KeepList, NameLexicon

TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
POSSESSIVE = ("'s", "’s")
SENTENCE_START = r"(?:^|(?<=\n)|(?<=[.!?] )|(?<=[.!?]  ))"
AFTER_WEAK_NAME = re.compile(r"[ \t]*(?:[,.;!?)(]|$|\n|[ \t]+(?:and|from|here|again|aged?|\d))")
AFTER_GREETING_NAME = re.compile(r"[ \t]*(?:[,.!:;\n]|$|[ \t]+here\b)")
AFTER_SIGNOFF_NAME = re.compile(r"[ \t]*(?:[.!,)]|$|\n|[ \t]+(?:and|&)\b)")
AND = re.compile(r"[ \t]+(?:and|&)[ \t]+")
HERE = re.compile(r"(?:[ \t]+from(?:[ \t]+[A-Z][\w'’-]*){1,3})?[ \t]+here\b")  # "Ngaire from Rotorua here"
LINE_END = re.compile(r"[ \t]*[.!]?[ \t]*$")
OPENING_GAP = re.compile(r"[ !.,]*")  # "Hi! Radhika here" still opens the message


@dataclass(frozen=True)
class FoundName:
    start: int
    end: int
    strong: bool  # from a cue (title, relation...) rather than from the given-name list


def alternation(words: tuple[str, ...]) -> str:
    """Longest first, so "brother-in-law" is tried before "brother"; "father in law" = "father-in-law"."""
    longest_first = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]") for w in longest_first)


def core_end(match: re.Match[str]) -> int:
    """Where the name in a token ends: before a possessive 's."""
    return match.end() - 2 if match.group().endswith(POSSESSIVE) else match.end()


class NameFinder:
    def __init__(self, lexicon: NameLexicon, keep: KeepList):
        words = lexicon.words
        self.keep = keep
        self.given = lexicon.given
        self.given_lower = frozenset(n.lower() for n in lexicon.given)
        self.not_names = frozenset(w.lower() for w in words("not_names"))
        self.titles = frozenset(words("titles"))
        self.particles = frozenset(words("particles"))
        self.institutions = frozenset(w.lower() for w in words("institution_words"))
        self.title_cue = re.compile(r"(?<![\w.])(?:" + alternation(words("titles")) + r")(?:\.[ \t]*|[ \t]+)")
        self.relation_cue = re.compile(
            r"\b(?:" + alternation(words("relation_owners")) + r")\s+(?:(?:\d{1,2}[-\s]?(?:year|yr|month|week|day)s?"
            r"[-\s]?old|" + alternation(words("relation_modifiers")) + r")[\s-]+)*(?:" + alternation(words("relations"))
            + r")(?P<is>\s+(?:is|was)[ \t]+)?(?:\s*,\s*|[ \t]+|\s*\(\s*)?", re.IGNORECASE)
        self.relation_of_cue = re.compile(r"\b(?:" + alternation(words("relations")) + r")\s+(?:of|to)\s+",
                                          re.IGNORECASE)
        self.strong_intro = re.compile(r"\b(?:" + alternation(words("strong_intros")) + r")\s*:?\s+", re.IGNORECASE)
        self.form_label = re.compile(r"(?:^|(?<=\n))[ \t]*(?i:" + alternation(words("form_labels")) + r")[ \t]*:[ \t]*")
        self.apposition = re.compile(r"[ \t]*(?:\([ \t]*|,[ \t]*)(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:"
                                     + alternation(words("relations")) + r")(?:[ \t]*\)|,)", re.IGNORECASE)
        self.weak_intro = re.compile(r"(?<![\w'’])(?:" + alternation(words("weak_intros")) + r")\s+", re.IGNORECASE)
        self.listed_only_intro = re.compile(r"(?<![\w'’])(?:" + alternation(words("listed_only_intros")) + r")\s+",
                                            re.IGNORECASE)
        self.greeting = re.compile(SENTENCE_START + r"[ \t]*(?i:" + alternation(words("greetings"))
                                   + r")\b[ \t]*,?[ \t]*")
        self.signoff = re.compile(SENTENCE_START + r"[ \t]*(?i:" + alternation(words("signoffs"))
                                  + r")\b[ \t]*[,.!:;–—-]*[ \t]*(?:\n[ \t]*)?(?:[-–—~][ \t]*)?")
        self.institution_prefix = re.compile(r"(?:^|\s)(?:" + alternation(words("institution_prefixes"))
                                             + r")\s+$", re.IGNORECASE)
        self.sentence_start = re.compile(SENTENCE_START + r"(?=[^\W\d_])")

    # ------------------------------------------------------------ public

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of personal names in ``text``, eponyms and (for weak cues) drugs excluded."""
        found = list(self.cued_names(text)) + list(self.listed_names(text))
        found += list(self.names_after_and(text, found))
        eponyms = kept_spans(self.keep.eponyms, text, found, self.keep.longest)
        drugs = kept_spans(self.keep.drugs, text, found, self.keep.longest)
        return [(n.start, n.end) for n in found
                if not overlaps_any(n, eponyms) and not self.is_eponym(text, n)
                and not self.names_an_institution(text, n.end)
                and (n.strong or not overlaps_any(n, drugs))]

    def is_eponym(self, text: str, name: FoundName) -> bool:
        """Kennedy's disease, Gordon syndrome; also "Alexander Disease", read as first + last name."""
        word_ends = [m.start() for m in re.finditer(r"[ \t]", text[name.start:name.end])]
        return any(self.keep.eponym_head.match(text, end)
                   for end in [name.end] + [name.start + offset for offset in word_ends])

    # ------------------------------------------------------------ the cues

    def cued_names(self, text: str) -> Iterator[FoundName]:
        yield from self.after(self.title_cue, text)
        yield from self.after_relations(text)
        yield from self.after(self.relation_of_cue, text, allow_lower=True)
        yield from self.after(self.strong_intro, text, allow_lower=True, any_lower=True)
        yield from self.after(self.form_label, text, allow_lower=True, any_lower=True)
        yield from self.before_apposition(text)
        yield from self.after_weak_intros(text)
        yield from self.after_listed_only_intros(text)
        yield from self.after_greetings(text)
        yield from self.after_signoffs(text)
        yield from self.signature_lines(text)
        yield from self.before_here(text)

    def after(self, cue: re.Pattern[str], text: str, allow_lower: bool = False,
              any_lower: bool = False) -> Iterator[FoundName]:
        """The name right after a cue; ``any_lower`` also takes "kayleigh" after "her name is"."""
        for match in cue.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower, any_lower)
            if span:
                yield FoundName(*span, strong=True)

    def after_relations(self, text: str) -> Iterator[FoundName]:
        """my son Jamie; "my partner is Reza" needs a listed name ("my son is Autistic")."""
        for match in self.relation_cue.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower=True)
            if span and (not match.group("is") or self.looks_listed(text, *span)):
                yield FoundName(*span, strong=True)

    def after_weak_intros(self, text: str) -> Iterator[FoundName]:
        """I'm Tom / I am Oluwaseun Adeyemi from Lagos, but not "I'm English" or "I am Diabetic and..."."""
        for match in self.weak_intro.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower=True)
            if span and (self.first_word(text, span[0]).lower() in self.given_lower
                         or AFTER_WEAK_NAME.match(text, self.past_possessive(text, span[1]))):
                yield FoundName(*span, strong=True)

    def after_listed_only_intros(self, text: str) -> Iterator[FoundName]:
        """this is Priya / hey it's marcus again: only a listed name ("it's Lupus" is not), and in
        lower case only where a name can end ("it's ben snowing" is a typo for "been")."""
        for match in self.listed_only_intro.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower=True)
            first = self.first_word(text, span[0]) if span else ""
            if first.lower() in self.given_lower and (first[:1].isupper() or AFTER_WEAK_NAME.match(text, span[1])):
                yield FoundName(*span, strong=True)

    def after_greetings(self, text: str) -> Iterator[FoundName]:
        """Dear Sanjay, / Hi Sarah! / Hello, Emily here. But not "Hi, Lupus runs in my family"."""
        for match in self.greeting.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower=True)
            if span and AFTER_GREETING_NAME.match(text, self.past_possessive(text, span[1])):
                yield FoundName(*span, strong=True)

    def after_signoffs(self, text: str) -> Iterator[FoundName]:
        """Thanks, Mary / Regards,\\nJohn Smith: the name must end its line or sentence."""
        for match in self.signoff.finditer(text):
            span = self.phrase_at(text, match.end(), allow_lower=True)
            if span and AFTER_SIGNOFF_NAME.match(text, span[1]):
                yield FoundName(*span, strong=True)

    def signature_lines(self, text: str) -> Iterator[FoundName]:
        """A line holding only a name, after a blank line or last in the message."""
        lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
        for previous, line in zip(lines, lines[1:]):
            blank_before = text[previous.end():line.start()].count("\n") >= 2
            if not (blank_before or line is lines[-1]):
                continue
            dash = re.match(r"[ \t]*[-–—~][ \t]*", line.group())
            start = line.start() + (dash.end() if dash else 0)
            span = self.phrase_at(text, start, allow_lower=True)
            if span and LINE_END.fullmatch(text, span[1], line.end()) and (dash or self.looks_listed(text, *span)):
                yield FoundName(*span, strong=True)

    def before_here(self, text: str) -> Iterator[FoundName]:
        """Hiroshi Tanaka here. / Emily here, 24 weeks pregnant.

        An unlisted single word counts only in the opening sentence ("Radhika here from
        Pune"); later, "Lurker here" and the like are more likely than a name.
        """
        first_break = re.search(r"[.!?\n]", text)
        opening_end = first_break.start() if first_break else len(text)
        for match in self.sentence_start.finditer(text):
            span = self.phrase_at(text, match.start())
            opening = match.start() <= opening_end or bool(OPENING_GAP.fullmatch(text, opening_end, match.start()))
            if span and HERE.match(text, span[1]) and (opening or self.looks_listed(text, *span)):
                yield FoundName(*span, strong=True)

    def before_apposition(self, text: str) -> Iterator[FoundName]:
        """Maximilian (my son) has Perthes / Kofi, my son, wets the bed."""
        for match in self.apposition.finditer(text):
            for start in self.name_starts_before(text, match.start()):
                span = self.phrase_at(text, start)
                if span and span[1] == match.start():
                    yield FoundName(*span, strong=True)
                    break

    def name_starts_before(self, text: str, end: int) -> list[int]:
        """Starts of the (up to four) words ending at ``end``, nearest first."""
        words = list(TOKEN.finditer(text, max(0, end - 60), end))
        return [w.start() for w in reversed(words[-4:])]

    def listed_names(self, text: str) -> Iterator[FoundName]:
        """Any given name from the list, unless it names an institution (St Mary's, the Alfred)."""
        for match in TOKEN.finditer(text):
            word = match.group()[:core_end(match) - match.start()]
            if word not in self.given or self.after_institution_prefix(text, match.start()):
                continue
            span = self.phrase_at(text, match.start())
            if span:
                yield FoundName(*span, strong=False)

    def after_institution_prefix(self, text: str, start: int) -> bool:
        """St Mary's, the Alfred, Queen Elizabeth: a given name inside an institution's name."""
        return bool(self.institution_prefix.search(text, max(0, start - 12), start))

    def names_after_and(self, text: str, found: list[FoundName]) -> Iterator[FoundName]:
        """My twins Leilani and Kalani: a name joined to a cued name by "and"."""
        for name in found:
            joint = AND.match(text, name.end)
            if not joint:
                continue
            span = self.phrase_at(text, joint.end(), allow_lower=True)
            if span and (name.strong or self.looks_listed(text, *span)):
                yield FoundName(*span, strong=name.strong)

    # ------------------------------------------------------------ the name itself

    def phrase_at(self, text: str, pos: int, allow_lower: bool = False,
                  any_lower: bool = False) -> tuple[int, int] | None:
        """The name starting at ``pos``: one to four words, or None if no name starts there."""
        first = TOKEN.match(text, pos)
        if not first or not self.can_start_name(first, allow_lower, any_lower):
            return None
        end = core_end(first)
        for _ in range(3):
            if end < first.end() or text[end:end + 1] != " ":
                break
            following = self.next_name_part(text, end + 1)
            if following is None:
                break
            end, first = following
        return (pos, end)

    def next_name_part(self, text: str, pos: int) -> tuple[int, re.Match[str]] | None:
        """A surname, a particle + surname (van Dijk) or an initial (K.) continuing a name."""
        match = TOKEN.match(text, pos)
        if not match:
            return None
        word = match.group()
        if len(word) == 1 and word.isupper() and text[match.end():match.end() + 1] == ".":
            return match.end() + 1, match
        if word.lower() in self.particles and text[match.end():match.end() + 1] == " ":
            after = TOKEN.match(text, match.end() + 1)
            if after and self.is_name_word(after):
                return core_end(after), after
            return None
        if self.is_name_word(match) and match.group().lower() not in self.institutions:
            return core_end(match), match
        return None

    def can_start_name(self, match: re.Match[str], allow_lower: bool, any_lower: bool = False) -> bool:
        word = match.group()[:core_end(match) - match.start()]
        if len(word) < 2 or word.lower() in self.not_names or word in self.titles:
            return False
        lower_ok = word.islower() and (any_lower or word in self.given_lower)
        return self.is_name_word(match) or (allow_lower and lower_ok)

    def is_name_word(self, match: re.Match[str]) -> bool:
        word = match.group()[:core_end(match) - match.start()]
        return (len(word) >= 2 and word[0].isupper() and not word.isupper()
                and word.lower() not in self.not_names and word not in self.titles)

    def looks_listed(self, text: str, start: int, end: int) -> bool:
        """A known given name first, or a full name of two words or more."""
        return self.first_word(text, start).lower() in self.given_lower or " " in text[start:end]

    def first_word(self, text: str, start: int) -> str:
        match = TOKEN.match(text, start)
        return match.group()[:core_end(match) - match.start()] if match else ""

    def names_an_institution(self, text: str, end: int) -> bool:
        gap = self.past_possessive(text, end)
        after = TOKEN.match(text, gap + 1)
        return text[gap:gap + 1] == " " and bool(after) and after.group().lower() in self.institutions

    @staticmethod
    def past_possessive(text: str, end: int) -> int:
        return end + 2 if text[end:end + 2] in POSSESSIVE else end


def kept_spans(phrases: re.Pattern[str], text: str, names: list[FoundName], longest: int) -> list[tuple[int, int]]:
    """Kept phrases near the names only: the phrase lists are long alternations, and
    scanning a whole 5,000-character message for them costs tens of milliseconds. A phrase
    that overlaps a name starts and ends within ``longest`` characters of it."""
    ranges: list[list[int]] = []
    for name in sorted(names, key=lambda n: n.start):
        start, end = max(0, name.start - longest), name.end + longest
        if ranges and start <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
        else:
            ranges.append([start, end])
    return [m.span() for start, end in ranges for m in phrases.finditer(text, start, end)]


def overlaps_any(name: FoundName, spans: list[tuple[int, int]]) -> bool:
    return any(name.start < e and s < name.end for s, e in spans)
