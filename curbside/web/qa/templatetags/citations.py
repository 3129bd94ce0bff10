"""[n] citation markers in stored text become links to the page's numbered source list."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()
MARKER = re.compile(r"\s?\[(\d+)\]")


@register.filter(needs_autoescape=True)
def cite_links(text, autoescape=True):
    escape = conditional_escape if autoescape else (lambda x: x)
    parts, last = [], 0
    for match in MARKER.finditer(text):
        parts.append(escape(text[last:match.start()]))
        number = int(match.group(1))
        parts.append(format_html(' <a class="cite" href="#source-{}" aria-label="source {}">[{}]</a>',
                                 number - 1, number, number))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in parts))
