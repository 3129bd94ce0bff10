"""The doctors' queue: verified doctors who are not suspended work on the open questions of
their specialty. Rules (claims, states, who may do what) live in the workflow; a question
outside the doctor's queue is 'not found', never 'forbidden'."""

from __future__ import annotations

from ninja import Router

from curbside.web.api import schemas as s
from curbside.web.api.asking import message_data, public_url, specialty_name
from curbside.web.api.schemas import errors
from curbside.web.qa import models as m
from curbside.web.service import workflow
from curbside.web.service.models import Question

router = Router(tags=["doctors' queue"])


def calling_doctor(request) -> m.Doctor:
    doctor = workflow.active_doctor(request.auth.user)
    if doctor is None:
        raise workflow.NotAllowed("Only verified doctors whose account is not suspended can use the queue.")
    return doctor


def queued_question_data(question: Question, doctor: m.Doctor) -> dict:
    thread = question.thread
    yours = workflow.claim_is_live(question) and question.claimed_by_id == doctor.pk
    return {
        "id": question.thread_id, "title": thread.title, "body": thread.body, "state": question.state,
        "urgency": question.urgency, "specialty": specialty_name(question.specialty),
        # The same mark as the queue page: an emergency is said in words, not left to a number.
        "triage": {"level": question.triage.get("level"), "advice": question.triage.get("advice"),
                   "emergency": question.is_emergency, "language_not_read": question.needs_staff},
        "about": {"alias": thread.alias, "age_band": thread.age_band, "sex": thread.sex,
                  "asked_for": thread.asked_for},
        "created_at": question.created_at,
        "claimed_by_you": yours,
        "claimed_by_another": workflow.claim_is_live(question) and not yours,
        "claim_expires_at": question.claim_expires_at if yours else None,
        "public_url": public_url(question), "messages": message_data(question),
    }


@router.get("/queue", response={200: s.Queue, **errors(401, 403)},
            summary="Open questions of your specialty: most urgent first, then oldest first")
def queue(request):
    doctor = calling_doctor(request)
    questions = workflow.queue_for(doctor).select_related("specialty").prefetch_related("messages")
    return {"specialty": specialty_name(doctor.specialty),
            "questions": [queued_question_data(q, doctor) for q in questions]}


@router.get("/queue/{thread_id}", response={200: s.QueuedQuestion, **errors(401, 403, 404)},
            summary="One open question of your specialty")
def queued_question(request, thread_id: str):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.doctors_question(doctor, thread_id), doctor)


@router.post("/queue/{thread_id}/claim", response={200: s.QueuedQuestion, **errors(401, 403, 404)},
             summary="Claim a question, so no other doctor answers it meanwhile")
def claim(request, thread_id: str):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.claim(doctor, thread_id), doctor)


@router.post("/queue/{thread_id}/release", response={200: s.QueuedQuestion, **errors(401, 403, 404)},
             summary="Give up your claim")
def release(request, thread_id: str):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.release(doctor, thread_id), doctor)


@router.post("/queue/{thread_id}/request-info",
             response={200: s.QueuedQuestion, **errors(400, 401, 403, 404, 413, 415, 422)},
             summary="Ask the asker for more information (you must hold the claim)")
def request_info(request, thread_id: str, payload: s.TextRequest):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.request_info(doctor, thread_id, payload.text), doctor)


@router.post("/queue/{thread_id}/hand-off",
             response={200: s.QueuedQuestion, **errors(400, 401, 403, 404, 413, 415, 422)},
             summary="Hand the question to another specialty's queue")
def hand_off(request, thread_id: str, payload: s.HandOffRequest):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.hand_off(doctor, thread_id, payload.specialty, payload.note), doctor)


@router.post("/queue/{thread_id}/reply",
             response={200: s.QueuedQuestion, **errors(400, 401, 403, 404, 413, 415, 422)},
             summary="Publish your reply: the question and reply become public (you must hold the claim)")
def publish_reply(request, thread_id: str, payload: s.ReplyRequest):
    doctor = calling_doctor(request)
    return queued_question_data(workflow.publish_reply(doctor, thread_id, payload.body), doctor)
