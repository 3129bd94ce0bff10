"""Move records (curbside.records) in and out of the database.

``import_batch`` is the only writer used by ``curbside import``: it checks references and
that no thread gets a second generated record for one field, then upserts every record by id
inside one transaction, so a failure writes nothing. The same transaction queues the index
jobs for the threads it changes, so an import killed after its commit leaves them for the
next command; after the commit the import brings the index up to date, jobs an earlier
killed run left included.
``all_records`` reads everything back as records for ``curbside export``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone
from typing import Callable, Iterable, Iterator

from django.db import transaction

from curbside import records as r
from curbside.ingest.archive import more_info_value
from curbside.ingest import check_one_generated_per_field, check_references
from curbside.web.qa import indexing
from curbside.web.qa import models as m

CHUNK = 500
MODEL_OF_KIND = {
    "specialty": m.Specialty, "doctor": m.Doctor, "topic": m.Topic, "passage": m.Passage,
    "thread": m.Thread, "guide": m.Guide, "generated": m.Generated,
}


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


# ---------------------------------------------------------------- records -> rows

# Columns the archive does not carry: an import must leave them as the site set them.
SITE_ONLY_FIELDS = {
    "doctor": {"user", "licence_number", "suspended"},
    "guide": {"citations", "generator", "created_at", "sources_hash", "reviewed_by", "reviewed_at"},
    "generated": {"sources_hash"},
}


def specialty_row(rec: r.Specialty) -> m.Specialty:
    return m.Specialty(id=rec.id, name=rec.name)


def doctor_row(rec: r.Doctor) -> m.Doctor:
    return m.Doctor(id=rec.id, name=rec.name, specialty_id=rec.specialty,
                    hospital=rec.hospital, verified=rec.verified)


def topic_row(rec: r.Topic) -> m.Topic:
    return m.Topic(id=rec.id, name=rec.name, specialty_id=rec.specialty)


def passage_row(rec: r.Passage) -> m.Passage:
    return m.Passage(id=rec.id, source=rec.source, licence=rec.licence, text=rec.text, url=rec.url,
                     question=rec.question, focus=rec.focus, question_type=rec.question_type,
                     synonyms=list(rec.synonyms))


def thread_row(rec: r.Thread) -> m.Thread:
    q = rec.question
    return m.Thread(
        id=rec.id, title=rec.title, status=rec.status, excerpt=rec.excerpt, body=q.body,
        alias=q.alias, age_band=q.age_band, sex=q.sex, asked_for=q.asked_for, asked_at=q.asked_at,
        source_name=rec.source.name if rec.source else None,
        source_url=rec.source.url if rec.source else None,
    )


def guide_row(rec: r.Guide) -> m.Guide:
    return m.Guide(
        id=rec.id, title=rec.title, topic_id=rec.topic, intro=[block_json(b) for b in rec.intro],
        source_name=rec.source.name if rec.source else None,
        source_url=rec.source.url if rec.source else None,
    )


def generated_row(rec: r.Generated) -> m.Generated:
    p = rec.provenance
    value = list(rec.value) if rec.field == "similar" else json_copy(rec.value)
    return m.Generated(
        id=rec.id, thread_id=rec.thread, field=rec.field, value=value, method=p.method,
        generator=p.generator, created_at=p.created_at, sources=[dict(s) for s in p.sources],
        reviewed_by_id=rec.reviewed_by, reviewed_at=rec.reviewed_at,
    )


ROW_OF_KIND: dict[str, Callable] = {
    "specialty": specialty_row, "doctor": doctor_row, "topic": topic_row, "passage": passage_row,
    "thread": thread_row, "guide": guide_row, "generated": generated_row,
}


def block_json(block: r.Block) -> dict:
    if block.type == "list":
        return {"type": "list", "items": list(block.items)}
    return {"type": "paragraph", "text": block.text}


def json_copy(value):
    if isinstance(value, (list, tuple)):
        return [json_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- writing

def exists(kind: str, ident: str) -> bool:
    return MODEL_OF_KIND[kind].objects.filter(pk=ident).exists()


def stored_generated(batch: r.Batch) -> dict[tuple[str, str], str]:
    """(thread, field) -> id of the generated records stored for the batch's threads."""
    threads = sorted({rec.thread for rec in batch.records if isinstance(rec, r.Generated)})
    stored: dict[tuple[str, str], str] = {}
    for start in range(0, len(threads), CHUNK):
        rows = m.Generated.objects.filter(thread_id__in=threads[start:start + CHUNK])
        stored.update({(thread, field): ident for thread, field, ident in rows.values_list("thread_id", "field", "id")})
    return stored


def import_batch(batch: r.Batch, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Check and write ``batch`` in one transaction; ``progress(n)`` after each n records."""
    summary = ImportSummary()
    with transaction.atomic():
        # Even when nothing changed: an earlier import killed before its index build left
        # its jobs queued, and re-running it is what a person does next.
        transaction.on_commit(indexing.catch_up)
        check_references(batch, exists)
        check_one_generated_per_field(batch, stored_generated(batch))
        for kind, _ in r.KIND_ORDER:
            records = [rec for rec in batch.records if r.kind_of(rec) == kind]
            for start in range(0, len(records), CHUNK):
                chunk = records[start:start + CHUNK]
                write_chunk(kind, chunk, summary)
                if progress:
                    progress(len(chunk))
    return summary


def write_chunk(kind: str, records: list[r.Record], summary: ImportSummary) -> None:
    model = MODEL_OF_KIND[kind]
    ids = [rec.id for rec in records]
    stored = {rec.id: rec for rec in records_of(kind, model.objects.filter(pk__in=ids))}
    changed = [rec for rec in records if stored.get(rec.id) != rec]
    created = sum(1 for rec in changed if rec.id not in stored)
    summary.created[kind] = summary.created.get(kind, 0) + created
    summary.updated[kind] = summary.updated.get(kind, 0) + len(changed) - created
    summary.unchanged[kind] = summary.unchanged.get(kind, 0) + len(records) - len(changed)
    if not changed:
        return
    rows = [ROW_OF_KIND[kind](rec) for rec in changed]
    update_fields = [f.name for f in model._meta.concrete_fields
                     if not f.primary_key and f.name not in SITE_ONLY_FIELDS.get(kind, ())]
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["id"], update_fields=update_fields)
    if kind == "thread":
        write_thread_parts(changed)
        indexing.record_change([rec.id for rec in changed])
    elif kind == "guide":
        write_guide_sections(changed)


def write_thread_parts(threads: list[r.Thread]) -> None:
    ids = [t.id for t in threads]
    # Replies are upserted, not deleted and re-created: a delete would fire the reply
    # signals and queue a second index job for threads this import already queued.
    m.Reply.objects.filter(thread_id__in=[t.id for t in threads if t.reply is None]).delete()
    m.Reply.objects.bulk_create([
        m.Reply(thread_id=t.id, doctor_id=t.reply.doctor, body=t.reply.body, replied_at=t.reply.replied_at)
        for t in threads if t.reply
    ], update_conflicts=True, unique_fields=["thread"], update_fields=["doctor", "body", "replied_at"])
    m.ThreadTopic.objects.filter(thread_id__in=ids).delete()
    m.ThreadTopic.objects.bulk_create([
        m.ThreadTopic(thread_id=t.id, topic_id=topic, position=i)
        for t in threads for i, topic in enumerate(t.topics)
    ])


def write_guide_sections(guides: list[r.Guide]) -> None:
    m.GuideSection.objects.filter(guide_id__in=[g.id for g in guides]).delete()
    m.GuideSection.objects.bulk_create([
        m.GuideSection(guide_id=g.id, position=i, heading=s.heading, blocks=[block_json(b) for b in s.blocks])
        for g in guides for i, s in enumerate(g.sections)
    ])


# ---------------------------------------------------------------- rows -> records

def utc(value):
    return value.astimezone(timezone.utc).replace(microsecond=0) if value else None


def source_of(row) -> r.Source | None:
    return r.Source(name=row.source_name, url=row.source_url) if row.source_name else None


def block_record(data: dict) -> r.Block:
    if data["type"] == "list":
        return r.Block(type="list", items=tuple(data["items"]))
    return r.Block(type="paragraph", text=data["text"])


def thread_record(row: m.Thread) -> r.Thread:
    reply = getattr(row, "reply", None)  # a missing reverse one-to-one raises AttributeError
    return r.Thread(
        id=row.id, title=row.title, status=row.status, excerpt=row.excerpt,
        question=r.Question(body=row.body, alias=row.alias, asked_at=utc(row.asked_at),
                            age_band=row.age_band, sex=row.sex, asked_for=row.asked_for),
        reply=r.Reply(doctor=reply.doctor_id, body=reply.body, replied_at=utc(reply.replied_at)) if reply else None,
        topics=tuple(tt.topic_id for tt in row.thread_topics.all()),
        source=source_of(row),
    )


def generated_record(row: m.Generated) -> r.Generated:
    value = row.value
    if row.field == "similar":
        value = tuple(value)
    elif row.field == "more_info":
        value = more_info_value(value, "value")  # the reader's own shape, so records compare equal
    return r.Generated(
        id=row.id, thread=row.thread_id, field=row.field, value=value,
        provenance=r.Provenance(method=row.method, generator=row.generator, created_at=utc(row.created_at),
                                sources=tuple(row.sources)),
        reviewed_by=row.reviewed_by_id, reviewed_at=utc(row.reviewed_at),
    )


def records_of(kind: str, rows) -> Iterator[r.Record]:
    if kind == "specialty":
        yield from (r.Specialty(id=x.id, name=x.name) for x in rows)
    elif kind == "doctor":
        yield from (r.Doctor(id=x.id, name=x.name, specialty=x.specialty_id, hospital=x.hospital,
                             verified=x.verified) for x in rows)
    elif kind == "topic":
        yield from (r.Topic(id=x.id, name=x.name, specialty=x.specialty_id) for x in rows)
    elif kind == "passage":
        yield from (r.Passage(id=x.id, source=x.source, licence=x.licence, text=x.text, url=x.url,
                              question=x.question, focus=x.focus, question_type=x.question_type,
                              synonyms=tuple(x.synonyms)) for x in rows)
    elif kind == "thread":
        yield from (thread_record(x) for x in rows.select_related("reply").prefetch_related("thread_topics"))
    elif kind == "guide":
        yield from (r.Guide(id=x.id, title=x.title, topic=x.topic_id,
                            intro=tuple(block_record(b) for b in x.intro),
                            sections=tuple(r.GuideSection(heading=s.heading,
                                                          blocks=tuple(block_record(b) for b in s.blocks))
                                           for s in x.sections.all()),
                            source=source_of(x))
                    for x in rows.prefetch_related("sections"))
    elif kind == "generated":
        yield from (generated_record(x) for x in rows)


def all_records() -> Iterable[r.Record]:
    for kind, _ in r.KIND_ORDER:
        yield from records_of(kind, MODEL_OF_KIND[kind].objects.order_by("pk"))
