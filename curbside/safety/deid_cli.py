"""`curbside deid "TEXT"`: what would be published of a question or reply.

    curbside deid "Hi, I'm Tom. Call me on 0912-345-678."
    Hi, I'm [NAME]. Call me on [PHONE].

``--json`` prints ``{"text": ..., "replacements": [{"type", "start", "end"}]}``: spans point
into the input, and the removed values themselves are never printed. TEXT ``-`` reads
standard input (as it is, trailing newline included, so that spans stay exact).

curbside/cli.py wires it in:

    deid = sub.add_parser("deid", help="show what would be published of a text (personal details replaced)")
    deid_cli.add_arguments(deid)
    deid.set_defaults(func=deid_cli.main, django=False)
"""

from __future__ import annotations

import argparse
import json
import sys

from curbside.safety.deid import deidentify


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="the question or reply as written; - reads standard input")
    parser.add_argument("--json", action="store_true", help="print JSON with the replacements' types and spans")


def main(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    result = deidentify(text)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.text, end="" if result.text.endswith("\n") else "\n")
    return 0
