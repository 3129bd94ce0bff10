"""Read and write the Curbside JSONL archive (docs/archive-format.md).

Reading is strict: unknown keys, missing keys, wrong types, unknown enum values and text
that is longer than the site allows (curbside.limits) or that no database can store are
errors naming the file, the line and the key. Writing is canonical (every key, sorted;
records by kind, then id) so that export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
import re
import reprlib
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

from curbside import records as r
from curbside.errors import InputError
from curbside.ingest.jsonl import RefusedJSON, json_lines, parse, parse_leniently
from curbside.limits import ALIAS_MAX, BODY_MAX, QUESTION_BODY_MAX, QUESTION_TYPE_MAX, TITLE_MAX

FORMAT_NAME = "curbside-archive"
VERSION = 1
HEADER = {"format": FORMAT_NAME, "version": VERSION}

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
# re.ASCII: otherwise \d also matches other scripts' digits ("٢٠~٢٩"), which int() reads.
TIMESTAMP_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
AGE_BAND_PATTERN = re.compile(r"\d{1,3}~\d{1,3}", re.ASCII)
# PostgreSQL cannot store NUL in text; a lone surrogate (JSON allows "\ud800") is not a
# character at all, so UTF-8 cannot encode it and the database write would fail.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Values quoted in messages are cut short: a 5 MB id must not become a 5 MB error.
SHORT_REPR = reprlib.Repr()
SHORT_REPR.maxstring = SHORT_REPR.maxother = 80


class FieldError(ValueError):
    """A value in one record is wrong; the reader adds file and line."""


# ---------------------------------------------------------------- value checks

def shown(value: Any) -> str:
    return SHORT_REPR.repr(value)


def text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"{key!r} must be a non-empty string")
    refuse_unstorable(value, key)
    return value


def refuse_unstorable(value: str, key: str) -> None:
    found = UNSTORABLE.search(value)
    if found is None:
        return
    char = found.group()
    what, why = (("a NUL character", "which the database cannot store") if char == "\x00"
                 else ("a lone surrogate", "which is not a character UTF-8 can encode"))
    raise FieldError(f"{key!r} holds {what} (\\u{ord(char):04x} at character {found.start() + 1}), {why}")


def optional_text(value: Any, key: str) -> str | None:
    return None if value is None else text(value, key)


def at_most(limit: int, check: Callable[[Any, str], str | None] = text) -> Callable[[Any, str], str | None]:
    """``check``, then no longer than ``limit`` characters (curbside.limits: the site's own)."""
    def check_length(value: Any, key: str) -> str | None:
        value = check(value, key)
        if value is not None and len(value) > limit:
            raise FieldError(f"{key!r} is {len(value)} characters long (at most {limit})")
        return value

    return check_length


def ident(value: Any, key: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise FieldError(
            f"{key!r} must be an id of letters, digits, '-', '_', '.', ':' (got {shown(value)})"
        )
    return value


def optional_ident(value: Any, key: str) -> str | None:
    return None if value is None else ident(value, key)


def boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{key!r} must be true or false (got {shown(value)})")
    return value


def one_of(choices: tuple[str, ...]) -> Callable[[Any, str], str]:
    def check(value: Any, key: str) -> str:
        if value not in choices:
            raise FieldError(f"{key!r} must be one of {', '.join(choices)} (got {shown(value)})")
        return value

    return check


def timestamp(value: Any, key: str) -> datetime:
    if not isinstance(value, str) or not TIMESTAMP_PATTERN.fullmatch(value):
        raise FieldError(f"{key!r} must be a UTC timestamp like 2004-08-17T00:00:00Z (got {shown(value)})")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise FieldError(f"{key!r} is not a real date and time (got {shown(value)})") from None


def optional_timestamp(value: Any, key: str) -> datetime | None:
    return None if value is None else timestamp(value, key)


def age_band(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not AGE_BAND_PATTERN.fullmatch(value):
        raise FieldError(f"{key!r} must look like \"20~29\" or be null (got {shown(value)})")
    low, high = (int(part) for part in value.split("~"))
    if low > high:
        raise FieldError(f"{key!r} {value!r} runs backwards")
    return value


def list_of(check: Callable[[Any, str], Any]) -> Callable[[Any, str], tuple]:
    def check_list(value: Any, key: str) -> tuple:
        if not isinstance(value, list):
            raise FieldError(f"{key!r} must be a list")
        return tuple(check(item, f"{key}[{i}]") for i, item in enumerate(value))

    return check_list


def obj(value: Any, key: str, spec: dict[str, tuple], into: type) -> Any:
    """Check a JSON object against ``spec`` ({key: (check, default)}; no default = required)."""
    if not isinstance(value, dict):
        raise FieldError(f"{key!r} must be an object")
    unknown = sorted(set(value) - set(spec))
    if unknown:
        raise FieldError(f"unknown key {shown(unknown[0])} in {key!r}")
    values = {}
    for name, (check, *default) in spec.items():
        if name not in value:
            if not default:
                raise FieldError(f"missing required key {name!r} in {key!r}")
            values[name] = default[0]
            continue
        values[name] = check(value[name], name)
    return into(**values)


def nested(spec: dict[str, tuple], into: type, nullable: bool = False):
    def check(value: Any, key: str) -> Any:
        if value is None and nullable:
            return None
        return obj(value, key, spec, into)

    return check


# ---------------------------------------------------------------- record schemas

SOURCE = {"name": (text,), "url": (optional_text, None)}
BLOCK_TYPES = ("paragraph", "list")


def block(value: Any, key: str) -> r.Block:
    if not isinstance(value, dict) or value.get("type") not in BLOCK_TYPES:
        raise FieldError(f"{key!r} must be a block with type paragraph or list")
    if value["type"] == "paragraph":
        return obj(value, key, {"type": (text,), "text": (text,)}, r.Block)
    block_ = obj(value, key, {"type": (text,), "items": (list_of(text),)}, r.Block)
    if not block_.items:
        raise FieldError(f"{key!r} is a list with no items")
    return block_


def provenance_source(value: Any, key: str) -> dict[str, Any]:
    if isinstance(value, dict) and set(value) in ({"thread"}, {"passage"}):
        (name, ref), = value.items()
        return {name: ident(ref, f"{key}.{name}")}
    if isinstance(value, dict) and "name" in value:
        source = obj(value, key, SOURCE, r.Source)
        return {"name": source.name, "url": source.url}
    raise FieldError(f"{key!r} must be {{\"thread\": id}}, {{\"passage\": id}} or {{\"name\": …, \"url\": …}}")


SCHEMAS: dict[str, dict[str, tuple]] = {
    "specialty": {"id": (ident,), "name": (text,)},
    "doctor": {
        "id": (ident,), "name": (text,), "specialty": (ident,),
        "hospital": (optional_text, None), "verified": (boolean, False),
    },
    "topic": {"id": (ident,), "name": (text,), "specialty": (optional_ident, None)},
    "passage": {
        "id": (ident,), "source": (text,), "licence": (text,), "text": (text,),
        "url": (optional_text, None), "question": (optional_text, None),
        "focus": (optional_text, None), "question_type": (at_most(QUESTION_TYPE_MAX, optional_text), None),
        "synonyms": (list_of(text), ()),
    },
    "thread": {
        "id": (ident,), "title": (at_most(TITLE_MAX),), "status": (one_of(r.THREAD_STATUSES),),
        "question": (nested({
            "body": (at_most(QUESTION_BODY_MAX),), "alias": (at_most(ALIAS_MAX, optional_text),),
            "asked_at": (optional_timestamp,),
            "age_band": (age_band, None), "sex": (one_of(r.SEXES), "unspecified"),
            "asked_for": (one_of(r.ASKED_FOR), "unspecified"),
        }, r.Question),),
        "reply": (nested({
            "doctor": (ident,), "body": (at_most(BODY_MAX),), "replied_at": (optional_timestamp,),
        }, r.Reply, nullable=True), None),
        "topics": (list_of(ident), ()),
        "excerpt": (boolean, False),
        "source": (nested(SOURCE, r.Source, nullable=True), None),
    },
    "guide": {
        "id": (ident,), "title": (text,), "topic": (optional_ident, None),
        "intro": (list_of(block), ()),
        "sections": (list_of(nested({"heading": (text,), "blocks": (list_of(block),)},
                                    r.GuideSection)),),
        "source": (nested(SOURCE, r.Source, nullable=True), None),
    },
    "generated": {
        "id": (ident,), "thread": (ident,), "field": (one_of(r.GENERATED_FIELDS),),
        "value": (lambda value, key: value,),  # checked against the field below
        "provenance": (nested({
            "method": (one_of(r.PROVENANCE_METHODS),), "generator": (optional_text, None),
            "created_at": (optional_timestamp, None),
            "sources": (list_of(provenance_source), ()),
        }, r.Provenance),),
        "reviewed_by": (optional_ident, None),
        "reviewed_at": (optional_timestamp, None),
    },
}
RECORD_TYPES = dict(r.KIND_ORDER)


def check_generated_value(field: str, value: Any) -> Any:
    if field == "title":
        return text(value, "value")
    if field == "similar":
        return list_of(ident)(value, "value")
    return more_info_value(value, "value")


CITATION_KINDS = ("thread", "passage", "rule")


def only_given(value: Any, key: str, checks: dict[str, Callable], required: set[str]) -> dict:
    """An object whose keys are checked but, unlike ``obj``, not filled in with defaults:
    what was written is what is read back, so export -> import -> export stays identical."""
    if not isinstance(value, dict):
        raise FieldError(f"{key!r} must be an object")
    unknown = sorted(set(value) - set(checks))
    if unknown:
        raise FieldError(f"unknown key {shown(unknown[0])} in {key!r}")
    missing = sorted(required - set(value))
    if missing:
        raise FieldError(f"missing required key {missing[0]!r} in {key!r}")
    return {name: checks[name](item, name) for name, item in value.items()}


def citation_index(value: Any, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FieldError(f"{key!r} must be a citation number >= 0 (got {shown(value)})")
    return value


def more_info_value(value: Any, key: str) -> dict:
    """Imported More Info has headings and paragraphs; Curbside's own also has cited sentences."""
    citation = lambda item, k: only_given(item, k, {  # noqa: E731
        "kind": one_of(CITATION_KINDS), "id": text, "name": text, "url": optional_text}, {"kind", "id", "name"})
    sentence = lambda item, k: only_given(item, k, {  # noqa: E731
        "text": text, "cite": list_of(citation_index)}, {"text", "cite"})
    section = lambda item, k: only_given(item, k, {  # noqa: E731
        "key": text, "heading": optional_text, "paragraphs": list_of(text), "sentences": list_of(sentence)},
        {"paragraphs"})
    checked = only_given(value, key, {"sections": list_of(section), "citations": list_of(citation),
                                      "assembled_by": text}, {"sections"})
    cited = len(checked.get("citations", ()))
    for section_value in checked["sections"]:
        for sentence_value in section_value.get("sentences", ()):
            if not sentence_value["cite"] or any(i >= cited for i in sentence_value["cite"]):
                raise FieldError(f"sentence {sentence_value['text'][:40]!r} must cite one of the "
                                 f"{cited} citations")
    return checked


def check_consistency(record: r.Record) -> None:
    """Rules that involve more than one key of a record."""
    if isinstance(record, r.Thread):
        if record.status == "answered" and record.reply is None:
            raise FieldError("an answered thread needs a 'reply'")
        if record.status == "open" and record.reply is not None:
            raise FieldError("an open thread cannot have a 'reply'")
        if not record.excerpt:
            check_complete_thread(record)
        check_distinct_topics(record)
    if isinstance(record, r.Guide) and not record.sections:
        raise FieldError("a guide needs at least one section")


def check_complete_thread(thread: r.Thread) -> None:
    """Only an excerpt may lack the asker's alias and the dates."""
    if thread.question.alias is None:
        raise FieldError("'alias' may be null only when 'excerpt' is true")
    if thread.question.asked_at is None:
        raise FieldError("'asked_at' may be null only when 'excerpt' is true")
    if thread.reply is None:
        return
    if thread.reply.replied_at is None:
        raise FieldError("'replied_at' may be null only when 'excerpt' is true")
    if thread.reply.replied_at < thread.question.asked_at:
        raise FieldError("'replied_at' is before 'asked_at'")


def check_distinct_topics(thread: r.Thread) -> None:
    """A topic twice would break the database's one-row-per-thread-and-topic rule mid-import."""
    seen: set[str] = set()
    for topic in thread.topics:
        if topic in seen:
            raise FieldError(f"topic {topic!r} is listed twice in 'topics'")
        seen.add(topic)


def record_from_dict(data: Any) -> r.Record:
    if not isinstance(data, dict):
        raise FieldError("a record must be a JSON object")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in SCHEMAS:  # a list or an object cannot be looked up
        raise FieldError(f"unknown kind {shown(kind)} (expected one of {', '.join(SCHEMAS)})")
    body = {k: v for k, v in data.items() if k != "kind"}
    record = obj(body, kind, SCHEMAS[kind], RECORD_TYPES[kind])
    if isinstance(record, r.Generated):
        record = r.Generated(**{**vars(record), "value": check_generated_value(record.field, record.value)})
    check_consistency(record)
    return record


# ---------------------------------------------------------------- reading

def read_archive(stream: Iterable[str], source: str) -> r.Batch:
    batch = r.Batch()
    lines = iter(stream)
    read_header(next(lines, ""), source)
    for number, data in json_lines(lines, source, start=2):
        try:
            batch.add(record_from_dict(data), source, number)
        except FieldError as exc:
            raise InputError(source, number, f"{label(data)}{exc}") from None
    return batch


def label(data: dict) -> str:
    """How a message names the record ("thread 't1': "), when it has an id to name it by."""
    if "id" not in data:
        return ""
    kind = data.get("kind")
    kind = kind if isinstance(kind, str) and ID_PATTERN.fullmatch(kind) else shown(kind)
    return f"{kind} {shown(data['id'])}: "


def read_header(line: str, source: str) -> None:
    try:
        header = parse(line)
    except json.JSONDecodeError:
        header = None
    except RefusedJSON as exc:
        raise InputError(source, 1, str(exc)) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise InputError(source, 1, f'missing archive header {{"format": "{FORMAT_NAME}", "version": {VERSION}}}')
    check_version(header.get("version"), source)
    unknown = sorted(set(header) - set(HEADER))
    if unknown:
        raise InputError(source, 1, f"unknown key {shown(unknown[0])} in the header")


def check_version(version: Any, source: str) -> None:
    # In Python true == 1 == 1.0, but only the integer names a version.
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError(source, 1, f"'version' must be the whole number {VERSION} (got {shown(version)})")
    if version != VERSION:
        raise InputError(
            source, 1, f"unsupported archive version {shown(version)} (this Curbside reads version {VERSION})",
        )


def looks_like_archive(first_line: str) -> bool:
    header = parse_leniently(first_line)
    return isinstance(header, dict) and header.get("format") == FORMAT_NAME


# ---------------------------------------------------------------- writing

def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if is_dataclass(value):
        return {f.name: to_json_value(getattr(value, f.name)) for f in fields(value)
                if not (isinstance(value, r.Block) and is_unused_block_key(value, f.name))}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    return value


def is_unused_block_key(block_: r.Block, name: str) -> bool:
    return (block_.type == "paragraph" and name == "items") or (block_.type == "list" and name == "text")


def record_to_dict(record: r.Record) -> dict[str, Any]:
    return {"kind": r.kind_of(record), **to_json_value(record)}


def canonical_order(records: Iterable[r.Record]) -> list[r.Record]:
    rank = {kind: i for i, (kind, _) in enumerate(r.KIND_ORDER)}
    return sorted(records, key=lambda rec: (rank[r.kind_of(rec)], rec.id))


def dump_line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def write_archive(records: Iterable[r.Record], out: TextIO) -> int:
    out.write(dump_line(HEADER))
    count = 0
    for record in canonical_order(records):
        out.write(dump_line(record_to_dict(record)))
        count += 1
    return count


def write_archive_file(records: Iterable[r.Record], path: Path) -> int:
    """Write to a temporary file and rename, so a failed export never leaves half a file."""
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        count = write_archive(records, out)
    tmp.replace(path)
    return count
