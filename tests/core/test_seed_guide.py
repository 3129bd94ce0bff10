"""The seed guide reads into a guide with its sections, paragraphs and lists in order."""

from curbside.ingest import read_path
from curbside.ingest.seed_guide import is_heading


def test_guide_sections_in_order(seed_guide):
    (guide,) = read_path(seed_guide).records
    assert guide.title == "Facial Spasm Relief: Quick Medical Tips Guide"
    assert [s.heading for s in guide.sections] == [
        "Understanding Facial Spasms: Causes and Symptoms",
        "What Are Facial Spasms?",
        "Common Causes of Facial Spasms",
        "Identifying the Symptoms of Facial Spasms",
        "Facial Spasm – Quick Medical Tips for Relief",
        "Immediate Relief Techniques",
        "Long-Term Strategies for Managing Facial Spasms",
        "When to Seek Professional Help for Facial Spasms",
    ]
    assert len(guide.intro) == 2 and all(b.type == "paragraph" for b in guide.intro)


def test_bullet_list_is_one_block(seed_guide):
    (guide,) = read_path(seed_guide).records
    causes = guide.sections[2]
    assert [b.type for b in causes.blocks] == ["paragraph", "list", "paragraph"]
    assert len(causes.blocks[1].items) == 5
    assert causes.blocks[1].items[0] == "Stress and anxiety"


def test_word_cut_by_a_page_break_is_rejoined(seed_guide):
    (guide,) = read_path(seed_guide).records
    relief = guide.sections[5]
    assert "soothe discomfort and improve blood flow." in relief.blocks[0].text
    assert len(relief.blocks) == 2


def test_heading_rule():
    assert is_heading("When to See a Doctor")
    assert is_heading("What Are Facial Spasms?")
    assert not is_heading("Regular exercise is also important.")
    assert not is_heading("Some common reasons include:")
    assert not is_heading("- Stress and anxiety")
    assert not is_heading("ort and improve blood flow.")
