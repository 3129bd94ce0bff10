"""`curbside import` of broken or hostile archives (issue 12): every problem is a
`FILE:LINE: what is wrong` error, exit status 1 and nothing written; never a traceback,
never a database error without the line that caused it."""

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import snapshot

pytestmark = pytest.mark.django_db

HEADER = {"format": "curbside-archive", "version": 1}
SPECIALTY = {"kind": "specialty", "id": "neurology", "name": "Neurology"}
DOCTOR = {"kind": "doctor", "id": "dr-a", "name": "A", "specialty": "neurology"}
TOPICS = [{"kind": "topic", "id": "eyelids", "name": "Eyelids", "specialty": "neurology"},
          {"kind": "topic", "id": "sleep", "name": "Sleep"}]
THREAD = {
    "kind": "thread", "id": "t1", "title": "Twitching eyelid", "status": "answered", "topics": ["eyelids", "sleep"],
    "question": {"body": "My eyelid twitches.", "alias": "kim", "asked_at": "2025-01-02T03:04:05Z",
                 "age_band": "30~39", "sex": "female", "asked_for": "self"},
    "reply": {"doctor": "dr-a", "body": "Usually harmless.", "replied_at": "2025-01-03T00:00:00Z"},
}
PASSAGE = {"kind": "passage", "id": "p1", "source": "MedlinePlus", "licence": "CC BY 4.0",
           "text": "Eyelid twitching is common.", "question_type": "information", "synonyms": ["blepharospasm"]}
GUIDE = {"kind": "guide", "id": "g1", "title": "Eyelids", "topic": "eyelids",
         "sections": [{"heading": "Causes", "blocks": [{"type": "paragraph", "text": "Stress."},
                                                      {"type": "list", "items": ["Coffee", "Sleep"]}]}]}
GENERATED = {"kind": "generated", "id": "t1:more_info", "thread": "t1", "field": "more_info",
             "value": {"sections": [{"heading": "Why", "paragraphs": ["Stress and coffee."]}]},
             "provenance": {"method": "rules", "sources": [{"passage": "p1"}, {"name": "NHS", "url": None}]}}
RECORDS = [SPECIALTY, DOCTOR, *TOPICS, THREAD, PASSAGE, GUIDE, GENERATED]


def lines_of(*records: dict) -> list[str]:
    return [json.dumps(record) for record in records]


def with_changes(record: dict, **changes) -> dict:
    """A copy of ``record`` with keys replaced; "question__alias" reaches into "question"."""
    result = copy.deepcopy(record)
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = result
        for parent in parents:
            target = target[parent]
        target[key] = value
    return result


def write(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stored(run_cli, tmp_path):
    """The database already holds a small valid archive: a bad import must leave it as it is."""
    status, _, err = run_cli("import", write(tmp_path / "stored.jsonl", lines_of(HEADER, *RECORDS)))
    assert status == 0, err


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def thread_line(**changes) -> str:
    return json.dumps(with_changes(THREAD, **changes))


def record_line(record: dict, **changes) -> str:
    return json.dumps(with_changes(record, **changes))


def archive(*lines: str) -> list[str]:
    return [json.dumps(HEADER), *lines]


def with_thread(*lines: str) -> list[str]:
    """An archive where a thread's references resolve in the file itself: the thread is line 6."""
    return archive(*lines_of(SPECIALTY, DOCTOR, *TOPICS), *lines)


SPECIALTY_NAMED = '{{"kind": "specialty", "id": "x", "name": {}}}'
HEADER_WITH = '{{"format": "curbside-archive", "version": 1, {}}}'
TWO_BODIES = thread_line().replace('"body": "My', '"body": "Mine", "body": "My')
OTHER_DIGITS_AGE = "\u0662\u0660~\u0662\u0669"  # Arabic-Indic digits: 20~29
OTHER_DIGITS_TIME = "\u0662\u0660\u0662\u0665-01-02T03:04:05Z"
GENERATED_2 = with_changes(GENERATED, id="t1:more_info:2")

# name -> (file name, its lines (made when the test runs: some are 5 MB), what stderr must say after FILE)
BAD = {
    "nested_1000_deep": ("a.jsonl", lambda: archive(SPECIALTY_NAMED.format(deep(1000))),
                         ":2: JSON nested more than 20 levels deep"),
    "nested_50_deep": ("a.jsonl", lambda: archive(SPECIALTY_NAMED.format(deep(50))),
                       ":2: JSON nested more than 20 levels deep"),
    "header_nested_1000_deep": ("a.jsonl", lambda: [HEADER_WITH.format(f'"x": {deep(1000)}')],
                                ":1: JSON nested more than 20 levels deep"),
    "first_line_of_a_json_file_nested_1000_deep": ("a.json", lambda: [deep(1000)], ":1: not a format curbside reads"),
    "lone_surrogate": ("a.jsonl", lambda: with_thread(thread_line(title="Twitching \ud800 eyelid")),
                       ":6: thread 't1': 'title' holds a lone surrogate (\\ud800 at character 11)"),
    "lone_surrogate_in_a_list": ("a.jsonl", lambda: archive(record_line(PASSAGE, synonyms=["\udfff"])),
                                 ":2: passage 'p1': 'synonyms[0]' holds a lone surrogate"),
    "nul_character": ("a.jsonl", lambda: archive(record_line(SPECIALTY, name="Neuro\x00logy")),
                      ":2: specialty 'neurology': 'name' holds a NUL character (\\u0000 at character 6)"),
    "integer_of_5000_digits": ("a.jsonl", lambda: archive(SPECIALTY_NAMED.format("9" * 5000)),
                               ":2: an integer of 5000 digits (at most 20)"),
    "version_true": ("a.jsonl", lambda: ['{"format": "curbside-archive", "version": true}', json.dumps(SPECIALTY)],
                     ":1: 'version' must be the whole number 1 (got True)"),
    "version_float": ("a.jsonl", lambda: ['{"format": "curbside-archive", "version": 1.0}', json.dumps(SPECIALTY)],
                      ":1: 'version' must be the whole number 1 (got 1.0)"),
    "duplicate_key": ("a.jsonl", lambda: archive('{"kind": "specialty", "id": "x", "name": "A", "name": "B"}'),
                      ":2: duplicate key 'name' in one object"),
    "duplicate_nested_key": ("a.jsonl", lambda: with_thread(TWO_BODIES),
                             ":6: duplicate key 'body' in one object"),
    "duplicate_header_key": ("a.jsonl", lambda: [HEADER_WITH.format('"version": 1')],
                             ":1: duplicate key 'version' in one object"),
    "duplicate_topic": ("a.jsonl", lambda: with_thread(thread_line(topics=["sleep", "eyelids", "sleep"])),
                        ":6: thread 't1': topic 'sleep' is listed twice in 'topics'"),
    "title_of_5_mb": ("a.jsonl", lambda: archive(thread_line(title="t" * 5_000_000)),
                      ":2: thread 't1': 'title' is 5000000 characters long (at most 200)"),
    "alias_of_5_mb": ("a.jsonl", lambda: archive(thread_line(question__alias="a" * 5_000_000)),
                      ":2: thread 't1': 'alias' is 5000000 characters long (at most 40)"),
    "alias_one_too_long": ("a.jsonl", lambda: archive(thread_line(question__alias="a" * 41)),
                           ":2: thread 't1': 'alias' is 41 characters long (at most 40)"),
    "reply_one_too_long": ("a.jsonl", lambda: archive(thread_line(reply__body="r" * 5001)),
                           ":2: thread 't1': 'body' is 5001 characters long (at most 5000)"),
    "question_body_of_5_mb": ("a.jsonl", lambda: archive(thread_line(question__body="b" * 5_000_000)),
                              ":2: thread 't1': 'body' is 5000000 characters long (at most 50000)"),
    "question_type_longer_than_its_column": ("a.jsonl", lambda: archive(record_line(PASSAGE, question_type="q" * 101)),
                                             ":2: passage 'p1': 'question_type' is 101 characters long (at most 100)"),
    "age_band_in_other_digits": ("a.jsonl", lambda: archive(thread_line(question__age_band=OTHER_DIGITS_AGE)),
                                 ":2: thread 't1': 'age_band' must look like \"20~29\" or be null"),
    "timestamp_in_other_digits": ("a.jsonl", lambda: archive(thread_line(question__asked_at=OTHER_DIGITS_TIME)),
                                  ":2: thread 't1': 'asked_at' must be a UTC timestamp"),
    "two_generated_for_one_thread_and_field": ("a.jsonl", lambda: archive(*lines_of(GENERATED, GENERATED_2)),
                                               ":3: generated 't1:more_info:2': thread 't1' already has a 'more_info', "
                                               "generated 't1:more_info' at "),
    "generated_for_a_field_the_database_holds": ("a.jsonl", lambda: archive(json.dumps(GENERATED_2)),
                                                 ":2: generated 't1:more_info:2': thread 't1' already has a "
                                                 "'more_info' in the database, generated 't1:more_info'"),
    "corpus_source_not_a_string": ("corpus.jsonl",
                                   lambda: ['{"id": "q1", "question": "Q?", "answer": "A.", "source": ["CDC"]}'],
                                   ":1: 'source' must be a string or null"),
    "kind_not_a_string": ("a.jsonl", lambda: archive('{"kind": ["thread"], "id": "x"}'),
                          ":2: ['thread'] 'x': unknown kind ['thread']"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_archive_stops_with_file_line_and_writes_nothing(run_cli, stored, tmp_path, case):
    name, make_lines, message = BAD[case]
    good = write(tmp_path / "good.jsonl", lines_of(HEADER, {"kind": "specialty", "id": "cardio", "name": "Cardiology"}))
    bad = write(tmp_path / name, make_lines())
    before = snapshot()
    status, _, err = run_cli("import", good, bad)  # a good file first: it must not land either
    assert status == 1, err
    assert f"{bad}{message}" in err
    assert "Nothing was imported or written." in err
    assert snapshot() == before


def test_limits_are_inclusive(run_cli, stored, tmp_path):
    longest = thread_line(title="t" * 200, question__alias="a" * 40, reply__body="r" * 5000)
    status, out, err = run_cli("import", write(tmp_path / "a.jsonl", archive(longest)))
    assert status == 0, err
    assert "1 updated" in out


def test_a_question_with_added_information_still_imports(run_cli, stored, tmp_path):
    """The site appends each answer to a doctor's request under "Added later", so a stored
    question may be longer than the form allows; its export must import again."""
    body = "q" * 5000 + "\n\nAdded later: " + "i" * 5000
    status, _, err = run_cli("import", write(tmp_path / "a.jsonl", archive(thread_line(question__body=body))))
    assert status == 0, err


def test_web_form_and_importer_share_limits():
    from curbside import limits
    from curbside.web.service import workflow

    assert (workflow.TITLE_MAX, workflow.BODY_MAX, workflow.ALIAS_MAX) == (limits.TITLE_MAX, limits.BODY_MAX,
                                                                           limits.ALIAS_MAX)


# ---------------------------------------------------------------- fuzzing

ARCHIVE = "\n".join(lines_of(HEADER, *RECORDS)) + "\n"


def value_paths(value, path=()):
    """The path (keys and list indexes) of every value inside ``value``, itself included."""
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from value_paths(child, (*path, key))


# Where a value can be swapped: (line, counting from 0; path).
PATHS = [(n, path) for n, record in enumerate([HEADER, *RECORDS]) for path in value_paths(record) if path]
NASTY_TEXT = ["\ud800", "\x00", "", " ", "x" * 300, "é", "2025-02-30T00:00:00Z", "30~3", "neurology", "t1"]
NASTY_VALUES = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1.0, 10**30, float("inf"), [], {}, NASTY_TEXT[0]]),
    st.sampled_from(NASTY_TEXT),
    st.lists(st.sampled_from(NASTY_TEXT + [None, 1]), max_size=3),
    st.integers(min_value=1, max_value=40).map(lambda n: json.loads(deep(n))),
)
SNIPPETS = ['"\\ud800"', '"\\u0000"', "9" * 5000, deep(1000), "[" * 1000, "true", "1.0", "null", "NaN",
            '{"a": 1, "a": 2}', "]", "}", ",", '"', "\n", "\\", ', "kind": "topic"']


# Bytes a flip puts in: JSON's own punctuation mostly (random bytes are nearly always
# "not UTF-8", which the reader has long handled), sometimes any byte.
FLIP_BYTES = st.one_of(st.sampled_from(list(b'"{}[],:\\0 \n\tae')), st.integers(0, 255))


def lines_with(line: int, path: tuple, value) -> list[str]:
    records = copy.deepcopy([HEADER, *RECORDS])
    target = records[line]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return lines_of(*records)


@st.composite
def mutated_archive(draw) -> bytes:
    """The valid archive cut short, with bytes changed or inserted, a value of another type
    or content, or a line dropped or repeated."""
    data = ARCHIVE.encode("utf-8")
    lines = ARCHIVE.splitlines()
    how = draw(st.sampled_from(["truncate", "flip", "splice", "retype", "retype", "drop", "repeat"]))
    if how == "truncate":
        return data[:draw(st.integers(0, len(data)))]
    if how == "flip":
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(FLIP_BYTES)]) + data[at + 1:]
        return data
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from(SNIPPETS)).encode() + data[at:]
    if how == "retype":
        line, path = draw(st.sampled_from(PATHS))
        lines = lines_with(line, path, draw(NASTY_VALUES))
    else:
        line = draw(st.integers(0, len(lines) - 1))
        lines[line:line + 1] = [] if how == "drop" else [lines[line]] * 2
    return ("\n".join(lines) + "\n").encode("utf-8")


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated_archive())
def test_a_mutated_archive_imports_or_names_file_and_line(run_cli, tmp_path, data):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    before = snapshot()
    status, _, err = run_cli("import", path)  # an exception escaping main() fails the test
    if status == 0:
        return
    assert status == 1, err
    assert re.search(rf"{re.escape(str(path))}:\d+: ", err), err
    assert snapshot() == before


def test_line_separators_inside_strings_survive_export_and_import(run_cli, tmp_path):
    """JSON lets U+2028, U+2029 and U+0085 stand unescaped in a string, and export writes
    them so: only "\\n" ends a line of an archive."""
    title = "Eyelid\u2028twitching\u2029after\x85coffee"
    assert run_cli("import", write(tmp_path / "a.jsonl", with_thread(thread_line(title=title))))[0] == 0
    exported = tmp_path / "exported.jsonl"
    assert run_cli("export", exported)[0] == 0
    assert title in exported.read_text(encoding="utf-8")
    status, _, err = run_cli("import", exported)
    assert status == 0, err
