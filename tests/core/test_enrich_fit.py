"""More Info fits the person and the urgency: a sentence from another source that assumes
another age group, sex or situation than the asker's line says is left out, an emergency
opens with its advice and holds nothing that suggests waiting, and the thread's own reply
is never dropped. The sentences here are written for these tests."""

import json
from datetime import datetime, timezone

import pytest

from curbside import records as r
from curbside.enrich import fit
from curbside.enrich.more_info import compose_more_info
from curbside.enrich.sources import Citation, SourceText, reply_source
from curbside.errors import ConfigError
from curbside.safety.rules import load_rules

ASKED = datetime(2024, 5, 6, tzinfo=timezone.utc)
EMERGENCY_ADVICE = ("Call your local emergency number or go to the nearest emergency department now. "
                    "Do not wait for a reply here.")
URGENT_ADVICE = ("See a doctor within 24 hours: contact your doctor's practice, an urgent care centre or a health "
                 "advice line (such as 111 in the UK) today. If it gets much worse, call your local emergency number.")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def thread(title, body, reply, age_band=None, sex="unspecified", asked_for="unspecified", thread_id="t1"):
    return r.Thread(id=thread_id, title=title, status="answered",
                    question=r.Question(body=body, alias="wren", asked_at=ASKED, age_band=age_band, sex=sex,
                                        asked_for=asked_for),
                    reply=r.Reply(doctor="d1", body=reply, replied_at=ASKED))


def elsewhere(thread_id, text, question=""):
    """A reply on another thread: a source like the similar threads on the site."""
    return SourceText(Citation("thread", thread_id, "Dr. Lee, Family Medicine", f"/qa/{thread_id}/"), text, question)


def passage(passage_id, text, question=""):
    return SourceText(Citation("passage", passage_id, "A trusted source", f"https://example.org/{passage_id}"),
                      text, question)


def more_info(rules, t, extra=(), urgency=None):
    own = reply_source(t, None, "Family Medicine")
    given = {"urgency": urgency} if urgency else {}  # without one, More Info is composed as it always was
    return compose_more_info(t, t.reply, [own, *extra], rules, **given).value


def texts(value, key=None):
    return [s["text"] for section in value["sections"] if key in (None, section["key"])
            for s in section["sentences"]]


# ---------------------------------------------------------------- the person

TWITCH_TITLE = "Eye and mouth twitching together"
TWITCH_BODY = "For a month the corner of my mouth twitches along with my eye. I drink a lot of coffee."
TWITCH_REPLY = ("Twitching of the eye and the mouth together deserves a check by a doctor. "
                "Cutting back on coffee often helps the twitching.")
EXAM_STRESS = "Cutting back on coffee and finding ways to cope with exam stress often calm twitching of the eye."
TWITCH_CAUSE = "Twitching of the eye and mouth is often caused by tiredness and too much coffee."


def test_an_exam_stress_sentence_is_left_out_for_an_asker_in_her_forties(rules):
    sources = [elsewhere("t2", f"{EXAM_STRESS} {TWITCH_CAUSE}", "Eyelid twitching before exams")]
    adult = thread(TWITCH_TITLE, TWITCH_BODY, TWITCH_REPLY, "40~49", "female", "self")
    teenager = thread(TWITCH_TITLE, TWITCH_BODY, TWITCH_REPLY, "10~19", "female", "self")
    assert EXAM_STRESS not in texts(more_info(rules, adult, sources))
    assert TWITCH_CAUSE in texts(more_info(rules, adult, sources)), "the rest of the source still counts"
    assert EXAM_STRESS in texts(more_info(rules, teenager, sources)), "for a teenager it fits"


HEARTBURN_TITLE = "Heartburn every night"
HEARTBURN_BODY = "I get heartburn every night after dinner, a burning behind my breastbone."
HEARTBURN_REPLY = "Heartburn after late meals is very common. Eating earlier in the evening often helps the heartburn."
PREGNANT_HEARTBURN = "Heartburn at night after dinner is common in pregnancy, as hormones relax the stomach valve."


def test_a_pregnancy_sentence_is_left_out_for_a_male_asker(rules):
    sources = [passage("heartburn-1", PREGNANT_HEARTBURN, "What causes heartburn?")]
    man = thread(HEARTBURN_TITLE, HEARTBURN_BODY, HEARTBURN_REPLY, "30~39", "male", "self")
    woman = thread(HEARTBURN_TITLE, HEARTBURN_BODY, HEARTBURN_REPLY, "30~39", "female", "self")
    assert PREGNANT_HEARTBURN not in texts(more_info(rules, man, sources))
    assert PREGNANT_HEARTBURN in texts(more_info(rules, woman, sources))


def test_the_threads_own_reply_is_never_dropped(rules):
    reply = f"{TWITCH_REPLY} {EXAM_STRESS}"  # the doctor knew this asker: their words stay
    adult = thread(TWITCH_TITLE, TWITCH_BODY, reply, "40~49", "female", "self")
    assert EXAM_STRESS in texts(more_info(rules, adult))
    waiting = "If it keeps happening, book an appointment with your doctor."
    meanwhile = "Keep him resting and note the time the drooping started."  # self-care, which an emergency leaves out
    stroke = thread(STROKE_TITLE, STROKE_BODY, f"{STROKE_REPLY} {waiting} {meanwhile}", "60~69", "male", "other")
    assert meanwhile in texts(more_info(rules, stroke), "self_care")
    value = more_info(rules, stroke, urgency=fit.Urgency("emergency", EMERGENCY_ADVICE, ("stroke-face",)))
    assert waiting in texts(value)
    assert texts(value, "emergency")[1:] == [meanwhile], "the doctor's own instructions follow the advice"


def test_pregnancy_in_the_question_is_part_of_the_person():
    t = thread(HEARTBURN_TITLE, "I am 30 weeks pregnant and the heartburn is awful.", HEARTBURN_REPLY,
               "30~39", "female", "self")
    assert fit.person_of(t).pregnant
    not_pregnant = thread(HEARTBURN_TITLE, "I am not pregnant but the heartburn is awful.", HEARTBURN_REPLY,
                          "30~39", "female", "self")
    assert not fit.person_of(not_pregnant).pregnant
    tested = thread("Period late", "My period is late and three pregnancy tests were all negative.", HEARTBURN_REPLY,
                    "30~39", "female", "self")
    assert not fit.person_of(tested).pregnant, "a pregnancy test is not a pregnancy"
    assert fit.person_of(t).age == (30, 39) and fit.person_of(t).sex == "female"


def test_nothing_is_left_out_without_a_fact_saying_so():
    unknown = fit.Person()
    for rule in fit.load_fit_rules().person:
        assert fit.fits(rule.drops, unknown, None), rule.id


# ---------------------------------------------------------------- the urgency

STROKE_TITLE = "Husband's face drooped on one side"
STROKE_BODY = ("An hour ago my husband's face suddenly drooped on one side, his speech is slurred "
               "and he has numbness in his left arm.")
STROKE_REPLY = "Please call emergency services now, as this may be a stroke."
WAITING = [
    "Book an appointment with your doctor in the next few days if the drooping face does not improve.",
    "Face drooping on one side is often Bell's palsy, and it often gets better on its own over some weeks.",
    "Rest the drooping face and protect the eye on that side with drops until you have been checked.",
]
STROKE_CAUSE = "A stroke is caused by a blocked or burst blood vessel in the brain, and drooping of the face is a sign."


def stroke_thread():
    return thread(STROKE_TITLE, STROKE_BODY, STROKE_REPLY, "60~69", "male", "other")


def stroke_sources():
    return [elsewhere("t3", " ".join(WAITING), "Face drooping on one side"),
            passage("stroke-1", STROKE_CAUSE, "What causes a stroke?")]


def test_an_emergency_opens_with_the_advice_and_holds_no_waiting_sentence(rules):
    t = stroke_thread()
    value = more_info(rules, t, stroke_sources(), fit.Urgency("emergency", EMERGENCY_ADVICE, ("stroke-face",)))
    opening = value["sections"][0]
    assert opening["key"] == "emergency"
    assert opening["sentences"][0]["text"] == "Call your local emergency number or go to the nearest emergency " \
                                              "department now."
    assert [value["citations"][i]["id"] for i in opening["sentences"][0]["cite"]] == ["stroke-face"]
    assert "self_care" not in [s["key"] for s in value["sections"]]
    shown = texts(value)
    assert set(WAITING) <= set(texts(more_info(rules, t, stroke_sources()))), "quoted when nothing says emergency"
    assert not set(WAITING) & set(shown)
    assert not any("reply here" in text for text in shown), "the thread's page already has its reply"
    assert STROKE_CAUSE in shown, "sentences that do not suggest waiting still count"
    person = fit.person_of(t)
    others = [text for text in shown if text not in STROKE_REPLY]
    assert [text for text in others if not fit.fits(text, person, "emergency")] == []  # red-flag lines too


CHEST_TITLE = "Husband has chest pressure and is sweating"
CHEST_BODY = ("For twenty minutes my husband has had a heavy chest pressure spreading to his left arm, "
              "and he is sweating.")
CHEST_REPLY = "Please call emergency services now: this could be a heart attack."


def test_an_emergency_keeps_the_warning_signs_of_its_level_and_drops_slower_ones(rules):
    t = thread(CHEST_TITLE, CHEST_BODY, CHEST_REPLY, "50~59", "male", "other")
    routine = texts(more_info(rules, t), "red_flags")
    assert any("within 24 hours" in text for text in routine), "the urgent chest-pain rule matches too"
    emergency = texts(more_info(rules, t, urgency=fit.Urgency("emergency", EMERGENCY_ADVICE,
                                                               ("chest-pain-red-flags",))), "red_flags")
    assert not any("within 24 hours" in text for text in emergency)
    assert any(text.startswith("Warning signs such as") and text.endswith("emergency department now.")
               for text in emergency)


def test_a_warning_line_at_the_threads_level_is_not_judged_on_the_askers_words():
    line = "Warning sign such as “a cough for six weeks” — call your local emergency number now."
    assert fit.rule_line_fits(line, ["emergency"], "emergency")
    assert not fit.rule_line_fits(line, ["routine"], "emergency")


def test_the_opening_cites_a_rule_that_says_it_when_a_discriminator_decided(rules):
    value = more_info(rules, stroke_thread(), urgency=fit.Urgency("emergency", EMERGENCY_ADVICE,
                                                                  ("chest-pain-with-red-flags",)))
    opening = value["sections"][0]["sentences"][0]
    cited = value["citations"][opening["cite"][0]]
    assert cited["kind"] == "rule"
    assert opening["text"] in next(rule.advice for rule in rules.rules if rule.id == cited["id"])


COUGH_TITLE = "Dad breathless with a cough and fever"
COUGH_BODY = "My dad has had a fever and a cough for five days and is now breathless walking to the bathroom."
COUGH_REPLY = "A fever with a cough and new breathlessness needs a doctor to listen to his chest today."
NO_NEED = "There is no need to see a doctor for a cough after a cold."
WAIT_WEEKS = "It is fine to wait a few weeks, as a cough after a cold can take a while to clear."


def test_an_urgent_thread_holds_nothing_that_says_no_doctor_or_wait_weeks(rules):
    t = thread(COUGH_TITLE, COUGH_BODY, COUGH_REPLY, "60~69", "male", "parent")
    sources = [elsewhere("t4", f"{NO_NEED} {WAIT_WEEKS}", "Cough after a cold")]
    urgent = texts(more_info(rules, t, sources, fit.Urgency("urgent", URGENT_ADVICE, ("breathless-with-infection",))))
    assert NO_NEED not in urgent and WAIT_WEEKS not in urgent
    routine = texts(more_info(rules, t, sources, fit.Urgency("routine", "")))
    assert NO_NEED in routine or WAIT_WEEKS in routine, "the level, not the words alone, leaves them out"


# ---------------------------------------------------------------- every rule of the data file

def person_for(condition):
    """Someone the condition holds for."""
    age = None
    if condition.age_from is not None:
        age = (condition.age_from, condition.age_from + 9)
    elif condition.age_below is not None:
        age = (0, condition.age_below - 1)
    return fit.Person(age=age, sex=sorted(condition.sex)[0] if condition.sex else "unspecified",
                      asked_for=sorted(condition.asked_for)[0] if condition.asked_for else "unspecified",
                      pregnant=bool(condition.pregnant))


PERSON_RULES = fit.load_fit_rules().person
URGENCY_RULES = fit.load_fit_rules().urgency


@pytest.mark.parametrize("rule", PERSON_RULES, ids=[rule.id for rule in PERSON_RULES])
def test_each_person_rule_drops_its_sentence_and_keeps_its_near_miss(rule):
    for condition in rule.left_out_when:
        person = person_for(condition)
        assert not fit.fits(rule.drops, person, None), (rule.id, person)
        assert fit.fits(rule.keeps, person, None), (rule.id, person)


@pytest.mark.parametrize("rule", URGENCY_RULES, ids=[rule.id for rule in URGENCY_RULES])
def test_each_urgency_rule_drops_its_sentence_and_keeps_its_near_miss(rule):
    for level in rule.left_out_at:
        assert not fit.fits(rule.drops, fit.Person(), level), (rule.id, level)
        assert fit.fits(rule.keeps, fit.Person(), level), (rule.id, level)
    assert fit.fits(rule.drops, fit.Person(), "routine"), "routine care may wait"


def test_a_negated_wait_is_no_wait():
    assert fit.fits("Call emergency services now rather than waiting to see if it passes.", fit.Person(), "emergency")
    assert not fit.fits("It is fine to wait and see if it passes.", fit.Person(), "emergency")


# ---------------------------------------------------------------- the file, loaded strictly

def broken(tmp_path, change):
    data = json.loads(fit.default_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "fit_rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, key", [
    (lambda d: d.update(version=2), "version"),
    (lambda d: d.pop("negators"), "negators"),
    (lambda d: d["person"][0].update(colour="red"), "person[0].colour"),
    (lambda d: d["person"][1]["patterns"].insert(0, "(unclosed"), "person[1].patterns[0]"),
    (lambda d: d["person"][0]["left_out_when"][0].update(sex=["mal"]), "person[0].left_out_when[0].sex[0]"),
    (lambda d: d["person"][0]["left_out_when"].insert(0, {}), "person[0].left_out_when[0]"),
    (lambda d: d["person"][0]["left_out_when"].insert(0, {"age_from": "forty"}), "person[0].left_out_when[0].age_from"),
    (lambda d: d["person"][2].update(drops="A sentence about nothing in particular."), "person[2].drops"),
    (lambda d: d["person"][2].update(keeps=d["person"][2]["drops"]), "person[2].keeps"),
    (lambda d: d["person"][1].update(id=d["person"][0]["id"]), "person[1].id"),
    (lambda d: d["urgency"][0]["left_out_at"].insert(0, "soonish"), "urgency[0].left_out_at[0]"),
    (lambda d: d["urgency"][1].update(drops="Call your emergency number now."), "urgency[1].drops"),
    (lambda d: d["pregnancy_cues"].insert(0, "[unclosed"), "pregnancy_cues[0]"),
])
def test_a_malformed_file_is_rejected_naming_file_entry_and_key(tmp_path, change, key):
    path = broken(tmp_path, change)
    with pytest.raises(ConfigError) as error:
        fit.load_fit_rules(path)
    assert str(error.value).startswith(f"{path}: {key}:")


def test_an_unreadable_file_is_named(tmp_path):
    path = tmp_path / "fit_rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="fit_rules.json: cannot read the fit rules"):
        fit.load_fit_rules(path)
