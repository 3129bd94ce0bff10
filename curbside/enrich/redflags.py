"""Warning signs for a thread or topic, taken from the red-flag rule pack.

The rule pack (curbside/safety/data/triage_rules.json) knows which findings need care and
how soon, and says so in each rule's ``advice``. A rule belongs to a thread or topic when one
of its patterns matches the thread's text (the doctor's reply first: it names the signs to
watch for) or when the topic's name is in one of the rule's examples. Each line quotes the
sign as it was written (the matched words, or the rule's example) and the rule's advice:

    Warning signs such as “slurred speech” or “weakness of one side of the face” — call
    your local emergency number or go to the nearest emergency department now.

Negation does not matter here: "no chest pain" still makes chest pain a sign worth listing.
When no rule above self-care matches, the pack's routine rules for persistent and worsening
symptoms give the conservative general advice, so the section is never empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from curbside.enrich.compose import content_stems
from curbside.enrich.sources import split_paragraph
from curbside.safety.rules import LEVELS, Rule, RulePack
from curbside.search.tokenize import tokenize

FALLBACK_RULE_IDS = ("persistent-symptoms", "worsening-symptoms")
RED_LEVELS = ("emergency", "urgent", "routine")
MAX_RULES = 4
MAX_SIGN_CHARS = 60
# Advice about the asking flow ("a doctor will reply here") means nothing on a published page.
SITE_FLOW = re.compile(r"reply here|joins the queue|doctor will reply|wait for a reply", re.IGNORECASE)
SEE_A_DOCTOR = re.compile(r"\bsee a doctor\b", re.IGNORECASE)
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class RuleLine:
    """One sentence of the red-flag section and the rules it comes from."""

    text: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    order: int  # which text matched (0 = the first given); topic-name matches come last
    sign: str


def rules_of(red_flag_rules: RulePack | Iterable[Rule]) -> tuple[Rule, ...]:
    return red_flag_rules.rules if isinstance(red_flag_rules, RulePack) else tuple(red_flag_rules)


def red_flag_lines(red_flag_rules: RulePack | Iterable[Rule], texts: Sequence[str],
                   topic_names: Sequence[str] = ()) -> list[RuleLine]:
    """The red-flag sentences for ``texts`` (most telling first) and ``topic_names``."""
    rules = rules_of(red_flag_rules)
    matches = [m for m in (match_rule(rule, texts, topic_names) for rule in rules) if m]
    level_rank = {level: i for i, level in enumerate(LEVELS)}
    pack_order = {rule.id: i for i, rule in enumerate(rules)}
    red = sorted((m for m in matches if m.rule.level in RED_LEVELS),
                 key=lambda m: (-level_rank[m.rule.level], m.order, pack_order[m.rule.id]))[:MAX_RULES]
    lines = warning_lines(red)
    lines += see_a_doctor_lines([m for m in matches if m.rule.level not in RED_LEVELS])
    if not red:
        lines += fallback_lines(rules)
    return lines


def match_rule(rule: Rule, texts: Sequence[str], topic_names: Sequence[str]) -> RuleMatch | None:
    for order, text in enumerate(texts):
        sign = matched_sign(rule, text)
        if sign and on_topic(rule, sign, text):
            return RuleMatch(rule, order, sign if len(sign) <= MAX_SIGN_CHARS else best_example(rule, text))
    for name in topic_names:
        if topic_matches(rule, name):
            return RuleMatch(rule, len(texts), best_example(rule, name))
    return None


def topic_matches(rule: Rule, name: str) -> bool:
    """All words of the topic's name are in one of the rule's examples ("eyelid twitching").

    A one-word name ("Face") is too broad for that and must be in the rule's id instead.
    """
    topic = content_stems(name)
    if not topic or not any(topic <= content_stems(example) for example in rule.examples):
        return False
    return len(topic) > 1 or topic <= content_stems(rule.id.replace("-", " "))


def matched_sign(rule: Rule, text: str) -> str | None:
    """The words of ``text`` the rule matched ("slurred speech"), from its finding to its co-finding."""
    text = text.translate(QUOTES)
    lowered = text.lower()
    if len(lowered) != len(text):  # offsets must line up; such text is rare enough to skip
        return None
    main = rule.matcher.search(lowered)
    if not main or main.end() == main.start():
        return None
    start, end = main.start(), main.end()
    if rule.co_matcher is not None:
        co = rule.co_matcher.search(lowered)
        if not co:
            return None  # the rule needs both; one alone is another rule's business
        start, end = min(start, co.start()), max(end, co.end())
    return tidy_sign(text[start:end])


def tidy_sign(words: str) -> str:
    """'Chest pain, fainting, ' -> 'chest pain, fainting': trimmed, nothing else changed."""
    words = " ".join(words.split()).strip(" ,;:-")
    words = re.sub(r"\s+(?:and|or|with)$", "", words, flags=re.IGNORECASE)
    return lower_first(words)


def on_topic(rule: Rule, sign: str, text: str) -> bool:
    """A one-word match must be backed by two more words the rule's examples share with the text.

    "Ectopic beats" are not an ectopic pregnancy: the word alone matches, but the examples
    (miscarriage, pregnancy, pain on one side) have at most "pain" in common with a reply
    about palpitations.
    """
    sign_words = content_stems(sign)
    if len(sign_words) > 1:
        return True
    example_words = frozenset().union(*(content_stems(e) for e in rule.examples))
    return len((example_words - sign_words) & content_stems(text)) >= 2


def best_example(rule: Rule, text: str) -> str:
    """The rule's example sharing most words with ``text`` (the first on a tie)."""
    words = set(tokenize(text))
    best = max(rule.examples, key=lambda e: (len(words & set(tokenize(e))), -rule.examples.index(e)))
    return tidy_sign(best)


def advice_text(rule: Rule, keep=lambda sentence: True) -> str:
    sentences = [s for s in split_paragraph(rule.advice) if not SITE_FLOW.search(s) and keep(s)]
    return " ".join(sentences)


def warning_lines(matches: list[RuleMatch]) -> list[RuleLine]:
    """One line per distinct advice, listing the signs that lead to it."""
    groups: dict[str, list[RuleMatch]] = {}
    for match in matches:
        if match.rule.id in FALLBACK_RULE_IDS:
            continue  # a duration ("for six weeks") reads badly as a sign; the rule's name says it
        groups.setdefault(advice_text(match.rule), []).append(match)
    lines = labelled_lines([m.rule for m in matches if m.rule.id in FALLBACK_RULE_IDS])
    for advice, group in groups.items():
        if not advice:
            continue
        signs = [f"“{sign}”" for sign in distinct_signs([m.sign for m in group])]
        listed = signs[0] if len(signs) == 1 else ", ".join(signs[:-1]) + " or " + signs[-1]
        noun = "Warning sign" if len(signs) == 1 else "Warning signs"
        lines.append(RuleLine(f"{noun} such as {listed} — {lower_first(advice)}", tuple(m.rule.id for m in group)))
    return lines


def distinct_signs(signs: list[str]) -> list[str]:
    """Each sign once, leaving out one that another contains ("weakness of one side")."""
    unique = list(dict.fromkeys(signs))
    return [s for s in unique if not any(s != other and s.lower() in other.lower() for other in unique)]


def see_a_doctor_lines(matches: list[RuleMatch]) -> list[RuleLine]:
    """A self-care rule's "See a doctor if ..." sentence: when self-care is no longer enough."""
    groups: dict[str, list[str]] = {}
    for match in matches:
        advice = advice_text(match.rule, keep=lambda s: bool(SEE_A_DOCTOR.search(s)))
        if advice:
            groups.setdefault(advice, []).append(match.rule.id)
    # One such line is enough: they all say "see a doctor if it gets worse".
    return [RuleLine(text, tuple(ids)) for text, ids in groups.items()][:1]


def fallback_lines(rules: Sequence[Rule]) -> list[RuleLine]:
    """General advice when no rule matched: the routine rules for persistent and worsening symptoms."""
    chosen = [r for r in rules if r.id in FALLBACK_RULE_IDS] or [r for r in rules if r.level == "routine"][:2]
    return labelled_lines(chosen)


def labelled_lines(chosen: Sequence[Rule]) -> list[RuleLine]:
    """'Persistent symptoms or worsening symptoms — book an appointment ...'."""
    groups: dict[str, list[Rule]] = {}
    for rule in chosen:
        groups.setdefault(advice_text(rule), []).append(rule)
    lines = []
    for advice, group in groups.items():
        if advice:
            labels = " or ".join(rule_label(r, first=i == 0) for i, r in enumerate(group))
            lines.append(RuleLine(f"{labels} — {lower_first(advice)}", tuple(r.id for r in group)))
    return lines


def rule_label(rule: Rule, first: bool) -> str:
    """'persistent-symptoms' -> 'Persistent symptoms': the rule's own name for what it covers."""
    words = rule.id.replace("-", " ")
    return words[:1].upper() + words[1:] if first else words


def lower_first(text: str) -> str:
    # "Call ..." follows a colon; keep "I" and acronyms ("GP") as written.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
