"""Red-flag triage: how soon the person a question is about should see someone, and why.

`triage(text)` matches the rule pack (curbside/safety/data/triage_rules.json) against the
question, hands every match to medspaCy's ConText as a span, and sets aside matches that
ConText marks as negated ("no numbness"), hypothetical ("what if I get chest pain"), in the
past ("I had a seizure in 2015"), long-standing ("for years") or someone else's history
("my father had a stroke in 2015", "runs in my family"). A current event of another person
("my husband is slurring his words right now") is kept: proxy questions are common.

The level is the highest finding left: emergency > urgent > routine > self_care. With no
finding the question is routine (it joins the queue and a doctor replies); self_care needs
a self-care cue and nothing above it, not even a finding set aside as past or hypothetical.

The spaCy pipeline (a blank English tokenizer, a rule-based sentencizer and ConText) is built
once, on first use, and kept for the process. PyRuSH, medspaCy's default sentence splitter,
is not used: it costs about 5 ms a question, more than everything else together.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass

from curbside.safety.rules import DEFAULT_PATH, LEVELS, Rule, RulePack, load_rules

SPAN_GROUP = "curbside_triage"
DEFAULT_ADVICE = {
    "routine": ("Your question joins the queue and a doctor will reply here. If new symptoms appear or "
                "you get worse, see a doctor or call a health advice line."),
    "self_care": ("This usually gets better with self-care, and a pharmacist can advise. Your question "
                  "joins the queue and a doctor will reply. See a doctor if it gets worse or does not settle."),
}
# Reasons that still block a self_care answer: the question mentions a red flag, even if set aside.
BLOCKS_SELF_CARE = {"hypothetical", "historical", "family history", "long-standing", "co-finding set aside"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


@dataclass(frozen=True)
class Finding:
    rule_id: str
    level: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Demoted:
    finding: Finding
    reason: str  # negated, hypothetical, historical, family history, long-standing, co-finding set aside


@dataclass(frozen=True)
class TriageResult:
    level: str
    findings: tuple[Finding, ...]
    demoted: tuple[Demoted, ...]
    advice: str

    def to_dict(self) -> dict:
        return asdict(self)


class Triager:
    """The rule pack plus a ConText pipeline; call it with a question."""

    def __init__(self, pack: RulePack):
        self.pack = pack
        self.nlp, self.context = _pipeline(pack)

    def __call__(self, text: str) -> TriageResult:
        findings, demoted = self.analyse(text)
        return _decide(self.pack.rules, findings, demoted)

    def analyse(self, text: str) -> tuple[list[Finding], list[Demoted]]:
        """Every finding of every level, and those set aside, before the level is decided."""
        clean = text.translate(_QUOTES)
        lowered = _lower(clean)
        matches = []
        for rule in self.pack.rules:
            spans = _spans(rule.matcher, lowered)
            co = _spans(rule.co_matcher, lowered) if spans and rule.co_matcher else []
            if spans and (co or not rule.co_matcher):
                matches.append((rule, spans, co))
        reasons = self._context_reasons(clean, matches)
        findings: list[Finding] = []
        demoted: list[Demoted] = []
        for rule, spans, co in matches:
            active_co = [span for span in co if reasons.get((rule.id, "co", span)) is None]
            for span in spans:
                finding = Finding(rule.id, rule.level, text[span[0]:span[1]], span[0], span[1])
                reason = reasons.get((rule.id, "main", span))
                if reason == "long-standing" and rule.level == "routine":
                    reason = None  # "for months" is what a routine duration rule looks for
                if reason is None and co and not active_co:
                    reason = "co-finding set aside"
                if reason is not None:
                    demoted.append(Demoted(finding, reason))
                    continue
                findings.append(finding)
                findings.extend(Finding(rule.id, rule.level, text[s:e], s, e) for s, e in active_co[:1])
        return findings, demoted

    def _context_reasons(self, text: str, matches) -> dict:
        doc = self.nlp(text)
        keys, spans = [], []
        for rule, main, co in matches:
            for role, group in (("main", main), ("co", co)):
                for start, end in group:
                    span = doc.char_span(start, end, label=rule.id, alignment_mode="expand")
                    if span is not None and len(span):
                        keys.append((rule.id, role, (start, end)))
                        spans.append(span)
        doc.spans[SPAN_GROUP] = spans
        self.context(doc)
        targets = [(span.start, span.end) for span in spans]
        return {key: _reason(_categories(span, targets)) for key, span in zip(keys, doc.spans[SPAN_GROUP])}


def _lower(text: str) -> str:
    """Lower case with every offset kept (a few characters, such as "İ", lower-case to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _spans(matcher: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Where the rule's patterns match, overlapping matches merged into one span."""
    found = [(m.start(), m.end()) for m in matcher.finditer(text) if m.end() > m.start()]
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _categories(span, targets: list[tuple[int, int]]) -> set[str]:
    """The ConText categories that modify `span`, leaving out cues inside a matched phrase.

    A cue never modifies the phrase it sits in ("for years" inside a duration finding, "won't"
    inside "won't stop bleeding"); a negation cue inside any matched phrase ("isn't
    responding", "hasn't had a wet nappy") is part of a symptom, so it negates nothing.
    """
    own = (span.start, span.end)
    categories = set()
    for modifier in span._.modifiers:
        cue = modifier.modifier_span
        if _overlaps(cue, own):
            continue
        if modifier.category == "NEGATED_EXISTENCE" and any(_overlaps(cue, t) for t in targets):
            continue
        categories.add(modifier.category)
    return categories


def _reason(categories: set[str]) -> str | None:
    """Why ConText sets a span aside, or None when it describes a current problem."""
    if "NEGATED_EXISTENCE" in categories:
        return "negated"
    if "HYPOTHETICAL" in categories:
        return "hypothetical"
    if "RECENT" in categories:
        return None
    if "FAMILY_HISTORY" in categories or ("FAMILY" in categories and categories & {"HISTORICAL", "AGE_AT_EVENT"}):
        return "family history"
    if "HISTORICAL" in categories:
        return "historical"
    if "CHRONIC" in categories:
        return "long-standing"
    return None


def _decide(rules: tuple[Rule, ...], findings: list[Finding], demoted: list[Demoted]) -> TriageResult:
    rank = {level: i for i, level in enumerate(LEVELS)}
    level = max((f.level for f in findings), key=rank.__getitem__, default="routine")
    blocked = any(d.reason in BLOCKS_SELF_CARE and rank[d.finding.level] > rank["self_care"] for d in demoted)
    if level == "self_care" and blocked:
        level = "routine"
    deciding = tuple(f for f in findings if f.level == level)
    advice_of = {rule.id: rule.advice for rule in rules}
    advice = list(dict.fromkeys(advice_of[f.rule_id] for f in deciding)) or [DEFAULT_ADVICE[level]]
    return TriageResult(level, deciding, tuple(demoted), " ".join(advice))


def _pipeline(pack: RulePack):
    from loguru import logger

    logger.disable("PyRuSH")  # imported by medspacy; its DEBUG lines would flood stderr
    import spacy
    from medspacy.context import ConText, ConTextRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    context = ConText(nlp, name="curbside_context", rules=None, prune_on_target_overlap=False,
                      input_span_type="group", span_group_name=SPAN_GROUP)
    defaults = ConTextRule.from_json(context.DEFAULT_RULES_FILEPATH)
    context.add([rule for rule in defaults if rule.literal not in pack.drop_default])
    # medspaCy rebuilds the document text for every regular-expression cue, so cues that act
    # alike (category, direction, scope) are joined into one alternation: a third as many scans.
    groups: dict[tuple, list] = {}
    for cue in pack.context:
        groups.setdefault((cue.category, cue.direction, cue.max_scope), []).append(cue)
    context.add([ConTextRule(" / ".join(c.literal for c in cues), category, direction=direction, max_scope=scope,
                             pattern="|".join(f"(?:{c.pattern})" for c in cues))
                 for (category, direction, scope), cues in groups.items()])
    return nlp, context


@functools.lru_cache(maxsize=1)
def default_triager() -> Triager:
    """The process-wide triager over the packaged rules (about 3 s to build the first time)."""
    return Triager(load_rules(DEFAULT_PATH))


def triage(text: str) -> TriageResult:
    return default_triager()(text)
