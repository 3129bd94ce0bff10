"""The safety commands and the ask flow give the same answers: what `curbside triage`,
`route` and `deid` print is what the site decides when the same question is asked."""

import json

import pytest

from curbside.web.service import workflow

CASES = [
    ("Face drooping", "My dad's face is drooping on one side and his speech is slurred since this morning.",
     "parent", "70~79"),
    ("Cough for a month", "I have had a cough for five weeks now and it is getting worse, no fever.",
     "self", "40~49"),
    ("Rash after new soap", "Since I changed soap my hands have itchy red patches between the fingers.",
     "self", "20~29"),
    ("Baby hot", "My baby is 6 weeks old and has a temperature of 38.4 and is not feeding well.",
     "child", "0~1"),
    ("Eyelid twitch", "My name is Tom Baker, call 0912-345-678. My eyelid twitches when I am tired.",
     "self", "30~39"),
]


@pytest.fixture
def asker(demo):
    user = workflow.sign_up("asker1", "a@example.org", "a-long-enough-passphrase")
    workflow.verify_email(user)
    return user


@pytest.mark.parametrize("title, body, about, age_band", CASES)
def test_commands_agree_with_the_ask_flow(run_cli, asker, title, body, about, age_band):
    draft = workflow.Draft(title, body, about, age_band, "unspecified", "alias", "auto")
    screening = workflow.preview(asker, draft)
    published = f"{screening.title}. {screening.body}"

    status, out, _ = run_cli("deid", body, "--json")
    assert status == 0 and json.loads(out)["text"] == screening.body

    status, out, _ = run_cli("triage", published, "--json")
    assert status == 0 and json.loads(out)["level"] == screening.details["triage"]["level"]

    status, out, _ = run_cli("route", published, "--json", "--age-band", age_band, "--about", about)
    assert status == 0 and json.loads(out)["specialty"] == screening.specialty_id


def test_the_api_returns_triage_and_removed_details(client, asker):
    from curbside.web.api.tokens import issue_token

    response = client.post("/api/v1/questions?preview=true", {
        "title": "Dad's face", "body": "My dad's face is drooping and he cannot lift his arm. I am Peter Walsh.",
        "asked_for": "parent", "age_band": "70~79", "sex": "male", "alias": "son", "specialty": "auto",
    }, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {issue_token(asker, 'test')}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["triage"]["level"] == "emergency" and "emergency" in data["triage"]["advice"]
    assert data["removed"] == {"NAME": 1} and "Peter" not in data["published"]["body"]
    assert data["specialty_chosen_by"] == "curbside" and data["specialty"]["id"] == "neurology"
