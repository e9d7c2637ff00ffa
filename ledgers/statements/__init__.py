"""Bank statements in: pure parsers (bytes in, lines out) for CSV, OFX and PDF, then storage."""
