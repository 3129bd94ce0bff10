"""The ``curbside`` command: parse arguments, call the core or the web layer, print, exit.

Exit status: 0 success, 1 bad input (nothing was written), 2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from curbside import __version__
from curbside.demo import DEMO_SOURCE_NAME, demo_archive
from curbside.errors import ConfigError, CurbsideError, InputError

PROGRESS_THRESHOLD = 1000  # records; smaller imports finish before a bar is worth drawing


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curbside.web.settings")
    import django

    django.setup()


def err(message: str) -> None:
    print(f"curbside: {message}", file=sys.stderr)


# ---------------------------------------------------------------- commands

def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.")
    return 0


def import_paths(paths: Sequence[Path], quiet: bool = False) -> int:
    from rich.progress import Progress

    from curbside.ingest import read_paths
    from curbside.web.qa.store import import_batch

    batch = read_paths(paths)
    for warning in batch.warnings:
        err(f"warning: {warning}")
    total = len(batch.records)
    with Progress(transient=True, disable=quiet or total < PROGRESS_THRESHOLD) as bar:
        task = bar.add_task("Importing", total=total)
        summary = import_batch(batch, progress=lambda n: bar.advance(task, n))
    if not quiet:
        print_summary(summary)
    return 0


def print_summary(summary) -> None:
    kinds = [k for k in summary.created if summary.created[k] or summary.updated[k] or summary.unchanged[k]]
    parts = [f"{k}: {summary.created[k]} new, {summary.updated[k]} updated, {summary.unchanged[k]} unchanged"
             for k in kinds]
    print("Imported. " + ("; ".join(parts) if parts else "Nothing to import."))


def cmd_import(args: argparse.Namespace) -> int:
    return import_paths(args.paths)


def cmd_export(args: argparse.Namespace) -> int:
    from curbside.ingest.archive import write_archive, write_archive_file
    from curbside.web.qa.store import all_records

    if args.file == "-":
        write_archive(all_records(), sys.stdout)
        return 0
    path = Path(args.file)
    if not path.parent.is_dir():
        raise InputError(args.file, None, "the folder to write into does not exist")
    count = write_archive_file(all_records(), path)
    print(f"Exported {count} records to {path}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from curbside.web.qa.models import Thread

    call_command("migrate", interactive=False, verbosity=0)
    demo_threads = Thread.objects.filter(source_name=DEMO_SOURCE_NAME).count()
    if demo_threads:
        print(f"Demo content already imported ({demo_threads} threads); not importing it again.")
    else:
        print("Importing the demo content and building the search index (the first time takes a minute)…")
        import_paths([demo_archive()])
        from curbside.web.qa import enrichment, indexing

        print("Building More Info, titles, topics and guides from the demo's cited sources…")
        indexing.process_jobs()
        enrichment.grow_taxonomy()
        enrichment.enqueue_all()
        enrichment.process_jobs()
        enrichment.build_guides()
    from curbside.web.service.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts

    created = ensure_demo_accounts()
    if created:
        print(f"Demo accounts (password {DEMO_PASSWORD!r}, local use only): {', '.join(created)}")
    print(f"Database: {settings.DATABASES['default']['NAME']}")
    if args.no_serve:
        return 0
    return serve(args.host or settings.CONFIG.host, args.port or settings.CONFIG.port)


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from curbside.web.qa import indexing

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ConfigError("the database has unapplied migrations: run `curbside migrate` first")
    if indexing.catch_up_in_background():
        print("Bringing the search index up to date in the background; search works when it is done.")
    return serve(args.host or settings.CONFIG.host, args.port or settings.CONFIG.port)


def serve(host: str, port: int) -> int:
    import waitress

    from curbside.web.wsgi import application

    print(f"Curbside is running at http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    waitress.serve(application, host=host, port=port, threads=8, _quiet=True)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from rich.console import Console

    from curbside.web.qa import indexing

    console = Console(stderr=True)
    with console.status("Rebuilding the search index") as status:
        count = indexing.rebuild(progress=lambda step: status.update(f"Rebuilding the search index: {step}"))
        done = indexing.pending_jobs().update(done_at=timezone_now())
    print(f"Search index rebuilt: {count} threads ({done} queued changes included).")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from curbside.web.qa import indexing

    done = indexing.catch_up()  # builds the index too if it was lost: "up to date" must be true
    print(f"Search index up to date ({done} queued changes applied).")
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from curbside.web.qa import enrichment, indexing

    if indexing.get_engine() is None:
        indexing.rebuild()  # Similar threads are sources: the index must exist first
    if args.all:
        print(f"Topics: {enrichment.grow_taxonomy()} new from the threads' focus terms.")
    queued = enrichment.enqueue_all() if args.all else 0
    with Progress(transient=True) as bar:
        task = bar.add_task("Enriching threads", total=None)
        done = enrichment.process_jobs(progress=lambda n, total: bar.update(task, completed=n, total=total),
                                       replace_imported=args.replace_imported)
    print(f"Enriched {done} threads" + (f" ({queued} queued by --all)." if args.all else " (queued changes)."))
    return 0


def cmd_build_guides(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from curbside.web.qa import enrichment

    with Progress(transient=True) as bar:
        task = bar.add_task("Building topic guides", total=None)
        outcome = enrichment.build_guides(progress=lambda n, total: bar.update(task, completed=n, total=total))
    print(f"Topic guides: {outcome['built']} built, {outcome['frozen']} kept as reviewed, "
          f"{outcome['imported']} kept as imported, {outcome['skipped']} topics with too little material.")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from curbside.search.documents import Filters
    from curbside.web.qa import indexing

    engine = indexing.get_engine()
    if engine is None:
        raise ConfigError("there is no search index yet: run `curbside reindex`")
    query = sys.stdin.read() if args.query == "-" else args.query
    hits = engine.search(query, k=args.k, filters=Filters(specialty=args.specialty, topic=args.topic))
    if args.json:
        print(json.dumps([{"id": h.id, "score": round(h.score, 6), "parts": h.parts} for h in hits], indent=2))
    else:
        for rank, hit in enumerate(hits, start=1):
            print(f"{rank:2d}. {hit.score:.3f}  {hit.id}  {engine.table.questions[engine.row_of[hit.id]][:90]!r}")
    return 0


def cmd_bench_run(args: argparse.Namespace) -> int:
    from curbside import bench
    from curbside.config import load_config

    cache = load_config().data_dir / "embeddings.sqlite3"
    stats = bench.run(args.corpus, args.queries, args.k, args.out, cache, args.system)
    print(f"Indexed {stats.documents} documents in {stats.index_seconds:.1f} s; searched {stats.queries} "
          f"queries in {stats.search_seconds:.1f} s; wrote {args.out}.")
    return 0


def cmd_bench_score(args: argparse.Namespace) -> int:
    from curbside import bench

    for name, value in bench.score(args.run, args.qrels, args.relevant).items():
        print(f"{name:<10} {value:.4f}")
    return 0


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["curbside manage", *args.arguments])
    return 0


# ---------------------------------------------------------------- parsing

def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curbside", description="Curbside: an ask-a-doctor health Q&A site.")
    parser.add_argument("--version", action="version", version=f"curbside {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="create the database, import the demo content once, and serve it")
    demo.add_argument("--host", help="address to listen on (default CURBSIDE_HOST or 127.0.0.1)")
    demo.add_argument("--port", type=port_number, help="port (default CURBSIDE_PORT or 8000)")
    demo.add_argument("--no-serve", action="store_true", help="set up and import, then exit")
    demo.set_defaults(func=cmd_demo)

    serve_ = sub.add_parser("serve", help="serve the site")
    serve_.add_argument("--host", help="address to listen on (default CURBSIDE_HOST or 127.0.0.1)")
    serve_.add_argument("--port", type=port_number, help="port (default CURBSIDE_PORT or 8000)")
    serve_.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="create or upgrade the database tables")
    migrate.add_argument("-v", "--verbose", action="store_true")
    migrate.set_defaults(func=cmd_migrate)

    imp = sub.add_parser("import", help="import archives, Q&A pages, guides, MedQuAD XML or QA corpora")
    imp.add_argument("paths", nargs="+", type=Path, metavar="FILE|DIR")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="write everything to a Curbside archive (JSONL)")
    exp.add_argument("file", metavar="FILE", help="where to write; - for standard output")
    exp.set_defaults(func=cmd_export)

    reindex = sub.add_parser("reindex", help="rebuild the search index from the database")
    reindex.set_defaults(func=cmd_reindex)
    index = sub.add_parser("index", help="apply queued changes to the search index (build it if missing)")
    index.set_defaults(func=cmd_index)

    enrich = sub.add_parser("enrich", help="build More Info for answered threads from their cited sources")
    enrich.add_argument("--all", action="store_true", help="every answered thread, not only queued changes")
    enrich.add_argument("--replace-imported", action="store_true",
                        help="also replace the More Info and titles that came with imported pages")
    enrich.set_defaults(func=cmd_enrich)

    guides = sub.add_parser("build-guides", help="build a cited guide for each topic with enough material")
    guides.set_defaults(func=cmd_build_guides)

    search = sub.add_parser("search", help="search answered questions from the command line")
    search.add_argument("query", help="what to look for; - reads standard input")
    search.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--specialty", help="only this specialty id")
    search.add_argument("--topic", help="only this topic id")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(func=cmd_search)

    bench = sub.add_parser("bench", help="benchmark the search engine (runs and scores)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, metavar="STEP")
    bench_run = bench_sub.add_parser("run", help="index a corpus, search the queries, write a TREC run")
    bench_run.add_argument("--corpus", type=Path, required=True, help="JSONL with id, question, answer")
    bench_run.add_argument("--queries", type=Path, required=True, help="JSONL with id, text")
    bench_run.add_argument("--k", type=int, default=100, help="results per query (default 100)")
    bench_run.add_argument("--out", type=Path, required=True, help="the run file to write")
    bench_run.add_argument("--system", default="curbside", choices=["curbside", "bm25-question", "bm25-answer",
                                                                      "dense-question", "dense-answer"],
                           help="the product's ranking (default), or one ranker alone for reference")
    bench_run.set_defaults(func=cmd_bench_run, django=False)
    bench_score = bench_sub.add_parser("score", help="score a TREC run against qrels")
    bench_score.add_argument("--run", type=Path, required=True)
    bench_score.add_argument("--qrels", type=Path, required=True, help="TSV: qid docid level")
    bench_score.add_argument("--relevant", type=int, default=3, help="lowest relevant level (default 3)")
    bench_score.set_defaults(func=cmd_bench_score, django=False)

    from curbside.safety import deid_cli, routing_cli, triage_cli

    triage = sub.add_parser("triage", help="how urgent a question is, with the findings that decided it")
    triage_cli.add_arguments(triage)
    triage.set_defaults(func=triage_cli.main, django=False)

    route = sub.add_parser("route", help="which specialty's queue a question goes to, and why")
    routing_cli.add_arguments(route)
    route.set_defaults(func=routing_cli.main, django=False)

    deid = sub.add_parser("deid", help="show what would be published of a text (personal details replaced)")
    deid_cli.add_arguments(deid)
    deid.set_defaults(func=deid_cli.main, django=False)

    manage = sub.add_parser("manage", help="run a Django management command (e.g. createsuperuser)")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if not getattr(args, "django", True):
            return args.func(args)
        setup_django()
        from django.db import DatabaseError

        try:
            return args.func(args)
        except DatabaseError as exc:
            err(f"the database refused the operation ({exc}). Nothing was imported or written.")
            return 1
    except InputError as exc:
        err(f"{exc}\nNothing was imported or written.")
        return 1
    except ConfigError as exc:
        err(f"configuration error: {exc}")
        return 2
    except CurbsideError as exc:
        err(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
