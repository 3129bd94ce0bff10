"""One tokenizer for documents and queries: lower case, Unicode words, English stop words,
Snowball stems. Digits stay (doses and ages matter: "20 mg")."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.tokenization import STOPWORDS_EN

WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(STOPWORDS_EN)
MAX_TOKEN_CHARS = 40  # a run of CJK text has no spaces; cut it rather than index one giant token


@lru_cache(maxsize=1)
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    words = [w[:MAX_TOKEN_CHARS] for w in WORD.findall(text.lower()) if w not in STOPWORDS]
    return stemmer().stemWords([w for w in words if len(w) > 1 or w.isdigit()])
