"""Red-flag triage quality and speed on our evaluation set (evalsets/triage.jsonl).

    .venv/bin/python bench/safety_triage.py [--json] [--show-misses]

Reports, for all cases, the development cases and the held-out third (ids whose number is a
multiple of 3, kept aside while the rules were written): emergency sensitivity (emergencies
called emergency; calling one anything else is the worst error), overall accuracy, over-triage
of self-care cases (self_care cases called anything higher), and a confusion matrix. Speed:
start-up (importing spaCy/medspaCy, loading the pack, building ConText) and p50/p95 latency
per question after it, on one thread (triage uses no threads), also for long questions
(twelve cases joined, about 800 characters).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVALSET = REPO / "evalsets" / "triage.jsonl"
LEVELS = ("emergency", "urgent", "routine", "self_care")
TARGETS = {"emergency_sensitivity": 0.98, "accuracy": 0.85, "self_care_over_triage": 0.25}


def load_cases(path: Path = EVALSET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_held_out(case: dict) -> bool:
    return int(case["id"].split("-")[-1]) % 3 == 0  # zh-003, tri-003: every third case


def run(triager, cases: list[dict]) -> tuple[list[dict], list[float]]:
    results, latencies = [], []
    for case in cases:
        started = time.perf_counter()
        result = triager(case["text"])
        latencies.append(time.perf_counter() - started)
        results.append({**case, "got": result.level, "rules": sorted({d.id for d in result.decided_by}),
                        "set_aside": [f"{d.finding.rule_id} ({d.reason})" for d in result.demoted]})
    return results, latencies


def measures(results: list[dict]) -> dict:
    def share(rows, test):
        return round(sum(map(test, rows)) / len(rows), 3) if rows else None

    emergencies = [r for r in results if r["level"] == "emergency"]
    self_care = [r for r in results if r["level"] == "self_care"]
    matrix = {want: {got: 0 for got in LEVELS} for want in LEVELS}
    for r in results:
        matrix[r["level"]][r["got"]] += 1
    return {
        "cases": len(results),
        "emergency_sensitivity": share(emergencies, lambda r: r["got"] == "emergency"),
        "accuracy": share(results, lambda r: r["got"] == r["level"]),
        "self_care_over_triage": share(self_care, lambda r: r["got"] != "self_care"),
        "under_triage": share(results, lambda r: LEVELS.index(r["got"]) > LEVELS.index(r["level"])),
        "confusion": matrix,
    }


def meets_targets(m: dict) -> bool:
    return (m["emergency_sensitivity"] >= TARGETS["emergency_sensitivity"] and m["accuracy"] >= TARGETS["accuracy"]
            and m["self_care_over_triage"] <= TARGETS["self_care_over_triage"])


def confusion_table(matrix: dict) -> str:
    lines = ["| expected \\ triaged | " + " | ".join(LEVELS) + " |", "|---" * (len(LEVELS) + 1) + "|"]
    lines += [f"| {want} | " + " | ".join(str(matrix[want][got]) for got in LEVELS) + " |" for want in LEVELS]
    return "\n".join(lines)


def percentile(values: list[float], q: int) -> float:
    return round(statistics.quantiles([v * 1000 for v in values], n=100)[q - 1], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--show-misses", action="store_true", help="list every case triaged to the wrong level")
    parser.add_argument("--evalset", type=Path, default=EVALSET,
                        help="a JSONL file of {id, text, level} (default evalsets/triage.jsonl; "
                             "evalsets/triage_zh.jsonl holds the Chinese cases)")
    args = parser.parse_args()
    started = time.perf_counter()
    from curbside.safety.triage import default_triager

    triager = default_triager()
    startup = time.perf_counter() - started
    cases = load_cases(args.evalset)
    results, latencies = run(triager, cases)
    _, latencies = run(triager, cases)  # a second pass: the steady state a server sees
    joined = [{"text": " ".join(c["text"] for c in cases[i:i + 12]), "level": "routine"}
              for i in range(0, len(cases) - 11, 12)]
    _, long_latencies = run(triager, joined)
    report = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}",
        "startup_s": round(startup, 2),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                       "max": round(max(latencies) * 1000, 2)},
        "long_questions": {"chars": round(statistics.mean(len(c["text"]) for c in joined)),
                           "p50": percentile(long_latencies, 50), "p95": percentile(long_latencies, 95)},
        "all": measures(results),
        "dev": measures([r for r in results if not is_held_out(r)]),
        "held_out": measures([r for r in results if is_held_out(r)]),
        "targets": TARGETS,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    if args.show_misses:
        print("\nmisses (expected -> triaged):")
        for r in results:
            if r["got"] != r["level"]:
                mark = "held-out " if is_held_out(r) else ""
                print(f"  {mark}{r['id']} {r['level']} -> {r['got']} {r['rules']} {r['set_aside']}: {r['text']}")


def print_report(report: dict) -> None:
    print(f"start-up {report['startup_s']} s (import spaCy/medspaCy, load the pack, build ConText); "
          f"per question p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms, "
          f"max {report['latency_ms']['max']} ms ({report['machine']})")
    long = report["long_questions"]
    print(f"long questions (12 cases joined, {long['chars']} characters on average): "
          f"p50 {long['p50']} ms, p95 {long['p95']} ms")
    for split in ("all", "dev", "held_out"):
        m = report[split]
        print(f"\n{split}: {m['cases']} cases  emergency sensitivity {m['emergency_sensitivity']:.3f}  "
              f"accuracy {m['accuracy']:.3f}  self-care over-triage {m['self_care_over_triage']:.3f}  "
              f"under-triage {m['under_triage']:.3f}  targets {'met' if meets_targets(m) else 'NOT met'}")
    print("\nconfusion matrix, all cases (rows: expected level, columns: triaged level)\n")
    print(confusion_table(report["all"]["confusion"]))


if __name__ == "__main__":
    main()
