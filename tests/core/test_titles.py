"""Thread titles: the seed's style from the question's focus and intent, the same every time,
unique within the site, and nothing in them but the focus and the intent."""

import json
import random

import pytest

from curbside import records as r
from curbside.demo import demo_archive
from curbside.enrich.lexicon import load_lexicon
from curbside.enrich.title_rules import default_path, load_title_rules
from curbside.enrich.titles import Detail, Title, make_title, unique_titles
from curbside.errors import ConfigError
from curbside.ingest import read_path
from curbside.ingest.archive import read_archive


@pytest.fixture(scope="module")
def demo():
    with demo_archive().open(encoding="utf-8") as stream:
        return read_archive(stream, "demo").records


@pytest.fixture(scope="module")
def demo_threads(demo):
    return [rec for rec in demo if isinstance(rec, r.Thread)]


@pytest.fixture(scope="module")
def demo_topics(demo):
    return [rec for rec in demo if isinstance(rec, r.Topic)]


def title_of(thread: r.Thread, topics=()) -> Title:
    return make_title(thread.title, thread.question.body, topics, age_band=thread.question.age_band,
                      asked_for=thread.question.asked_for)


def test_seed_question_gets_the_seed_style_title(seed_page):
    (thread,) = [t for t in read_path(seed_page).records if isinstance(t, r.Thread) and not t.excerpt]
    title = title_of(thread)
    assert thread.title == "Facial spasms"
    assert title.text == "Understanding Facial Twitching: Causes and When to Seek Help"
    assert (title.focus, title.focus_kind) == ("Facial Twitching", "symptom")
    assert {title.intent, title.second_intent} == {"causes", "when_to_seek_care"}


@pytest.mark.parametrize("question_title, body, expected", [
    ("Eyelid keeps twitching", "My right lower eyelid has been flickering for ten days. Is this something to worry "
     "about?", "Understanding Eyelid Twitching: Is It Serious?"),
    ("Side effects of metformin", "I started metformin last month and my stomach is upset.",
     "Understanding Metformin: Side Effects to Know About"),
    ("Can Glucophage cause diarrhea?", "", "Understanding Metformin: Side Effects to Know About"),
    ("Heartburn tablets not working any more", "Antacids used to sort it out. What else can I try?",
     "Understanding Heartburn: Treatment Options"),
    ("Heartburn is awful at 30 weeks pregnant", "Which remedies are safe in pregnancy?",
     "Understanding Heartburn: Treatment Options"),
    ("Dry cough at night", "For three months I have had a dry cough. Could this be asthma?",
     "Understanding Cough: Possible Causes"),
    ("Coughing for months", "Could this be asthma?", "Understanding Chronic Cough: Possible Causes"),
    ("Dad's face suddenly drooping on one side", "What is happening?",  # a sign, never named as a diagnosis
     "Understanding Facial Drooping: Possible Causes"),
    ("Sour taste in my mouth", "Every morning.", "Sour taste in my mouth"),
    ("3 year old has a fever of 39.2", "Should I take her to A&E tonight?",
     "Understanding Childhood Fever: When to Seek Help"),
    ("No fever but a bad headache", "It started yesterday.", "Understanding Headache: What to Know"),
    ("What causes Morning sickness ?", "", "Understanding Morning Sickness: Possible Causes"),
    ("How to prevent Rickets ?", "", "Understanding Rickets: How to Prevent It"),
    ("Do you have information about Calcium blood test", "", "Understanding Calcium Blood Test: What to Know"),
    ("How should Phentermine be used and what is the dosage ?", "",
     "Understanding Phentermine: Dosage and How to Take It"),
])
def test_fixed_examples(question_title, body, expected):
    assert make_title(question_title, body).text == expected


def test_a_capitalised_name_the_lexicon_does_not_know_is_the_focus():
    title = make_title("Should I keep taking Qulipta?", "I started it for migraines.")
    assert (title.focus, title.focus_kind) == ("Qulipta", "phrase")


def test_a_short_noun_phrase_title_is_the_focus():
    assert make_title("Trigger finger", "It clicks every morning.").focus == "Trigger Finger"


def test_without_a_focus_the_askers_title_stays():
    title = make_title("help please", "I don't know what is going on with me lately.")
    assert (title.text, title.focus) == ("Help please", None)


def test_a_frame_qualifier_becomes_a_detail_not_part_of_the_focus():
    title = make_title("What to do for Abdominal pain - children under age 12 ?", "")
    assert title.text == "Understanding Abdominal Pain: Treatment Options"
    assert title.details[0] == Detail("note", "Children Under Age 12")


def test_site_topics_lend_their_names():
    heartburn = make_title("Heartburn every night", "It burns when I lie down.",
                           [r.Topic("acid-reflux", "Acid Reflux", "gastroenterology")])
    assert heartburn.focus == "Acid Reflux"  # the moderator's name for the lexicon's Heartburn
    finger = make_title("Clicking thumb, is it trigger finger?", "My thumb locks in the morning.",
                        [r.Topic("trigger-finger", "Trigger Finger", "orthopedics")])
    assert (finger.focus, finger.focus_kind) == ("Trigger Finger", "topic")


def test_a_title_holds_only_the_focus_and_the_intent_phrase(demo_threads, demo_topics):
    rules = load_title_rules()
    phrases = {i.phrase for i in rules.intents} | {phrase for _, phrase in rules.combinations.values()}
    titles = [(thread, title_of(thread, demo_topics)) for thread in demo_threads]
    assert sum(title.focus is not None for _, title in titles) >= 0.95 * len(titles)
    for thread, title in titles:
        assert title.intent_phrase in phrases
        if title.focus is None:  # nothing to name: the asker's own title
            assert title.text.lower() == thread.title.lower()
        else:
            assert title.text == rules.template.format(focus=title.focus, intent=title.intent_phrase)


def test_every_demo_focus_is_a_lexicon_term_a_topic_or_the_askers_words(demo_threads, demo_topics):
    lexicon = load_lexicon()
    topic_names = {t.name for t in demo_topics}
    for thread in demo_threads:
        focus = title_of(thread, demo_topics).focus
        words = f"{thread.title} {thread.question.body}".lower()
        assert focus is None or focus in lexicon.by_name or focus in topic_names or focus.lower() in words


def test_deterministic(demo_threads, demo_topics):
    first = {t.id: title_of(t, demo_topics) for t in demo_threads}
    shuffled = list(demo_topics)
    random.Random(7).shuffle(shuffled)
    assert {t.id: title_of(t, shuffled) for t in reversed(demo_threads)} == first
    assert unique_titles(first) == unique_titles(dict(reversed(list(first.items()))))


def test_demo_titles_are_unique_without_numbers(demo_threads, demo_topics):
    titles = {t.id: title_of(t, demo_topics) for t in demo_threads}
    unique = unique_titles(titles)
    assert len(set(unique.values())) == len(unique) == len(demo_threads)
    assert not any(text.endswith(("(2)", "(3)")) for text in unique.values())


def test_the_first_thread_keeps_the_plain_title_and_the_next_adds_a_detail():
    a = make_title("Eyelid keeps twitching", "It has been twitching for 3 weeks. Is it serious?", age_band="30~39")
    b = make_title("Eyelid keeps twitching", "It has been twitching for 2 months, my eyes are dry. Is it serious?",
                   age_band="30~39")
    assert a.text == b.text
    unique = unique_titles({"q2": b, "q1": a})
    assert unique["q1"] == a.text
    assert unique["q2"] == "Understanding Eyelid Twitching and Dry Eyes: Is It Serious?"


def test_details_in_order_then_a_number_only_when_nothing_else_is_free():
    plain = make_title("Eyelid keeps twitching", "Is it serious?")
    with_age = make_title("Eyelid keeps twitching", "Is it serious?", age_band="20~29")
    titles = {"a": plain, "b": with_age, "c": with_age, "d": plain}
    unique = unique_titles(titles)
    assert unique == {
        "a": "Understanding Eyelid Twitching: Is It Serious?",
        "b": "Understanding Eyelid Twitching: Is It Serious? (Age 20\u201329)",
        "c": "Understanding Eyelid Twitching: Is It Serious? (2)",
        "d": "Understanding Eyelid Twitching: Is It Serious? (3)",
    }


def test_titles_other_threads_hold_are_not_reused():
    title = make_title("Eyelid keeps twitching", "For 3 weeks. Is it serious?")
    unique = unique_titles({"new": title}, taken=[title.text])
    assert unique["new"] == f"{title.text} (3 Weeks)"


def test_duration_and_age_details_use_the_askers_facts():
    title = make_title("Eyelid twitching", "It has been going on for about ten days.", age_band="40~49",
                       asked_for="self")
    assert [d.text for d in title.details] == ["10 Days", "Age 40\u201349"]
    assert make_title("Eyelid twitching", "for weeks now").details == ()  # no number given, none invented


# ---------------------------------------------------------------- the rules file


def broken_rules(tmp_path, change):
    data = json.loads(default_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "title_rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, key", [
    (lambda d: d["intents"][0]["patterns"].insert(0, "(unclosed"), "intents[0].patterns[0]"),
    (lambda d: d["combinations"].insert(0, {"intents": ["causes", "astrology"], "phrase": "X"}),
     "combinations[0].intents[1]"),
    (lambda d: d.pop("template"), "template"),
    (lambda d: d.update(template="Understanding {focus}"), "template"),
    (lambda d: d["intents"][1].update(colour="red"), "intents[1].colour"),
    (lambda d: d["question_frames"].insert(0, "^what is (.+)$"), "question_frames[0]"),
    (lambda d: d.update(version=2), "version"),
])
def test_malformed_rules_are_rejected_naming_file_and_key(tmp_path, change, key):
    path = broken_rules(tmp_path, change)
    with pytest.raises(ConfigError) as error:
        load_title_rules(path)
    assert str(error.value).startswith(f"{path}: {key}:")


def test_unreadable_rules_name_the_file(tmp_path):
    path = tmp_path / "title_rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="title_rules.json: cannot read the title rules"):
        load_title_rules(path)
