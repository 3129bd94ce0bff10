"""Triage by clinical findings: golden sentences of every concept and discriminator, absent
findings lists, modifiers, vital signs by age, Chinese wording, unreadable languages, the
strict loader of the three data files and `curbside triage --json/--jsonl`."""

import argparse
import copy
import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from curbside.errors import ConfigError
from curbside.safety import clinical, triage_cli
from curbside.safety.clinical import DISCRIMINATORS_PATH, FINDINGS_PATH, MODIFIERS_PATH, load_knowledge
from curbside.safety.patient import language_of, read_patient, read_vitals
from curbside.safety.triage import GENERAL_EMERGENCY, Triager, default_triager

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = load_knowledge()
SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def triager():
    return default_triager()


def concepts(triager, text, **patient):
    return {f.concept for f in triager(text, **patient).clinical}


def fired(triager, text, **patient):
    return {d.id for d in triager.fired(text, **patient)}


# ---------------------------------------------------------------- golden sentences from the data

CONCEPT_EXAMPLES = [(c.id, t) for c in KNOWLEDGE.concepts for t in c.examples]
CONCEPT_NON_EXAMPLES = [(c.id, t) for c in KNOWLEDGE.concepts for t in c.non_examples]
RULE_EXAMPLES = [(d.id, t) for d in KNOWLEDGE.discriminators for t in d.examples]
RULE_NON_EXAMPLES = [(d.id, d.level, t) for d in KNOWLEDGE.discriminators for t in d.non_examples]


@pytest.mark.parametrize(("concept", "text"), CONCEPT_EXAMPLES, ids=[f"{c}:{t[:30]}" for c, t in CONCEPT_EXAMPLES])
def test_every_concept_example_is_found(triager, concept, text):
    assert concept in concepts(triager, text)


@pytest.mark.parametrize(("concept", "text"), CONCEPT_NON_EXAMPLES, ids=[f"{c}:{t[:30]}" for c, t in CONCEPT_NON_EXAMPLES])
def test_no_concept_non_example_is_found(triager, concept, text):
    assert concept not in concepts(triager, text)


@pytest.mark.parametrize(("rule", "text"), RULE_EXAMPLES, ids=[f"{r}:{t[:30]}" for r, t in RULE_EXAMPLES])
def test_every_discriminator_example_fires_it(triager, rule, text):
    assert rule in fired(triager, text)


@pytest.mark.parametrize(("rule", "level", "text"), RULE_NON_EXAMPLES,
                         ids=[f"{r}:{t[:30]}" for r, _, t in RULE_NON_EXAMPLES])
def test_no_discriminator_non_example_fires_it(triager, rule, level, text):
    if level == "self_care":  # a self-care presentation may be recognised; the level must not be self-care
        assert triager(text).level != "self_care"
    else:
        assert rule not in fired(triager, text)


def test_every_discriminator_names_a_source_and_general_ones_cover_the_triage_systems():
    assert all(d.source and d.examples for d in KNOWLEDGE.discriminators)
    general = {d.id for d in KNOWLEDGE.discriminators if d.kind == "general"}
    assert {"airway-threat", "breathing-threat", "shock", "altered-consciousness", "severe-pain-discriminator",
            "uncontrolled-bleeding", "very-high-temperature", "stroke-signs"} <= general
    lay = {r.id for r in default_triager().pack.rules}
    assert not lay & {d.id for d in KNOWLEDGE.discriminators}, "an id must say which layer decided"


def test_hpo_synonyms_come_from_the_packaged_ontology(triager):
    # "Dyspnea" and "Hemiparesis" are the ontology's words: no pattern of ours spells them.
    assert "dyspnoea" in concepts(triager, "Severe dyspnea since the morning")
    assert "one-sided-weakness" in concepts(triager, "new hemiparesis noticed by his wife")
    assert clinical.hpo_synonyms(frozenset({"HP:0002094"}))["HP:0002094"][0] == "dyspnea"


# ---------------------------------------------------------------- presentations and levels

@pytest.mark.parametrize(("text", "level"), [
    ("sudden onset of left sided muscular weakness, facial droop and dysphasia since 2 hours", "emergency"),
    ("3 year old with fever, drooling and muffled voice, getting worse through the day", "emergency"),
    ("Presented with acute onset severe unilateral testicular pain that started suddenly", "emergency"),
    ("She is 32 weeks pregnant with vaginal bleeding and lower abdominal pain", "emergency"),
    ("positive home pregnancy test, last period 6 weeks ago, spotting and lower abdominal pain", "emergency"),
    ("severe headache, vomiting and neck stiffness since yesterday", "emergency"),
    ("chest discomfort radiating to the left arm with sweating", "emergency"),
    ("he was playing with plastic bricks when he suddenly started coughing and gagging", "emergency"),
    ("unilateral painful right leg swelling after a 12-hour airplane ride", "emergency"),
    ("my 2 year old has had diarrhoea with blood since this morning", "emergency"),
    ("my calf is swollen and tender", "urgent"),
    ("runny nose and sneezing for two days", "self_care"),
    ("a tension headache like a tight band around my head after a long day at the computer", "self_care"),
    ("itchy rash between my toes", "self_care"),
])
def test_presentations(triager, text, level):
    assert triager(text).level == level


def test_absent_findings_lists_are_negated(triager):
    text = ("45 year old Male. Chief complaints: Cough. Dry cough for a week. No fever, No chest pain or "
            "discomfort, No wheezing, No dyspnea, No hemoptysis, No loss of consciousness, No neck stiffness.")
    result = triager(text)
    assert {"fever", "chest-pain", "wheeze", "dyspnoea", "haemoptysis", "neck-stiffness"} & \
        {f.concept for f in result.clinical} == set()
    assert {"fever", "chest-pain", "dyspnoea", "haemoptysis"} <= {f.concept for f, why in result.set_aside if why == "negated"}
    assert result.level != "emergency"


def test_modifiers_attach_to_their_finding_and_a_pain_score_counts_as_severe(triager):
    result = triager("Pain started around the navel 6 hours ago and is now in the right lower abdomen. "
                     "Pain severity is 8 out of 10.")
    pains = [f for f in result.clinical if f.concept == "abdominal-pain"]
    assert any("severe" in f.modifiers for f in pains)
    assert result.level == "emergency"
    calm = triager("A dull ache in my lower abdomen now and then, about 2 out of 10.")
    assert calm.level != "emergency"


def test_json_result_explains_the_decision(triager):
    data = triager("crushing chest pain spreading to my jaw").to_dict()
    assert data["level"] == "emergency"
    decided = {d["id"]: d for d in data["decided_by"]}
    assert decided["chest-pain-with-red-flags"]["source"].startswith("NHS")
    assert {"chest-pain", "pain-to-arm-jaw"} <= {f["concept"] for f in data["clinical"]}
    assert any("severe" in f["modifiers"] for f in data["clinical"] if f["concept"] == "chest-pain")


# ---------------------------------------------------------------- vital signs by age

@pytest.mark.parametrize(("text", "age_band", "level"), [
    ("my 6 week old has a temperature of 38.2", None, "emergency"),        # NICE red: under 3 months
    ("temperature of 38.2 since this morning", "30~39", "routine"),
    ("my 5 month old has a temperature of 39.4C", None, "urgent"),          # NICE amber: 3-6 months
    ("my 8 month old is breathing 55 times a minute", None, "urgent"),      # amber: over 50 at 6-12 months
    ("my 3 year old is breathing 65 breaths per minute", None, "emergency"),  # red: over 60
    ("breathing rate 26 a minute", "40~49", "emergency"),                  # NEWS2: 25 or more
    ("his pulse is 135 bpm and he feels awful", "60~69", "emergency"),     # NEWS2: 131 or more
    ("heart rate 135 in my 1 year old", None, "routine"),                  # under the infant thresholds
    ("oxygen saturation 89% on the finger monitor", None, "emergency"),
    ("her blood pressure is 165/112 and she is 34 weeks pregnant", None, "emergency"),  # NICE NG133
    ("my blood pressure is 165/112", "50~59", "routine"),
    ("blood pressure 190/125 this morning", "50~59", "urgent"),           # NICE NG136
    ("temperature 105.8 F", None, "emergency"),                           # 41 °C
    ("low-grade fever (less than 38) and a runny nose", None, "self_care"),
])
def test_vital_sign_thresholds_by_age(triager, text, age_band, level):
    assert triager(text, age_band=age_band).level == level


def test_vital_readings_and_units():
    readings = {(v.measure, v.value) for v in read_vitals("temp 101.3f, bp 150/95, sats 93%, blood sugar 54 mg/dl")}
    assert {("temperature_c", 38.5), ("systolic_bp", 150), ("diastolic_bp", 95), ("oxygen_saturation", 93),
            ("glucose_mmol", 3.0)} <= readings
    assert {(v.measure, v.value) for v in read_vitals("體溫39.5度，血氧88")} >= {("temperature_c", 39.5), ("oxygen_saturation", 88)}


def test_the_text_age_wins_over_the_form_age_band():
    assert read_patient("my 6 week old has a fever", "30~39").age_years == pytest.approx(6 / 52, abs=0.01)
    assert read_patient("a fever since yesterday", "0~1").age_years == 0.5
    pregnant = read_patient("she is 28 weeks pregnant")
    assert pregnant.pregnant and pregnant.pregnancy_weeks == 28
    assert not read_patient("I am not pregnant").pregnant
    assert read_patient("missed my period, last period 7 weeks ago").possibly_pregnant


# ---------------------------------------------------------------- Chinese and other languages

def test_chinese_evaluation_set_finds_every_emergency(triager):
    cases = [json.loads(line) for line in (REPO / "evalsets" / "triage_zh.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 20 and {c["script"] for c in cases} == {"traditional", "simplified"}
    emergencies = [c for c in cases if c["level"] == "emergency"]
    missed = [c["id"] for c in emergencies if triager(c["text"]).level != "emergency"]
    assert not missed
    over = [c["id"] for c in cases if c["level"] != "emergency" and triager(c["text"]).level == "emergency"]
    assert not over


@pytest.mark.parametrize("text", [
    "我爸爸突然半邊臉下垂、講話不清楚、右手沒力",
    "我妈突然嘴歪了，说话不清，左手抬不起来",
    "胸口很悶很痛，一直冒冷汗",
    "我朋友昏倒了叫不醒",
    "吃了蝦之後喉嚨腫起來，呼吸困難",
    "我不想活了，藥都準備好了",
])
def test_chinese_emergencies(triager, text):
    result = triager(text)
    assert result.level == "emergency" and result.language == "zh" and not result.needs_staff


def test_chinese_negation_history_and_hypotheticals_are_set_aside(triager):
    assert triager("沒有胸痛，也沒有呼吸困難，只是有點咳嗽").level != "emergency"
    assert triager("我爸爸三年前中風了，現在復健要注意什麼？").level != "emergency"
    assert triager("如果我爸突然嘴歪了該怎麼辦？").level != "emergency"


@pytest.mark.parametrize("text", [
    "Mi padre tiene la cara caída de un lado y no puede hablar bien desde hace una hora",
    "У моего отца вдруг онемела половина лица",
    "Bố tôi đột nhiên bị méo miệng và nói không rõ",
])
def test_a_language_the_engine_cannot_read_is_never_silently_routine(triager, text):
    result = triager(text)
    assert result.needs_staff and result.language == "unknown"
    assert GENERAL_EMERGENCY in result.advice
    assert result.level != "self_care"


def test_terse_clinical_english_is_read_as_english():
    assert language_of("Facial droop, dysphasia, hemiparesis.") == "en"


# ---------------------------------------------------------------- the strict loader

def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _files(tmp_path, change=None, which="discriminators"):
    data = {"findings": json.loads(FINDINGS_PATH.read_text(encoding="utf-8")),
            "modifiers": json.loads(MODIFIERS_PATH.read_text(encoding="utf-8")),
            "discriminators": json.loads(DISCRIMINATORS_PATH.read_text(encoding="utf-8"))}
    data = copy.deepcopy(data)
    if change:
        change(data[which])
    return {key: _write(tmp_path, f"{key}.json", value) for key, value in data.items()}


@pytest.mark.parametrize(("which", "change", "message"), [
    ("discriminators", lambda d: d["discriminators"][0]["all"].append(["no-such-concept"]), "unknown concept 'no-such-concept'"),
    ("discriminators", lambda d: d["discriminators"][0]["all"].append(["chest-pain+suddenly"]), "unknown modifier 'suddenly'"),
    ("discriminators", lambda d: d["discriminators"][0]["all"].append(["@teenager"]), "unknown patient group"),
    ("discriminators", lambda d: d["discriminators"][0].update(source=" "), "key 'source': must not be empty"),
    ("discriminators", lambda d: d["discriminators"][0].update(level="soon"), "key 'level': 'soon' is not one of"),
    ("discriminators", lambda d: d["discriminators"][0].update(examples=[]), "needs a sentence that triggers it"),
    ("discriminators", lambda d: d["discriminators"][0].update(colour="red"), "key 'colour': unknown key"),
    ("discriminators", lambda d: d["discriminators"][0].update(explains=["persistent-symptoms"]),
     "only a self_care presentation can account for lay-wording rules"),
    ("findings", lambda d: d["concepts"][0].update(hpo={"HP:0002094": "Cough"}), "is 'dyspnea' in the ontology, not 'Cough'"),
    ("findings", lambda d: d["concepts"][0].update(hpo={"HP:99": "Dyspnea"}), "is not an HPO id"),
    ("findings", lambda d: d["concepts"][0]["patterns"].append("Short"), "has upper-case letters"),
    ("findings", lambda d: d["concepts"][0]["zh"].append("(("), "bad regular expression"),
    ("findings", lambda d: d["concepts"].append(copy.deepcopy(d["concepts"][0])), "duplicate id"),
    ("modifiers", lambda d: d["vitals"][0].update(measure="mood"), "key 'measure': 'mood' is not one of"),
    ("modifiers", lambda d: d["vitals"][0].update(max=1), "give exactly one of 'min' and 'max'"),
    ("modifiers", lambda d: d.update(version=2), "reads version 1"),
])
def test_the_loader_names_the_file_entry_and_key(tmp_path, which, change, message):
    files = _files(tmp_path, change, which)
    with pytest.raises(ConfigError) as error:
        load_knowledge(files["findings"], files["modifiers"], files["discriminators"])
    assert message in str(error.value)
    assert f"{which}.json" in str(error.value)


# ---------------------------------------------------------------- curbside triage --json / --jsonl

def run_cli(*argv, stdin=None, monkeypatch=None):
    parser = argparse.ArgumentParser()
    triage_cli.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with redirect_stdout(out), redirect_stderr(err):
        code = triage_cli.main(parser.parse_args(list(argv)))
    return code, out.getvalue(), err.getvalue()


def test_cli_json_and_text(triager):
    code, out, _ = run_cli("--json", "sudden severe pain in my left testicle")
    data = json.loads(out)
    assert code == 0 and data["level"] == "emergency" and data["decided_by"][0]["source"]
    code, out, _ = run_cli("sudden severe pain in my left testicle")
    assert "Decided by:" in out and "source:" in out


def test_cli_jsonl_batch(tmp_path, triager):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a", "text": "my face is drooping and my arm is weak"}\n\n'
                    '{"id": 2, "text": "runny nose for two days"}\n'
                    '{"id": "c", "text": "temperature of 38.4", "age_band": "0~1"}\n', encoding="utf-8")
    code, out, _ = run_cli("--jsonl", str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a", 2, "c"]
    assert [r["level"] for r in rows[:2]] == ["emergency", "self_care"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "text": "ok"}\n{"id": "b"\n', "cases.jsonl:2: not valid JSON"),
    ('{"id": "a", "text": "ok"}\n{"text": "no id"}\n', 'cases.jsonl:2: key "id"'),
    ('{"id": "a", "text": "  "}\n', 'cases.jsonl:1: key "text": missing or empty'),
    ('["a list"]\n', "cases.jsonl:1: each line must be a JSON object"),
])
def test_cli_jsonl_rejects_a_bad_line_before_triaging_any(tmp_path, content, message):
    path = tmp_path / "cases.jsonl"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli("--jsonl", str(path))
    assert code == 1 and out == "" and message in err


def test_cli_jsonl_reads_standard_input(monkeypatch, triager):
    code, out, _ = run_cli("--jsonl", "-", stdin='{"id": 1, "text": "我朋友昏倒了叫不醒"}\n', monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["level"] == "emergency"


# ---------------------------------------------------------------- text nobody here wrote (regression guard)

AVEY = SHARED / "bench" / "triage-avey" / "vignettes.jsonl"


@pytest.mark.skipif(not AVEY.exists(), reason=f"{AVEY} not present (shared/bench is not in the repository)")
def test_avey_dev_vignettes_keep_the_emergency_sensitivity(triager):
    """The figures live in BENCHMARKS.md (bench/safety_triage_avey.py); this guards against a
    change that silently loses emergencies on clinical wording."""
    rows = [json.loads(line) for line in AVEY.read_text(encoding="utf-8").splitlines() if line.strip()]
    emergencies = [r for r in rows if r["urgency_level"] == "em"]
    found = sum(triager(r["text"]).level == "emergency" for r in emergencies)
    assert found / len(emergencies) >= 0.95


def test_a_self_care_presentation_explains_only_the_lay_rules_it_names(tmp_path):
    def explain_unknown(data):
        next(d for d in data["discriminators"] if d["id"] == "self-care-period-pain")["explains"] = ["no-such-rule"]
    files = _files(tmp_path, explain_unknown)
    knowledge = load_knowledge(files["findings"], files["modifiers"], files["discriminators"])
    with pytest.raises(ConfigError, match="unknown lay-wording rule 'no-such-rule'"):
        Triager(default_triager().pack, knowledge)


@pytest.mark.parametrize(("text", "level"), [
    ("period cramps every month and I feel sick on the first day", "self_care"),
    ("severe period pain every month, I can hardly get out of bed", "routine"),  # NHS: see a GP if severe
    ("a sore throat and runny nose for two days", "self_care"),
    ("a severe sore throat and a runny nose for two days", "routine"),
    ("tummy ache and vomiting since lunch", "urgent"),  # not explained by any self-limiting presentation
])
def test_severe_symptoms_are_never_self_care_and_period_pain_explains_feeling_sick(triager, text, level):
    assert triager(text).level == level


@pytest.mark.parametrize(("text", "level"), [
    ("I suddenly lost the hearing in my left ear this morning", "urgent"),
    ("my ear feels full and my hearing is muffled, I think it is wax", "self_care"),
])
def test_sudden_hearing_loss_is_urgent_and_earwax_muffling_is_self_care(triager, text, level):
    assert triager(text).level == level
