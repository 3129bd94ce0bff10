"""Build each public page's data as a plain dict: the HTML template and the JSON twin
render the same dict, so they cannot disagree."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from curbside.demo import DEMO_SOURCE_NAME
from curbside.enrich.sources import NOT_FOR_DISPLAY
from curbside.text import excerpt, slugify
from curbside.search.documents import Filters
from curbside.search.snippet import snippet
from curbside.web.qa import indexing
from curbside.web.qa.markdown import render_reply
from curbside.web.qa import models as m
from curbside.web.qa.context import DISCLAIMER

EXCERPT_CHARS = 220
SIMILAR_COUNT = 5
SEARCH_RESULTS = 20
MAX_QUERY_CHARS = 20_000
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SUGGESTION_COUNT = 5
SLUG_CHARS = 80
UNTITLED_SLUG = "question"  # for titles with no ASCII letters or digits, e.g. Chinese ones
ASKED_FOR_LABELS = {"child": "asked about their child", "parent": "asked about a parent",
                    "other": "asked about someone else"}


def page_date(value) -> str | None:
    return value.strftime("%Y/%m/%d") if value else None


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def public_threads():
    """Threads anyone may read: answered ones. Excerpts are reachable but never listed."""
    return m.Thread.objects.filter(status="answered")


def title_slug(title: str) -> str:
    """'Facial spasms' -> 'facial-spasms': the readable part of a Q&A page's address."""
    slug = slugify(title)
    if len(slug) > SLUG_CHARS:
        slug = slug[:SLUG_CHARS].rsplit("-", 1)[0]
    return slug or UNTITLED_SLUG


def thread_url(thread: m.Thread) -> str:
    """The canonical address of a Q&A page, /qa/ID/SLUG/; every list links here."""
    return reverse("thread-canonical", args=[thread.id, title_slug(thread.title)])


def thread_slug(thread_id: str) -> str:
    """The slug a published thread's address should carry; 404 for anything not published."""
    title = public_threads().filter(pk=thread_id).values_list("title", flat=True).first()
    if title is None:
        raise Http404("No published question with this address.")
    return title_slug(title)


def paged_url(url: str, pagination: dict) -> str:
    return url if pagination["number"] == 1 else f"{url}?page={pagination['number']}"


def asker_line(thread: m.Thread) -> str | None:
    """'jeri, 20~29 year old female. Ask Date: 2004/08/17', as on the seed page."""
    if thread.alias is None:
        return None
    who = [thread.alias]
    person = " ".join(p for p in (f"{thread.age_band} year old" if thread.age_band else "",
                                  thread.sex if thread.sex != "unspecified" else "") if p)
    if person:
        who.append(person)
    line = ", ".join(who)
    if thread.asked_for in ASKED_FOR_LABELS:
        line += f" ({ASKED_FOR_LABELS[thread.asked_for]})"
    return f"{line}. Ask Date: {page_date(thread.asked_at)}"


def doctor_data(doctor: m.Doctor) -> dict:
    return {
        "id": doctor.id, "name": doctor.name, "hospital": doctor.hospital, "verified": doctor.verified,
        "specialty": {"id": doctor.specialty_id, "name": doctor.specialty.name,
                      "url": reverse("specialty", args=[doctor.specialty_id])},
    }


def reply_data(reply: m.Reply | None) -> dict | None:
    if reply is None:
        return None
    return {
        "doctor": doctor_data(reply.doctor),
        "doctor_line": f"Dr. {reply.doctor.name} reply {reply.doctor.specialty.name}",
        "body": reply.body, "paragraphs": reply.body.splitlines(), "html": render_reply(reply.body),
        "replied_at": iso(reply.replied_at), "reply_date": page_date(reply.replied_at),
    }


def thread_summary(thread: m.Thread) -> dict:
    """A thread as it appears in a list: the seed's Similar Q&A entry shape."""
    reply = getattr(thread, "reply", None)
    return {
        "id": thread.id, "title": thread.title, "url": thread_url(thread),
        "question_excerpt": excerpt(thread.body, EXCERPT_CHARS),
        "doctor_line": f"Dr. {reply.doctor.name} reply {reply.doctor.specialty.name}" if reply else None,
        "reply_excerpt": excerpt(reply.body, EXCERPT_CHARS) if reply else None,
        "asked_at": iso(thread.asked_at), "excerpt": thread.excerpt,
    }


def topic_label(topic: m.Topic) -> dict:
    return {
        "id": topic.id, "name": topic.name, "url": reverse("topic", args=[topic.id]),
        "specialty": topic.specialty.name if topic.specialty else None,
        "label": f"{topic.name}({topic.specialty.name})" if topic.specialty else topic.name,
    }


def with_reply(queryset):
    return queryset.select_related("reply__doctor__specialty")


def citation_href(citation: dict) -> str | None:
    """Where a reader opens a cited source: on this site when we hold it."""
    if citation.get("kind") == "thread":
        return reverse("thread", args=[citation["id"]])
    if citation.get("kind") == "passage":
        return reverse("passage", args=[citation["id"]])
    if citation.get("kind") == "rule":
        return reverse("red-flags") + "#" + citation["id"]
    return citation.get("url")


def citation_name(citation: dict) -> str:
    if citation.get("kind") == "rule":  # which rule, not only the rule pack
        return f"{citation['name']}: {citation['id'].replace('-', ' ')}"
    return citation["name"]


def with_hrefs(value):
    if isinstance(value, dict) and isinstance(value.get("citations"), list):
        return {**value, "citations": [{**c, "url": citation_href(c), "name": citation_name(c)}
                                       for c in value["citations"]]}
    return value


def generated_data(row: m.Generated | None) -> dict | None:
    if row is None:
        return None
    value = with_hrefs(row.value)
    return {
        "value": value, "citations": value.get("citations", []) if isinstance(value, dict) else [], "method": row.method, "generator": row.generator,
        "created_at": iso(row.created_at), "sources": row.sources,
        "reviewed_by": f"Dr. {row.reviewed_by.name}" if row.reviewed_by else None,
        "reviewed_at": iso(row.reviewed_at),
    }


def generated_titles(thread_ids) -> dict[str, str]:
    """Readable titles (focus and intent) where enrichment made one: Similar Q&A shows them,
    as the seed page does; other lists keep the asker's own words."""
    rows = m.Generated.objects.filter(thread_id__in=list(thread_ids), field="title")
    return {thread_id: value for thread_id, value in rows.values_list("thread_id", "value")}


def thread_page(thread_id: str) -> dict:
    try:
        thread = with_reply(public_threads()).get(pk=thread_id)
    except m.Thread.DoesNotExist:
        raise Http404("No published question with this address.") from None
    generated = {g.field: g for g in thread.generated.select_related("reviewed_by")}
    similar = generated.get("similar")
    similar_ids, similar_source = engine_similar(thread)
    if similar_ids is None and similar:
        similar_ids, similar_source = list(similar.value), generated_data(similar)
    found = with_reply(public_threads()).in_bulk(similar_ids or [])
    readable = generated_titles(similar_ids or [])
    similar_threads = [{**thread_summary(found[i]), "title": readable.get(i, found[i].title)}
                       for i in similar_ids or [] if i in found and i != thread.id]
    topics = [tt.topic for tt in thread.thread_topics.select_related("topic__specialty")]
    title = generated.get("title")
    return {
        "page": "thread", "canonical": thread_url(thread),
        "thread": {
            "id": thread.id, "title": thread.title, "url": thread_url(thread),
            "generated_title": title.value if title else None,
            "excerpt": thread.excerpt,
            "question": {
                "body": thread.body, "paragraphs": thread.body.splitlines(), "alias": thread.alias,
                "age_band": thread.age_band, "sex": thread.sex, "asked_for": thread.asked_for,
                "asked_at": iso(thread.asked_at), "asker_line": asker_line(thread),
            },
            "reply": reply_data(getattr(thread, "reply", None)),
            "source": {"name": thread.source_name, "url": thread.source_url} if thread.source_name else None,
            "demo": thread.source_name == DEMO_SOURCE_NAME,
        },
        "more_info": generated_data(generated.get("more_info")),
        "similar": similar_threads,
        "similar_provenance": similar_source,
        "related_faq": [topic_label(t) for t in topics],
        "disclaimer": DISCLAIMER,
    }


def engine_similar(thread: m.Thread) -> tuple[list[str] | None, dict | None]:
    """Similar Q&A chosen by the search engine, or (None, None) when there is no index yet."""
    engine = indexing.get_engine()
    if engine is None:
        return None, None
    query = None if thread.id in engine.row_of else f"{thread.title}\n{thread.body}"
    hits = engine.similar(thread.id, k=SIMILAR_COUNT, query=query)
    return [h.id for h in hits], {"method": "engine", "generator": f"curbside search ({engine.embedder.name} + BM25)"}


def paginate(queryset, page_number: str | None) -> tuple[list, dict]:
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    page = paginator.get_page(page_number)
    return list(page.object_list), {
        "number": page.number, "count": paginator.count, "pages": paginator.num_pages,
        "previous": page.previous_page_number() if page.has_previous() else None,
        "next": page.next_page_number() if page.has_next() else None,
    }


def listed_threads():
    return with_reply(public_threads().filter(excerpt=False)).order_by("-asked_at", "id")


def home_page() -> dict:
    latest = [thread_summary(t) for t in listed_threads()[: settings.PAGE_SIZE]]
    listed = Q(doctors__replies__thread__status="answered", doctors__replies__thread__excerpt=False)
    specialties = m.Specialty.objects.annotate(threads=Count("doctors__replies", filter=listed)).order_by("name")
    return {
        "page": "home", "canonical": reverse("home"),
        "latest": latest,
        "specialties": [{"id": s.id, "name": s.name, "threads": s.threads,
                         "url": reverse("specialty", args=[s.id])} for s in specialties],
        "guides": [{"id": g.id, "title": g.title, "url": reverse("guide", args=[g.id])}
                   for g in m.Guide.objects.order_by("title")],
        "disclaimer": DISCLAIMER,
    }


def specialty_page(specialty_id: str, page_number: str | None) -> dict:
    try:
        specialty = m.Specialty.objects.get(pk=specialty_id)
    except m.Specialty.DoesNotExist:
        raise Http404("No specialty with this address.") from None
    threads, pagination = paginate(listed_threads().filter(reply__doctor__specialty=specialty), page_number)
    url = reverse("specialty", args=[specialty.id])
    return {
        "page": "specialty", "canonical": paged_url(url, pagination),
        "specialty": {"id": specialty.id, "name": specialty.name, "url": url},
        "threads": [thread_summary(t) for t in threads],
        "pagination": pagination,
        "topics": [topic_label(t) for t in specialty.topics.select_related("specialty").order_by("name")],
        "disclaimer": DISCLAIMER,
    }


def topic_page(topic_id: str, page_number: str | None) -> dict:
    try:
        topic = m.Topic.objects.select_related("specialty").get(pk=topic_id)
    except m.Topic.DoesNotExist:
        raise Http404("No topic with this address.") from None
    threads, pagination = paginate(listed_threads().filter(thread_topics__topic=topic), page_number)
    return {
        "page": "topic", "canonical": paged_url(reverse("topic", args=[topic.id]), pagination),
        "topic": topic_label(topic),
        "threads": [thread_summary(t) for t in threads],
        "pagination": pagination,
        "guides": [{"id": g.id, "title": g.title, "url": reverse("guide", args=[g.id])}
                   for g in topic.guides.order_by("title")],
        "disclaimer": DISCLAIMER,
    }


def guide_page(guide_id: str) -> dict:
    try:
        guide = m.Guide.objects.select_related("topic__specialty", "reviewed_by").get(pk=guide_id)
    except m.Guide.DoesNotExist:
        raise Http404("No guide with this address.") from None
    return {
        "page": "guide", "canonical": reverse("guide", args=[guide.id]),
        "guide": {
            "id": guide.id, "title": guide.title, "url": reverse("guide", args=[guide.id]),
            "topic": topic_label(guide.topic) if guide.topic else None,
            "intro": guide.intro,
            "sections": [{"heading": s.heading, "blocks": s.blocks} for s in guide.sections.all()],
            "source": {"name": guide.source_name, "url": guide.source_url} if guide.source_name else None,
            "demo": guide.source_name == DEMO_SOURCE_NAME,
            # Guides Curbside built from cited sources (`curbside build-guides`).
            "assembled": bool(guide.generator),
            "citations": with_hrefs({"citations": guide.citations})["citations"],
            "reviewed_by": f"Dr. {guide.reviewed_by.name}" if guide.reviewed_by else None,
            "reviewed_at": iso(guide.reviewed_at),
        },
        "disclaimer": DISCLAIMER,
    }


def displayable_passages():
    """Trusted passages that may be shown and cited: never those licensed for evaluation only."""
    return m.Passage.objects.exclude(licence__icontains=NOT_FOR_DISPLAY)


def passage_page(passage_id: str) -> dict:
    try:
        passage = displayable_passages().get(pk=passage_id)
    except m.Passage.DoesNotExist:
        raise Http404("No passage that may be shown has this address.") from None
    return {
        "page": "passage", "canonical": reverse("passage", args=[passage.id]),
        "passage": {"id": passage.id, "source": passage.source, "licence": passage.licence, "url": passage.url,
                    "question": passage.question, "focus": passage.focus, "text": passage.text,
                    "paragraphs": [p for p in passage.text.splitlines() if p.strip()]},
        "disclaimer": DISCLAIMER,
    }


LEVEL_ORDER = ("emergency", "urgent", "routine", "self_care")


def red_flags_page() -> dict:
    """The red-flag rules Curbside triages with: a source that More Info and guides cite."""
    from curbside.safety.rules import load_rules

    pack = load_rules()
    levels = [{"level": level, "label": level.replace("_", " "),
               "rules": [{"id": r.id, "name": r.id.replace("-", " ").capitalize(), "advice": r.advice,
                          "example": r.examples[0] if r.examples else None}
                         for r in pack.rules if r.level == level]}
              for level in LEVEL_ORDER]
    return {"page": "red-flags", "canonical": reverse("red-flags"), "version": pack.version,
            "levels": levels, "disclaimer": DISCLAIMER}


def search_filters(params) -> tuple[Filters, dict]:
    """Filters from the query string; values that do not parse are ignored and reported."""
    problems = {}
    dates = {}
    for key in ("from", "to"):
        value = (params.get(key) or "").strip()
        if value and not DATE.fullmatch(value):
            problems[key] = f"'{value}' is not a date like 2025-01-31; ignored"
            value = ""
        dates[key] = value or None
    filters = Filters(specialty=params.get("specialty") or None, topic=params.get("topic") or None,
                      date_from=dates["from"], date_to=dates["to"])
    return filters, problems


def search_url(query: str, filters: Filters) -> str:
    """The search page's own address with only the parameters that took effect."""
    params = {"q": query.strip(), "specialty": filters.specialty, "topic": filters.topic,
              "from": filters.date_from, "to": filters.date_to}
    used = urlencode({k: v for k, v in params.items() if v})
    return reverse("search") + (f"?{used}" if used else "")


def search_page(params) -> dict:
    query = (params.get("q") or "")[:MAX_QUERY_CHARS]
    filters, problems = search_filters(params)
    engine = indexing.get_engine()
    hits = engine.search(query, k=SEARCH_RESULTS, filters=filters) if engine and query.strip() else []
    found = with_reply(public_threads()).in_bulk([h.id for h in hits])
    results = []
    for hit in hits:
        if hit.id not in found:
            continue  # deleted since the index was built; the queued job will catch up
        thread = found[hit.id]
        results.append({**thread_summary(thread), "score": round(hit.score, 4),
                        "question_snippet": snippet(thread.body, query),
                        "reply_snippet": snippet(thread.reply.body, query) if getattr(thread, "reply", None) else []})
    return {
        "page": "search", "query": query, "canonical": search_url(query, filters),
        "filters": {"specialty": filters.specialty, "topic": filters.topic,
                    "from": filters.date_from, "to": filters.date_to},
        "problems": problems,
        "results": results,
        "index_ready": engine is not None,
        "specialties": [{"id": s.id, "name": s.name} for s in m.Specialty.objects.order_by("name")],
        "topics": [{"id": t.id, "name": t.name} for t in m.Topic.objects.order_by("name")],
        "disclaimer": DISCLAIMER,
    }


def suggestions(params) -> dict:
    query = (params.get("q") or "")[:MAX_QUERY_CHARS]
    engine = indexing.get_engine()
    hits = engine.search(query, k=SUGGESTION_COUNT) if engine and len(query.strip()) >= 3 else []
    found = public_threads().in_bulk([h.id for h in hits])
    return {
        "page": "suggestions", "query": query,
        "suggestions": [{"id": h.id, "title": found[h.id].title, "url": thread_url(found[h.id]),
                         "question_excerpt": excerpt(found[h.id].body, 140)} for h in hits if h.id in found],
        "disclaimer": DISCLAIMER,
    }
