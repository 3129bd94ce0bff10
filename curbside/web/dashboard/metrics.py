"""What the dashboard shows, as plain rows: one dict per row, its keys the CSV columns.

Weeks are ISO weeks (Monday to Sunday) in the site's time zone, named like "2025-W07".
"A window of N weeks" is the current week (still in progress) and the N - 1 before it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from curbside.web.qa import models as qa
from curbside.web.service.models import AuditEntry, Question

OPEN_STATES = ("held", "queued", "needs_info")
DEFAULT_WEEKS = 26
MAX_WEEKS = 520

# (column, label, at least this many days, less than this many days); None means no bound.
WAIT_BANDS = (
    ("under_1_day", "under 1 day", None, 1),
    ("days_1_to_3", "1–3 days", 1, 3),
    ("days_3_to_7", "3–7 days", 3, 7),
    ("over_7_days", "over 7 days", 7, None),
)
OPEN_COLUMNS = ("specialty", "specialty_name", *(band[0] for band in WAIT_BANDS), "total")
REPLY_COLUMNS = ("week", "week_start", "specialty", "specialty_name", "answered", "median_hours")
HELD_COLUMNS = ("week", "week_start", "submitted", "held_at_submission", "held_later", "held", "held_percent")


# ---------------------------------------------------------------- weeks

def week_start(moment: datetime) -> date:
    """The Monday of the ISO week MOMENT falls in, in the site's time zone."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def recent_weeks(weeks: int, now: datetime | None = None) -> list[date]:
    """The Mondays of the last WEEKS weeks, oldest first, the current week last."""
    this_monday = week_start(now or timezone.now())
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def start_of(monday: date) -> datetime:
    return timezone.make_aware(datetime.combine(monday, time.min))


# ---------------------------------------------------------------- open questions

def waited(now: datetime, at_least_days: int | None, under_days: int | None) -> Q:
    """Questions submitted at least AT_LEAST_DAYS and less than UNDER_DAYS before NOW."""
    condition = Q()
    if at_least_days is not None:
        condition &= Q(created_at__lte=now - timedelta(days=at_least_days))
    if under_days is not None:
        condition &= Q(created_at__gt=now - timedelta(days=under_days))
    return condition


def open_questions(now: datetime | None = None) -> list[dict]:
    """Questions waiting (held, queued or waiting for information) per specialty, counted
    by how long ago they were submitted; specialties with none are left out."""
    now = now or timezone.now()
    bands = {column: Count("pk", filter=waited(now, low, high)) for column, _, low, high in WAIT_BANDS}
    counts = (Question.objects.filter(state__in=OPEN_STATES)
              .values("specialty_id", "specialty__name")
              .annotate(**bands, total=Count("pk"))
              .order_by("-total", "specialty__name"))
    return [{"specialty": row["specialty_id"], "specialty_name": row["specialty__name"],
             **{column: row[column] for column, *_ in WAIT_BANDS}, "total": row["total"]}
            for row in counts]


def open_totals(rows: list[dict]) -> dict:
    """The column sums of ``open_questions`` rows: the table's last line."""
    return {column: sum(row[column] for row in rows) for column in OPEN_COLUMNS[2:]}


# ---------------------------------------------------------------- time to reply

def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def reply_times(weeks: int = DEFAULT_WEEKS, now: datetime | None = None) -> list[dict]:
    """Median hours from submission to the published reply, per week of the reply and
    specialty (the question's, after any hand-off). Only questions asked on this site:
    imported threads were answered elsewhere, on someone else's schedule."""
    first_monday = recent_weeks(weeks, now)[0]
    replies = (qa.Reply.objects
               .filter(thread__question__isnull=False, replied_at__gte=start_of(first_monday))
               .values_list("thread__question__specialty_id", "thread__question__specialty__name",
                            "thread__question__created_at", "replied_at"))
    waits = defaultdict(list)
    for specialty, name, submitted_at, replied_at in replies:
        waits[(week_start(replied_at), name, specialty)].append(hours(replied_at - submitted_at))
    return [{"week": week_label(monday), "week_start": monday.isoformat(), "specialty": specialty,
             "specialty_name": name, "answered": len(values), "median_hours": round(median(values), 1)}
            for (monday, name, specialty), values in sorted(waits.items())]


# ---------------------------------------------------------------- held for review

def held_question_ids(since: datetime, action: str | None = None):
    """Ids of questions the audit log shows put in the "held" state since SINCE: at
    submission (screening) or later (a report, an unpublished thread). One uncorrelated
    subquery: the database reads the log once, not once per question."""
    entries = AuditEntry.objects.filter(object_type="question", after__state="held", at__gte=since)
    if action is not None:
        entries = entries.filter(action=action)
    return entries.values("object_id")


def held_share(weeks: int = DEFAULT_WEEKS, now: datetime | None = None) -> list[dict]:
    """Per week of submission: questions submitted, and how many were held for a moderator
    at any time since. The audit log is the source because approving a question clears its
    hold reasons; a question held now counts even without an audit entry."""
    mondays = recent_weeks(weeks, now)
    since = start_of(mondays[0])
    counts = (Question.objects.filter(created_at__gte=since)
              .annotate(week=TruncWeek("created_at")).values("week")
              .annotate(submitted=Count("pk"),
                        held_at_submission=Count("pk", filter=Q(
                            pk__in=held_question_ids(since, action="question.submitted"))),
                        held=Count("pk", filter=Q(pk__in=held_question_ids(since)) | Q(state="held"))))
    by_week = {timezone.localtime(row["week"]).date(): row for row in counts}
    return [held_row(monday, by_week.get(monday)) for monday in mondays]


def held_row(monday: date, counts: dict | None) -> dict:
    submitted = counts["submitted"] if counts else 0
    at_submission = counts["held_at_submission"] if counts else 0
    held = counts["held"] if counts else 0
    return {"week": week_label(monday), "week_start": monday.isoformat(), "submitted": submitted,
            "held_at_submission": at_submission, "held_later": held - at_submission, "held": held,
            "held_percent": round(100 * held / submitted, 1) if submitted else None}
