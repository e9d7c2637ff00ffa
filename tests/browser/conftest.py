"""Browser tests: Debian's Chromium driven by Playwright (no browser download), each journey on its
own copy of the demo data, served by the app under test on 127.0.0.1 at a free port.

The demo is seeded once into a template database; each journey gets a copy (CREATE DATABASE ...
TEMPLATE), so journeys that change data never see each other's changes. Every page a journey
visits is checked by ``Visitor.check``: axe-core (no serious or critical violation), one h1, no id
in the text a person reads, and, at 320 px, nothing wider than the screen.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.engine import create_engine
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.demo import DEMO_PASSWORD, seed_demo
from dp_platform.demo_calendar import DemoCalendar
from dp_platform.settings import Settings
from dp_platform.tenancy.policy import SCOTTISH_TIME

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("DP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.dp_table-scroll .ds_table'))
    .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}
LAYOUTS = {
    "wide": (WIDE, True),
    "narrow-no-js": (NARROW, False),
}
"""Each journey runs twice: on a desktop with JavaScript, and at 320 px wide with JavaScript off."""


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat before the browser starts
        message = f"Chromium is not at {CHROMIUM}: apt-get install chromium (.ci/run installs it)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture(scope="session")
def demo_day() -> date:
    """The day the demo is seeded for; its story is told relative to it."""
    return datetime.now(SCOTTISH_TIME).date()


@pytest.fixture(scope="session")
def when(demo_day: date) -> DemoCalendar:
    """Where the demo's story falls: the journeys' dates are the story's, as written, told by this."""
    return DemoCalendar.for_day(demo_day)


@pytest.fixture(scope="session")
async def demo_template(make_database, demo_day: date) -> str:  # type: ignore[no-untyped-def]
    """A database holding the demo, never connected to again, so it can be copied."""
    url = await make_database("dp_demo_template")
    await upgrade_to_head(url)
    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            assert await seed_demo(session, today=demo_day)
    finally:
        await engine.dispose()
    return make_url(url).database  # type: ignore[return-value]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def site(demo_template: str, server_url: str, scratch_databases: list[str]) -> AsyncIterator[str]:
    """The app on a fresh copy of the demo, listening on 127.0.0.1; its base URL."""
    name = f"dp_demo_{os.getpid()}_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"')
    finally:
        await connection.close()
    scratch_databases.append(name)
    from dp_platform.app import create_app

    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, log_level="WARNING", db_pool_size=4))
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await asyncio.wait_for(serving, timeout=30)


@dataclass
class Visitor:
    """A person at the browser: one page, the checks every page gets, and screenshots for the README."""

    page: Page
    base: str
    layout: str
    auditor: Page
    """A page with JavaScript on, for running axe-core on what a JavaScript-off page shows."""
    checked: list[str] = field(default_factory=list)

    async def go(self, path: str) -> None:
        await self.page.goto(self.base + path)
        await self.check()

    async def check(self) -> None:
        page = self.page
        await page.wait_for_load_state("load")
        self.checked.append(page.url)
        assert await page.locator("h1").count() == 1, f"{page.url}: a page has exactly one h1"
        text = await page.locator("body").inner_text()
        assert not UUID.search(text), f"{page.url}: an id is shown to a person: {UUID.search(text)}"
        assert " pence" not in text and "_pence" not in text, f"{page.url}: pence shown"
        audited = page
        if page.context is not self.auditor.context:  # scripts are off here: check a copy of the same page
            audited = self.auditor
            await audited.set_content(await page.content(), wait_until="load")
        await audited.evaluate(AXE_SCRIPT)
        results = await audited.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
        )
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{page.url}: axe-core found {bad}"
        if self.layout.startswith("narrow"):
            width = await audited.evaluate("document.documentElement.scrollWidth")
            wide = await audited.evaluate(WIDER_THAN_SCREEN)
            assert width <= NARROW["width"], f"{page.url}: the page is {width}px wide at 320px (it must reflow): {wide}"

    async def click(self, name: str, role: str = "link") -> None:
        await self.page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]
        await self.check()

    async def press(self, name: str) -> None:
        await self.click(name, role="button")

    async def shows(self, text: str) -> None:
        body = await self.page.locator("body").inner_text()
        assert text in body, f"{self.page.url}: expected to read {text!r}"

    async def screenshot(self, name: str) -> None:
        """Taken on the desktop run only, into docs/screenshots when DP_SCREENSHOTS is set."""
        if os.environ.get("DP_SCREENSHOTS") and self.layout == "wide":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    async def sign_in(self, email: str) -> None:
        await self.go("/")
        await self.click("Sign in")
        await self.page.get_by_label("Email address").fill(email)
        await self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        await self.press("Sign in")


@pytest.fixture(params=sorted(LAYOUTS))
async def visitor(request: Any, browser: Browser, site: str) -> AsyncIterator[Visitor]:
    viewport, javascript = LAYOUTS[request.param]
    context = await browser.new_context(viewport=viewport, java_script_enabled=javascript, accept_downloads=True)
    page = await context.new_page()
    auditor = page
    if not javascript:
        auditor = await (await browser.new_context(viewport=viewport)).new_page()
        await auditor.goto(site + "/accessibility")  # same origin, so the copied page finds its styles
    for each in {page, auditor}:
        each.set_default_timeout(15_000)
    yield Visitor(page, site, request.param, auditor)
    await context.close()
    await auditor.context.close()
