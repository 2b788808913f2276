"""The widget library's modules (public/apps/hf-oauth/) one at a time, with their inputs given:
the ``deno test`` files in tests/widget/ (the event-stream reader fed awkward chunks, the id_token
checks given signed tokens and a JWKS, the session given a store, the protocol steps and the
inference request against stub servers). Deno comes with the project (the ``deno`` wheel); the
tests need no network. One ``deno test`` run checks and runs them all; each file is reported
here as a test of its own."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from shinmun_hf.typescript.esbuild import deno_binary, tool_environment

FOLDER = Path(__file__).parent / "widget"
TESTS = sorted(FOLDER.glob("*.test.ts"))
SECTION = re.compile(r"^running \d+ tests? from \./tests/widget/(\S+)$", re.M)


@pytest.fixture(scope="module")
def results() -> dict[str, str]:
    """Each test file's part of the report (or, if deno stopped before running, the report)."""
    done = subprocess.run(
        [
            deno_binary(),
            "test",
            "--no-config",
            "--no-lock",
            "--no-remote",
            "--no-npm",
            *(str(path.relative_to(REPO)) for path in TESTS),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=REPO,
        check=False,
        env=tool_environment(),
        timeout=300,
    )
    report = done.stdout + done.stderr
    parts = SECTION.split(report)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    # deno's summary of failures follows the last section: give it to every file
    failures = report[report.find(" ERRORS ") :] if done.returncode else ""
    return {path.name: sections.get(path.name, report) + failures for path in TESTS}


@pytest.mark.parametrize("test_file", [path.name for path in TESTS])
def test_module(results: dict[str, str], test_file: str) -> None:
    section = results[test_file]
    assert re.search(r" \.\.\. ok", section), section  # it ran
    assert not re.search(r" \.\.\. FAILED", section), section
