"""What a person reads cites public sources, never a file of this repository (issue #17: payslips
and the agreement once cited the project's own reference notes). Checked over the demo's agreement
(HTML and PDF), a payslip, the spend rules and taxonomy, and the API schema."""

from __future__ import annotations

import io
import re

import httpx
import pdfplumber
import pytest

from dp_platform.demo import DEMO_PASSWORD
from payroll.rates import all_series
from tests.served import Served

pytestmark = pytest.mark.api

REPOSITORY_PATH = re.compile(
    r"shared/reference|reference/\w+\.md|\b(?:docs|ledgers|payroll|agreements|dp_platform|tests)/[\w/.-]+"
    r"|\b[\w-]+\.(?:md|toml|py)\b"
)


async def _ok(response: httpx.Response) -> None:
    assert response.status_code in (200, 201), f"{response.request.url}: {response.status_code}"


def _text_of_pdf(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_pattern_finds_what_it_looks_for() -> None:
    for cited in (
        "shared/reference/payroll.md §3",
        "see docs/reference/stripe.md",
        "payroll/holiday.py",
        "national.toml",
    ):
        assert REPOSITORY_PATH.search(cited), cited
    for plain in ("Statutory guidance 2014, s.11", "https://www.gov.scot/Publications/2014/04/5438/11", "£1,234.56"):
        assert not REPOSITORY_PATH.search(plain), plain


async def test_no_document_or_answer_a_person_reads_names_a_file_of_the_repository(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base, timeout=60, event_hooks={"response": [_ok]}) as client:
        login = await client.post("/api/auth/login", json={"email": "morag@example.org", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        [account] = (await client.get("/api/accounts", headers=headers)).json()[:1]
        base = f"/api/accounts/{account['id']}"
        read: dict[str, str] = {}
        for agreement in (await client.get(f"{base}/agreements/", headers=headers)).json():
            number = agreement["in_force_version"] or 1
            page = f"{base}/agreements/{agreement['id']}/versions/{number}"
            read[f"agreement {agreement['reference']} (HTML)"] = (
                await client.get(f"{page}/html", headers=headers)
            ).text
            pdf = await client.get(f"{page}/pdf", headers=headers)
            read[f"agreement {agreement['reference']} (PDF)"] = _text_of_pdf(pdf.content)
        runs = (await client.get(f"{base}/pay-runs", headers=headers)).json()
        finalised = [run for run in runs if run["status"] == "finalised"]
        assert finalised, "the demo has a finalised pay run"
        run = (await client.get(f"{base}/pay-runs/{finalised[0]['id']}", headers=headers)).json()
        for payslip in run["payslips"]:
            pdf = await client.get(f"{base}/pay-runs/{run['id']}/payslips/{payslip['pa_id']}/pdf", headers=headers)
            read[f"payslip {payslip['pa_id']}"] = _text_of_pdf(pdf.content)
        read["spend categories and rules"] = (await client.get("/api/spend-categories", headers=headers)).text
        read["the account's spend rules"] = (await client.get(f"{base}/spend-rules", headers=headers)).text
        read["the API schema"] = (await client.get("/docs/openapi.json")).text
        read["the agreement templates, their sources and defaults"] = (
            await client.get("/api/agreement-templates", headers=headers)
        ).text
        ailsa = await client.post("/api/auth/login", json={"email": "ailsa@example.org", "password": DEMO_PASSWORD})
        mine = {"Authorization": f"Bearer {ailsa.json()['access_token']}"}
        [job] = (await client.get("/api/me/jobs", headers=mine)).json()
        read["a PA's own pay"] = (await client.get("/api/me/jobs", headers=mine)).text
        slip = await client.get(
            f"/api/me/jobs/{job['pa_id']}/payslips/{job['payslips'][0]['run_id']}/pdf", headers=mine
        )
        read["a PA's own payslip"] = _text_of_pdf(slip.content)
    read["every rate's sources"] = "\n".join(
        f"{value.effective_from} {source.title} {source.url}"
        for rates in all_series()
        for value in rates.values
        for source in value.sources
    )
    assert len(read) >= 10
    assert all(len(text) > 500 for text in read.values()), {what: len(text) for what, text in read.items()}
    found = {what: REPOSITORY_PATH.findall(text) for what, text in read.items()}
    assert not {what: paths for what, paths in found.items() if paths}, found
