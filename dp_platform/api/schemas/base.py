"""The base every API schema derives from, so the JSON conventions are set once."""

from __future__ import annotations

import msgspec


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """snake_case field names, unknown request fields rejected rather than silently dropped."""
