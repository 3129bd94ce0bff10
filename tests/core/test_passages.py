"""MedQuAD XML in its three dialects and the benchmark corpus become cited passages."""

import pytest

from curbside.errors import InputError
from curbside.ingest import read_path
from curbside.ingest.passages import EVALUATION_ONLY_LICENCE, MEDQUAD_LICENCE, read_corpus


def first_xml(folder):
    return sorted(folder.glob("*.xml"))[0]


@pytest.mark.parametrize("folder, source_name", [
    ("4_MPlus_Health_Topics_QA", "MedlinePlus Health Topics"),
    ("6_NINDS_QA", "National Institute of Neurological Disorders and Stroke"),
    ("9_CDC_QA", "Centers for Disease Control and Prevention"),
])
def test_medquad_dialects(bench_dir, folder, source_name):
    files = sorted((bench_dir / "medquad-xml" / folder).glob("*.xml"))
    batch = read_path(files[0])
    passages = batch.records
    assert passages, batch.warnings
    for p in passages:
        assert p.source == source_name
        assert p.licence == MEDQUAD_LICENCE
        assert p.url and p.url.startswith("http")
        assert p.text and p.question and p.focus and p.question_type


def test_medquad_document_keeps_synonyms_and_ids(bench_dir):
    batch = read_path(bench_dir / "medquad-xml" / "4_MPlus_Health_Topics_QA" / "0000001.xml")
    (passage,) = batch.records
    assert passage.id == "MPlusHealthTopics_0000001_Sec1.txt"  # the LiveQA corpus uses the same id
    assert passage.focus == "A1C"
    assert "HbA1C" in passage.synonyms


def test_medquad_directory_skips_the_licence_with_a_warning(bench_dir, tmp_path):
    folder = tmp_path / "mq"
    folder.mkdir()
    source = bench_dir / "medquad-xml"
    (folder / "a.xml").write_bytes((source / "9_CDC_QA" / first_xml(source / "9_CDC_QA").name).read_bytes())
    (folder / "LICENSE.txt").write_bytes((source / "LICENSE.txt").read_bytes())
    batch = read_path(folder)
    assert batch.records
    assert any("LICENSE.txt" in w and "skipped" in w for w in batch.warnings)


def test_unknown_root_element_is_reported(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<Glossary><Term>x</Term></Glossary>\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"other\.xml:1: unknown root element <Glossary>"):
        read_path(path)


def test_broken_xml_names_the_line(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text('<?xml version="1.0"?>\n<Document id="1" source="CDC">\n<Focus>x</Foc>\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.xml:3: not well-formed XML"):
        read_path(path)


def test_corpus_lines_become_passages(bench_dir):
    with open(bench_dir / "liveqa-med" / "corpus.jsonl", encoding="utf-8") as f:
        lines = [next(f) for _ in range(300)]
    batch = read_corpus(lines, "corpus.jsonl")
    assert len(batch.records) == 300
    adam = [p for p in batch.records if p.id.startswith("ADAM_")]
    others = [p for p in batch.records if not p.id.startswith(("ADAM_", "MPlusDrugs_", "MPlusHerbsSuppls_"))]
    assert adam and all(p.licence == EVALUATION_ONLY_LICENCE for p in adam)
    assert all(p.licence == MEDQUAD_LICENCE for p in others)
    assert all(p.question and p.text for p in batch.records)


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "question": "q"}', "missing required key 'answer'"),
    ('{"id": "a", "question": "q", "answer": "x", "colour": 1}', "unknown key 'colour'"),
    ('{"id": "a", "question": "q", "answer": ""}', "'answer' must be a non-empty string"),
    ('{"id": "a", "question": "q", "answer": "x"', "not valid JSON"),
])
def test_corpus_errors_name_the_line(line, message):
    good = '{"id": "ok", "question": "q", "answer": "x"}'
    with pytest.raises(InputError) as info:
        read_corpus([good, line], "c.jsonl")
    assert str(info.value).startswith("c.jsonl:2: ")
    assert message in str(info.value)
