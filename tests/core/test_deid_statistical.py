"""De-identification with Presidio and a statistical name model (issue 11): names with no
cue, addresses in many countries' formats, international phone numbers, IBANs; eponyms and
drug names kept; the alias check; doctors' replies; the command and the library agree.
The sentences are ours; the figures on text nobody here wrote are in BENCHMARKS.md."""

import json
import subprocess
import sys
import textwrap

import pytest

from curbside.errors import ConfigError
from curbside.safety import deid_cli
from curbside.safety.deid import alias_problem, deidentify, deidentify_reply, suggested_alias
from curbside.safety.deid_address import AddressFinder, parse_address_vocabulary
from curbside.safety.deid_ner import phone_numbers
from curbside.safety.deid_rules import parse_medical_terms, read_json


def published(text: str) -> str:
    return deidentify(text).text


@pytest.mark.parametrize("text, expected", [
    # names with no cue at all: the model's
    ("The physiotherapist was great, said Okonkwo after the session.",
     "The physiotherapist was great, said [NAME] after the session."),
    ("I saw Ingrid Halvorsen last week about my knee.", "I saw [NAME] last week about my knee."),
    # every later mention of a found name
    ("my name is ilse brandt but everyone calls me ilse", "my name is [NAME] but everyone calls me [NAME]"),
    ("Ayodele Martins wrote the leaflet. Martins says rest helps.", "[NAME] wrote the leaflet. [NAME] says rest helps."),
])
def test_names_without_cues(text, expected):
    assert published(text) == expected


@pytest.mark.parametrize("text", [
    "My mother has Bell's palsy and my uncle has Parkinson's.",
    "Is Noonan syndrome inherited?",
    "I tore my Achilles tendon playing football.",
    "Should I see a Dr. for this rash?",
    "What should I do if I forget a dose of Atenolol?",
    "Can Holmes-Adie syndrome come back?",
    "I live in Leeds and work in Manchester.",
    "We saw the team at St Mary's Hospital and the Alfred.",
    "Follow-up in 2019: 3 visits, INR 1.12 and ratio 1.16.",
])
def test_clinical_words_places_and_numbers_stay(text):
    assert published(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Send it to 14 Rue des Lilas, 75011 Paris, France.", "Send it to [ADDRESS]."),
    ("I live at Keskuskatu 7, 00100 Helsinki.", "I live at [ADDRESS]."),
    ("Our flat: Vesterbrogade 112, 1620 København V", "Our flat: [ADDRESS]"),
    ("She lives on the west side of Marlow Grove 18.", "She lives on the west side of [ADDRESS]."),
    ("Meet at the corner of Calle Mayor 5 and Plaza Real.", "Meet at the corner of [ADDRESS]."),
    ("Write to PSC 4120, Box 2231\nAPO AE 09012 please", "Write to [ADDRESS] please"),
    ("My box is P.O. Box 4471.", "My box is [ADDRESS]."),
    ("Tomasz Wierzbicki\n\n88 Harbour Lane\n Apt. 4\n Whitby\n United Kingdom YO21 3PU\n",
     "[NAME]\n\n[ADDRESS]\n"),
])
def test_street_addresses_in_many_formats(text, expected):
    assert published(text) == expected


def test_a_city_line_alone_is_not_an_address():
    assert AddressFinder().find("Greetings from Oslo,\nNorway is cold.") == []


@pytest.mark.parametrize("text, expected", [
    ("Call me on +41 (0)44 668 18 00 tonight.", "Call me on [PHONE] tonight."),
    ("My mobile: 0612 34 56 78", "My mobile: [PHONE]"),
    ("Ring 020 7946 0958 after six.", "Ring [PHONE] after six."),
    ("He got penicillin 2400000 units.", "He got penicillin 2400000 units."),
    ("Appointment at 09.30-10.15 on Monday.", "Appointment at 09.30-10.15 on Monday."),
])
def test_phone_numbers_are_checked_against_numbering_plans(text, expected):
    assert published(text) == expected


def test_an_unbroken_run_of_digits_is_a_phone_number_only_after_a_cue():
    assert phone_numbers("Batch 4155550123 is on the box.") == []
    assert phone_numbers("Call 4155550123 please.") == [(5, 15)]


@pytest.mark.parametrize("text", ["My IBAN is GB82 WEST 1234 5698 7654 32.", "my iban is gb82west12345698765432"])
def test_ibans_in_either_case(text):
    assert "[ID]" in published(text) and "5698" not in published(text)


# ---------------------------------------------------------------- the alias

@pytest.mark.parametrize("alias, problem", [
    ("john.smith@example.com", "looks like an e-mail address"),
    ("+44 7700 900123", "looks like a phone number"),
    ("Priya Patel", "looks like a full name"),
    ("priya_patel", "looks like a full name"),
    ("Tired Mum", None),
    ("Sarah", None),  # a first name alone does not point at one person
    ("Calm Otter 27", None),
])
def test_alias_problems(alias, problem):
    assert alias_problem(alias) == problem


def test_a_suggested_alias_is_stable_and_harmless():
    assert suggested_alias("a question") == suggested_alias("a question")
    assert all(alias_problem(suggested_alias(str(n))) is None for n in range(30))


# ---------------------------------------------------------------- doctors' replies

def test_a_reply_keeps_links_and_the_doctor_and_loses_the_patient():
    reply = ("Dear Maria Lopez, read [the NHS page](https://www.nhs.uk/conditions/sciatica/) and "
             "<https://medlineplus.gov/sciatica.html>. Or write to [me](mailto:maria.lopez@example.com). "
             "Dr. Amina Rahman, Northgate General Hospital")
    text = deidentify_reply(reply, "Amina Rahman", "Northgate General Hospital").text
    assert text == ("Dear [NAME], read [the NHS page](https://www.nhs.uk/conditions/sciatica/) and "
                    "<https://medlineplus.gov/sciatica.html>. Or write to [EMAIL]. "
                    "Dr. Amina Rahman, Northgate General Hospital")


def test_an_askers_link_is_still_replaced():
    assert published("See https://example.com/me/photos for the rash.") == "See [URL] for the rash."


# ---------------------------------------------------------------- the command, the data, the network

def test_the_command_uses_the_same_pipeline(capsys):
    text = "I saw Ingrid Halvorsen at 14 Larkfield Road; call +44 7700 900123."
    parser = __import__("argparse").ArgumentParser()
    deid_cli.add_arguments(parser)
    assert deid_cli.main(parser.parse_args([text, "--json"])) in (0, None)
    assert json.loads(capsys.readouterr().out) == deidentify(text).to_dict()


def test_nothing_is_fetched_from_the_network():
    """Presidio's e-mail check uses tldextract, which fetches a suffix list unless told not to."""
    script = textwrap.dedent("""
        import sys
        seen = []
        sys.addaudithook(lambda event, args: seen.append(args) if event in ("socket.connect", "socket.getaddrinfo") else None)
        from curbside.safety.deid import deidentify
        assert deidentify("Write to ingrid.h@example.com or 10.0.0.12").text == "Write to [EMAIL] or [ID]"
        print(len(seen))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_the_address_vocabulary_and_medical_terms_load_strictly():
    vocabulary = read_json(None, "deid_address.json")
    assert parse_address_vocabulary(vocabulary).street_words
    broken = dict(vocabulary)
    del broken["countries"]
    with pytest.raises(ConfigError, match="deid_address.json: missing key 'countries'"):
        parse_address_vocabulary(broken)
    with pytest.raises(ConfigError, match="deid_medical_terms.json: key 'terms'"):
        parse_medical_terms({"version": 1, "terms": ["bell's palsy", ""]})
    assert "parkinson's" in parse_medical_terms({"version": 1, "terms": ["parkinson's disease"]})
