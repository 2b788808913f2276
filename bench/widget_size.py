"""Size of the shipped sign-in widget: component, library and JSX runtime, minified and gzipped.

Bundles ``public/apps/hf-oauth-demo.tsx`` with the project's own bundler (exactly the bytes a
built site serves: esbuild ``--bundle --minify --format=esm --target=es2020``), then compresses
each served JavaScript file with gzip level 9, like ``gzip -9 | wc -c``.

Usage: ``python bench/widget_size.py [--json]``. Exits with status 1 when over the budget.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shinmun_hf.components import ComponentRef  # noqa: E402

WIDGET = "public/apps/hf-oauth-demo.tsx"
BUDGET = 12_000
"""Bytes, gzipped (issue 4; 12 kB since issues 17 and 18, sign-in and chat). Peers:
huggingface.js login helpers alone 8.8 kB."""


def measure() -> dict[str, int]:
    """Minified and gzipped bytes of every JavaScript file the widget's bundle publishes."""
    from shinmun_hf.typescript import ComponentBundler

    ref = ComponentRef(mount_id="hf-demo", source="bench", line=1, path=WIDGET)
    with tempfile.TemporaryDirectory(prefix="widget-size-") as cache:
        built = ComponentBundler(ROOT, Path(cache), dev=False).build([ref])
    scripts = [data for path, data in built[ref.key].files.items() if path.endswith(".js")]
    if not scripts:
        raise SystemExit(f"the bundler published no JavaScript for {WIDGET}")
    return {
        "minified": sum(len(data) for data in scripts),
        # mtime=0: no timestamp in the header, the same bytes as `gzip -9 < file`
        "gzipped": sum(len(gzip.compress(data, 9, mtime=0)) for data in scripts),
        "files": len(scripts),
        "budget": BUDGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    size = measure()
    if args.json:
        print(json.dumps(size))
    else:
        verdict = "within" if size["gzipped"] <= BUDGET else "OVER"
        print(
            f"sign-in widget (component + library + JSX runtime): "
            f"{size['minified'] / 1000:.1f} kB minified, {size['gzipped'] / 1000:.2f} kB gzipped "
            f"({size['gzipped']} bytes; {verdict} the {BUDGET / 1000:.0f} kB budget)"
        )
    sys.exit(0 if size["gzipped"] <= BUDGET else 1)


if __name__ == "__main__":
    main()
