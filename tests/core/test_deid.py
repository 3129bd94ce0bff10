"""De-identification: every pattern and name cue has a golden sentence, clinical wording
survives, malformed rule files are refused by name, the CLI, and the evaluation targets."""

import argparse
import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest

from curbside.errors import ConfigError
from curbside.safety import deid_checks as checks
from curbside.safety import deid_cli
from curbside.safety.deid import DeidResult, deidentify
from curbside.safety.deid_eval import read_items, score, target_failures
from curbside.safety.deid_rules import default_rules, load_rules

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "curbside" / "safety" / "data"
EVALSET = REPO / "evalsets" / "deid.jsonl"

# (pattern id in deid_patterns.json, message, what is published)
PATTERN_GOLDEN = [
    ("email", "Write to me at lena.k.berg@posteo.de about my thyroid.", "Write to me at [EMAIL] about my thyroid."),
    ("email-spelled-out", "My address is lena[at]posteo[dot]de if that helps.", "My address is [EMAIL] if that helps."),
    ("email-at-webmail", "Email tomas.r at gmail dot com please.", "Email [EMAIL] please."),
    ("url", "See https://example.org/my-rash?id=3. It spread overnight.", "See [URL]. It spread overnight."),
    ("url-bare-domain", "My blog is healthdiary.net/posts/week-3, with a food log.",
     "My blog is [URL], with a food log."),
    ("handle-at", "Message me @anna_b_92 if you need photos.", "Message me [HANDLE] if you need photos."),
    ("handle-after-platform", "My instagram is runner.rosa, the videos show the swelling.",
     "My instagram is [HANDLE], the videos show the swelling."),
    ("handle-with-marks", "snapchat rosa_r1998 has the pictures", "snapchat [HANDLE] has the pictures"),
    ("date-of-birth", "Born on 21 October 1984, I have had asthma since childhood.",
     "Born on [DATE_OF_BIRTH], I have had asthma since childhood."),
    ("medical-record-number", "MRN: 7730041, seen in the ED twice.", "MRN: [MRN], seen in the ED twice."),
    ("insurance-number", "Policy number: BX-44120-77. Is physiotherapy covered?",
     "Policy number: [INSURANCE]. Is physiotherapy covered?"),
    ("taiwan-id", "My ID is A123456789 and I have a cough.", "My ID is [ID] and I have a cough."),
    ("us-ssn", "SSN 219-45-6781, sorry if that is not needed.", "SSN [ID], sorry if that is not needed."),
    ("uk-nhs-number", "NHS number 943 476 5919; I need my inhaler.", "NHS number [ID]; I need my inhaler."),
    ("uk-national-insurance", "NI number AB 12 34 56 C for the sick note.", "NI number [ID] for the sick note."),
    ("singapore-nric", "I am S1234567D on the clinic form.", "I am [ID] on the clinic form."),
    ("hong-kong-id", "HKID A123456(3) on my record.", "HKID [ID] on my record."),
    ("china-resident-id", "ID 11010519491231002X from Beijing.", "ID [ID] from Beijing."),
    ("korea-rrn", "RRN 850612-1234567 on my papers.", "RRN [ID] on my papers."),
    ("payment-card", "I paid with 4111 1111 1111 1111 and was charged twice.",
     "I paid with [ID] and was charged twice."),
    ("id-after-cue", "My passport number is K9931172, for the travel clinic.",
     "My passport number is [ID], for the travel clinic."),
    ("age-stated", "My husband is 97 and has dementia.", "My husband is [AGE] and has dementia."),
    ("age-after-comma", "My uncle, who drives, is 93.", "My uncle, who drives, is [AGE]."),
    ("age-labelled", "Age 91, female, hip pain.", "Age [AGE], female, hip pain."),
    ("age-years-old", "A 102-year-old lady in our street has shingles.",
     "A [AGE]-year-old lady in our street has shingles."),
    ("age-after-name", "Our neighbour Mrs. Achebe, 96, lives alone.", "Our neighbour Mrs. [NAME], [AGE], lives alone."),
    ("age-in-brackets", "My mum Bernadette (94) fell at home.", "My mum [NAME] ([AGE]) fell at home."),
    ("address-number-after-street", "Post it to Lindenweg 14, 80331 München.", "Post it to [ADDRESS]."),
    ("address-romance", "I'm staying at Via Garibaldi 22, 16124 Genova for a month.",
     "I'm staying at [ADDRESS] for a month."),
    ("address-french", "My flat is at 5 rue des Lilas, 69003 Lyon.", "My flat is at [ADDRESS]."),
    ("address-taiwan-english", "Home: No. 8, Alley 3, Lane 120, Minsheng E. Rd., Songshan District, Taipei.",
     "Home: [ADDRESS]."),
    ("address-chinese", "我住在台北市大安區忠孝東路四段100號5樓, near the hospital.", "我住在[ADDRESS], near the hospital."),
    ("address-street", "We moved to 12 Oak Lane, Bristol BS8 1TH, near the clinic.",
     "We moved to [ADDRESS], near the clinic."),
    ("address-postcode", "Postcode EH3 9AA, if the district nurse asks.",
     "Postcode [ADDRESS], if the district nurse asks."),
    ("address-after-cue", "My address is 7B Kloofnek Heights, Tamboerskloof and my GP is away.",
     "My address is [ADDRESS] and my GP is away."),
    ("phone", "Call me on 020 7946 0958 after 6.", "Call me on [PHONE] after 6."),
]

# (name cue, message, what is published)
NAME_GOLDEN = [
    ("title", "Dear Miss Ai, I was diagnosed with Bell's palsy.",
     "Dear Miss [NAME], I was diagnosed with Bell's palsy."),
    ("title", "Ms. Yang at the desk sent me here.", "Ms. [NAME] at the desk sent me here."),
    ("title", "Mr. O'Brien here, 67, with Crohn's.", "Mr. [NAME] here, 67, with Crohn's."),
    ("title", "Dr. Chen told me my HbA1c of 7.2% is fine.", "Dr. [NAME] told me my HbA1c of 7.2% is fine."),
    ("strong-intro", "Hi, my name is Priya and I have Hashimoto's.", "Hi, my name is [NAME] and I have Hashimoto's."),
    ("strong-intro", "my daughters name is kayleigh, she is 5", "my daughters name is [NAME], she is 5"),
    ("weak-intro", "I'm Tom, 34, and my heel hurts.", "I'm [NAME], 34, and my heel hurts."),
    ("weak-intro", "I'm Oluwaseun Adeyemi from Lagos.", "I'm [NAME] from Lagos."),
    ("relation", "My son Jamie is 13 and has knee pain.", "My son [NAME] is 13 and has knee pain."),
    ("relation", "My wife, Ana, has Graves' disease.", "My wife, [NAME], has Graves' disease."),
    ("relation", "My partner is Reza and he has Behçet's.", "My partner is [NAME] and he has Behçet's."),
    ("relation", "My father in law Tadeusz is 92 and confused.", "My father in law [NAME] is [AGE] and confused."),
    ("listed-only-intro", "hey it's marcus again, the rash is spreading",
     "hey it's [NAME] again, the rash is spreading"),
    ("relation-of", "I'm the mother of Avi, who is 4.", "I'm the mother of [NAME], who is 4."),
    ("apposition", "Maximilian (my son) has Perthes.", "[NAME] (my son) has Perthes."),
    ("greeting", "Hi Sarah, thanks for the answer.", "Hi [NAME], thanks for the answer."),
    ("signoff", "Any advice welcome. Thanks, Mary", "Any advice welcome. Thanks, [NAME]"),
    ("signoff", "Is it serious?\n\nRegards,\nJohn Smith", "Is it serious?\n\nRegards,\n[NAME]"),
    ("signature-line", "Is surgery worth it?\n\nHamish", "Is surgery worth it?\n\n[NAME]"),
    ("form-label", "Name: Aleksandra Kowalczyk\nAge: 34", "Name: [NAME]\nAge: 34"),
    ("here", "Hiroshi Tanaka here. I had Kawasaki disease.", "[NAME] here. I had Kawasaki disease."),
    ("here", "Ngaire from Rotorua here. Is kawakawa balm ok?", "[NAME] from Rotorua here. Is kawakawa balm ok?"),
    ("listed-given-name", "Priya Sharma has had a fever since Monday.", "[NAME] has had a fever since Monday."),
    ("and", "My twins Leilani and Kalani have a rash.", "My twins [NAME] and [NAME] have a rash."),
]

KEPT_AS_WRITTEN = [
    "My BP is 150/95 and my temperature was 38.5°C.",
    "HbA1c 7.2%, metformin 500 mg twice a day, for 3 weeks.",
    "Since March I have had pain. On 2024-05-01 I started atorvastatin 20 mg.",
    "I was diagnosed on 12 January 2023 and I am 45.",
    "I'm 89 and my ankles swell. I weigh 95 kg.",
    "I was born at 32 weeks and now have asthma.",
    "Hi, Lupus runs in my family. Metformin makes me sick.",
    "Will this go away? Grace period ended. Hope someone can help.",
    "Swan NDC 0869-0871-43 is on the box.",
    "My appointment is at 09.30-10.15 tomorrow.",
    "We saw the team at St Mary's Hospital and the Alfred.",
    "What is the outlook for Kennedy's disease and Alexander Disease?",
    "I take St John's wort and Tylenol.",
    "I'm English, Diabetic and Type 1.",
    "I cannot go to the clinic because it's ben snowing all week.",
]


def published(text: str) -> str:
    return deidentify(text).text


@pytest.mark.parametrize("pattern_id, text, expected", PATTERN_GOLDEN)
def test_pattern_golden_sentences(pattern_id, text, expected):
    assert published(text) == expected
    assert found_by(pattern_id, text), f"{pattern_id} itself finds nothing here"


def found_by(pattern_id: str, text: str) -> list[str]:
    pattern = next(p for p in default_rules().patterns if p.id == pattern_id)
    values = [m.group(pattern.group) for m in pattern.regex.finditer(text)]
    return [v for v in values if not pattern.check or pattern.check(v, text, text.index(v))]


def test_every_pattern_has_a_golden_sentence():
    shipped = {p.id for p in default_rules().patterns}
    assert shipped == {pattern_id for pattern_id, _, _ in PATTERN_GOLDEN}


@pytest.mark.parametrize("cue, text, expected", NAME_GOLDEN)
def test_name_cue_golden_sentences(cue, text, expected):
    assert published(text) == expected


@pytest.mark.parametrize("text", KEPT_AS_WRITTEN)
def test_clinical_text_and_ordinary_dates_stay(text):
    assert published(text) == text


def keep_list() -> dict:
    return json.loads((DATA / "deid_keep.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("eponym", keep_list()["eponyms"])
def test_every_eponym_survives_next_to_names(eponym):
    text = f"Dear Dr. Chen, my son Jamie was told he has {eponym}. Thanks, Mary"
    assert published(text) == f"Dear Dr. [NAME], my son [NAME] was told he has {eponym}. Thanks, [NAME]"


@pytest.mark.parametrize("drug", keep_list()["drugs"])
def test_every_drug_name_survives(drug):
    text = f"{drug} is not helping. I'm Tom. My GP prescribed {drug} last week."
    assert published(text) == f"{drug} is not helping. I'm [NAME]. My GP prescribed {drug} last week."


def test_a_drug_named_like_a_person_is_a_name_after_a_strong_cue():
    assert published("Yasmin made her moody.") == "Yasmin made her moody."
    assert published("My daughter Yasmin has a rash.") == "My daughter [NAME] has a rash."


def test_ages_above_89_only():
    assert published("I am 93") == "I am [AGE]"
    assert published("I am 45") == "I am 45"
    assert published("I'm 95% sure it is shingles.") == "I'm 95% sure it is shingles."


def test_replacements_point_into_the_original_and_hide_nothing_else():
    text = "I'm Tom. Call 0912-345-678 or tom.lee@example.com."
    result = deidentify(text)
    assert [(r.type, text[r.start:r.end]) for r in result.replacements] == [
        ("NAME", "Tom"), ("PHONE", "0912-345-678"), ("EMAIL", "tom.lee@example.com")]
    assert result.text == "I'm [NAME]. Call [PHONE] or [EMAIL]."


def test_published_text_has_nothing_left_to_replace():
    for item in read_items(EVALSET):
        assert deidentify(published(item.text)).replacements == (), item.id


# ---------------------------------------------------------------- checksums

@pytest.mark.parametrize("check, good, bad", [
    (checks.taiwan_id, "A123456789", "A123456788"),
    (checks.taiwan_id, "N870174682", "N870174683"),
    (checks.nhs_number, "943 476 5919", "943 476 5918"),
    (checks.luhn, "4111 1111 1111 1111", "4111 1111 1111 1112"),
    (checks.singapore_nric, "S1234567D", "S1234567A"),
    (checks.hong_kong_id, "A123456(3)", "A123456(4)"),
    (checks.china_resident_id, "11010519491231002X", "110105194912310021"),
])
def test_checksums(check, good, bad):
    assert check(good) and not check(bad)


# ---------------------------------------------------------------- strict data files

@pytest.fixture
def data_copy(tmp_path):
    for name in ("deid_patterns.json", "deid_keep.json", "deid_names.json"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_shipped_files_load(data_copy):
    assert len(load_rules(data_copy).patterns) == len(default_rules().patterns)


@pytest.mark.parametrize("name, change, message", [
    ("deid_patterns.json", lambda d: d["patterns"][0].update(flags="i"),
     "deid_patterns.json: pattern 'email': unknown key 'flags'"),
    ("deid_patterns.json", lambda d: d["patterns"][0].update(regex="(unclosed"),
     "deid_patterns.json: pattern 'email': key 'regex' does not compile"),
    ("deid_patterns.json", lambda d: d["patterns"][0].update(regex="{NO_SUCH_MACRO}"),
     "deid_patterns.json: pattern 'email': key 'regex' uses unknown macro '{NO_SUCH_MACRO}'"),
    ("deid_patterns.json", lambda d: d["patterns"][0].update(type="SECRET"),
     "deid_patterns.json: pattern 'email': key 'type' must be one of"),
    ("deid_patterns.json", lambda d: d["patterns"][0].update(validator="psychic"),
     "deid_patterns.json: pattern 'email': key 'validator' must be one of"),
    ("deid_patterns.json", lambda d: d["patterns"][0].update(group="value"),
     "deid_patterns.json: pattern 'email': key 'group' names 'value'"),
    ("deid_patterns.json", lambda d: d["patterns"][1].pop("regex"),
     "deid_patterns.json: pattern 'email-spelled-out': missing key 'regex'"),
    ("deid_patterns.json", lambda d: d["patterns"].append(dict(d["patterns"][0])),
     "deid_patterns.json: pattern 'email' is defined twice"),
    ("deid_patterns.json", lambda d: d["phone"].update(cue_window="forty"),
     "deid_patterns.json: key 'phone.cue_window': expected a whole number"),
    ("deid_patterns.json", lambda d: d.update(version=2), "deid_patterns.json: key 'version' must be 1"),
    ("deid_keep.json", lambda d: d.update(colours=["red"]), "deid_keep.json: unknown key 'colours'"),
    ("deid_keep.json", lambda d: d["drugs"].append(""),
     "deid_keep.json: key 'drugs': expected a list of non-empty strings"),
    ("deid_names.json", lambda d: d.pop("titles"), "deid_names.json: missing key 'titles'"),
    ("deid_names.json", lambda d: d.update(given_names="Tom"),
     "deid_names.json: key 'given_names': expected a list of non-empty strings"),
])
def test_malformed_files_are_refused_with_file_and_key(data_copy, name, change, message):
    edit(data_copy, name, change)
    with pytest.raises(ConfigError) as refused:
        load_rules(data_copy)
    assert message in str(refused.value)


def test_invalid_json_names_the_file_and_line(data_copy):
    (data_copy / "deid_keep.json").write_text('{"version": 1,\n "eponyms": [}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"deid_keep.json: not valid JSON \(line 2"):
        load_rules(data_copy)


# ---------------------------------------------------------------- the CLI function

def run_cli(capsys, text, as_json=False):
    parser = argparse.ArgumentParser()
    deid_cli.add_arguments(parser)
    status = deid_cli.main(parser.parse_args([text] + (["--json"] if as_json else [])))
    return status, capsys.readouterr().out


def test_cli_prints_the_published_text(capsys):
    assert run_cli(capsys, "I'm Tom. Call 0912-345-678.") == (0, "I'm [NAME]. Call [PHONE].\n")


def test_cli_json_has_types_and_spans_but_not_the_values(capsys):
    status, out = run_cli(capsys, "I'm Tom. Call 0912-345-678.", as_json=True)
    assert status == 0 and "Tom" not in out and "0912" not in out
    assert json.loads(out) == {"text": "I'm [NAME]. Call [PHONE].",
                               "replacements": [{"type": "NAME", "start": 4, "end": 7},
                                                {"type": "PHONE", "start": 14, "end": 26}]}


def test_cli_reads_standard_input(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Regards,\nJohn Smith\n"))
    assert run_cli(capsys, "-") == (0, "Regards,\n[NAME]\n")


# ---------------------------------------------------------------- the evaluation set

def test_evaluation_set_is_well_formed_and_rebuilds_from_its_source():
    spec = importlib.util.spec_from_file_location("build_deid", REPO / "evalsets" / "build_deid.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    source = (REPO / "evalsets" / "deid.src.txt").read_text(encoding="utf-8")
    rebuilt = [builder.parse(m, n) for n, m in enumerate(builder.messages(source), 1)]
    stored = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines()]
    assert rebuilt == stored
    assert len(stored) >= 160
    assert sum(not item["identifiers"] for item in stored) >= 20  # texts with nothing to remove
    assert {i["type"] for item in stored for i in item["identifiers"]} == set(builder.TYPES)


def test_evaluation_targets_hold():
    result = score(read_items(EVALSET))
    assert target_failures(result) == [], (result.missed, result.spurious, result.damaged_keep)


def test_evaluation_targets_can_fail():
    def leaves_everything(text):
        return DeidResult(text, ())

    def removes_everything(text):
        return DeidResult("[NAME]", ())

    assert target_failures(score(read_items(EVALSET), leaves_everything))[0].startswith("recall 0.000")
    assert any("damaged" in f for f in target_failures(score(read_items(EVALSET), removes_everything)))
