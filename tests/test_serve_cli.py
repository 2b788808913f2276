"""``shinmun serve`` as a process: starts, reports, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from serve_support import TIMEOUT, EventReader

REPO = Path(__file__).resolve().parent.parent


def start(project: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Run ``shinmun serve`` and return it with its URL, once it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "shinmun_hf", "--project", str(project), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:  # a thread: readline() must not block the test past its timeout
        assert process.stdout is not None
        for line in process.stdout:
            if match := re.search(r"serving (http://\S+?)/ ", line):
                found.append(match.group(1))
                ready.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(TIMEOUT):
        process.kill()
        raise AssertionError(f"serve did not start: {process.communicate()[1]}")
    return process, found[0]


def test_ctrl_c_stops_cleanly_with_a_page_connected(project):
    project.post("hello")
    process, url = start(project.root, "--port", "0")
    try:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/").status_code == 200
        events = EventReader(url)  # an open tab must not hold the shutdown up
        assert events.next()[0] == "hello"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIMEOUT)
        assert events.next()[0] == "closed"
        events.close()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode in (0, 130), stderr
    assert "Traceback" not in stderr, stderr
    assert not [p for p in project.root.rglob("*.staging-*")]


def test_busy_port_is_a_one_line_error(project):
    project.post("hello")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                *(sys.executable, "-m", "shinmun_hf", "--project", str(project.root)),
                *("serve", "--port", str(port)),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    assert result.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_output_folder_the_build_would_refuse_is_never_served(project, tmp_path):
    """``--out .`` is the project, and a folder shinmun did not make holds someone's files:
    serve refuses both at once instead of serving them while its build reports the error."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("private")
    for out, expected in ((".", "it contains"), (str(foreign), "was not created by shinmun")):
        result = subprocess.run(
            [
                *(sys.executable, "-m", "shinmun_hf", "--project", str(project.root)),
                *("serve", "--port", "0", "--out", out),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=project.root,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert result.returncode == 1, result.stderr
        assert "refusing to" in result.stderr and expected in result.stderr
        assert "serving" not in result.stdout
        assert "Traceback" not in result.stderr
    assert (foreign / "notes.txt").read_text() == "private"


def test_serve_says_where_the_demo_is_and_who_signs_in(project):
    """``make serve`` ends with the demo page's address and the local hub's test user."""
    project.page("hf-oauth-demo", title="Demo")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "shinmun_hf", "--project", str(project.root)),
            *("serve", "--hub", "local", "--port", "0"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "test user" in line:
                done.set()
                return

    threading.Thread(target=read, daemon=True).start()
    try:
        assert done.wait(TIMEOUT), lines
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=TIMEOUT)
    serving = next(line for line in lines if line.startswith("serving "))
    url = serving.split()[1]
    assert f"sign-in demo: {url}hf-oauth-demo/" in lines
    assert "test user @ada (Ada Lovelace)" in lines[-1]
