"""More Info on the site: built from the thread's cited sources, every citation opens a real
source, a reviewed version stays frozen until a source changes, and publishing a reply
builds it through a recorded job."""

import pytest

from curbside.web.qa import enrichment, indexing
from curbside.web.qa import models as m


def sentences(value):
    for section in value["sections"]:
        yield from ((section["key"], s) for s in section.get("sentences", []))


@pytest.fixture
def enriched(indexed, run_cli):
    status, out, err = run_cli("enrich", "--all")
    assert status == 0, err
    return indexed


def test_every_answered_thread_gets_a_fully_cited_more_info(enriched):
    answered = m.Thread.objects.filter(status="answered")
    rows = m.Generated.objects.filter(field="more_info", thread__in=answered)
    assert rows.count() == answered.count()
    for row in rows:
        assert row.method == "rules"
        cited = list(sentences(row.value))
        assert cited, row.thread_id
        for key, sentence in cited:
            assert sentence["cite"], f"uncited sentence in {row.thread_id} ({key}): {sentence['text']}"
            assert all(0 <= i < len(row.value["citations"]) for i in sentence["cite"])
        assert any(key == "red_flags" for key, _ in cited), f"{row.thread_id} has no warning signs"


def test_citations_open_real_sources(client, enriched):
    seed = enriched
    data = client.get(f"/qa/{seed.id}.json").json()
    citations = data["more_info"]["citations"]
    kinds = {c["kind"] for c in citations}
    assert {"thread", "rule"} <= kinds
    for citation in citations:
        response = client.get(citation["url"], follow=True)
        assert response.status_code == 200, citation
    assert any(c["kind"] == "thread" and c["id"] == seed.id for c in citations), "the thread's own reply is cited"
    page = client.get(f"/qa/{seed.id}/", follow=True).content.decode()
    assert "Assembled by" in page and "Warning signs: when to see a doctor" in page and "Sources" in page


def test_a_reviewed_more_info_is_frozen_until_its_sources_change(enriched):
    seed = enriched
    row = m.Generated.objects.get(thread=seed, field="more_info")
    m.Generated.objects.filter(pk=row.pk).update(reviewed_by=seed.reply.doctor, reviewed_at=row.created_at)
    assert enrichment.enrich_thread(seed.id) == "frozen"
    assert m.Generated.objects.get(pk=row.pk).reviewed_by_id == seed.reply.doctor_id

    m.Reply.objects.filter(thread=seed).update(body=seed.reply.body + " Rest and less caffeine often help.")
    assert enrichment.enrich_thread(seed.id) == "built"
    rebuilt = m.Generated.objects.get(pk=row.pk)
    assert rebuilt.reviewed_by_id is None, "a changed source needs a new review"
    assert "caffeine" in str(rebuilt.value)


@pytest.mark.django_db(transaction=True)
def test_publishing_a_reply_builds_more_info_through_a_job(run_cli, seed_page, seed_guide):
    from curbside.web.service import workflow
    from curbside.web.service.models import Account

    assert run_cli("import", seed_page, seed_guide)[0] == 0
    indexing.process_jobs()
    neuro = m.Specialty.objects.get(pk="neurology")
    moderator = workflow.sign_up("mod", "mod@example.org", "a-long-enough-passphrase")
    Account.objects.filter(user=moderator).update(role="moderator")
    moderator.refresh_from_db()
    doctor = workflow.sign_up_doctor("neuro", "n@example.org", "a-long-enough-passphrase", name="Neuro",
                                     specialty=neuro, hospital="H", licence_number="L")
    workflow.set_doctor_standing(moderator, doctor.pk, verified=True)
    asker = workflow.sign_up("asker", "a@example.org", "a-long-enough-passphrase")
    workflow.verify_email(asker)
    question = workflow.submit(asker, workflow.Draft(
        "Eyelid twitch", "My eyelid twitches when I am tired, for two weeks now.", "self", "30~39",
        "female", "owl", "neurology"))
    workflow.approve(moderator, question.pk)
    workflow.claim(doctor, question.pk)
    workflow.publish_reply(doctor, question.pk, "This is eyelid myokymia, usually harmless. Sleep and less "
                                                "caffeine help. See a doctor if your eyelid droops.")
    assert not m.EnrichJob.objects.filter(done_at__isnull=True).exists()
    more_info = m.Generated.objects.get(thread_id=question.pk, field="more_info")
    assert question.pk in [c["id"] for c in more_info.value["citations"]]


def test_enriched_content_survives_export_and_import(enriched, run_cli, tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run_cli("export", first)[0] == 0
    status, _, err = run_cli("import", first)
    assert status == 0, err
    assert run_cli("export", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert '"assembled_by"' in first.read_text() and '"cite"' in first.read_text()
