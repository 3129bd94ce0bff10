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
        import_paths([demo_archive()])
    print(f"Database: {settings.DATABASES['default']['NAME']}")
    if args.no_serve:
        return 0
    return serve(args.host or settings.CONFIG.host, args.port or settings.CONFIG.port)


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ConfigError("the database has unapplied migrations: run `curbside migrate` first")
    return serve(args.host or settings.CONFIG.host, args.port or settings.CONFIG.port)


def serve(host: str, port: int) -> int:
    import waitress

    from curbside.web.wsgi import application

    print(f"Curbside is running at http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    waitress.serve(application, host=host, port=port, threads=8, _quiet=True)
    return 0


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

    manage = sub.add_parser("manage", help="run a Django management command (e.g. createsuperuser)")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
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
