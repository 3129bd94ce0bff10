"""Read a topic guide saved as plain text (the shape of the seed guide).

The first line is the title. Every other non-empty line is a heading, a bullet item
("- ...") or a paragraph. A heading is a short line in Title Case that does not end like a
sentence; bullets in a row form one list; text before the first heading is the intro.
"""

from __future__ import annotations

import re

from curbside import records as r
from curbside.errors import InputError
from curbside.text import slugify

SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or",
               "the", "to", "vs", "with", "when", "what"}
SENTENCE_END = (".", ":", ";", ",", "!")
MAX_HEADING_WORDS = 12
BULLET = re.compile(r"[-•*]\s+(?P<item>.+)")


def is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or line.endswith(SENTENCE_END):
        return False
    if BULLET.fullmatch(line):
        return False
    if not words[0][0].isupper():
        return False
    # Title Case: every word that is not a small word starts with a capital (or a digit/symbol).
    return all(not w[0].isalpha() or w[0].isupper() or w.lower() in SMALL_WORDS for w in words)


def join_broken_lines(lines: list[tuple[int, str, bool]]) -> list[tuple[int, str]]:
    """Re-join a paragraph that a page break cut in two.

    Text saved from a paged document can split a word across a blank gap
    ("soothe discomf" / "" / "ort and improve"). A line that does not end a sentence,
    followed after blank lines by one that starts in lower case, is the same paragraph;
    the cut falls inside a word, so the halves are joined without a space.
    """
    joined: list[tuple[int, str]] = []
    for number, line, after_gap in lines:
        if joined and line[:1].islower() and not joined[-1][1].endswith((".", "?", "!", ":")):
            glue = "" if after_gap and joined[-1][1][-1:].isalpha() else " "
            joined[-1] = (joined[-1][0], joined[-1][1] + glue + line)
        else:
            joined.append((number, line))
    return joined


def numbered_lines(lines: list[str]) -> list[tuple[int, str, bool]]:
    result, gap = [], False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            gap = True
            continue
        result.append((number, line, gap))
        gap = False
    return result


def looks_like_guide(lines: list[str]) -> bool:
    body = [line for _, line, _ in numbered_lines(lines)[1:]]
    return any(is_heading(line) for line in body) and any(not is_heading(line) for line in body)


def read_blocks(lines: list[tuple[int, str]]) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = []
    for _, line in lines:
        bullet = BULLET.fullmatch(line)
        if bullet and blocks and blocks[-1].type == "list":
            blocks[-1] = r.Block(type="list", items=blocks[-1].items + (bullet["item"],))
        elif bullet:
            blocks.append(r.Block(type="list", items=(bullet["item"],)))
        else:
            blocks.append(r.Block(type="paragraph", text=line))
    return tuple(blocks)


def read_seed_guide(lines: list[str], source: str, source_name: str) -> r.Batch:
    numbered = join_broken_lines(numbered_lines(lines))
    if not numbered:
        raise InputError(source, 1, "the guide is empty")
    (title_line, title), rest = numbered[0], numbered[1:]
    intro: list[tuple[int, str]] = []
    sections: list[tuple[str, list[tuple[int, str]]]] = []
    for number, line in rest:
        if is_heading(line):
            sections.append((line, []))
        elif sections:
            sections[-1][1].append((number, line))
        else:
            intro.append((number, line))
    if not sections:
        raise InputError(source, title_line, "no section headings found in the guide")
    guide = r.Guide(
        id=f"guide-{slugify(title)}", title=title, intro=read_blocks(intro),
        sections=tuple(r.GuideSection(heading=h, blocks=read_blocks(body)) for h, body in sections),
        source=r.Source(name=f"Imported guide {source_name}"),
    )
    batch = r.Batch()
    batch.add(guide, source, title_line)
    return batch
