"""The archive reader is strict and names FILE:LINE; the writer is canonical."""

import io
import json

import pytest

from curbside import records as r
from curbside.errors import InputError
from curbside.ingest import check_references, read_path
from curbside.ingest.archive import read_archive, write_archive

HEADER = '{"format": "curbside-archive", "version": 1}'
SPECIALTY = '{"kind": "specialty", "id": "neurology", "name": "Neurology"}'
DOCTOR = '{"kind": "doctor", "id": "dr-a", "name": "A", "specialty": "neurology"}'
THREAD = json.dumps({
    "kind": "thread", "id": "t1", "title": "Twitching eyelid", "status": "answered",
    "question": {"body": "My eyelid twitches.", "alias": "kim", "asked_at": "2025-01-02T03:04:05Z",
                 "age_band": "30~39", "sex": "female", "asked_for": "self"},
    "reply": {"doctor": "dr-a", "body": "Usually harmless.", "replied_at": "2025-01-03T00:00:00Z"},
})


def read(*lines):
    return read_archive(list(lines), "a.jsonl")


def test_reads_records_with_defaults():
    batch = read(HEADER, SPECIALTY, DOCTOR, THREAD)
    doctor = batch.records[1]
    assert doctor == r.Doctor(id="dr-a", name="A", specialty="neurology", hospital=None, verified=False)
    assert batch.origins[2] == ("a.jsonl", 4)


def test_write_is_canonical_and_round_trips():
    batch = read(HEADER, THREAD, DOCTOR, SPECIALTY)
    out = io.StringIO()
    write_archive(batch.records, out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line).get("kind") for line in lines] == [None, "specialty", "doctor", "thread"]
    again = io.StringIO()
    write_archive(read_archive(lines, "b").records, again)
    assert again.getvalue() == out.getvalue()


@pytest.mark.parametrize("lines, expected", [
    ([HEADER, SPECIALTY, '{"kind": "doctor", "id": '], "a.jsonl:3: not valid JSON"),
    (['{"format": "curbside-archive", "version": 2}'], "a.jsonl:1: unsupported archive version 2"),
    (['{"kind": "specialty"}'], "a.jsonl:1: missing archive header"),
    ([HEADER, '{"kind": "specialty", "name": "X"}'], "a.jsonl:2: missing required key 'id' in 'specialty'"),
    ([HEADER, '{"kind": "specialty", "id": "x", "name": "X", "colour": "red"}'], "a.jsonl:2: specialty 'x': unknown key 'colour'"),
    ([HEADER, '{"kind": "planet", "id": "x"}'], "a.jsonl:2: planet 'x': unknown kind 'planet'"),
    ([HEADER, '{"kind": "specialty", "id": "has space", "name": "X"}'], "a.jsonl:2: specialty 'has space': 'id' must be an id"),
    ([HEADER, THREAD.replace("2025-01-02T03:04:05Z", "2025-02-30T00:00:00Z")], "a.jsonl:2: thread 't1': 'asked_at' is not a real date"),
    ([HEADER, THREAD.replace('"female"', '"woman"')], "'sex' must be one of female, male, other, unspecified"),
    ([HEADER, THREAD.replace('"2025-01-03T00:00:00Z"', '"2024-01-03T00:00:00Z"')], "'replied_at' is before 'asked_at'"),
    ([HEADER, THREAD.replace('"status": "answered"', '"status": "open"')], "an open thread cannot have a 'reply'"),
    ([HEADER, THREAD.replace('"alias": "kim"', '"alias": null')], "'alias' may be null only when 'excerpt' is true"),
    ([HEADER, THREAD.replace('"30~39"', '"39~30"')], "'age_band' '39~30' runs backwards"),
])
def test_errors_name_file_line_and_problem(lines, expected):
    with pytest.raises(InputError) as info:
        read(*lines)
    assert expected in str(info.value)


def test_unknown_specialty_reference():
    batch = read(HEADER, DOCTOR)
    with pytest.raises(InputError, match=r"a\.jsonl:2: doctor 'dr-a': unknown specialty 'neurology'"):
        check_references(batch, lambda kind, ident: False)
    check_references(batch, lambda kind, ident: (kind, ident) == ("specialty", "neurology"))


def test_conflicting_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text("\n".join([HEADER, SPECIALTY, SPECIALTY.replace('"Neurology"', '"Nerves"')]) + "\n")
    with pytest.raises(InputError, match=r"dup\.jsonl:3: specialty 'neurology' is defined differently at .*dup\.jsonl:2"):
        read_path(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read the file"):
        read_path(tmp_path / "nope.jsonl")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(HEADER.encode() + b"\n" + '{"kind": "specialty", "id": "x", "name": "Caf\xe9"}'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.jsonl:2: not UTF-8 text"):
        read_path(path)


def test_unrecognised_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\nand more words.\n")
    with pytest.raises(InputError, match=r"notes\.txt:1: not a format curbside reads"):
        read_path(path)


def test_same_record_in_two_files_is_imported_once(tmp_path):
    from curbside.ingest import read_paths

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(f"{HEADER}\n{SPECIALTY}\n")
    b.write_text(f"{HEADER}\n{SPECIALTY}\n{DOCTOR}\n")
    batch = read_paths([a, b])
    assert [rec.id for rec in batch.records] == ["neurology", "dr-a"]
