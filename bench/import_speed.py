"""Time and peak memory of `curbside import` on the 17,912-pair LiveQA-Med corpus.

    python bench/import_speed.py                       # SQLite (a fresh file in a temp dir)
    python bench/import_speed.py --postgres            # also PostgreSQL (starts scripts/pg.sh)

Each import runs as its own `curbside import` process into an empty, migrated database;
peak memory is that process's maximum resident set size (wait4). A second import of the
same file measures the "nothing changed" path. Prints Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CURBSIDE = str(Path(sys.executable).with_name("curbside"))
DEFAULT_CORPUS = REPO.parent / "shared" / "bench" / "liveqa-med" / "corpus.jsonl"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MiB) of one `curbside` process."""
    start = time.perf_counter()
    process = subprocess.Popen([CURBSIDE, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"curbside {' '.join(args)} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def measure(label: str, env: dict[str, str], corpus: Path, rows: int) -> list[str]:
    subprocess.run([CURBSIDE, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    first_s, first_mib = timed(["import", str(corpus)], env)
    again_s, again_mib = timed(["import", str(corpus)], env)
    return [
        f"| {label} | first import into an empty database | {rows:,} | {first_s:.1f} s | {rows / first_s:,.0f} | {first_mib:.0f} MiB |",
        f"| {label} | same file again (nothing changes) | {rows:,} | {again_s:.1f} s | {rows / again_s:,.0f} | {again_mib:.0f} MiB |",
    ]


def postgres_database() -> str:
    url = subprocess.run(["bash", str(REPO / "scripts" / "pg.sh"), "start"], check=True,
                         capture_output=True, text=True).stdout.strip()
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in ("DROP DATABASE IF EXISTS curbside_bench", "CREATE DATABASE curbside_bench"):
        subprocess.run(["psql", admin, "-qAt", "-c", sql], check=True)
    return url.rsplit("/", 1)[0] + "/curbside_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL via scripts/pg.sh")
    args = parser.parse_args()
    rows = sum(1 for line in args.corpus.open(encoding="utf-8") if line.strip())
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print("| database | run | rows | time | rows/s | peak memory |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**base, "CURBSIDE_DATA_DIR": data_dir}
        print("\n".join(measure("SQLite (WAL)", env, args.corpus, rows)), flush=True)
        if args.postgres:
            print("\n".join(measure("PostgreSQL 15", {**env, "DATABASE_URL": postgres_database()}, args.corpus, rows)))


if __name__ == "__main__":
    main()
