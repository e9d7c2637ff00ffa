"""Schemathesis against the served OpenAPI schema, once per role, each with its own copy of the demo.

Every generated request carries a real login's token, and the path parameters name the demo's real
account, agreement, PA, pay run, statement and so on for that role, so the generated bodies and
queries reach the handlers rather than stopping at "no such account". The run is bounded: a few
examples per operation, a fixed seed so CI is repeatable, each operation's coverage cases sent by one
role that may use it (DP_FUZZ_SEED, DP_FUZZ_EXAMPLES and DP_FUZZ_FULL=1, every role sending every
coverage case, widen it by hand). It must find no 5xx and no response that breaks the schema: an
undocumented status, a wrong content type, or a body that is not the documented shape. The app runs
with the Stripe settings, talking to the tests' own Stripe (``tests.stripe_fakes``), so the card
routes are reached as well.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from dp_platform.demo import DEMO_PASSWORD
from tests.served import Served, demo_ids

ROLES = {
    "employer": ("morag@example.org", "DP-0001"),
    "bureau": ("payroll@thistle.example", "DP-0001"),
    "council-finance": ("finance@glenmore.example", "DP-0002"),
    "council-worker": ("worker@glenmore.example", "DP-0001"),
}
COVERAGE_BY_ROLE = {
    "employer": ("Access", "Audit", "Ledger", "My pay", "Platform"),
    "bureau": ("Client accounts", "Payroll"),
    "council-worker": ("Agreements", "People", "Spending"),
    "council-finance": ("Cards and card payments", "Monitoring"),
}
"""Whose token sends each tag's coverage cases (every parameter's edges, which cost four times the
fuzzing's random requests): each tag's once, by a role that may use its operations. Every role
sends the fuzzing phase's random requests to every operation: 6 to its own tags', 3 to the others'."""
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SEED = os.environ.get("DP_FUZZ_SEED", "20261201")
EXAMPLES = os.environ.get("DP_FUZZ_EXAMPLES", "6")
OTHERS_EXAMPLES = max(1, int(EXAMPLES) // 2)
"""Random requests a role sends each operation of another role's tags: half as many (most are refused the
same way, by who the role is), so each operation gets its own role's 6 and three others' 3."""


def _config(ids: dict[str, object], role: str) -> str:
    lines = ["[parameters]"]
    lines += [f'"path.{name}" = {value!r}'.replace("'", '"') for name, value in sorted(ids.items())]
    if os.environ.get("DP_FUZZ_FULL"):
        return "\n".join(lines) + "\n"
    others = sorted(tag for each, tags in COVERAGE_BY_ROLE.items() if each != role for tag in tags)
    lines += ["", "[[operations]]", "include-tag = [" + ", ".join(f'"{tag}"' for tag in others) + "]"]
    lines += ["phases.coverage.enabled = false", f"generation.max-examples = {OTHERS_EXAMPLES}"]
    return "\n".join(lines) + "\n"


def test_each_tags_coverage_cases_are_sent_by_exactly_one_role(app: Litestar) -> None:
    """A new tag left out of the plan would get no coverage cases at all; this says so."""
    paths = app.openapi_schema.to_schema()["paths"]
    tags = {tag for item in paths.values() for operation in item.values() for tag in operation.get("tags", ())}
    planned = [tag for each in COVERAGE_BY_ROLE.values() for tag in each]
    assert sorted(planned) == sorted(set(planned)), "a tag is planned for two roles"
    assert set(planned) == tags
    assert set(COVERAGE_BY_ROLE) == set(ROLES)


@pytest.mark.fuzz
@pytest.mark.slow
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
    config.write_text(_config(await demo_ids(served.database_url, email, reference), role))
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
