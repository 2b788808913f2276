"""Build-speed benchmark: cold, warm and one-post-edit builds of generated blogs.

Usage: ``python bench/run.py [--sizes 1000 10000] [--runs 3]`` (``make bench`` runs the
default). Each figure is the whole-process wall time of ``shinmun build`` (start-up included),
the median of ``--runs`` runs; peak memory is the largest resident set of the build process or
any of its workers. Prints the widget's gzipped size too when the widget exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

WORK = Path(__file__).resolve().parent / "_work"


def timed_build(project: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one ``shinmun build`` process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shinmun_hf",
            "--project",
            str(project),
            "build",
            "--out",
            str(project / "_site"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(
            f"build failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    # ru_maxrss covers the process and the workers it waited for (kilobytes on Linux)
    return seconds, usage.ru_maxrss / 1024


def clean(project: Path) -> None:
    shutil.rmtree(project / "_site", ignore_errors=True)
    shutil.rmtree(project / ".shinmun-cache", ignore_errors=True)


def edit_one_post(project: Path, round_number: int) -> None:
    path = sorted((project / "content" / "posts").rglob("*.md"))[
        len(list((project / "content" / "posts").rglob("*.md"))) // 2
    ]
    text = path.read_text()
    path.write_text(text.rstrip("\n") + f"\n\nEdited in round {round_number}.\n")


def bench(posts: int, runs: int) -> dict[str, float]:
    project = generate(WORK / f"blog-{posts}", posts)
    cold, warm, edit, memory = [], [], [], []
    for number in range(runs):
        clean(project)
        seconds, peak = timed_build(project)
        cold.append(seconds)
        memory.append(peak)
        seconds, peak = timed_build(project)
        warm.append(seconds)
        memory.append(peak)
        edit_one_post(project, number)
        seconds, peak = timed_build(project)
        edit.append(seconds)
        memory.append(peak)
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "edit": statistics.median(edit),
        "peak": max(memory),
    }


def markdown_calibration(project: Path, sample: int = 200) -> float:
    """Plain Python-Markdown's ms per generated post on one core, best of three: this
    machine's speed today (it varies by up to 2x from day to day), to compare runs by."""
    import markdown

    posts = sorted((project / "content" / "posts").rglob("*.md"))[:sample]
    texts = [path.read_text(encoding="utf-8").split("---\n", 2)[2] for path in posts]
    converter = markdown.Markdown(extensions=["fenced_code", "tables"])
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            converter.reset().convert(text)
        best = min(best, (time.perf_counter() - started) * 1000 / len(texts))
    return best


def widget_size() -> str | None:
    script = Path(__file__).resolve().parent / "widget_size.py"
    if not script.exists():
        return None
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    return (result.stdout or result.stderr).strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"shinmun-hf build benchmark ({os.cpu_count()} cores, median of {args.runs} runs)")
    print(
        f"{'posts':>7} {'cold s':>8} {'ms/post':>8} {'warm s':>8} {'1 edit s':>9} {'peak MiB':>9}"
    )
    for posts in args.sizes:
        figures = bench(posts, args.runs)
        print(
            f"{posts:>7} {figures['cold']:>8.2f} {figures['cold'] * 1000 / posts:>8.2f} "
            f"{figures['warm']:>8.2f} {figures['edit']:>9.2f} {figures['peak']:>9.0f}",
            flush=True,
        )
    calibration = markdown_calibration(WORK / f"blog-{args.sizes[0]}")
    print(
        f"calibration: plain Python-Markdown takes {calibration:.2f} ms per post on one core "
        "on this machine today"
    )
    size = widget_size()
    if size:
        print(size)


if __name__ == "__main__":
    main()
