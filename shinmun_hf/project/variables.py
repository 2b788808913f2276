"""``config.yml`` ``variables:`` published to the browser as ``window.KEY`` globals.

Values keep their JSON types and are made HTML-safe: ``<``, ``>``, ``&``, U+2028 and U+2029 are
escaped, so a value containing ``</script>`` or ``<!--`` cannot break out of the tag.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .config_options import VARIABLE_NAME

if TYPE_CHECKING:
    from markupsafe import Markup

__all__ = ["script_safe_json", "variables_script_tag"]

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_TABLE = str.maketrans(_ESCAPES)


def script_safe_json(value: Any, *, name: str = "value") -> str:
    """JSON that is also safe to place inside an HTML ``<script>`` element."""
    try:
        text = json.dumps(
            _plain(value, name), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    except ValueError:
        raise ConfigError(
            f"variable '{name}' holds NaN or infinity, which JSON cannot carry", file="config.yml"
        ) from None
    return text.translate(_TABLE)


def variables_script_tag(variables: Mapping[str, Any]) -> Markup:
    """One ``<script>`` setting ``window.KEY = value;`` for each variable."""
    from markupsafe import Markup  # (here: the config's checks import this module too)

    lines = []
    for key, value in variables.items():
        if not isinstance(key, str) or not VARIABLE_NAME.match(key):
            raise ConfigError(
                f"variable name {key!r} is not a valid JavaScript identifier", file="config.yml"
            )
        lines.append(f"window.{key} = {script_safe_json(value, name=key)};")
    if not lines:
        return Markup("")
    return Markup("<script>\n" + "\n".join(lines) + "\n</script>")


def _plain(value: Any, name: str) -> Any:
    """YAML values JSON does not know (dates) become ISO strings; the rest must be JSON types."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v, name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, name) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(name)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ConfigError(
        f"variable '{name}' has a value of type {type(value).__name__}, "
        "which cannot be published as JSON",
        file="config.yml",
    )
