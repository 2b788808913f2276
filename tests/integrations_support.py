"""What the tests of the generator integrations share: a site folder served on loopback, a
component with a relative import, the local hub, and the sign-in journey in Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

SIGN_IN = "Sign in with Hugging Face"
QUESTION = "What is a static site?"

LIB = "export const greet = (name: string): string => `Hello, ${name}, from a module`;\n"
HELLO = (
    'import { greet } from "./lib.ts";\n'
    "export default function mount(element: HTMLElement): void {\n"
    '  element.append(greet("reader"));\n'
    "}\n"
)
GREETING = "Hello, reader, from a module"
TYPE_ERROR_LIB = LIB + 'export const count: number = "three";\n'
"""lib.ts with a type error at line 2, column 14 (TypeScript's TS2322)."""
TYPE_ERROR_AT = "components/lib.ts:2:14"
SYNTAX_ERROR_LIB = LIB + "export const broken = (;\n"
SYNTAX_ERROR_AT = "components/lib.ts:2:24"
"""At the semicolon, as esbuild reports it."""


def write_components(root: Path, lib: str = LIB) -> None:
    """``components/hello.tsx``, which imports ``./lib.ts``."""
    (root / "components").mkdir(parents=True, exist_ok=True)
    (root / "components" / "lib.ts").write_text(lib, encoding="utf-8")
    (root / "components" / "hello.tsx").write_text(HELLO, encoding="utf-8")


def run(
    arguments: list[str], cwd: Path, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    """A generator's own command, run as its users run it (``python -m mkdocs build``)."""
    return subprocess.run(
        [python, "-m", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def sign_in_and_ask(page: Page, url: str, hub_url: str, widget: str = "hf-chat") -> None:
    """Open ``url``, sign in through the local hub, ask, and see the streamed answer."""
    page.goto(url)
    box = page.locator(widget)
    box.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{hub_url}/**")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(url)  # through the callback page, back where the sign-in started
    box = page.locator(widget)
    expect(box.get_by_role("button", name="Sign out")).to_be_visible()
    box.get_by_label("Your question").fill(QUESTION)
    box.get_by_role("button", name="Ask").click()
    answer = box.get_by_role("region", name="Answer")
    expect(answer).to_contain_text(f"You asked: “{QUESTION}”")
    expect(box.get_by_role("button", name="Ask")).to_be_visible()  # the stream has ended
    expect(box.get_by_role("alert")).to_be_empty()
