"""config.yml: typed validation with precise errors, warnings, environment overrides."""

from __future__ import annotations

import datetime

import pytest

from shinmun_hf.errors import ConfigError
from shinmun_hf.project.config import load_config


def test_defaults_when_config_is_missing(tmp_path):
    config = load_config(tmp_path, environ={})
    assert config.permalink == "/{year}/{month}/{slug}/"
    assert config.posts_per_page == 10
    assert config.base_path == ""
    assert config.variables == {}


def test_wrong_type_names_key_and_line(project):
    project.config("title: Blog\nposts_per_page: many\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    error = caught.value
    assert error.file == "config.yml"
    assert error.line == 2
    assert "posts_per_page" in error.message
    assert "whole number" in error.message


@pytest.mark.parametrize(
    ("text", "key", "lines"),
    [
        ("title: Blog\nbase_path: /a\ntitle: Other\n", "title", (1, 3)),
        (
            "variables:\n  HF_OAUTH_CLIENT_ID: a\n  HF_OAUTH_CLIENT_ID: b\n",
            "variables.HF_OAUTH_CLIENT_ID",
            (2, 3),
        ),
    ],
)
def test_a_key_given_twice_is_an_error_naming_both_lines(project, text, key, lines):
    """YAML would keep the last one silently: which one the author meant is theirs to say."""
    project.config(text)
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.line == lines[1]
    assert f"the key '{key}' is given twice (lines {lines[0]} and {lines[1]})" in str(caught.value)


def test_merge_keys_are_not_duplicates(project):
    project.config(
        "title: Blog\nnav:\n  - &home {title: Home, url: /}\n  - <<: *home\n    title: Start\n"
    )
    assert [link["title"] for link in load_config(project.root, environ={}).nav] == [
        "Home",
        "Start",
    ]


def test_unknown_key_warns_with_suggestion(project):
    project.config("title: Blog\npost_per_page: 5\n")
    warnings: list[str] = []
    config = load_config(project.root, environ={}, warnings=warnings)
    assert len(warnings) == 1
    assert "config.yml:2" in warnings[0]
    assert "did you mean 'posts_per_page'" in warnings[0]
    assert config.extra == {"post_per_page": 5}


@pytest.mark.parametrize(
    ("yaml_text", "key", "fragment"),
    [
        ("site_url: example.com\n", "site_url", "absolute URL"),
        ("site_url: https://example.com/blog\n", "site_url", "base_path"),
        ("site_url: https://exa mple.com\n", "site_url", "not a host name"),
        ("site_url: 'https://example.com\"><script>'\n", "site_url", "not a host name"),
        ("site_url: https://example.com:http\n", "site_url", "port"),
        ("permalink: /{slug}/{year:>10}/\n", "permalink", "nothing inside the braces"),
        ("base_path: http://x/blog\n", "base_path", "path such as /blog"),
        ("permalink: /{year}/{title}/\n", "permalink", "{title}"),
        ("permalink: /{year}/{month}/\n", "permalink", "{slug}"),
        ("permalink: /../../../elsewhere/{slug}/\n", "permalink", "'..' segments"),
        ("permalink: /{year}/./{slug}/\n", "permalink", "'..' segments"),
        ("permalink: '/{year}\\..\\{slug}/'\n", "permalink", "backslashes"),
        ("timezone: Mars/Olympus\n", "timezone", "unknown time zone"),
        ("categories: Guides\n", "categories", "list"),
        ("nav:\n  - title: About\n", "nav", "entry 1 has no 'url'"),
        ("nav:\n  - titel: About\n    url: about/\n", "nav", "'titel'; did you mean 'title'?"),
        ("nav:\n  - title: About\n    link: about/\n", "nav", "'link'; did you mean 'url'?"),
        ("allow_secret_like_variables: yes please\n", "allow_secret_like_variables", "true or"),
    ],
)
def test_invalid_values_are_explained(project, yaml_text, key, fragment):
    project.config("title: Blog\n" + yaml_text)
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.line == 2
    assert key in caught.value.message
    assert fragment in caught.value.message
    assert bracket_depth(str(caught.value)) <= 1, str(caught.value)


def bracket_depth(text: str) -> int:
    """How deeply brackets nest in ``text``, outside quoted values: "(a (b))" is 2."""
    import re

    unquoted = re.sub(r"'[^']*'", "''", text)
    depth = deepest = 0
    for character in unquoted:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth -= 1
    return deepest


@pytest.mark.parametrize(
    "url",
    ["https://example.com", "http://127.0.0.1:8000", "https://[::1]:8443", "https://bücher.de"],
)
def test_valid_site_urls_are_kept(project, url):
    project.config(f"title: Blog\nsite_url: '{url}'\n")
    assert load_config(project.root, environ={}).site_url == url


def test_invalid_variable_name_points_at_its_own_line(project):
    project.config("title: Blog\nvariables:\n  GOOD: 1\n  1abc: x\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.line == 4
    assert "'1abc' is not a valid JavaScript identifier" in caught.value.message


def test_yaml_syntax_error_names_line(project):
    project.config("title: Blog\nvariables:\n  A: [1, 2\n  B: 3\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.file == "config.yml"
    assert caught.value.line in (3, 4)
    assert "invalid config" in caught.value.message


def test_base_path_and_site_url_are_normalised(project):
    project.config("site_url: https://example.org/\nbase_path: blog/\n")
    config = load_config(project.root, environ={})
    assert config.site_url == "https://example.org"
    assert config.base_path == "/blog"


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("'/blog\"><script>'", "'\"'"),
        ("/my blog", "a space"),
        ('"/blog\\tx"', "'\\t'"),
        ("/blog<x>", "'<'"),
        ("/blog\\x", "'\\\\'"),
        ("/100%", "'%' not followed by two hex digits"),
        ("/caf\u00e9", "'\u00e9'"),
        ("/a`b", "'`'"),
    ],
)
def test_base_path_refuses_characters_outside_url_paths(project, value, named):
    project.config(f"title: Blog\nbase_path: {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    error = caught.value
    assert (error.file, error.line) == ("config.yml", 2)
    assert error.message.startswith("base_path: ")
    assert f"{named} does not belong in a URL path" in error.message


def test_base_path_keeps_legal_path_characters(project):
    project.config("base_path: /~ada/blog-2024/caf%C3%A9_(notes)/\n")
    assert load_config(project.root, environ={}).base_path == "/~ada/blog-2024/caf%C3%A9_(notes)"


def test_environment_overrides_variables_keeping_types(project):
    project.config("variables:\n  HF_OAUTH_CLIENT_ID: from-file\n  RETRIES: 2\n")
    config = load_config(
        project.root,
        environ={
            "SHINMUN_VAR_HF_OAUTH_CLIENT_ID": "from-ci",
            "SHINMUN_VAR_RETRIES": "5",
            "SHINMUN_VAR_NEW_ONE": "42",
            "UNRELATED": "x",
        },
    )
    assert config.variables == {"HF_OAUTH_CLIENT_ID": "from-ci", "RETRIES": 5, "NEW_ONE": "42"}


def test_environment_override_of_typed_value_must_be_json(project):
    project.config("variables:\n  RETRIES: 2\n")
    with pytest.raises(ConfigError, match="SHINMUN_VAR_RETRIES must be JSON"):
        load_config(project.root, environ={"SHINMUN_VAR_RETRIES": "two"})


@pytest.mark.parametrize("name", ["API_TOKEN", "client_secret", "DB_PASSWORD", "PRIVATE_KEY"])
def test_secret_like_variable_is_refused(project, name):
    project.config(f"title: Blog\nvariables:\n  OK: 1\n  {name}: abc\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.line == 4
    assert name in caught.value.message
    assert "published to every visitor" in caught.value.message


def test_secret_like_variable_allowed_explicitly(project):
    project.config("allow_secret_like_variables: true\nvariables:\n  PUBLIC_TOKEN: abc\n")
    assert load_config(project.root, environ={}).variables == {"PUBLIC_TOKEN": "abc"}


def test_secret_like_variable_from_environment_is_refused(project):
    project.config("title: Blog\n")
    with pytest.raises(ConfigError, match="HF_TOKEN"):
        load_config(project.root, environ={"SHINMUN_VAR_HF_TOKEN": "hf_abc"})


MEMO_CONFIG = (
    "title: Blog\nslug_version: 010\nposts_per_page: many\nvariables:\n  MODEL: a\n  N: 1.10\n"
)


def test_a_config_read_from_its_memo_is_the_config_read_from_the_file(project):
    """The parse kept for builds with nothing to do gives the same values, the same warnings
    and the same errors at the same lines; a changed text is read anew, never taken stale."""
    memo = project.root / ".shinmun-cache" / "config.marshal"
    project.config(MEMO_CONFIG)
    errors = []
    for _ in range(2):  # parsed, then from the memo
        with pytest.raises(ConfigError) as caught:
            load_config(project.root, environ={}, memo=memo)
        errors.append((caught.value.message, caught.value.line))
    assert memo.exists()
    assert errors[0] == errors[1] == (errors[0][0], 3)
    project.config(MEMO_CONFIG.replace("many", "5"))
    kept = []
    for _ in range(2):
        warnings: list[str] = []
        config = load_config(project.root, environ={}, warnings=warnings, memo=memo)
        kept.append((config, warnings))
    assert kept[0] == kept[1]
    assert kept[0][0] == load_config(project.root, environ={})
    config, warnings = kept[1]
    assert config.posts_per_page == 5
    assert config.variables == {"MODEL": "a", "N": 1.1}
    assert config.extra == {"slug_version": 8}
    assert "config.yml:2: unknown key 'slug_version'" in warnings[0]


def test_a_damaged_memo_or_a_config_it_cannot_hold_is_read_from_the_file(project):
    memo = project.root / ".shinmun-cache" / "config.marshal"
    memo.parent.mkdir()
    memo.write_bytes(b"\x00not marshal")
    project.config("title: Blog\nvariables:\n  SINCE: 2024-05-01\n")  # a date: marshal refuses
    for _ in range(2):
        config = load_config(project.root, environ={}, memo=memo)
        assert config.title == "Blog"
        assert config.variables == {"SINCE": datetime.date(2024, 5, 1)}
    project.config("title: Other\n")
    assert load_config(project.root, environ={}, memo=memo).title == "Other"
    assert load_config(project.root, environ={}, memo=memo).title == "Other"
