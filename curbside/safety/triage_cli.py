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
    parser.add_argument("text", nargs="?", help="the question as the person wrote it; - reads standard input")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: level, advice, the findings with their modifiers, what decided it and its source")
    parser.add_argument("--jsonl", metavar="FILE",
                        help='triage every line of FILE ({"id": ..., "text": ...}; - is standard input) and print '
                             "one JSON result line per input line, in one process")
    parser.add_argument("--age-band", help='the ask form\'s age band ("0~1", "20~29", "90+"), used when the text gives no age')
    parser.add_argument("--sex", choices=["female", "male"], help="the ask form's sex, used when the text does not say")


def main(args: argparse.Namespace) -> int:
    if args.jsonl:
        if args.text:
            print("curbside: error: give either TEXT or --jsonl FILE, not both", file=sys.stderr)
            return 2
        return batch(args.jsonl, args.age_band, args.sex)
    if args.text is None:
        print("curbside: error: give the question as TEXT (- reads standard input) or --jsonl FILE", file=sys.stderr)
        return 2
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        print("curbside: error: the question is empty", file=sys.stderr)
        return 1
    result = triage(text, args.age_band, args.sex)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else report(result))
    return 0


def batch(path: str, age_band: str | None, sex: str | None) -> int:
    """Every line checked before any is triaged, so a bad line 900 costs nothing but the message."""
    try:
        lines = (sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()).splitlines()
    except OSError as exc:
        print(f"curbside: error: {path}: cannot read ({exc.strerror})", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        print(f"curbside: error: {path}: not UTF-8 ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 1
    cases = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"curbside: error: {path}:{number}: not valid JSON ({exc.msg})", file=sys.stderr)
            return 1
        problem = _problem(case)
        if problem:
            print(f"curbside: error: {path}:{number}: {problem}", file=sys.stderr)
            return 1
        cases.append(case)
    for case in cases:
        result = triage(case["text"], case.get("age_band", age_band), case.get("sex", sex))
        print(json.dumps({"id": case["id"], **result.to_dict()}, ensure_ascii=False))
    return 0


def _problem(case: object) -> str | None:
    if not isinstance(case, dict):
        return "each line must be a JSON object with \"id\" and \"text\""
    if "id" not in case or not isinstance(case["id"], (str, int)) or isinstance(case["id"], bool):
        return 'key "id": missing, or not a string or number'
    if not isinstance(case.get("text"), str) or not case["text"].strip():
        return 'key "text": missing or empty'
    for key in ("age_band", "sex"):
        if key in case and not isinstance(case[key], str):
            return f'key "{key}": expected a string'
    return None


def report(result: TriageResult) -> str:
    lines = [f"Level: {LABELS[result.level]}", "", result.advice]
    if result.needs_staff:
        lines += ["", "Marked for staff: the language of this question could not be read."]
    if result.decided_by:
        lines += ["", "Decided by:"]
        lines += [f"  {d.id} ({d.kind}, {d.level}): {'; '.join(d.because)}\n    source: {d.source}" for d in result.decided_by]
    if result.clinical:
        lines += ["", "Clinical findings:"]
        lines += [f"  {f.concept}{''.join('+' + m for m in f.modifiers)}: \"{f.text}\"" for f in result.clinical]
    if result.findings:
        lines += ["", "Lay-wording rules at this level:"]
        lines += [f"  {f.rule_id} ({f.level}): \"{f.text}\" at {f.start}-{f.end}" for f in result.findings]
    else:
        lines += ["", "Lay-wording rules: none matched at this level"]
    if result.demoted:
        lines += ["", "Set aside:"]
        lines += [f"  {d.finding.rule_id} ({d.finding.level}): \"{d.finding.text}\" - {d.reason}"
                  for d in result.demoted]
    return "\n".join(lines)
