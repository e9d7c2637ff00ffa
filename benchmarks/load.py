"""Load benchmark: the HTTP server under concurrent clients, with one web process and with several.

    .venv/bin/python -m benchmarks.load [--seconds 15] [--clients 8] [--workers 1 4]

For each worker count: a scratch database with the demo data, ``dp-platform serve --workers N`` on
a free loopback port, one login, then for ``--seconds`` each: ``--clients`` concurrent clients
reading one account's ledger (``GET …/ledger``) as fast as answers come, then posting entries to
one account (``POST …/ledger/entries``, each with its own idempotency key). Prints requests per
second, the median and 99th-percentile latency, errors, and the machine's load beside each figure.
The clients run in this process on the same machine, so they take CPU from the server: the
figures are for this machine as a whole, not the server alone. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx

from benchmarks.ledger import _drop, _scratch_database
from dp_platform.db.embedded import start_embedded
from dp_platform.settings import load_settings

POSTING_AIM_PER_SECOND = 300
POSTING_AIM_P99_SECONDS = 0.1
SECRET = uuid.uuid4().hex * 2
"""A throwaway signing secret for the server under test (it refuses none of its addresses then)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _seed(url: str) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.demo import seed_demo

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            await seed_demo(session)
    finally:
        await engine.dispose()


async def _wait_healthy(client: httpx.AsyncClient, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.3)
    raise SystemExit("the server did not become healthy")


async def _hammer(
    clients: int, seconds: float, request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]], base: str
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def one_client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await request(client, next(counter))
                latencies.append(time.perf_counter() - started)
                errors += response.status_code >= 400

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return len(latencies), latencies, errors


def _report(label: str, workers: int, done: int, latencies: list[float], errors: int, seconds: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    aim = ""
    if label.startswith("POST"):
        hit = done / seconds >= POSTING_AIM_PER_SECOND and p99 < POSTING_AIM_P99_SECONDS
        aim = f" (aim at 8 concurrent: >= {POSTING_AIM_PER_SECOND}/s, p99 < 100 ms: {'hit' if hit else 'missed'})"
    print(
        f"{label:<34} workers={workers}: {done / seconds:7.1f} req/s, "
        f"median {statistics.median(ordered) * 1000:6.1f} ms, p99 {p99 * 1000:7.1f} ms, {errors} errors; "
        f"load {os.getloadavg()[0]:.2f}{aim}"
    )


async def measure(server_url: str, workers: int, clients: int, seconds: float) -> None:
    url = await _scratch_database(server_url)
    await _seed(url)
    port = _free_port()
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DP_")}
    environ.update(DP_DATABASE_URL=url, DP_JWT_SECRET=SECRET, DP_LOG_LEVEL="warning")
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any timing
        [sys.executable, "-m", "dp_platform.cli", "serve", "--workers", str(workers), "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await _wait_healthy(client, time.monotonic() + 120)
            from dp_platform.demo import DEMO_PASSWORD

            login = await client.post("/api/auth/login", json={"email": "morag@example.org", "password": DEMO_PASSWORD})
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            account = (await client.get("/api/accounts", headers=headers)).json()[0]["id"]
        ledger = f"/api/accounts/{account}/ledger"
        run = uuid.uuid4().hex[:8]

        async def read(client: httpx.AsyncClient, _: int) -> httpx.Response:
            return await client.get(ledger, headers=headers)

        async def write(client: httpx.AsyncClient, number: int) -> httpx.Response:
            body = {
                "occurred_on": "2026-11-02",
                "narration": f"Load test payment {number}",
                "idempotency_key": f"load-{run}-{number}",
                "postings": [
                    {"account": "expenses:activities", "amount_pence": 100},
                    {"account": "assets:bank:dp_account", "amount_pence": -100},
                ],
            }
            return await client.post(f"{ledger}/entries", headers=headers, json=body)

        for label, request in (("GET ledger (one account)", read), ("POST entries (one account)", write)):
            done, latencies, errors = await _hammer(clients, seconds, request, base)
            _report(label, workers, done, latencies, errors, seconds)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        await _drop(server_url, url)


async def run(workers: list[int], clients: int, seconds: float) -> None:
    settings = load_settings(os.environ)
    server_url = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; {clients} clients"
    )
    for count in workers:
        await measure(server_url, count, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    asyncio.run(run(args.workers, args.clients, args.seconds))


if __name__ == "__main__":
    main()
