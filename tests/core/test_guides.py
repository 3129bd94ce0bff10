"""Topic guides: the seed guide's sections, every sentence quoted from a cited source."""

import json
from pathlib import Path

import pytest

from curbside import records as r
from curbside.enrich.check import uncited_sentences
from curbside.enrich.guides import compose_guide, has_enough_material, is_plural
from curbside.enrich.sources import Citation, SourceText, reply_source
from curbside.ingest import read_path
from curbside.ingest.passages import EVALUATION_ONLY_LICENCE, MEDQUAD_LICENCE
from curbside.safety.rules import load_rules

DEMO = Path(__file__).resolve().parents[2] / "curbside" / "demo" / "demo.jsonl"
EYELID = r.Topic(id="eyelid-twitching", name="Eyelid Twitching", specialty="neurology")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def demo():
    batch = read_path(DEMO)
    of = lambda kind: [x for x in batch.records if isinstance(x, kind)]  # noqa: E731
    doctors = {d.id: d for d in of(r.Doctor)}
    specialties = {s.id: s.name for s in of(r.Specialty)}
    threads = of(r.Thread)

    def sources(topic_id):
        chosen = [t for t in threads if topic_id in t.topics and t.reply]
        return [reply_source(t, doctors[t.reply.doctor], specialties[doctors[t.reply.doctor].specialty])
                for t in chosen]
    return {"topics": of(r.Topic), "sources": sources}


def passage(pid, text, licence=MEDQUAD_LICENCE):
    return r.Passage(id=pid, source="National Eye Institute", licence=licence, text=text,
                     url=f"https://example.org/{pid}", question="What is eyelid twitching?")


def reply(thread_id, text):
    return SourceText(Citation("thread", thread_id, "Dr. Amara Okafor, Neurology", f"/qa/{thread_id}/"), text,
                      "Eyelid twitching\nMy eyelid twitches.")


def all_sentences(guide):
    return [s for section in guide["sections"] for s in section["sentences"]]


def cited_ids(guide):
    return {c["id"] for c in guide["citations"]}


def test_enough_material_is_three_threads_or_one_thread_and_two_passages():
    one = [reply("t1", "Eyelid twitching is common.")]
    shown = [passage("NEI_1_Sec1.txt", "A."), passage("NEI_2_Sec1.txt", "B.")]
    hidden = [passage("ADAM_1_Sec1.txt", "A.", EVALUATION_ONLY_LICENCE), passage("ADAM_2_Sec1.txt", "B.",
                                                                                 EVALUATION_ONLY_LICENCE)]
    assert has_enough_material(one * 3, [])
    assert not has_enough_material(one * 2, [])
    assert has_enough_material(one, shown)
    assert not has_enough_material(one, hidden)  # passages that may not be shown do not count
    assert not has_enough_material([], shown)


def test_headings_follow_the_seed_guide(demo, rules):
    guide = compose_guide(EYELID, demo["sources"]("eyelid-twitching"), [], rules)
    headings = [s["heading"] for s in guide["sections"]]
    possible = ["What Is Eyelid Twitching?", "Common Causes of Eyelid Twitching",
                "Identifying the Symptoms of Eyelid Twitching", "Immediate Relief",
                "Long-Term Strategies for Managing Eyelid Twitching",
                "When to Seek Professional Help for Eyelid Twitching"]
    assert headings == [h for h in possible if h in headings]  # the seed's order; empty sections left out
    assert headings[-1] == "When to Seek Professional Help for Eyelid Twitching"
    assert guide["id"] == "guide-eyelid-twitching" and guide["topic"] == "eyelid-twitching"
    assert json.loads(json.dumps(guide)) == guide
    for section in guide["sections"]:
        assert section["blocks"] and all(block["type"] == "paragraph" for block in section["blocks"])


def test_is_or_are():
    assert is_plural("Facial Spasms") and is_plural("Irregular Periods")
    assert not any(map(is_plural, ["Eyelid Twitching", "Diabetes", "Sinusitis", "Tinnitus", "Acne"]))


def test_every_guide_sentence_is_cited_and_resolves(demo, rules):
    sources = demo["sources"]("eyelid-twitching")
    extra = [passage("NEI_0000001_Sec1.txt", "Eyelid twitching is a common, harmless condition of the eyelid "
                     "muscle. Eyelid twitching is often triggered by fatigue, stress and caffeine.")]
    guide = compose_guide(EYELID, sources, extra, rules)
    assert uncited_sentences(guide) == []
    known = {s.citation.id: " ".join(s.text.split()) for s in sources} | {p.id: p.text for p in extra}
    rule_ids = {rule.id for rule in rules.rules}
    for citation in guide["citations"]:
        assert citation["id"] in known or (citation["kind"] == "rule" and citation["id"] in rule_ids)
    for sentence in all_sentences(guide):
        texts = [known[guide["citations"][i]["id"]] for i in sentence["cite"]
                 if guide["citations"][i]["kind"] != "rule"]
        assert not texts or any(sentence["text"][1:] in text for text in texts)
    assert "NEI_0000001_Sec1.txt" in cited_ids(guide)  # a relevant passage is used


def test_passages_not_for_display_are_never_cited(demo, rules):
    hidden = passage("ADAM_0000009_Sec1.txt", "Eyelid twitching is a common condition caused by stress.",
                     EVALUATION_ONLY_LICENCE)
    guide = compose_guide(EYELID, demo["sources"]("eyelid-twitching"), [hidden], rules)
    assert "ADAM_0000009_Sec1.txt" not in cited_ids(guide)


def test_sentences_about_one_asker_are_left_out(rules):
    sources = [reply("t1", "You mentioned your daughter has eyelid twitching, so her eyelid twitching is likely "
                           "from stress. Eyelid twitching is usually caused by stress and tiredness.")]
    texts = [s["text"] for s in all_sentences(compose_guide(EYELID, sources, [], rules))]
    assert "Eyelid twitching is usually caused by stress and tiredness." in texts
    assert not any("You mentioned" in t for t in texts)


def test_seek_help_always_holds_the_rules_warning_signs(demo, rules):
    lonely = r.Topic(id="spinach", name="Spinach")
    guide = compose_guide(lonely, [reply("t1", "Spinach is a nutritious vegetable for most people.")], [], rules)
    seek = guide["sections"][-1]
    assert seek["key"] == "seek_help" and seek["sentences"]
    assert {guide["citations"][i]["kind"] for s in seek["sentences"] for i in s["cite"]} == {"rule"}


def test_guides_for_every_demo_topic_with_enough_material(demo, rules):
    built = 0
    for topic in demo["topics"]:
        sources = demo["sources"](topic.id)
        if not has_enough_material(sources, []):
            continue
        first = compose_guide(topic, sources, [], rules)
        assert json.dumps(first) == json.dumps(compose_guide(topic, sources, [], rules)), topic.id
        assert uncited_sentences(first) == [], topic.id
        assert first["sections"][-1]["key"] == "seek_help" and first["sections"][-1]["sentences"], topic.id
        built += 1
    assert built >= 10
