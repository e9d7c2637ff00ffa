"""Schemathesis against the served OpenAPI schema, once per role, each with its own copy of the demo.

Every generated request carries a real login's token, and the path parameters name the demo's real
account, agreement, PA, pay run, statement and so on for that role, so the generated bodies and
queries reach the handlers rather than stopping at "no such account". The run is bounded (a few
examples per operation, a fixed seed so CI is repeatable; DP_FUZZ_SEED and DP_FUZZ_EXAMPLES widen
it by hand) and must find no 5xx and no response that breaks the schema: undocumented status,
wrong content type, or a body that is not the documented shape.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest

from dp_platform.db.connect import asyncpg_dsn
from dp_platform.demo import DEMO_PASSWORD
from tests.served import Served

pytestmark = pytest.mark.fuzz

ROLES = {
    "employer": ("morag@example.org", "DP-0001"),
    "bureau": ("payroll@thistle.example", "DP-0001"),
    "council-finance": ("finance@glenmore.example", "DP-0002"),
    "council-worker": ("worker@glenmore.example", "DP-0001"),
}
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SEED = os.environ.get("DP_FUZZ_SEED", "20261201")
EXAMPLES = os.environ.get("DP_FUZZ_EXAMPLES", "6")

_IDS = {
    "agreement_id": "SELECT id FROM agreement_agreements WHERE account_id = $1 ORDER BY created_at",
    "template_key": "SELECT template_key FROM agreement_agreements WHERE account_id = $1",
    "pa_id": "SELECT id FROM payroll_personal_assistants WHERE employer_account_id = $1 ORDER BY full_name",
    "run_id": "SELECT id FROM payroll_pay_runs WHERE employer_account_id = $1 ORDER BY period_number",
    "statement_id": "SELECT id FROM ledger_statements WHERE book_id = $1 ORDER BY end_on DESC",
    "line_id": "SELECT id FROM ledger_statement_lines WHERE book_id = $1 ORDER BY value_on DESC",
    "entry_id": "SELECT id FROM ledger_journal_entries WHERE book_id = $1 ORDER BY occurred_on DESC",
    "review_id": "SELECT id FROM ledger_spend_reviews WHERE book_id = $1 ORDER BY created_at",
    "mandate_id": "SELECT id FROM platform_mandates WHERE account_id = $1",
    "recovery_id": "SELECT r.id FROM agreement_recoveries r JOIN agreement_agreements a ON a.id = r.agreement_id"
    " WHERE a.account_id = $1",
}


async def _real_ids(database_url: str, email: str, reference: str) -> dict[str, str]:
    """The ids this role's requests should name: the demo's own, so the handlers behind them run."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        account_id, authority_id = await connection.fetchrow(
            "SELECT id, authority_id FROM platform_dp_accounts WHERE reference = $1", reference
        )
        ids = {"account_id": str(account_id), "authority_id": str(authority_id), "number": 1}
        for name, query in _IDS.items():
            value = await connection.fetchval(query + " LIMIT 1", account_id)
            if value is not None:
                ids[name] = str(value)
        organisation_id = await connection.fetchval(
            "SELECT organisation_id FROM platform_users WHERE email = $1", email
        )
        if organisation_id is not None:
            ids["organisation_id"] = str(organisation_id)
            key_id = await connection.fetchval(
                "SELECT id FROM platform_api_keys WHERE organisation_id = $1 LIMIT 1", organisation_id
            )
            if key_id is not None:
                ids["key_id"] = str(key_id)
    finally:
        await connection.close()
    return ids


def _config(ids: dict[str, object]) -> str:
    lines = ["[parameters]"]
    lines += [f'"path.{name}" = {value!r}'.replace("'", '"') for name, value in sorted(ids.items())]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("role", sorted(ROLES))
async def test_generated_requests_get_no_5xx_and_no_answer_outside_the_schema(
    served: Served, role: str, tmp_path: Path
) -> None:
    email, reference = ROLES[role]
    async with httpx.AsyncClient(base_url=served.base) as client:
        login = await client.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(await _real_ids(served.database_url, email, reference)))
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
        "2",
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
