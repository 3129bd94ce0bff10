"""Read endpoints: anyone may call them. Each returns the same data as the page it mirrors
(curbside.web.qa.pages); only answered questions are ever shown."""

from __future__ import annotations

from django.urls import reverse
from ninja import Query, Router

from curbside.web.api import schemas as s
from curbside.web.api.schemas import errors
from curbside.web.qa import models as m
from curbside.web.qa import pages
from curbside.web.qa.context import DISCLAIMER
from curbside.web.service.workflow import Invalid

router = Router(tags=["published questions and answers"])

PAGE = Query(1, ge=1, description="Page number; past the last page gives the last page")


def must_exist(model, field_name: str, value: str | None) -> None:
    if value and not model.objects.filter(pk=value).exists():
        raise Invalid(field_name, f"no {field_name} {value!r}")


@router.get("/threads", response={200: s.ThreadList, **errors(422)},
            summary="Answered questions, newest first; filter by specialty or topic")
def list_threads(request, specialty: str | None = None, topic: str | None = None, page: int = PAGE):
    must_exist(m.Specialty, "specialty", specialty)
    must_exist(m.Topic, "topic", topic)
    threads = pages.listed_threads()
    if specialty:
        threads = threads.filter(reply__doctor__specialty_id=specialty)
    if topic:
        threads = threads.filter(thread_topics__topic_id=topic)
    rows, pagination = pages.paginate(threads, str(page))
    return {"threads": [pages.thread_summary(t) for t in rows], "pagination": pagination,
            "disclaimer": DISCLAIMER}


@router.get("/threads/{thread_id}", response={200: s.ThreadPage, **errors(404)},
            summary="One answered question with its reply, More Info, Similar Q&A and Related FAQ")
def get_thread(request, thread_id: str):
    return pages.thread_page(thread_id)


@router.get("/threads/{thread_id}/similar", response={200: s.Similar, **errors(404)},
            summary="Answered questions similar to this one")
def similar_threads(request, thread_id: str):
    page = pages.thread_page(thread_id)
    return {"thread": thread_id, "similar": page["similar"], "provenance": page["similar_provenance"],
            "disclaimer": DISCLAIMER}


@router.get("/search", response=s.SearchPage, by_alias=True,
            summary="Search answered questions; filters that do not parse are reported in 'problems'")
def search(request, q: str = "", specialty: str | None = None, topic: str | None = None,
           date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
           date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD")):
    params = {"q": q, "specialty": specialty, "topic": topic, "from": date_from, "to": date_to}
    return pages.search_page(params)


@router.get("/suggestions", response=s.Suggestions,
            summary="Answered questions matching what a person is typing (3 characters or more)")
def suggestions(request, q: str = ""):
    return pages.suggestions({"q": q})


@router.get("/topics", response=s.Topics, summary="Every topic, by name")
def list_topics(request):
    topics = m.Topic.objects.select_related("specialty").order_by("name", "id")
    return {"topics": [pages.topic_label(t) for t in topics]}


@router.get("/topics/{topic_id}", response={200: s.TopicPage, **errors(404, 422)},
            summary="A topic with its answered questions and guides")
def get_topic(request, topic_id: str, page: int = PAGE):
    return pages.topic_page(topic_id, str(page))


@router.get("/guides", response=s.Guides, summary="Every guide, by title")
def list_guides(request):
    guides = m.Guide.objects.select_related("topic__specialty").order_by("title", "id")
    return {"guides": [{"id": g.id, "title": g.title, "url": reverse("guide", args=[g.id]),
                        "topic": pages.topic_label(g.topic) if g.topic else None} for g in guides]}


@router.get("/guides/{guide_id}", response={200: s.GuidePage, **errors(404)}, summary="One guide")
def get_guide(request, guide_id: str):
    return pages.guide_page(guide_id)


@router.get("/specialties", response=s.Specialties, summary="Every specialty, with its number of answers")
def list_specialties(request):
    return {"specialties": pages.home_page()["specialties"]}


@router.get("/specialties/{specialty_id}", response={200: s.SpecialtyPage, **errors(404, 422)},
            summary="A specialty with its answered questions and topics")
def get_specialty(request, specialty_id: str, page: int = PAGE):
    return pages.specialty_page(specialty_id, str(page))
