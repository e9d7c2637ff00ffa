"""Two ways to run the dp-platform command in a test.

``run_cli`` starts it as a person does, in its own Python: for what only a process shows (exit status
on a bad setting, the web server, Ctrl-C). ``run_cli_here`` calls the same ``main`` in this process,
with the same arguments and environment, and captures what it prints: for what a command does with
the database, without a Python start (about a second each) per command.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys


def cli_environ(**overrides: str) -> dict[str, str]:
    """This process's environment without its DP_ settings, then the test's own."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DP_")}
    environ.update(overrides)
    return environ


def run_cli(*args: str, timeout: float = 120, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dp_platform.cli", *args],
        env=cli_environ(**environ),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_cli_here(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """Not on a running event loop (the commands run their own): call it through ``asyncio.to_thread``."""
    from dp_platform.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args), environ=cli_environ(**environ))
        except SystemExit as exit_:  # argparse's refusals
            status = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["dp-platform", *args], status, out.getvalue(), err.getvalue())
