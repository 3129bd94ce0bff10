"""More Info on the site fits the thread's person and triage level: enrichment passes them
from the thread (and the triage the asker was shown, when the site stored one)."""

from datetime import datetime, timezone

import pytest

from curbside.web.qa import enrichment
from curbside.web.qa import models as m

ASKED = datetime(2024, 5, 6, tzinfo=timezone.utc)
OPENING = "Call your local emergency number or go to the nearest emergency department now."
FACE_PASSAGE = {
    "left_out": ["Book an appointment with your doctor in the next few days if the face drooping does not improve.",
                "Face drooping from a nerve problem usually settles by itself over some weeks."],
    "fitting": ["Face drooping on one side is a sign of a stroke, caused by a blocked or burst blood vessel "
                "in the brain."],
}
TWITCH_PASSAGE = {
    "left_out": ["Cutting down on coffee and finding ways to manage exam stress often lets eye twitching settle."],
    "fitting": ["Eye twitching is often caused by tiredness, stress or too much coffee."],
}


def texts(value):
    return [s["text"] for section in value["sections"] for s in section["sentences"]]


def answered(thread_id, title, body, reply, age_band, sex, asked_for):
    specialty, _ = m.Specialty.objects.get_or_create(pk="family-medicine", defaults={"name": "Family Medicine"})
    doctor, _ = m.Doctor.objects.get_or_create(pk="dr-kay", defaults={"name": "Kay", "specialty": specialty})
    thread = m.Thread.objects.create(id=thread_id, title=title, status="answered", body=body, alias="wren",
                                     age_band=age_band, sex=sex, asked_for=asked_for, asked_at=ASKED)
    m.Reply.objects.create(thread=thread, doctor=doctor, body=reply, replied_at=ASKED)
    return thread


def passage(passage_id, focus, sentences):
    m.Passage.objects.create(id=passage_id, source="A trusted source", licence="CC BY 4.0", focus=focus,
                             text=" ".join(sentences["left_out"] + sentences["fitting"]),
                             url=f"https://example.org/{passage_id}", question=f"What is {focus}?")


def more_info(thread):
    assert enrichment.enrich_thread(thread.id) == "built"
    return m.Generated.objects.get(thread=thread, field="more_info").value


@pytest.mark.django_db
def test_an_emergency_thread_opens_with_the_advice_and_holds_no_waiting_sentence():
    passage("face-1", "face drooping", FACE_PASSAGE)
    thread = answered("fit-stroke", "Dad's face drooping on one side",
                      "My dad's face suddenly started drooping on one side an hour ago and his speech is slurred.",
                      "Please call emergency services now: face drooping with slurred speech may be a stroke.",
                      "70~79", "male", "parent")
    value = more_info(thread)
    assert value["sections"][0]["key"] == "emergency"
    assert value["sections"][0]["sentences"][0]["text"] == OPENING
    assert "self_care" not in [s["key"] for s in value["sections"]]
    shown = texts(value)
    assert not set(FACE_PASSAGE["left_out"]) & set(shown)
    assert set(FACE_PASSAGE["fitting"]) <= set(shown), "the passage is a source: what fits is quoted"


@pytest.mark.django_db
def test_a_sentence_for_another_age_group_is_left_out():
    passage("twitch-1", "eye twitching", TWITCH_PASSAGE)
    thread = answered("fit-twitch", "Eye twitching for a month",
                      "My eye twitching has gone on for a month and I drink a lot of coffee.",
                      "Eye twitching like this is usually harmless. Cutting back on coffee often helps.",
                      "40~49", "female", "self")
    shown = texts(more_info(thread))
    assert not set(TWITCH_PASSAGE["left_out"]) & set(shown)
    assert set(TWITCH_PASSAGE["fitting"]) <= set(shown)


@pytest.mark.django_db
def test_the_level_the_asker_was_shown_is_the_level_more_info_keeps(django_user_model):
    from curbside.web.service.models import Question

    passage("face-1", "face drooping", FACE_PASSAGE)
    thread = answered("fit-stored", "Face drooping on one side",
                      "Since this morning I have some face drooping on one side and it feels stiff.",
                      "This sounds like a problem of the facial nerve that a doctor should examine.",
                      "30~39", "female", "self")
    asker = django_user_model.objects.create_user("asker-fit", "fit@example.org", "a-long-enough-passphrase")
    advice = f"{OPENING} Do not wait for a reply here."
    Question.objects.create(thread=thread, asker=asker, specialty_id="family-medicine", state="answered",
                            screening={"triage": {"level": "emergency", "label": "emergency", "advice": advice,
                                                  "rules": ["stroke-face"]}})
    value = more_info(thread)
    assert value["sections"][0]["key"] == "emergency"
    assert value["sections"][0]["sentences"][0]["text"] == OPENING
    assert not set(FACE_PASSAGE["left_out"]) & set(texts(value))
