"""More Info on the site: built from the thread's cited sources, every citation opens a real
source, a reviewed version stays frozen until a source changes, and publishing a reply
builds it through a recorded job."""

import re

import pytest

from curbside.web.qa import enrichment, indexing
from curbside.web.qa import models as m


def sentences(value):
    for section in value["sections"]:
        yield from ((section["key"], s) for s in section.get("sentences", []))


@pytest.fixture
def enriched(indexed, run_cli):
    # The seed page brings its own More Info; these tests are about the one Curbside builds.
    status, out, err = run_cli("enrich", "--all", "--replace-imported")
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


def test_a_doctor_of_the_specialty_reviews_more_info_and_a_guide(client, enriched, run_cli):
    from curbside.web.service import workflow
    from curbside.web.service.models import AuditEntry

    seed = enriched
    assert run_cli("build-guides")[0] == 0
    guide = m.Guide.objects.filter(topic_id="eyelid-twitching").exclude(generator="").get()
    moderator = workflow.sign_up("mod", "mod@example.org", "a-long-enough-passphrase")
    from curbside.web.service.models import Account

    Account.objects.filter(user=moderator).update(role="moderator")
    moderator.refresh_from_db()
    cardio = workflow.sign_up_doctor("cardio", "c@example.org", "a-long-enough-passphrase", name="Cardio",
                                     specialty=m.Specialty.objects.get(pk="cardiology"), hospital="H",
                                     licence_number="L")
    neuro = workflow.sign_up_doctor("neuro", "n@example.org", "a-long-enough-passphrase", name="Neuro",
                                    specialty=m.Specialty.objects.get(pk="neurology"), hospital="H",
                                    licence_number="L")
    for doctor in (cardio, neuro):
        workflow.verify_email(doctor.user)
        workflow.set_doctor_standing(moderator, doctor.pk, verified=True)

    client.force_login(cardio.user)
    assert client.post(f"/review/more-info/{seed.id}/").status_code == 404, "another specialty's content"
    client.force_login(neuro.user)
    assert client.post(f"/review/more-info/{seed.id}/").status_code == 302
    assert client.post(f"/review/guide/{guide.pk}/").status_code == 302
    row = m.Generated.objects.get(thread=seed, field="more_info")
    assert row.reviewed_by_id == neuro.pk
    page = client.get(f"/guides/{guide.pk}/").content.decode()
    assert "Last reviewed" in page and "Dr. Neuro" in page
    assert AuditEntry.objects.filter(action="generated.reviewed", object_id=seed.id).exists()
    assert run_cli("build-guides")[0] == 0
    assert m.Guide.objects.get(pk=guide.pk).reviewed_by_id == neuro.pk, "frozen while its sources are unchanged"


def test_built_guides_cite_every_sentence(enriched, run_cli, client):
    assert run_cli("build-guides")[0] == 0
    built = m.Guide.objects.exclude(generator="")
    assert built.exists()
    for guide in built:
        for section in guide.sections.all():
            for block in section.blocks:
                assert re.search(r"\[\d+\]$", block["text"]), f"uncited in {guide.pk}: {block['text']}"
                for number in re.findall(r"\[(\d+)\]", block["text"]):
                    assert 1 <= int(number) <= len(guide.citations)
        for citation in client.get(f"/guides/{guide.pk}.json").json()["guide"]["citations"]:
            assert client.get(citation["url"], follow=True).status_code == 200


def test_enrichment_titles_the_thread_and_assigns_related_faq(enriched, client):
    seed = enriched
    title = m.Generated.objects.get(thread=seed, field="title")
    assert title.method in ("rules", "imported") and title.value
    demo = m.Thread.objects.get(pk="demo-q001")
    demo_title = m.Generated.objects.get(thread=demo, field="title").value
    assert "Twitch" in demo_title and demo_title != demo.title
    assert "eyelid-twitching" in demo.thread_topics.values_list("topic_id", flat=True)
    titles = list(m.Generated.objects.filter(field="title", method="rules").values_list("value", flat=True))
    assert len(titles) == len(set(titles)), "unique within the site"
    page = client.get(f"/qa/{demo.pk}/", follow=True).content.decode()
    assert demo_title in page


def test_an_llm_draft_is_kept_only_when_every_sentence_is_supported(enriched, settings):
    """CURBSIDE_LLM_URL names a stand-in model on 127.0.0.1: first faithful, then with an invented dose."""
    import dataclasses
    import threading

    from curbside.enrich.faithfulness import sentences_of
    from tests.core.test_llm_draft import FakeModel, numbered

    seed = enriched
    originals = sentences_of(m.Generated.objects.get(thread=seed, field="more_info").value)
    server = FakeModel()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        settings.CONFIG = dataclasses.replace(settings.CONFIG, llm_url=server.url, llm_model="stand-in", llm_timeout=5)
        server.script.append(("reply", numbered(originals)))
        enrichment.enrich_thread(seed.id)
        kept = m.Generated.objects.get(thread=seed, field="more_info")
        assert (kept.method, kept.generator) == ("llm", "curbside-rules-1 + stand-in (checked)")

        invented = list(originals)
        invented[0] = "Take 800 mg of ibuprofen three times a day [1]."
        server.script.append(("reply", numbered(invented)))
        enrichment.enrich_thread(seed.id)
        refused = m.Generated.objects.get(thread=seed, field="more_info")
        assert refused.method == "rules" and "800 mg" not in str(refused.value)
        assert len(server.requests) == 2
    finally:
        server.shutdown()
        server.server_close()


def test_enrich_all_grows_the_topic_taxonomy_from_focus_terms(enriched):
    new = m.Topic.objects.exclude(pk__in=[t.id for t in _demo_topics()])
    assert new.exists(), "focus terms shared by 3 or more threads become topics"
    for topic in new:
        assert m.ThreadTopic.objects.filter(topic=topic).count() >= 1


def _demo_topics():
    from curbside.demo import demo_archive
    from curbside.ingest import read_path
    from curbside.records import Topic

    return [r for r in read_path(demo_archive()).records if isinstance(r, Topic)]


def test_similar_qa_shows_readable_titles_as_the_seed_does(enriched, client):
    seed = enriched
    similar = client.get(f"/qa/{seed.id}.json").json()["similar"]
    assert similar
    titles = dict(m.Generated.objects.filter(field="title").values_list("thread_id", "value"))
    for entry in similar:
        assert entry["title"] == titles.get(entry["id"], m.Thread.objects.get(pk=entry["id"]).title)
