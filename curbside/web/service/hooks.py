"""The one place a question passes through between the asker's form and the queue.

``screen`` decides where a question goes and what of it is published: the specialty queue,
whether a moderator must look first (rules in ``hold_rules.json``), its urgency, and the
text that will be public. The safety work (triage, routing, removal of personal details)
plugs in here and nowhere else.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib import resources

from collections import Counter

from django.utils import timezone

from curbside.errors import ConfigError
from curbside.safety import routing
from curbside.safety.deid import alias_problem, deidentify, deidentify_reply, suggested_alias  # noqa: F401 - the workflow's
from curbside.safety.triage import triage

RULES_FILE = "hold_rules.json"
RULE_KEYS = {"version", "new_account_hours", "hold_links", "flagged_words"}
LINK = re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(com|net|org|info|biz|ru|cn|io)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Screening:
    specialty_id: str
    title: str
    body: str
    hold_reasons: tuple[str, ...] = ()
    urgency: int = 0
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HoldRules:
    new_account_hours: int
    hold_links: bool
    flagged_words: tuple[str, ...]


def parse_hold_rules(data: object, source: str = RULES_FILE) -> HoldRules:
    """Strict: an unknown key or a wrong type is an error naming it, never ignored."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected an object")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown keys {sorted(unknown)}")
    missing = RULE_KEYS - set(data)
    if missing:
        raise ConfigError(f"{source}: missing keys {sorted(missing)}")
    if data["version"] != 1:
        raise ConfigError(f"{source}: version must be 1")
    hours = data["new_account_hours"]
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 0:
        raise ConfigError(f"{source}: new_account_hours must be a whole number >= 0")
    if not isinstance(data["hold_links"], bool):
        raise ConfigError(f"{source}: hold_links must be true or false")
    words = data["flagged_words"]
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ConfigError(f"{source}: flagged_words must be a list of non-empty strings")
    return HoldRules(hours, data["hold_links"], tuple(w.strip().lower() for w in words))


@lru_cache(maxsize=1)
def hold_rules() -> HoldRules:
    text = resources.files(__package__).joinpath(RULES_FILE).read_text(encoding="utf-8")
    return parse_hold_rules(json.loads(text))


def hold_reasons(asker, text: str, rules: HoldRules | None = None) -> list[str]:
    rules = rules or hold_rules()
    reasons = []
    joined = getattr(asker, "date_joined", None)
    if rules.new_account_hours and joined and timezone.now() - joined < timedelta(hours=rules.new_account_hours):
        if not asker.questions.filter(state="answered").exists():
            reasons.append("new account")
    if rules.hold_links and LINK.search(text):
        reasons.append("contains a link")
    lowered = text.lower()
    flagged = [w for w in rules.flagged_words if re.search(rf"\b{re.escape(w)}\b", lowered)]
    if flagged:
        reasons.append("flagged words: " + ", ".join(flagged))
    return reasons


def screen_text(text: str) -> str:
    """Text that will be published (a reply, added information), with personal details
    replaced by typed placeholders. The original is not kept anywhere."""
    return deidentify(text).text


# Shown on the confirmation step next to each kind of placeholder: why it was replaced.
REPLACED_WHY = {"NAME": "a person's name", "PHONE": "a phone number", "EMAIL": "an e-mail address",
                "ADDRESS": "a street address", "ID": "an ID, card, account or network number",
                "DATE_OF_BIRTH": "a date of birth", "MRN": "a medical record number", "INSURANCE": "an insurance number",
                "URL": "a link", "HANDLE": "a social media handle", "AGE": "an age over 89, which can point at one person"}


def replaced_list(removed: dict[str, int]) -> list[dict]:
    return [{"kind": kind, "count": count, "why": REPLACED_WHY.get(kind, "a personal detail")}
            for kind, count in sorted(removed.items())]


def screen_reply(text: str, doctor) -> str:
    """A doctor's reply as published: the patient's identifiers replaced; the doctor's links,
    own name and hospital kept."""
    return deidentify_reply(text, doctor.name, doctor.hospital or "").text


def removed_details(*results) -> dict[str, int]:
    """How many details of each type were removed: shown to the asker, never the values."""
    return dict(Counter(r.type for result in results for r in result.replacements))


AUTO_SPECIALTY = "auto"
ROUTING_EXAMPLES = 2000  # the most recent answered threads teach the router the site's own language
_router_lock = threading.Lock()


def router():
    """The specialty router, built once per process on the search engine's embedder (one
    model in memory) and this site's answered threads as labelled examples."""
    with _router_lock:
        if "router" not in _state:
            from curbside.web.qa import indexing
            from curbside.web.qa import models as qa

            answered = (qa.Thread.objects.filter(status="answered", reply__isnull=False)
                        .select_related("reply__doctor").order_by("-asked_at")[:ROUTING_EXAMPLES])
            examples = [routing.LabelledExample(f"{t.title}. {t.body}", t.reply.doctor.specialty_id, t.pk)
                        for t in answered]
            _state["router"] = routing.Router.create(indexing.embedder(), examples or None)
        return _state["router"]


_state: dict = {}


def route(draft, text: str) -> tuple[str, dict]:
    """The queue: the asker's explicit choice, or the router's top specialty."""
    result = router().route(text, asked_for=draft.asked_for, age_band=draft.age_band)
    summary = {"suggested": result.top.id, "explanation": result.explanation.summary(),
               "ranked": [{"id": r.id, "score": round(r.score, 3)} for r in result.ranked[:3]]}
    if draft.specialty_id != AUTO_SPECIALTY:
        return draft.specialty_id, summary
    return first_offered(result), summary


def first_offered(result) -> str:
    """The best-ranked specialty this site has a queue for (a site need not offer all 14)."""
    from curbside.web.qa import models as qa

    offered = set(qa.Specialty.objects.values_list("pk", flat=True))
    for ranked in result.ranked:
        if ranked.id in offered:
            return ranked.id
    raise ConfigError("no specialty is set up: import specialties (the demo archive has them) before asking")


# Higher is seen first in the doctors' queue.
URGENCY = {"emergency": 3, "urgent": 2, "routine": 1, "self_care": 0}


def triaged(text: str, age_band: str | None = None, sex: str | None = None) -> dict:
    """The triage result as stored with the question and shown to the asker: level, advice,
    what decided it (rule and discriminator ids with their sources; the matched words stay
    out of storage) and whether staff must look because the language could not be read."""
    result = triage(text, age_band, sex)
    return {"level": result.level, "label": result.level.replace("_", " "), "advice": result.advice,
            "rules": sorted({d.id for d in result.decided_by}),
            "decided_by": [{"id": d.id, "kind": d.kind, "source": d.source} for d in result.decided_by],
            "language": result.language, "needs_staff": result.needs_staff}


def screen(asker, draft) -> Screening:
    title, body = deidentify(draft.title), deidentify(draft.body)
    published = f"{title.text}. {body.text}"
    triage_summary = triaged(published, draft.age_band, draft.sex)
    specialty_id, routed = route(draft, published)
    holds = hold_reasons(asker, f"{draft.title}\n{draft.body}")
    # A draft kept between the form and the confirmation is already de-identified (the raw
    # text is never stored, not even in the session): it carries what the first screening saw.
    holds += [reason for reason in draft.extra.get("held_for", ()) if reason not in holds]
    if triage_summary["needs_staff"]:
        holds.append("language not read")  # never silently routine: a person reads it first
    return Screening(
        specialty_id=specialty_id,
        title=title.text,
        body=body.text,
        # Rules read the text as written: a link becomes [URL] when published, but still
        # suggests advertising, so the question is held for a moderator.
        hold_reasons=tuple(holds),
        urgency=max(URGENCY[triage_summary["level"]], URGENCY["urgent"] if triage_summary["needs_staff"] else 0),
        details={"removed": dict(Counter(draft.extra.get("removed", {})) + Counter(removed_details(title, body))),
                 "routing": routed, "triage": triage_summary,
                 "chosen_by": "curbside" if draft.specialty_id == AUTO_SPECIALTY else "asker"},
    )
