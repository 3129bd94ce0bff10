"""Build the medical-term allow-list that keeps eponyms out of the name recogniser.

    .venv/bin/python scripts/build_deid_medical_terms.py [--shared ../shared]

Writes ``curbside/safety/data/deid_medical_terms.json``: the focus terms of NIH's MedQuAD
(the <Focus> of its XML and the topic of each question of its LiveQA-Med corpus: "What are
the symptoms of Noonan syndrome ?") together with the routing cues
(``data/specialties.json``), the triage findings' labels and their HPO names
(``data/triage_findings.json``) and the kept eponyms and drugs (``data/deid_keep.json``).
Only terms are kept, lower-cased, never sentences: disease names are facts. Where one of
them stands in a message, a name the statistical model proposes there is an eponym
("Bell's palsy", "Achilles tendon", "Noonan syndrome"), not a person.

Rerun it when those sources change; the output is sorted, so a rerun that changes nothing
leaves the file byte-identical.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "curbside" / "safety" / "data"
OUT = DATA / "deid_medical_terms.json"
QUESTION_TOPIC = [re.compile(p) for p in (
    r"^What (?:is|are) \(are\) (.+?) \?$", r"^What are the symptoms of (.+?) \?$",
    r"^Do you have information about (.+)$", r"^What causes (.+?) \?$", r"^How (?:to|can) (?:diagnose|prevent) (.+?) \?$",
    r"^What are the treatments for (.+?) \?$", r"^Is (.+?) inherited \?$", r"^Who is at risk for (.+?)\? \?$",
    r"^What (?:is|are) the (?:outlook|stages|complications|genetic changes related to) (?:for )?(.+?) \?$",
    r"^How many people are affected by (.+?) \?$",
    # medicines and supplements
    r"^Who should get (.+?) and why is it prescribed \?$", r"^What should I do if I forget a dose of (.+?) \?$",
    r"^What are the brand names (?:and other names )?of (.+?) \?$", r"^How should (.+?) be used and what is the dosage \?$",
    r"^What should I know about storage and disposal of (.+?) \?$", r"^What other information should I know about (.+?) \?$",
    r"^What are the side effects or risks of (.+?) \?$", r"^What to do in case of emergency or overdose of (.+?) \?$",
    r"^What is the action of (.+?) and how does it work \?$", r"^Are there safety concerns or special precautions about (.+?) \?$",
    r"^What (?:important warning or information|special dietary instructions|special precautions) should I (?:know|follow) about (.+?) \?$",
    r"^How effective is (.+?) \?$", r"^What is (.+?) \?$",
    r"^what research \(or clinical trials\) is being done for (.+?) \?$", r"^Where to find support for (.+?) \?$",
    r"^Do I need to see a doctor for (.+?) \?$", r"^What to do for (.+?) \?$")]
MAX_WORDS = 16


def medquad_terms(shared: Path) -> set[str]:
    terms = set()
    for path in sorted((shared / "bench" / "medquad-xml").rglob("*.xml")):
        terms |= {m.strip() for m in re.findall(r"<Focus>([^<]*)</Focus>", path.read_text(encoding="utf-8"))}
    corpus = shared / "bench" / "liveqa-med" / "corpus.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)["question"]
        for pattern in QUESTION_TOPIC:
            match = pattern.match(question)
            if match:
                terms.add(match.group(1).strip())
                break
    return terms


def lexicon_terms() -> set[str]:
    specialties = json.loads((DATA / "specialties.json").read_text(encoding="utf-8"))
    terms = {cue for s in specialties["specialties"]
             for key in ("lay_cues", "clinical_cues", "specialist_cues") for cue in s.get(key, [])}
    findings = json.loads((DATA / "triage_findings.json").read_text(encoding="utf-8"))
    for concept in findings["concepts"]:
        terms.add(concept["label"])
        terms |= set(concept.get("hpo", {}).values())
    keep = json.loads((DATA / "deid_keep.json").read_text(encoding="utf-8"))
    return terms | set(keep["eponyms"]) | set(keep["drugs"])


def cleaned(terms: set[str]) -> list[str]:
    kept = set()
    for term in terms:
        term = re.sub(r"\s+", " ", term.replace("’", "'")).strip().lower()
        if term and len(term.split()) <= MAX_WORDS and re.search(r"[a-z]{3}", term):
            kept.add(term)
    return sorted(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    terms = cleaned(medquad_terms(args.shared) | lexicon_terms())
    document = {"version": 1,
                "about": "Medical terms (MedQuAD focus terms, routing and triage lexicons, kept eponyms and drugs), "
                         "built by scripts/build_deid_medical_terms.py. A name proposed inside one is an eponym.",
                "terms": terms}
    OUT.write_text(json.dumps(document, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(terms)} terms")


if __name__ == "__main__":
    main()
