"""End-to-end latency of the as-you-type suggestions endpoint over HTTP.

    python bench/suggest_http.py --requests 300

Starts `curbside demo` in a temporary data directory (SQLite, the demo content, its
index), then sends GET /suggest.json?q=PREFIX for growing prefixes of real consumer
questions (LiveQA-Med and MQP dev), as a person types them, one request at a time from
this process over 127.0.0.1. Prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
CURBSIDE = str(Path(sys.executable).with_name("curbside"))


def prefixes(limit: int) -> list[str]:
    texts = []
    for name in ("mqp", "liveqa-med"):
        texts += [json.loads(line)["text"] for line in (SHARED / "bench" / name / "queries-dev.jsonl").open()]
    typed = []
    for text in texts:
        words = text.split()
        typed += [" ".join(words[:n]) for n in range(3, min(len(words), 12) + 1, 3)]
        if len(typed) >= limit:
            break
    return typed[:limit]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "CURBSIDE_DATA_DIR": data_dir,
               # One client on loopback sends far more than a typing person: no rate limit here.
               "CURBSIDE_RATE_LIMITS": "false"}
        server = subprocess.Popen([CURBSIDE, "demo", "--port", str(port)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            while "running at" not in (line := server.stdout.readline()):
                if not line and server.poll() is not None:
                    sys.exit("curbside demo stopped")
            base = f"http://127.0.0.1:{port}/suggest.json?q="
            for _ in range(100):  # the URL is printed just before the server starts listening
                try:
                    urllib.request.urlopen(base + "warm+up+the+model", timeout=60).read()
                    break
                except OSError:
                    time.sleep(0.1)
            times = []
            for text in prefixes(args.requests):
                start = time.perf_counter()
                urllib.request.urlopen(base + urllib.parse.quote(text), timeout=10).read()
                times.append((time.perf_counter() - start) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"| {len(times)} requests | p50 {np.percentile(times, 50):.1f} ms | p95 {np.percentile(times, 95):.1f} ms "
          f"| max {max(times):.1f} ms |")


if __name__ == "__main__":
    main()
