"""A small OpenAI-compatible chat-completions client (standard library only) for the optional
drafting step: a model may rephrase assembled More Info sentences, keeping each sentence's
citation markers ([1], [2] ...). Whether a draft is published is decided elsewhere
(faithfulness.check_draft); this module only talks to the endpoint.

    client = ChatClient(url="http://127.0.0.1:8080", model="default", api_key=None, timeout=30)
    client.rephrase(["Eyelid twitching is common [1].", ...])    # same number of sentences back

Every failure (refused connection, timeout, HTTP error, a reply that is not the expected JSON,
the wrong number of sentences) is an LLMError with a message that says which.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlsplit

from curbside.errors import ConfigError, CurbsideError

DEFAULT_MODEL = "default"
DEFAULT_TIMEOUT = 30.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
NUMBERED_LINE = re.compile(r"^\s*(\d+)[.):]\s*(.+?)\s*$")
REPHRASE_INSTRUCTIONS = (
    "You rewrite health information sentences so they read smoothly for a general audience. "
    "Rules: rewrite each numbered sentence on its own numbered line, same numbers, same count; "
    "keep the meaning exactly; do not add facts, advice, numbers, doses, durations or drug names; "
    "do not drop any number, dose, duration or drug name; keep every citation marker such as [1] "
    "at the end of its sentence, unchanged. Reply with the numbered lines only."
)


class LLMError(CurbsideError):
    """The drafting endpoint could not be used; the assembled text stays."""


def check_llm_url(url: str, variable: str) -> str:
    """For configuration (config.py passes the variable's name): an http(s) URL with a host, or a
    ConfigError naming the variable."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{variable}={url!r}: expected http://HOST[:PORT][/PATH] or https://…")
    return url


def chat_completions_url(url: str) -> str:
    """The endpoint to POST to: the URL as given when it already ends in /chat/completions,
    otherwise BASE/v1/chat/completions (or BASE/chat/completions when BASE ends in /v1)."""
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return f"{base}/chat/completions"
    return f"{base}/v1/chat/completions"


@dataclass(frozen=True)
class ChatClient:
    url: str
    model: str = DEFAULT_MODEL
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def endpoint(self) -> str:
        return chat_completions_url(self.url)

    def complete(self, messages: Sequence[dict[str, str]]) -> str:
        """The text of the first choice, at temperature 0 (the same input drafts the same way)."""
        body = json.dumps({"model": self.model, "messages": list(messages), "temperature": 0}).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        return message_content(self.send(request), self.endpoint)

    def send(self, request: urllib.request.Request) -> Any:
        try:
            with self.opener().open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise LLMError(f"{self.endpoint} answered HTTP {exc.code}: {detail or exc.reason}") from None
        except (TimeoutError, socket.timeout):
            raise LLMError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise LLMError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
            raise LLMError(f"cannot reach {self.endpoint}: {exc.reason}") from None
        except OSError as exc:
            raise LLMError(f"cannot reach {self.endpoint}: {exc}") from None
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise LLMError(f"{self.endpoint} answered with something that is not JSON: {raw[:100]!r}") from None

    def opener(self) -> urllib.request.OpenerDirector:
        # A local model server must not be reached through a proxy set for the outside world.
        if urlsplit(self.endpoint).hostname in LOOPBACK_HOSTS:
            return urllib.request.build_opener(urllib.request.ProxyHandler({}))
        return urllib.request.build_opener()

    def rephrase(self, sentences: Sequence[str]) -> list[str]:
        """One rephrased sentence per input sentence, in order."""
        numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, 1))
        reply = self.complete([{"role": "system", "content": REPHRASE_INSTRUCTIONS},
                               {"role": "user", "content": numbered}])
        return numbered_lines(reply, len(sentences))


def message_content(data: Any, endpoint: str) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMError(f"{endpoint} answered without choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"{endpoint} answered with an empty message")
    return content


def numbered_lines(reply: str, expected: int) -> list[str]:
    """"1. …\\n2. …" -> the sentences; exactly 1..expected, each once."""
    found: dict[int, str] = {}
    for line in reply.splitlines():
        match = NUMBERED_LINE.match(line)
        if match:
            found.setdefault(int(match.group(1)), match.group(2))
    if sorted(found) != list(range(1, expected + 1)):
        raise LLMError(f"the model returned sentences numbered {sorted(found)[:12]}; expected 1 to {expected}")
    return [found[i] for i in range(1, expected + 1)]
