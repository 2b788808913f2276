"""variables_script_tag(): JSON types kept, HTML-safe against hostile values, in a real browser."""

from __future__ import annotations

import json

import pytest

from shinmun_hf.errors import ConfigError
from shinmun_hf.project.variables import script_safe_json, variables_script_tag

HOSTILE = {
    "BREAKOUT": "</script><script>window.pwned = 1</script>",
    "COMMENT": "<!-- <script> -->",
    "SEPARATORS": "line\u2028para\u2029end",
    "AMP": "a && b & &amp;",
    "QUOTES": "\"'`${x}`\\",
    "NESTED": {"list": [1, 2.5, True, None, "</SCRIPT >"], "ok": False},
    "NUMBER": 42,
    "FLOAT": 0.25,
    "FLAG": True,
    "NOTHING": None,
    "UNICODE": "日本語 émoji 🎉",
}


def test_escapes_every_dangerous_character():
    text = script_safe_json(HOSTILE)
    for dangerous in ("<", ">", "&", "\u2028", "\u2029"):
        assert dangerous not in text
    assert json.loads(text) == HOSTILE


def test_types_are_kept():
    tag = str(variables_script_tag({"N": 3, "B": False, "L": ["a"], "S": "3"}))
    assert "window.N = 3;" in tag
    assert "window.B = false;" in tag
    assert 'window.L = ["a"];' in tag
    assert 'window.S = "3";' in tag


def test_no_variables_no_tag():
    assert variables_script_tag({}) == ""


def test_invalid_key_is_an_error():
    with pytest.raises(ConfigError, match="not a valid JavaScript identifier"):
        variables_script_tag({"bad-key": 1})


def test_nan_is_an_error():
    with pytest.raises(ConfigError, match="NaN"):
        variables_script_tag({"X": float("nan")})


@pytest.mark.browser
def test_hostile_values_arrive_intact_in_chromium(project, page, serve_directory):
    project.config(site_url="https://x.org", variables=HOSTILE)
    project.page("vars", title="Vars")
    project.build()
    base = serve_directory(project.out)
    page.goto(f"{base}/vars/")
    for key, value in HOSTILE.items():
        assert page.evaluate(f"window.{key}") == value, key
    assert page.evaluate("window.pwned") is None
    # the only script in the document is the one variables script
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("h1").inner_text() == "Vars"
