"""Option 1 account ledgers: the bottom layer every other package posts into.

Imports nothing of ours. Public names are re-exported here; see ``__all__``.
"""

from ledgers.errors import DomainError, LedgerError
from ledgers.ids import new_id

__all__ = ["DomainError", "LedgerError", "new_id"]
