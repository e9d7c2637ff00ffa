"""Who belongs where: authorities, organisations, DP accounts, users and their roles."""
