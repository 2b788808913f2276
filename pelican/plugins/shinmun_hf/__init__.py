"""The Pelican plugin: ``PLUGINS = ["shinmun_hf"]`` (see shinmun_hf.integrations.pelican_plugin)."""

from shinmun_hf.integrations.pelican_plugin import register

__all__ = ["register"]
