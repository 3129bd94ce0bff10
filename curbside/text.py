"""Small text helpers shared by the core (no Django: it has its own slugify)."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(value: str) -> str:
    """'Obstetrics & Gynecology' -> 'obstetrics-gynecology'; keeps ASCII letters and digits."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def stable_id(prefix: str, *parts: str) -> str:
    """An id that depends only on content, so re-importing the same text finds the same row."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}-{digest}"


def excerpt(value: str, limit: int) -> str:
    """The first ``limit`` characters, cut at a word boundary, with an ellipsis if cut."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
