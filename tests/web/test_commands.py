"""The installed `curbside` command, run as a person would, in its own process and data dir."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CURBSIDE = str(Path(sys.executable).with_name("curbside"))


def run(args, data_dir, timeout=120, **env):
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(CURBSIDE_DATA_DIR=str(data_dir), **env)
    return subprocess.run([CURBSIDE, *map(str, args)], capture_output=True, text=True, env=environ, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_sets_up_once(tmp_path):
    first = run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    from curbside.demo import demo_archive

    threads = sum('"kind": "thread"' in line for line in demo_archive().read_text(encoding="utf-8").splitlines())
    assert f"thread: {threads} new, 0 updated" in first.stdout
    assert (tmp_path / "curbside.sqlite3").exists()
    second = run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already imported" in second.stdout


def test_sqlite_runs_in_wal_mode(tmp_path):
    assert run(["migrate"], tmp_path).returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "curbside.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_demo_serves_pages(tmp_path):
    port = free_port()
    environ = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "CURBSIDE_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([CURBSIDE, "demo", "--port", str(port)], env=environ,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.time() + 90
        while "running at" not in line and time.time() < deadline:
            line = server.stdout.readline()
            assert line or server.poll() is None, "curbside demo exited early"
        assert f"http://127.0.0.1:{port}/" in line
        for _ in range(50):
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "Answered health questions" in home and "General information, not a diagnosis." in home
        data = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/index.json", timeout=5))
        assert data["ok"] and data["latest"]
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/curbside/site.css", timeout=5)
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("env, message", [
    ({"CURBSIDE_DEBUG": "maybe"}, "configuration error: CURBSIDE_DEBUG='maybe': expected true or false"),
    ({"DATABASE_URL": "mysql://db/x"}, "unsupported scheme 'mysql'"),
])
def test_bad_configuration_stops_start_up(tmp_path, env, message):
    result = run(["migrate"], tmp_path, **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_port_argument(tmp_path):
    result = run(["demo", "--port", "99999"], tmp_path)
    assert result.returncode == 2 and "not a port number" in result.stderr


def test_import_error_exit_status_and_message(tmp_path):
    assert run(["migrate"], tmp_path).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "curbside-archive", "version": 1}\n{"kind": "specialty", "id": "x"}\n')
    result = run(["import", bad], tmp_path)
    assert result.returncode == 1
    assert f"{bad}:2: specialty 'x': missing required key 'name' in 'specialty'" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_builds_a_missing_index_in_the_background(tmp_path):
    assert run(["demo", "--no-serve"], tmp_path).returncode == 0
    import shutil

    shutil.rmtree(tmp_path / "index")  # as if the index folder had been lost
    port = free_port()
    environ = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "CURBSIDE_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([CURBSIDE, "serve", "--port", str(port)], env=environ,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        results = []
        deadline = time.time() + 120
        while not results and time.time() < deadline:
            try:
                data = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/search.json?q=heartburn", timeout=5))
                results = data["results"]
            except OSError:
                pass
            time.sleep(0.5)
        assert results, "the index was not rebuilt"
    finally:
        server.terminate()
        server.wait(timeout=10)
