"""De-identification on the evaluation set: recall, precision, kept clinical text, latency.

    .venv/bin/python bench/safety_deid.py [--evalset evalsets/deid.jsonl] [--rounds 20] [--show-errors]

Recall counts a planted identifier as removed when every letter and digit of it lies
inside a replacement; precision is the share of replacements that overlap a planted
identifier; "kept strings damaged" counts clinical wording (eponyms, drugs, doses) that did
not survive word for word. Latency is per message after start-up (the first call loads
and compiles the rules; its cost is reported separately), over --rounds passes of the set,
as wall-clock time and as CPU time (the machine's load average is printed with them).
The evaluation messages are invented, so --show-errors may print them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from curbside.safety.deid import deidentify
from curbside.safety.deid_eval import DeidScore, read_items, score, target_failures
from curbside.safety.deid_rules import TYPES

REPO = Path(__file__).resolve().parents[1]


def startup_seconds() -> float:
    began = time.perf_counter()
    deidentify("warm-up")
    return time.perf_counter() - began


def latencies_ms(texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU time per call: on a shared machine the gap between them is other load."""
    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            began, began_cpu = time.perf_counter(), time.process_time()
            deidentify(text)
            cpu.append((time.process_time() - began_cpu) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
    return wall, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_score(result: DeidScore, items: int) -> None:
    planted = sum(result.planted.values())
    print(f"messages {items}, planted identifiers {planted}, replacements {result.replacements}")
    print(f"recall    {result.recall:.3f}  ({sum(result.covered.values())}/{planted})")
    print(f"precision {result.precision:.3f}  ({result.true_replacements}/{result.replacements})")
    print(f"type agreement {result.type_agreement:.3f}")
    print(f"kept strings damaged {len(result.damaged_keep)}")
    print("per-type recall:")
    for kind in TYPES:
        if result.planted[kind]:
            print(f"  {kind:<14} {result.recall_of(kind):.3f}  ({result.covered[kind]}/{result.planted[kind]})")


def print_errors(result: DeidScore, texts: dict[str, str]) -> None:
    for item_id, planted in result.missed:
        print(f"MISSED   {item_id} {planted.type}: {texts[item_id][planted.start:planted.end]!r}")
    for item_id, found in result.spurious:
        print(f"SPURIOUS {item_id} {found.type}: {texts[item_id][found.start:found.end]!r}")
    for item_id, kept in result.damaged_keep:
        print(f"DAMAGED  {item_id}: {kept!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evalset", type=Path, default=REPO / "evalsets" / "deid.jsonl")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    items = read_items(args.evalset)
    startup = startup_seconds()
    result = score(items)
    times, cpu = latencies_ms([item.text for item in items], args.rounds)
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print_score(result, len(items))
    print(f"start-up (load + compile rules, first call) {startup * 1000:.0f} ms")
    print(f"latency per message: p50 {percentile(times, 0.5):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
          f"mean {statistics.fmean(times):.2f} ms over {len(times)} calls; "
          f"CPU time p50 {percentile(cpu, 0.5):.2f} ms, p95 {percentile(cpu, 0.95):.2f} ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    failures = target_failures(result)
    print("targets (recall >= 0.98, precision >= 0.90, nothing clinical damaged): "
          + ("met" if not failures else "MISSED: " + "; ".join(failures)))
    if args.show_errors:
        print_errors(result, {item.id: item.text for item in items})


if __name__ == "__main__":
    main()
