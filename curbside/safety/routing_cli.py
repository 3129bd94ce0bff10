"""`curbside route "TEXT"`: which specialty a question would be queued for, and why.

curbside/cli.py wires it in:

    route = sub.add_parser("route", help="...")
    routing_cli.add_arguments(route)
    route.set_defaults(func=routing_cli.main, django=False)
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from curbside.safety.routing import Routing, route

ABOUT = ("self", "child", "parent", "other")


def age_band(value: str) -> str:
    match = re.fullmatch(r"(\d{1,3})~(\d{1,3})", value)
    if not match or int(match.group(1)) > int(match.group(2)):
        raise argparse.ArgumentTypeError(f'an age band looks like "2~9" or "30~39" (got {value!r})')
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="the question as the person wrote it; - reads standard input")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--age-band", type=age_band, help='age band of the person concerned, e.g. "2~9"')
    parser.add_argument("--about", choices=ABOUT, help="who the question is about")


def main(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        print("curbside: error: the question is empty", file=sys.stderr)
        return 1
    routing = route(text, asked_for=args.about, age_band=args.age_band)
    print(json.dumps(routing.to_dict(), indent=2, ensure_ascii=False) if args.json else report(routing))
    return 0


def report(routing: Routing) -> str:
    lines = [f"Route to: {routing.top.name} ({routing.top.score:.2f})", ""]
    lines += [f"{rank:3d}. {r.name:24s} {r.score:.3f}" for rank, r in enumerate(routing.ranked, start=1)]
    lines += ["", f"Why {routing.top.name}: {routing.explanation.summary()}"]
    return "\n".join(lines)
