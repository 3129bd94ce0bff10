"""Enrichment on the site: a thread's More Info (and title and topics) from its sources, and
topic guides. The composing happens in the core (curbside.enrich); this module gathers the
sources from the database and the search engine, stores the result, and keeps a reviewed
version frozen until its sources change.

Publishing a reply records an EnrichJob in the same transaction; it runs after commit, and
`curbside enrich` picks up any job a crash left pending. `curbside enrich --all` does every
answered thread.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Callable

from django.db import transaction
from django.utils import timezone

from curbside.enrich import sources as src
from curbside.enrich.more_info import compose_more_info
from curbside.safety.rules import load_rules
from curbside.web.qa import indexing
from curbside.web.qa import models as m
from curbside.web.qa.store import records_of

SIMILAR_SOURCES = 3
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


def passage_candidates(thread: m.Thread, topic_names: list[str]) -> list:
    """Trusted passages about what the thread is about: those whose focus the thread names."""
    text = f"{thread.title}\n{thread.body}\n" + "\n".join(topic_names)
    focuses = [f for f in displayable_focuses() if re.search(rf"\b{re.escape(f)}\b", text, re.IGNORECASE)]
    if not focuses:
        return []
    rows = (m.Passage.objects.exclude(licence__icontains=src.NOT_FOR_DISPLAY)
            .filter(focus__in=focuses).order_by("pk")[:PASSAGE_SOURCES])
    return src.passage_sources(records_of("passage", rows))


def displayable_focuses() -> list[str]:
    """Focus terms of the passages that may be shown, longest first (most specific wins)."""
    rows = (m.Passage.objects.exclude(licence__icontains=src.NOT_FOR_DISPLAY).exclude(focus__isnull=True)
            .values_list("focus", flat=True).distinct())
    return sorted({f.strip() for f in rows if f and len(f.strip()) > 3}, key=len, reverse=True)


def sources_hash(candidates: list, topic_names: list[str]) -> str:
    """Changes when any source text, the topics or the rule pack changes."""
    digest = hashlib.sha256()
    for candidate in candidates:
        digest.update(json.dumps([candidate.citation.kind, candidate.citation.id, candidate.text]).encode())
    digest.update(json.dumps([topic_names, red_flag_rules().version, red_flag_rules().source]).encode())
    return digest.hexdigest()


def enrich_thread(thread_id: str) -> str:
    """(Re)build the thread's More Info; returns what happened: "built", "frozen" or "skipped"."""
    thread = (m.Thread.objects.filter(pk=thread_id, status="answered", reply__isnull=False)
              .select_related("reply__doctor__specialty").first())
    if thread is None:
        return "skipped"
    topic_names = [tt.topic.name for tt in thread.thread_topics.select_related("topic")]
    candidates = [reply_source_of(thread), *passage_candidates(thread, topic_names),
                  *similar_reply_sources(thread)]
    fingerprint = sources_hash(candidates, topic_names)
    current = m.Generated.objects.filter(thread=thread, field="more_info").first()
    if current is not None and current.reviewed_by_id and current.sources_hash == fingerprint:
        return "frozen"  # a doctor reviewed exactly this; nothing it was made from has changed
    record = thread_record(thread)
    more_info = compose_more_info(record, record.reply, candidates, red_flag_rules(), topic_names=topic_names)
    provenance = more_info.provenance(timezone.now())
    m.Generated.objects.update_or_create(
        thread=thread, field="more_info",
        defaults={"id": current.id if current else f"{thread.id}-more_info", "value": more_info.value,
                  "method": provenance.method, "generator": provenance.generator,
                  "created_at": provenance.created_at, "sources": list(provenance.sources),
                  "sources_hash": fingerprint, "reviewed_by": None, "reviewed_at": None})
    return "built"


# ---------------------------------------------------------------- jobs

def record_enrichment(thread_ids) -> None:
    """Call inside the transaction that publishes or changes the threads."""
    m.EnrichJob.objects.bulk_create([m.EnrichJob(thread_id=t) for t in thread_ids])
    transaction.on_commit(process_jobs)


def process_jobs(progress: Callable[[int, int], None] | None = None) -> int:
    pending = list(m.EnrichJob.objects.filter(done_at__isnull=True).order_by("id"))
    thread_ids = list(dict.fromkeys(job.thread_id for job in pending))
    for done, thread_id in enumerate(thread_ids, 1):
        with transaction.atomic():
            enrich_thread(thread_id)
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
