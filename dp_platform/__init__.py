"""dp-platform: the top layer. HTTP, auth, tenancy, audit trail, settings and workflows.

Composes ``agreements``, ``payroll`` and ``ledgers``; nothing below imports it.
"""
