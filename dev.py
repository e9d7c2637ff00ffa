#!/usr/bin/env python3
"""Bootstrap for a fresh checkout: the only thing a newcomer needs is Python 3.11+.

`python3 dev.py demo` and `python3 dev.py test` create `.venv` beside this file,
install the project into it (again only when pyproject.toml changed), and run the
demo or the test suite there. Any other arguments go to the `dp-platform` command.

The browser tests drive Debian's Chromium (/usr/bin/chromium). When it is missing,
`test` installs it with apt-get if it can (as root on Debian); otherwise those tests
are skipped, saying why, outside CI and fail in CI.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".dp-platform-installed"


def _fail(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr)
    raise SystemExit(2)


def _ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on old Pythons to say so
        _fail(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"dev.py: creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing dp-platform and its test tools into .venv (pyproject.toml is new or changed)", flush=True)
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--editable",
            f"{ROOT}[test]",
        ],
        check=True,
    )
    STAMP.write_text(wanted)


CHROMIUM = Path("/usr/bin/chromium")


def _ensure_chromium() -> None:
    if CHROMIUM.exists() or os.environ.get("DP_CHROMIUM"):
        return
    apt = Path("/usr/bin/apt-get")
    if not apt.exists() or not hasattr(os, "geteuid") or os.geteuid() != 0:
        print(
            "dev.py: Chromium is not installed, so the browser tests will be skipped "
            "(install it with: apt-get install chromium)",
            flush=True,
        )
        return
    print("dev.py: installing Debian's Chromium for the browser tests (apt-get install chromium)", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    subprocess.run([str(apt), "update", "-qq"], check=False, **quiet)  # type: ignore[call-overload]
    subprocess.run([str(apt), "install", "-y", "-qq", "chromium"], check=False, **quiet)  # type: ignore[call-overload]
    if not CHROMIUM.exists():
        print("dev.py: Chromium could not be installed; the browser tests will be skipped", flush=True)


def _in_parallel(args: list[str]) -> list[str]:
    """A worker a core (pytest-xdist), each with its own scratch database on the same server, unless the
    arguments already say how many (``-n 0`` runs in this process, for a debugger)."""
    if any(arg == "-n" or arg.startswith(("-n", "--numprocesses", "--dist")) for arg in args):
        return []
    return ["-n", "auto", "--dist", "worksteal"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    _ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "test":
        _ensure_chromium()
        args = [str(BIN / "python"), "-m", "pytest", *_in_parallel(rest), *rest]
    else:
        args = [str(BIN / "dp-platform"), command, *rest]
    os.chdir(ROOT)
    os.execv(args[0], args)  # noqa: S606
    return 0  # unreachable: execv replaces this process


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
