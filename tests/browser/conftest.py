"""Browser tests: Debian's Chromium driven by Playwright (no browser download), each journey on its
own copy of the demo data, served by the app under test on 127.0.0.1 at a free port.

The serving is tests/served.py's: each journey has its own copy of the demo. Every page a journey
visits is checked by ``Visitor.check``: one h1, no id in the text a person reads, axe-core (no
serious or critical violation) and, at 320 px, nothing wider than the screen; the last two not again
for a page already passed with the same content and layout.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from dp_platform.demo import DEMO_PASSWORD
from dp_platform.demo.calendar import DemoCalendar
from tests.served import Served

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
AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload: false})"
)
"""``preload: false``: axe-core otherwise reads every style sheet into a CSSOM before each run, for the one rule
that needs it (css-orientation-lock), which is experimental and so not among these tags. The same 90 rules run
on the same elements either way; the preload was a quarter of each audit."""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ONE_TIME_VALUE = re.compile(r'(name="(?:_csrf_token|idempotency_key)" value=)"[^"]*"')
"""A form's one-time values (its CSRF token, its idempotency key): what differs between two visits to the
same page, left out of the key a page's checks are remembered by."""
AXE_PASSED: set[tuple[str, str]] = set()
"""Pages (layout, content) whose axe-core and width checks passed in this test process. The same page
reached again (the sign-in page, an account's overview) gives the same findings, so it is checked once:
a quarter of the visits."""
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
def when(demo_day: date) -> DemoCalendar:
    """Where the demo's story falls: the journeys' dates are the story's, as written, told by this."""
    return DemoCalendar.for_day(demo_day)


@pytest.fixture
def site(served: Served) -> str:
    """The base URL of the app on a fresh copy of the demo."""
    return served.base


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
        html = await page.content()
        seen = (self.layout, hashlib.sha256(ONE_TIME_VALUE.sub(r'\1""', html).encode()).hexdigest())
        if seen in AXE_PASSED:  # the same content at the same size: the same findings and the same width
            return
        audited = page
        if page.context is not self.auditor.context:  # scripts are off here: check a copy of the same page
            audited = self.auditor
            await audited.set_content(html, wait_until="load")
        await self.audit(audited)
        if self.layout.startswith("narrow"):
            width = await audited.evaluate("document.documentElement.scrollWidth")
            wide = await audited.evaluate(WIDER_THAN_SCREEN)
            assert width <= NARROW["width"], f"{page.url}: the page is {width}px wide at 320px (it must reflow): {wide}"
        AXE_PASSED.add(seen)

    async def audit(self, audited: Page) -> None:
        """axe-core's serious and critical findings, of which there must be none. The auditor page keeps
        axe-core between the copies it is given (``set_content`` keeps the window), so it is loaded there
        once: loading it is a quarter of an audit's time."""
        if await audited.evaluate("typeof axe === 'undefined'"):
            await audited.evaluate(AXE_SCRIPT)
        results = await audited.evaluate(AXE_RUN, AXE_TAGS)
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{self.page.url}: axe-core found {bad}"

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
