"""The embedded PostgreSQL that makes ``dp-platform demo`` work on a machine with only Python.

The ``pgserver`` wheel bundles a real PostgreSQL server. Its data folder lives under
``Settings.data_dir`` and persists between runs; the server stops when the last process
using it exits. Run as root, pgserver starts PostgreSQL as its own ``pgserver`` system
user and hands it the data folder, so the folder must be one that user can own.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

from dp_platform.db.address import socket_url
from dp_platform.settings import ConfigurationError

EMBEDDED_DATABASE = "dp_platform"


def ensure_writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be written there."""
    probe = folder / ".dp-platform-write-probe"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigurationError(
            f"The data folder {folder} is not writable ({reason.lower()}); "
            f"set DP_DATA_DIR to a folder this user can write, or DP_DATABASE_URL to use a server."
        ) from None


def _server_log_tail(pgdata: Path) -> str:
    try:
        lines = (pgdata / "log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no server log was written"
    return lines[-1] if lines else "the server log is empty"


def start_embedded(data_dir: Path, database: str = EMBEDDED_DATABASE) -> str:
    """Start (or join) the embedded server, make sure ``database`` exists, return its URL."""
    pgdata = data_dir / "postgres"
    ensure_writable_folder(data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
        import pgserver
        from pgserver._commands import POSTGRES_BIN_PATH

        try:
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as error:
            raise ConfigurationError(
                f"The embedded PostgreSQL could not start in {pgdata} ({type(error).__name__}: "
                f"{_server_log_tail(pgdata)}); set DP_DATABASE_URL to use another server."
            ) from None
    socket_dir = str(server.get_postmaster_info().socket_dir)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database):
        raise ValueError(f"unsafe database name {database!r}")
    create = (
        f"SELECT 'CREATE DATABASE {database}' "  # noqa: S608 - the name was checked just above
        f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{database}')\\gexec\n"
    )
    result = subprocess.run(
        [
            str(POSTGRES_BIN_PATH / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            socket_dir,
            "-U",
            "postgres",
            "-d",
            "postgres",
        ],
        input=create,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ConfigurationError(
            f"The embedded PostgreSQL started but database {database} could not be created: "
            f"{result.stderr.strip() or 'psql failed'}."
        )
    return socket_url("postgresql+asyncpg", username="postgres", database=database, socket_dir=socket_dir)
