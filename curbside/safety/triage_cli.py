"""`curbside triage "TEXT"`: how soon to see someone, the advice to show, and the findings behind it.

curbside/cli.py wires it in:

    triage = sub.add_parser("triage", help="red-flag triage of a question")
    triage_cli.add_arguments(triage)
    triage.set_defaults(func=triage_cli.main, django=False)
"""

from __future__ import annotations

import argparse
import json
import sys

from curbside.safety.triage import TriageResult, triage

LABELS = {"emergency": "EMERGENCY", "urgent": "URGENT (within 24 hours)", "routine": "ROUTINE",
          "self_care": "SELF-CARE"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="the question as the person wrote it; - reads standard input")
    parser.add_argument("--json", action="store_true", help="print JSON")


def main(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        print("curbside: error: the question is empty", file=sys.stderr)
        return 1
    result = triage(text)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else report(result))
    return 0


def report(result: TriageResult) -> str:
    lines = [f"Level: {LABELS[result.level]}", "", result.advice]
    if result.findings:
        lines += ["", "Findings:"]
        lines += [f"  {f.rule_id} ({f.level}): \"{f.text}\" at {f.start}-{f.end}" for f in result.findings]
    else:
        lines += ["", "Findings: none (no red flag matched)"]
    if result.demoted:
        lines += ["", "Set aside:"]
        lines += [f"  {d.finding.rule_id} ({d.finding.level}): \"{d.finding.text}\" - {d.reason}"
                  for d in result.demoted]
    return "\n".join(lines)
