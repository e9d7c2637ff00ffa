"""The audit trail shared by employer and authority: append-only, hash-chained per account."""
