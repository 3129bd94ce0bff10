"""Build evalsets/deid.jsonl from evalsets/deid.src.txt, computing exact spans.

    python evalsets/build_deid.py

The source is easier to write and review than JSON with offsets: each message marks its
planted identifiers as ``[[TYPE:text]]`` and the clinical wording that must survive as
``{{text}}``. This script removes the markup and records where each identifier landed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "deid.src.txt"
TARGET = HERE / "deid.jsonl"
TYPES = {"NAME", "PHONE", "EMAIL", "ADDRESS", "ID", "DATE_OF_BIRTH", "MRN", "INSURANCE", "URL", "HANDLE", "AGE"}
MARKUP = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]|\{\{(.+?)\}\}")


def messages(source: str) -> list[str]:
    body = source.split("\n---\n", 1)[1]  # the header (comments) comes before the first separator
    return [block.strip("\n") for block in body.split("\n---\n") if block.strip()]


def parse(marked: str, number: int) -> dict:
    text, identifiers, keep, cursor = [], [], [], 0
    for match in MARKUP.finditer(marked):
        text.append(marked[cursor:match.start()])
        offset = sum(map(len, text))
        kind, planted, kept = match.groups()
        if kind is not None:
            if kind not in TYPES:
                sys.exit(f"message {number}: unknown type {kind}")
            identifiers.append({"type": kind, "start": offset, "end": offset + len(planted)})
            text.append(planted)
        else:
            keep.append(kept)
            text.append(kept)
        cursor = match.end()
    text.append(marked[cursor:])
    plain = "".join(text)
    if "[[" in plain or "{{" in plain:
        sys.exit(f"message {number}: unbalanced markup")
    return {"id": f"deid-{number:03d}", "text": plain, "identifiers": identifiers, "keep": keep}


def main() -> None:
    items = [parse(m, n) for n, m in enumerate(messages(SOURCE.read_text(encoding="utf-8")), 1)]
    with TARGET.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    planted = sum(len(i["identifiers"]) for i in items)
    print(f"{TARGET.name}: {len(items)} messages, {planted} planted identifiers")


if __name__ == "__main__":
    main()
