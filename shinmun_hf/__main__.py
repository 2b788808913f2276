"""``python -m shinmun_hf`` is the ``shinmun`` command."""

from .cli import run

run()
