"""More Info for a thread: the seed page's explainer, with every sentence quoted and cited.

    value = compose_more_info(thread, thread.reply, candidates, load_rules()).value

``candidates`` are sources in priority order, chosen by the caller with the search engine:
the thread's own reply first (``sources.reply_source``), then trusted passages
(``sources.passage_sources``, which drops text that may not be shown) and replies on
similar threads. Sentences are picked and arranged by ``curbside.enrich.compose``; the
red-flag section always holds the rule pack's warning signs for the thread
(``curbside.enrich.redflags``). The summary is in the doctor's own words (see
``summary_sentences``).

Sentences from other sources must fit the person the thread is about and its triage level
(``curbside.enrich.fit``); the thread's own reply always counts. An emergency opens with its
triage advice and has no self-care section.

The value is JSON:

    {"sections": [{"key", "heading", "sentences": [{"text", "cite": [0, ...]}], "paragraphs": [...]}],
     "citations": [{"kind", "id", "name", "url"}], "assembled_by": "curbside-rules-1"}

``cite`` holds indexes into ``citations``; ``paragraphs`` is the same text with [n]
markers for a renderer that only knows paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from curbside import records as r
from curbside.enrich import compose as c
from curbside.enrich import fit
from curbside.enrich.contradiction import contradiction, reply_position
from curbside.enrich.contradiction import default_rules as contradiction_rules
from curbside.enrich.redflags import RuleLine, red_flag_lines, rules_of
from curbside.enrich.sources import Citation, SourceText, all_sentences, rule_citation
from curbside.safety.rules import Rule, RulePack
from curbside.search.embed import Embedder

CUES = {
    "doctor_may_check": re.compile(
        r"\b(?:examin\w*|physical exam|tests?|testing|scans?|mri|ct|x-rays?|ultrasound|biops\w+|imaging|swab|"
        r"ecg|ekg|electrocardiogram|endoscop\w*|colonoscop\w*|diagnos\w*|assess\w*|evaluat\w*|look in|"
        r"listen to|measur\w*|check (?:your|the|for|this|whether|if|that)|refer\w*)\b", re.IGNORECASE),
    "red_flags": re.compile(
        r"\b(?:see (?:a|your|the|her|his) (?:doctor|gp|physician|specialist|health ?care)|seek\w*|emergency|"
        r"urgent\w*|immediately|straight away|right away|same-day|call (?:\d+|your|an|emergency|for)|"
        r"go to (?:a|an|the|your) (?:emergency|hospital|a&e|er|urgent)|warning signs?|red flags?|"
        r"book (?:a visit|an appointment)|get (?:it |this |yourself )?checked|medical (?:attention|advice|help|care)|"
        r"if (?:it|they|this|symptoms?|the \w+) (?:\w+ ){0,4}?(?:worse|persists?|continues?|lasts|spreads|"
        r"(?:does not|doesn't|do not|don't) (?:improve|settle|go away)))\b", re.IGNORECASE),
    "common_causes": re.compile(
        r"\b(?:caused by|causes?|causing|due to|triggers?|triggered|brought on|set off|sets off|bring (?:it|them) on|"
        r"results? (?:from|of)|resulting from|linked (?:to|with)|associated with|risk factors?|leads? to|"
        r"stems? from|make (?:it|them) more likely|reasons? for|because of)\b", re.IGNORECASE),
    "self_care": re.compile(
        r"\b(?:rest|resting|avoid\w*|try\w*|cut(?:ting)? (?:back|down)|reduc\w+|limit\w*|drink\w*|fluids?|"
        r"sleep\w*|exercis\w*|stretch\w*|compress\w*|ice|over-the-counter|pain ?relief|painkillers?|paracetamol|"
        r"acetaminophen|ibuprofen|lubricating|drops|breaks?|protect\w*|keep\w*|stop smoking|quit\w*|diet|eat\w*|"
        r"relax\w*|home remed\w*|self-care|pharmac\w+|manag\w+)\b", re.IGNORECASE),
    "what_it_may_be": re.compile(
        r"\b(?:(?:is|are) (?:a|an|the|usually|often|very|generally|typically|commonly|common|rare|called|known)|"
        r"known as|called|refers? to|sounds? (?:very much |a lot )?like|likely|probably|harmless|benign|"
        r"condition|disorder|syndrome|disease|means|a (?:type|form|kind) of|(?:is|are|occurs|happens) when|"
        r"common|points? to|suggest\w*|signs? of)\b", re.IGNORECASE),
}
SECTIONS = (
    c.SectionSpec("what_it_may_be", "What it may be", CUES["what_it_may_be"], 3),
    c.SectionSpec("common_causes", "Common causes", CUES["common_causes"], 3),
    c.SectionSpec("red_flags", "Warning signs: when to see a doctor", CUES["red_flags"], 2),
    c.SectionSpec("doctor_may_check", "What a doctor may check", CUES["doctor_may_check"], 3),
    c.SectionSpec("self_care", "Self-care meanwhile", CUES["self_care"], 3),
    c.SectionSpec("summary", "Summary", None, 2),
)
# A sentence that names a test belongs with the checks even if it also says "see a doctor";
# definitions come last because their cue words are the most general.
PRECEDENCE = ("doctor_may_check", "red_flags", "common_causes", "self_care", "what_it_may_be")
# Filled with the triage advice, above everything else; the heading is the one the asker saw.
EMERGENCY = c.SectionSpec("emergency", "This may be an emergency", None, 0)


@dataclass(frozen=True)
class MoreInfo:
    value: dict  # the JSON value described at the top of this module
    citations: tuple[Citation, ...]

    def provenance(self, created_at: datetime | None = None) -> r.Provenance:
        return r.Provenance(method="rules", generator=c.ASSEMBLED_BY, created_at=created_at,
                            sources=tuple(provenance_source(ct) for ct in self.citations))


def provenance_source(citation: Citation) -> dict:
    if citation.kind in ("thread", "passage"):
        return {citation.kind: citation.id}
    return {"name": f"{citation.name}: {citation.id}", "url": citation.url}


def compose_more_info(thread: r.Thread, reply: r.Reply | None, candidates: Sequence[SourceText],
                      red_flag_rules: RulePack | Iterable[Rule], *, topic_names: Sequence[str] = (),
                      embedder: Embedder | None = None, urgency: fit.Urgency | None = None) -> MoreInfo:
    """More Info for ``thread`` from ``candidates`` (highest priority first) and the rule pack.

    ``reply`` is the thread's reply (None for an unanswered thread); ``topic_names`` are the
    names of the thread's topics, used to find the red-flag rules of the topic; ``embedder``
    adds MiniLM similarity to lexical relevance (slower; off by default); ``urgency`` is the
    thread's triage as the site shows it (None: no level to keep to).
    """
    level = urgency.level if urgency else None
    question = f"{thread.title}\n{thread.question.body}"
    reply_text = reply.body if reply else ""
    pool = agreeing_with_reply(c.candidates(all_sentences(candidates, thread.id), thread.id))
    # Topic names are curated focus terms ("Muscle Twitching"): they count as much as the question.
    c.score_relevance(pool, c.query_weights(f"{question}\n{' '.join(topic_names)}", reply_text), embedder, question)
    # Left out before conflicts are settled, so a misfit cannot push out a sentence that fits.
    pool = fit.fitting(pool, fit.person_of(thread), level)
    pool = c.without_conflicts(c.eligible(pool, dense=embedder is not None))
    chosen = c.assign(pool, SECTIONS, PRECEDENCE)
    filled = {key: [c.quoted(x) for x in picked] for key, picked in chosen.items()}
    rules = [c.Quoted(line.text, tuple(rule_citation(i) for i in line.rule_ids))
             for line in red_flag_lines(red_flag_rules, [reply_text, question], topic_names)
             if agrees(line, red_flag_rules, level)]
    filled["red_flags"] = filled.get("red_flags", []) + rules
    used = {id(x) for picked in chosen.values() for x in picked}
    filled["summary"] = [c.quoted(x) for x in summary_sentences(pool, used)] or rules[:1]
    if level == "emergency":
        # The doctor's own self-care words are for this person in this emergency (what to do
        # while help comes): they follow the advice rather than go with the section.
        own_care = [c.quoted(x) for x in chosen.get("self_care", []) if x.own]
        filled["emergency"] = fit.emergency_opening(urgency, red_flag_rules) + own_care
    sections, citations = c.compose(sections_for(level), filled)
    value = {"sections": sections, "citations": citations.to_list(), "assembled_by": c.ASSEMBLED_BY}
    return MoreInfo(value, tuple(citations.items))


def sections_for(level: str | None) -> tuple[c.SectionSpec, ...]:
    """An emergency opens with its advice and has no self-care: nothing may suggest managing
    it at home first. Self-care sentences are still assigned (and so not shown elsewhere);
    those of the thread's own reply join the advice."""
    if level != "emergency":
        return SECTIONS
    return (EMERGENCY, *(spec for spec in SECTIONS if spec.key != "self_care"))


def agrees(line: RuleLine, red_flag_rules: RulePack | Iterable[Rule], level: str | None) -> bool:
    level_of = {rule.id: rule.level for rule in rules_of(red_flag_rules)}
    return fit.rule_line_fits(line.text, [level_of.get(i, "") for i in line.rule_ids], level)


def agreeing_with_reply(pool: list[c.Candidate]) -> list[c.Candidate]:
    """This thread's doctor decides: a sentence from another source that takes the other side
    of anything the reply takes a side on (a scan, antibiotics, whether it is serious) is left
    out. The reply's own sentences are never judged."""
    rules = contradiction_rules()
    position = reply_position([x.sentence.text for x in pool if x.own], rules)
    return [x for x in pool if x.own or contradiction(x.sentence.text, (), rules, position) is None]


def summary_sentences(pool: list[c.Candidate], used: set[int]) -> list[c.Candidate]:
    """The doctor's own words: up to two sentences of the reply that no section used, else its opening.

    A summary restates, so when every sentence of the reply is already above, the opening
    sentence (replies lead with the answer) is repeated. Without a reply, the most relevant
    sentence found stands in.
    """
    own = [x for x in pool if x.own] or sorted(pool, key=lambda x: (-x.score, x.order))[:1]
    left = sorted((x for x in own if id(x) not in used), key=lambda x: (-x.score, x.order))[:2]
    return sorted(left, key=lambda x: x.order) or sorted(own, key=lambda x: x.order)[:1]
