"""schema.org JSON-LD for the public pages, built from the same page dicts as the HTML,
so search engines read exactly what a person sees."""

from __future__ import annotations

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# The escapes of django.utils.html.json_script: with them no user text can close the
# <script> element early ("</script>") or open a comment ("<!--"). json_script itself
# cannot be used because it always writes type="application/json".
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
CONTEXT = "https://schema.org"


def present(**fields) -> dict:
    """The fields that have a value: schema.org readers treat null as a value, not as absent."""
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def person(name: str | None) -> dict | None:
    return {"@type": "Person", "name": name} if name else None


def review(generated: dict | None) -> dict:
    """lastReviewed/reviewedBy for content a doctor reviewed; nothing otherwise."""
    if not generated or not generated.get("reviewed_at"):
        return {}
    return present(lastReviewed=generated["reviewed_at"][:10], reviewedBy=person(generated.get("reviewed_by")))


def answer(reply: dict | None, page_url: str) -> dict | None:
    if reply is None:
        return None
    return present(**{"@type": "Answer"}, text=reply["body"], dateCreated=reply["replied_at"],
                   url=f"{page_url}#reply", author=person(f"Dr. {reply['doctor']['name']}"))


def qa_page(data: dict, page_url: str) -> dict:
    thread = data["thread"]
    question = thread["question"]
    reply = thread["reply"]
    main_entity = present(**{"@type": "Question"}, name=thread["title"], text=question["body"],
                          dateCreated=question["asked_at"], author=person(question["alias"]),
                          answerCount=1 if reply else 0, acceptedAnswer=answer(reply, page_url))
    return {"@context": CONTEXT, "@type": "QAPage", "url": page_url, "mainEntity": main_entity,
            **review(data["more_info"])}


def medical_web_page(data: dict, page_url: str) -> dict:
    guide = data["guide"]
    topic = guide["topic"]
    # Guides carry no review yet; once they do, a "review" entry shaped like Generated's
    # (reviewed_by, reviewed_at) is published here with no change to this module.
    return present(**{"@context": CONTEXT, "@type": "MedicalWebPage"}, url=page_url, name=guide["title"],
                   about={"@type": "Thing", "name": topic["name"]} if topic else None,
                   medicalAudience={"@type": "Patient"}, **review(guide.get("review")))


BUILDERS = {"thread": qa_page, "guide": medical_web_page}


def page_json_ld(data: dict, page_url: str) -> dict | None:
    """The JSON-LD object for a page, or None for page types that have none."""
    build = BUILDERS.get(data.get("page"))
    return build(data, page_url) if build else None


def script_tag(value: dict) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
