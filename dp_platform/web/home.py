"""The landing page: where a newcomer who opens the server's address finds their way."""

from __future__ import annotations

from litestar import Controller, MediaType, get

from dp_platform.auth.middleware import PUBLIC

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dp-platform</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
a{color:#0b4f8a}</style></head>
<body>
<main>
<h1>dp-platform</h1>
<p>One shared record of a Self-directed Support Option 1 Direct Payment: the agreement, the account's
ledger, PA payroll and an audit trail the employer and the authority both read.</p>
<ul>
<li><a href="/docs">API documentation</a> (OpenAPI, interactive)</li>
<li><a href="/docs/openapi.json">OpenAPI schema</a> (JSON)</li>
<li><a href="/health">Health</a>: database version and schema state</li>
</ul>
</main>
</body>
</html>
"""


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("", media_type=MediaType.HTML, operation_id="GetHome", opt={PUBLIC: True})
    async def home(self) -> str:
        return _PAGE
