"""The API documentation renders with nothing but the app: every request outside 127.0.0.1 is
refused, as it would be on a machine without internet."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.async_api import Browser, Route

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_the_api_docs_render_without_the_internet(browser: Browser, site: str) -> None:
    context = await browser.new_context()
    outside: list[str] = []

    async def only_here(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_here)
    page = await context.new_page()
    await page.goto(site + "/docs")
    title = page.locator(".swagger-ui .info .title")
    await title.wait_for(timeout=15_000)
    assert "dp-platform" in await title.inner_text()
    for section in ("Access", "Agreements", "Payroll", "People", "My pay", "Platform"):  # every section is drawn
        await page.locator(".opblock-tag", has_text=section).first.wait_for()
    await page.locator(".opblock-tag", has_text="Payroll").first.click()  # folded until opened
    await page.get_by_text("/api/accounts/{account_id}/pay-runs", exact=True).first.wait_for()
    assert outside == []
    await context.close()
