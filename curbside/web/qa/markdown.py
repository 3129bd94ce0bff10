"""Doctors write replies in a small Markdown subset; readers get sanitised HTML.

markdown-it parses with raw HTML switched off, then nh3 keeps only an allow-list of tags,
so neither a "<script>" typed into a reply nor a crafted link can reach a reader's page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Paragraphs, line breaks, emphasis, lists, links: what a short medical reply needs.
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_parser = (
    MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    .enable(["emphasis", "list", "link", "newline", "autolink"])
)


def render_reply(text: str) -> str:
    """Markdown subset -> safe HTML. Single newlines become line breaks, as doctors expect."""
    html = _parser.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
