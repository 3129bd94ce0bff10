"""Every body the API accepts or returns. Responses are validated against these on the way
out, so the published OpenAPI document cannot drift from what the API sends. The public
ones mirror the dicts of curbside.web.qa.pages: the site's pages and the API share data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from curbside.web.service import workflow
from curbside.web.service.models import AGE_BANDS, Question

AskedFor = Literal[workflow.ASKED_FOR]
AgeBand = Literal[tuple(AGE_BANDS)]
Sex = Literal[workflow.SEXES]
QuestionState = Literal[tuple(state for state, _ in Question.STATES)]


class Error(Schema):
    """The one error shape of the whole site, pages and API alike."""

    ok: Literal[False]
    status: int = Field(description="The HTTP status, repeated")
    error: str = Field(description="What is wrong, naming the field when one is at fault")
    disclaimer: str


def errors(*statuses: int) -> dict[int, type[Error]]:
    """The error responses an operation can give, for its `response=` declaration."""
    return {status: Error for status in statuses}


# ---------------------------------------------------------------- published content

class SpecialtyRef(Schema):
    id: str
    name: str
    url: str = Field(description="The specialty's page on the site")


class SpecialtyCount(SpecialtyRef):
    threads: int = Field(description="Answered questions listed under this specialty")


class Doctor(Schema):
    id: str
    name: str = Field(description="Display name without 'Dr.'")
    hospital: str | None
    verified: bool
    specialty: SpecialtyRef


class Reply(Schema):
    doctor: Doctor
    doctor_line: str
    body: str
    paragraphs: list[str]
    replied_at: str | None = Field(description="ISO 8601")
    reply_date: str | None = Field(description="YYYY/MM/DD, as shown on the page")


class ThreadSummary(Schema):
    id: str
    title: str
    url: str
    question_excerpt: str
    doctor_line: str | None
    reply_excerpt: str | None
    asked_at: str | None = Field(description="ISO 8601")
    excerpt: bool = Field(description="Only an excerpt of the original question and reply is held")


class TopicLabel(Schema):
    id: str
    name: str
    url: str
    specialty: str | None = Field(description="The specialty's name")
    label: str


class Pagination(Schema):
    number: int
    count: int
    pages: int
    previous: int | None
    next: int | None


class Source(Schema):
    name: str
    url: str | None


class AskedQuestion(Schema):
    body: str
    paragraphs: list[str]
    alias: str | None
    age_band: str | None
    sex: str
    asked_for: str
    asked_at: str | None
    asker_line: str | None


class Thread(Schema):
    id: str
    title: str
    url: str
    generated_title: str | None
    excerpt: bool
    question: AskedQuestion
    reply: Reply | None
    source: Source | None
    demo: bool = Field(description="Written by the Curbside developers for demonstration")


class Provenance(Schema):
    """How a piece of content was made: imported, written by the engine, generated."""

    method: str
    generator: str | None
    created_at: str | None = None
    sources: list[Any] = []
    reviewed_by: str | None = None
    reviewed_at: str | None = None


class GeneratedContent(Provenance):
    value: Any


class ThreadPage(Schema):
    thread: Thread
    more_info: GeneratedContent | None
    similar: list[ThreadSummary]
    similar_provenance: Provenance | None
    related_faq: list[TopicLabel]
    disclaimer: str


class ThreadList(Schema):
    threads: list[ThreadSummary]
    pagination: Pagination
    disclaimer: str


class Similar(Schema):
    thread: str = Field(description="The id of the thread these are similar to")
    similar: list[ThreadSummary]
    provenance: Provenance | None
    disclaimer: str


class SnippetPiece(Schema):
    text: str
    match: bool = Field(description="The piece matches a word of the query")


class SearchResult(ThreadSummary):
    score: float
    question_snippet: list[SnippetPiece]
    reply_snippet: list[SnippetPiece]


class SearchFilters(Schema):
    specialty: str | None
    topic: str | None
    date_from: str | None = Field(alias="from")
    date_to: str | None = Field(alias="to")


class SearchPage(Schema):
    query: str
    filters: SearchFilters
    problems: dict[str, str] = Field(description="Filters that did not parse and were ignored, by name")
    results: list[SearchResult]
    index_ready: bool = Field(description="False while the search index is first being built")
    disclaimer: str


class Suggestion(Schema):
    id: str
    title: str
    url: str
    question_excerpt: str


class Suggestions(Schema):
    query: str
    suggestions: list[Suggestion]
    disclaimer: str


class Topics(Schema):
    topics: list[TopicLabel]


class GuideRef(Schema):
    id: str
    title: str
    url: str


class TopicPage(Schema):
    topic: TopicLabel
    threads: list[ThreadSummary]
    pagination: Pagination
    guides: list[GuideRef]
    disclaimer: str


class GuideSummary(GuideRef):
    topic: TopicLabel | None


class Guides(Schema):
    guides: list[GuideSummary]


class GuideSection(Schema):
    heading: str
    blocks: list[Any]


class Guide(Schema):
    id: str
    title: str
    url: str
    topic: TopicLabel | None
    intro: list[Any]
    sections: list[GuideSection]
    source: Source | None
    demo: bool


class GuidePage(Schema):
    guide: Guide
    disclaimer: str


class Specialties(Schema):
    specialties: list[SpecialtyCount]


class SpecialtyPage(Schema):
    specialty: SpecialtyRef
    threads: list[ThreadSummary]
    pagination: Pagination
    topics: list[TopicLabel]
    disclaimer: str


# ---------------------------------------------------------------- tokens and the caller

class TokenRequest(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field("API token", min_length=1, max_length=100, description="What the token is for")


class IssuedToken(Schema):
    token: str = Field(description="Shown once: only its hash is stored. "
                                   "Send it as 'Authorization: Bearer TOKEN'")
    name: str
    username: str
    role: str


class DoctorProfile(Schema):
    id: str
    name: str
    specialty: SpecialtyRef
    verified: bool
    suspended: bool


class Me(Schema):
    username: str
    role: Literal["asker", "doctor", "moderator"]
    doctor: DoctorProfile | None
    token_name: str


# ---------------------------------------------------------------- asking

class AskRequest(Schema):
    title: str = Field(min_length=1, max_length=workflow.TITLE_MAX)
    body: str = Field(min_length=20, max_length=workflow.BODY_MAX)
    asked_for: AskedFor = Field(description="Whom the question is about")
    age_band: AgeBand = Field(description="Age band of the person the question is about")
    sex: Sex = Field(description="Sex of the person the question is about")
    alias: str = Field(min_length=1, max_length=40, description="Public alias, not a real name")
    specialty: str = Field(description="Specialty id, as listed by GET /specialties, or \"auto\" to let "
                                       "Curbside route the question")


class SpecialtyName(Schema):
    id: str
    name: str


class WillBePublished(Schema):
    """What the page will show once a doctor's reply is published, after screening."""

    title: str
    body: str
    alias: str
    age_band: str
    sex: str
    asked_for: str


class Triage(Schema):
    level: Literal["emergency", "urgent", "routine", "self_care"]
    advice: str = Field(description="What to tell the asker now; for an emergency: get care now, do not wait")
    rules: list[str] = Field(description="Ids of the red-flag rules that decided the level")


class AskResult(Schema):
    id: str | None = Field(description="The question's id; null for a preview")
    saved: bool
    state: Literal["preview", "held", "queued"]
    held_reasons: list[str] = Field(description="Why a moderator looks at it first, if it is held")
    specialty: SpecialtyName
    specialty_chosen_by: Literal["asker", "curbside"]
    triage: Triage
    removed: dict[str, int] = Field(description="Personal details replaced before publication, by type")
    published: WillBePublished


class Message(Schema):
    kind: Literal["info_request", "info_added", "handoff", "note"]
    body: str
    created_at: datetime


class MyQuestion(Schema):
    id: str
    title: str
    body: str
    state: QuestionState
    state_label: str
    specialty: SpecialtyName
    held_reasons: list[str]
    rejection_reason: str | None
    created_at: datetime
    updated_at: datetime
    public_url: str | None = Field(description="The published page, once answered")
    messages: list[Message] = Field(description="Requests for information, information added, hand-offs")


class MyQuestions(Schema):
    questions: list[MyQuestion]


class TextRequest(Schema):
    text: str = Field(min_length=1, max_length=workflow.BODY_MAX)


# ---------------------------------------------------------------- the doctors' queue

class AboutPerson(Schema):
    alias: str | None
    age_band: str | None
    sex: str
    asked_for: str


class QueueTriage(Schema):
    level: str | None = Field(description="emergency, urgent, routine or self_care, as the asker was told; "
                                          "null for a question asked before triage was stored")
    advice: str | None = Field(description="The advice the asker was shown")
    emergency: bool = Field(description="True when the asker was told to seek emergency care now")
    language_not_read: bool = Field(description="Triage could not read the language: a person must judge it")


class QueuedQuestion(Schema):
    id: str
    title: str
    body: str
    state: QuestionState
    urgency: int = Field(description="Higher is seen first")
    triage: QueueTriage
    specialty: SpecialtyName
    about: AboutPerson
    created_at: datetime
    claimed_by_you: bool
    claimed_by_another: bool
    claim_expires_at: datetime | None = Field(description="When your claim runs out, if you hold one")
    public_url: str | None
    messages: list[Message]


class Queue(Schema):
    specialty: SpecialtyName
    questions: list[QueuedQuestion]


class HandOffRequest(Schema):
    specialty: str = Field(description="The specialty id to hand the question to")
    note: str = Field("", max_length=workflow.BODY_MAX, description="Why, for the next doctor")


class ReplyRequest(Schema):
    body: str = Field(min_length=20, max_length=workflow.BODY_MAX)
