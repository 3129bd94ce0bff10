"""The seed Q&A page reads into records carrying every element it shows."""

from datetime import datetime, timezone

import pytest

from curbside import records as r
from curbside.errors import InputError
from curbside.ingest import check_references, read_path
from curbside.ingest.seed_page import read_seed_page


def by_kind(batch, kind):
    return [rec for rec in batch.records if r.kind_of(rec) == kind]


@pytest.fixture
def batch(seed_page):
    return read_path(seed_page)


@pytest.fixture
def thread(batch):
    (main,) = [t for t in by_kind(batch, "thread") if not t.excerpt]
    return main


def test_question_and_asker(thread):
    assert thread.title == "Facial spasms"
    assert thread.question.body.startswith("Hello, recently I have been experiencing frequent twitching")
    assert thread.question.body.endswith("Should I see a doctor? Thank you.")
    assert thread.question.alias == "jeri"
    assert thread.question.age_band == "20~29"
    assert thread.question.sex == "female"
    assert thread.question.asked_at == datetime(2004, 8, 17, tzinfo=timezone.utc)


def test_reply_doctor_and_dates(batch, thread):
    doctors = {d.id: d for d in by_kind(batch, "doctor")}
    doctor = doctors[thread.reply.doctor]
    assert doctor.name == "Lai Lunxiang"
    assert doctor.specialty == "neurology"
    assert {s.name for s in by_kind(batch, "specialty")} == {"Neurology"}
    assert thread.reply.body.startswith("On the positive side")
    assert thread.reply.body.count("\n") == 2  # three reply lines
    assert thread.reply.replied_at == datetime(2004, 8, 17, tzinfo=timezone.utc)


def test_more_info(batch, thread):
    (more,) = [g for g in by_kind(batch, "generated") if g.field == "more_info"]
    assert more.thread == thread.id
    paragraphs = more.value["sections"][0]["paragraphs"]
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("Facial twitching, also known as facial spasms or myokymia")
    assert paragraphs[-1].startswith("In summary")
    assert more.provenance.method == "imported"


def test_similar_entries(batch, thread):
    (similar,) = [g for g in by_kind(batch, "generated") if g.field == "similar"]
    threads = {t.id: t for t in by_kind(batch, "thread")}
    doctors = {d.id: d for d in by_kind(batch, "doctor")}
    entries = [threads[i] for i in similar.value]
    assert [t.title for t in entries] == [
        "Understanding Facial Tics: When to Seek Medical Attention",
        "Understanding Facial Twitches: When to Seek Medical Advice",
        "Understanding Facial Twitching: Causes and When to Seek Help",
        "Understanding Facial Twitching: Causes and When to Seek Medical Help",
    ]
    assert [doctors[t.reply.doctor].name for t in entries] == ["Ye Boshou", "Jiang Junyi", "Hong Weibin", "Jiang Junyi"]
    assert all(doctors[t.reply.doctor].specialty == "neurology" for t in entries)
    assert all(t.excerpt and t.question.alias is None for t in entries)
    assert entries[0].question.body.startswith("I have been experiencing occasional involuntary twitching")
    assert entries[1].question.body.endswith("I became aware of this conditi...")
    assert entries[0].reply.body.startswith("It may be due to autonomic nervous system dysfunction")
    assert "[Read More]" not in entries[3].reply.body


def test_related_faq(batch, thread):
    topics = {t.id: t for t in by_kind(batch, "topic")}
    assert [topics[i].name for i in thread.topics] == [
        "Eyelid Twitching", "Muscle Twitching", "Involuntary Body Movements", "Facial Nerve Palsy", "Face",
        "Muscle Cramp", "Tremor", "Facial And Hand Numbness", "Tingling Sensation",
    ]
    assert {topics[i].specialty for i in thread.topics} == {"neurology"}


def test_unnamed_related_entry_is_reported_not_dropped_silently(batch):
    assert any("'(Neurology)' names no topic" in w for w in batch.warnings)


def test_references_resolve_within_the_page(batch):
    check_references(batch, lambda kind, ident: False)


def test_ids_are_stable(seed_page):
    assert [x.id for x in read_path(seed_page).records] == [x.id for x in read_path(seed_page).records]


def test_missing_reply_date_names_the_line(seed_page):
    lines = [line for line in seed_page.read_text(encoding="utf-8").splitlines() if not line.startswith("Reply Date")]
    with pytest.raises(InputError) as info:
        read_seed_page(lines, "page.txt", "page.txt")
    assert str(info.value).startswith("page.txt:")
    assert "Reply Date" in str(info.value)


def test_bad_similar_entry_names_the_line(seed_page):
    lines = seed_page.read_text(encoding="utf-8").splitlines()
    broken = [line.replace("Dr. Ye Boshou reply Neurology", "Ye Boshou answered") for line in lines]
    with pytest.raises(InputError, match=r"page\.txt:\d+: expected 'Dr\. NAME reply SPECIALTY'"):
        read_seed_page(broken, "page.txt", "page.txt")
