"""How long enrichment takes on the site: per thread (title, topics, More Info from the
database and the search engine, stored), and `enrich --all` in total.

    .venv/bin/python bench/enrich_speed.py                 # the demo content
    .venv/bin/python bench/enrich_speed.py --corpus PATH   # plus a QA corpus (e.g. the 17,912 pairs)

Runs in a fresh temporary data folder (SQLite), imports, builds the search index, then
enriches every answered thread once, timing each.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="a QA corpus JSONL to import as well")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="curbside-enrich-bench-")
    os.environ["CURBSIDE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    from curbside.cli import main as cli
    from curbside.demo import demo_archive

    assert cli(["migrate"]) == 0
    assert cli(["import", str(demo_archive()), *([args.corpus] if args.corpus else [])]) == 0
    started = time.perf_counter()
    assert cli(["reindex"]) == 0
    print(f"index built in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    from curbside.web.qa import enrichment
    from curbside.web.qa import models as m

    ids = list(m.Thread.objects.filter(status="answered").order_by("pk").values_list("pk", flat=True))
    enrichment.enrich_thread(ids[0])  # loads the rule pack, lexicon and engine once
    timings = []
    started = time.perf_counter()
    for thread_id in ids:
        begin = time.perf_counter()
        enrichment.enrich_thread(thread_id)
        timings.append((time.perf_counter() - begin) * 1000)
    total = time.perf_counter() - started
    timings.sort()
    print(f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, SQLite")
    print(f"{len(ids)} answered threads enriched in {total:.1f} s; per thread p50 {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(0.95 * (len(timings) - 1))]:.1f} ms, max {timings[-1]:.1f} ms (target p95 <= 300 ms)")


if __name__ == "__main__":
    main()
