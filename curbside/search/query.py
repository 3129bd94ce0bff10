"""Turn what a person typed into what the rankers read.

People write long messages: greetings, a story, thanks, a signature, sometimes a phone
number. The rankers do better on the part that says what is wrong, so the cleaner drops
the politeness and contact details, keeps the subject line (the first line, when it is
short and more text follows) separately so it can weigh more, and caps the length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 2000
SUBJECT_MAX_WORDS = 10

GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear\s+(doctor|dr\.?|sir|madam|sirs?)(\s+\w+)?|good\s+(morning|afternoon|evening)|greetings)\b[\s,.!:-]*",
    re.IGNORECASE,
)
THANKS = re.compile(
    r"\b(thanks?( you)?( so much| very much| in advance)?|many thanks|much appreciated|i appreciate (your|any) (help|answer|reply)|"
    r"(best|kind|warm)?\s*regards|sincerely|yours truly)\b[\s,.!]*",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,}\d)(?!\w)")
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


@dataclass(frozen=True)
class CleanQuery:
    text: str      # the whole cleaned message
    subject: str   # the subject line, or "" when there is none

    @property
    def is_empty(self) -> bool:
        return not any(ch.isalnum() for ch in self.text)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def strip_noise(text: str) -> str:
    text = URL.sub(" ", EMAIL.sub(" ", text))
    text = PHONE.sub(lambda m: m.group(0) if len(re.sub(r"\D", "", m.group(0))) < 8 else " ", text)
    lines = [GREETING.sub("", line) for line in text.splitlines()]
    text = "\n".join(THANKS.sub(" ", line) for line in lines)
    return re.sub(r"[ \t]+", " ", text).strip()


def clean_query(raw: str) -> CleanQuery:
    text = strip_noise(normalise(raw or ""))[:MAX_QUERY_CHARS]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    subject = ""
    if len(lines) > 1 and len(lines[0].split()) <= SUBJECT_MAX_WORDS and not lines[0].endswith((".", "?", "!")):
        subject = lines[0]
    return CleanQuery(text=" ".join(lines), subject=subject)
