"""Where the tests keep what outlives a run (the embedded server's folder, mypy's cache): the user's cache
folder as the XDG base directory specification names it, never the checkout, so a new clone on the same
machine finds them."""

from __future__ import annotations

import os
from pathlib import Path

USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dp-platform"
