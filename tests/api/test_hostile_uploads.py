"""Hostile statement files through the API, with a health probe running beside each upload.

Every file gets a 4xx problem with a sentence, never a 5xx, or (a file over a megabyte) a job that
fails with the sentence and stores nothing; the server never stops answering
(``/health`` within a second throughout, the parser being in another process); and an ordinary
statement imports afterwards, so nothing was left broken.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from dp_platform import parsing
from dp_platform.jobs.statement_import import LARGE_STATEMENT_BYTES
from tests import hostile_files as hostile
from tests import statement_files as files

pytestmark = pytest.mark.api

CSV_HEAD = b"Number,Date,Account,Amount,Subcategory,Memo\n"
FILES = {
    "nested.ofx": lambda: hostile.NESTED_OFX,
    "drawing.pdf": hostile.drawing_pdf,
    "bomb.pdf": hostile.bomb_pdf,
    "million.csv": hostile.million_line_csv,
    "controls.csv": lambda: CSV_HEAD + b",06/04/2026,x,-1.00,P,SHOP\x00\x01\x02\n",
    "huge.csv": lambda: CSV_HEAD + b",06/04/2026,x,-92233720368547758.07,P,HUGE\n",
    "ancient.csv": lambda: CSV_HEAD + b",01/01/0001,x,-1.00,P,OLD\n",
    "far.csv": lambda: CSV_HEAD + b",31/12/9999,x,-1.00,P,FAR\n",
    "empty.pdf": lambda: b"%PDF-1.4\n%%EOF\n",
    "binary.csv": lambda: bytes(range(256)) * 64,
}


async def _probe_health_until(api, finished) -> float:  # type: ignore[no-untyped-def]
    """Ask /health every 50 ms until ``finished()`` says so; the slowest answer, in seconds."""
    slowest = 0.0
    for _ in range(2400):
        outcome = finished()
        if outcome if isinstance(outcome, bool) else await outcome:
            return slowest
        started = time.perf_counter()
        health = await api.get("/health")
        slowest = max(slowest, time.perf_counter() - started)
        assert health.status_code == 200
        await asyncio.sleep(0.05)
    raise AssertionError("still going after two minutes")


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.slow
async def test_a_hostile_file_is_a_4xx_or_a_failed_job_while_the_server_keeps_answering(api, world, monkeypatch, name):
    monkeypatch.setattr(parsing, "PARSE_SECONDS", 2)  # the drawing PDF would take a minute and a half
    data = FILES[name]()
    upload = asyncio.create_task(
        api.post(
            f"/api/accounts/{world.accounts['a1']}/statements",
            headers=world.headers("ann"),
            files={"file": (name, data)},
        )
    )
    slowest = await _probe_health_until(api, upload.done)
    response = await upload
    if len(data) > LARGE_STATEMENT_BYTES:
        assert response.status_code == 202, response.text
        job = None

        async def followed() -> bool:
            nonlocal job
            job = (await api.get(response.headers["location"], headers=world.headers("ann"))).json()
            return job["status"] in ("done", "failed")

        slowest = max(slowest, await _probe_health_until(api, followed))
        assert job is not None and job["status"] == "failed" and job["error"], job
    else:
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert slowest < 1.0
    monkeypatch.undo()  # the ordinary statement has the time any upload has
    ordinary = await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements",
        headers=world.headers("ann"),
        files={"file": ("april.csv", files.lloyds_csv())},
    )
    assert ordinary.status_code == 201, ordinary.text
