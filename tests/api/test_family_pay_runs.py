"""Regulations 7 to 9 through a real pay run: the PA record decides whether the Direct Payment may pay
the wages, the council's agreement (reg 8) lets a family member's pay through from the payday it covers,
and nothing lets a guardian's through (reg 9), whatever reason is given at finalising."""

from __future__ import annotations

import pytest

from dp_platform.audit.sentences import sentence
from tests.api.test_payroll_api import PERIOD_1, add_ailsa, base

pytestmark = pytest.mark.api

AGREED = {
    "ground": "availability",
    "person_agreed_on": "2026-04-01",
    "family_member_agreed_on": "2026-04-01",
    "authority_agreed_on": "2026-04-03",
    "starts_on": "2026-04-06",
}


async def _draft(api, world):
    drafted = await api.post(f"{base(world)}/pay-runs", headers=world.headers("ann"), json=PERIOD_1)
    assert drafted.status_code == 201, drafted.text
    return drafted.json()


def findings(run):
    return [finding for slip in run["payslips"] for finding in slip["findings"]]


async def _finalise(api, world, run, **body):
    return await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=world.headers("ann"), json=body)


async def test_a_family_member_is_paid_only_once_all_three_have_agreed(api, world):
    pa = await add_ailsa(api, world, relationship="family_member")
    run = await _draft(api, world)
    [finding] = findings(run)
    assert finding["blocking"] and finding["rule"] == "NAT-REG7-FAMILY"
    assert ["Self-directed Support (Direct Payments) (Scotland) Regulations 2014, regs 7 and 8",
            "https://www.legislation.gov.uk/ssi/2014/25/regulation/8"] in finding["sources"]  # fmt: skip
    refused = await _finalise(api, world, run, override_reason="She is the only one who can come at night.")
    assert refused.status_code == 422 and "regulation 8" in refused.json()["detail"]
    assert refused.json()["field"] == "payslips"
    agreements = f"{base(world)}/pas/{pa['id']}"
    late = await api.post(
        f"{agreements}/family-approval", headers=world.headers("worker_a"), json={**AGREED, "starts_on": "2026-05-04"}
    )
    assert late.status_code == 201 and findings(await _draft(api, world))  # covers the next payday, not this
    await api.post(
        f"{agreements}/family-approvals/{late.json()['id']}/withdraw",
        headers=world.headers("worker_a"),
        json={"on": "2026-05-04", "reason": "Recorded with the wrong first payday."},
    )
    missing = await api.post(
        f"{agreements}/family-approval", headers=world.headers("worker_a"), json={**AGREED, "ground": "other_factors"}
    )
    assert missing.status_code == 400 and missing.json()["field"] == "ground_detail"
    foreign = await api.post(f"{agreements}/family-approval", headers=world.headers("finance_b"), json=AGREED)
    assert foreign.status_code == 404  # another council's staff cannot even see the PA
    agreed = await api.post(f"{agreements}/family-approval", headers=world.headers("worker_a"), json=AGREED)
    assert agreed.status_code == 201, agreed.text
    unexplained = await api.post(
        f"{agreements}/family-approvals/{agreed.json()['id']}/withdraw",
        headers=world.headers("worker_a"),
        json={"on": "2026-05-04", "reason": "   "},
    )
    assert unexplained.status_code == 400 and unexplained.json()["field"] == "reason"
    listed = (await api.get(f"{agreements}/family-approvals", headers=world.headers("ann"))).json()
    assert [a["withdrawn_on"] for a in listed if a["id"] == agreed.json()["id"]] == [None]  # still in force
    run = await _draft(api, world)
    assert findings(run) == []
    assert (await _finalise(api, world, run)).status_code == 200
    trail = (
        await api.get(
            f"/api/audit-events?account_id={world.accounts['a1']}&action=pa.family_approved",
            headers=world.headers("finance_a"),
        )
    ).json()
    said = [sentence(event["action"], event["details"], "Fiona") for event in trail["items"]]
    assert any("from 6 April 2026 (regulation 8: availability)" in words for words in said), said


@pytest.mark.parametrize("power", ["guardian", "continuing_attorney", "welfare_attorney"])
async def test_a_guardian_or_attorney_is_never_paid_from_the_direct_payment(api, world, power):
    pa = await add_ailsa(api, world, relationship=power)
    run = await _draft(api, world)
    [finding] = findings(run)
    assert finding["rule"] == "NAT-REG9-GUARDIAN" and finding["decision"] == "not_allowed"
    assert any(url == "https://www.legislation.gov.uk/ssi/2014/25/regulation/9" for _, url in finding["sources"])
    refused = await _finalise(api, world, run, override_reason="The family agreed.")
    assert refused.status_code == 422 and "guardian" in refused.json()["detail"]
    agreement = await api.post(
        f"{base(world)}/pas/{pa['id']}/family-approval", headers=world.headers("worker_a"), json=AGREED
    )
    assert agreement.status_code == 400 and "reg 9" in agreement.json()["detail"]


async def test_a_pa_who_is_not_family_is_paid_with_no_agreement(api, world):
    await add_ailsa(api, world)
    run = await _draft(api, world)
    assert findings(run) == [] and (await _finalise(api, world, run)).status_code == 200


async def test_a_bank_payment_to_a_pa_is_decided_from_their_record_like_their_wages(api, world):
    from datetime import date

    from tests import statement_files as files
    from tests.api.test_statements_api import upload

    pa = await add_ailsa(api, world, full_name="Ewan Grant", relationship="family_member")
    lines = [(date(2026, 5, 8), "EWAN GRANT EXTRA HOURS", -12_000), (date(2026, 5, 9), "E GRANT CASH", -3_000)]
    assert (await upload(api, world, "ann", files.nationwide_csv(lines), "may.csv")).status_code == 201
    spend_lines = (await api.get(f"{base(world)}/spend-lines", headers=world.headers("ann"))).json()

    async def decided(description):
        [line] = [line for line in spend_lines if description in line["description"]]
        answer = await api.post(
            f"{base(world)}/statements/lines/{line['line_id']}/category",
            headers=world.headers("ann"),
            json={"category": "pa_wages"},  # the person says nothing of who Ewan is: his record does
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["decision"], answer.json()["rule_ids"]

    assert await decided("EWAN GRANT") == ("needs_approval", ["NAT-REG7-FAMILY"])
    agreed = await api.post(
        f"{base(world)}/pas/{pa['id']}/family-approval", headers=world.headers("worker_a"), json=AGREED
    )
    assert agreed.status_code == 201
    assert (await decided("E GRANT"))[0] == "allowed"
    await api.put(
        f"{base(world)}/pas/{pa['id']}/checks",
        headers=world.headers("ann"),
        json={"pvg_checked_on": "2024-03-20", "right_to_work_checked_on": "2024-03-20", "relationship": "guardian"},
    )
    assert await decided("EWAN GRANT") == ("not_allowed", ["NAT-REG9-GUARDIAN"])
