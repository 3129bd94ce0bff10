"""Read a published Q&A page saved as plain text (the shape of the seed page).

    TITLE
    question lines ...
    ALIAS, 20~29 year old female. Ask Date: 2004/08/17
    Dr. NAME reply SPECIALTY
    reply lines ...
    Reply Date: 2004/08/17
    More Info                       (optional, up to "Similar Q&A" / "Related FAQ")
    Similar Q&A                     (optional; 4 lines per entry, the last ending
                                     "[Read More] TITLE")
    Related FAQ                     (optional; "TOPIC(SPECIALTY)" per line)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from curbside import records as r
from curbside.errors import InputError
from curbside.text import slugify, stable_id

ASKER_LINE = re.compile(
    r"(?P<alias>.+), (?P<age_band>\d{1,3}~\d{1,3}) year old (?P<sex>female|male|other)\."
    r" Ask Date: (?P<date>\d{4}/\d{2}/\d{2})"
)
DOCTOR_LINE = re.compile(r"Dr\. (?P<name>.+?) reply (?P<specialty>.+)")
REPLY_DATE_LINE = re.compile(r"Reply Date: (?P<date>\d{4}/\d{2}/\d{2})")
READ_MORE = re.compile(r"(?P<excerpt>.*?)\s*\[Read More\]\s*(?P<title>.*)")
RELATED_LINE = re.compile(r"(?P<topic>.*?)\s*\((?P<specialty>[^()]+)\)")
SECTION_MORE_INFO, SECTION_SIMILAR, SECTION_RELATED = "More Info", "Similar Q&A", "Related FAQ"
SECTION_NAMES = (SECTION_MORE_INFO, SECTION_SIMILAR, SECTION_RELATED)


def looks_like_seed_page(lines: list[str]) -> bool:
    stripped = [line.strip() for line in lines]
    return any(ASKER_LINE.fullmatch(s) for s in stripped) and any(
        DOCTOR_LINE.fullmatch(s) for s in stripped
    )


@dataclass
class Cursor:
    """Numbered non-empty lines and a position, so errors can name the line."""

    lines: list[tuple[int, str]]
    source: str
    pos: int = 0

    def done(self) -> bool:
        return self.pos >= len(self.lines)

    def peek(self) -> str:
        return self.lines[self.pos][1]

    def take(self) -> tuple[int, str]:
        if self.done():
            last = self.lines[-1][0] if self.lines else 1
            raise InputError(self.source, last, "the page ends too early")
        item = self.lines[self.pos]
        self.pos += 1
        return item

    def take_until(self, stop) -> list[tuple[int, str]]:
        taken = []
        while not self.done() and not stop(self.peek()):
            taken.append(self.take())
        return taken

    def expect(self, pattern: re.Pattern, what: str) -> re.Match:
        if self.done():
            last = self.lines[-1][0] if self.lines else 1
            raise InputError(self.source, last, f"expected {what}, but the page ends here")
        number, line = self.take()
        match = pattern.fullmatch(line)
        if not match:
            raise InputError(self.source, number, f"expected {what}, found {line[:80]!r}")
        return match


def page_date(text: str, source: str, line: int) -> datetime:
    try:
        return datetime.strptime(text, "%Y/%m/%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise InputError(source, line, f"{text!r} is not a real date") from None


class PageReader:
    def __init__(self, lines: list[str], source: str, source_name: str):
        numbered = [(i, line.strip()) for i, line in enumerate(lines, start=1) if line.strip()]
        self.cursor = Cursor(numbered, source)
        self.source = source
        self.thread_source = r.Source(name=f"Imported page {source_name}")
        self.batch = r.Batch()
        self.specialties: dict[str, r.Specialty] = {}
        self.doctors: dict[str, r.Doctor] = {}

    def add(self, record: r.Record, line: int) -> None:
        self.batch.add(record, self.source, line)

    def specialty(self, name: str, line: int) -> str:
        specialty = r.Specialty(id=slugify(name), name=name)
        if not specialty.id:
            raise InputError(self.source, line, f"specialty {name!r} has no letters or digits")
        if specialty.id not in self.specialties:
            self.specialties[specialty.id] = specialty
            self.add(specialty, line)
        return specialty.id

    def doctor(self, match: re.Match, line: int) -> str:
        specialty_id = self.specialty(match["specialty"].strip(), line)
        name = match["name"].strip()
        doctor = r.Doctor(id=f"{slugify(name)}--{specialty_id}", name=name, specialty=specialty_id)
        if doctor.id not in self.doctors:
            self.doctors[doctor.id] = doctor
            self.add(doctor, line)
        return doctor.id

    def read(self) -> r.Batch:
        c = self.cursor
        title_line, title = c.take()
        body = c.take_until(lambda s: ASKER_LINE.fullmatch(s) is not None)
        asker_line = c.lines[c.pos][0] if not c.done() else title_line
        asker = c.expect(ASKER_LINE, 'the asker line "ALIAS, 20~29 year old female. Ask Date: YYYY/MM/DD"')
        doctor_line = c.lines[c.pos][0] if not c.done() else asker_line
        doctor_id = self.doctor(c.expect(DOCTOR_LINE, 'the line "Dr. NAME reply SPECIALTY"'), doctor_line)
        reply = c.take_until(lambda s: REPLY_DATE_LINE.fullmatch(s) is not None)
        reply_date_line = c.lines[c.pos][0] if not c.done() else doctor_line
        reply_date = c.expect(REPLY_DATE_LINE, 'the line "Reply Date: YYYY/MM/DD"')
        if not body:
            raise InputError(self.source, asker_line, "the question has no text")
        if not reply:
            raise InputError(self.source, reply_date_line, "the reply has no text")

        question = r.Question(
            body="\n".join(text for _, text in body),
            alias=asker["alias"].strip(),
            asked_at=page_date(asker["date"], self.source, asker_line),
            age_band=asker["age_band"],
            sex=asker["sex"],
        )
        thread_id = stable_id("qa", title, question.alias, asker["date"], question.body)
        sections = self.read_sections()
        topics = self.related_topics(sections.get(SECTION_RELATED, []))
        thread = r.Thread(
            id=thread_id, title=title, status="answered", question=question,
            reply=r.Reply(
                doctor=doctor_id,
                body="\n".join(text for _, text in reply),
                replied_at=page_date(reply_date["date"], self.source, reply_date_line),
            ),
            topics=tuple(topics), source=self.thread_source,
        )
        self.add(thread, title_line)
        if sections.get(SECTION_MORE_INFO):
            self.add_more_info(thread_id, sections[SECTION_MORE_INFO])
        if sections.get(SECTION_SIMILAR):
            self.add_similar(thread_id, sections[SECTION_SIMILAR])
        return self.batch

    def read_sections(self) -> dict[str, list[tuple[int, str]]]:
        c = self.cursor
        sections: dict[str, list[tuple[int, str]]] = {}
        while not c.done():
            number, name = c.take()
            if name not in SECTION_NAMES:
                raise InputError(
                    self.source, number,
                    f"expected one of {', '.join(SECTION_NAMES)} after the reply, found {name[:80]!r}",
                )
            if name in sections:
                raise InputError(self.source, number, f"a second {name!r} section")
            sections[name] = c.take_until(lambda s: s in SECTION_NAMES)
        return sections

    def add_more_info(self, thread_id: str, lines: list[tuple[int, str]]) -> None:
        value = {"sections": [{"heading": None, "paragraphs": [text for _, text in lines]}]}
        self.add(self.generated(thread_id, "more_info", value), lines[0][0])

    def add_similar(self, thread_id: str, lines: list[tuple[int, str]]) -> None:
        if len(lines) % 4:
            raise InputError(
                self.source, lines[-1][0],
                "each Similar Q&A entry needs 4 lines: title, question, "
                "'Dr. NAME reply SPECIALTY', reply ending '[Read More] TITLE'",
            )
        similar_ids = []
        for start in range(0, len(lines), 4):
            (title_line, title), (_, question), (doctor_line, doctor), (reply_line, reply) = lines[start:start + 4]
            doctor_match = DOCTOR_LINE.fullmatch(doctor)
            if not doctor_match:
                raise InputError(self.source, doctor_line, f"expected 'Dr. NAME reply SPECIALTY', found {doctor[:80]!r}")
            read_more = READ_MORE.fullmatch(reply)
            if not read_more or not read_more["excerpt"]:
                raise InputError(self.source, reply_line, "expected a reply excerpt ending '[Read More] TITLE'")
            thread = r.Thread(
                id=stable_id("qa", title, question), title=title, status="answered",
                question=r.Question(body=question, alias=None, asked_at=None),
                reply=r.Reply(doctor=self.doctor(doctor_match, doctor_line),
                              body=read_more["excerpt"], replied_at=None),
                excerpt=True, source=self.thread_source,
            )
            self.add(thread, title_line)
            similar_ids.append(thread.id)
        self.add(self.generated(thread_id, "similar", similar_ids), lines[0][0])

    def related_topics(self, lines: list[tuple[int, str]]) -> list[str]:
        topic_ids = []
        for number, line in lines:
            match = RELATED_LINE.fullmatch(line)
            if not match:
                raise InputError(self.source, number, f"expected 'TOPIC(SPECIALTY)', found {line[:80]!r}")
            if not slugify(match["topic"]):
                self.batch.warnings.append(
                    f"{self.source}:{number}: Related FAQ entry {line!r} names no topic; not imported"
                )
                continue
            topic = r.Topic(id=slugify(match["topic"]), name=match["topic"],
                            specialty=self.specialty(match["specialty"].strip(), number))
            if topic.id not in topic_ids:
                self.add(topic, number)
                topic_ids.append(topic.id)
        return topic_ids

    def generated(self, thread_id: str, field: str, value) -> r.Generated:
        return r.Generated(
            id=f"{thread_id}:{field}", thread=thread_id, field=field, value=value,
            provenance=r.Provenance(method="imported", sources=({"name": self.thread_source.name, "url": None},)),
        )


def read_seed_page(lines: list[str], source: str, source_name: str) -> r.Batch:
    return PageReader(lines, source, source_name).read()
