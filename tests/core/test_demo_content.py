"""The demo corpus is what the README promises: enough of it, and marked as demo content."""

from collections import Counter

from curbside import records as r
from curbside.demo import DEMO_SOURCE_NAME, demo_archive
from curbside.ingest import check_references, read_path


def test_demo_corpus_size_and_marking():
    batch = read_path(demo_archive())
    check_references(batch, lambda kind, ident: False)  # self-contained
    kinds = batch.count_by_kind()
    threads = [x for x in batch.records if isinstance(x, r.Thread)]
    doctors = {x.id: x for x in batch.records if isinstance(x, r.Doctor)}
    assert kinds["thread"] >= 40 and kinds["topic"] >= 12 and kinds["guide"] >= 3
    assert len({doctors[t.reply.doctor].specialty for t in threads}) >= 8
    assert all(t.source and t.source.name == DEMO_SOURCE_NAME for t in threads)
    assert all(g.source.name == DEMO_SOURCE_NAME for g in batch.records if isinstance(g, r.Guide))
    assert all("fictional" in (d.hospital or "") for d in doctors.values())
    assert Counter(t.question.asked_for for t in threads)["self"] < len(threads)  # proxy questions too
