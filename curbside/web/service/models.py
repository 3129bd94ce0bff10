"""The service's own state. A question asked on the site is a ``qa.Thread`` (status
"open" until its reply is published, then "answered"); ``Question`` holds the workflow
around it that is never public: who asked, which queue, who claimed it, why it is held.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from curbside.web.qa import models as qa

ROLES = [("asker", "asker"), ("doctor", "doctor"), ("moderator", "moderator")]
AGE_BANDS = ["0~1", "2~9", "10~19", "20~29", "30~39", "40~49", "50~59", "60~69", "70~79", "80~89", "90+"]


class Account(models.Model):
    """What Curbside adds to a Django user: a role and whether the e-mail is verified."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField(max_length=20, choices=ROLES, default="asker")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"


class Question(models.Model):
    STATES = [
        ("held", "held for review"),      # a moderator must approve it first
        ("queued", "waiting for a doctor"),
        ("needs_info", "waiting for more information"),
        ("answered", "answered and published"),
        ("rejected", "rejected"),
    ]
    thread = models.OneToOneField(qa.Thread, on_delete=models.CASCADE, primary_key=True, related_name="question")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions")
    specialty = models.ForeignKey(qa.Specialty, on_delete=models.PROTECT, related_name="queue")
    state = models.CharField(max_length=20, choices=STATES, db_index=True)
    held_reasons = models.JSONField(default=list, blank=True)
    rejection_reason = models.TextField(blank=True, default="")
    claimed_by = models.ForeignKey(qa.Doctor, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="claims")
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    # Set by the safety screening (triage level, routing, de-identification) at submission.
    screening = models.JSONField(default=dict, blank=True)
    urgency = models.PositiveSmallIntegerField(default=0, help_text="Higher is seen first in the queue")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["specialty", "state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread_id} ({self.state})"

    @property
    def triage(self) -> dict:
        """The triage summary as the asker saw it at submission; {} when none was stored."""
        return self.screening.get("triage") or {}

    @property
    def is_emergency(self) -> bool:
        return self.triage.get("level") == "emergency"

    @property
    def needs_staff(self) -> bool:
        # The engine could not read the language, so the asker saw only the general emergency
        # line: a person has to read the question to know how urgent it is.
        return bool(self.triage.get("needs_staff", False))


class Message(models.Model):
    """Exchanges about a question that are not the reply: a doctor asks for more
    information, the asker adds it, a doctor hands the question to another specialty."""

    KINDS = [("info_request", "request for information"), ("info_added", "information added"),
             ("handoff", "handed to another specialty"), ("note", "moderator note")]
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=KINDS)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Report(models.Model):
    """Someone thinks a question or a published thread needs a moderator's eye."""

    thread = models.ForeignKey(qa.Thread, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]


class AuditEntry(models.Model):
    """Who changed what, when, from what to what. Append-only: the model refuses updates and
    deletes, the admin shows it read-only, and a database trigger refuses UPDATE."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.TextField(help_text="Kept even if the account is later removed")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=qa.ID_LENGTH)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        # The history of one object: moderation pages and the dashboard's held share.
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")
