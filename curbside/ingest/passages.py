"""Trusted reference passages: MedQuAD XML files and question-answer corpora in JSONL.

Both become ``Passage`` records with the ids the LiveQA-Med corpus uses
(``SOURCE_DOCID_SecPID.txt``), so importing the XML and the corpus does not duplicate.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterable

from curbside import records as r
from curbside.errors import InputError
from curbside.ingest.jsonl import json_lines, parse_leniently

MEDQUAD_LICENCE = "CC BY 4.0"
# The authors released these answers only as judged evaluation data: keep them out of
# anything shown to the public (see ../shared/bench/README.md).
EVALUATION_ONLY_LICENCE = "Copyright of its publisher; evaluation use only, not for display"
EVALUATION_ONLY_PREFIXES = ("ADAM", "MPlusDrugs", "MPlusHerbsSuppls")

SOURCE_NAMES = {
    "ADAM": "A.D.A.M. Medical Encyclopedia",
    "CancerGov": "National Cancer Institute (cancer.gov)",
    "CDC": "Centers for Disease Control and Prevention",
    "GARD": "Genetic and Rare Diseases Information Center",
    "GHR": "Genetics Home Reference",
    "MPlusDrugs": "MedlinePlus Drugs",
    "MPlusHealthTopics": "MedlinePlus Health Topics",
    "MPlusHerbsSuppls": "MedlinePlus Herbs and Supplements",
    "NHLBI": "National Heart, Lung, and Blood Institute",
    "NIDDK": "National Institute of Diabetes and Digestive and Kidney Diseases",
    "NIHSeniorHealth": "NIHSeniorHealth",
    "NINDS": "National Institute of Neurological Disorders and Stroke",
}

# Three MedQuAD folder dialects name the same things differently:
# root tag -> (attributes for id, source, url; tags for focus, pairs, pair, question, answer)
MEDQUAD_DIALECTS = {
    "Document": ("id", "source", "url", "Focus", "QAPairs", "QAPair", "Question", "Answer"),
    "DiseaseFile": ("fid", "source", "url", "Focus", "QAPairs", "QAPair", "Question", "Answer"),
    "doc": ("docid", "corpus", "url", "doctitle-focus", "qaPairs", "pair", "question", "answer"),
}


def licence_for(source_key: str) -> str:
    return EVALUATION_ONLY_LICENCE if source_key.startswith(EVALUATION_ONLY_PREFIXES) else MEDQUAD_LICENCE


def clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def read_medquad_xml(data: bytes, source: str) -> r.Batch:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(source, exc.position[0], f"not well-formed XML ({exc})") from None
    if root.tag not in MEDQUAD_DIALECTS:
        raise InputError(
            source, 1,
            f"unknown root element <{root.tag}> (MedQuAD files have <Document>, <doc> or <DiseaseFile>)",
        )
    id_attr, source_attr, url_attr, focus_tag, pairs_tag, pair_tag, q_tag, a_tag = MEDQUAD_DIALECTS[root.tag]
    doc_id, source_key = root.get(id_attr), root.get(source_attr)
    if not doc_id or not source_key:
        raise InputError(source, 1, f"<{root.tag}> lacks its {id_attr!r} or {source_attr!r} attribute")
    synonyms = tuple(s for s in (clean(e.text) for e in root.iter("Synonym")) if s)
    batch = r.Batch()
    for pair in root.iterfind(f"{pairs_tag}/{pair_tag}"):
        question, answer = pair.find(q_tag), pair.find(a_tag)
        passage_id = f"{source_key}_{doc_id}_Sec{pair.get('pid')}.txt"
        if answer is None or not clean(answer.text):
            batch.warnings.append(f"{source}: {passage_id} has no answer text; not imported")
            continue
        batch.add(r.Passage(
            id=passage_id,
            source=SOURCE_NAMES.get(source_key, source_key),
            licence=licence_for(source_key),
            text=answer.text.strip(),
            url=root.get(url_attr),
            question=clean(question.text) if question is not None else None,
            focus=clean(root.findtext(focus_tag)),
            question_type=question.get("qtype") if question is not None else None,
            synonyms=synonyms,
        ), source, None)
    if not batch.records and not batch.warnings:
        batch.warnings.append(f"{source}: no question-answer pairs in this file")
    return batch


CORPUS_KEYS = {"id", "question", "answer", "source", "url"}


def looks_like_corpus(first_line: str) -> bool:
    data = parse_leniently(first_line)
    return isinstance(data, dict) and {"id", "question", "answer"} <= set(data)


def read_corpus(lines: Iterable[str], source: str) -> r.Batch:
    batch = r.Batch()
    for number, data in json_lines(lines, source):
        missing = sorted({"id", "question", "answer"} - set(data))
        if missing:
            raise InputError(source, number, f"missing required key {missing[0]!r}")
        unknown = sorted(set(data) - CORPUS_KEYS)
        if unknown:
            raise InputError(source, number, f"unknown key {unknown[0]!r}")
        for key in ("id", "question", "answer"):
            if not isinstance(data[key], str) or not data[key].strip():
                raise InputError(source, number, f"{key!r} must be a non-empty string")
        for key in ("source", "url"):  # the source is looked up by name below
            if data.get(key) is not None and not isinstance(data[key], str):
                raise InputError(source, number, f"{key!r} must be a string or null")
        source_key = data.get("source") or data["id"].split("_", 1)[0]
        batch.add(r.Passage(
            id=data["id"],
            source=SOURCE_NAMES.get(source_key, source_key),
            licence=licence_for(source_key),
            text=data["answer"].strip(),
            url=data.get("url") or None,
            question=data["question"].strip(),
        ), source, number)
    return batch
