"""The ``dp-platform`` command: ``main`` builds the parser; each module holds one family of commands."""

from dp_platform.cli.main import main

__all__ = ["main"]
