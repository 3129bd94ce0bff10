"""Sources a generated text may quote, and the citable sentences in them.

A source is a doctor's reply on a thread, a trusted passage (MedQuAD, or anything an
operator imports with its licence) or a red-flag rule of the safety pack. Each keeps a
``Citation``: what kind it is, its id, the name a reader sees, a link and its licence.

Sentences are cut with a small rule-based splitter (abbreviations such as "Dr." and "e.g."
and decimals such as "2.5" do not end a sentence). Only statements are citable: questions,
fragments, pleasantries ("Thank you for your question."), dangling references ("see
below") and, from other people's threads, sentences about that other person ("You
mentioned ...", "his cough") are left out. The only rewriting is removing a leading
greeting ("Hello Ms. Yang, ...") and joining a list to the line that introduces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from curbside import records as r

CITATION_KINDS = ("thread", "passage", "rule")
NOT_FOR_DISPLAY = "not for display"
RULES_NAME = "Curbside red-flag rules"
RULES_LICENCE = "Curbside rule pack"

MIN_SENTENCE_CHARS = 25
MAX_SENTENCE_CHARS = 500
MIN_WORDS = 5
MAX_LIST_ITEMS = 12


@dataclass(frozen=True)
class Citation:
    kind: str  # "thread", "passage" or "rule"
    id: str
    name: str  # "Dr. Amara Okafor, Neurology", "National Institute of ... (MedQuAD)", "Curbside red-flag rules"
    url: str | None = None
    licence: str | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name, "url": self.url}


@dataclass(frozen=True)
class SourceText:
    """The whole text of one source, with what it answers (for relevance)."""

    citation: Citation
    text: str
    question: str = ""


@dataclass(frozen=True)
class SourceSentence:
    text: str
    source: Citation
    position: int = 0  # order within its source, so a section reads in the source's order


# ---------------------------------------------------------------- sources from records

def is_displayable(licence: str | None) -> bool:
    """False for text released only for evaluation (A.D.A.M., MedlinePlus Drugs and Herbs)."""
    return NOT_FOR_DISPLAY not in (licence or "").lower()


def displayable_passages(passages: Iterable[r.Passage]) -> list[r.Passage]:
    return [p for p in passages if is_displayable(p.licence)]


MEDQUAD_ID = re.compile(r"^[A-Za-z]+_\d+(?:_\d+)?_Sec\d+\.txt$")


def passage_source(passage: r.Passage) -> SourceText:
    """A passage as a source; refuses one that may not be shown (filter first)."""
    if not is_displayable(passage.licence):
        raise ValueError(f"passage {passage.id} is licensed for evaluation only and may not be shown")
    # MedQuAD ids name the collection, which tells a reader where the text was gathered.
    name = f"{passage.source} (MedQuAD)" if MEDQUAD_ID.match(passage.id) else passage.source
    citation = Citation("passage", passage.id, name, passage.url, passage.licence)
    return SourceText(citation, passage.text, passage.question or passage.focus or "")


def passage_sources(passages: Iterable[r.Passage]) -> list[SourceText]:
    return [passage_source(p) for p in displayable_passages(passages)]


def doctor_name(doctor: r.Doctor | None, fallback: str, specialty_name: str | None = None) -> str:
    name = doctor.name if doctor else fallback
    if not name.lower().startswith("dr"):
        name = f"Dr. {name}"
    return f"{name}, {specialty_name}" if specialty_name else name


def reply_source(thread: r.Thread, doctor: r.Doctor | None = None, specialty_name: str | None = None,
                 reply: r.Reply | None = None) -> SourceText | None:
    """The doctor's reply on ``thread`` as a source, or None for an unanswered thread.

    The link is ``/qa/ID/``, which the site redirects to the thread's page.
    """
    reply = reply or thread.reply
    if reply is None:
        return None
    name = doctor_name(doctor, reply.doctor, specialty_name)
    citation = Citation("thread", thread.id, name, f"/qa/{thread.id}/", "Curbside")
    return SourceText(citation, reply.body, f"{thread.title}\n{thread.question.body}")


def rule_citation(rule_id: str) -> Citation:
    return Citation("rule", rule_id, RULES_NAME, None, RULES_LICENCE)


# ---------------------------------------------------------------- sentence splitting

ABBREVIATIONS = frozenset("""
dr mr mrs ms mx prof st jr sr vs approx fig figs inc ltd dept al ca cf mt ft gen gov
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)[.]$")
BULLET = re.compile(r"\s*(?:\n|\s{2,})[-•*·]\s+")
# Reference texts (MedQuAD) part paragraphs with runs of spaces rather than newlines.
PARAGRAPH_GAP = re.compile(r"[ \t]{3,}|[ \t]*\n[ \t]*(?:\n[ \t]*)*")


def _ends_with_abbreviation(chunk: str) -> bool:
    """True when the period that ends ``chunk`` belongs to a word, not the sentence."""
    match = WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1)
    if "." in word or len(word) == 1:  # "e.g.", "U.S.", an initial "J."
        return True
    return word.lower() in ABBREVIATIONS


def split_paragraph(text: str) -> list[str]:
    """Sentences of one paragraph, in order, with their own punctuation."""
    sentences, start = [], 0
    for match in BOUNDARY.finditer(text):
        if text[match.start()] == "." and _ends_with_abbreviation(text[start:match.start() + 1]):
            continue
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]+\)")
MARKDOWN_EMPHASIS = re.compile(r"(?<!\w)(\*\*|__|\*|_)(?=\S)([^*_\n]+?)(?<=\S)\1(?!\w)")
NUMBERED = re.compile(r"(?m)^\s*\d{1,2}[.)]\s+")


def plain(text: str) -> str:
    """Replies are written in a Markdown subset: keep the words, drop the markup."""
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = MARKDOWN_EMPHASIS.sub(r"\2", text)
    return NUMBERED.sub("- ", text)


def lines_of(text: str) -> list[str]:
    """Paragraph lines and bullet items ("- item"), whitespace collapsed."""
    text = BULLET.sub("\n- ", "\n" + plain(text))
    lines = []
    for line in PARAGRAPH_GAP.split(text):
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return lines


@lru_cache(maxsize=8192)
def split_sentences(text: str) -> tuple[str, ...]:
    """Every sentence of ``text``; a short bullet list becomes one sentence with its lead-in."""
    out: list[str] = []
    items: list[str] = []
    for line in lines_of(text) + [""]:
        if line.startswith(("- ", "• ", "* ")):
            items.append(line[2:].strip())
            continue
        if items:
            _add_list(out, items)
            items = []
        out.extend(split_paragraph(line))
    return tuple(out)


def _add_list(out: list[str], items: list[str]) -> None:
    joined = join_list(out[-1] if out else "", items)
    if joined:
        out[-1] = joined
    else:  # items that are whole sentences can still be quoted one by one
        for item in items:
            out.extend(split_paragraph(item))


def join_list(lead: str, items: list[str]) -> str | None:
    """'Causes include:' + ['Stress', 'Caffeine'] -> 'Causes include: Stress; Caffeine.'

    Only short, single-sentence items after an unfinished lead-in are joined; anything
    else stays out rather than be glued into a sentence its author did not write.
    """
    if not lead or lead.endswith((".", "!", "?")) or len(items) > MAX_LIST_ITEMS:
        return None
    items = [i.rstrip(" .;,") for i in items]
    if any(not i or len(split_paragraph(i)) > 1 for i in items):
        return None
    head = lead if lead.endswith(":") else lead.rstrip(" ,;") + ":"
    return f"{head} {'; '.join(items)}."


# ---------------------------------------------------------------- what may be quoted

GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening|day))\b"
    r"(?:\s+(?:there|all|doctor|sir|madam|friend|mr\.?|mrs\.?|ms\.?|miss|dr\.?))?"
    r"(?:\s+[A-Z][\w'-]*){0,3}\s*[,:;!.\-–—]+\s*",
    re.IGNORECASE,
)
PLEASANTRY = re.compile(
    r"^\s*(?:thanks?\b|thank you|many thanks|best (?:wishes|regards)|kind regards|regards\b|sincerely|"
    r"(?:i )?hope (?:this|that|it) helps|take care|good luck|wish(?:ing)? you|get well soon|"
    r"feel free to|you(?:'re| are) welcome|(?:i am|i'm) glad|sorry to hear)",
    re.IGNORECASE,
)
# A sentence that points elsewhere in its page makes no sense quoted alone.
DANGLING = re.compile(
    r"\b(?:below|above|this (?:page|section|article|summary|fact sheet|topic)|click|"
    r"https?://|www\.|these resources)\b|\bthe following\b(?![^:]*: )",  # a joined list resolves "the following"
    re.IGNORECASE,
)
# About the other asker: fine on their own thread, wrong on anybody else's page.
PERSONAL = re.compile(
    r"\b(?:you (?:mentioned|said|describe[ds]?|wrote|noted|asked)|what you describe|in your case|your concern|"
    r"your (?:case|results?|tests?|scan|report|son|daughter|child|baby|husband|wife|mother|father|mum|mom|dad|"
    r"partner|brother|sister|friend|grandmother|grandfather)|"
    r"(?<!\bor )\b(?:he|she|him|his|her|hers)\b(?! or\b))",  # "his or her" is anyone's
    re.IGNORECASE,
)


def strip_greeting(sentence: str) -> str:
    """'Hello Ms. Yang, your symptoms ...' -> 'Your symptoms ...' (the only change made)."""
    stripped = GREETING.sub("", sentence, count=1)
    if stripped == sentence or not stripped:
        return stripped
    return stripped[0].upper() + stripped[1:]


def is_citable(sentence: str) -> bool:
    if not (MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS):
        return False
    if not sentence.endswith((".", "!", '."', ".”", ".)")) or not (sentence[0].isupper() or sentence[0].isdigit()):
        return False  # questions, headings and cut-off fragments
    if sentence.endswith(("..", "…", "...]")) or "[Read More]" in sentence:
        return False  # an excerpt cut short
    if len(sentence.split()) < MIN_WORDS:
        return False
    return not PLEASANTRY.match(sentence) and not DANGLING.search(sentence)


def source_sentences(source: SourceText, own: bool = True) -> list[SourceSentence]:
    """The citable sentences of ``source``; ``own`` is False for another person's thread."""
    out = []
    for position, raw in enumerate(split_sentences(source.text)):
        text = strip_greeting(raw)
        if not is_citable(text):
            continue
        if not own and PERSONAL.search(text):
            continue
        out.append(SourceSentence(text, source.citation, position))
    return out


def all_sentences(sources: Sequence[SourceText | None], own_thread: str | None) -> list[SourceSentence]:
    """Sentences of every source in priority order (a None, an unanswered thread's reply, is skipped).

    Replies are written to one person, so a reply on another thread loses its sentences
    about that person; a passage is written for everyone ("you" there means the reader).
    """
    return [s for src in sources if src is not None
            for s in source_sentences(src, own=src.citation.kind != "thread" or src.citation.id == own_thread)]
