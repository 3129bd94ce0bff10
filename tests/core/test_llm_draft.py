"""Optional LLM drafting: a fake OpenAI-compatible endpoint on 127.0.0.1 returns faithful and
unfaithful rephrasings; only a draft whose every sentence is supported by its cited source
replaces the assembled More Info, and any failure keeps the assembled version with the reason."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import numpy as np
import pytest

from curbside.enrich.faithfulness import (check_draft, citation_sources, quantities, rephrase_or_keep,
                                           split_sentences)
from curbside.enrich.llm import ChatClient, LLMError, chat_completions_url, check_llm_url
from curbside.errors import ConfigError

REPLY = ("What you describe sounds very much like eyelid myokymia, a harmless flickering of the small muscle around "
         "the eye that is extremely common. Tiredness, stress, lots of caffeine and long hours at a screen are the "
         "usual triggers, and it normally settles on its own within a few days to a few weeks once those ease. "
         "Please see a doctor in person if it carries on for more than 2 months.")
PASSAGE = ("Paracetamol can ease aches. Adults usually take 500 mg of paracetamol up to four times a day, "
           "leaving at least 4 hours between doses.")
SOURCES = {"1": REPLY, "2": PASSAGE}
ASSEMBLED = {"sections": [
    {"heading": "What it may be", "paragraphs": [
        "Eyelid myokymia is a harmless flickering of the small muscle around the eye, and it is extremely "
        "common [1]. It normally settles on its own within a few days to a few weeks [1]."]},
    {"heading": "Self-care meanwhile", "paragraphs": [
        "Adults usually take 500 mg of paracetamol up to four times a day [2]."]},
    {"heading": "When to see a doctor", "paragraphs": [
        "See a doctor in person if it carries on for more than 2 months [1]."]},
]}
FAITHFUL = [
    "Eyelid myokymia, a harmless and extremely common flickering of the small muscle around the eye [1].",
    "It normally settles by itself within a few days to a few weeks [1].",
    "Adults usually take 500 mg of paracetamol up to four times a day [2].",
    "See a doctor in person if it carries on for more than 2 months [1].",
]


def numbered(lines):
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


def replacing(index, sentence):
    lines = list(FAITHFUL)
    lines[index] = sentence
    return numbered(lines)


class FakeModel(ThreadingHTTPServer):
    """Answers each POST with the next scripted action: ("reply", text), ("status", code),
    ("sleep", seconds) or ("raw", bytes). Records what it was sent."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.script: list[tuple[str, object]] = []
        self.requests: list[dict] = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        kind, value = self.server.script.pop(0) if self.server.script else ("status", 500)
        if kind == "sleep":
            time.sleep(value)
            kind, value = "reply", numbered(FAITHFUL)
        if kind == "status":
            self.answer(value, b'{"error": {"message": "model overloaded"}}')
        elif kind == "raw":
            self.answer(200, value)
        else:
            choice = {"index": 0, "message": {"role": "assistant", "content": value}, "finish_reason": "stop"}
            self.answer(200, json.dumps({"id": "x", "object": "chat.completion", "choices": [choice]}).encode())

    def answer(self, status, payload):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass


@pytest.fixture
def model():
    server = FakeModel()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(model):
    return ChatClient(url=model.url, model="test-model", api_key="sk-test", timeout=2)


# ---------------------------------------------------------------- through the fake endpoint


def test_a_faithful_draft_is_accepted(model, client):
    model.script.append(("reply", numbered(FAITHFUL)))
    value, method, reason = rephrase_or_keep(ASSEMBLED, SOURCES, client)
    assert method == "llm", reason
    assert [s["heading"] for s in value["sections"]] == [s["heading"] for s in ASSEMBLED["sections"]]
    assert value["sections"][0]["paragraphs"] == [" ".join(FAITHFUL[:2])]
    assert value["sections"][2]["paragraphs"] == [FAITHFUL[3]]


def structured():
    """More Info as more_info.py makes it: sentences with citation indexes, and the citation list."""
    def section(key, sentences):
        rendered = [{"text": text, "cite": cite} for text, cite in sentences]
        return {"key": key, "heading": key, "sentences": rendered,
                "paragraphs": [" ".join(f"{t} " + "".join(f"[{i + 1}]" for i in c) for t, c in sentences)]}

    return {"sections": [
        section("what_it_may_be", [("Eyelid myokymia is a harmless flickering of the small muscle around the eye, "
                                    "and it is extremely common.", [0]),
                                   ("It normally settles on its own within a few days to a few weeks.", [0])]),
        section("self_care", [("Adults usually take 500 mg of paracetamol up to four times a day.", [1])]),
        section("red_flags", [("See a doctor in person if it carries on for more than 2 months.", [0])]),
    ], "citations": [{"kind": "thread", "id": "demo-q001", "name": "Dr. Amara Okafor", "url": "/qa/demo-q001/"},
                     {"kind": "passage", "id": "p-1", "name": "NIH", "url": None}],
        "assembled_by": "curbside-rules-1"}


def test_the_more_info_value_keeps_its_shape_and_citations(model, client):
    value = structured()
    texts = [SimpleNamespace(citation=SimpleNamespace(kind="thread", id="demo-q001"), text=REPLY),
             SimpleNamespace(citation=SimpleNamespace(kind="passage", id="p-1"), text=PASSAGE)]
    sources = citation_sources(value, texts)
    assert sources == SOURCES
    model.script.append(("reply", numbered(FAITHFUL)))
    drafted, method, reason = rephrase_or_keep(value, sources, client)
    assert method == "llm", reason
    first = drafted["sections"][0]
    assert first["sentences"][0] == {"text": FAITHFUL[0].replace(" [1]", ""), "cite": [0]}
    assert first["paragraphs"] == [f"{FAITHFUL[0].replace(' [1]', '')} [1] {FAITHFUL[1].replace(' [1]', '')} [1]"]
    assert drafted["citations"] == value["citations"] and drafted["sections"][1]["key"] == "self_care"
    model.script.append(("reply", replacing(2, "Adults can take 800 mg of paracetamol up to four times a day [2].")))
    kept, method, reason = rephrase_or_keep(value, sources, client)
    assert (kept, method) == (value, "rules") and "800 mg" in reason


def test_the_request_is_an_openai_chat_completion(model, client):
    model.script.append(("reply", numbered(FAITHFUL)))
    rephrase_or_keep(ASSEMBLED, SOURCES, client)
    (request,) = model.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert (body["model"], body["temperature"]) == ("test-model", 0)
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "1. Eyelid myokymia is a harmless" in body["messages"][1]["content"]
    assert "[2]" in body["messages"][1]["content"] and "citation marker" in body["messages"][0]["content"]


@pytest.mark.parametrize("draft, problem", [
    (replacing(2, "Adults can take 800 mg of paracetamol up to four times a day [2]."), "the number 800 mg"),
    (replacing(1, "It may be an early sign of multiple sclerosis."), "sentence 2 has no citation"),
    (replacing(2, "Adults usually take 500 mg of ibuprofen up to four times a day [2]."), "the drug Ibuprofen"),
    (replacing(1, "It usually needs a brain scan and a course of strong medicine to settle [1]."),
     "sentence 2 is not supported by [1]"),
    (replacing(3, "See a doctor in person if it carries on for more than 2 months [3]."), "cites [3]"),
    (replacing(1, "It does not settle on its own within a few days to a few weeks [1]."), "negation"),
])
def test_an_unfaithful_draft_is_rejected_with_the_reason(model, client, draft, problem):
    model.script.append(("reply", draft))
    value, method, reason = rephrase_or_keep(ASSEMBLED, SOURCES, client)
    assert (value, method) == (ASSEMBLED, "rules")
    assert "the draft failed the check" in reason and problem in reason, reason


def test_a_draft_that_drops_a_dose_or_moves_a_citation_is_rejected(model, client):
    model.script.append(("reply", replacing(2, "Adults usually take paracetamol up to four times a day [2].")))
    assert "dropped the number 500 mg" in rephrase_or_keep(ASSEMBLED, SOURCES, client).reason
    model.script.append(("reply", replacing(3, "See a doctor in person if it carries on for more than 2 months "
                                               "[1][2].")))
    assert "changed its citations" in rephrase_or_keep(ASSEMBLED, SOURCES, client).reason


@pytest.mark.parametrize("action, reason", [
    (("status", 500), "answered HTTP 500"),
    (("raw", b"<html>oops</html>"), "not JSON"),
    (("raw", b'{"choices": []}'), "without choices[0].message.content"),
    (("reply", "1. Only one sentence [1]."), "expected 1 to 4"),
])
def test_endpoint_failures_keep_the_assembled_version(model, client, action, reason):
    model.script.append(action)
    value, method, why = rephrase_or_keep(ASSEMBLED, SOURCES, client)
    assert (value, method) == (ASSEMBLED, "rules")
    assert why.startswith("kept the assembled text") and reason in why, why


def test_a_timeout_keeps_the_assembled_version(model):
    model.script.append(("sleep", 1.5))
    slow = ChatClient(url=model.url, timeout=0.3)
    started = time.monotonic()
    value, method, reason = rephrase_or_keep(ASSEMBLED, SOURCES, slow)
    assert (value, method) == (ASSEMBLED, "rules")
    assert "did not answer within 0.3 s" in reason
    assert time.monotonic() - started < 1.4


def test_an_unreachable_endpoint_keeps_the_assembled_version():
    server = FakeModel()  # bound, then closed: nothing listens on the port any more
    url = server.url
    server.server_close()
    value, method, reason = rephrase_or_keep(ASSEMBLED, SOURCES, ChatClient(url=url, timeout=1))
    assert (value, method) == (ASSEMBLED, "rules") and "cannot reach" in reason


def test_client_errors_are_llm_errors(model, client):
    model.script.append(("status", 401))
    with pytest.raises(LLMError, match="HTTP 401: .*model overloaded"):
        client.complete([{"role": "user", "content": "hi"}])


# ---------------------------------------------------------------- the check itself


class FixedSimilarity:
    """A stand-in embedder whose every pair of texts has the same cosine."""

    name = "fixed"
    dimensions = 2

    def __init__(self, cosine):
        self.second = np.array([cosine, np.sqrt(1 - cosine ** 2)], dtype=np.float32)

    def encode(self, texts):
        return np.array([[1.0, 0.0]] + [self.second] * (len(texts) - 1), dtype=np.float32)


def test_a_paraphrase_passes_on_meaning_only_with_an_embedder():
    paraphrase = ["Most people notice the flicker fading on its own after a while as the triggers ease [1]."]
    assert not check_draft(paraphrase, SOURCES).accepted
    assert check_draft(paraphrase, SOURCES, embedder=FixedSimilarity(0.85)).accepted
    verdict = check_draft(paraphrase, SOURCES, embedder=FixedSimilarity(0.2))
    assert not verdict.accepted and "0.20 close" in verdict.problems[0]


def test_numbers_match_with_their_units_and_in_words():
    assert check_draft(["Please see a doctor if it carries on for more than two months [1]."], SOURCES).accepted
    verdict = check_draft(["Please see a doctor if it carries on for more than 2 weeks [1]."], SOURCES)
    assert verdict.problems == ["sentence 1 has the number 2 week, which [1] does not"]
    assert quantities("3-4 weeks, 38.5 °C, 500mg [1]") == {("3", "week"), ("4", "week"), ("38.5", "°c"),
                                                           ("500", "mg")}


def test_a_name_the_source_never_mentions_is_caught():
    verdict = check_draft(["Usual triggers are tiredness, stress and caffeine, says Dr Smith [1]."], SOURCES)
    assert verdict.problems == ["sentence 1 names 'Smith', which [1] does not"]


def test_an_empty_draft_is_not_accepted():
    assert check_draft([], SOURCES).problems == ["the draft is empty"]


def test_sentences_keep_their_markers():
    assert split_sentences("It is common. [1] It settles [2]. See a doctor [1][2].") == [
        "It is common. [1]", "It settles [2].", "See a doctor [1][2]."]


# ---------------------------------------------------------------- configuration helpers


@pytest.mark.parametrize("url, endpoint", [
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1/chat/completions"),
    ("https://api.example.org/v1", "https://api.example.org/v1/chat/completions"),
    ("https://h.example/openai/deployments/x/chat/completions", "https://h.example/openai/deployments/x/chat/completions"),
])
def test_endpoint_url(url, endpoint):
    assert chat_completions_url(url) == endpoint


def test_a_bad_url_is_a_config_error_naming_the_variable():
    with pytest.raises(ConfigError, match="CURBSIDE_LLM_URL='ftp://x': expected http"):
        check_llm_url("ftp://x", "CURBSIDE_LLM_URL")
    assert check_llm_url("http://127.0.0.1:8080", "CURBSIDE_LLM_URL") == "http://127.0.0.1:8080"
