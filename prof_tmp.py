import asyncio, cProfile, pstats, time, os
from sqlalchemy.ext.asyncio import async_sessionmaker
from benchmarks.ledger import _scratch_database, _drop
from benchmarks.load import _seed
from benchmarks import card_authorisations as ca
from dp_platform.settings import Settings
from dp_platform.db.engine import create_engine
from dp_platform.cards.gateway import StripeGateway
from dp_platform.workflows.stripe_events import receive_webhook


async def main():
    server = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    url = await _scratch_database(server)
    await _seed(url)
    await ca._card(url)
    gateway = StripeGateway(Settings(stripe_secret_key="sk_x", stripe_webhook_secret=ca.WEBHOOK_SECRET))
    engine = create_engine(url, pool_size=2)
    maker = async_sessionmaker(engine, expire_on_commit=False)

    async def one(i):
        b, h = ca._signed(i)
        async with maker() as s, s.begin():
            await receive_webhook(s, gateway, b, h["Stripe-Signature"])

    for i in range(20):
        await one(i)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    for i in range(200):
        await one(i)
    pr.disable()
    print("per request ms", (time.perf_counter() - t) / 200 * 1000)
    pstats.Stats(pr).sort_stats("cumulative").print_stats(70)
    await engine.dispose()
    await _drop(server, url)


if __name__ == "__main__":
    asyncio.run(main())
