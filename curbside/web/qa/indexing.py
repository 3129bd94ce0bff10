"""Keep the search index in step with the database, and hand the current index to views.

The index lives in DATA_DIR/index/ as versioned folders; the file CURRENT names the live
one. A rebuild writes a new folder and then replaces CURRENT in one rename, so a crash
during a rebuild leaves the previous index in use. Changes to threads record an IndexJob
in their own transaction; ``process_jobs`` (run after commit, by `curbside index`, or by
`curbside reindex`) brings the index up to date. A process killed between its commit and
the index build leaves those jobs queued; ``catch_up`` (run by `curbside index`, `serve`
and every import) finishes them, and builds the index if it is missing. Embeddings are
cached by content hash in DATA_DIR/embeddings.sqlite3, so a rebuild only embeds text it
has not seen, including text a killed rebuild had already embedded.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curbside.search.documents import SearchDoc
from curbside.search.embed import CachedEmbedder, MiniLM
from curbside.search.engine import SearchEngine
from curbside.web.qa import models as m
from curbside.web.qa import pgvectors

_lock = threading.Lock()
# The loaded index is kept per process; "version" is the folder it was loaded from.
_state: dict = {"engine": None, "version": None, "embedder": None}


def index_root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def embedder() -> CachedEmbedder:
    with _lock:
        if _state["embedder"] is None:
            _state["embedder"] = CachedEmbedder(MiniLM(), Path(settings.SEARCH_EMBEDDING_CACHE))
        return _state["embedder"]


def searchable_threads():
    return m.Thread.objects.filter(status="answered").select_related("reply__doctor").prefetch_related("thread_topics")


def thread_doc(thread: m.Thread) -> SearchDoc:
    reply = getattr(thread, "reply", None)
    return SearchDoc(
        id=thread.id, title=thread.title, question=thread.body,
        answer=reply.body if reply else "",
        specialty=reply.doctor.specialty_id if reply else None,
        topics=tuple(tt.topic_id for tt in thread.thread_topics.all()),
        date=thread.asked_at.date().isoformat() if thread.asked_at else None,
    )


def current_version() -> str | None:
    try:
        return (index_root() / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def rebuild(progress: Callable[[str], None] | None = None) -> int:
    """Build a complete new index from the database and make it the live one."""
    docs = [thread_doc(t) for t in searchable_threads().order_by("pk").iterator(chunk_size=2000)]
    engine = SearchEngine.build(docs, embedder(), progress=progress)
    if pgvectors.enabled():
        for field, index in engine.dense.items():
            pgvectors.replace_all(field, engine.table.ids, index.vectors)
        use_pgvector(engine)
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    version = f"v{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    engine.save(root / version)
    pointer = root / f"CURRENT.{uuid.uuid4().hex}"
    pointer.write_text(version, encoding="utf-8")
    os.replace(pointer, root / "CURRENT")  # the switch is one atomic rename
    with _lock:
        _state.update(engine=engine, version=str(root / version))
    remove_old_versions(root, keep=version)
    return len(docs)


def use_pgvector(engine: SearchEngine) -> None:
    """Let pgvector's HNSW index find the nearest neighbours on PostgreSQL."""
    engine.dense = {field: pgvectors.PgVectorIndex(index.vectors, field, engine.row_of)
                    for field, index in engine.dense.items()}


def remove_old_versions(root: Path, keep: str) -> None:
    for path in root.iterdir():
        if path.is_dir() and path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


def get_engine() -> SearchEngine | None:
    """The live index, reloaded when another process has replaced it; None before the first build."""
    version = current_version()
    if version is None:
        return None
    folder = index_root() / version
    with _lock:
        if _state["version"] == str(folder) and _state["engine"] is not None:
            return _state["engine"]
    try:
        engine = SearchEngine.load(folder, embedder())
    except (FileNotFoundError, ValueError):
        return None
    if pgvectors.enabled():
        use_pgvector(engine)
    with _lock:
        _state.update(engine=engine, version=str(folder))
    return engine


def record_change(thread_ids, action: str = "update") -> None:
    """Call inside the transaction that changes the threads."""
    m.IndexJob.objects.bulk_create([m.IndexJob(thread_id=t, action=action) for t in thread_ids])
    transaction.on_commit(process_jobs)


def catch_up(progress: Callable[[str], None] | None = None) -> int:
    """Build the index if there is none, else apply the queued jobs (a crash may have left
    some); returns how many jobs were done."""
    if current_version() is not None:
        return process_jobs(progress)
    last = last_pending_job()
    rebuild(progress)
    return finish_jobs(last)


def catch_up_in_background() -> threading.Thread | None:
    """At server start: build the index if there is none, or apply jobs a crash left queued."""
    if current_version() is not None and not pending_jobs().exists():
        return None

    def work():
        from django.db import connection

        try:
            catch_up()
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="curbside-index-catch-up", daemon=True)
    thread.start()
    return thread


def pending_jobs():
    return m.IndexJob.objects.filter(done_at__isnull=True)


def last_pending_job() -> int | None:
    return pending_jobs().order_by("-id").values_list("id", flat=True).first()


def finish_jobs(last: int | None) -> int:
    """Mark done the jobs up to ``last``, read before a rebuild: a job queued while it ran
    may have missed it, so it stays pending for the next one."""
    if last is None:
        return 0
    return pending_jobs().filter(id__lte=last).update(done_at=timezone.now())


def process_jobs(progress: Callable[[str], None] | None = None) -> int:
    """Bring the index up to date with every pending job; returns how many were done."""
    last = last_pending_job()
    if last is None:
        return 0
    rebuild(progress)
    return finish_jobs(last)
