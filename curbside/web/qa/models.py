"""Database models: they store records (curbside.records); the thinking happens in the core.

Primary keys are the archive's stable string ids, so an import is an upsert by id and
an export reproduces the ids it read.
"""

from __future__ import annotations

from django.db import models

from curbside import records as r

ID_LENGTH = 200


def choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]


class Specialty(models.Model):
    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    name = models.TextField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class Doctor(models.Model):
    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    name = models.TextField(help_text="Display name without 'Dr.'")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="doctors")
    hospital = models.TextField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    # Set for doctors who answer on this site (imported doctors have no account).
    user = models.OneToOneField("auth.User", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="doctor")
    licence_number = models.TextField(blank=True, default="", help_text="As entered by the doctor")
    suspended = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"Dr. {self.name} ({self.specialty_id})"


class Topic(models.Model):
    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    name = models.TextField()
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="topics")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """Trusted reference text with its provenance."""

    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    source = models.TextField()
    licence = models.TextField()
    text = models.TextField()
    url = models.TextField(null=True, blank=True)
    question = models.TextField(null=True, blank=True)
    focus = models.TextField(null=True, blank=True)
    question_type = models.CharField(max_length=100, null=True, blank=True)
    synonyms = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.id


class Thread(models.Model):
    """A question and, once answered, its reply (``Reply``)."""

    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    title = models.TextField()
    status = models.CharField(max_length=20, choices=choices(r.THREAD_STATUSES), db_index=True)
    excerpt = models.BooleanField(default=False, help_text="Only an excerpt of the original is held")
    body = models.TextField()
    alias = models.TextField(null=True, blank=True)
    age_band = models.CharField(max_length=10, null=True, blank=True)
    sex = models.CharField(max_length=20, choices=choices(r.SEXES), default="unspecified")
    asked_for = models.CharField(max_length=20, choices=choices(r.ASKED_FOR), default="unspecified")
    asked_at = models.DateTimeField(null=True, blank=True)
    source_name = models.TextField(null=True, blank=True)
    source_url = models.TextField(null=True, blank=True)
    topics = models.ManyToManyField(Topic, through="ThreadTopic", related_name="threads")

    class Meta:
        indexes = [models.Index(fields=["status", "excerpt", "asked_at"])]

    def __str__(self) -> str:
        return self.title


class Reply(models.Model):
    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, primary_key=True, related_name="reply")
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="replies")
    body = models.TextField()
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "replies"


class ThreadTopic(models.Model):
    """A thread's Related FAQ entry, in display order."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="thread_topics")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="thread_topics")
    position = models.PositiveIntegerField()
    auto = models.BooleanField(default=False, help_text="Assigned by Curbside, not imported or set by hand")

    class Meta:
        ordering = ["thread", "position"]
        constraints = [models.UniqueConstraint(fields=["thread", "topic"], name="unique_thread_topic")]


class Guide(models.Model):
    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    title = models.TextField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="guides")
    intro = models.JSONField(default=list, blank=True)
    source_name = models.TextField(null=True, blank=True)
    source_url = models.TextField(null=True, blank=True)
    # Set for guides Curbside builds (`curbside build-guides`); imported guides have none.
    citations = models.JSONField(default=list, blank=True)
    generator = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(null=True, blank=True)
    sources_hash = models.CharField(max_length=64, blank=True, default="")
    reviewed_by = models.ForeignKey(Doctor, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="guide_reviews")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class GuideSection(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    heading = models.TextField()
    blocks = models.JSONField(default=list)

    class Meta:
        ordering = ["guide", "position"]
        constraints = [models.UniqueConstraint(fields=["guide", "position"], name="unique_guide_section")]


class Generated(models.Model):
    """Content made for a thread, with how it was made and who reviewed it."""

    id = models.CharField(primary_key=True, max_length=ID_LENGTH)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="generated")
    field = models.CharField(max_length=20, choices=choices(r.GENERATED_FIELDS))
    value = models.JSONField()
    method = models.CharField(max_length=20, choices=choices(r.PROVENANCE_METHODS))
    generator = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    sources = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(Doctor, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reviews")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # What it was made from: a reviewed version stays frozen while this stays the same.
    sources_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name_plural = "generated content"
        constraints = [models.UniqueConstraint(fields=["thread", "field"], name="one_generated_per_field")]


class IndexJob(models.Model):
    """A recorded request to bring the search index up to date with a thread.

    Written in the same transaction as the change; processed after it commits. A job
    left pending by a crash is picked up by the next `curbside index` or `reindex`.
    """

    ACTIONS = [("update", "update"), ("delete", "delete"), ("rebuild", "rebuild")]
    thread_id = models.CharField(max_length=ID_LENGTH, blank=True)
    action = models.CharField(max_length=10, choices=ACTIONS)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]


class EnrichJob(models.Model):
    """A recorded request to (re)build a thread's title, topics and More Info, written in the
    transaction that publishes or changes the thread; processed after it commits, and by
    `curbside enrich` if a crash left it pending."""

    thread_id = models.CharField(max_length=ID_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
