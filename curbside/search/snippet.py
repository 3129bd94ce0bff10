"""Highlighted snippets: the passage of a text that best matches the query, as segments
(text, matched?) so that a template can mark matches without trusting any HTML."""

from __future__ import annotations

import re

from curbside.search.tokenize import tokenize

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD_OR_GAP = re.compile(r"\w+|\W+", re.UNICODE)


def best_start(text: str, query_stems: set[str]) -> int:
    """Offset of the sentence with the most query words (the start when none match)."""
    best, best_count, offset = 0, 0, 0
    for sentence in SENTENCE_END.split(text):
        count = len(query_stems & set(tokenize(sentence)))
        if count > best_count:
            best, best_count = offset, count
        offset += len(sentence) + 1
    return best


def snippet(text: str, query: str, limit: int = 220) -> list[dict]:
    text = " ".join(text.split())
    stems = set(tokenize(query))
    start = best_start(text, stems) if stems else 0
    window = text[start:start + limit]
    if start + limit < len(text):
        window = window.rsplit(" ", 1)[0] + "…"
    if start > 0:
        window = "…" + window
    segments: list[dict] = []
    for piece in WORD_OR_GAP.findall(window):
        match = bool(stems) and piece[0].isalnum() and bool(set(tokenize(piece)) & stems)
        if segments and segments[-1]["match"] == match:
            segments[-1]["text"] += piece
        else:
            segments.append({"text": piece, "match": match})
    return segments
