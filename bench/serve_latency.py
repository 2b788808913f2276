"""Edit-to-reload latency of ``shinmun serve``: a post is saved until the browser is told.

Usage: ``python bench/serve_latency.py [--sizes 1000 10000] [--edits 20] [--pause 1]
[--profile]``.

For each size, a generated blog (``bench/generate.py``, kept in ``bench/_work/serve-<N>`` and
reused) is served by a real ``shinmun serve`` process. A client holds the live-reload event
stream open like a browser tab; each round appends a line to one post and measures from just
before the write until the ``change`` event naming that post's page arrives (the edited page is
rendered first), and until the server reports the whole rebuild done (listings, neighbours,
feeds: the served site then equals a fresh build). Prints the median, p90 and maximum of the
first, the median of the second, and the engine's own "rebuilt in" figure. ``--profile`` then
profiles one such rebuild in-process with the same reused ``Builder`` the server uses, to show
where the engine spends the time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "_work"
sys.path[:0] = [str(BENCH), str(REPO)]
from generate import generate  # noqa: E402

WARMUP = 2
TIMEOUT = 120.0


def project_for(posts: int, regenerate: bool) -> Path:
    """The generated blog of ``posts`` posts, made once and reused (it takes a while)."""
    target = WORK / f"serve-{posts}"
    if regenerate or not (target / "config.yml").exists():
        print(f"generating {posts} posts into {target}", flush=True)
        generate(target, posts)
    return target


class Server:
    """A ``shinmun serve`` process; collects the "rebuilt in N ms" lines it prints."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "shinmun_hf", "--project", str(project), "serve"),
                *("--port", "0", "--hub", "huggingface"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.builds: queue.Queue[tuple[float, float]] = queue.Queue()
        """(arrival time, seconds the engine reported) of each finished rebuild."""
        ready: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(ready,), daemon=True).start()
        try:
            self.url = ready.get(timeout=600)  # a cold 10k-post build takes a while
        except queue.Empty:
            self.process.kill()
            raise SystemExit("shinmun serve did not start") from None

    def _read(self, ready: queue.Queue[str]) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if match := re.search(r"serving (http://\S+?)/ ", line):
                ready.put(match.group(1))
            elif match := re.search(r"rebuilt in (\d+) ms", line):
                self.builds.put((time.perf_counter(), int(match.group(1)) / 1000))
            elif line.startswith("built "):
                print("  " + line.strip(), flush=True)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Tab:
    """What a browser tab does: listen to the event stream. Events are timestamped on arrival."""

    def __init__(self, url: str) -> None:
        self.events: queue.Queue[tuple[float, str, dict]] = queue.Queue()
        self._client = httpx.Client(timeout=httpx.Timeout(30, read=None))
        self._url = url
        threading.Thread(target=self._read, daemon=True).start()
        name, _ = self.next()[1:]
        assert name == "hello"

    def _read(self) -> None:
        with (
            contextlib.suppress(httpx.HTTPError),
            self._client.stream("GET", f"{self._url}/__shinmun/events") as response,
        ):
            name = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    self.events.put((time.perf_counter(), name, json.loads(line[5:])))

    def next(self) -> tuple[float, str, dict]:
        return self.events.get(timeout=TIMEOUT)


def posts_to_edit(project: Path, count: int) -> Iterator[tuple[Path, str]]:
    """(source, output file) of posts spread over the site, round-robin."""
    sources = sorted((project / "content" / "posts").rglob("*.md"))
    chosen = [sources[(i * 7919) % len(sources)] for i in range(count)]
    for source in chosen:
        head = source.read_text(encoding="utf-8").split("---\n")[1]
        date = re.search(r"date: (\d+)-(\d+)", head)
        assert date is not None
        year, month = int(date.group(1)), int(date.group(2))
        yield source, f"{year}/{month}/{source.stem}/index.html"


def measure(
    project: Path, edits: int, pause: float
) -> tuple[list[float], list[float], list[float]]:
    """(edit-to-reload latencies, edit-to-whole-rebuild latencies, engine build times) in
    seconds, warm-up rounds excluded."""
    server = Server(project)
    latencies: list[float] = []
    whole: list[float] = []
    builds: list[float] = []
    try:
        tab = Tab(server.url)
        for number, (source, output) in enumerate(posts_to_edit(project, edits + WARMUP)):
            text = source.read_text(encoding="utf-8")
            started = time.perf_counter()
            source.write_text(text + f"\nServe latency round {number}.\n", encoding="utf-8")
            while True:
                arrived, name, data = tab.next()
                if name == "change" and (data["everything"] or output in data["files"]):
                    break
                if name == "failed":
                    raise SystemExit(f"build failed: {data}")
            done, build = server.builds.get(timeout=TIMEOUT)
            if number >= WARMUP:
                latencies.append(arrived - started)
                whole.append(done - started)
                builds.append(build)
            time.sleep(pause)  # an author saves every second or so, not continuously
    finally:
        server.stop()
    return latencies, whole, builds


PHASES = (
    "builder.survey",
    "builder.unchanged_result",
    "builder.EntryStore.load",
    "builder.make_site_model",
    "site_model.Site",
    "builder.KeptLayouts.for_site",
    "builder.find_reuse",
    "builder.plan_files",
    "planning.plan_outputs",
    "builder.render_outputs",
    "rendering.run_render_job",
    "builder.copy_public",
    "builder.record_build",
    "builder.SiteWriter.commit",
    "builder.save_manifest",
)
"""Names whose wall time ``--profile`` reports, each as ``module.name`` in
``shinmun_hf.pipeline``: the stages as ``Builder._build`` calls them, and (indented) ones the
stages call, where those look them up."""


@contextlib.contextmanager
def phase_timer() -> Iterator[dict[str, float]]:
    """Wall time spent in each of :data:`PHASES` (cProfile's own overhead distorts them)."""
    import importlib

    spent: dict[str, float] = dict.fromkeys(PHASES, 0.0)
    restore = []
    for name in PHASES:
        module_name, _, path = name.partition(".")
        owner = importlib.import_module(f"shinmun_hf.pipeline.{module_name}")
        owner_path, _, attribute = path.rpartition(".")
        for part in filter(None, owner_path.split(".")):
            owner = getattr(owner, part)
        original = getattr(owner, attribute)

        def timed(*args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(owner, attribute, timed)
        restore.append((owner, attribute, original))
    try:
        yield spent
    finally:
        for owner, attribute, original in restore:
            setattr(owner, attribute, original)


def profile(project: Path) -> None:
    """Where a post-edit rebuild spends its time, with a reused Builder as ``serve`` runs it.

    The second rebuild is measured (the first pays one-time costs: imports, regexes): first
    its phases' wall time, then a cProfile of the next one.
    """
    from shinmun_hf.pipeline.builder import Builder, BuildOptions
    from shinmun_hf.serve import default_out
    from shinmun_hf.serve.rebuild import tidy_heap

    builder = Builder(project, default_out(project, "huggingface"), BuildOptions(dev=True))
    builder.build()
    edits = posts_to_edit(project, 3)

    def edit_and_build(profiler: cProfile.Profile | None = None) -> tuple[float, int]:
        source, _ = next(edits)
        source.write_text(source.read_text() + "\nProfiled edit.\n", encoding="utf-8")
        time.sleep(0.2)  # out of the engine's "racily clean" window
        tidy_heap()  # as serve does between builds
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = builder.build()
        if profiler is not None:
            profiler.disable()
        return time.perf_counter() - started, result.written

    edit_and_build()
    rendered: list[int] = []
    from shinmun_hf.pipeline import rendering

    render = rendering.run_render_job

    def counted(job: Any, options: Any) -> Any:
        rendered.append(len(job.outputs))
        return render(job, options)

    rendering.run_render_job = counted  # type: ignore[assignment]
    try:
        with phase_timer() as spent:
            seconds, written = edit_and_build()
    finally:
        rendering.run_render_job = render  # type: ignore[assignment]
    print(
        f"  rebuild after one post edit: {seconds * 1000:.0f} ms, {sum(rendered)} outputs "
        f"rendered, {written} files written"
    )
    for name in PHASES:
        indent = "    " if name.startswith("builder.") else "      "
        print(f"{indent}{name.partition('.')[2]:<28} {spent[name] * 1000:>6.0f} ms")
    profiler = cProfile.Profile()
    edit_and_build(profiler)
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
    print(stream.getvalue())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between saves (default: 1)"
    )
    parser.add_argument("--regenerate", action="store_true", help="generate the blogs again")
    parser.add_argument("--profile", action="store_true", help="profile one rebuild per size")
    args = parser.parse_args()
    rows = []
    for posts in args.sizes:
        project = project_for(posts, args.regenerate)
        print(f"{posts} posts: {args.edits} edits", flush=True)
        latencies, whole, builds = measure(project, args.edits, args.pause)
        rows.append((posts, latencies, whole, builds))
        if args.profile:
            profile(project)
    print(
        f"\n{'':>6}  {'edit to page reload':^28}  {'edit to whole site':>18}  {'engine':>8}"
        f"\n{'posts':>6}  {'median':>8}  {'p90':>8}  {'max':>8}  {'median':>18}  {'median':>8}"
    )
    for posts, latencies, whole, builds in rows:
        ms = [v * 1000 for v in latencies]
        print(
            f"{posts:>6}  {statistics.median(ms):>6.0f}ms  {percentile(ms, 0.9):>6.0f}ms  "
            f"{max(ms):>6.0f}ms  {statistics.median(whole) * 1000:>16.0f}ms  "
            f"{statistics.median(builds) * 1000:>6.0f}ms"
        )


if __name__ == "__main__":
    main()
