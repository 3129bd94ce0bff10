"""Triage, routing and de-identification together, as the ask flow runs them per question.

    .venv/bin/python bench/safety_all.py [--threads 2]

Start-up (model and rule loading) is timed once; then each question of evalsets/triage.jsonl
and evalsets/routing.jsonl goes through deidentify -> triage -> route, three passes, and the
per-question wall time is reported as p50/p95.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    texts = []
    for name in ("triage.jsonl", "routing.jsonl"):
        with open(ROOT / "evalsets" / name, encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    from curbside.safety.deid import deidentify
    from curbside.safety.routing import route
    from curbside.safety.triage import triage

    deidentify("warm up"), triage("warm up"), route("warm up")
    startup = time.perf_counter() - started
    texts = questions()
    timings = []
    for _ in range(3):
        for text in texts:
            begin = time.perf_counter()
            published = deidentify(text).text
            triage(published)
            route(published)
            timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"torch threads {args.threads}, load average {os.getloadavg()[0]:.1f}")
    print(f"start-up {startup:.2f} s (import and load rules, spaCy/medspaCy, MiniLM, routing examples)")
    print(f"{len(texts)} questions x 3 passes: per question p50 {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms (target p95 <= 50 ms)")


if __name__ == "__main__":
    main()
