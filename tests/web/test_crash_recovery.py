"""A process killed (kill -9) part-way must leave work the next run can finish.

The commands run as real processes against their own SQLite data dir (as in
test_commands.py), and are killed by the test when the database or the embedding
cache shows they got past the point under test: no hook in the product decides when.
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from curbside.demo import demo_archive
from curbside.search.embed import CACHE_BATCH, CachedEmbedder
from curbside.search.engine import SearchEngine

CURBSIDE = str(Path(sys.executable).with_name("curbside"))
REPO = Path(__file__).resolve().parents[2]
POLL_SECONDS = 0.02


def environment(data_dir: Path) -> dict[str, str]:
    # Our own SQLite data dir even when the suite runs on PostgreSQL: the processes
    # here must not share the test database.
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**environ, "CURBSIDE_DATA_DIR": str(data_dir)}


def run(args, data_dir: Path, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([CURBSIDE, *map(str, args)], capture_output=True, text=True,
                          env=environment(data_dir), timeout=timeout)


def count(database: Path, sql: str) -> int:
    """A count read from another process's SQLite file; 0 while the table is not there yet."""
    try:
        with closing(sqlite3.connect(database, timeout=5)) as db:
            return db.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_when(process: subprocess.Popen, reached, timeout=60) -> None:
    """kill -9 ``process`` as soon as ``reached()`` is true; fail if it exits first."""
    deadline = time.time() + timeout
    while not reached():
        assert process.poll() is None, "the process finished before the point the test kills it at"
        assert time.time() < deadline, "the process never reached the point the test kills it at"
        time.sleep(POLL_SECONDS)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


# ---------------------------------------------------------------- import, then kill -9

DEMO_THREADS = {rec["id"]: rec["title"] for rec in map(json.loads, demo_archive().read_text("utf-8").splitlines())
                if rec.get("kind") == "thread"}


def pending_thread_ids(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as db:
        return {row[0] for row in db.execute("SELECT thread_id FROM qa_indexjob WHERE done_at IS NULL")}


def live_index(data_dir: Path) -> SearchEngine:
    """The index another process made live there, loaded here (the model loads once a session)."""
    from curbside.web.qa import indexing

    version = (data_dir / "index" / "CURRENT").read_text(encoding="utf-8").strip()
    return SearchEngine.load(data_dir / "index" / version, indexing.embedder())


@pytest.fixture(scope="module")
def killed_import(tmp_path_factory) -> Path:
    """A data dir where `curbside import` of the demo was killed -9 right after its commit."""
    data_dir = tmp_path_factory.mktemp("killed-import")
    database = data_dir / "curbside.sqlite3"
    assert run(["migrate"], data_dir).returncode == 0
    importing = subprocess.Popen([CURBSIDE, "import", demo_archive()], env=environment(data_dir),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Committed in one transaction, so all the threads appear at once; the index build
    # (loading the model, embedding) comes after and takes seconds.
    kill_when(importing, lambda: count(database, "SELECT count(*) FROM qa_thread") == len(DEMO_THREADS))
    return data_dir


@pytest.mark.parametrize("finisher", [["index"], ["import", demo_archive()]], ids=["index", "re-import"])
def test_an_import_killed_after_its_commit_is_indexed_by_the_next_command(killed_import, tmp_path, finisher):
    data_dir = tmp_path / "data"
    shutil.copytree(killed_import, data_dir)  # each finisher starts from the state the kill left
    database = data_dir / "curbside.sqlite3"
    assert not (data_dir / "index" / "CURRENT").exists(), "killed too late: the index was already built"
    assert pending_thread_ids(database) == set(DEMO_THREADS), "the index work was not queued with the rows"

    result = run(finisher, data_dir)

    assert result.returncode == 0, result.stderr
    assert pending_thread_ids(database) == set()
    engine = live_index(data_dir)
    assert set(engine.table.ids) == set(DEMO_THREADS)
    for thread_id in ["demo-q001", max(DEMO_THREADS)]:
        assert thread_id in [hit.id for hit in engine.search(DEMO_THREADS[thread_id], k=5)]


@pytest.mark.parametrize("command", [["import", demo_archive()], ["index"]], ids=["re-import", "index"])
def test_a_lost_index_is_built_again_by_the_next_command(demo, run_cli, django_capture_on_commit_callbacks,
                                                         command):
    from django.utils import timezone

    from curbside.web.qa import indexing

    indexing.pending_jobs().update(done_at=timezone.now())  # indexed once, then the index folder was lost
    assert indexing.get_engine() is None

    with django_capture_on_commit_callbacks(execute=True):
        status, out, err = run_cli(*command)

    assert status == 0, err
    if command[0] == "import":
        assert f"thread: 0 new, 0 updated, {len(DEMO_THREADS)} unchanged" in out
    engine = indexing.get_engine()
    assert engine is not None and set(engine.table.ids) == set(DEMO_THREADS)


# ---------------------------------------------------------------- embedding, then kill -9

class SlowEmbedder:
    """A stand-in for the model, slow per text like the real one, so a run lasts long enough
    to be killed part-way; its vectors are a function of the text, to check what was kept."""

    name = "slow-test-embedder"
    dimensions = 8

    def encode(self, texts):
        time.sleep(0.002 * len(texts))
        return np.array([vector_of(t) for t in texts], dtype=np.float32)


def vector_of(text: str) -> np.ndarray:
    return np.frombuffer(hashlib.sha256(text.encode()).digest()[:8], dtype=np.uint8).astype(np.float32)


def numbered_texts(total: int) -> list[str]:
    return [f"text number {i}" for i in range(total)]


def embed_in_this_process(cache: str, total: str) -> None:
    """What the killed process runs."""
    CachedEmbedder(SlowEmbedder(), Path(cache)).encode(numbered_texts(int(total)))


def test_an_embedding_run_killed_part_way_keeps_the_batches_it_finished(tmp_path):
    cache = tmp_path / "embeddings.sqlite3"
    total = 4 * CACHE_BATCH
    code = "import sys; from tests.web.test_crash_recovery import embed_in_this_process as run; run(*sys.argv[1:])"
    embedding = subprocess.Popen([sys.executable, "-c", code, cache, str(total)], cwd=REPO, env=os.environ)
    cached = lambda: count(cache, "SELECT count(*) FROM embedding")  # noqa: E731

    kill_when(embedding, lambda: cached() > 0)

    kept = cached()
    assert 0 < kept < total
    assert kept % CACHE_BATCH == 0, "a batch is committed whole or not at all"
    again = CachedEmbedder(SlowEmbedder(), cache)
    vectors = again.encode(numbered_texts(total))
    assert again.computed == total - kept, "the second run embedded again what the first one kept"
    assert np.array_equal(vectors, np.array([vector_of(t) for t in numbered_texts(total)]))
