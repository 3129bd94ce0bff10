"""`curbside import` / `export` against the real database: idempotent, all-or-nothing,
byte-identical round trips."""

import json

import pytest

from curbside.demo import demo_archive
from curbside.web.qa import models as m

from .conftest import empty_database, snapshot

pytestmark = pytest.mark.django_db


def test_round_trip_is_byte_identical(run_cli, seed_page, seed_guide, tmp_path):
    status, _, err = run_cli("import", seed_page, seed_guide, demo_archive())
    assert status == 0, err
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert run_cli("export", first)[0] == 0
    empty_database()
    assert m.Thread.objects.count() == 0
    assert run_cli("import", first)[0] == 0
    assert run_cli("export", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text().splitlines()[0]) == {"format": "curbside-archive", "version": 1}


def test_reimport_adds_nothing(run_cli, seed_page, seed_guide):
    run_cli("import", seed_page, seed_guide)
    before = snapshot()
    status, out, _ = run_cli("import", seed_page, seed_guide)
    assert status == 0
    assert " 0 new" in out and "updated" in out
    assert all(f"{n} new" not in out for n in range(1, 10))
    assert snapshot() == before


def test_import_updates_by_id(run_cli, tmp_path):
    archive = tmp_path / "a.jsonl"
    header = '{"format": "curbside-archive", "version": 1}\n'
    archive.write_text(header + '{"kind": "specialty", "id": "neurology", "name": "Neurology"}\n')
    run_cli("import", archive)
    archive.write_text(header + '{"kind": "specialty", "id": "neurology", "name": "Neurology (nerves)"}\n')
    status, out, _ = run_cli("import", archive)
    assert status == 0 and "1 updated" in out
    assert m.Specialty.objects.get().name == "Neurology (nerves)"


HEADER = '{"format": "curbside-archive", "version": 1}'
GOOD = '{"kind": "specialty", "id": "cardiology", "name": "Cardiology"}'
BAD_INPUTS = {
    "broken_json": ([HEADER, GOOD, '{"kind": "specialty", "id": '], ":3: not valid JSON"),
    "missing_field": ([HEADER, GOOD, '{"kind": "doctor", "id": "d", "specialty": "cardiology"}'],
                      ":3: doctor 'd': missing required key 'name' in 'doctor'"),
    "unknown_version": (['{"format": "curbside-archive", "version": 9}', GOOD], ":1: unsupported archive version 9"),
    "unknown_specialty": ([HEADER, GOOD, '{"kind": "doctor", "id": "d", "name": "D", "specialty": "astrology"}'],
                          ":3: doctor 'd': unknown specialty 'astrology' (not in this import and not in the database)"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_stops_with_file_line_and_writes_nothing(run_cli, seed_page, tmp_path, case):
    run_cli("import", seed_page)
    before = snapshot()
    lines, message = BAD_INPUTS[case]
    path = tmp_path / f"{case}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, err = run_cli("import", seed_page, path)  # a good file first: it must not land either
    assert status == 1
    assert f"{path}{message}" in err
    assert "Nothing was imported or written." in err
    assert snapshot() == before


def test_unreadable_file_writes_nothing(run_cli, tmp_path):
    before = snapshot()
    status, _, err = run_cli("import", tmp_path / "missing.jsonl")
    assert status == 1 and "missing.jsonl: cannot read the file" in err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"format": "curbside-archive", "version": 1}\n\xff\xfe\x00')
    status, _, err = run_cli("import", binary)
    assert status == 1 and "binary.jsonl:2: not UTF-8 text" in err
    assert snapshot() == before


def test_a_crash_part_way_through_leaves_nothing(bench_dir):
    """Records are written in chunks; a failure after the first chunk must roll all of them back."""
    from curbside.ingest import read_path
    from curbside.web.qa.store import CHUNK, import_batch

    batch = read_path(bench_dir / "medquad-xml" / "6_NINDS_QA")
    assert len(batch.records) > CHUNK
    written = []

    def crash_after_first_chunk(n):
        written.append(n)
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        import_batch(batch, progress=crash_after_first_chunk)
    assert written == [CHUNK]
    assert m.Passage.objects.count() == 0


def test_export_to_a_missing_folder_fails_cleanly(run_cli, tmp_path):
    status, _, err = run_cli("export", tmp_path / "no" / "such" / "dir.jsonl")
    assert status == 1 and "the folder to write into does not exist" in err


def test_medquad_directory_import(run_cli, bench_dir, tmp_path):
    status, out, err = run_cli("import", bench_dir / "medquad-xml" / "9_CDC_QA")
    assert status == 0, err
    assert m.Passage.objects.count() > 100
    passage = m.Passage.objects.order_by("pk").first()
    assert passage.licence == "CC BY 4.0" and passage.url.startswith("http")
