"""Provenance wins (issue 13, point 6): what came with an imported page (its More Info, its
Similar Q&A and the titles they are listed under, an imported guide) is never replaced or
renamed by what Curbside generates, unless the operator asks: `curbside enrich --all
--replace-imported`. A generated title that would repeat an imported one is the one that yields."""

import json

from curbside.demo import demo_archive
from curbside.enrich.titles import make_title
from curbside.web.qa import models as m
from curbside.web.qa.pages import generated_titles


def import_ok(run_cli, *paths):
    status, _, err = run_cli("import", *paths)
    assert status == 0, err


def enrich_ok(run_cli, *flags):
    status, _, err = run_cli("enrich", "--all", *flags)
    assert status == 0, err


def seed_thread() -> m.Thread:
    return m.Thread.objects.get(title="Facial spasms")


def similar_ids(thread: m.Thread) -> list[str]:
    return list(m.Generated.objects.get(thread=thread, field="similar").value)


def shown_titles(thread_ids) -> dict[str, str]:
    """The titles the Similar Q&A list shows: a generated title where there is one, as the page does."""
    readable = generated_titles(thread_ids)
    return {t.id: readable.get(t.id, t.title) for t in m.Thread.objects.filter(pk__in=thread_ids)}


def imported_of(thread: m.Thread) -> str:
    """The thread's imported rows, its Similar Q&A entries and their shown titles, as bytes to compare
    (a rebuilt row would lose method "imported", so it drops out and the bytes differ)."""
    ids = similar_ids(thread)
    return json.dumps({
        "generated": list(m.Generated.objects.filter(thread=thread, method="imported").order_by("field").values()),
        "threads": list(m.Thread.objects.filter(pk__in=[thread.id, *ids]).order_by("pk").values()),
        "shown": shown_titles(ids),
    }, sort_keys=True, default=str)


def test_enrich_all_keeps_the_seed_pages_more_info_and_similar_qa(db, run_cli, seed_page):
    import_ok(run_cli, demo_archive(), seed_page)
    seed = seed_thread()
    assert m.Generated.objects.get(thread=seed, field="more_info").method == "imported"
    before = imported_of(seed)

    enrich_ok(run_cli)

    assert imported_of(seed) == before
    assert m.Generated.objects.filter(thread=seed, field="title").exclude(method="imported").exists(), \
        "the seed's own question still gets a readable title: it came with none"


def test_replace_imported_rebuilds_the_seed_pages_more_info(db, run_cli, seed_page):
    import_ok(run_cli, seed_page)
    seed = seed_thread()

    enrich_ok(run_cli, "--replace-imported")

    more_info = m.Generated.objects.get(thread=seed, field="more_info")
    assert more_info.method != "imported"
    assert more_info.value["citations"], "rebuilt from cited sources"
    entries = similar_ids(seed)
    assert set(generated_titles(entries)) == set(entries), "the Similar Q&A entries get generated titles"


def test_a_generated_title_equal_to_an_imported_one_yields(db, run_cli, seed_page):
    import_ok(run_cli, seed_page)
    seed = seed_thread()
    imported = shown_titles(similar_ids(seed))

    enrich_ok(run_cli)

    topics = [tt.topic.name for tt in seed.thread_topics.select_related("topic")]
    plain = make_title(seed.title, seed.body, topics, age_band=seed.age_band, asked_for=seed.asked_for).text
    assert plain.casefold() in {t.casefold() for t in imported.values()}, \
        "precondition: the seed's own title would repeat one of its Similar Q&A titles"
    generated = m.Generated.objects.get(thread=seed, field="title").value
    assert generated.casefold() not in {t.casefold() for t in imported.values()}
    assert shown_titles(list(imported)) == imported, "the imported title is not renamed"


def test_build_guides_keeps_an_imported_guide(db, run_cli, tmp_path):
    """An imported guide whose id is the one `build-guides` gives its topic's guide is kept."""
    import_ok(run_cli, demo_archive())
    lines = demo_archive().read_text().splitlines()
    guide = next(json.loads(line) for line in lines if '"kind": "guide"' in line and "eyelid-twitching" in line)
    archive = tmp_path / "guide.jsonl"
    archive.write_text(lines[0] + "\n" + json.dumps({**guide, "id": "guide-eyelid-twitching"}) + "\n")
    import_ok(run_cli, archive)
    enrich_ok(run_cli)
    kept = m.Guide.objects.get(pk="guide-eyelid-twitching")
    before = json.dumps([m.Guide.objects.filter(pk=kept.pk).values()[0],
                         list(kept.sections.values("heading", "blocks"))], default=str)

    status, out, err = run_cli("build-guides")

    assert status == 0, err
    assert json.dumps([m.Guide.objects.filter(pk=kept.pk).values()[0],
                       list(kept.sections.values("heading", "blocks"))], default=str) == before
