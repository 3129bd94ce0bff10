"""The moderators' dashboard: one page of charts with their tables, each chart as an SVG
and each dataset as a CSV. Views only check access, read ``weeks`` and pick a renderer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from curbside.web.dashboard import charts, metrics
from curbside.web.service.workflow import is_moderator

WEEK_CHOICES = (4, 12, 26, 52)
# The SVG is a document of its own: it needs matplotlib's inline styles, and may load
# or run nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Dataset:
    columns: tuple[str, ...]
    rows: Callable[[int, datetime], list[dict]]  # (weeks, now)
    draw: Callable[[list[dict], list[date]], bytes]  # (rows, the window's Mondays)
    describe: Callable[[list[dict], list[date]], str]


DATASETS = {
    "open-questions": Dataset(
        metrics.OPEN_COLUMNS,
        lambda weeks, now: metrics.open_questions(now),
        lambda rows, mondays: charts.open_questions_chart(rows),
        lambda rows, mondays: charts.open_questions_alt(rows)),
    "reply-times": Dataset(
        metrics.REPLY_COLUMNS, metrics.reply_times, charts.reply_times_chart, charts.reply_times_alt),
    "held-share": Dataset(
        metrics.HELD_COLUMNS, metrics.held_share,
        lambda rows, mondays: charts.held_share_chart(rows),
        lambda rows, mondays: charts.held_share_alt(rows)),
}


def moderators_only(view):
    """Anonymous people are sent to sign in; anyone else but a moderator gets 403. Nothing
    is cached: the numbers are not public and change all the time."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_moderator(request.user):
            raise PermissionDenied("The dashboard is for moderators.")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def weeks_asked(request) -> int:
    raw = request.GET.get("weeks", "")
    if not raw:
        return metrics.DEFAULT_WEEKS
    if not raw.isdigit() or not 1 <= int(raw) <= metrics.MAX_WEEKS:
        raise BadRequest(f"weeks: a whole number from 1 to {metrics.MAX_WEEKS}")
    return int(raw)


def dataset_named(name: str) -> Dataset:
    if name not in DATASETS:
        raise Http404("There is no such chart or dataset.")
    return DATASETS[name]


@moderators_only
def index(request):
    weeks, now = weeks_asked(request), timezone.now()
    mondays = metrics.recent_weeks(weeks, now)
    query = f"?weeks={weeks}" if weeks != metrics.DEFAULT_WEEKS else ""
    sections = {}
    for name, dataset in DATASETS.items():
        rows = dataset.rows(weeks, now)
        sections[name.replace("-", "_")] = {
            "rows": rows, "alt": dataset.describe(rows, mondays),
            "svg_url": reverse("dashboard:chart", args=[name]) + query,
            "csv_url": reverse("dashboard:export", args=[name]) + query}
    sections["open_questions"]["totals"] = metrics.open_totals(sections["open_questions"]["rows"])
    return render(request, "dashboard/index.html", {
        **sections, "weeks": weeks, "week_choices": WEEK_CHOICES,
        "first_week": metrics.week_label(mondays[0]), "last_week": metrics.week_label(mondays[-1]),
        "wait_bands": [label for _, label, *_ in metrics.WAIT_BANDS], "time_zone": settings.TIME_ZONE,
        "most_lines": charts.MOST_SPECIALTIES_DRAWN})


@moderators_only
def chart(request, name: str):
    dataset = dataset_named(name)
    weeks, now = weeks_asked(request), timezone.now()
    rows = dataset.rows(weeks, now)
    response = HttpResponse(dataset.draw(rows, metrics.recent_weeks(weeks, now)), content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    return response


@moderators_only
def export(request, name: str):
    dataset = dataset_named(name)
    rows = dataset.rows(weeks_asked(request), timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"curbside-{name}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.DictWriter(response, fieldnames=dataset.columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return response


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (a specialty named "=HYPERLINK(...)")
    gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
