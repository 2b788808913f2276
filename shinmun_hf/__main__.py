"""``python -m shinmun_hf`` is the ``shinmun`` command."""

import sys

from .cli import main

sys.exit(main())
