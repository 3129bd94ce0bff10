"""The pages citations point to: a trusted passage (only if its licence allows display) and
the red-flag rules."""

from curbside.web.qa import models as m


def test_a_displayable_passage_has_a_page_and_an_evaluation_only_one_does_not(client, db):
    m.Passage.objects.create(id="NINDS_1_Sec1.txt", source="NINDS", licence="public domain (NIH)",
                             text="Blepharospasm is an abnormal, involuntary blinking of the eyelids.",
                             question="What is blepharospasm?", url="https://www.ninds.nih.gov/")
    m.Passage.objects.create(id="ADAM_1_Sec1.txt", source="A.D.A.M.", licence="evaluation use only, not for display",
                             text="Licensed text.")
    page = client.get("/passages/NINDS_1_Sec1.txt/")
    assert page.status_code == 200 and b"involuntary blinking" in page.content and b"public domain" in page.content
    assert client.get("/passages/NINDS_1_Sec1.txt.json").json()["passage"]["source"] == "NINDS"
    assert client.get("/passages/ADAM_1_Sec1.txt/").status_code == 404
    assert client.get("/passages/ADAM_1_Sec1.txt.json").status_code == 404


def test_red_flag_rules_page_lists_every_rule_with_its_advice(client, db):
    from curbside.safety.rules import load_rules

    pack = load_rules()
    data = client.get("/red-flags.json").json()
    listed = {r["id"]: r["advice"] for level in data["levels"] for r in level["rules"]}
    assert listed == {r.id: r.advice for r in pack.rules}
    page = client.get("/red-flags/").content.decode()
    assert all(f'id="{r.id}"' in page for r in pack.rules), "each rule can be linked to"
