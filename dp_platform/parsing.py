"""Statement files are read in worker processes, never in the server's own.

A file is whatever anyone uploads: a PDF of tiny drawing commands can keep a parser busy for
minutes, a compressed stream can unpack to gigabytes, and a deep enough document can crash a C
parser outright. Read in a separate process with a time limit and a memory ceiling, such a file
costs that worker (replaced at once) and a clear refusal, while the server goes on answering,
``/health`` included. The worker returns the parsed lines, or the parser's own refusal.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ledgers.errors import StatementError
from ledgers.statements.csv_import import CsvProfile
from ledgers.statements.model import ParsedStatement
from ledgers.statements.parse import parse_statement

PARSE_SECONDS = 60
"""The longest a file may take to read; a bank's statement of a year takes well under a second."""
WORKER_MEMORY_BYTES = 2 * 1024**3
WORKERS = 2

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _limit_memory() -> None:
    """Run in each worker as it starts: an unpacking bomb fails there with MemoryError, not the machine."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _read(
    data: bytes, file: str, format: str | None, profile: str | None, saved: Mapping[str, CsvProfile]
) -> ParsedStatement:
    try:
        return parse_statement(data, file, format=format, profile=profile, saved=saved)
    except StatementError:
        raise
    except MemoryError:
        raise StatementError(file, 1, "file", "reading it needs more memory than any statement does") from None
    except Exception as error:  # a parser library failing on a damaged file, in any of its ways
        raise StatementError(file, 1, "file", f"it could not be read ({type(error).__name__})") from None


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                ["ledgers.statements.parse", "ledgers.statements.pdf_import", "ledgers.statements.ofx_import"]
            )
            _pool = ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_limit_memory)
        return _pool


def _replace(pool: ProcessPoolExecutor) -> None:
    """A worker that crashed or ran out of time is ended, and the next file gets a fresh pool."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def parse_in_worker(
    data: bytes,
    file: str,
    *,
    format: str | None = None,
    profile: str | None = None,
    saved: Mapping[str, CsvProfile] | None = None,
) -> ParsedStatement:
    pool = _executor()
    reading = asyncio.get_running_loop().run_in_executor(pool, _read, data, file, format, profile, dict(saved or {}))
    try:
        return await asyncio.wait_for(reading, PARSE_SECONDS)
    except TimeoutError:
        _replace(pool)
        raise StatementError(
            file, 1, "file", f"reading it took longer than {PARSE_SECONDS} seconds; no bank's statement does"
        ) from None
    except BrokenProcessPool:
        _replace(pool)
        raise StatementError(
            file, 1, "file", "it crashed the reader; it is not a statement this platform can read"
        ) from None


async def shut_down() -> None:
    """The server is stopping: end the workers and wait for the pool's own thread to finish, so that
    nothing of it is left running when the interpreter exits (one left running raced Python's exit
    hook for its pipe and printed a traceback on Ctrl-C)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
