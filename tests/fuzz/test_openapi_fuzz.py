"""Schemathesis against the served OpenAPI schema, once per role, each with its own copy of the demo.

Every generated request carries a real login's token, and the path parameters name the demo's real
account, agreement, PA, pay run, statement and so on for that role, so the generated bodies and
queries reach the handlers rather than stopping at "no such account". The run is bounded (a few
examples per operation, a fixed seed so CI is repeatable; DP_FUZZ_SEED and DP_FUZZ_EXAMPLES widen
it by hand) and must find no 5xx and no response that breaks the schema: undocumented status,
wrong content type, or a body that is not the documented shape. The app runs with the Stripe settings,
talking to the tests' own Stripe (``tests.stripe_fakes``), so the card routes are reached as well.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest

from dp_platform.demo import DEMO_PASSWORD
from tests.served import Served, demo_ids

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

ROLES = {
    "employer": ("morag@example.org", "DP-0001"),
    "bureau": ("payroll@thistle.example", "DP-0001"),
    "council-finance": ("finance@glenmore.example", "DP-0002"),
    "council-worker": ("worker@glenmore.example", "DP-0001"),
}
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SEED = os.environ.get("DP_FUZZ_SEED", "20261201")
EXAMPLES = os.environ.get("DP_FUZZ_EXAMPLES", "6")


def _config(ids: dict[str, object]) -> str:
    lines = ["[parameters]"]
    lines += [f'"path.{name}" = {value!r}'.replace("'", '"') for name, value in sorted(ids.items())]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("role", sorted(ROLES))
async def test_generated_requests_get_no_5xx_and_no_answer_outside_the_schema(
    served_with_cards: Served, role: str, tmp_path: Path
) -> None:
    served = served_with_cards  # cards on, against the tests' own Stripe, so their routes are fuzzed too
    email, reference = ROLES[role]
    async with httpx.AsyncClient(base_url=served.base) as client:
        login = await client.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(await demo_ids(served.database_url, email, reference)))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{served.base}/docs/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        "coverage,fuzzing",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--generation-database",
        "none",
        "--exclude-operation-id",
        "LogOut",  # it would end the token every other request carries
        "--workers",
        "1",  # two workers' threads can trip CPython 3.11's ast.parse inside Hypothesis (a SystemError)
        "--request-timeout",
        "30",
        "--no-color",
        "--report-dir",
        str(tmp_path / "report"),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    text = output.decode(errors="replace")
    assert process.returncode == 0, f"Schemathesis as {role} ({email}) found problems:\n{text[-12000:]}"
    assert "generated" in text and " passed" in text, text[-2000:]
