"""JSON Lines reading shared by every JSONL format: blank lines skipped, errors name the line."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from curbside.errors import InputError


def json_lines(lines: Iterable[str], source: str, start: int = 1) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; anything but a JSON object is an error."""
    for number, line in enumerate(lines, start=start):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(source, number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise InputError(source, number, "each line must be a JSON object")
        yield number, data
