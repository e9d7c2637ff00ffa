"""Use cases that span packages or add the platform's duties (access, audit) to a domain call.

Each takes the caller's session and never commits: the request (or the CLI) owns the
transaction, so the change and its audit event land together or not at all.
"""
