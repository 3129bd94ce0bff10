"""Eight people asking at once on SQLite (issue 12, point 4): 0 errors, 0 questions lost.

A real `curbside serve` on a real SQLite file, eight client threads posting questions through
the API for 30 seconds. Before, screening ran inside the write transaction and one slow
screening held SQLite's only write lock past its busy timeout: "database is locked".
Only on SQLite (the PostgreSQL run of the suite skips it: PostgreSQL has row locks).
"""

import json
import os
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from curbside.demo import demo_archive
from tests.web.test_commands import CURBSIDE, free_port, run

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's single writer only")

CLIENTS, SECONDS, ACCOUNTS_PER_CLIENT = 8, 30, 12  # the API allows 10 questions an hour per account
MAKE_ACCOUNTS = """
import json
from django.utils import timezone
from django.contrib.auth.models import User
from curbside.web.api.tokens import issue_token
from curbside.web.service.models import Account
tokens = []
for n in range({count}):
    user = User.objects.create(username=f"load{{n}}", email=f"load{{n}}@example.org", is_active=True)
    user.set_unusable_password(); user.save()
    Account.objects.create(user=user, role="asker", email_verified_at=timezone.now())
    tokens.append(issue_token(user, "load test"))
print(json.dumps(tokens))
"""


def ask(port: int, token: str, n: int) -> int | str:
    body = json.dumps({"title": f"Knee pain when climbing stairs {n}",
                       "body": f"My right knee aches on the stairs for {n % 9 + 2} weeks, no swelling or injury.",
                       "asked_for": "self", "age_band": "50~59", "sex": "female", "alias": "Knee Worrier 7",
                       "specialty": "auto"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/questions", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:  # a timeout or a refused connection is an error too, and must be counted
        return f"{type(exc).__name__}: {exc}"


def client(port: int, tokens: list[str], stop: float, statuses: list[int]) -> None:
    n = 0
    while time.time() < stop and n < 10 * len(tokens):
        statuses.append(ask(port, tokens[n // 10], n))
        n += 1


def wait_until_serving(server, port: int) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the server did not start")


def test_eight_clients_asking_for_thirty_seconds_lose_nothing(tmp_path: Path):
    assert run(["migrate"], tmp_path).returncode == 0
    assert run(["import", demo_archive()], tmp_path, timeout=300).returncode == 0
    made = run(["manage", "shell", "-c", MAKE_ACCOUNTS.format(count=CLIENTS * ACCOUNTS_PER_CLIENT)], tmp_path)
    assert made.returncode == 0, made.stderr
    tokens = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    environ = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "CURBSIDE_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "server.log").open("w")  # a file, not a pipe: a full pipe would stall the server
    server = subprocess.Popen([CURBSIDE, "serve", "--port", str(port)], env=environ,
                              stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(server, port)
        ask(port, tokens[-1], 0)  # warm the models, as the first reader of a real site would
        statuses: list[list] = [[] for _ in range(CLIENTS)]
        stop = time.time() + SECONDS
        threads = [threading.Thread(target=client, args=(port, tokens[i * ACCOUNTS_PER_CLIENT:(i + 1) * ACCOUNTS_PER_CLIENT],
                                                          stop, statuses[i])) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    answered = [s for per_client in statuses for s in per_client]
    assert answered and set(answered) == {201}, (sorted(set(map(str, answered))), output[-3000:])
    assert "database is locked" not in output
    with sqlite3.connect(tmp_path / "curbside.sqlite3") as db:
        saved = db.execute("SELECT count(*) FROM service_question").fetchone()[0]
    assert saved == len(answered) + 1  # every 201 is a stored question (+1: the warm-up)
