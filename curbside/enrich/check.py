"""Is every sentence of a generated text cited? For tests, and for the site before it shows one.

``uncited_sentences(value)`` reads a More Info or guide value and returns the text of every
sentence that lacks a valid citation: no ``cite``, an index outside ``citations``, or a
citation without a known kind and an id. A section that has only plain ``paragraphs`` or
``blocks`` (imported text, or an older value) has no citations at all, so all of its text is
returned.
"""

from __future__ import annotations

from curbside.enrich.sources import CITATION_KINDS


def uncited_sentences(value: dict) -> list[str]:
    citations = value.get("citations") or []
    valid = {i for i, c in enumerate(citations) if is_valid_citation(c)}
    uncited: list[str] = []
    for section in value.get("sections") or []:
        if "sentences" in section:
            uncited += [s.get("text", "") for s in section["sentences"] if not is_cited(s, valid)]
        else:
            uncited += plain_text(section)
    return uncited


def is_valid_citation(citation: object) -> bool:
    return (isinstance(citation, dict) and citation.get("kind") in CITATION_KINDS
            and isinstance(citation.get("id"), str) and bool(citation["id"]))


def is_cited(sentence: dict, valid: set[int]) -> bool:
    cite = sentence.get("cite")
    text = sentence.get("text")
    if not isinstance(text, str) or not text.strip() or not isinstance(cite, list) or not cite:
        return False
    return all(isinstance(i, int) and not isinstance(i, bool) and i in valid for i in cite)


def plain_text(section: dict) -> list[str]:
    paragraphs = list(section.get("paragraphs") or [])
    for block in section.get("blocks") or []:
        paragraphs += [block["text"]] if block.get("text") else list(block.get("items") or [])
    return [p for p in paragraphs if p.strip()]
