"""Read files into records: one entry point for every format ``curbside import`` takes.

``read_path`` recognises a file by its content (and extension), reads it into a
``Batch`` and validates every record against the archive schema, so all readers obey the
same rules. ``check_references`` then checks that every reference resolves, against the
batch itself and the ids already stored, and ``check_one_generated_per_field`` that no two
generated records claim one thread's field. Nothing here writes anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping

from curbside import records as r
from curbside.errors import InputError
from curbside.ingest import archive
from curbside.ingest.archive import FieldError, record_from_dict, record_to_dict
from curbside.ingest.passages import looks_like_corpus, read_corpus, read_medquad_xml
from curbside.ingest.seed_guide import looks_like_guide, read_seed_guide
from curbside.ingest.seed_page import looks_like_seed_page, read_seed_page

READABLE_SUFFIXES = (".jsonl", ".json", ".xml", ".txt")
# Files that travel with data sets but are not data (a licence text would read as a guide).
NOT_DATA_NAMES = ("license", "licence", "readme", "copying", "notice")


def read_paths(paths: Iterable[Path]) -> r.Batch:
    """Read several files or directories as one batch (one import, one transaction)."""
    batch = r.Batch()
    for path in paths:
        batch.extend(read_path(path))
    return dedupe(batch)


def read_path(path: Path) -> r.Batch:
    """Read a file, or every readable file below a directory in name order."""
    if path.is_dir():
        batch = r.Batch()
        files = sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if file.stem.lower() in NOT_DATA_NAMES:
                batch.warnings.append(f"{file}: a {file.stem.lower()} file, not data; skipped")
            elif file.suffix.lower() in READABLE_SUFFIXES:
                batch.extend(read_file(file))
            else:
                batch.warnings.append(f"{file}: not a format curbside reads ({file.suffix or 'no extension'}); skipped")
        if not batch.records:
            raise InputError(str(path), None, "no importable files in this directory")
        return dedupe(batch)
    return dedupe(read_file(path))


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, "not UTF-8 text") from None


def json_lines_of(text: str) -> list[str]:
    """Only "\n" ends a JSON line: ``splitlines`` also cuts at U+2028, U+2029 and U+0085,
    which JSON allows unescaped inside a string (and ``export`` writes them so)."""
    return text.split("\n")


def read_file(path: Path) -> r.Batch:
    source = str(path)
    if path.suffix.lower() == ".xml":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(source, None, f"cannot read the file ({exc.strerror})") from None
        return validated(read_medquad_xml(data, source))
    text = read_text(path)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise InputError(source, 1, "the file is empty")
    if archive.looks_like_archive(first) or (path.suffix.lower() == ".jsonl" and not looks_like_corpus(first)):
        return archive.read_archive(json_lines_of(text), source)  # validates as it reads
    if looks_like_corpus(first):
        return validated(read_corpus(json_lines_of(text), source))
    if looks_like_seed_page(lines):
        return validated(read_seed_page(lines, source, path.name))
    if looks_like_guide(lines):
        return validated(read_seed_guide(lines, source, path.name))
    raise InputError(
        source, 1,
        "not a format curbside reads (a Curbside archive, a Q&A page, a guide, MedQuAD XML or a QA corpus)",
    )


def validated(batch: r.Batch) -> r.Batch:
    """Put what a reader made through the archive's checks, so every path obeys one schema
    and yields records of the same shape as an archive would."""
    checked = r.Batch(warnings=list(batch.warnings))
    for record, (source, line) in zip(batch.records, batch.origins):
        try:
            checked.add(record_from_dict(record_to_dict(record)), source, line)
        except FieldError as exc:
            raise InputError(source, line, f"{r.kind_of(record)} {record.id!r}: {exc}") from None
    return checked


def dedupe(batch: r.Batch) -> r.Batch:
    """Drop exact repeats (two pages naming the same doctor); refuse conflicting ones."""
    seen: dict[tuple[str, str], tuple[r.Record, tuple[str, int | None]]] = {}
    result = r.Batch(warnings=list(batch.warnings))
    for record, origin in zip(batch.records, batch.origins):
        key = (r.kind_of(record), record.id)
        if key in seen:
            if seen[key][0] != record:
                first_source, first_line = seen[key][1]
                raise InputError(
                    origin[0], origin[1],
                    f"{key[0]} {record.id!r} is defined differently at {first_source}:{first_line}",
                )
            continue
        seen[key] = (record, origin)
        result.add(record, *origin)
    return result


def references(record: r.Record) -> Iterable[tuple[str, str, str]]:
    """(kind, id, what refers) for every id a record points at."""
    if isinstance(record, r.Doctor):
        yield "specialty", record.specialty, "specialty"
    elif isinstance(record, r.Topic) and record.specialty:
        yield "specialty", record.specialty, "specialty"
    elif isinstance(record, r.Thread):
        if record.reply:
            yield "doctor", record.reply.doctor, "reply doctor"
        for topic in record.topics:
            yield "topic", topic, "topic"
    elif isinstance(record, r.Guide) and record.topic:
        yield "topic", record.topic, "topic"
    elif isinstance(record, r.Generated):
        yield "thread", record.thread, "thread"
        if record.field == "similar":
            for thread in record.value:
                yield "thread", thread, "similar thread"
        if record.reviewed_by:
            yield "doctor", record.reviewed_by, "reviewer"
        for source in record.provenance.sources:
            for kind in ("thread", "passage"):
                if kind in source:
                    yield kind, source[kind], f"source {kind}"


def check_references(batch: r.Batch, exists: Callable[[str, str], bool]) -> None:
    """Every reference must resolve in the batch or, through ``exists``, in the store."""
    in_batch: Mapping[str, set[str]] = {kind: set() for kind, _ in r.KIND_ORDER}
    for record in batch.records:
        in_batch[r.kind_of(record)].add(record.id)
    for record, (source, line) in zip(batch.records, batch.origins):
        for kind, ref, what in references(record):
            if ref not in in_batch[kind] and not exists(kind, ref):
                raise InputError(
                    source, line,
                    f"{r.kind_of(record)} {record.id!r}: unknown {what} {ref!r} "
                    f"(not in this import and not in the database)",
                )


def check_one_generated_per_field(batch: r.Batch, stored: Mapping[tuple[str, str], str]) -> None:
    """A thread has one generated title, More Info and Similar Q&A (the database enforces it):
    a second id for the same (thread, field) would fail at the write, with no line to show.
    ``stored`` maps (thread, field) to the id the database holds for it."""
    in_batch = {record.id for record in batch.records if isinstance(record, r.Generated)}
    claimed: dict[tuple[str, str], tuple[str, str, int | None]] = {}
    for record, (source, line) in zip(batch.records, batch.origins):
        if not isinstance(record, r.Generated):
            continue
        key = (record.thread, record.field)
        already = f"generated {record.id!r}: thread {record.thread!r} already has a {record.field!r}"
        if key in claimed:
            other, other_source, other_line = claimed[key]
            raise InputError(source, line, f"{already}, generated {other!r} at {other_source}:{other_line}")
        holder = stored.get(key)
        if holder not in (None, record.id) and holder not in in_batch:  # one in the batch is rewritten
            raise InputError(source, line, f"{already} in the database, generated {holder!r}")
        claimed[key] = (record.id, source, line)
