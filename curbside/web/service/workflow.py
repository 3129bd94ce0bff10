"""Every state change of the service, in one place: the HTML views and the API both call
these functions, so the rules (who may do what, in which state) and the audit log cannot
differ between them. Each function runs in one transaction and writes its audit entry in
that same transaction.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from curbside.limits import ALIAS_MAX, BODY_MAX, TITLE_MAX
from curbside.web.qa import models as qa
from curbside.web.service import hooks
from curbside.web.service.models import Account, AuditEntry, Message, Question, Report

ASKED_FOR = ("self", "child", "parent", "other")
SEXES = ("female", "male", "other", "unspecified")


class NotAllowed(Exception):
    """The person may not do this. ``hidden`` means: do not even admit it exists (404)."""

    def __init__(self, message: str, hidden: bool = False):
        super().__init__(message)
        self.hidden = hidden


class Invalid(Exception):
    """The request is understood but a value is wrong; ``field`` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


# ---------------------------------------------------------------- roles

WRITE_ATTEMPTS = 6


def write_retrying(write):
    """Run WRITE (a function that opens its own transaction), again after a short, growing
    pause when SQLite says "database is locked": another writer held the lock past the
    busy timeout. Inside an outer transaction nothing can be retried, so the error stands."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == WRITE_ATTEMPTS - 1 or connection.in_atomic_block:
                raise
            time.sleep(0.05 * 2 ** attempt + random.random() * 0.05)


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "moderator"
    account = getattr(user, "account", None)
    return account.role if account else "asker"


def is_moderator(user) -> bool:
    return role_of(user) == "moderator"


def active_doctor(user) -> qa.Doctor | None:
    """The user's doctor profile if a moderator verified it and it is not suspended."""
    if not user.is_authenticated:
        return None
    doctor = getattr(user, "doctor", None)
    if doctor is None or not doctor.verified or doctor.suspended:
        return None
    return doctor


# ---------------------------------------------------------------- audit and notices

def state_of(obj) -> dict:
    """What the audit log records of an object: its plain fields, never passwords."""
    if isinstance(obj, Question):
        return {"state": obj.state, "specialty": obj.specialty_id, "claimed_by": obj.claimed_by_id,
                "held_reasons": obj.held_reasons, "rejection_reason": obj.rejection_reason,
                "title": obj.thread.title, "body": obj.thread.body, "alias": obj.thread.alias}
    if isinstance(obj, qa.Doctor):
        return {"name": obj.name, "specialty": obj.specialty_id, "hospital": obj.hospital,
                "licence_number": obj.licence_number, "verified": obj.verified, "suspended": obj.suspended}
    if isinstance(obj, qa.Reply):
        return {"doctor": obj.doctor_id, "body": obj.body,
                "replied_at": obj.replied_at.isoformat() if obj.replied_at else None}
    if isinstance(obj, User):
        account = getattr(obj, "account", None)
        return {"username": obj.username, "email": obj.email, "is_active": obj.is_active,
                "role": account.role if account else None,
                "email_verified": bool(account and account.email_verified_at)}
    if isinstance(obj, (qa.Generated, qa.Guide)):
        return {"reviewed_by": obj.reviewed_by_id,
                "reviewed_at": obj.reviewed_at.isoformat() if obj.reviewed_at else None,
                "sources_hash": obj.sources_hash}
    if isinstance(obj, Report):
        return {"thread": obj.thread_id, "reason": obj.reason, "resolution": obj.resolution,
                "resolved": obj.resolved_at is not None}
    raise TypeError(f"no audit state for {type(obj).__name__}")


def without_private_text(state: dict) -> dict:
    """A privacy edit removes what should never have been kept: the audit log (which nobody can
    change) records a digest of the text it replaced, not the text."""
    redacted = dict(state)
    for key in ("title", "body", "alias"):
        if isinstance(state.get(key), str):
            digest = hashlib.sha256(state[key].encode("utf-8")).hexdigest()[:16]
            redacted[key] = f"[replaced by a privacy edit: {len(state[key])} characters, sha256 {digest}]"
    return redacted


def audit(actor, action: str, obj, before: dict | None, after: dict | None) -> AuditEntry:
    object_id = obj.thread_id if isinstance(obj, (Question, qa.Reply, qa.Generated)) else obj.pk
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.username if actor is not None and actor.is_authenticated else "system",
        action=action, object_type=type(obj).__name__.lower(), object_id=str(object_id),
        before=before, after=after,
    )


def notify(user: User, subject: str, body: str) -> None:
    """E-mail after the transaction commits: a failed send must not undo the change, and a
    rolled-back change must not send."""
    if not user.email:
        return
    transaction.on_commit(lambda: send_mail(f"[{settings.SITE_NAME}] {subject}", body,
                                            None, [user.email], fail_silently=True))


# ---------------------------------------------------------------- accounts

@transaction.atomic
def sign_up(username: str, email: str, password: str, role: str = "asker") -> User:
    """A new account, inactive until its e-mail address is verified."""
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid("username", "this name is taken")
    if User.objects.filter(email__iexact=email).exists():
        raise Invalid("email", "an account with this e-mail address exists; use password reset")
    user = User.objects.create_user(username=username, email=email, password=password, is_active=False)
    Account.objects.create(user=user, role=role)
    audit(None, "account.created", user, None, state_of(user))
    return user


@transaction.atomic
def sign_up_doctor(username: str, email: str, password: str, *, name: str, specialty: qa.Specialty,
                   hospital: str, licence_number: str) -> qa.Doctor:
    user = sign_up(username, email, password, role="doctor")
    doctor = qa.Doctor.objects.create(id=f"dr-{secrets.token_hex(5)}", name=name, specialty=specialty,
                                      hospital=hospital, licence_number=licence_number, user=user,
                                      verified=False)
    audit(None, "doctor.registered", doctor, None, state_of(doctor))
    return doctor


@transaction.atomic
def verify_email(user: User) -> None:
    before = state_of(user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    Account.objects.filter(user=user).update(email_verified_at=timezone.now())
    user.account.refresh_from_db()
    audit(user, "account.email_verified", user, before, state_of(user))


# ---------------------------------------------------------------- asking

@dataclass(frozen=True)
class Draft:
    """A question as the asker typed it, before screening and confirmation."""

    title: str
    body: str
    asked_for: str
    age_band: str
    sex: str
    alias: str
    specialty_id: str
    extra: dict = field(default_factory=dict)

    def checked(self) -> "Draft":
        from curbside.web.service.models import AGE_BANDS

        title, body, alias = self.title.strip(), self.body.strip(), self.alias.strip()
        if not title:
            raise Invalid("title", "write a short title")
        if len(title) > TITLE_MAX:
            raise Invalid("title", f"at most {TITLE_MAX} characters")
        if len(body) < 20:
            raise Invalid("body", "describe the question in at least 20 characters")
        if len(body) > BODY_MAX:
            raise Invalid("body", f"at most {BODY_MAX} characters")
        if self.asked_for not in ASKED_FOR:
            raise Invalid("asked_for", f"one of {', '.join(ASKED_FOR)}")
        if self.age_band not in AGE_BANDS:
            raise Invalid("age_band", f"one of {', '.join(AGE_BANDS)}")
        if self.sex not in SEXES:
            raise Invalid("sex", f"one of {', '.join(SEXES)}")
        if not alias or len(alias) > ALIAS_MAX:
            raise Invalid("alias", f"a public alias of 1 to {ALIAS_MAX} characters (not your real name)")
        if problem := hooks.alias_problem(alias):
            raise Invalid("alias", f"the alias {problem}. It is shown on the public page, so choose one that "
                                   f"does not identify you, for example “{hooks.suggested_alias(title + body)}”")
        if self.specialty_id != hooks.AUTO_SPECIALTY and not qa.Specialty.objects.filter(pk=self.specialty_id).exists():
            raise Invalid("specialty", f"no specialty {self.specialty_id!r}")
        return Draft(title, body, self.asked_for, self.age_band, self.sex, alias, self.specialty_id, self.extra)


def preview(asker: User, draft: Draft) -> hooks.Screening:
    """What would be published and where it would go, for the confirmation step."""
    return screened(asker, draft.checked())


def screened(asker: User, draft: Draft) -> hooks.Screening:
    """The screening, with the limits checked again on what will be stored: a placeholder
    can be longer than what it replaces ("Al" becomes "[NAME]")."""
    screening = hooks.screen(asker, draft)
    if len(screening.title) > TITLE_MAX:
        raise Invalid("title", f"with personal details replaced the title is {len(screening.title)} characters; "
                               f"at most {TITLE_MAX}")
    if len(screening.body) > BODY_MAX:
        raise Invalid("body", f"with personal details replaced the question is {len(screening.body)} characters; "
                              f"at most {BODY_MAX}")
    return screening


def published_draft(draft: Draft, screening: hooks.Screening) -> Draft:
    """The draft as it may be kept until the asker confirms: de-identified, with what the
    screening of the raw text found (the replacements made, the reasons to hold it)."""
    extra = {**draft.extra, "removed": screening.details.get("removed", {}), "held_for": list(screening.hold_reasons)}
    return Draft(screening.title, screening.body, draft.asked_for, draft.age_band, draft.sex, draft.alias,
                 draft.specialty_id, extra)


def submit(asker: User, draft: Draft) -> Question:
    if role_of(asker) != "asker":
        raise NotAllowed("Only asker accounts can ask questions.")
    draft = draft.checked()
    # Screening (de-identification, triage, routing) takes tens of milliseconds and more on a
    # busy machine: it runs before the write transaction opens, so the lock is held only for
    # the inserts (SQLite has one writer at a time).
    screening = screened(asker, draft)
    return write_retrying(lambda: _save_question(asker, draft, screening))


@transaction.atomic
def _save_question(asker: User, draft: Draft, screening: hooks.Screening) -> Question:
    thread = qa.Thread.objects.create(
        id=f"q-{secrets.token_hex(6)}", title=screening.title, status="open", body=screening.body,
        alias=draft.alias, age_band=draft.age_band, sex=draft.sex, asked_for=draft.asked_for,
        asked_at=timezone.now(),
    )
    question = Question.objects.create(
        thread=thread, asker=asker, specialty_id=screening.specialty_id,
        state="held" if screening.hold_reasons else "queued",
        held_reasons=list(screening.hold_reasons), urgency=screening.urgency,
        screening=screening.details,
    )
    audit(asker, "question.submitted", question, None, state_of(question))
    notify(asker, "Your question was received", confirmation_text(question))
    return question


# The e-mail opens with what the asker was told on the page: someone who closed the tab
# must still read "do not wait" before anything about queues.
ADVICE_HEADINGS = {"emergency": "This may be an emergency.", "urgent": "Please see a doctor soon."}


def confirmation_text(question: Question) -> str:
    """The e-mail sent after asking: the triage advice first when it is emergency or urgent,
    then where the question is now."""
    where = ("A moderator checks it before it reaches the doctors." if question.state == "held"
             else f"It is in the {question.specialty.name} doctors' queue.")
    text = (f"We received your question \"{question.thread.title}\". {where} "
            "We e-mail you when a doctor replies; you can follow it under My questions.")
    heading = ADVICE_HEADINGS.get(question.triage.get("level"))
    if heading is None and question.needs_staff:
        heading = "We could not read the language of your question."  # the advice holds the emergency line
    if heading:
        text = f"{heading} {question.triage.get('advice', '')}\n\n{text}"
    return text


def own_question(user, thread_id: str) -> Question:
    """The user's own question; anyone else's is 'not found', never 'forbidden'."""
    question = Question.objects.select_related("thread").filter(pk=thread_id).first()
    if question is None or question.asker_id != user.pk:
        raise NotAllowed("No such question.", hidden=True)
    return question


def add_info(asker: User, question: Question, text: str) -> Question:
    text = text.strip()
    if not 1 <= len(text) <= BODY_MAX:
        raise Invalid("text", f"write 1 to {BODY_MAX} characters")
    screened = hooks.screen_text(text)  # before the write transaction, as in submit()
    return write_retrying(lambda: _add_screened_info(asker, question, screened))


@transaction.atomic
def _add_screened_info(asker: User, question: Question, screened: str) -> Question:
    question = Question.objects.select_for_update().select_related("thread").get(pk=question.pk)
    if question.asker_id != asker.pk:
        raise NotAllowed("No such question.", hidden=True)
    if question.state != "needs_info":
        raise NotAllowed("No doctor has asked for more information on this question.")
    before = state_of(question)
    Message.objects.create(question=question, author=asker, kind="info_added", body=screened)
    question.thread.body = f"{question.thread.body}\n\nAdded later: {screened}"
    question.thread.save(update_fields=["body"])
    question.state = "queued"
    question.save(update_fields=["state", "updated_at"])
    audit(asker, "question.info_added", question, before, state_of(question))
    if question.claimed_by and question.claimed_by.user:
        notify(question.claimed_by.user, "More information was added",
               f"The asker added information to \"{question.thread.title}\".")
    return question


# ---------------------------------------------------------------- the doctors' queue

def claim_is_live(question: Question, now=None) -> bool:
    now = now or timezone.now()
    return question.claimed_by_id is not None and question.claim_expires_at is not None \
        and question.claim_expires_at > now


def queue_for(doctor: qa.Doctor):
    """Open questions of the doctor's specialty: most urgent first, then oldest first.
    Questions another doctor holds a live claim on are left out."""
    now = timezone.now()
    return (Question.objects.select_related("thread", "claimed_by")
            .filter(specialty=doctor.specialty, state__in=["queued", "needs_info"])
            .exclude(Q(claimed_by__isnull=False, claim_expires_at__gt=now) & ~Q(claimed_by=doctor))
            .order_by("-urgency", "created_at"))


def doctors_question(doctor: qa.Doctor, thread_id: str, lock: bool = False) -> Question:
    """A question the doctor may work on: in their specialty and not answered or rejected."""
    rows = Question.objects.select_related("thread")
    if lock:
        rows = rows.select_for_update()
    question = rows.filter(pk=thread_id).first()
    if question is None or question.specialty_id != doctor.specialty_id or \
            question.state not in ("queued", "needs_info"):
        raise NotAllowed("No such question in your queue.", hidden=True)
    return question


@transaction.atomic
def claim(doctor: qa.Doctor, thread_id: str) -> Question:
    question = doctors_question(doctor, thread_id, lock=True)
    if claim_is_live(question) and question.claimed_by_id != doctor.pk:
        raise NotAllowed("Another doctor is answering this question.")
    before = state_of(question)
    question.claimed_by = doctor
    question.claim_expires_at = timezone.now() + timedelta(minutes=settings.CLAIM_MINUTES)
    question.save(update_fields=["claimed_by", "claim_expires_at", "updated_at"])
    audit(doctor.user, "question.claimed", question, before, state_of(question))
    return question


def _must_hold_claim(doctor: qa.Doctor, question: Question) -> None:
    if not (claim_is_live(question) and question.claimed_by_id == doctor.pk):
        raise NotAllowed("Claim the question first (or again: your claim expired).")


@transaction.atomic
def release(doctor: qa.Doctor, thread_id: str) -> Question:
    question = doctors_question(doctor, thread_id, lock=True)
    _must_hold_claim(doctor, question)
    before = state_of(question)
    question.claimed_by, question.claim_expires_at = None, None
    question.save(update_fields=["claimed_by", "claim_expires_at", "updated_at"])
    audit(doctor.user, "question.released", question, before, state_of(question))
    return question


@transaction.atomic
def request_info(doctor: qa.Doctor, thread_id: str, text: str) -> Question:
    question = doctors_question(doctor, thread_id, lock=True)
    _must_hold_claim(doctor, question)
    text = text.strip()
    if not 1 <= len(text) <= BODY_MAX:
        raise Invalid("text", f"write 1 to {BODY_MAX} characters")
    before = state_of(question)
    Message.objects.create(question=question, author=doctor.user, kind="info_request", body=text)
    question.state = "needs_info"
    question.save(update_fields=["state", "updated_at"])
    audit(doctor.user, "question.info_requested", question, before, state_of(question))
    notify(question.asker, "A doctor needs more information",
           f"A doctor asked for more information about \"{question.thread.title}\". "
           "Sign in and open My questions to add it.")
    return question


@transaction.atomic
def hand_off(doctor: qa.Doctor, thread_id: str, specialty_id: str, note: str) -> Question:
    question = doctors_question(doctor, thread_id, lock=True)
    specialty = qa.Specialty.objects.filter(pk=specialty_id).first()
    if specialty is None:
        raise Invalid("specialty", f"no specialty {specialty_id!r}")
    if specialty.pk == question.specialty_id:
        raise Invalid("specialty", "the question is already in this specialty")
    before = state_of(question)
    Message.objects.create(question=question, author=doctor.user, kind="handoff",
                           body=note.strip() or f"Handed to {specialty.name}.")
    question.specialty = specialty
    question.claimed_by, question.claim_expires_at = None, None
    question.save(update_fields=["specialty", "claimed_by", "claim_expires_at", "updated_at"])
    audit(doctor.user, "question.handed_off", question, before, state_of(question))
    return question


def publish_reply(doctor: qa.Doctor, thread_id: str, body: str) -> Question:
    """The reply goes public with its question; the index learns of it through the thread's
    save (an IndexJob in this transaction), and the asker is told."""
    body = hooks.screen_reply(body.strip(), doctor)  # before the write transaction, as in submit()
    if len(body) < 20:
        raise Invalid("body", "write a reply of at least 20 characters")
    if len(body) > BODY_MAX:
        raise Invalid("body", f"at most {BODY_MAX} characters")
    return write_retrying(lambda: _publish_screened_reply(doctor, thread_id, body))


@transaction.atomic
def _publish_screened_reply(doctor: qa.Doctor, thread_id: str, body: str) -> Question:
    question = doctors_question(doctor, thread_id, lock=True)
    _must_hold_claim(doctor, question)
    if question.state != "queued":
        raise NotAllowed("The asker has not yet added the information you asked for.")
    before = state_of(question)
    reply = qa.Reply.objects.create(thread=question.thread, doctor=doctor, body=body, replied_at=timezone.now())
    question.thread.status = "answered"
    question.thread.save(update_fields=["status"])
    question.state = "answered"
    question.claimed_by, question.claim_expires_at = None, None
    question.save(update_fields=["state", "claimed_by", "claim_expires_at", "updated_at"])
    audit(doctor.user, "reply.published", reply, None, state_of(reply))
    audit(doctor.user, "question.answered", question, before, state_of(question))
    notify(question.asker, "Your question was answered",
           f"Dr. {doctor.name} ({doctor.specialty.name}) replied to \"{question.thread.title}\". "
           "The answered question is now public under your alias.")
    return question


# ---------------------------------------------------------------- moderation

def _moderator(user) -> None:
    if not is_moderator(user):
        raise NotAllowed("Only moderators can do this.")


def moderated_question(thread_id: str) -> Question:
    question = Question.objects.select_for_update().select_related("thread", "asker").filter(pk=thread_id).first()
    if question is None:
        raise NotAllowed("No such question.", hidden=True)
    return question


def held_questions():
    """What moderators must look at: most urgent first, then oldest first, so that an
    emergency is never behind routine questions."""
    return (Question.objects.filter(state="held").select_related("thread", "specialty", "asker")
            .order_by("-urgency", "created_at"))


@transaction.atomic
def approve(moderator: User, thread_id: str) -> Question:
    _moderator(moderator)
    question = moderated_question(thread_id)
    if question.state != "held":
        raise NotAllowed("Only a held question can be approved.")
    before = state_of(question)
    question.state, question.held_reasons = "queued", []
    if qa.Reply.objects.filter(thread=question.thread).exists():
        # A thread unpublished after a report: approving publishes it again.
        question.state = "answered"
        question.thread.status = "answered"
        question.thread.save(update_fields=["status"])
    question.save(update_fields=["state", "held_reasons", "updated_at"])
    audit(moderator, "question.approved", question, before, state_of(question))
    return question


@transaction.atomic
def reject(moderator: User, thread_id: str, reason: str) -> Question:
    _moderator(moderator)
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "say why: the asker receives it")
    question = moderated_question(thread_id)
    if question.state in ("answered", "rejected"):
        raise NotAllowed(f"A question that is {question.state} cannot be rejected.")
    before = state_of(question)
    question.state, question.rejection_reason = "rejected", reason
    question.claimed_by, question.claim_expires_at = None, None
    question.save(update_fields=["state", "rejection_reason", "claimed_by", "claim_expires_at", "updated_at"])
    audit(moderator, "question.rejected", question, before, state_of(question))
    notify(question.asker, "Your question was not accepted",
           f"A moderator did not accept \"{question.thread.title}\".\n\nReason: {reason}\n\n"
           "If you are worried about your health, please see a doctor. In an emergency, call "
           "your local emergency number now.")
    return question


@transaction.atomic
def edit_for_privacy(moderator: User, thread_id: str, title: str, body: str, alias: str | None = None) -> Question:
    """A moderator's edit of what will be published: title, body and the asker's alias."""
    _moderator(moderator)
    question = moderated_question(thread_id)
    title, body = title.strip(), body.strip()
    alias = question.thread.alias if alias is None else alias.strip()
    if not title or len(title) > TITLE_MAX:
        raise Invalid("title", f"1 to {TITLE_MAX} characters")
    if not body or len(body) > BODY_MAX + 1000:
        raise Invalid("body", "the question cannot be empty")
    if not alias or len(alias) > ALIAS_MAX:
        raise Invalid("alias", f"a public alias of 1 to {ALIAS_MAX} characters")
    if problem := hooks.alias_problem(alias):
        raise Invalid("alias", f"the alias {problem}; for example “{hooks.suggested_alias(thread_id)}” identifies nobody")
    before = without_private_text(state_of(question))
    question.thread.title, question.thread.body, question.thread.alias = title, body, alias
    question.thread.save(update_fields=["title", "body", "alias"])
    question.save(update_fields=["updated_at"])
    audit(moderator, "question.edited", question, before, state_of(question))
    return question


@transaction.atomic
def set_doctor_standing(moderator: User, doctor_id: str, *, verified: bool | None = None,
                        suspended: bool | None = None) -> qa.Doctor:
    _moderator(moderator)
    doctor = qa.Doctor.objects.select_for_update().filter(pk=doctor_id).first()
    if doctor is None:
        raise NotAllowed("No such doctor.", hidden=True)
    before = state_of(doctor)
    if verified is not None:
        doctor.verified = verified
    if suspended is not None:
        doctor.suspended = suspended
    doctor.save(update_fields=["verified", "suspended"])
    action = "doctor.suspended" if suspended else "doctor.reinstated" if suspended is False else "doctor.verified"
    audit(moderator, action, doctor, before, state_of(doctor))
    if doctor.user:
        notify(doctor.user, "Your doctor account changed",
               "A moderator " + ("suspended" if doctor.suspended else "verified" if doctor.verified
                                 else "updated") + " your doctor account.")
    return doctor


@transaction.atomic
def report(user: User, thread_id: str, reason: str) -> Report:
    """Anyone signed in may report a published thread; a doctor may report a question in
    their queue. An unanswered reported question is held until a moderator looks."""
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise Invalid("reason", "say in 1 to 1000 characters what is wrong")
    thread = qa.Thread.objects.filter(pk=thread_id).first()
    question = Question.objects.filter(pk=thread_id).first()
    doctor = active_doctor(user)
    visible = thread is not None and (
        thread.status == "answered"
        or (question is not None and (question.asker_id == user.pk
                                      or (doctor and question.specialty_id == doctor.specialty_id))))
    if not visible:
        raise NotAllowed("No such question.", hidden=True)
    entry = Report.objects.create(thread=thread, reporter=user, reason=reason)
    audit(user, "report.filed", entry, None, state_of(entry))
    if question is not None and question.state in ("queued", "needs_info"):
        before = state_of(question)
        question.state = "held"
        question.held_reasons = [*question.held_reasons, "reported"]
        question.save(update_fields=["state", "held_reasons", "updated_at"])
        audit(user, "question.held", question, before, state_of(question))
    return entry


@transaction.atomic
def resolve_report(moderator: User, report_id: int, unpublish: bool, note: str) -> Report:
    _moderator(moderator)
    entry = Report.objects.select_for_update().filter(pk=report_id, resolved_at__isnull=True).first()
    if entry is None:
        raise NotAllowed("No such open report.", hidden=True)
    before = state_of(entry)
    entry.resolved_at = timezone.now()
    entry.resolution = ("unpublished: " if unpublish else "kept: ") + note.strip()
    entry.save(update_fields=["resolved_at", "resolution"])
    audit(moderator, "report.resolved", entry, before, state_of(entry))
    if unpublish and entry.thread.status == "answered":
        thread = entry.thread
        thread.status = "open"
        thread.save(update_fields=["status"])  # the index drops it through the thread's signal
        question = Question.objects.filter(pk=thread.pk).first()
        if question is not None:
            q_before = state_of(question)
            question.state, question.held_reasons = "held", ["reported after publication"]
            question.save(update_fields=["state", "held_reasons", "updated_at"])
            audit(moderator, "question.unpublished", question, q_before, state_of(question))
    return entry


# ---------------------------------------------------------------- reviewing generated content

@transaction.atomic
def review_more_info(doctor: qa.Doctor, thread_id: str) -> qa.Generated:
    """A doctor of the thread's specialty vouches for its More Info as it stands; the version is
    then kept (frozen) until one of its sources changes."""
    # Lock only the row itself: PostgreSQL cannot lock the nullable side of the joins.
    row = (qa.Generated.objects.select_for_update(of=("self",)).select_related("thread__reply__doctor")
           .filter(thread_id=thread_id, field="more_info", thread__status="answered").first())
    if row is None or row.thread.reply.doctor.specialty_id != doctor.specialty_id:
        raise NotAllowed("No More Info of your specialty here.", hidden=True)
    return _mark_reviewed(doctor, row)


@transaction.atomic
def review_guide(doctor: qa.Doctor, guide_id: str) -> qa.Guide:
    guide = qa.Guide.objects.select_for_update(of=("self",)).select_related("topic").filter(pk=guide_id).first()
    if guide is None or not guide.generator or \
            (guide.topic and guide.topic.specialty_id and guide.topic.specialty_id != doctor.specialty_id):
        raise NotAllowed("No guide of your specialty here.", hidden=True)
    return _mark_reviewed(doctor, guide)


def _mark_reviewed(doctor: qa.Doctor, row):
    before = state_of(row)
    row.reviewed_by, row.reviewed_at = doctor, timezone.now()
    row.save(update_fields=["reviewed_by", "reviewed_at"])
    audit(doctor.user, f"{type(row).__name__.lower()}.reviewed", row, before, state_of(row))
    return row


def as_dict(draft: Draft) -> dict:
    return asdict(draft)
