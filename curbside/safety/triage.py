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
from dataclasses import asdict, dataclass, field

from curbside.errors import ConfigError
from curbside.safety.clinical import Knowledge, default_knowledge
from curbside.safety.patient import Patient, language_of, read_patient
from curbside.safety.rules import DEFAULT_PATH, LEVELS, Rule, RulePack, load_rules

SPAN_GROUP = "curbside_triage"
DEFAULT_ADVICE = {
    "routine": ("Your question joins the queue and a doctor will reply here. If new symptoms appear or "
                "you get worse, see a doctor or call a health advice line."),
    "self_care": ("This usually gets better with self-care, and a pharmacist can advise. Your question "
                  "joins the queue and a doctor will reply. See a doctor if it gets worse or does not settle."),
}
# Reasons that still block a self_care answer: the question mentions a red flag, even if set aside.
# "co-finding set aside" does not block: "headache, no vomiting" is a headache without the red flag.
BLOCKS_SELF_CARE = {"hypothetical", "historical", "family history", "long-standing"}
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
class ClinicalFinding:
    """A concept found in the text (or a measured vital sign past a threshold), with the
    modifiers written in the same sentence."""
    concept: str
    label: str
    text: str
    start: int
    end: int
    modifiers: tuple[str, ...] = ()
    source: str = "text"  # text, or the vital-sign threshold's source


@dataclass(frozen=True)
class Decision:
    """What decided the level: a discriminator, or a lay-wording rule of the rule pack."""
    id: str
    level: str
    kind: str  # general, presentation or lay wording
    source: str
    because: tuple[str, ...]


@dataclass(frozen=True)
class TriageResult:
    level: str
    findings: tuple[Finding, ...]
    demoted: tuple[Demoted, ...]
    advice: str
    decided_by: tuple[Decision, ...] = ()
    clinical: tuple[ClinicalFinding, ...] = ()
    set_aside: tuple[tuple[ClinicalFinding, str], ...] = ()
    patient: dict = field(default_factory=dict)
    language: str = "en"
    needs_staff: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    def explain(self) -> str:
        """One line: the level, what decided it and the findings behind it."""
        deciding = ", ".join(f"{d.id} [{'; '.join(d.because)}]" for d in self.decided_by) or "nothing matched"
        found = ", ".join(f.concept + "".join(f"+{m}" for m in f.modifiers) for f in self.clinical)
        return f"{self.level}: {deciding}; findings: {found or 'none'}"


class Triager:
    """The rule pack, the clinical knowledge and a ConText pipeline; call it with a question."""

    def __init__(self, pack: RulePack, knowledge: Knowledge | None = None):
        self.pack = pack
        self.knowledge = knowledge or default_knowledge()
        _check_explained_rules(pack, self.knowledge)
        self.nlp, self.context = _pipeline(pack)

    def __call__(self, text: str, age_band: str | None = None, sex: str | None = None) -> TriageResult:
        reading = self.read(text, age_band, sex)
        return decide(self.pack.rules, self.knowledge, reading)

    def fired(self, text: str, age_band: str | None = None, sex: str | None = None) -> list[Decision]:
        """Every discriminator and lay-wording rule that fires, at any level."""
        reading = self.read(text, age_band, sex)
        return _lay_decisions(self.pack.rules, reading.rule_findings) + _discriminator_decisions(self.knowledge, reading)

    def analyse(self, text: str) -> tuple[list[Finding], list[Demoted]]:
        """Every lay-wording rule finding of every level, and those set aside."""
        reading = self.read(text)
        return reading.rule_findings, reading.rule_demoted

    def read(self, text: str, age_band: str | None = None, sex: str | None = None) -> "Reading":
        clean = text.translate(_QUOTES)
        lowered = _lower(clean)
        matches = []
        for rule in self.pack.rules:
            spans = _spans(rule.matcher, lowered)
            co = _spans(rule.co_matcher, lowered) if spans and rule.co_matcher else []
            if spans and (co or not rule.co_matcher):
                matches.append((rule.id, spans, co))
        concept_spans = [(concept, _spans(concept.matcher, lowered)) for concept in self.knowledge.concepts
                         if concept.matcher is not None]
        concept_spans = [(c, spans) for c, spans in concept_spans if spans]
        doc, reasons = self._context_reasons(clean, matches + [("c:" + c.id, spans, []) for c, spans in concept_spans])
        reading = Reading(text=text, language=language_of(clean), patient=read_patient(lowered, age_band, sex))
        self._rule_findings(text, matches, reasons, reading)
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        modifiers = _modifier_spans(self.knowledge, lowered)
        for concept, spans in concept_spans:
            for span in spans:
                finding = ClinicalFinding(concept.id, concept.label, text[span[0]:span[1]], span[0], span[1])
                reason = reasons.get(("c:" + concept.id, "main", span))
                if reason is None:
                    reading.clinical.append(finding)
                else:
                    reading.set_aside.append((finding, reason))
        reading.clinical = _attach(reading.clinical, modifiers, sentences, lowered)
        if reading.language == "zh":
            found, aside = _read_chinese(self.knowledge, clean)
            reading.clinical += found
            reading.set_aside += aside
        reading.clinical += _vital_findings(self.knowledge, reading.patient)
        if reading.language == "unknown" and (reading.clinical or reading.rule_findings or reading.set_aside):
            reading.language = "en"  # terse clinical English ("facial droop, dysphasia") has few common words
        return reading

    def _rule_findings(self, text: str, matches, reasons: dict, reading: "Reading") -> None:
        levels = {rule.id: rule.level for rule in self.pack.rules}
        for rule_id, spans, co in matches:
            level = levels[rule_id]
            active_co = [span for span in co if reasons.get((rule_id, "co", span)) is None]
            for span in spans:
                finding = Finding(rule_id, level, text[span[0]:span[1]], span[0], span[1])
                reason = reasons.get((rule_id, "main", span))
                if reason == "long-standing" and level == "routine":
                    reason = None  # "for months" is what a routine duration rule looks for
                if reason is None and co and not active_co:
                    reason = "co-finding set aside"
                if reason is not None:
                    reading.rule_demoted.append(Demoted(finding, reason))
                    continue
                reading.rule_findings.append(finding)
                reading.rule_findings.extend(Finding(rule_id, level, text[s:e], s, e) for s, e in active_co[:1])

    def _context_reasons(self, text: str, matches):
        doc = self.nlp(text)
        keys, spans = [], []
        for key, main, co in matches:
            for role, group in (("main", main), ("co", co)):
                for start, end in group:
                    span = doc.char_span(start, end, label="finding", alignment_mode="expand")
                    if span is not None and len(span):
                        keys.append((key, role, (start, end)))
                        spans.append(span)
        doc.spans[SPAN_GROUP] = spans
        self.context(doc)
        targets = [(span.start, span.end) for span in spans]
        return doc, {key: _reason(_categories(span, targets)) for key, span in zip(keys, doc.spans[SPAN_GROUP])}


@dataclass
class Reading:
    """Everything found in one question, before a level is decided."""
    text: str
    language: str
    patient: Patient
    rule_findings: list[Finding] = field(default_factory=list)
    rule_demoted: list[Demoted] = field(default_factory=list)
    clinical: list[ClinicalFinding] = field(default_factory=list)
    set_aside: list[tuple[ClinicalFinding, str]] = field(default_factory=list)


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


GENERAL_EMERGENCY = ("If this is an emergency (trouble breathing, chest pain, a face drooping or weak arm, "
                     "heavy bleeding, someone collapsed or not responding, thoughts of suicide), call your "
                     "local emergency number now. Do not wait for a reply here.")
UNREAD_LANGUAGE = ("We could not read the language of this question, so a member of staff will look at it first. "
                   + GENERAL_EMERGENCY)
RANK = {level: i for i, level in enumerate(LEVELS)}
_PAIN_WORD = re.compile(r"\b(?:pain|ache|it|this|discomfort|severity)\b")
_NEGATED_BEFORE = re.compile(r"(?:\bno|\bnot|\bwithout|\bdenies|\bnor|\bnever)\s+(?:\w+\s+){0,2}$")
_PAIN_SCORE = re.compile(r"\b(\d{1,2})\s*(?:/|out of|over)\s*10\b")


def decide(rules: tuple[Rule, ...], knowledge: Knowledge, reading: Reading) -> TriageResult:
    """The level: the highest of the fired discriminators and lay-wording rules; self_care
    only when a self-limiting presentation is all there is."""
    decisions = _lay_decisions(rules, reading.rule_findings) + _discriminator_decisions(knowledge, reading)
    above = [d for d in decisions if d.level != "self_care"]
    if above and all(d.id in DURATION_RULES for d in above) and _recurrent_self_care(knowledge, decisions):
        above = []  # period pain or earwax for years is still self-care; the duration rule is about new problems
    if above and all(d.id in _explained(knowledge, decisions) for d in above):
        above = []  # feeling sick with period pain is part of period pain, not a new stomach problem
    level = max((d.level for d in above), key=RANK.__getitem__, default="routine")
    if not above and _self_care_allowed(knowledge, reading, decisions):
        level = "self_care"
    deciding = tuple(d for d in decisions if d.level == level)
    advice = _advice(rules, knowledge, deciding, level)
    needs_staff = reading.language == "unknown"
    if needs_staff:
        advice = f"{UNREAD_LANGUAGE} {advice}" if level != "emergency" else advice
    findings = tuple(f for f in reading.rule_findings if f.level == level)
    patient = asdict(reading.patient)
    patient["vitals"] = [asdict(v) for v in reading.patient.vitals]
    return TriageResult(level, findings, tuple(reading.rule_demoted), advice, deciding, tuple(reading.clinical),
                        tuple(reading.set_aside), patient, reading.language, needs_staff)


DURATION_RULES = frozenset({"persistent-symptoms"})


def _recurrent_self_care(knowledge: Knowledge, decisions: list[Decision]) -> bool:
    by_id = {d.id: d for d in knowledge.discriminators}
    return any(d.id in by_id and by_id[d.id].long_standing_ok for d in decisions)


def _check_explained_rules(pack: RulePack, knowledge: Knowledge) -> None:
    known = {rule.id for rule in pack.rules}
    for d in knowledge.discriminators:
        unknown = sorted(d.explains - known)
        if unknown:
            raise ConfigError(f"discriminator {d.id!r}: key 'explains': unknown lay-wording rule {unknown[0]!r}")


def _explained(knowledge: Knowledge, decisions: list[Decision]) -> set[str]:
    """Lay-wording rules accounted for by a self-limiting presentation that fired."""
    by_id = {d.id: d for d in knowledge.discriminators}
    return {rule for d in decisions if d.id in by_id for rule in by_id[d.id].explains}


def _lay_decisions(rules: tuple[Rule, ...], findings: list[Finding]) -> list[Decision]:
    by_id = {rule.id: rule for rule in rules}
    texts: dict[str, list[str]] = {}
    for finding in findings:
        texts.setdefault(finding.rule_id, []).append(finding.text)
    return [Decision(rule_id, by_id[rule_id].level, "lay wording", by_id[rule_id].source, tuple(dict.fromkeys(t)))
            for rule_id, t in texts.items()]


def _discriminator_decisions(knowledge: Knowledge, reading: Reading) -> list[Decision]:
    found: dict[str, list[ClinicalFinding]] = {}
    for finding in reading.clinical:
        found.setdefault(finding.concept, []).append(finding)
    groups = reading.patient.groups(knowledge.age_groups)
    decisions = []
    for rule in knowledge.discriminators:
        because = []
        for clause in rule.clauses:
            held = next((term for term in clause if _holds(term, found, groups)), None)
            if held is None:
                break
            because.append(str(held))
        else:
            decisions.append(Decision(rule.id, rule.level, rule.kind, rule.source, tuple(dict.fromkeys(because))))
    return decisions


def _holds(term, found: dict, groups: set[str]) -> bool:
    if term.group:
        return term.group in groups
    return any(set(term.modifiers) <= set(f.modifiers) for f in found.get(term.concept, ()))


def _self_care_allowed(knowledge: Knowledge, reading: Reading, decisions: list[Decision]) -> bool:
    """A self-limiting presentation with nothing else: no red flag, even one set aside as past
    or hypothetical, no vital sign past a threshold, no finding the presentation does not explain."""
    if not decisions:
        return False
    by_id = {d.id: d for d in knowledge.discriminators}
    recurrent = any(by_id[d.id].long_standing_ok for d in decisions if d.id in by_id)
    blocking = BLOCKS_SELF_CARE - ({"historical", "long-standing"} if recurrent else set())
    if any(d.reason in blocking and d.finding.level != "self_care" for d in reading.rule_demoted):
        return False
    if any(f.source != "text" for f in reading.clinical):
        return False
    lay = any(d.kind == "lay wording" for d in decisions)
    kinds = {c.id: c.kind for c in knowledge.concepts}
    allowed = set(knowledge.self_care_concepts) | (knowledge.lay_self_care_allow if lay else set())
    for decision in decisions:
        if decision.id in by_id:
            allowed |= by_id[decision.id].allow
    # Symptoms and signs need explaining; a condition or event ("postpartum", "a fall") does not.
    unexplained = {f.concept for f in reading.clinical if kinds.get(f.concept) in ("symptom", "sign")} - allowed
    return not unexplained and not _severe_symptom(reading, kinds)


def _severe_symptom(reading: Reading, kinds: dict[str, str]) -> bool:
    """NHS self-care pages share one line: see a doctor if it is severe."""
    return any("severe" in f.modifiers and kinds.get(f.concept) in ("symptom", "sign") for f in reading.clinical)


def _advice(rules: tuple[Rule, ...], knowledge: Knowledge, deciding: tuple[Decision, ...], level: str) -> str:
    advice_of = {rule.id: rule.advice for rule in rules} | {d.id: d.advice for d in knowledge.discriminators}
    advice = list(dict.fromkeys(advice_of[d.id] for d in deciding if advice_of.get(d.id)))
    return " ".join(advice) or DEFAULT_ADVICE[level]


def _modifier_spans(knowledge: Knowledge, lowered: str) -> list[tuple[str, int, int]]:
    spans = [(m.id, x.start(), x.end()) for m in knowledge.modifiers for x in m.matcher.finditer(lowered)
             if not _NEGATED_BEFORE.search(lowered, max(0, x.start() - 40), x.start())]
    spans += [("severe", x.start(), x.end()) for x in _PAIN_SCORE.finditer(lowered)
              if int(x.group(1)) >= knowledge.pain_score_severe]
    return spans


def _is_pain(concept: str) -> bool:
    return concept.endswith("pain") or concept == "headache"


def _attach(findings: list[ClinicalFinding], modifiers, sentences: list[tuple[int, int]],
            lowered: str) -> list[ClinicalFinding]:
    """Give each finding the modifiers written in its sentence. A sentence that only rates
    or times "the pain" ("Pain severity is 7 out of 10.") qualifies the pain named before it."""
    def sentence_of(position: int) -> int:
        return next((i for i, (s, e) in enumerate(sentences) if s <= position < e), len(sentences) - 1)

    by_sentence: dict[int, set[str]] = {}
    for mod_id, start, _ in modifiers:
        by_sentence.setdefault(sentence_of(start), set()).add(mod_id)
    pain_sentences = sorted({sentence_of(f.start) for f in findings if _is_pain(f.concept)})
    for index, mods in list(by_sentence.items()):
        has_pain = index in pain_sentences
        start, end = sentences[index] if sentences else (0, len(lowered))
        earlier = [i for i in pain_sentences if i < index]
        if not has_pain and earlier and _PAIN_WORD.search(lowered[start:end]):
            by_sentence.setdefault(earlier[-1], set()).update(mods & {"severe", "sudden", "worsening"})
    return [ClinicalFinding(f.concept, f.label, f.text, f.start, f.end,
                            tuple(sorted(by_sentence.get(sentence_of(f.start), ()))), f.source) for f in findings]


_ZH_SENTENCE = re.compile(r"[^。！？!?\n]+")
_ZH_CLAUSE = re.compile(r"[^，,；;。！？!?\n]+?(?=但是|但|可是|不過|不过|[，,；;。！？!?\n]|$)|(?:但是|但|可是|不過|不过)[^，,；;。！？!?\n]*")


def _read_chinese(knowledge: Knowledge, text: str):
    """Chinese wording: plain-string lexicon, with negation, hypothetical and history cues read
    in the clause before the finding (ConText's English cues do not apply)."""
    found, aside = [], []
    for sentence in _ZH_SENTENCE.finditer(text):
        mods = tuple(sorted({m.id for m in knowledge.modifiers if m.zh_matcher and m.zh_matcher.search(sentence.group())}))
        for clause in _ZH_CLAUSE.finditer(sentence.group()):
            offset = sentence.start() + clause.start()
            words = clause.group()
            for concept in knowledge.concepts:
                if concept.zh_matcher is None:
                    continue
                for match in concept.zh_matcher.finditer(words):
                    finding = ClinicalFinding(concept.id, concept.label, match.group(), offset + match.start(),
                                              offset + match.end(), mods)
                    reason = _zh_reason(knowledge, words, match.start(), match.end())
                    (found.append(finding) if reason is None else aside.append((finding, reason)))
    return found, aside


def _zh_reason(knowledge: Knowledge, clause: str, start: int, end: int) -> str | None:
    before = clause[:start]
    for reason, cues in (("negated", "negated"), ("hypothetical", "hypothetical"), ("historical", "historical")):
        if any(cue in before for cue in knowledge.zh_context[cues]):
            return reason
    return None


def _vital_findings(knowledge: Knowledge, patient: Patient) -> list[ClinicalFinding]:
    found = []
    for vital in patient.vitals:
        for rule in knowledge.vitals:
            if rule.measure != vital.measure or (rule.pregnant and not patient.pregnant):
                continue
            # With no age given, adult thresholds apply: most askers write about an adult.
            age = 30.0 if patient.age_years is None else patient.age_years
            if rule.age_range and not rule.age_range[0] <= age < rule.age_range[1]:
                continue
            if (rule.minimum is not None and vital.value >= rule.minimum) or \
                    (rule.maximum is not None and vital.value <= rule.maximum):
                found.append(ClinicalFinding(rule.finding, rule.label, vital.text, -1, -1, (), rule.source))
    return found


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


def triage(text: str, age_band: str | None = None, sex: str | None = None) -> TriageResult:
    return default_triager()(text, age_band, sex)
