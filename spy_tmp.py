import asyncio, os, subprocess, sys, time, signal
import httpx
from benchmarks.ledger import _scratch_database, _drop
from benchmarks.load import SECRET, _free_port, _hammer, _seed, _wait_healthy
from benchmarks import card_authorisations as ca


async def main():
    server_url = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    url = await _scratch_database(server_url)
    await _seed(url)
    await ca._card(url, 200)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DP_")}
    env.update(
        DP_DATABASE_URL=url,
        DP_JWT_SECRET=SECRET,
        DP_LOG_LEVEL="warning",
        DP_STRIPE_SECRET_KEY="sk_x",
        DP_STRIPE_WEBHOOK_SECRET=ca.WEBHOOK_SECRET,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "dp_platform.cli", "serve", "--workers", "1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as c:
        await _wait_healthy(c, time.monotonic() + 120)

    async def auth(client, n):
        b, h = ca._signed(n, 200)
        return await client.post("/api/stripe/webhooks", content=b, headers=h)

    await _hammer(20, 3, auth, base)
    spy = subprocess.Popen(
        [
            ".venv/bin/py-spy",
            "record",
            "-p",
            str(server.pid),
            "-d",
            "10",
            "-f",
            "raw",
            "-o",
            "/tmp/spy.txt",
            "--subprocesses",
            "--nonblocking",
        ]
    )
    await _hammer(20, 11, auth, base)
    spy.wait()
    server.send_signal(signal.SIGINT)
    server.wait()
    await _drop(server_url, url)


if __name__ == "__main__":
    asyncio.run(main())
