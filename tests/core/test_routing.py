"""Specialty routing: strict knowledge file, golden sentences per specialty, the child,
pregnancy and fallback rules, the CLI, and the targets on our evaluation set."""

import argparse
import copy
import hashlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from curbside.errors import ConfigError
from curbside.safety import routing, routing_cli
from curbside.safety.routing import LabelledExample, Router, demo_examples
from curbside.safety.routing_data import default_path, load_knowledge
from curbside.search.embed import CachedEmbedder, MiniLM

REPO = Path(__file__).resolve().parents[2]
EVALSET = REPO / "evalsets" / "routing.jsonl"
IDS = ["neurology", "cardiology", "pulmonology", "gastroenterology", "endocrinology", "dermatology",
       "obstetrics-gynecology", "urology", "pediatrics", "psychiatry", "orthopedics", "otolaryngology-ent",
       "ophthalmology", "family-medicine"]


@pytest.fixture(scope="module")
def router() -> Router:
    """One real MiniLM for the whole module (about 6 s to load); route() shares it too."""
    return routing.configure(CachedEmbedder(MiniLM(), None))


class BagOfWords:
    """A stand-in embedder: hashed word counts, so tests of the plumbing need no model."""

    name = "bag-of-words"
    dimensions = 64

    def encode(self, texts):
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in zip(rows, texts):
            for word in re.findall(r"\w+", text.lower()):
                row[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimensions] += 1
            row /= max(np.linalg.norm(row), 1e-9)
        return rows


# ---------------------------------------------------------------- the knowledge file

def write_variant(tmp_path, change) -> Path:
    data = json.loads(default_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "specialties.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_shipped_knowledge_has_the_fourteen_specialties():
    knowledge = load_knowledge()
    assert [s.id for s in knowledge.specialties] == IDS
    assert knowledge.specialty("obstetrics-gynecology").name == "Obstetrics & Gynecology"
    assert knowledge.specialty("otolaryngology-ent").name == "Otolaryngology (ENT)"
    assert knowledge.fallback == "family-medicine"
    assert all(s.lay_cues and s.clinical_cues and s.prototypes for s in knowledge.specialties)


@pytest.mark.parametrize("change, key, problem", [
    (lambda d: d["specialties"][2].update(synonyms=["x"]), "specialties[2].synonyms", "unknown key"),
    (lambda d: d.update(comment="x"), "comment", "unknown key"),
    (lambda d: d["specialties"][1].update(id="neurology"), "specialties[1].id", "duplicate specialty id"),
    (lambda d: d["specialties"][4].update(lay_cues=[]), "specialties[4].lay_cues", "non-empty list"),
    (lambda d: d["specialties"][0].update(clinical_cues=["stroke", " "]), "specialties[0].clinical_cues[1]",
     "non-empty string"),
    (lambda d: d["specialties"][0].update(specialist_cues=[]), "specialties[0].specialist_cues", "non-empty list"),
    (lambda d: d["specialties"][3].pop("prototypes"), "specialties[3].prototypes", "missing"),
    (lambda d: d.update(fallback="general-surgery"), "fallback", "unknown specialty 'general-surgery'"),
    (lambda d: d["rules"]["child"].update(max_age="nine"), "rules.child.max_age", "whole number"),
    (lambda d: d["scoring"].update(min_confidence=2), "scoring.min_confidence", "from 0 to 1"),
    (lambda d: d.update(version=2), "version", "reads version 1"),
])
def test_loader_rejects_malformed_knowledge_naming_file_and_key(tmp_path, change, key, problem):
    path = write_variant(tmp_path, change)
    with pytest.raises(ConfigError) as caught:
        load_knowledge(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ")
    assert problem in message


def test_loader_rejects_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "specialties.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        load_knowledge(path)


# ---------------------------------------------------------------- golden sentences

GOLDEN = [
    ("neurology", "I keep getting numbness in my right hand and my speech went slurred for a few minutes."),
    ("neurology", "My grandad's memory is getting worse and he repeats the same stories, is it Alzheimer's?"),
    ("cardiology", "My heart flutters and skips beats when I'm resting and my pulse feels irregular."),
    ("cardiology", "What should my blood pressure be? The machine at work said 165/102."),
    ("pulmonology", "I've had a wheezy chest and a cough with phlegm every winter for years, I used to smoke."),
    ("pulmonology", "My asthma is worse at night and my peak flow is down."),
    ("gastroenterology", "Constant bloating, tummy cramps and diarrhoea after I eat, on and off for months."),
    ("gastroenterology", "I get acid reflux and heartburn after every dinner."),
    ("endocrinology", "My blood sugar readings are high in the mornings even though I take metformin."),
    ("endocrinology", "My thyroid levels came back low and I feel cold and sluggish."),
    ("dermatology", "I have an itchy red rash on my neck that's flaky and won't go away."),
    ("dermatology", "There's a dark mole on my leg that has started to bleed."),
    ("obstetrics-gynecology", "My periods have become really heavy and painful over the past year."),
    ("obstetrics-gynecology", "Is it normal to feel cramps at 10 weeks pregnant?"),
    ("urology", "It burns when I pee and I need to go every half hour."),
    ("urology", "My prostate test was raised and I get up four times a night to urinate."),
    ("pediatrics", "My newborn is feeding every hour and barely sleeping, is that normal?"),
    ("pediatrics", "When do babies usually start crawling? Ours is 10 months old."),
    ("psychiatry", "I've been feeling depressed and anxious for months and can't enjoy anything."),
    ("psychiatry", "My brother thinks people are following him and hears voices at night."),
    ("orthopedics", "I twisted my knee playing football and it's swollen and keeps giving way."),
    ("orthopedics", "Pain in my lower back that shoots down my leg after lifting boxes."),
    ("otolaryngology-ent", "My ears have been ringing and hearing is muffled since a concert."),
    ("otolaryngology-ent", "I keep getting sinus infections and my nose is always blocked."),
    ("ophthalmology", "My vision has gone blurry and I see halos around lights at night."),
    ("ophthalmology", "My eye is red, gritty and sore, and it's sticky in the morning."),
    ("family-medicine", "Do I need any vaccinations before a trip to Kenya?"),
    ("family-medicine", "I've had a cold and a mild fever for three days, what can I take?"),
]


@pytest.mark.parametrize("specialty, text", GOLDEN)
def test_golden_sentence_routes_to_its_specialty(router, specialty, text):
    assert router.route(text).top.id == specialty


def test_scores_cover_every_specialty_sum_to_one_and_are_ranked(router):
    result = router.route("I have chest pain when I climb stairs")
    scores = [r.score for r in result.ranked]
    assert sorted(r.id for r in result.ranked) == sorted(IDS)
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-3)


def test_explanation_names_the_matched_words_with_their_place(router):
    text = "Since last week I've had chest pain and palpitations."
    result = router.route(text)
    assert result.top.id == "cardiology"
    cues = {c.term: c for c in result.explanation.cues}
    assert {"chest pain", "palpitations"} <= set(cues)
    assert text[cues["chest pain"].start:cues["chest pain"].end] == "chest pain"
    assert cues["palpitations"].kind == "clinical"
    assert '"chest pain"' in result.explanation.summary()


def test_similar_answered_questions_explain_the_choice(router):
    result = router.route("my eyelid keeps twitching when I'm stressed and tired")
    assert result.top.id == "neurology"
    assert any(s.source.startswith("demo-") for s in result.explanation.similar)


def test_a_typing_slip_still_matches_and_says_how_it_was_read(router):
    result = router.route("my thyriod is overactive")
    assert result.top.id == "endocrinology"
    fuzzy = [c for c in result.explanation.cues if c.fuzzy]
    assert fuzzy and fuzzy[0].term == "thyroid" and fuzzy[0].text == "thyriod"
    assert "read as 'thyroid'" in result.explanation.summary()


def test_ordinary_words_are_not_corrected_into_cues(router):
    words = router.cues.words("the heating is broken")
    assert not any(w.fuzzy for w in words)


def test_negated_cues_do_not_count(router):
    matches = router.cues.find("no cough, but my skin is itchy", router.cues.words("no cough, but my skin is itchy"))
    assert "pulmonology" not in {m.specialty for m in matches}
    assert router.route("no cough and no wheeze, but my skin is itchy and flaky").top.id == "dermatology"


def test_the_longest_phrase_decides_what_words_mean(router):
    text = "we have been trying for a baby for two years"
    specialties = {m.specialty for m in router.cues.find(text, router.cues.words(text))}
    assert specialties == {"obstetrics-gynecology"}


# ---------------------------------------------------------------- rules

TUMMY_BUG = "diarrhoea and vomiting since yesterday, keeping a little water down"


def test_a_young_child_goes_to_pediatrics(router):
    assert router.route(TUMMY_BUG, asked_for="self", age_band="30~39").top.id == "gastroenterology"
    child = router.route(TUMMY_BUG, asked_for="child", age_band="2~9")
    assert child.top.id == "pediatrics"
    assert "a young child: Pediatrics first" in child.explanation.rules


@pytest.mark.parametrize("age_band", ["0~1", "2~9", "0~9"])
def test_every_young_age_band_counts_as_a_child(router, age_band):
    assert router.route("ear infection again with a temperature", asked_for="child",
                        age_band=age_band).top.id == "pediatrics"


def test_an_age_in_the_text_counts_when_there_is_no_age_band(router):
    assert router.route("My 3 year old has " + TUMMY_BUG).top.id == "pediatrics"
    # Writing about oneself, a child mentioned in passing does not make the asker a child.
    assert router.route("I have a 3 year old and I have " + TUMMY_BUG, asked_for="self").top.id == "gastroenterology"


def test_a_clearly_specialist_question_about_a_child_stays_with_the_specialist(router):
    result = router.route("my 4 year old has a squint, one eye turns in", asked_for="child", age_band="2~9")
    assert result.top.id == "ophthalmology"
    assert any("specialist matter" in rule for rule in result.explanation.rules)


def test_a_teenager_goes_to_the_organ_specialty(router):
    assert router.route("bad acne on my forehead and chin", asked_for="child", age_band="10~19").top.id \
        == "dermatology"


def test_pregnancy_goes_to_obstetrics(router):
    result = router.route("I'm 24 weeks pregnant and have bad heartburn and headaches")
    assert result.top.id == "obstetrics-gynecology"
    assert any(rule.startswith("a pregnancy") for rule in result.explanation.rules)


def test_nothing_recognisable_falls_back_to_family_medicine(router):
    result = router.route("Hello, I have a question please")
    assert result.top.id == "family-medicine"
    assert result.explanation.fallback
    assert "general queue" in result.explanation.summary()


def test_an_unconfident_specialist_gives_way_to_the_fallback():
    knowledge = load_knowledge()
    router = Router.create(BagOfWords(), examples=[], knowledge=knowledge)
    router.knowledge = _with_scoring(knowledge, fallback_bias=0.0, min_confidence=0.9)
    result = router.route("a mild rash")
    assert result.top.id == "family-medicine" and result.explanation.fallback


def test_empty_text_routes_to_the_fallback(router):
    assert router.route("   ").top.id == "family-medicine"


def _with_scoring(knowledge, **changes):
    from dataclasses import replace

    return replace(knowledge, scoring=replace(knowledge.scoring, **changes))


# ---------------------------------------------------------------- injected parts

def test_an_injected_embedder_and_labelled_examples_are_used():
    example = LabelledExample("quux frobnication of the zorblax", "urology", "thread-7")
    router = Router.create(BagOfWords(), examples=[example])
    result = router.route("zorblax quux frobnication")
    assert result.top.id == "urology"
    assert result.explanation.similar[0].source == "thread-7"


def test_demo_threads_are_labelled_by_the_replying_doctor():
    examples = demo_examples()
    assert len(examples) == 57
    assert {e.specialty for e in examples} == set(IDS)
    assert all(e.source.startswith("demo-q") for e in examples)


# ---------------------------------------------------------------- CLI

def parse(*argv):
    parser = argparse.ArgumentParser(prog="curbside route")
    routing_cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_prints_the_ranked_list_and_the_reason(router, capsys):
    assert routing_cli.main(parse("barking cough at night", "--age-band", "2~9", "--about", "child")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Route to: Pediatrics (")
    assert len(re.findall(r"^ *\d+\. ", out, re.M)) == 14
    assert "Why Pediatrics:" in out


def test_cli_json_reads_standard_input(router, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("my knee gives way on the stairs"))
    assert routing_cli.main(parse("-", "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["specialty"] == "orthopedics"
    assert len(data["ranked"]) == 14 and data["explanation"]["summary"]


def test_cli_refuses_empty_text_and_bad_age_bands(capsys):
    assert routing_cli.main(parse("  ")) == 1
    assert "empty" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse("cough", "--age-band", "nine")
    assert "age band" in capsys.readouterr().err


# ---------------------------------------------------------------- targets on our evaluation set

def load_cases() -> list[dict]:
    return [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def accuracy(router: Router, cases: list[dict]) -> tuple[float, float]:
    top1 = top3 = 0
    for case in cases:
        ranked = [r.id for r in router.route(case["text"], asked_for=case["about"], age_band=case["age_band"]).ranked]
        top1 += ranked[0] == case["specialty"]
        top3 += case["specialty"] in ranked[:3]
    return top1 / len(cases), top3 / len(cases)


def test_evaluation_set_is_well_formed():
    cases = load_cases()
    assert len(cases) >= 220
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert set(case) == {"id", "text", "specialty", "acceptable", "age_band", "about"}
        assert case["specialty"] in IDS and set(case["acceptable"]) <= set(IDS) - {case["specialty"]}
        assert case["about"] in ("self", "child", "parent", "other")
    counts = {s: sum(c["specialty"] == s for c in cases) for s in IDS}
    assert min(counts.values()) >= 10, counts


def test_routing_meets_the_targets_on_the_evaluation_set(router):
    top1, top3 = accuracy(router, load_cases())
    assert top1 >= 0.80, f"top-1 {top1:.3f} is below 0.80"
    assert top3 >= 0.95, f"top-3 {top3:.3f} is below 0.95"


def test_the_target_test_can_fail():
    """Without cue terms and with a meaningless embedder the same measure falls far short."""
    knowledge = load_knowledge()
    crippled = Router.create(BagOfWords(), examples=[], knowledge=_with_scoring(knowledge, cue_scale=0.0))
    top1, _ = accuracy(crippled, load_cases()[::4])
    assert top1 < 0.80
