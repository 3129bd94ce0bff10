"""More Info: every sentence quoted from a cited source, red flags always there, nothing blended."""

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from curbside import records as r
from curbside.enrich.check import uncited_sentences
from curbside.enrich.more_info import SECTIONS, compose_more_info
from curbside.enrich.sources import (
    Citation,
    SourceText,
    is_displayable,
    passage_source,
    passage_sources,
    reply_source,
    split_sentences,
)
from curbside.ingest import read_path
from curbside.ingest.passages import EVALUATION_ONLY_LICENCE, MEDQUAD_LICENCE
from curbside.safety.rules import load_rules
from curbside.search.tokenize import tokenize

DEMO = Path(__file__).resolve().parents[2] / "curbside" / "demo" / "demo.jsonl"
ASKED = datetime(2024, 2, 12, tzinfo=timezone.utc)
EYELID_REPLY = (
    "Hello Ms. Yang, what you describe sounds very much like eyelid myokymia, a harmless flickering of "
    "the small muscle around the eye. Tiredness, stress and lots of caffeine are the usual triggers. "
    "Cutting back on coffee and protecting your sleep are the most useful things you can do. "
    "If you ever notice sudden weakness of one side of the face or slurred speech, call emergency services. "
    "Thank you for your question. Hope this helps. Best regards, Dr. Okafor"
)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def thread(thread_id="t1", title="Eyelid keeps twitching", body="My right eyelid has been twitching for ten days "
           "and I drink a lot of coffee. Is this something to worry about?", reply=EYELID_REPLY):
    answer = r.Reply(doctor="demo-amara-okafor", body=reply, replied_at=ASKED) if reply else None
    return r.Thread(id=thread_id, title=title, status="answered" if reply else "open",
                    question=r.Question(body=body, alias="mango_tea", asked_at=ASKED), reply=answer)


def okafor():
    return r.Doctor(id="demo-amara-okafor", name="Amara Okafor", specialty="neurology")


def passage(pid, text, licence=MEDQUAD_LICENCE, source="National Institute of Neurological Disorders and Stroke"):
    return r.Passage(id=pid, source=source, licence=licence, text=text, url=f"https://example.org/{pid}",
                     question="What causes eyelid twitching?")


def sentences(value, key=None):
    return [s for section in value["sections"] if key in (None, section["key"]) for s in section["sentences"]]


def section(value, key):
    return next(s for s in value["sections"] if s["key"] == key)


def compose(rules, t=None, extra=(), **kwargs):
    t = t or thread()
    own = reply_source(t, okafor(), "Neurology")
    return compose_more_info(t, t.reply, [own, *extra] if own else list(extra), rules, **kwargs).value


def squash(text):
    return " ".join(text.split())


def assert_quoted_from_sources(value, sources, rules):
    """Every sentence is cited, every citation is a given source, and quoted text is in it."""
    assert uncited_sentences(value) == []
    by_key = {(s.citation.kind, s.citation.id): squash(s.text) for s in sources}
    rule_ids = {rule.id for rule in rules.rules}
    for citation in value["citations"]:
        key = (citation["kind"], citation["id"])
        assert key in by_key or (citation["kind"] == "rule" and citation["id"] in rule_ids), citation
    for sentence in sentences(value):
        cited = [value["citations"][i] for i in sentence["cite"]]
        texts = [by_key[(c["kind"], c["id"])] for c in cited if c["kind"] != "rule"]
        if texts:  # a quoted sentence (a greeting stripped at most: compare from its second character)
            assert any(sentence["text"][1:] in text for text in texts), sentence


# ---------------------------------------------------------------- sentences

def test_sentence_splitter_keeps_abbreviations_and_decimals():
    assert split_sentences("Dr. Smith said e.g. rest helps. Take 2.5 mg twice a day, i.e. morning and night. "
                           "The U.S. Food and Drug Administration agrees.") == (
        "Dr. Smith said e.g. rest helps.", "Take 2.5 mg twice a day, i.e. morning and night.",
        "The U.S. Food and Drug Administration agrees.")


def test_a_short_list_is_joined_to_its_lead_in():
    text = "Causes of malabsorption include  - Celiac disease  - Lactose intolerance  - Certain medicines   Next one."
    assert split_sentences(text) == (
        "Causes of malabsorption include: Celiac disease; Lactose intolerance; Certain medicines.", "Next one.")


def test_greetings_and_sign_offs_are_not_quoted(rules):
    value = compose(rules)
    texts = [s["text"] for s in sentences(value)]
    assert "What you describe sounds very much like eyelid myokymia, a harmless flickering of the small muscle " \
           "around the eye." in texts
    assert not any(re.match(r"(Hello|Hi|Dear|Thank|Hope|Best regards)", t) for t in texts)
    assert not any("Okafor" in t for t in texts)


# ---------------------------------------------------------------- citations

def test_every_sentence_is_cited_and_citations_resolve_to_the_sources(rules):
    t = thread()
    sources = [reply_source(t, okafor(), "Neurology"),
               passage_source(passage("NINDS_0000001_Sec1.txt",
                                      "Eyelid twitching is usually caused by fatigue, stress or caffeine. "
                                      "A doctor may examine the eyelid muscles and order a blood test if the "
                                      "twitching persists."))]
    value = compose_more_info(t, t.reply, sources, rules).value
    assert_quoted_from_sources(value, sources, rules)
    cited_kinds = {c["kind"] for c in value["citations"]}
    assert {"thread", "passage", "rule"} <= cited_kinds
    assert value["citations"][sentences(value)[0]["cite"][0]]["name"]  # a reader sees a name
    assert {"kind": "thread", "id": "t1", "name": "Dr. Amara Okafor, Neurology", "url": "/qa/t1/"} \
        in value["citations"]


def test_value_shape_is_json_with_the_seed_sections_and_a_paragraph_view(rules):
    value = compose(rules)
    assert json.loads(json.dumps(value)) == value
    assert [s["key"] for s in value["sections"]] == [
        "what_it_may_be", "common_causes", "red_flags", "doctor_may_check", "self_care", "summary"]
    assert [s["heading"] for s in value["sections"]] == [spec.heading for spec in SECTIONS]
    assert value["assembled_by"] == "curbside-rules-1"
    for s in value["sections"]:
        if s["sentences"]:
            paragraph = s["paragraphs"][0]
            assert all(x["text"] in paragraph for x in s["sentences"])
            assert re.search(r"\[\d+\]", paragraph)
        else:
            assert s["paragraphs"] == []


def test_a_sentence_without_a_source_is_reported_by_the_check():
    value = {"sections": [{"key": "summary", "heading": "Summary", "sentences": [
        {"text": "Cited.", "cite": [0]}, {"text": "No cite.", "cite": []}, {"text": "Out of range.", "cite": [3]},
        {"text": "Not an index.", "cite": ["0"]}]}], "citations": [{"kind": "thread", "id": "t1", "name": "x"}]}
    assert uncited_sentences(value) == ["No cite.", "Out of range.", "Not an index."]
    imported = {"sections": [{"heading": None, "paragraphs": ["Unsourced machine prose."]}]}
    assert uncited_sentences(imported) == ["Unsourced machine prose."]
    bad_citation = {"sections": [{"sentences": [{"text": "X.", "cite": [0]}]}], "citations": [{"kind": "web"}]}
    assert uncited_sentences(bad_citation) == ["X."]


# ---------------------------------------------------------------- licences

def test_passages_not_for_display_are_never_sources(rules):
    adam = passage("ADAM_0000001_Sec1.txt", "Eyelid twitching is caused by stress and caffeine in most people.",
                   licence=EVALUATION_ONLY_LICENCE, source="A.D.A.M. Medical Encyclopedia")
    shown = passage("NINDS_0000002_Sec1.txt", "Eyelid twitching is commonly triggered by stress and caffeine.")
    assert not is_displayable(adam.licence) and is_displayable(shown.licence)
    with pytest.raises(ValueError, match="evaluation only"):
        passage_source(adam)
    sources = passage_sources([adam, shown])
    assert [s.citation.id for s in sources] == ["NINDS_0000002_Sec1.txt"]
    value = compose(rules, extra=sources)
    assert "ADAM_0000001_Sec1.txt" not in {c["id"] for c in value["citations"]}
    assert "NINDS_0000002_Sec1.txt" in {c["id"] for c in value["citations"]}


# ---------------------------------------------------------------- red flags

def test_red_flags_list_the_matching_rules(rules):
    value = compose(rules)
    red = section(value, "red_flags")["sentences"]
    cited_rules = {value["citations"][i]["id"] for s in red for i in s["cite"]
                   if value["citations"][i]["kind"] == "rule"}
    assert {"stroke-face", "stroke-speech"} <= cited_rules
    assert any("slurred speech" in s["text"] and "emergency" in s["text"] for s in red)


def test_red_flags_fall_back_to_general_advice_when_no_rule_matches(rules):
    t = thread(title="Spinach every day", body="Is it fine to eat spinach every day? I like it in salads.",
               reply="Spinach is a nutritious vegetable and eating it daily is fine for most people.")
    value = compose(rules, t)
    red = section(value, "red_flags")["sentences"]
    assert red
    cited = {value["citations"][i]["id"] for s in red for i in s["cite"]}
    assert cited == {"persistent-symptoms", "worsening-symptoms"}
    assert red[-1]["text"].startswith("Persistent symptoms or worsening symptoms — book an appointment")


def test_topic_names_find_the_topics_rules(rules):
    t = thread(title="Question", body="Is this normal?", reply="It is very common and usually harmless.")
    value = compose(rules, t, topic_names=["Eyelid Twitching"])
    cited = {c["id"] for c in value["citations"] if c["kind"] == "rule"}
    assert "persistent-symptoms" in cited
    one_word = compose(rules, t, topic_names=["Face"])  # too broad to match every rule mentioning a face
    assert "allergic-reaction-breathing" not in {c["id"] for c in one_word["citations"]}


def test_a_word_out_of_its_rules_context_does_not_match(rules):
    t = thread(title="Heart skips", body="My heart skips a beat at night.",
               reply="These are ectopic beats, which are very common and usually harmless in a healthy heart.")
    value = compose(rules, t)
    assert "miscarriage-ectopic" not in {c["id"] for c in value["citations"]}


# ---------------------------------------------------------------- choosing sentences

def similar_reply(thread_id, text, name="Dr. Tomas Lindqvist, Neurology"):
    return SourceText(Citation("thread", thread_id, name, f"/qa/{thread_id}/"), text, "Eyelid twitching")


def test_contradicting_sentences_keep_the_higher_priority_source(rules):
    t = thread(reply="You should take ibuprofen for this eyelid twitching pain.")
    other = similar_reply("t2", "You should not take ibuprofen for this eyelid twitching pain.")
    texts = [s["text"] for s in sentences(compose(rules, t, extra=[other]))]
    assert "You should take ibuprofen for this eyelid twitching pain." in texts
    assert not any("should not take ibuprofen" in x for x in texts)
    # Without a reply the order of the sources decides: the first one stays.
    open_thread = thread(reply=None, body="Should I take ibuprofen for eyelid twitching pain?")
    first = similar_reply("t3", "You should not take ibuprofen for eyelid twitching pain.")
    second = similar_reply("t4", "You should take ibuprofen for eyelid twitching pain.")
    texts = [s["text"] for s in sentences(compose(rules, open_thread, extra=[first, second]))]
    assert "You should not take ibuprofen for eyelid twitching pain." in texts
    assert "You should take ibuprofen for eyelid twitching pain." not in texts


def test_near_identical_sentences_are_kept_once_citing_both(rules):
    a = passage_source(passage("NINDS_0000003_Sec1.txt", "Eyelid twitching is often triggered by caffeine and stress."))
    b = passage_source(passage("GARD_0000004_Sec1.txt", "Eyelid twitching is often triggered by caffeine and stress!"))
    value = compose(rules, extra=[a, b])
    matching = [s for s in sentences(value) if s["text"].startswith("Eyelid twitching is often triggered")]
    assert len(matching) == 1
    assert {value["citations"][i]["id"] for i in matching[0]["cite"]} == {a.citation.id, b.citation.id}


def test_sentences_about_another_asker_stay_on_their_own_thread(rules):
    other = similar_reply("t2", "You mentioned that your son twitches when tired, so his eyelid twitching is likely "
                                "from tiredness. Eyelid twitching from tiredness usually settles with more sleep.")
    texts = [s["text"] for s in sentences(compose(rules, extra=[other]))]
    assert not any("You mentioned" in x or " his " in x for x in texts)
    assert "Eyelid twitching from tiredness usually settles with more sleep." in texts


def test_irrelevant_sentences_from_other_sources_are_left_out(rules):
    other = similar_reply("t9", "Night-time reflux makes heartburn worse after late meals and spicy food.")
    value = compose(rules, extra=[other])
    assert "t9" not in {c["id"] for c in value["citations"]}


def test_summary_and_red_flags_exist_even_without_any_source(rules):
    t = thread(reply=None)
    value = compose_more_info(t, None, [], rules).value
    assert section(value, "red_flags")["sentences"] and section(value, "summary")["sentences"]
    assert uncited_sentences(value) == []


# ---------------------------------------------------------------- determinism and embeddings

class FakeEmbedder:
    """Bag of hashed word stems: similar words, similar vectors; no model, no network."""

    name = "fake"
    dimensions = 64

    def encode(self, texts):
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                vectors[row, sum(map(ord, token)) % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def test_output_is_deterministic_with_and_without_an_embedder(rules):
    extra = [passage_source(passage("NINDS_0000005_Sec1.txt", "Eyelid twitching is often triggered by stress. "
                                    "A doctor may examine the eye if twitching persists for months."))]
    assert json.dumps(compose(rules, extra=extra)) == json.dumps(compose(rules, extra=extra))
    with_embedder = [json.dumps(compose(rules, extra=extra, embedder=FakeEmbedder())) for _ in range(2)]
    assert with_embedder[0] == with_embedder[1]
    assert uncited_sentences(json.loads(with_embedder[0])) == []


# ---------------------------------------------------------------- the whole demo

def demo_records():
    batch = read_path(DEMO)
    of = lambda kind: [x for x in batch.records if isinstance(x, kind)]  # noqa: E731
    return of(r.Thread), {d.id: d for d in of(r.Doctor)}, {s.id: s.name for s in of(r.Specialty)}, \
        {t.id: t.name for t in of(r.Topic)}


def demo_source(t, doctors, specialties):
    doctor = doctors[t.reply.doctor]
    return reply_source(t, doctor, specialties[doctor.specialty])


def lexical_neighbours(t, threads, k=3):
    words = set(tokenize(f"{t.title} {t.question.body}"))
    ranked = sorted(threads, key=lambda o: (-len(words & set(tokenize(f"{o.title} {o.question.body}"))), o.id))
    return [o for o in ranked if o.id != t.id][:k]


def test_more_info_for_every_demo_thread_is_fully_cited_with_red_flags(rules):
    threads, doctors, specialties, topics = demo_records()
    assert len(threads) == 57
    for t in threads:
        sources = [demo_source(o, doctors, specialties) for o in [t, *lexical_neighbours(t, threads)]]
        value = compose_more_info(t, t.reply, sources, rules, topic_names=[topics[i] for i in t.topics]).value
        assert uncited_sentences(value) == [], t.id
        assert section(value, "red_flags")["sentences"], t.id
        assert section(value, "summary")["sentences"], t.id
        assert_quoted_from_sources(value, sources, rules)
