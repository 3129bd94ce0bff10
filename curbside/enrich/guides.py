"""Topic guides in the seed guide's sections, every sentence quoted from a cited source.

    if has_enough_material(threads_with_replies, passages):
        guide = compose_guide(topic, threads_with_replies, passages, load_rules())

``threads_with_replies`` are the topic's answered threads as sources
(``sources.reply_source``), best first; ``passages`` are trusted passages the caller chose
for the topic (those that may not be shown are dropped here). Replies come before passages:
they are the site's own doctors on this very topic. Sentences are picked and arranged by
``curbside.enrich.compose`` as for More Info; every reply is someone else's thread here, so
sentences about that person ("You mentioned ...", "his cough") are left out. "When to Seek
Professional Help" always holds the rule pack's warning signs for the topic. A section with
nothing to quote is left out, except that one.

The result is JSON in the shape of a ``Guide`` record plus the cited sentences:

    {"id", "title", "topic", "intro": [],
     "sections": [{"key", "heading", "sentences": [{"text", "cite"}], "blocks": [{"type", "text"}]}],
     "citations": [{"kind", "id", "name", "url"}], "assembled_by": "curbside-rules-1"}
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from curbside import records as r
from curbside.enrich import compose as c
from curbside.enrich.more_info import CUES
from curbside.enrich.redflags import red_flag_lines
from curbside.enrich.sources import SourceText, all_sentences, displayable_passages, passage_sources, rule_citation
from curbside.safety.rules import Rule, RulePack
from curbside.search.embed import Embedder

MIN_THREADS = 3
MIN_PASSAGES = 2
GUIDE_CUES = {
    "what_is": CUES["what_it_may_be"],
    "common_causes": CUES["common_causes"],
    "symptoms": re.compile(
        r"\b(?:symptoms?|signs?|feels? like|notice\w*|experienc\w*|may (?:have|feel|get|see)|"
        r"(?:typical|usual) (?:pattern|picture))\b", re.IGNORECASE),
    "immediate_relief": re.compile(
        r"\b(?:relie\w+|eas(?:e|es|ing)|sooth\w*|compress\w*|massag\w*|ice|cool\w*|pain ?relief|painkillers?|"
        r"paracetamol|acetaminophen|ibuprofen|drops|lubricating|rest|in the meantime|meanwhile|until (?:then|you)|"
        r"right away|at first|first)\b", re.IGNORECASE),
    "long_term": re.compile(
        r"\b(?:regular\w*|long[- ]term|lifestyle|exercis\w*|diet|routine|habits?|avoid\w*|cut(?:ting)? (?:back|down)|"
        r"reduc\w+|limit\w*|stop smoking|quit\w*|manag\w+|prevent\w*|over time|consistent|therapy|treatments?|"
        r"sleep\w*|weight)\b", re.IGNORECASE),
    "seek_help": CUES["red_flags"],
}
# A check ("a doctor may arrange blood tests") is a reason to be seen, so it joins seek_help.
GUIDE_CUES["seek_help"] = re.compile(f"{CUES['red_flags'].pattern}|{CUES['doctor_may_check'].pattern}",
                                     re.IGNORECASE)
PRECEDENCE = ("seek_help", "common_causes", "immediate_relief", "long_term", "symptoms", "what_is")


def sections_for(topic_name: str) -> tuple[c.SectionSpec, ...]:
    """The seed guide's headings for ``topic_name``."""
    verb = "Are" if is_plural(topic_name) else "Is"
    return (
        c.SectionSpec("what_is", f"What {verb} {topic_name}?", GUIDE_CUES["what_is"], 3),
        c.SectionSpec("common_causes", f"Common Causes of {topic_name}", GUIDE_CUES["common_causes"], 4),
        c.SectionSpec("symptoms", f"Identifying the Symptoms of {topic_name}", GUIDE_CUES["symptoms"], 3),
        c.SectionSpec("immediate_relief", "Immediate Relief", GUIDE_CUES["immediate_relief"], 3),
        c.SectionSpec("long_term", f"Long-Term Strategies for Managing {topic_name}", GUIDE_CUES["long_term"], 4),
        c.SectionSpec("seek_help", f"When to Seek Professional Help for {topic_name}", GUIDE_CUES["seek_help"], 3),
    )


SINGULAR_ENDINGS = ("ss", "is", "us", "ness", "ics")
SINGULAR_WORDS = {"diabetes", "herpes", "measles", "mumps", "rabies", "scabies", "shingles", "rickets", "lupus"}


def is_plural(name: str) -> bool:
    """'Facial Spasms' -> True; 'Eyelid Twitching', 'Sinusitis', 'Diabetes' -> False."""
    last = (name.split() or [""])[-1].lower()
    return last.endswith("s") and not last.endswith(SINGULAR_ENDINGS) and last not in SINGULAR_WORDS


def has_enough_material(threads_with_replies: Sequence[SourceText], passages: Iterable[r.Passage]) -> bool:
    """A guide needs at least 3 answered threads, or 1 answered thread and 2 displayable passages.

    Fewer sources would give a guide that only repeats one reply; a thread is required so
    that every guide stands on at least one answer from the site's own doctors.
    """
    threads = len(threads_with_replies)
    return threads >= MIN_THREADS or (threads >= 1 and len(displayable_passages(passages)) >= MIN_PASSAGES)


def compose_guide(topic: r.Topic, threads_with_replies: Sequence[SourceText], passages: Iterable[r.Passage],
                  red_flag_rules: RulePack | Iterable[Rule], *, embedder: Embedder | None = None) -> dict:
    """A guide for ``topic`` from its threads' replies and passages; see the module docstring."""
    sources = list(threads_with_replies) + passage_sources(passages)
    titles = " ".join(s.question.split("\n", 1)[0] for s in threads_with_replies)
    questions = " ".join(s.question for s in threads_with_replies)
    pool = c.candidates(all_sentences(sources, own_thread=None), own_thread=None)
    c.score_relevance(pool, c.query_weights(f"{topic.name} {titles}", questions), embedder, topic.name)
    # The topic's replies are on the topic by assignment; passages must show it.
    pool = c.without_conflicts(c.eligible(pool, dense=embedder is not None, always=("thread",)))
    specs = sections_for(topic.name)
    chosen = c.assign(pool, specs, PRECEDENCE)
    filled = {key: [c.quoted(x) for x in picked] for key, picked in chosen.items()}
    topic_texts = [s.text for s in threads_with_replies]
    filled["seek_help"] = filled.get("seek_help", []) + [
        c.Quoted(line.text, tuple(rule_citation(i) for i in line.rule_ids))
        for line in red_flag_lines(red_flag_rules, topic_texts, [topic.name])]
    sections, citations = c.compose(specs, filled)
    return {
        "id": f"guide-{topic.id}",
        "title": f"{topic.name}: Causes, Relief and When to Seek Help",
        "topic": topic.id,
        "intro": [],
        "sections": [with_blocks(s) for s in sections if s["sentences"]],
        "citations": citations.to_list(),
        "assembled_by": c.ASSEMBLED_BY,
    }


def with_blocks(section: dict) -> dict:
    """The guide record's shape: the plain paragraph (with [n] markers) as a block."""
    blocks = [{"type": "paragraph", "text": text} for text in section.pop("paragraphs")]
    return {**section, "blocks": blocks}
