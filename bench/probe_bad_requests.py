"""Send a few hundred malformed requests to a running Curbside and count the answers.

    .venv/bin/curbside demo --port 8765 &        # or any running site
    .venv/bin/python bench/probe_bad_requests.py --url http://127.0.0.1:8765 [--token TOKEN]

Bad JSON, wrong types, missing and extra fields, huge and empty bodies, odd charsets and
media types, wrong methods, unknown paths, path tricks, bad query parameters and bad
tokens, against the API and the HTML pages. A 5xx is a defect; so is a 404 or 400 body that
is large (it may be listing internals). Prints a status histogram and every 5xx.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import urllib.parse

ASK = "/api/v1/questions"
GOOD = {"title": "Knee pain", "body": "My knee hurts on the stairs for two weeks now.", "asked_for": "self",
        "age_band": "40~49", "sex": "female", "alias": "Stair Climber", "specialty": "auto"}


def cases(token: str | None) -> list[tuple[str, str, bytes, dict]]:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    json_type = {"Content-Type": "application/json"}
    found = []
    bodies = [b"", b"{", b"[]", b"null", b"1", b'"x"', b"{'a': 1}", b"\xff\xfe", b'{"title": "\\ud800"}',
              b"[" * 5000, b'{"title": ' + b"9" * 5000 + b"}", json.dumps({**GOOD, "title": None}).encode(),
              json.dumps({**GOOD, "age_band": "old"}).encode(), json.dumps({**GOOD, "sex": 3}).encode(),
              json.dumps({**GOOD, "extra": "x"}).encode(), json.dumps({**GOOD, "title": "x" * 100000}).encode(),
              json.dumps({**GOOD, "body": "\x00" * 30}).encode(), b"x" * (3 * 1024 * 1024)]
    posts = (ASK, ASK + "?preview=true", "/api/v1/tokens", "/api/v1/questions/nope/info",
             "/api/v1/queue/nope/claim", "/api/v1/queue/nope/reply", "/api/v1/queue/nope/hand-off")
    for body in bodies:
        for path in posts:
            found.append(("POST", path, body, {**json_type, **auth}))
    for charset in ("utf-16", "cp500", "latin-1", "nonsense", ""):
        found.append(("POST", ASK + "?preview=true", json.dumps(GOOD).encode(),
                      {"Content-Type": f"application/json; charset={charset}", **auth}))
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"):
        found.append(("POST", ASK, json.dumps(GOOD).encode(), {"Content-Type": media, **auth}))
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        for path in (ASK, "/api/v1/threads", "/", "/search/", "/ask/"):
            found.append((method, path, b"", auth))
    for path in ("/api/v1/nope", "/api/nope", "/nope", "/qa/nope", "/qa/../../etc/passwd", "/static/../settings.py",
                 "/%00", "/qa/%ff", "/search/?q=" + "a" * 10000, "/search/?q=%00", "/search/?page=-1",
                 "/search/?page=999999999999", "/search.json?q=" + urllib.parse.quote("\ud800", errors="surrogatepass"),
                 "/api/v1/threads?limit=-5", "/api/v1/threads?limit=abc", "/api/v1/threads?offset=99999999999999999999",
                 "/api/v1/search?q=", "/api/v1/search?q=" + "x" * 5000, "/suggest/?q=%C0%AF", "/admin/../",
                 "/moderation/questions/%27%20OR%201=1/", "/queue/<script>/", "/my/questions/../../"):
            found.append(("GET", path, b"", {}))
            found.append(("GET", path, b"", auth))
    for bad in ("Bearer", "Bearer ", "Bearer cs_nope", "Basic Zm9vOmJhcg==", "Bearer " + "x" * 5000, "\x00"):
        for path in (ASK, "/api/v1/questions"):
            found.append(("GET", path, b"", {"Authorization": bad}))
    return found


def send(url: str, method: str, path: str, body: bytes, headers: dict) -> tuple[int, int]:
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, len(response.read())
    except (http.client.HTTPException, OSError) as exc:
        return -1, len(str(exc))
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--token", help="an asker's API token, so that the asking endpoint is reached")
    args = parser.parse_args()
    statuses, server_errors, large = collections.Counter(), [], []
    tried = cases(args.token)
    for method, path, body, headers in tried:
        status, size = send(args.url, method, path, body, headers)
        statuses[status] += 1
        if status >= 500 or status == -1:
            server_errors.append((status, method, path[:80], body[:60]))
        elif status in (400, 404) and size > 5000:
            large.append((status, size, method, path[:80]))
    print(f"{len(tried)} bad requests: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(f"5xx or no answer: {len(server_errors)}; 400/404 bodies over 5 kB: {len(large)}")
    for row in server_errors + large:
        print("  ", row)


if __name__ == "__main__":
    main()
