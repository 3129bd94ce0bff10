"""Red-flag triage on clinical vignettes nobody here wrote: the Avey dev set.

    .venv/bin/python bench/safety_triage_avey.py [--json] [--show-misses] [--folds 5]

Reads ../shared/bench/triage-avey/vignettes.jsonl (or $CURBSIDE_SHARED_DIR/bench/...). Labels
come from the diagnosis alone (see that folder's README): `em` -> emergency, `ne` -> urgent or
routine, `sc` -> self_care; `skip` cases are left out. Reports emergency sensitivity, accuracy,
self-care recall, the confusion matrix, and every miss with its diagnosis and the
discriminators that fired, so misses are read rather than fitted. `--folds` also reports the
same measures on k disjoint folds (a fixed split by id), to show how much the figure moves
between subsets of cases: the rules are not fitted per fold, so this measures spread only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR", REPO.parent / "shared"))
VIGNETTES = SHARED / "bench" / "triage-avey" / "vignettes.jsonl"
WANT = {"em": "emergency", "ne": "urgent or routine", "sc": "self_care"}
TARGETS = {"emergency_sensitivity": 0.95, "accuracy": 0.80, "self_care_recall": 0.60}
COLUMNS = ("emergency", "urgent", "routine", "self_care")


def load(path: Path = VIGNETTES) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"{path}: not found (the Avey dev set lives in shared/bench/triage-avey/)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["urgency_level"] != "skip"]


def correct(label: str, got: str) -> bool:
    return got in ("urgent", "routine") if label == "ne" else got == {"em": "emergency", "sc": "self_care"}[label]


def measures(rows: list[dict]) -> dict:
    def share(subset, test):
        return round(sum(map(test, subset)) / len(subset), 3) if subset else None

    matrix = {label: {got: 0 for got in COLUMNS} for label in WANT}
    for r in rows:
        matrix[r["urgency_level"]][r["got"]] += 1
    em = [r for r in rows if r["urgency_level"] == "em"]
    sc = [r for r in rows if r["urgency_level"] == "sc"]
    return {"cases": len(rows),
            "emergency_sensitivity": share(em, lambda r: r["got"] == "emergency"),
            "emergencies_found": f"{sum(r['got'] == 'emergency' for r in em)} of {len(em)}",
            "accuracy": share(rows, lambda r: correct(r["urgency_level"], r["got"])),
            "self_care_recall": share(sc, lambda r: r["got"] == "self_care"),
            "over_triage_to_emergency": share([r for r in rows if r["urgency_level"] != "em"],
                                              lambda r: r["got"] == "emergency"),
            "confusion": matrix}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = load()
    started = time.perf_counter()
    from curbside.safety.triage import default_triager

    triager = default_triager()
    startup = time.perf_counter() - started
    latencies = []
    for r in rows:
        t = time.perf_counter()
        result = triager(r["text"])
        latencies.append((time.perf_counter() - t) * 1000)
        r["got"] = result.level
        r["why"] = result.explain()
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}",
              "startup_s": round(startup, 2),
              "latency_ms": {"p50": round(statistics.median(latencies), 1),
                             "p95": round(statistics.quantiles(latencies, n=20)[-1], 1)},
              "all": measures(rows), "targets": TARGETS}
    ordered = sorted(rows, key=lambda r: r["id"])
    report["folds"] = [measures(ordered[i::args.folds]) for i in range(args.folds)] if args.folds > 1 else []
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    if args.show_misses:
        print("\nmisses (label -> triaged: diagnosis; why):")
        for r in rows:
            if not correct(r["urgency_level"], r["got"]):
                print(f"  {r['id']} {r['urgency_level']} -> {r['got']}: {r['diagnosis']}; {r['why']}")


def print_report(report: dict) -> None:
    m = report["all"]
    print(f"start-up {report['startup_s']} s; per vignette p50 {report['latency_ms']['p50']} ms, "
          f"p95 {report['latency_ms']['p95']} ms ({report['machine']})")
    print(f"{m['cases']} scored: emergency sensitivity {m['emergency_sensitivity']:.3f} ({m['emergencies_found']}), "
          f"accuracy {m['accuracy']:.3f}, self-care recall {m['self_care_recall']:.3f}, "
          f"non-emergencies called emergency {m['over_triage_to_emergency']:.3f}")
    met = (m["emergency_sensitivity"] >= TARGETS["emergency_sensitivity"] and m["accuracy"] >= TARGETS["accuracy"]
           and m["self_care_recall"] >= TARGETS["self_care_recall"])
    print(f"targets {TARGETS}: {'met' if met else 'NOT met'}")
    print("\n| label \\ triaged | " + " | ".join(COLUMNS) + " |\n|---" * 1 + "|---" * len(COLUMNS) + "|")
    for label in WANT:
        print(f"| {label} ({WANT[label]}) | " + " | ".join(str(m["confusion"][label][c]) for c in COLUMNS) + " |")
    if report["folds"]:
        print("\nfolds (emergency sensitivity / accuracy / self-care recall): " + "; ".join(
            f"{f['emergency_sensitivity']}/{f['accuracy']}/{f['self_care_recall']}" for f in report["folds"]))


if __name__ == "__main__":
    main()
