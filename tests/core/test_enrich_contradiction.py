"""This thread's doctor decides (issue 13, point 1): a sentence from another source that says
the opposite of the reply is left out of More Info; the conservative check is data, and each
of its examples holds."""

import pytest

from curbside import records as r
from curbside.enrich.contradiction import contradiction, default_rules, parse_rules, stances
from curbside.enrich.more_info import compose_more_info
from curbside.enrich.sources import Citation, SourceText
from curbside.errors import ConfigError
from curbside.safety.rules import load_rules

RULES = default_rules()


@pytest.mark.parametrize("example", RULES.examples, ids=lambda e: e["borrowed"][:40])
def test_every_example_in_the_data_holds(example):
    assert bool(contradiction(example["borrowed"], [example["reply"]], RULES)) is example["contradicts"]


@pytest.mark.parametrize("text, expected", [
    ("I recommend a blood test to check your thyroid.", {"test": "for"}),
    ("You do not need to take antibiotics for this.", {"antibiotics": "against"}),
    ("Avoid heavy lifting for two weeks.", {"exercise": "against"}),
    ("Twitching is common in tired people.", {}),
])
def test_stances(text, expected):
    assert stances(text, RULES) == expected


def test_a_sentence_that_takes_no_side_is_not_judged():
    assert contradiction("Eyelid twitching is common after poor sleep.", ["I recommend an MRI scan."], RULES) is None


def test_when_the_reply_takes_both_sides_the_action_is_not_used():
    reply = ["A scan is not needed now.", "If it spreads to your cheek I would order a scan."]
    assert contradiction("A scan is very unlikely to be needed.", reply, RULES) is None


def test_the_loader_names_the_key():
    with pytest.raises(ConfigError, match="missing key 'alarms'"):
        parse_rules({"version": 1, "actions": {"scan": ["scan"]}, "calls_for": ["x"], "says_not_needed": ["y"],
                     "reassures": ["z"], "examples": []})
    with pytest.raises(ConfigError, match="key 'actions': 'scan'"):
        parse_rules({"version": 1, "actions": {"scan": []}, "calls_for": ["x"], "says_not_needed": ["y"],
                     "reassures": ["z"], "alarms": ["w"], "examples": []})


def thread(reply_body: str) -> tuple[r.Thread, SourceText, SourceText]:
    question = r.Question(body="My left eyelid has twitched for three months and now my cheek twitches too.",
                          alias="Blinky", asked_at=None, age_band="40~49", sex="female", asked_for="self")
    own = r.Thread(id="t1", title="Eyelid twitching for months", status="answered", question=question,
                   reply=r.Reply(doctor="d1", body=reply_body, replied_at=None))
    reply_source = SourceText(Citation("thread", "t1", "Dr. A, Neurology", None), reply_body, question.body)
    other = SourceText(Citation("thread", "t2", "Dr. B, Neurology", None),
                       "Eyelid twitching is common and usually harmless. A scan is very unlikely to be needed "
                       "for an isolated eyelid flicker like this. Cutting down on caffeine often helps the twitching.",
                       "Why does my eyelid twitch?")
    return own, reply_source, other


def more_info_text(reply_body: str) -> str:
    own, reply_source, other = thread(reply_body)
    value = compose_more_info(own, own.reply, [reply_source, other], load_rules()).value
    return " ".join(s["text"] for section in value["sections"] for s in section["sentences"])


def test_a_contradicting_sentence_from_another_thread_is_left_out():
    text = more_info_text("Twitching that spreads from the eyelid to the cheek should be looked at. "
                          "I recommend an MRI scan of the brain to check the facial nerve. "
                          "Until then, cut down on caffeine and sleep well.")
    assert "very unlikely to be needed" not in text
    assert "MRI scan" in text


def test_a_reassuring_sentence_is_left_out_when_the_doctor_is_worried():
    text = more_info_text("Twitching that spreads from the eyelid to the cheek needs to be checked urgently "
                          "by a neurologist. Please book a visit this week.")
    assert "usually harmless" not in text


def test_the_filter_keeps_the_reply_and_what_agrees():
    from curbside.enrich import compose as c
    from curbside.enrich.more_info import agreeing_with_reply
    from curbside.enrich.sources import all_sentences

    own, reply_source, other = thread("I recommend an MRI scan of the brain. Cut down on caffeine.")
    kept = [x.sentence.text for x in agreeing_with_reply(c.candidates(all_sentences([reply_source, other], "t1"), "t1"))]
    assert "I recommend an MRI scan of the brain." in kept and "Cutting down on caffeine often helps the twitching." in kept
    assert not any("unlikely to be needed" in t for t in kept)


def test_an_agreeing_sentence_from_another_thread_may_stay():
    text = more_info_text("This sounds like harmless eyelid myokymia. It usually settles with rest. "
                          "A scan is not needed unless it spreads.")
    assert "harmless" in text
