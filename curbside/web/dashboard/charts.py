"""The dashboard's charts as SVG, drawn from ``metrics`` rows, and their text alternatives.

Each chart is its own ``Figure`` (never pyplot): the server answers requests on several
threads, and pyplot keeps one global current figure.
"""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
# Set once at import and only read afterwards. Text stays <text> (smaller files, crisp
# labels), and a fixed salt makes the same data give the same bytes.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "curbside-dashboard"

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

from curbside.web.dashboard.metrics import WAIT_BANDS, week_label  # noqa: E402

# Light to dark with waiting time, so order reads without colour names (and in greyscale).
BAND_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
HELD_COLOURS = ("#2171b5", "#fd8d3c")
# Distinct markers as well as colours: lines stay apart for colour-blind readers.
LINE_STYLES = (("#1f77b4", "o"), ("#d62728", "s"), ("#2ca02c", "^"), ("#9467bd", "D"),
               ("#ff7f0e", "v"), ("#17becf", "P"), ("#8c564b", "X"), ("#7f7f7f", "*"))
MOST_SPECIALTIES_DRAWN = len(LINE_STYLES)
MOST_NAMED_IN_ALT = 8
NO_DATA = "No data for this period"


def svg(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def new_figure(height: float = 4.2) -> tuple[Figure, object]:
    # About as wide as the page column (46rem), so that text is shown at its own size.
    figure = Figure(figsize=(7, height), layout="constrained")
    return figure, figure.add_subplot()


def say_no_data(axes) -> None:
    axes.text(0.5, 0.5, NO_DATA, ha="center", va="center", transform=axes.transAxes, color="#56616b")
    axes.set_xticks([])
    axes.set_yticks([])


def week_ticks(axes, mondays: list[date]) -> None:
    """Label at most about 13 weeks, so that labels never overlap."""
    step = max(1, -(-len(mondays) // 13))
    positions = list(range(0, len(mondays), step))
    axes.set_xticks(positions, [week_label(mondays[i]) for i in positions], rotation=45, ha="right")
    axes.set_xlim(-0.6, len(mondays) - 0.4)


# ---------------------------------------------------------------- open questions

def open_questions_chart(rows: list[dict]) -> bytes:
    """Horizontal stacked bars: one per specialty, split by how long questions have waited."""
    figure, axes = new_figure(height=max(2.6, 1.2 + 0.38 * len(rows)))
    if not rows:
        say_no_data(axes)
        return svg(figure)
    names = [row["specialty_name"] for row in rows][::-1]  # largest at the top
    left = [0] * len(rows)
    for (column, label, *_), colour in zip(WAIT_BANDS, BAND_COLOURS):
        counts = [row[column] for row in rows][::-1]
        axes.barh(names, counts, left=left, label=label, color=colour, edgecolor="white")
        left = [a + b for a, b in zip(left, counts)]
    axes.set_xlabel("Open questions")
    axes.xaxis.get_major_locator().set_params(integer=True)
    # Above the bars, in one row, so that it never hides one.
    axes.legend(title="Waiting", loc="lower left", bbox_to_anchor=(0, 1.01), ncols=len(WAIT_BANDS),
                frameon=False, alignment="left")
    axes.spines[["top", "right"]].set_visible(False)
    return svg(figure)


def open_questions_alt(rows: list[dict]) -> str:
    if not rows:
        return "Chart of open questions by specialty: there are no open questions."
    total = sum(row["total"] for row in rows)
    parts = [f"{row['specialty_name']} {row['total']} ({row['over_7_days']} over 7 days)"
             for row in rows[:MOST_NAMED_IN_ALT]]
    rest = len(rows) - MOST_NAMED_IN_ALT
    more = f"; and {rest} more specialties" if rest > 0 else ""
    return (f"Bar chart of {total} open questions by specialty and waiting time: "
            f"{'; '.join(parts)}{more}. All numbers are in the table below.")


# ---------------------------------------------------------------- time to reply

def busiest_specialties(rows: list[dict]) -> list[tuple[str, str]]:
    """(id, name) of the specialties with most answers, most first; at most the number
    of lines a chart can tell apart."""
    answered: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["specialty"], row["specialty_name"])
        answered[key] = answered.get(key, 0) + row["answered"]
    ranked = sorted(answered, key=lambda key: (-answered[key], key[1]))
    return ranked[:MOST_SPECIALTIES_DRAWN]


def reply_times_chart(rows: list[dict], mondays: list[date]) -> bytes:
    """One line per specialty: the weekly median. A week without answers is a gap."""
    figure, axes = new_figure()
    if not rows:
        say_no_data(axes)
        return svg(figure)
    position = {monday.isoformat(): i for i, monday in enumerate(mondays)}
    for (specialty, name), (colour, marker) in zip(busiest_specialties(rows), LINE_STYLES):
        medians = [float("nan")] * len(mondays)
        for row in rows:
            if row["specialty"] == specialty and row["week_start"] in position:
                medians[position[row["week_start"]]] = row["median_hours"]
        axes.plot(range(len(mondays)), medians, label=name, color=colour, marker=marker, linewidth=1.8)
    week_ticks(axes, mondays)
    axes.set_ylabel("Median hours to reply")
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#e4e8eb")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return svg(figure)


def reply_times_alt(rows: list[dict], mondays: list[date]) -> str:
    period = f"{week_label(mondays[0])} to {week_label(mondays[-1])}"
    if not rows:
        return f"Chart of the median time to reply per week, {period}: no questions were answered."
    parts = []
    for specialty, name in busiest_specialties(rows):
        own = [row for row in rows if row["specialty"] == specialty]
        medians = [row["median_hours"] for row in own]
        latest = own[-1]
        parts.append(f"{name}, {sum(row['answered'] for row in own)} answers, weekly medians "
                     f"{min(medians)} to {max(medians)} hours (latest {latest['week']}: "
                     f"{latest['median_hours']} hours)")
    return (f"Line chart of the median hours from question to reply per week, {period}: "
            f"{'; '.join(parts)}. All numbers are in the table below.")


# ---------------------------------------------------------------- held for review

def held_share_chart(rows: list[dict]) -> bytes:
    """Stacked bars per week: percent of that week's questions held at submission, and
    held later; a week without questions has no bar."""
    figure, axes = new_figure()
    if not any(row["submitted"] for row in rows):
        say_no_data(axes)
        return svg(figure)
    at_submission = [percent(row["held_at_submission"], row["submitted"]) for row in rows]
    later = [percent(row["held_later"], row["submitted"]) for row in rows]
    positions = range(len(rows))
    axes.bar(positions, at_submission, color=HELD_COLOURS[0], label="held at submission")
    axes.bar(positions, later, bottom=at_submission, color=HELD_COLOURS[1], label="held later")
    week_ticks(axes, [date.fromisoformat(row["week_start"]) for row in rows])
    axes.set_ylabel("Share of the week's questions (%)")
    axes.set_ylim(0, max(10, max(a + b for a, b in zip(at_submission, later)) * 1.15))
    axes.grid(axis="y", color="#e4e8eb")
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return svg(figure)


def percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def held_share_alt(rows: list[dict]) -> str:
    period = f"{rows[0]['week']} to {rows[-1]['week']}"
    submitted = sum(row["submitted"] for row in rows)
    if not submitted:
        return f"Chart of the share of questions held for review per week, {period}: no questions were submitted."
    held = sum(row["held"] for row in rows)
    at_submission = sum(row["held_at_submission"] for row in rows)
    highest = max((row for row in rows if row["submitted"]), key=lambda row: row["held_percent"])
    return (f"Bar chart of the share of questions held for review per week, {period}: "
            f"{held} of {submitted} questions held ({round(percent(held, submitted), 1)}%), "
            f"{at_submission} of them at submission and {held - at_submission} later; highest in "
            f"{highest['week']} at {highest['held_percent']}% of {highest['submitted']}. "
            "All numbers are in the table below.")
