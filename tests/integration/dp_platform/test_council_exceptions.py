"""The council's checks read from a real database: a case file of accounts, each built with one
thing wrong (or nothing), yields exactly the expected exceptions with their evidence.

Dates follow the day the tests run, so the records are as recent as the checks expect.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.catalogue import Check
from agreements.monitoring.due_dates import hmrc_due_on
from agreements.monitoring.service import set_threshold
from agreements.monitoring.thresholds import LocalThreshold, Threshold
from agreements.payments import agreements_in_force, record_received
from agreements.service import load_agreement
from agreements.tables import AgreementRow, AgreementVersionRow
from agreements.terms import parse_terms, terms_to_dict
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.monitoring import check_accounts
from ledgers.accounts import AccountCode
from ledgers.categories.tables import LineCategoryRow, SpendReviewRow
from ledgers.chart import DP_BANK
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.money import Money
from ledgers.service import open_book, post_entry
from ledgers.tables import StatementLineRow, StatementRow
from payroll.service import HMRC_DUE
from payroll.tables import (
    FamilyApprovalRow,
    PayrollEmployerRow,
    PayRunRow,
    PayslipRow,
    PersonalAssistantRow,
    TimesheetEntryRow,
)
from tests.unit.agreements.terms_example import morag

pytestmark = pytest.mark.integration

TODAY = date.today()  # noqa: DTZ011 - the checks work in whole days
STARTS = TODAY - timedelta(days=84)
"""Twelve weeks ago: three four-weekly payments are due by now, the last of them 28 days ago."""
ANNUAL = 2_600_000
"""£26,000 a year: £500 a week, £2,000 a payment."""
POLICY = "Glenmore Council Direct Payments policy 2026, section 7"
WAGES = AccountCode("expenses:pa_wages:gross")


def _terms() -> dict[str, object]:
    return morag(
        starts_on=STARTS.isoformat(),
        ends_on=(STARTS + timedelta(days=364)).isoformat(),
        cycle_starts_on=STARTS.isoformat(),
        annual_total_pence=ANNUAL,
        budget_lines=[
            {"kind": "pa_hours", "description": "PA hours", "amount_pence": ANNUAL, "hours_per_week": "20"},
        ],
    )


class Case:
    """One account of the council, built in the database as a test says."""

    def __init__(self, session: AsyncSession, authority_id: uuid.UUID, reference: str) -> None:
        self.session = session
        self.account = DpAccountRow(
            authority_id=authority_id, reference=reference, holder_name=reference, opened_on=STARTS
        )
        self.keys = 0
        self.runs = 0

    async def open(self, *, paid: bool = True, spent_pence: int | None = None) -> Case:
        """The account with its agreement in force, every payment due received and spent as it
        came in (wages paid), so the money held is one payment: nothing to find."""
        self.session.add(self.account)
        await self.session.flush()
        await open_book(self.session, self.account.id, STARTS)
        terms = terms_to_dict(parse_terms(_terms()))
        agreement = AgreementRow(
            account_id=self.account.id,
            authority_id=self.account.authority_id,
            reference=f"DP-{self.account.reference}",
            template_key="scotland_model_2026_1",
            status="in_force",
            in_force_version=1,
        )
        self.session.add(agreement)
        await self.session.flush()
        self.session.add(
            AgreementVersionRow(
                agreement_id=agreement.id,
                number=1,
                status="in_force",
                content={"terms": terms},
                content_hash=hashlib.sha256(self.account.reference.encode()).hexdigest(),
            )
        )
        await self.session.flush()
        self.agreement = await load_agreement(self.session, agreement.id)
        [in_force] = (await agreements_in_force(self.session, [self.account.id], TODAY))[self.account.id]
        due = [state.scheduled for state in in_force.states if state.scheduled.due_on <= TODAY]
        if paid:
            for payment in due:
                await record_received(self.session, self.agreement, payment.due_on, payment.due_on)
        spent = spent_pence if spent_pence is not None else sum(p.net_pence for p in due[:-1])
        if spent:
            await self.post(TODAY - timedelta(days=1), (WAGES, spent), (DP_BANK, -spent))
        self.session.add(
            PayrollEmployerRow(
                account_id=self.account.id,
                paye_reference="123/AB45678",
                accounts_office_reference="123PA00012345",
                insurance_expires_on=TODAY + timedelta(days=200),
            )
        )
        await self.session.flush()
        return self

    async def post(self, on: date, *postings: tuple[AccountCode, int]) -> None:
        self.keys += 1
        await post_entry(
            self.session,
            JournalEntryDraft(
                book_id=self.account.id,
                occurred_on=on,
                narration="case file",
                postings=tuple(Posting(code, Money(pence)) for code, pence in postings),
                idempotency_key=f"case:{self.keys}",
            ),
        )

    async def pa(self, name: str = "Morag Bell", **changes: object) -> PersonalAssistantRow:
        values: dict[str, object] = {
            "account_id": self.account.id,
            "full_name": name,
            "started_on": STARTS,
            "pvg_checked_on": STARTS - timedelta(days=30),
            "pvg_expires_on": STARTS + timedelta(days=5 * 365),
            "right_to_work_checked_on": STARTS - timedelta(days=30),
            **changes,
        }
        row = PersonalAssistantRow(**values)  # type: ignore[arg-type]
        self.session.add(row)
        await self.session.flush()
        return row

    async def bank_lines(self, *lines: tuple[date, str, int, str | None]) -> list[StatementLineRow]:
        statement = StatementRow(
            book_id=self.account.id,
            filename="case.csv",
            file_sha256=uuid.uuid4().hex * 2,
            format="csv",
            start_on=min(line[0] for line in lines),
            end_on=TODAY,
            line_count=len(lines),
            new_line_count=len(lines),
        )
        self.session.add(statement)
        await self.session.flush()
        rows = []
        for index, (value_on, description, pence, category) in enumerate(lines):
            row = StatementLineRow(
                book_id=self.account.id,
                statement_id=statement.id,
                source_line=str(index + 2),
                value_on=value_on,
                description=description,
                amount_pence=pence,
                fingerprint=uuid.uuid4().hex,
            )
            self.session.add(row)
            await self.session.flush()
            if category:
                self.session.add(
                    LineCategoryRow(
                        line_id=row.id,
                        book_id=self.account.id,
                        payee_key=description.split(" ")[0].lower(),
                        category=category,
                        source="person",
                        reason="case file",
                        confirmed=True,
                    )
                )
            rows.append(row)
        await self.session.flush()
        return rows

    async def run(
        self, pa: PersonalAssistantRow, start: date, hours: Decimal, findings: list[dict[str, object]] | None = None
    ) -> tuple[PayRunRow, PayslipRow]:
        end = start + timedelta(days=27)
        self.runs += 1
        run = PayRunRow(
            account_id=self.account.id,
            frequency="four_weekly",
            tax_year_start=date(start.year if start.month > 4 else start.year - 1, 4, 6),
            period_number=self.runs,
            period_start=start,
            period_end=end,
            paid_on=end,
            status="finalised",
        )
        self.session.add(run)
        await self.session.flush()
        left, day = hours, start
        while left > 0:  # a day's shift is at most 8 hours
            shift = min(left, Decimal(8))
            self.session.add(
                TimesheetEntryRow(pa_id=pa.id, worked_on=day, hours=shift, kind="standard", hourly_rate_pence=1400)
            )
            left, day = left - shift, day + timedelta(days=1)
        slip = PayslipRow(
            pay_run_id=run.id,
            pa_id=pa.id,
            tax_code="1257L",
            ni_category="A",
            holiday_hours_accrued=Decimal(0),
            findings=findings or [],
        )
        self.session.add(slip)
        await self.session.flush()
        return run, slip


async def findings_of(session: AsyncSession, case: Case) -> list[tuple[Check, str]]:
    [checked] = await check_accounts(session, [case.account], TODAY)
    return [(finding.check, finding.key) for finding in checked.findings]


async def threshold(session: AsyncSession, authority_id: uuid.UUID, name: Threshold, value: int, on: date) -> None:
    await set_threshold(session, authority_id, LocalThreshold(name, value, on, POLICY), None)


@pytest.fixture
async def council(session, world):  # type: ignore[no-untyped-def]
    return world.authorities["A"]


async def test_an_account_kept_in_order_shows_nothing(session, council):
    case = await Case(session, council, "OK1").open()
    await case.pa()
    assert await findings_of(session, case) == []


async def test_surplus_just_under_and_just_over_on_the_day_the_councils_threshold_changes(session, council):
    """Held: £2,000 received and not spent (4 weeks) plus what is set aside. The agreement allows 8
    weeks; the council's 6-week threshold from today makes £3,000.01 free a surplus of 1p, and
    £3,000.00 none."""
    under = await Case(session, council, "SUR1").open()
    over = await Case(session, council, "SUR2").open()
    await under.post(TODAY, (DP_BANK, 100_000), (AccountCode("income:other:refunds"), -100_000))
    await over.post(TODAY, (DP_BANK, 100_001), (AccountCode("income:other:refunds"), -100_001))
    assert await findings_of(session, over) == []  # 6 weeks and 1p held: within the agreement's 8
    await threshold(session, council, Threshold.SURPLUS_WEEKS, 6, TODAY)
    await threshold(session, council, Threshold.SURPLUS_WEEKS, 12, TODAY - timedelta(days=30))
    assert await findings_of(session, under) == []
    [checked] = await check_accounts(session, [over.account], TODAY)
    [finding] = checked.findings
    assert (finding.check, finding.key, finding.amount_pence) == (Check.SURPLUS, f"surplus:{TODAY:%Y-%m}", 1)
    assert finding.threshold is not None and finding.threshold.source_title == POLICY
    [yesterday] = await check_accounts(session, [over.account], TODAY - timedelta(days=1))
    assert [f.check for f in yesterday.findings if f.check is Check.SURPLUS] == []  # 12 weeks then


async def test_a_missed_payment(session, council):
    case = await Case(session, council, "MIS1").open(paid=False, spent_pence=0)
    [in_force] = (await agreements_in_force(session, [case.account.id], TODAY))[case.account.id]
    due = [s.scheduled for s in in_force.states if s.scheduled.due_on <= TODAY]
    for payment in due[:-1]:
        await record_received(session, case.agreement, payment.due_on, payment.due_on)
    await case.post(TODAY, (WAGES, sum(p.net_pence for p in due[:-1])), (DP_BANK, -sum(p.net_pence for p in due[:-1])))
    assert await findings_of(session, case) == []  # the last one is due today: not missed yet
    skipped = await Case(session, council, "MIS2").open(paid=False, spent_pence=0)
    await record_received(session, skipped.agreement, due[0].due_on, due[0].due_on)
    await record_received(session, skipped.agreement, due[2].due_on, due[2].due_on)
    [checked] = await check_accounts(session, [skipped.account], TODAY)
    assert [(f.check, f.key) for f in checked.findings] == [(Check.MISSED_PAYMENT, f"missed:{due[1].due_on}")]
    assert ("Amount", "£2,000.00") in checked.findings[0].evidence


async def test_a_family_member_pa_and_an_expired_pvg(session, council):
    case = await Case(session, council, "PA1").open()
    family = await case.pa("Ewan Grant", relationship="family_member")
    approved = await case.pa("Isla Stewart", relationship="family_member")
    session.add(
        FamilyApprovalRow(
            pa_id=approved.id,
            ground="availability",
            person_agreed_on=STARTS,
            family_member_agreed_on=STARTS,
            authority_agreed_on=STARTS,
            starts_on=STARTS,
            reference="SW-2026-114",
        )
    )
    await session.flush()
    lapsed = await case.pa("Rory Hay", pvg_expires_on=TODAY - timedelta(days=1))
    assert sorted(await findings_of(session, case), key=lambda f: f[1]) == sorted(
        [
            (Check.FAMILY_PA_UNAPPROVED, f"family:{family.id}"),
            (Check.PVG, f"pvg:{lapsed.id}:{TODAY - timedelta(days=1)}"),
        ],
        key=lambda f: f[1],
    )


async def test_overspent_beyond_the_councils_margin(session, council):
    spent = 2_600_000 * 85 // 365 + 1_000_00  # the budget for 85 days (£6,054.79) and £1,000 more
    case = await Case(session, council, "OVR1").open(spent_pence=0)
    await case.post(TODAY, (WAGES, spent), (DP_BANK, -spent))
    assert await findings_of(session, case) == []  # no margin set: the check is not run
    await threshold(session, council, Threshold.OVERSPEND_PERCENT, 20, STARTS)
    assert await findings_of(session, case) == []  # £1,000 over is within 20% of £6,054.79
    await threshold(session, council, Threshold.OVERSPEND_PERCENT, 15, TODAY)
    [checked] = await check_accounts(session, [case.account], TODAY)
    [finding] = checked.findings
    assert finding.check is Check.OVERSPENT and finding.facts["spent_pence"] == spent


async def test_hours_paid_above_the_hours_agreed(session, council):
    case = await Case(session, council, "HRS1").open()
    pa = await case.pa()
    await case.run(pa, TODAY - timedelta(days=60), Decimal(96))  # 80 agreed: 20% above exactly
    late, _ = await case.run(pa, TODAY - timedelta(days=32), Decimal("96.5"))
    await threshold(session, council, Threshold.HOURS_ABOVE_AGREED_PERCENT, 20, STARTS)
    assert await findings_of(session, case) == [(Check.HOURS_ABOVE_AGREED, f"hours:{late.id}")]


async def test_pay_below_the_floor_finalised_with_a_reason(session, council):
    case = await Case(session, council, "FLR1").open()
    pa = await case.pa()
    finding = {
        "rule": "below_pa_minimum",
        "sentence": "Paid £12.00 an hour, below the £13.45 minimum.",
        "arrears_pence": 2_900,
    }
    _, slip = await case.run(pa, TODAY - timedelta(days=40), Decimal(20), [finding])
    [checked] = await check_accounts(session, [case.account], TODAY)
    [found] = checked.findings
    assert (found.check, found.key, found.amount_pence) == (Check.PAY_BELOW_FLOOR, f"floor:{slip.id}", 2_900)
    assert "below the £13.45 minimum" in found.sentence


async def test_a_duplicate_payment_and_cash_over_the_limit(session, council):
    case = await Case(session, council, "DUP1").open()
    lines = await case.bank_lines(
        (TODAY - timedelta(days=20), "CARECO LTD INV 4411", -36_000, "agency"),
        (TODAY - timedelta(days=18), "CARECO LTD INV 4411", -36_000, "agency"),
        (TODAY - timedelta(days=10), "CASH ATM PERTH", -15_000, "cash"),
        (TODAY - timedelta(days=5), "CASH ATM PERTH", -10_000, "cash"),
    )
    await threshold(session, council, Threshold.DUPLICATE_WITHIN_DAYS, 3, STARTS)
    await threshold(session, council, Threshold.CASH_LIMIT_PENCE, 20_000, STARTS)
    assert await findings_of(session, case) == [
        (Check.DUPLICATE_PAYMENT, f"duplicate:{lines[0].id}:{lines[1].id}"),
        (Check.CASH_OVER_LIMIT, f"cash:{lines[3].id}"),
    ]


async def test_unreconciled_and_statements_missing(session, council):
    case = await Case(session, council, "REC1").open()
    old = TODAY - timedelta(days=70)
    await case.bank_lines((old, "TESCO STORES", -2_000, None))
    await threshold(session, council, Threshold.UNRECONCILED_WEEKS, 8, STARTS)
    await threshold(session, council, Threshold.STATEMENTS_WITHIN_DAYS, 35, STARTS)
    assert await findings_of(session, case) == [(Check.UNRECONCILED, f"unreconciled:{old}")]
    silent = await Case(session, council, "REC2").open()
    assert await findings_of(session, silent) == [(Check.STATEMENTS_MISSING, "statements:none")]


async def test_a_spend_the_rules_do_not_allow(session, council):
    case = await Case(session, council, "SPD1").open()
    [line] = await case.bank_lines((TODAY - timedelta(days=3), "WILLIAM HILL", -2_500, "gambling"))
    review = SpendReviewRow(
        book_id=case.account.id,
        subject_type="statement_line",
        subject_id=line.id,
        occurred_on=line.value_on,
        amount_pence=-2_500,
        payee_key="WILLIAM HILL",
        description=line.description,
        category="gambling",
        kind="exception",
        decision="not_allowed",
        rule_ids=["NAT-EXCL-GAMBLING"],
        sentence="Gambling is never paid for from a Direct Payment.",
    )
    session.add(review)
    await session.flush()
    assert await findings_of(session, case) == [(Check.PROHIBITED_SPEND, f"spend:{review.id}")]


async def test_hmrc_unpaid_past_its_due_date(session, council):
    case = await Case(session, council, "TAX1").open()
    accrued_on = TODAY - timedelta(days=75)
    await case.post(accrued_on, (WAGES, 30_000), (HMRC_DUE, -30_000))
    [checked] = await check_accounts(session, [case.account], TODAY)
    [finding] = checked.findings
    assert finding.check is Check.LIABILITY_OVERDUE and finding.amount_pence == 30_000
    assert finding.facts["what"] == "hmrc"
    employer = await session.get(PayrollEmployerRow, case.account.id)
    employer.pays_hmrc_quarterly = True  # type: ignore[union-attr]
    await session.flush()
    quarterly = await findings_of(session, case)
    expected = [] if hmrc_due_on(accrued_on, quarterly=True) >= TODAY else [(Check.LIABILITY_OVERDUE, quarterly[0][1])]
    assert quarterly == expected
