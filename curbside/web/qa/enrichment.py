"""Enrichment on the site: a thread's More Info (and title and topics) from its sources, and
topic guides. The composing happens in the core (curbside.enrich); this module gathers the
sources from the database and the search engine, stores the result, and keeps a reviewed
version frozen until its sources change.

Publishing a reply records an EnrichJob in the same transaction; it runs after commit, and
`curbside enrich` picks up any job a crash left pending. `curbside enrich --all` does every
answered thread.

Provenance wins: what came with an imported page (its More Info, the titles it lists its Similar
Q&A under) is kept as it came, unless the operator asks `curbside enrich --all --replace-imported`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import lru_cache
from types import SimpleNamespace
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curbside.enrich import sources as src
from curbside.enrich.faithfulness import citation_sources, rephrase_or_keep
from curbside.enrich.fit import Urgency
from curbside.enrich.guides import compose_guide, has_enough_material
from curbside.enrich.llm import ChatClient
from curbside.enrich.titles import make_title, unique_titles
from curbside.enrich.topics import assign_topics, build_taxonomy
from curbside.enrich.more_info import compose_more_info
from curbside.safety.rules import load_rules
from curbside.safety.triage import triage
from curbside.web.qa import indexing
from curbside.web.qa import models as m
from curbside.web.qa.pages import displayable_passages
from curbside.web.qa.store import records_of

logger = logging.getLogger(__name__)
SIMILAR_SOURCES = 3
MAX_TOPICS = 9  # the seed page's Related FAQ lists up to nine
PASSAGE_SOURCES = 4


@lru_cache(maxsize=1)
def red_flag_rules():
    return load_rules()


def thread_record(thread: m.Thread):
    return next(records_of("thread", m.Thread.objects.filter(pk=thread.pk)))


def reply_source_of(thread: m.Thread):
    doctor = thread.reply.doctor
    record = thread_record(thread)
    return src.reply_source(record, next(records_of("doctor", [doctor])), doctor.specialty.name)


def similar_reply_sources(thread: m.Thread) -> list:
    engine = indexing.get_engine()
    if engine is None:
        return []
    query = None if thread.id in engine.row_of else f"{thread.title}\n{thread.body}"
    ids = [h.id for h in engine.similar(thread.id, k=SIMILAR_SOURCES, query=query)]
    found = m.Thread.objects.filter(pk__in=ids, status="answered", reply__isnull=False) \
        .select_related("reply__doctor__specialty").in_bulk()
    return [reply_source_of(found[i]) for i in ids if i in found]


def urgency_of(thread: m.Thread) -> Urgency:
    """The thread's triage level and advice as the site shows them: what the asker was shown
    when asking here (stored with the question), else the safety triage of the question as
    published (imported threads were never screened here)."""
    question = getattr(thread, "question", None)  # the service's Question; None for an imported thread
    stored = question.triage if question is not None else {}
    if stored.get("level"):
        return Urgency(stored["level"], stored.get("advice", ""), tuple(stored.get("rules", ())))
    result = triage(f"{thread.title}. {thread.body}", thread.age_band, thread.sex)
    return Urgency(result.level, result.advice, tuple(d.id for d in result.decided_by))


def passages_named_in(text: str) -> list:
    """Displayable passage records whose focus term the text names (at most PASSAGE_SOURCES)."""
    focuses = [f for f in displayable_focuses() if re.search(rf"\b{re.escape(f)}\b", text, re.IGNORECASE)]
    if not focuses:
        return []
    rows = displayable_passages().filter(focus__in=focuses).order_by("pk")[:PASSAGE_SOURCES]
    return list(records_of("passage", rows))


def passage_candidates(thread: m.Thread, topic_names: list[str]) -> list:
    """Trusted passages about what the thread is about: those whose focus the thread names."""
    text = f"{thread.title}\n{thread.body}\n" + "\n".join(topic_names)
    return src.passage_sources(passages_named_in(text))


def displayable_focuses() -> list[str]:
    """Focus terms of the passages that may be shown, longest first (most specific wins)."""
    rows = displayable_passages().exclude(focus__isnull=True).values_list("focus", flat=True).distinct()
    return sorted({f.strip() for f in rows if f and len(f.strip()) > 3}, key=len, reverse=True)


def sources_hash(candidates: list, topic_names: list[str]) -> str:
    """Changes when any source text, the topics or the rule pack changes."""
    digest = hashlib.sha256()
    for candidate in candidates:
        digest.update(json.dumps([candidate.citation.kind, candidate.citation.id, candidate.text]).encode())
    digest.update(json.dumps([topic_names, red_flag_rules().version, red_flag_rules().source]).encode())
    return digest.hexdigest()


def drafted(value: dict, candidates: list, provenance) -> tuple[dict, str, str]:
    """With CURBSIDE_LLM_URL set, the model may rephrase the assembled text; its draft is kept
    only if every sentence passes the support check, otherwise the assembled text stays."""
    config = settings.CONFIG
    if not config.llm_url:
        return value, provenance.method, provenance.generator
    client = ChatClient(config.llm_url, model=config.llm_model, api_key=config.llm_key,
                        timeout=config.llm_timeout)
    rule_texts = [SimpleNamespace(citation=SimpleNamespace(kind="rule", id=rule.id),
                                  text=" ".join((rule.advice, *rule.examples))) for rule in red_flag_rules().rules]
    result = rephrase_or_keep(value, citation_sources(value, [*candidates, *rule_texts]), client)
    if result.method != "llm":
        logger.info("More Info kept as assembled: %s", result.reason)
        return value, provenance.method, provenance.generator
    return result.value, "llm", f"{provenance.generator} + {config.llm_model} (checked)"


def assign_topics_to(thread: m.Thread) -> list[str]:
    """Related FAQ: imported or hand-set topics stay; Curbside's own assignment is redone."""
    taxonomy = tuple(records_of("topic", m.Topic.objects.order_by("pk")))
    chosen = [topic_id for topic_id, _ in assign_topics(f"{thread.title}. {thread.body}", taxonomy)]
    kept = list(thread.thread_topics.filter(auto=False).values_list("topic_id", flat=True))
    thread.thread_topics.filter(auto=True).delete()
    added = [t for t in chosen if t not in kept][:max(0, MAX_TOPICS - len(kept))]
    m.ThreadTopic.objects.bulk_create([m.ThreadTopic(thread=thread, topic_id=t, position=len(kept) + i, auto=True)
                                       for i, t in enumerate(added)])
    return kept + added


def title_imported(thread: m.Thread, existing: m.Generated | None) -> bool:
    """An imported title row, or an excerpt thread with none: an excerpt is a Similar Q&A entry
    of an imported page, and its title is the one that page listed it under."""
    return existing.method == "imported" if existing is not None else thread.excerpt


def titles_shown_elsewhere(thread: m.Thread) -> set[str]:
    """The titles other threads show in lists: their title rows, and the imported titles of
    excerpts that have none. A generated title that would repeat one of these is the one to yield."""
    rows = m.Generated.objects.filter(field="title").exclude(thread=thread).values_list("value", flat=True)
    listed = (m.Thread.objects.filter(excerpt=True).exclude(pk=thread.pk).exclude(generated__field="title")
              .values_list("title", flat=True))
    return {*rows, *listed}


def set_title(thread: m.Thread, topic_names: list[str], replace_imported: bool = False) -> None:
    """A readable title from the question's focus and intent, as on the seed's Similar Q&A."""
    existing = m.Generated.objects.filter(thread=thread, field="title").first()
    if title_imported(thread, existing) and not replace_imported:
        return  # a title that came with the page stays
    title = make_title(thread.title, thread.body, topic_names, age_band=thread.age_band,
                       asked_for=thread.asked_for)
    text = unique_titles({thread.id: title}, taken=titles_shown_elsewhere(thread))[thread.id]
    m.Generated.objects.update_or_create(thread=thread, field="title", defaults={
        "id": existing.id if existing else f"{thread.id}-title", "value": text, "method": "rules",
        "generator": "curbside-titles-1", "created_at": timezone.now(), "sources": [{"thread": thread.id}]})


def kept_as_imported(row: m.Generated | None, replace_imported: bool) -> bool:
    """An imported row is what the page said: generating never overwrites it unasked."""
    return row is not None and row.method == "imported" and not replace_imported


def enrich_thread(thread_id: str, replace_imported: bool = False) -> str:
    """(Re)build the thread's topics, title and More Info; returns "built", "frozen", "imported"
    (the page's own More Info stays) or "skipped"."""
    thread = (m.Thread.objects.filter(pk=thread_id, status="answered", reply__isnull=False)
              .select_related("reply__doctor__specialty").first())
    if thread is None:
        return "skipped"
    assign_topics_to(thread)
    topic_names = [tt.topic.name for tt in thread.thread_topics.select_related("topic")]
    set_title(thread, topic_names, replace_imported)
    topic_names = [tt.topic.name for tt in thread.thread_topics.select_related("topic")]
    current = m.Generated.objects.filter(thread=thread, field="more_info").first()
    if kept_as_imported(current, replace_imported):
        return "imported"
    candidates = [reply_source_of(thread), *passage_candidates(thread, topic_names),
                  *similar_reply_sources(thread)]
    fingerprint = sources_hash(candidates, topic_names)
    if current is not None and current.reviewed_by_id and current.sources_hash == fingerprint:
        return "frozen"  # a doctor reviewed exactly this; nothing it was made from has changed
    record = thread_record(thread)
    # The record carries the asker line (age band, sex, for whom) that More Info must fit.
    more_info = compose_more_info(record, record.reply, candidates, red_flag_rules(), topic_names=topic_names,
                                  urgency=urgency_of(thread))
    provenance = more_info.provenance(timezone.now())
    value, method, generator = drafted(more_info.value, candidates, provenance)
    m.Generated.objects.update_or_create(
        thread=thread, field="more_info",
        defaults={"id": current.id if current else f"{thread.id}-more_info", "value": value,
                  "method": method, "generator": generator,
                  "created_at": provenance.created_at, "sources": list(provenance.sources),
                  "sources_hash": fingerprint, "reviewed_by": None, "reviewed_at": None})
    return "built"


# ---------------------------------------------------------------- jobs

def record_enrichment(thread_ids) -> None:
    """Call inside the transaction that publishes or changes the threads."""
    m.EnrichJob.objects.bulk_create([m.EnrichJob(thread_id=t) for t in thread_ids])
    transaction.on_commit(process_jobs)


def process_jobs(progress: Callable[[int, int], None] | None = None, replace_imported: bool = False) -> int:
    """Run the pending jobs. Only an operator's `--replace-imported` sets ``replace_imported``:
    publishing a reply never replaces what an imported page said."""
    pending = list(m.EnrichJob.objects.filter(done_at__isnull=True).order_by("id"))
    thread_ids = list(dict.fromkeys(job.thread_id for job in pending))
    for done, thread_id in enumerate(thread_ids, 1):
        with transaction.atomic():
            enrich_thread(thread_id, replace_imported)
            m.EnrichJob.objects.filter(thread_id=thread_id, done_at__isnull=True, id__lte=pending[-1].id) \
                .update(done_at=timezone.now())
        if progress:
            progress(done, len(thread_ids))
    return len(thread_ids)


def enqueue_all() -> int:
    ids = list(m.Thread.objects.filter(status="answered", reply__isnull=False).order_by("pk")
               .values_list("pk", flat=True))
    m.EnrichJob.objects.bulk_create([m.EnrichJob(thread_id=t) for t in ids])
    return len(ids)


# ---------------------------------------------------------------- topic guides

GUIDE_THREADS = 12


def topic_threads(topic: m.Topic) -> list:
    rows = (m.Thread.objects.filter(status="answered", reply__isnull=False, thread_topics__topic=topic)
            .select_related("reply__doctor__specialty").order_by("-asked_at", "pk")[:GUIDE_THREADS])
    return [reply_source_of(t) for t in rows]


def topic_passages(topic: m.Topic) -> list:
    return passages_named_in(topic.name)


def cited_blocks(section: dict) -> list[dict]:
    """One paragraph block per sentence, its citations as [n] markers (archive-compatible)."""
    return [{"type": "paragraph", "text": s["text"] + "".join(f" [{i + 1}]" for i in s["cite"])}
            for s in section["sentences"]]


def build_guide(topic: m.Topic) -> str:
    """Build or refresh the topic's guide: "built", "frozen", "imported" (an imported guide holds
    its id and stays) or "skipped" (too little material)."""
    guide_id = f"guide-{topic.id}"
    existing = m.Guide.objects.filter(pk=guide_id).first()
    if existing is not None and not existing.generator:
        return "imported"  # only built guides have a generator; an imported one keeps what it said
    threads, passages = topic_threads(topic), topic_passages(topic)
    if not has_enough_material(threads, passages):
        return "skipped"
    fingerprint = sources_hash([*threads, *src.passage_sources(passages)], [topic.name])
    if existing is not None and existing.reviewed_by_id and existing.sources_hash == fingerprint:
        return "frozen"
    value = compose_guide(next(records_of("topic", m.Topic.objects.filter(pk=topic.pk))), threads, passages,
                          red_flag_rules())
    with transaction.atomic():
        guide, _ = m.Guide.objects.update_or_create(pk=guide_id, defaults={
            "title": value["title"], "topic": topic, "intro": [], "source_name": None, "source_url": None,
            "citations": value["citations"], "generator": value["assembled_by"], "created_at": timezone.now(),
            "sources_hash": fingerprint, "reviewed_by": None, "reviewed_at": None})
        guide.sections.all().delete()
        m.GuideSection.objects.bulk_create([
            m.GuideSection(guide=guide, position=i, heading=s["heading"], blocks=cited_blocks(s))
            for i, s in enumerate(value["sections"])])
    return "built"


def build_guides(progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    topics = list(m.Topic.objects.order_by("pk"))
    outcome = {"built": 0, "frozen": 0, "imported": 0, "skipped": 0}
    for done, topic in enumerate(topics, 1):
        outcome[build_guide(topic)] += 1
        if progress:
            progress(done, len(topics))
    return outcome


# ---------------------------------------------------------------- the topic taxonomy

def grow_taxonomy() -> int:
    """New topics from the focus terms of answered threads (a term in 3 or more threads), with
    their threads' most common specialty. Existing topics, imported or made by a moderator in
    /admin/, are kept as they are; moderators rename, merge or delete them there."""
    threads = list(records_of("thread", m.Thread.objects.filter(status="answered").order_by("pk")))
    specialty_of = dict(m.Reply.objects.values_list("thread_id", "doctor__specialty_id"))
    existing = list(records_of("topic", m.Topic.objects.order_by("pk")))
    known_specialties = set(m.Specialty.objects.values_list("pk", flat=True))
    new = [t for t in build_taxonomy(threads, existing, specialty_of) if not t.existing]
    m.Topic.objects.bulk_create([
        m.Topic(id=t.id, name=t.name, specialty_id=t.specialty if t.specialty in known_specialties else None)
        for t in new], ignore_conflicts=True)
    return len(new)
