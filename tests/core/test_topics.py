"""Related FAQ topics: the taxonomy from the corpus's focus terms, topic assignment on fixed
examples, the moderators' topics kept and used, and a strict focus lexicon."""

import json

import pytest

from curbside import records as r
from curbside.demo import demo_archive
from curbside.enrich.lexicon import default_path, load_lexicon
from curbside.enrich.topics import (TopicMatcher, TopicSuggestion, assign_topics, build_taxonomy,
                                    doctor_specialties, thread_text)
from curbside.errors import ConfigError
from curbside.ingest.archive import read_archive


@pytest.fixture(scope="module")
def demo():
    with demo_archive().open(encoding="utf-8") as stream:
        return read_archive(stream, "demo").records


@pytest.fixture(scope="module")
def threads(demo):
    return [rec for rec in demo if isinstance(rec, r.Thread)]


@pytest.fixture(scope="module")
def topics(demo):
    return [rec for rec in demo if isinstance(rec, r.Topic)]


@pytest.fixture(scope="module")
def specialty_of(demo, threads):
    return doctor_specialties(threads, [rec for rec in demo if isinstance(rec, r.Doctor)])


def ids(scores):
    return [topic_id for topic_id, _ in scores]


# ---------------------------------------------------------------- assignment


def test_an_eyelid_twitch_question_gets_eyelid_twitching(topics):
    scores = assign_topics("Top eyelid jumping during night shifts. My upper eyelid has been jumping for 4 days.",
                           topics)
    assert ids(scores)[0] == "eyelid-twitching"


def test_a_heartburn_question_gets_the_heartburn_topic(topics):
    scores = assign_topics("Acid reflux after dinner. I get a burning feeling behind my breastbone after big "
                           "meals and a sour taste in my mouth.", topics)
    assert ids(scores) == ["heartburn"]


@pytest.mark.parametrize("text, expected", [
    ("My hands shake when I hold a cup of tea", "tremor"),
    ("ringing in my ears since the concert", "tinnitus"),
    ("My 3 year old has a fever of 39.2", "childhood-fever"),
    ("I keep getting charley horses in my calves at night", "muscle-cramp"),
    ("Woke up and half my face is drooping, could it be Bell's palsy?", "facial-nerve-palsy"),
    ("cant sleep, lying awake for hours with my mind racing", "insomnia"),
    ("my periods are all over the place lately", "irregular-periods"),
])
def test_fixed_examples(topics, text, expected):
    assert ids(assign_topics(text, topics))[0] == expected


def test_stems_and_word_order(topics):
    assert "eyelid-twitching" in ids(assign_topics("twitching eyelids", topics))
    assert "chest-pain" in ids(assign_topics("a pain in my chest", topics))


def test_negated_mentions_do_not_count(topics):
    assert "chest-pain" not in ids(assign_topics("My heart races but there is no chest pain at all.", topics))
    assert "palpitations" in ids(assign_topics("My heart races but there is no chest pain at all.", topics))


def test_scores_order_and_limit(topics):
    text = ("Twitching eyelid, muscle twitching, leg cramps at night, tinnitus, heartburn, dry eyes, acne, "
            "insomnia, tremor, palpitations and a chronic cough")
    scores = assign_topics(text, topics)
    assert len(scores) == 9
    assert all(0 < score < 1 for _, score in scores)
    assert scores == sorted(scores, key=lambda s: (-s[1], s[0]))
    assert assign_topics(text, topics, max_topics=2) == scores[:2]
    assert assign_topics("nothing medical here at all", topics) == []


def test_the_demo_threads_get_the_topic_their_authors_listed_first(threads, topics):
    matcher = TopicMatcher(topics)
    hits = sum(t.topics[0] in ids(matcher.assign(thread_text(t))) for t in threads)
    assert hits / len(threads) >= 0.85, hits


def test_a_moderators_topic_is_used_with_the_lexicon_synonyms_of_its_name(topics):
    site = [*topics, r.Topic("acid-reflux", "Acid Reflux", "gastroenterology"),
            r.Topic("trigger-finger", "Trigger Finger", "orthopedics")]
    assert set(ids(assign_topics("heartburn every night when I lie down", site))) == {"heartburn", "acid-reflux"}
    assert ids(assign_topics("Is this trigger finger? My ring finger locks.", site)) == ["trigger-finger"]


def test_suggestion_synonyms_count():
    suggestion = TopicSuggestion("hemifacial-spasm", "Hemifacial Spasm", "neurology", synonyms=("eye and mouth pull",))
    assert ids(assign_topics("my eye and mouth pull together", [suggestion])) == ["hemifacial-spasm"]


def test_assignment_is_deterministic(threads, topics):
    first = [assign_topics(thread_text(t), topics) for t in threads]
    again = [TopicMatcher(list(reversed(topics))).assign(thread_text(t)) for t in threads]
    assert first == again


# ---------------------------------------------------------------- the taxonomy


def test_taxonomy_keeps_the_site_topics_first(threads, topics, specialty_of):
    taxonomy = build_taxonomy(threads, topics, specialty_of)
    kept = taxonomy[:len(topics)]
    assert [(t.id, t.name, t.specialty) for t in kept] == [(t.id, t.name, t.specialty) for t in topics]
    assert all(t.existing for t in kept) and not any(t.existing for t in taxonomy[len(topics):])
    counts = {t.id: t.thread_count for t in kept}
    assert counts["eyelid-twitching"] >= 4 and counts["heartburn"] >= 4
    assert len({t.id for t in taxonomy}) == len(taxonomy)


def test_taxonomy_from_the_demo_threads_alone(threads, specialty_of):
    taxonomy = build_taxonomy(threads, [], specialty_of, min_threads=3)
    by_name = {t.name: t for t in taxonomy}
    assert by_name["Eyelid Twitching"].specialty == "neurology"
    assert by_name["Heartburn"].specialty == "gastroenterology"
    assert by_name["Insomnia"].specialty == "psychiatry"
    assert all(t.thread_count >= 3 for t in taxonomy)
    counts = [t.thread_count for t in taxonomy]
    assert counts == sorted(counts, reverse=True)


def test_a_moderators_topic_absorbs_the_term_it_names(threads, topics, specialty_of):
    site = [t for t in topics if t.id != "heartburn"] + [r.Topic("acid-reflux", "Acid Reflux", "gastroenterology")]
    taxonomy = build_taxonomy(threads, site, specialty_of, min_threads=2)
    names = [t.name for t in taxonomy]
    assert "Heartburn" not in names
    assert next(t for t in taxonomy if t.id == "acid-reflux").thread_count >= 4


def test_specialty_is_the_most_common_of_the_threads():
    def thread(i, text):
        return r.Thread(f"t{i}", text, "open", r.Question(text, "a", None))

    group = [thread(i, "tinnitus again") for i in range(3)]
    specialty = {"t0": "neurology", "t1": "otolaryngology-ent", "t2": "otolaryngology-ent"}
    (topic,) = build_taxonomy(group, [], specialty, min_threads=3)
    assert (topic.name, topic.specialty, topic.thread_count) == ("Tinnitus", "otolaryngology-ent", 3)
    (hinted,) = build_taxonomy(group, [], lambda t: None, min_threads=3)
    assert hinted.specialty == "otolaryngology-ent"  # no thread says: the lexicon's hint


def test_fewer_threads_than_the_minimum_make_no_topic(threads, specialty_of):
    assert build_taxonomy(threads[:1], [], specialty_of, min_threads=2) == []


# ---------------------------------------------------------------- the lexicon file


def broken_lexicon(tmp_path, change):
    data = json.loads(default_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "focus_terms.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, key, problem", [
    (lambda d: d["terms"][0].update(kind="feeling"), "terms[0].kind", "must be one of"),
    (lambda d: d["terms"][1]["synonyms"].append("eyelid twitch"), "terms[1].synonyms[", "also a phrase of"),
    (lambda d: d["terms"][2].update(colour="red"), "terms[2].colour", "unknown key"),
    (lambda d: d["terms"][3].pop("name"), "terms[3].name", "missing"),
    (lambda d: d["terms"].append(dict(d["terms"][0])), "terms[", "duplicate term"),
    (lambda d: d["terms"][0]["synonyms"].append("the"), "terms[0].synonyms[", "only ignored words"),
    (lambda d: d["terms"][0].update(specialty="Neuro Logy"), "terms[0].specialty", "specialty id"),
    (lambda d: d.pop("negators"), "negators", "missing"),
    (lambda d: d.update(version=9), "version", "reads version 1"),
])
def test_malformed_lexicon_is_rejected_naming_file_and_key(tmp_path, change, key, problem):
    path = broken_lexicon(tmp_path, change)
    with pytest.raises(ConfigError) as error:
        load_lexicon(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {key}") and problem in message, message


def test_the_shipped_lexicon_loads():
    lexicon = load_lexicon()
    assert lexicon.term_for("bell's palsy").name == "Facial Nerve Palsy"
    assert {t.name for t in lexicon.drugs()} >= {"Metformin", "Ibuprofen", "Paracetamol", "Omeprazole"}
