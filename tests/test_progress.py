"""The progress line of a long build: on a terminal only, in one line, gone before the summary."""

from __future__ import annotations

import io
import sys

import pytest

from shinmun_hf import progress
from shinmun_hf.cli import main
from shinmun_hf.pipeline.builder import Builder, BuildOptions
from shinmun_hf.progress import CLEAR, ProgressLine, render_line


class Terminal(io.StringIO):
    """What a terminal receives (a stream that says it is one)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def posts(project):
    for number in range(30):  # enough to render in chunks (and in workers)
        project.post(f"post-{number:02}", title=f"Post {number}")
    return project


@pytest.fixture
def at_once(monkeypatch):
    """Draw from the first report on, every time: a test build is quick."""
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)


def test_a_build_reports_each_stage_up_to_its_total(posts):
    reports = []
    options = BuildOptions(jobs=1, progress=lambda *report: reports.append(report))
    Builder(posts.root, posts.out, options).build()
    stages = {stage for stage, _, _ in reports}
    assert stages == {"reading content", "rendering pages"}
    for stage in stages:
        done = [(d, t) for s, d, t in reports if s == stage]
        assert [d for d, _ in done] == sorted(d for d, _ in done)  # never backwards
        assert done[-1][0] == done[-1][1]  # ends at its total
    assert len([r for r in reports if r[0] == "reading content"]) == 30


def test_workers_report_progress_too(posts):
    reports = []
    options = BuildOptions(jobs=2, progress=lambda *report: reports.append(report))
    Builder(posts.root, posts.out, options).build()
    rendering = [(done, total) for stage, done, total in reports if stage == "rendering pages"]
    assert len(rendering) > 1 and rendering[-1][0] == rendering[-1][1]


def build_on(stream, posts, monkeypatch, capsys, *extra: str) -> tuple[str, str]:
    monkeypatch.setattr(sys, "stderr", stream)
    code = main(["--project", str(posts.root), "build", "--out", str(posts.out), *extra])
    assert code == 0
    return capsys.readouterr().out, stream.getvalue()


def test_on_a_terminal_the_line_updates_in_place_and_is_gone_before_the_summary(
    posts, monkeypatch, capsys, at_once
):
    out, err = build_on(Terminal(), posts, monkeypatch, capsys)
    assert "\n" not in err  # one line, redrawn
    assert err.startswith(CLEAR + "reading content [")
    assert CLEAR + "rendering pages [" in err
    assert err.endswith(CLEAR)  # erased before the summary
    assert out.startswith("built ")


def test_nothing_extra_when_the_output_is_not_a_terminal(posts, monkeypatch, capsys, at_once):
    out, err = build_on(io.StringIO(), posts, monkeypatch, capsys)
    assert err == ""
    assert out.startswith("built ")


def test_quiet_prints_neither_progress_nor_summary(posts, monkeypatch, capsys, at_once):
    out, err = build_on(Terminal(), posts, monkeypatch, capsys, "--quiet")
    assert (out, err) == ("", "")


def test_warnings_start_on_a_clean_line(posts, monkeypatch, capsys, at_once):
    posts.config(title="T", site_url="http://localhost:8000")  # warns
    _, err = build_on(Terminal(), posts, monkeypatch, capsys)
    before, _, after = err.partition("warning: ")
    assert before.endswith(CLEAR) and after


def test_a_quick_build_draws_nothing():
    stream = Terminal()
    line = ProgressLine(stream)
    for done in range(1, 11):
        line("rendering pages", done, 10)
    line.clear()
    assert stream.getvalue() == ""


def test_the_line_shows_stage_bar_and_count():
    assert render_line("rendering pages", 250, 1000) == (
        "rendering pages [######..................]   250/1,000"
    )
    assert render_line("reading content", 3, 3).endswith("[########################] 3/3")


def test_serve_erases_the_line_before_it_prints(at_once):
    from shinmun_hf.serve.console import Console

    terminal, out = Terminal(), io.StringIO()
    line = ProgressLine(terminal)
    console = Console(out, terminal, progress=line)
    line("rendering pages", 5, 10)
    console.say("serving http://127.0.0.1:8000/")
    assert terminal.getvalue().endswith(CLEAR)
    line("rendering pages", 6, 10)  # a rebuild: a new line, erased before its report too
    console.failed(type("F", (), {"details": None, "__str__": lambda self: "x"})())
    assert terminal.getvalue().count(CLEAR) == 4
