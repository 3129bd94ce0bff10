"""Views of the service: accounts, asking, the doctors' queue, moderation.

Views only translate between HTTP and workflow.py: a form's data goes in, a NotAllowed
comes back as 404 (someone else's object: we do not admit it exists) or 403 (wrong role),
an Invalid as the form's error on the named field.
"""

from __future__ import annotations

import time

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from curbside.web.qa import models as qa
from curbside.web.service import forms, hooks, workflow
from curbside.web.qa.markdown import render_reply
from curbside.web.service.models import AuditEntry, Question, Report

DRAFT_SESSION_KEY = "curbside-draft"
TOO_MANY = "Too many requests: please wait a minute and try again."


def rate_limited(request, exception=None):
    """django-ratelimit sends every over-limit request here: 429, with the site's error shape."""
    from curbside.web.qa.views import error_json

    if request.path.endswith(".json") or request.path.startswith("/api/"):
        return error_json(429, TOO_MANY)
    return render(request, "qa/error.html", {"status": 429, "message": TOO_MANY}, status=429)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "You may not open this page."
    if request.path.endswith(".json"):
        from curbside.web.qa.views import error_json

        return error_json(403, message)
    return render(request, "service/forbidden.html", {"message": message}, status=403)


def csrf_failure(request, reason=""):
    return render(request, "service/forbidden.html",
                  {"message": "This form expired or was sent from another site. Go back, reload the page "
                              "and send it again."}, status=403)


def requires(role: str):
    """Anonymous people are sent to sign in; signed-in people of another role get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role == "doctor":
                request.doctor = workflow.active_doctor(request.user)
                if request.doctor is None:
                    raise PermissionDenied("Only verified doctors can open the queue. If you registered as "
                                           "a doctor, a moderator has not verified your account yet.")
            elif workflow.role_of(request.user) != role:
                raise PermissionDenied(f"This page is for {role}s.")
            try:
                return view(request, *args, **kwargs)
            except workflow.NotAllowed as exc:
                if exc.hidden:
                    raise Http404(str(exc)) from None
                if request.method == "GET":
                    raise PermissionDenied(str(exc)) from None
                messages.error(request, str(exc))
                return redirect(request.META.get("HTTP_REFERER") or reverse("home"))

        return wrapper

    return decorate


def field_error(form, exc: workflow.Invalid) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# ---------------------------------------------------------------- accounts

class EmailTokens(PasswordResetTokenGenerator):
    """One-use e-mail confirmation links: the hash covers is_active, so a link stops
    working once the account is active."""

    key_salt = "curbside.email-verification"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


email_tokens = EmailTokens()


def send_verification(request, user: User) -> None:
    link = request.build_absolute_uri(reverse("verify-email", args=[
        urlsafe_base64_encode(force_bytes(user.pk)), email_tokens.make_token(user)]))
    send_mail("Confirm your e-mail address",
              f"Hello {user.username},\n\nOpen this link to confirm your e-mail address and activate "
              f"your account:\n\n{link}\n\nIf you did not sign up, ignore this message.",
              None, [user.email])


@ratelimit(key="ip", rate="5/h", method="POST", block=True)
def sign_up(request, doctor: bool = False):
    form_class = forms.DoctorSignUpForm if doctor else forms.SignUpForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if doctor:
                specialty = qa.Specialty.objects.get(pk=d["specialty"])
                user = workflow.sign_up_doctor(d["username"], d["email"], d["password"], name=d["name"],
                                               specialty=specialty, hospital=d["hospital"],
                                               licence_number=d["licence_number"]).user
            else:
                user = workflow.sign_up(d["username"], d["email"], d["password"])
        except workflow.Invalid as exc:
            field_error(form, exc)
        else:
            send_verification(request, user)
            return render(request, "service/signup_sent.html", {"email": user.email})
    return render(request, "service/signup.html", {"form": form, "doctor": doctor})


def verify_email(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not email_tokens.check_token(user, token):
        return render(request, "service/verify_failed.html", status=400)
    workflow.verify_email(user)
    messages.success(request, "Your e-mail address is confirmed. You can sign in now.")
    return redirect("login")


login = ratelimit(key="ip", rate="20/m", method="POST", block=True)(
    auth_views.LoginView.as_view(redirect_authenticated_user=True))
def after_login(request):
    """Each role lands where its work is."""
    role = workflow.role_of(request.user)
    if role == "moderator":
        return redirect("moderation")
    if workflow.active_doctor(request.user) is not None:
        return redirect("queue")
    if role == "asker":
        return redirect("my-questions")
    return redirect("home")


password_reset = ratelimit(key="ip", rate="5/h", method="POST", block=True)(
    auth_views.PasswordResetView.as_view())


# ---------------------------------------------------------------- asking

DRAFT_KEPT_SECONDS = 3600  # an abandoned ask is forgotten within the hour


def draft_from_session(request) -> workflow.Draft | None:
    kept = request.session.get(DRAFT_SESSION_KEY)
    if not kept or not isinstance(kept, dict) or "draft" not in kept:
        return None
    if time.time() - kept.get("saved_at", 0) > DRAFT_KEPT_SECONDS:
        del request.session[DRAFT_SESSION_KEY]
        return None
    return workflow.Draft(**kept["draft"])


def keep_draft(request, draft: workflow.Draft) -> None:
    """Only the de-identified draft is kept, and only for an hour: the session is a table."""
    request.session[DRAFT_SESSION_KEY] = {"draft": workflow.as_dict(draft), "saved_at": time.time()}


# Error reports never carry what a person typed about their health (nor their password).
private_fields = sensitive_post_parameters("title", "body", "text", "alias", "reason")


@private_fields
@requires("asker")
@ratelimit(key="user", rate="10/h", method="POST", block=True)
def ask(request):
    """Step 1: the form (suggestions appear while the person types)."""
    initial = workflow.as_dict(draft) if (draft := draft_from_session(request)) else None
    if initial:
        initial["specialty"] = initial.pop("specialty_id")
    form = forms.AskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            screening = workflow.preview(request.user, form.draft())
        except workflow.Invalid as exc:
            field_error(form, exc)
        else:
            # The session (a database table) keeps only what may be published.
            keep_draft(request, workflow.published_draft(form.draft(), screening))
            return redirect("ask-confirm")
    return render(request, "service/ask.html", {"form": form})


@requires("asker")
@ratelimit(key="user", rate="10/h", method="POST", block=True)
def ask_confirm(request):
    """Step 2: exactly what will be published, and where it goes; nothing is saved before."""
    draft = draft_from_session(request)
    if draft is None:
        return redirect("ask")
    if request.method == "POST":
        question = workflow.submit(request.user, draft)
        del request.session[DRAFT_SESSION_KEY]
        messages.success(request, "Your question was sent." if question.state == "queued" else
                         "Your question was sent. A moderator checks it before it reaches the doctors.")
        return redirect("my-question", question.pk)
    screening = workflow.preview(request.user, draft)
    specialty = qa.Specialty.objects.get(pk=screening.specialty_id)
    return render(request, "service/ask_confirm.html",
                  {"draft": draft, "screening": screening, "specialty": specialty,
                   "replaced": hooks.replaced_list(screening.details.get("removed", {})),
                   "asked_for": dict(forms.ASKED_FOR_CHOICES)[draft.asked_for]})


@requires("asker")
def my_questions(request):
    questions = Question.objects.filter(asker=request.user).select_related("thread", "specialty") \
        .order_by("-created_at")
    return render(request, "service/my_questions.html", {"questions": questions})


@private_fields
@requires("asker")
def my_question(request, thread_id: str):
    question = workflow.own_question(request.user, thread_id)
    form = forms.TextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.add_info(request.user, question, form.cleaned_data["text"])
        except workflow.Invalid as exc:
            field_error(form, exc)
        else:
            messages.success(request, "Thank you: the doctor can see what you added.")
            return redirect("my-question", question.pk)
    return render(request, "service/my_question.html", {
        "question": question, "form": form, "messages_list": question.messages.all(),
        "reply_html": render_reply(question.thread.reply.body) if question.state == "answered" else None,
    })


# ---------------------------------------------------------------- the doctors' queue

@requires("doctor")
def queue(request):
    rows = workflow.queue_for(request.doctor)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "service/queue.html", {"page": page, "doctor": request.doctor})


@requires("doctor")
def queue_question(request, thread_id: str):
    question = workflow.doctors_question(request.doctor, thread_id)
    return render(request, "service/queue_question.html", {
        "question": question, "doctor": request.doctor,
        "mine": workflow.claim_is_live(question) and question.claimed_by_id == request.doctor.pk,
        "taken": workflow.claim_is_live(question) and question.claimed_by_id != request.doctor.pk,
        "reply_form": forms.ReplyForm(), "info_form": forms.TextForm(),
        "handoff_form": forms.HandOffForm(), "messages_list": question.messages.all(),
    })


@private_fields
@require_POST
@requires("doctor")
def queue_action(request, thread_id: str, action: str):
    doctor = request.doctor
    done = {"claim": "You claimed this question.", "release": "You released this question.",
            "request-info": "The asker was asked for more information.",
            "hand-off": "The question was handed to another specialty.",
            "reply": "Your reply is published."}
    if action not in done:
        raise Http404("No such action.")
    form = {"request-info": forms.TextForm, "hand-off": forms.HandOffForm,
            "reply": forms.ReplyForm}.get(action, forms.forms.Form)(request.POST)
    if not form.is_valid():
        messages.error(request, "Please correct: " + "; ".join(
            f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()))
        return redirect("queue-question", thread_id)
    d = form.cleaned_data
    try:
        if action == "claim":
            workflow.claim(doctor, thread_id)
        elif action == "release":
            workflow.release(doctor, thread_id)
        elif action == "request-info":
            workflow.request_info(doctor, thread_id, d["text"])
        elif action == "hand-off":
            workflow.hand_off(doctor, thread_id, d["specialty"], d["note"])
            messages.success(request, done[action])
            return redirect("queue")
        else:
            workflow.publish_reply(doctor, thread_id, d["body"])
            messages.success(request, done[action])
            return redirect("thread", thread_id)
    except workflow.Invalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done[action])
    return redirect("queue-question", thread_id)


# ---------------------------------------------------------------- reviewing generated content

@require_POST
@requires("doctor")
def review(request, kind: str, object_id: str):
    if kind == "more-info":
        workflow.review_more_info(request.doctor, object_id)
        messages.success(request, "Thank you: your review is shown with the More Info.")
        return redirect("thread", object_id)
    if kind == "guide":
        workflow.review_guide(request.doctor, object_id)
        messages.success(request, "Thank you: your review is shown with the guide.")
        return redirect("guide", object_id)
    raise Http404("Nothing to review here.")


# ---------------------------------------------------------------- reports

@require_POST
def report(request, thread_id: str):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("thread", args=[thread_id]))
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say in a few words what is wrong.")
        return redirect(request.META.get("HTTP_REFERER") or reverse("home"))
    try:
        workflow.report(request.user, thread_id, form.cleaned_data["reason"])
    except workflow.NotAllowed as exc:
        raise Http404(str(exc)) from None
    messages.success(request, "Thank you. A moderator will look at it.")
    return redirect(request.META.get("HTTP_REFERER") or reverse("home"))


# ---------------------------------------------------------------- moderation

@requires("moderator")
def moderation(request):
    return render(request, "service/moderation.html", {
        "held": workflow.held_questions(),
        "reports": Report.objects.filter(resolved_at__isnull=True).select_related("thread", "reporter"),
        "pending_doctors": qa.Doctor.objects.filter(user__isnull=False, verified=False).select_related("specialty"),
        "doctors": qa.Doctor.objects.filter(user__isnull=False, verified=True).select_related("specialty"),
    })


@requires("moderator")
def moderate_question(request, thread_id: str):
    question = Question.objects.select_related("thread", "asker", "specialty").filter(pk=thread_id).first()
    if question is None:
        raise Http404("No such question.")
    edit_form = forms.EditForm(initial={"title": question.thread.title, "body": question.thread.body,
                                        "alias": question.thread.alias})
    reject_form = forms.ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                workflow.approve(request.user, thread_id)
                messages.success(request, "Approved: the question is in the doctors' queue.")
                return redirect("moderation")
            if action == "reject":
                reject_form = forms.ReasonForm(request.POST)
                if reject_form.is_valid():
                    workflow.reject(request.user, thread_id, reject_form.cleaned_data["reason"])
                    messages.success(request, "Rejected; the asker was told why.")
                    return redirect("moderation")
            elif action == "edit":
                edit_form = forms.EditForm(request.POST)
                if edit_form.is_valid():
                    workflow.edit_for_privacy(request.user, thread_id, edit_form.cleaned_data["title"],
                                              edit_form.cleaned_data["body"], edit_form.cleaned_data["alias"])
                    messages.success(request, "Saved.")
                    return redirect("moderate-question", thread_id)
            else:
                messages.error(request, "Unknown action.")
        except workflow.Invalid as exc:
            if action == "edit":
                field_error(edit_form, exc)
            else:
                messages.error(request, str(exc))
    return render(request, "service/moderate_question.html",
                  {"question": question, "edit_form": edit_form, "reject_form": reject_form,
                   "audit": AuditEntry.objects.filter(object_type="question", object_id=thread_id)})


@require_POST
@requires("moderator")
def moderate_doctor(request, doctor_id: str, action: str):
    changes = {"verify": {"verified": True}, "suspend": {"suspended": True}, "reinstate": {"suspended": False}}
    if action not in changes:
        raise Http404("No such action.")
    workflow.set_doctor_standing(request.user, doctor_id, **changes[action])
    messages.success(request, f"Doctor {action}{'d' if action.endswith('e') else 'ed'}.")
    return redirect("moderation")


@require_POST
@requires("moderator")
def resolve_report(request, report_id: int):
    workflow.resolve_report(request.user, report_id, unpublish=request.POST.get("action") == "unpublish",
                            note=request.POST.get("note", ""))
    messages.success(request, "Report resolved.")
    return redirect("moderation")


@requires("moderator")
def audit_log(request):
    entries = AuditEntry.objects.all()
    if request.GET.get("object_id"):
        entries = entries.filter(object_id=request.GET["object_id"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "service/audit.html", {"page": page, "object_id": request.GET.get("object_id", "")})

