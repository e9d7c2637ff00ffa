"""Authentication: passwords, tokens and API keys."""
