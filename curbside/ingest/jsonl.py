"""JSON Lines reading shared by every JSONL format: blank lines skipped, errors name the line.

Parsing is stricter than ``json.loads``. A key twice in one object would silently keep the
last value; an integer of thousands of digits and nesting a thousand deep make Python raise
(ValueError, RecursionError) here or in later code. Each is refused as a message that the
reader puts after FILE:LINE.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from curbside.errors import InputError

MAX_NESTING = 20  # the deepest record (More Info: record, value, sections, sentences, cite) needs 7
MAX_INTEGER_DIGITS = 20  # the only numbers in these files are small: a version, citation numbers


class RefusedJSON(ValueError):
    """Well-formed JSON that Curbside does not accept; the message says why."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: an object that names a key twice is an error, not last-one-wins."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise RefusedJSON(f"duplicate key {key!r} in one object")
        seen.add(key)
    return dict(pairs)


def short_integer(digits: str) -> int:
    """``parse_int``: refuse a long integer before ``int()`` spends time on it or raises."""
    count = len(digits.lstrip("-"))
    if count > MAX_INTEGER_DIGITS:
        raise RefusedJSON(f"an integer of {count} digits (at most {MAX_INTEGER_DIGITS})")
    return int(digits)


def nested_deeper_than(value: Any, levels: int) -> bool:
    """Whether objects and lists nest more than ``levels`` deep; walks without recursing."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > levels:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def parse(line: str) -> Any:
    """One JSON value, strictly: raises ``json.JSONDecodeError`` or ``RefusedJSON``."""
    try:
        value = json.loads(line, object_pairs_hook=unique_keys, parse_int=short_integer)
    except RecursionError:  # deeper than Python itself goes
        raise too_deep() from None
    if nested_deeper_than(value, MAX_NESTING):  # readable, but later code would recurse as deep
        raise too_deep()
    return value


def too_deep() -> RefusedJSON:
    return RefusedJSON(f"JSON nested more than {MAX_NESTING} levels deep")


def parse_leniently(line: str) -> Any:
    """The value, or None if Python cannot read it at all (not JSON, too deep, a huge integer).
    For recognising a format by its first line: reading it with ``parse`` then says what is wrong."""
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def json_lines(lines: Iterable[str], source: str, start: int = 1) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; anything but a JSON object is an error."""
    for number, line in enumerate(lines, start=start):
        if not line.strip():
            continue
        try:
            data = parse(line)
        except json.JSONDecodeError as exc:
            raise InputError(source, number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        except RefusedJSON as exc:
            raise InputError(source, number, str(exc)) from None
        if not isinstance(data, dict):
            raise InputError(source, number, "each line must be a JSON object")
        yield number, data
