"""Red-flag triage: golden sentences per rule, ConText cases (negated, hypothetical, historical,
family history versus a relative's current emergency), the strict rule-pack loader, the CLI,
and the targets on our evaluation set."""

import argparse
import io
import json
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from curbside.errors import ConfigError
from curbside.safety import triage_cli
from curbside.safety.rules import DEFAULT_PATH, load_rules
from curbside.safety.triage import TriageResult, default_triager

REPO = Path(__file__).resolve().parents[2]
EVALSET = REPO / "evalsets" / "triage.jsonl"
PACK = load_rules()
EMERGENCY_ADVICE = ("Call your local emergency number or go to the nearest emergency department now. "
                    "Do not wait for a reply here.")


@pytest.fixture(scope="session")
def triager():
    """The process-wide pipeline, built once (about 3 s); triage() uses the same one."""
    return default_triager()


def matched(triager, text: str) -> set[str]:
    """Rules with a finding that was not set aside, at any level (the result keeps the deciding level)."""
    return {f.rule_id for f in triager.analyse(text)[0]}


# ---------------------------------------------------------------- golden sentences from the pack

EXAMPLES = [(rule.id, text) for rule in PACK.rules for text in rule.examples]
NON_EXAMPLES = [(rule.id, text) for rule in PACK.rules for text in rule.non_examples]


@pytest.mark.parametrize(("rule_id", "text"), EXAMPLES, ids=[f"{r}:{t[:40]}" for r, t in EXAMPLES])
def test_every_example_triggers_its_rule(triager, rule_id, text):
    assert rule_id in matched(triager, text)


@pytest.mark.parametrize(("rule_id", "text"), NON_EXAMPLES, ids=[f"{r}:{t[:40]}" for r, t in NON_EXAMPLES])
def test_no_non_example_triggers_its_rule(triager, rule_id, text):
    assert rule_id not in matched(triager, text)


def test_every_rule_has_a_golden_sentence_and_the_required_topics_are_covered():
    assert all(rule.examples for rule in PACK.rules)
    ids = {rule.id for rule in PACK.rules}
    required = {"stroke-face", "stroke-arm-leg", "stroke-speech", "sudden-vision-loss", "chest-pain-red-flags",
                "severe-breathing-difficulty", "allergic-reaction-breathing", "airway-swelling", "heavy-bleeding",
                "worst-headache", "fever-stiff-neck", "meningitis-rash", "seizure", "unresponsive",
                "suicide-self-harm", "overdose-poisoning", "severe-abdominal-pain", "pregnancy-bleeding-pain",
                "infant-fever", "severe-dehydration", "testicular-torsion", "persistent-symptoms",
                "worsening-symptoms", "new-numbness-weakness-vision", "common-cold", "minor-cut-graze",
                "eyelid-twitch-tiredness"}
    assert required <= ids
    assert {rule.level for rule in PACK.rules} == {"emergency", "urgent", "routine", "self_care"}


# ---------------------------------------------------------------- levels, advice and context

@pytest.mark.parametrize(("text", "level"), [
    ("My face is drooping on one side and my arm feels weak", "emergency"),
    ("my eyelid twitches when I am tired", "self_care"),
    ("I cut my finger slicing veg, it's a small cut and stopped bleeding quickly", "self_care"),
    ("My eyelid has been twitching on and off for two months now", "routine"),
    ("How long should I stay on my blood pressure medication?", "routine"),
    ("cant breath, chest is so tight, help", "emergency"),
    ("Mum's face went numb on the left side and she can't lift her left arm", "emergency"),
    ("worst headache of my life, came on all of a sudden", "emergency"),
])
def test_levels(triager, text, level):
    assert triager(text).level == level


@pytest.mark.parametrize(("text", "rule_id", "reason"), [
    ("I have no numbness in my arm", "new-numbness-weakness-vision", "negated"),
    ("I don't have any chest pain", "chest-pain", "negated"),
    ("no thoughts of harming myself, I just feel flat", "suicide-self-harm", "negated"),
    ("What if I get chest pain while running, should I stop?", "chest-pain", "hypothetical"),
    ("I had a seizure in 2015 and have been fine since", "seizure", "historical"),
    ("I had chest pain two years ago and the tests were normal", "chest-pain", "historical"),
    ("My father had a stroke in 2015", "stroke-other", "family history"),
    ("My dad had a heart attack at 50. Should I get my heart checked?", "heart-attack", "family history"),
    ("Seizures run in my family", "seizure", "family history"),
    ("There is a family history of seizures on my mother's side", "seizure", "family history"),
    ("My brother had a seizure as a child; is my baby at risk?", "seizure", "family history"),
    ("I've had panic attacks for years where my chest feels tight", "chest-pain", "long-standing"),
])
def test_context_sets_findings_aside(triager, text, rule_id, reason):
    result = triager(text)
    assert rule_id not in {f.rule_id for f in result.findings}
    assert (rule_id, reason) in {(d.finding.rule_id, d.reason) for d in result.demoted}
    assert result.level != "emergency"


@pytest.mark.parametrize("text", [
    "my husband is slurring his words right now",
    "My father is having a stroke, his face is drooping",
    "my baby has a fever and is 6 weeks old",
    "My mother has had two strokes in the past and now her face is drooping again",
    "My dad, who had a stroke in 2015, is now slurring his words",
    "My son had a seizure ten minutes ago",
])
def test_a_relatives_current_emergency_is_not_set_aside(triager, text):
    assert triager(text).level == "emergency"


@pytest.mark.parametrize("text", [
    "I have no energy and my face is drooping",
    "I don't know what's happening but I can't breathe",
    "he can't lift his arm and his face is drooping",
    "Not sure if this matters, my 5 week old has a temp of 38",
    "She could not move her legs, and she is not responding",
])
def test_negation_does_not_leak_onto_a_real_emergency(triager, text):
    assert triager(text).level == "emergency"


def test_findings_name_the_rule_and_the_matched_text(triager):
    text = "Crushing pain in my chest and I\u2019m sweating buckets"
    result = triager(text)
    assert result.level == "emergency"
    assert result.advice == EMERGENCY_ADVICE
    for finding in result.findings:
        assert text[finding.start:finding.end] == finding.text
        assert finding.rule_id == "chest-pain-red-flags"
    assert {f.text for f in result.findings} == {"Crushing pain in my chest", "sweating"}


def test_chest_pain_without_co_findings_is_urgent_not_emergency(triager):
    result = triager("chest pain when I press on my ribs after a fall, no shortness of breath or sweating")
    assert result.level == "urgent"
    assert ("chest-pain-red-flags", "co-finding set aside") in {(d.finding.rule_id, d.reason) for d in result.demoted}


def test_suicidal_thoughts_get_crisis_line_wording(triager):
    result = triager("I've been thinking about ending my life, I don't see the point anymore")
    assert result.level == "emergency"
    assert "988" in result.advice and "116 123" in result.advice
    assert result.advice.startswith("If you might act on these thoughts, call your local emergency number now.")


def test_self_care_only_without_any_red_flag(triager):
    assert triager("I have a mild cold").level == "self_care"
    assert triager("I have a mild cold and crushing chest pain with sweating").level == "emergency"
    # a red flag set aside as hypothetical still keeps the question with a doctor
    assert triager("I have a mild cold. What if I get chest pain?").level == "routine"
    # a negated one does not
    assert triager("I have a mild cold, no chest pain").level == "self_care"


def test_no_finding_means_routine_with_queue_advice(triager):
    result = triager("Are there any side effects of the contraceptive implant?")
    assert (result.level, result.findings) == ("routine", ())
    assert "joins the queue" in result.advice


def test_result_is_frozen_and_serialisable(triager):
    result = triager("my toddler swallowed some of my pills")
    assert isinstance(result, TriageResult)
    with pytest.raises(FrozenInstanceError):
        result.level = "routine"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["level"] == "emergency" and data["findings"][0]["rule_id"] == "overdose-poisoning"


# ---------------------------------------------------------------- strict loader

def write_pack(tmp_path: Path, change) -> Path:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def first_rule(data: dict) -> dict:
    return data["rules"][0]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: first_rule(d).update(colour="red"), "rule 'stroke-face': key 'colour': unknown key"),
    (lambda d: first_rule(d).pop("advice"), "rule 'stroke-face': key 'advice': missing"),
    (lambda d: first_rule(d).update(level="critical"), "rule 'stroke-face': key 'level': 'critical' is not one of"),
    (lambda d: first_rule(d).update(patterns=[]), "rule 'stroke-face': key 'patterns': must not be empty"),
    (lambda d: first_rule(d).update(patterns=[" "]), "rule 'stroke-face': key 'patterns': every entry"),
    (lambda d: first_rule(d).update(patterns=["face (drooping"]),
     "rule 'stroke-face': key 'patterns': bad regular expression"),
    (lambda d: first_rule(d).update(patterns=["Face drooping"]),
     "rule 'stroke-face': key 'patterns': 'Face drooping' has upper-case"),
    (lambda d: first_rule(d).update(requires_any=[]), "rule 'stroke-face': key 'requires_any': must not be empty"),
    (lambda d: first_rule(d).update(examples=[]), "rule 'stroke-face': key 'examples': must not be empty"),
    (lambda d: first_rule(d).update(advice=42), "rule 'stroke-face': key 'advice': expected str, got int"),
    (lambda d: d["rules"][1].update(id="stroke-face"), "rule 'stroke-face': key 'id': duplicate rule id"),
    (lambda d: d.update(version=2), "key 'version': this Curbside reads version 1"),
    (lambda d: d.update(extra=True), "key 'extra': unknown key"),
    (lambda d: d["context"]["rules"][0].update(category="MAYBE"), "key 'category': 'MAYBE' is not one of"),
    (lambda d: d["context"]["rules"][0].update(pattern="(("), "key 'pattern': bad regular expression"),
])
def test_loader_rejects_malformed_packs_naming_file_rule_and_key(tmp_path, change, expected):
    path = write_pack(tmp_path, change)
    with pytest.raises(ConfigError) as error:
        load_rules(path)
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_loader_rejects_broken_json_and_missing_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1,', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_rules(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_rules(tmp_path / "missing.json")


def test_the_packaged_pack_loads(triager):
    assert PACK.version == 1 and len(PACK.rules) >= 60
    assert triager.pack.source == str(DEFAULT_PATH)


# ---------------------------------------------------------------- CLI

def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="curbside triage")
    triage_cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_prints_level_advice_and_findings(triager, capsys):
    assert triage_cli.main(parse("My husband is slurring his words right now, no chest pain")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Level: EMERGENCY\n")
    assert EMERGENCY_ADVICE in out
    assert 'stroke-speech (emergency): "slurring his words"' in out
    assert 'chest-pain (urgent): "chest pain" - negated' in out


def test_cli_json_reads_standard_input(triager, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("my eyelid twitches when I am tired"))
    assert triage_cli.main(parse("-", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["level"] == "self_care"
    assert data["findings"][0]["rule_id"] == "eyelid-twitch-tiredness"


def test_cli_refuses_empty_text(capsys):
    assert triage_cli.main(parse("   ")) == 1
    assert "empty" in capsys.readouterr().err


# ---------------------------------------------------------------- targets on our evaluation set

LEVELS = ("emergency", "urgent", "routine", "self_care")


def load_cases() -> list[dict]:
    return [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def measures(cases: list[dict], triaged: list[str]) -> dict:
    pairs = list(zip((c["level"] for c in cases), triaged))
    emergencies = [got for want, got in pairs if want == "emergency"]
    self_care = [got for want, got in pairs if want == "self_care"]
    return {
        "emergency_sensitivity": sum(g == "emergency" for g in emergencies) / len(emergencies),
        "accuracy": sum(want == got for want, got in pairs) / len(pairs),
        "self_care_over_triage": sum(g != "self_care" for g in self_care) / len(self_care),
    }


def meets_targets(m: dict) -> bool:
    return m["emergency_sensitivity"] >= 0.98 and m["accuracy"] >= 0.85 and m["self_care_over_triage"] <= 0.25


def test_evaluation_set_is_large_and_labelled():
    cases = load_cases()
    assert len(cases) >= 200
    assert {c["level"] for c in cases} == set(LEVELS)
    assert len({c["id"] for c in cases}) == len(cases)


def test_targets_on_the_evaluation_set(triager):
    cases = load_cases()
    m = measures(cases, [triager(c["text"]).level for c in cases])
    assert meets_targets(m), m


def test_the_target_check_can_fail():
    cases = load_cases()
    assert not meets_targets(measures(cases, ["routine"] * len(cases)))
    one_missed = ["emergency" if c["level"] == "emergency" else c["level"] for c in cases]
    misses = [i for i, c in enumerate(cases) if c["level"] == "emergency"][:3]
    for i in misses:
        one_missed[i] = "urgent"
    assert not meets_targets(measures(cases, one_missed))
