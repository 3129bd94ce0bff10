"""An asker's endpoints: ask (or preview) a question, follow one's own questions, add the
information a doctor asked for. Every change goes through curbside.web.service.workflow."""

from __future__ import annotations

from ninja import Router, Status

from curbside.web.api import schemas as s
from curbside.web.api.errors import rate_limit
from curbside.web.api.schemas import errors
from curbside.web.qa import models as m
from curbside.web.qa import pages
from curbside.web.service import hooks, workflow
from curbside.web.service.models import Question

router = Router(tags=["asking"])

# Nobody asks twenty health questions an hour; previews count too, as they run the screening.
ASK_RATE = "20/h"


def per_account(group: str, request) -> str:
    return f"user:{request.auth.user_id}"


def message_data(question: Question) -> list[dict]:
    return [{"kind": msg.kind, "body": msg.body, "created_at": msg.created_at}
            for msg in question.messages.all()]


def specialty_name(specialty: m.Specialty) -> dict:
    return {"id": specialty.id, "name": specialty.name}


def public_url(question: Question) -> str | None:
    return pages.thread_url(question.thread) if question.thread.status == "answered" else None


def my_question_data(question: Question) -> dict:
    return {
        "id": question.thread_id, "title": question.thread.title, "body": question.thread.body,
        "state": question.state, "state_label": question.get_state_display(),
        "specialty": specialty_name(question.specialty), "held_reasons": question.held_reasons,
        "rejection_reason": question.rejection_reason or None,
        "created_at": question.created_at, "updated_at": question.updated_at,
        "public_url": public_url(question), "messages": message_data(question),
    }


def must_be_asker(user) -> None:
    if workflow.role_of(user) != "asker":
        raise workflow.NotAllowed("Only asker accounts can ask questions.")


def ask_result(draft: workflow.Draft, screening: hooks.Screening, question: Question | None) -> dict:
    return {
        "id": question.thread_id if question else None, "saved": question is not None,
        "state": question.state if question else "preview", "held_reasons": list(screening.hold_reasons),
        "specialty": specialty_name(m.Specialty.objects.get(pk=screening.specialty_id)),
        "specialty_chosen_by": screening.details["chosen_by"],
        "triage": {key: screening.details["triage"][key] for key in ("level", "advice", "rules")},
        "removed": screening.details["removed"],
        "published": {"title": screening.title, "body": screening.body, "alias": draft.alias,
                      "age_band": draft.age_band, "sex": draft.sex, "asked_for": draft.asked_for},
    }


def screening_of(question: Question) -> hooks.Screening:
    """What the screening decided at submission, as the question stores it."""
    return hooks.Screening(specialty_id=question.specialty_id, title=question.thread.title,
                           body=question.thread.body, hold_reasons=tuple(question.held_reasons),
                           urgency=question.urgency, details=question.screening)


@router.post("/questions", response={200: s.AskResult, 201: s.AskResult, **errors(400, 401, 403, 413, 415, 422, 429)},
             summary="Ask a question (201), or with preview=true see what would be published "
                     "(200, nothing saved)")
def ask(request, payload: s.AskRequest, preview: bool = False):
    user = request.auth.user
    must_be_asker(user)
    rate_limit(request, "api-ask", ASK_RATE, per_account)
    draft = workflow.Draft(title=payload.title, body=payload.body, asked_for=payload.asked_for,
                           age_band=payload.age_band, sex=payload.sex, alias=payload.alias,
                           specialty_id=payload.specialty).checked()
    if preview:
        return Status(200, ask_result(draft, workflow.preview(user, draft), None))
    question = workflow.submit(user, draft)
    return Status(201, ask_result(draft, screening_of(question), question))


def own_questions(user):
    return (Question.objects.filter(asker=user).select_related("thread", "specialty")
            .prefetch_related("messages").order_by("-created_at", "-pk"))


@router.get("/questions", response={200: s.MyQuestions, **errors(401)},
            summary="Your questions, newest first")
def my_questions(request):
    return {"questions": [my_question_data(q) for q in own_questions(request.auth.user)]}


@router.get("/questions/{thread_id}", response={200: s.MyQuestion, **errors(401, 404)},
            summary="One of your questions, with the doctors' requests for information")
def my_question(request, thread_id: str):
    return my_question_data(workflow.own_question(request.auth.user, thread_id))


@router.post("/questions/{thread_id}/info", response={200: s.MyQuestion, **errors(400, 401, 403, 404, 413, 415, 422)},
             summary="Add the information a doctor asked for; the question goes back to the queue")
def add_info(request, thread_id: str, payload: s.TextRequest):
    user = request.auth.user
    question = workflow.add_info(user, workflow.own_question(user, thread_id), payload.text)
    return my_question_data(question)
