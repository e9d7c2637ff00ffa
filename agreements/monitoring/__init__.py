"""Monitoring an account against its agreement and the authority's local thresholds: the checks
that turn records into exceptions for the council (pure), and the thresholds each council sets.
"""
