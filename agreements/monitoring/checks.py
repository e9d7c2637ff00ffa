"""The council's checks of one Direct Payment account: what the records show that the authority
should look at, each with its evidence and the rule it breaks. Pure: the facts are read by the
caller (ledger, payroll, statements, the agreement) and handed in as plain values.

A finding has a stable ``key`` naming what it is about (a payment, a PA, a bank line, a month),
so the council's queue can keep what people did with it (assigned, commented, resolved) while
the check is run again from the records as often as anyone looks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise

from agreements.monitoring.thresholds import LocalThreshold, LocalThresholds, Threshold
from ledgers.money import Money

WEEKS_IN_YEAR = 52
DAYS_IN_YEAR = 365
CASH_WINDOW_DAYS = 28
"""Cash is counted over any 4 weeks: the length of one payment period."""
WAGES_GRACE_DAYS = 5
"""A bank transfer made on payday can show on the statement a few working days later."""

LEGISLATION = "https://www.legislation.gov.uk/ssi/2014/25"
GUIDANCE = "https://www.gov.scot/publications/self-directed-support-practitioners-guidance/"


class Check(StrEnum):
    SURPLUS = "surplus"
    MISSED_PAYMENT = "missed_payment"
    STATEMENTS_MISSING = "statements_missing"
    UNRECONCILED = "unreconciled"
    LIABILITY_OVERDUE = "liability_overdue"
    PROHIBITED_SPEND = "prohibited_spend"
    SPEND_OUTSIDE_PLAN = "spend_outside_plan"
    PAY_BELOW_FLOOR = "pay_below_floor"
    FAMILY_PA_UNAPPROVED = "family_pa_unapproved"
    PVG = "pvg"
    RIGHT_TO_WORK = "right_to_work"
    INSURANCE = "insurance"
    DUPLICATE_PAYMENT = "duplicate_payment"
    CASH_OVER_LIMIT = "cash_over_limit"
    OVERSPENT = "overspent"
    HOURS_ABOVE_AGREED = "hours_above_agreed"
    REVIEW_OVERDUE = "review_overdue"
    RETURN_OVERDUE = "return_overdue"

    @property
    def about(self) -> CheckInfo:
        return CHECKS[self]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    title: str
    rule: str
    sources: tuple[tuple[str, str], ...]
    threshold: Threshold | None = None


CHECKS: dict[Check, CheckInfo] = {
    Check.SURPLUS: CheckInfo(
        "Surplus above the threshold",
        "Money free to spend (the bank balance less wages, tax and pension owed and any surplus already due back) "
        "should not be more than the weeks of budget the agreement or the council's policy allows. Any repayment "
        "comes only after the reasons have been talked through with the person.",
        (("Statutory guidance on self-directed support (2022), Underspent budgets and seeking repayment", GUIDANCE),),
        Threshold.SURPLUS_WEEKS,
    ),
    Check.MISSED_PAYMENT: CheckInfo(
        "Council payment not received",
        "Each payment in the agreement's schedule is recorded as received within 5 days of its due date.",
        (("Self-directed Support (Direct Payments) (Scotland) Regulations 2014, reg 4 (instalments)", LEGISLATION),),
    ),
    Check.STATEMENTS_MISSING: CheckInfo(
        "Bank statements not up to date",
        "The account's bank statements are uploaded so both sides read the same record.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.STATEMENTS_WITHIN_DAYS,
    ),
    Check.UNRECONCILED: CheckInfo(
        "Bank lines left unexplained",
        "Every bank line is matched to the record of what it paid for or received.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.UNRECONCILED_WEEKS,
    ),
    Check.LIABILITY_OVERDUE: CheckInfo(
        "Wages, tax or pension unpaid after it was due",
        "Net wages are paid on payday; PAYE and National Insurance reach HMRC by the 22nd after the tax month "
        "or quarter ends; pension contributions reach the scheme by the 22nd of the month after they were deducted.",
        (
            ("GOV.UK, Pay employers' PAYE: deadlines", "https://www.gov.uk/pay-paye-tax"),
            ("The Pensions Regulator, paying contributions on time", "https://www.thepensionsregulator.gov.uk/en/employers/managing-a-scheme/paying-contributions"),
        ),
    ),
    Check.PROHIBITED_SPEND: CheckInfo(
        "Spend that is not allowed",
        "A Direct Payment is spent only on what the rules and the agreement allow.",
        (("Social Care (Self-directed Support) (Scotland) Act 2013, s.16 (misuse of a direct payment)", "https://www.legislation.gov.uk/asp/2013/1"),),
    ),
    Check.SPEND_OUTSIDE_PLAN: CheckInfo(
        "Spend outside the support plan",
        "A Direct Payment secures the support in the plan and its agreed outcomes.",
        (("Statutory guidance 2014, s.11 (spend in line with the assessment, support plan and agreement)", GUIDANCE),),
    ),
    Check.PAY_BELOW_FLOOR: CheckInfo(
        "PA paid below the minimum",
        "Every hour a PA works is paid at least the Scottish adult social care minimum for the day it was worked "
        "and the National Minimum or Living Wage for the pay period.",
        (
            ("Scottish Government, adult social care pay uplift", "https://www.gov.scot/policies/social-care/"),
            ("GOV.UK, National Minimum Wage and National Living Wage rates", "https://www.gov.uk/national-minimum-wage-rates"),
        ),
    ),
    Check.FAMILY_PA_UNAPPROVED: CheckInfo(
        "Family member employed without the council's agreement",
        "A family member may be paid only if the person, the family member and the council all agree (regs 7 and 8); "
        "never a guardian or attorney with powers over the support (reg 9).",
        (("Self-directed Support (Direct Payments) (Scotland) Regulations 2014, regs 7 to 9", "https://www.legislation.gov.uk/ssi/2014/25/regulation/8"),),
    ),
    Check.PVG: CheckInfo(
        "PVG membership missing or expired",
        "Since 1 April 2025 a PA must be a member of the PVG scheme; membership lasts 5 years and is renewed.",
        (("Disclosure (Scotland) Act 2020; mygov.scot, PVG scheme", "https://www.mygov.scot/pvg-scheme"),),
    ),
    Check.RIGHT_TO_WORK: CheckInfo(
        "Right to work not checked or expired",
        "An employer checks a PA's right to work before they start, and again before a time-limited right ends.",
        (("GOV.UK, Check your employee's right to work", "https://www.gov.uk/check-job-applicant-right-to-work"),),
    ),
    Check.INSURANCE: CheckInfo(
        "Employer's liability insurance missing or expired",
        "An employer of a PA holds employer's liability insurance for as long as they employ anyone.",
        (("GOV.UK, Employers' liability insurance", "https://www.gov.uk/employers-liability-insurance"),),
    ),
    Check.DUPLICATE_PAYMENT: CheckInfo(
        "Possible duplicate payment",
        "The same amount paid to the same payee twice within the council's window is checked as a possible mistake.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.DUPLICATE_WITHIN_DAYS,
    ),
    Check.CASH_OVER_LIMIT: CheckInfo(
        "Cash taken out above the council's limit",
        "Cash taken out of the account in any 4 weeks stays within the council's limit.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
        Threshold.CASH_LIMIT_PENCE,
    ),
    Check.OVERSPENT: CheckInfo(
        "Budget overspent",
        "Spending since the agreement started stays within the budget for the same time, and the council's margin.",
        (("SDS Standard 13 (2025): the budget is sufficient and its use is reviewed", "https://socialworkscotland.org/"),),
        Threshold.OVERSPEND_PERCENT,
    ),
    Check.HOURS_ABOVE_AGREED: CheckInfo(
        "Hours paid far above the hours agreed",
        "The PA hours paid in a period stay near the hours the agreement's budget was built on.",
        (("Statutory guidance 2014, s.11 (spend in line with the assessment, support plan and agreement)", GUIDANCE),),
        Threshold.HOURS_ABOVE_AGREED_PERCENT,
    ),
    Check.REVIEW_OVERDUE: CheckInfo(
        "Review overdue",
        "The Direct Payment is reviewed with the person as often as the agreement says.",
        (("Statutory guidance 2014, s.11 (welfare monitoring: a conversation about whether needs are met)", GUIDANCE),),
    ),
    Check.RETURN_OVERDUE: CheckInfo(
        "Monitoring return not received",
        "Where the agreement asks for monitoring returns, each reaches the council within 4 weeks of its period's end.",
        (("Statutory guidance 2014, s.11 (proportionate financial monitoring)", GUIDANCE),),
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Budget:
    """The agreement in force, as far as the checks measure against it."""

    reference: str
    starts_on: date
    annual_total_pence: int
    surplus_threshold_weeks: int
    hours_per_week: Decimal | None = None

    @property
    def weekly(self) -> Decimal:
        return Decimal(self.annual_total_pence) / WEEKS_IN_YEAR


@dataclass(frozen=True, slots=True)
class Overdue:
    what: str
    """``wages``, ``hmrc`` or ``pension``."""
    due_on: date
    owed_pence: int


@dataclass(frozen=True, slots=True)
class FlaggedSpend:
    """A spend the spend rules did not allow, with the rule's own sentence."""

    review_id: str
    occurred_on: date
    amount_pence: int
    payee: str
    category: str
    sentence: str
    outside_plan: bool


@dataclass(frozen=True, slots=True)
class UnderpaidSlip:
    payslip_id: str
    pa_name: str
    paid_on: date
    sentences: tuple[str, ...]
    arrears_pence: int


@dataclass(frozen=True, slots=True)
class Assistant:
    id: str
    name: str
    started_on: date
    left_on: date | None = None
    relationship: str = "none"
    family_approval_reference: str | None = None
    pvg_checked_on: date | None = None
    pvg_expires_on: date | None = None
    right_to_work_checked_on: date | None = None
    right_to_work_expires_on: date | None = None

    def employed_on(self, day: date) -> bool:
        return self.started_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(frozen=True, slots=True)
class MoneyOut:
    """A money-out bank line: ``amount_pence`` is positive."""

    id: str
    value_on: date
    payee: str
    description: str
    amount_pence: int
    category: str | None = None


@dataclass(frozen=True, slots=True)
class HoursPaid:
    run_id: str
    period_start: date
    period_end: date
    hours: Decimal


@dataclass(frozen=True, slots=True)
class AccountFacts:
    today: date
    budget: Budget | None = None
    bank_pence: int = 0
    owed_pence: int = 0
    spent_since_start_pence: int = 0
    missed_payments: tuple[tuple[date, int], ...] = ()
    statements_to: date | None = None
    opened_on: date | None = None
    oldest_unmatched_on: date | None = None
    unmatched_count: int = 0
    overdue: tuple[Overdue, ...] = ()
    flagged_spends: tuple[FlaggedSpend, ...] = ()
    underpaid: tuple[UnderpaidSlip, ...] = ()
    assistants: tuple[Assistant, ...] = ()
    insurance_expires_on: date | None = None
    money_out: tuple[MoneyOut, ...] = ()
    hours_paid: tuple[HoursPaid, ...] = ()
    review_due_on: date | None = None
    returns_unsent: tuple[tuple[date, date, date], ...] = ()
    """Return periods ``(from, to, due on)`` that have ended with no return sent (due or not yet)."""

    @property
    def free_pence(self) -> int:
        return self.bank_pence - self.owed_pence


@dataclass(frozen=True, slots=True)
class Finding:
    check: Check
    key: str
    sentence: str
    """What the records show, for a person."""
    found_on: date
    """The day the thing the finding is about happened (a payment due, a line paid, a check expiring)."""
    evidence: tuple[tuple[str, str], ...] = ()
    amount_pence: int | None = None
    """The money the finding is about, where there is one."""
    threshold: LocalThreshold | None = None
    """The council's threshold it was measured against, with its source."""
    facts: dict[str, object] = field(default_factory=dict)
    """The same evidence as plain values, for the API and CSV."""

    @property
    def title(self) -> str:
        return self.check.about.title

    @property
    def rule(self) -> str:
        return self.check.about.rule


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _money(pence: int) -> str:
    return str(Money(pence))


def _hours_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _pence(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _surplus(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    budget = facts.budget
    if budget is None or budget.annual_total_pence <= 0:
        return []
    local = thresholds.on(Threshold.SURPLUS_WEEKS, facts.today)
    weeks = local.value if local else budget.surplus_threshold_weeks
    limit = _pence(budget.weekly * weeks)
    free = facts.free_pence
    if free <= limit:
        return []
    held = (Decimal(free) / budget.weekly).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    basis = local.source if local else f"the surplus clause of agreement {budget.reference}"
    return [
        Finding(
            Check.SURPLUS,
            f"surplus:{facts.today:%Y-%m}",
            f"{_money(free)} is free to spend: {held} weeks of the budget, above the {weeks} weeks allowed "
            f"({_money(limit)}) by {_money(free - limit)}.",
            facts.today,
            (
                ("In the bank", _money(facts.bank_pence)),
                ("Owed (wages, tax, pension, surplus due back)", _money(facts.owed_pence)),
                ("Free to spend", _money(free)),
                ("One week of the budget", _money(_pence(budget.weekly))),
                ("Weeks allowed", f"{weeks}, from {basis}"),
            ),
            free - limit,
            local,
            {"free_pence": free, "limit_pence": limit, "weeks_allowed": weeks, "weeks_held": str(held)},
        )
    ]


def _missed(facts: AccountFacts) -> list[Finding]:
    return [
        Finding(
            Check.MISSED_PAYMENT,
            f"missed:{due_on.isoformat()}",
            f"The council's payment of {_money(net)} due on {_day(due_on)} is not recorded as received.",
            due_on,
            (("Due on", _day(due_on)), ("Amount", _money(net))),
            net,
            facts={"due_on": due_on.isoformat(), "amount_pence": net},
        )
        for due_on, net in facts.missed_payments
    ]


def _statements(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.STATEMENTS_WITHIN_DAYS, facts.today)
    if local is None:
        return []
    cutoff = facts.today - timedelta(days=local.value)
    if facts.statements_to is None:
        if facts.opened_on is None or facts.opened_on >= cutoff:
            return []
        return [
            Finding(
                Check.STATEMENTS_MISSING,
                "statements:none",
                f"No bank statement has been uploaded since the account opened on {_day(facts.opened_on)}.",
                facts.opened_on,
                (("Account opened", _day(facts.opened_on)), ("Statements expected within", f"{local.value} days")),
                threshold=local,
                facts={"statements_to": None, "within_days": local.value},
            )
        ]
    if facts.statements_to >= cutoff:
        return []
    return [
        Finding(
            Check.STATEMENTS_MISSING,
            f"statements:{facts.statements_to.isoformat()}",
            f"The latest bank statement ends on {_day(facts.statements_to)}, "
            f"{(facts.today - facts.statements_to).days} days ago; the council expects one within {local.value} days.",
            facts.statements_to,
            (("Latest statement ends", _day(facts.statements_to)), ("Expected within", f"{local.value} days")),
            threshold=local,
            facts={"statements_to": facts.statements_to.isoformat(), "within_days": local.value},
        )
    ]


def _unreconciled(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.UNRECONCILED_WEEKS, facts.today)
    oldest = facts.oldest_unmatched_on
    if local is None or oldest is None or oldest >= facts.today - timedelta(weeks=local.value):
        return []
    return [
        Finding(
            Check.UNRECONCILED,
            f"unreconciled:{oldest.isoformat()}",
            f"{facts.unmatched_count} bank line{'s are' if facts.unmatched_count != 1 else ' is'} not matched to the "
            f"records; the oldest is from {_day(oldest)}, more than {local.value} weeks ago.",
            oldest,
            (("Lines not matched", str(facts.unmatched_count)), ("Oldest", _day(oldest))),
            threshold=local,
            facts={"unmatched": facts.unmatched_count, "oldest_on": oldest.isoformat(), "weeks": local.value},
        )
    ]


_OWED_TO = {
    "wages": "the PAs' net wages",
    "hmrc": "PAYE and National Insurance due to HMRC",
    "pension": "pension contributions",
}


def _overdue(facts: AccountFacts) -> list[Finding]:
    return [
        Finding(
            Check.LIABILITY_OVERDUE,
            f"overdue:{item.what}:{item.due_on.isoformat()}",
            f"{_money(item.owed_pence)} of {_OWED_TO[item.what]} was due by {_day(item.due_on)} and is still owed.",
            item.due_on,
            (("Owed", _money(item.owed_pence)), ("Due by", _day(item.due_on))),
            item.owed_pence,
            facts={"what": item.what, "due_on": item.due_on.isoformat(), "owed_pence": item.owed_pence},
        )
        for item in facts.overdue
    ]


def _spends(facts: AccountFacts) -> list[Finding]:
    return [
        Finding(
            Check.SPEND_OUTSIDE_PLAN if spend.outside_plan else Check.PROHIBITED_SPEND,
            f"spend:{spend.review_id}",
            f"{_money(spend.amount_pence)} paid to {spend.payee} on {_day(spend.occurred_on)}: {spend.sentence}",
            spend.occurred_on,
            (("Paid to", spend.payee), ("Amount", _money(spend.amount_pence)), ("Category", spend.category)),
            spend.amount_pence,
            facts={"review_id": spend.review_id, "category": spend.category, "amount_pence": spend.amount_pence},
        )
        for spend in facts.flagged_spends
    ]


def _underpaid(facts: AccountFacts) -> list[Finding]:
    return [
        Finding(
            Check.PAY_BELOW_FLOOR,
            f"floor:{slip.payslip_id}",
            f"{slip.pa_name} was paid below the minimum in the pay run paid on {_day(slip.paid_on)}: "
            + " ".join(slip.sentences),
            slip.paid_on,
            (("PA", slip.pa_name), ("Paid on", _day(slip.paid_on)), ("Arrears owed", _money(slip.arrears_pence))),
            slip.arrears_pence,
            facts={"payslip_id": slip.payslip_id, "arrears_pence": slip.arrears_pence},
        )
        for slip in facts.underpaid
    ]


_HOLDS_POWERS = {
    "guardian": "a guardian",
    "continuing_attorney": "a continuing attorney",
    "welfare_attorney": "a welfare attorney",
}


def _assistants(facts: AccountFacts) -> list[Finding]:
    findings = []
    today = facts.today
    employed = [pa for pa in facts.assistants if pa.employed_on(today)]
    for pa in employed:
        if pa.relationship in _HOLDS_POWERS:
            findings.append(
                Finding(
                    Check.FAMILY_PA_UNAPPROVED,
                    f"family:{pa.id}:powers",
                    f"{pa.name} is {_HOLDS_POWERS[pa.relationship]} of the person and is employed as a PA; "
                    "regulation 9 does not allow this, whatever is agreed.",
                    pa.started_on,
                    (("PA", pa.name), ("Relationship", _HOLDS_POWERS[pa.relationship])),
                    facts={"pa_id": pa.id, "relationship": pa.relationship},
                )
            )
        elif pa.relationship == "family_member" and not (pa.family_approval_reference or "").strip():
            findings.append(
                Finding(
                    Check.FAMILY_PA_UNAPPROVED,
                    f"family:{pa.id}",
                    f"{pa.name} is a family member employed as a PA since {_day(pa.started_on)} "
                    "with no record of the council's agreement.",
                    pa.started_on,
                    (("PA", pa.name), ("Employed since", _day(pa.started_on))),
                    facts={"pa_id": pa.id, "relationship": pa.relationship},
                )
            )
        if pa.pvg_checked_on is None:
            findings.append(
                Finding(
                    Check.PVG,
                    f"pvg:{pa.id}:none",
                    f"No PVG scheme membership is recorded for {pa.name}, employed since {_day(pa.started_on)}.",
                    pa.started_on,
                    (("PA", pa.name),),
                    facts={"pa_id": pa.id, "pvg_checked_on": None},
                )
            )
        elif pa.pvg_expires_on is not None and pa.pvg_expires_on < today:
            findings.append(
                Finding(
                    Check.PVG,
                    f"pvg:{pa.id}:{pa.pvg_expires_on.isoformat()}",
                    f"{pa.name}'s PVG scheme membership expired on {_day(pa.pvg_expires_on)}.",
                    pa.pvg_expires_on,
                    (("PA", pa.name), ("Expired on", _day(pa.pvg_expires_on))),
                    facts={"pa_id": pa.id, "pvg_expires_on": pa.pvg_expires_on.isoformat()},
                )
            )
        if pa.right_to_work_checked_on is None:
            findings.append(
                Finding(
                    Check.RIGHT_TO_WORK,
                    f"rtw:{pa.id}:none",
                    f"No right-to-work check is recorded for {pa.name}.",
                    pa.started_on,
                    (("PA", pa.name),),
                    facts={"pa_id": pa.id, "right_to_work_checked_on": None},
                )
            )
        elif pa.right_to_work_expires_on is not None and pa.right_to_work_expires_on < today:
            findings.append(
                Finding(
                    Check.RIGHT_TO_WORK,
                    f"rtw:{pa.id}:{pa.right_to_work_expires_on.isoformat()}",
                    f"{pa.name}'s right to work ended on {_day(pa.right_to_work_expires_on)}.",
                    pa.right_to_work_expires_on,
                    (("PA", pa.name), ("Ended on", _day(pa.right_to_work_expires_on))),
                    facts={"pa_id": pa.id, "right_to_work_expires_on": pa.right_to_work_expires_on.isoformat()},
                )
            )
    if employed:
        expires = facts.insurance_expires_on
        if expires is None or expires < today:
            since = min(pa.started_on for pa in employed)
            findings.append(
                Finding(
                    Check.INSURANCE,
                    f"insurance:{expires.isoformat() if expires else 'none'}",
                    f"The employer's liability insurance expired on {_day(expires)}."
                    if expires
                    else "No employer's liability insurance is recorded, and PAs are employed.",
                    expires or since,
                    (
                        ("Insured to", _day(expires) if expires else "not recorded"),
                        ("PAs employed", str(len(employed))),
                    ),
                    facts={"insurance_expires_on": expires.isoformat() if expires else None},
                )
            )
    return findings


def _duplicates(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.DUPLICATE_WITHIN_DAYS, facts.today)
    if local is None:
        return []
    groups: dict[tuple[str, int], list[MoneyOut]] = defaultdict(list)
    for line in facts.money_out:
        groups[(line.payee, line.amount_pence)].append(line)
    findings = []
    for lines in groups.values():
        lines.sort(key=lambda line: (line.value_on, line.id))
        for first, second in pairwise(lines):
            if (second.value_on - first.value_on).days <= local.value:
                findings.append(
                    Finding(
                        Check.DUPLICATE_PAYMENT,
                        f"duplicate:{first.id}:{second.id}",
                        f"{_money(second.amount_pence)} was paid to {second.description} on {_day(first.value_on)} "
                        f"and again on {_day(second.value_on)}.",
                        second.value_on,
                        (
                            ("First payment", f"{_day(first.value_on)}: {first.description}"),
                            ("Second payment", f"{_day(second.value_on)}: {second.description}"),
                            ("Amount", _money(second.amount_pence)),
                        ),
                        second.amount_pence,
                        local,
                        {"line_ids": [first.id, second.id], "amount_pence": second.amount_pence},
                    )
                )
    return findings


def _cash(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.CASH_LIMIT_PENCE, facts.today)
    if local is None:
        return []
    cash = sorted((line for line in facts.money_out if line.category == "cash"), key=lambda c: (c.value_on, c.id))
    findings = []
    over = False
    for index, line in enumerate(cash):
        window = [c for c in cash[: index + 1] if (line.value_on - c.value_on).days < CASH_WINDOW_DAYS]
        total = sum(c.amount_pence for c in window)
        if total > local.value and not over:
            findings.append(
                Finding(
                    Check.CASH_OVER_LIMIT,
                    f"cash:{line.id}",
                    f"{_money(total)} was taken out in cash in the 4 weeks to {_day(line.value_on)}, "
                    f"above the council's limit of {_money(local.value)}.",
                    line.value_on,
                    tuple((_day(c.value_on), f"{_money(c.amount_pence)}: {c.description}") for c in window),
                    total - local.value,
                    local,
                    {"total_pence": total, "limit_pence": local.value, "line_ids": [c.id for c in window]},
                )
            )
        over = total > local.value
    return findings


def _overspent(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.OVERSPEND_PERCENT, facts.today)
    budget = facts.budget
    if local is None or budget is None or facts.today < budget.starts_on:
        return []
    days = (facts.today - budget.starts_on).days + 1
    to_date = _pence(Decimal(budget.annual_total_pence) * days / DAYS_IN_YEAR)
    allowed = _pence(Decimal(to_date) * (100 + local.value) / 100)
    spent = facts.spent_since_start_pence
    if spent <= allowed:
        return []
    return [
        Finding(
            Check.OVERSPENT,
            f"overspent:{facts.today:%Y-%m}",
            f"{_money(spent)} has been spent since {_day(budget.starts_on)}, against a budget of {_money(to_date)} "
            f"for those {days} days: {_money(spent - to_date)} over.",
            facts.today,
            (
                ("Spent since the agreement started", _money(spent)),
                ("Budget for the same days", _money(to_date)),
                ("Margin allowed", f"{local.value}%"),
            ),
            spent - to_date,
            local,
            {"spent_pence": spent, "budget_to_date_pence": to_date, "allowed_pence": allowed},
        )
    ]


def _hours(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    local = thresholds.on(Threshold.HOURS_ABOVE_AGREED_PERCENT, facts.today)
    budget = facts.budget
    if local is None or budget is None or not budget.hours_per_week:
        return []
    findings = []
    for run in facts.hours_paid:
        days = (run.period_end - run.period_start).days + 1
        agreed = (budget.hours_per_week * days / 7).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if run.hours * 100 > agreed * (100 + local.value):
            findings.append(
                Finding(
                    Check.HOURS_ABOVE_AGREED,
                    f"hours:{run.run_id}",
                    f"{_hours_text(run.hours)} hours were paid for {_day(run.period_start)} to {_day(run.period_end)}, "
                    f"against {_hours_text(agreed)} agreed ({_hours_text(budget.hours_per_week)} a week): "
                    f"more than {local.value}% above.",
                    run.period_end,
                    (
                        ("Hours paid", _hours_text(run.hours)),
                        ("Hours agreed", _hours_text(agreed)),
                        ("Margin allowed", f"{local.value}%"),
                    ),
                    threshold=local,
                    facts={"run_id": run.run_id, "hours_paid": str(run.hours), "hours_agreed": str(agreed)},
                )
            )
    return findings


def _reviews_and_returns(facts: AccountFacts) -> list[Finding]:
    findings = []
    due = facts.review_due_on
    if due is not None and due < facts.today:
        findings.append(
            Finding(
                Check.REVIEW_OVERDUE,
                f"review:{due.isoformat()}",
                f"A review of the Direct Payment was due by {_day(due)}; none is recorded since.",
                due,
                (("Due by", _day(due)),),
                facts={"due_on": due.isoformat()},
            )
        )
    for first, last, due_on in facts.returns_unsent:
        if due_on >= facts.today:
            continue
        findings.append(
            Finding(
                Check.RETURN_OVERDUE,
                f"return:{first.isoformat()}",
                f"The monitoring return for {_day(first)} to {_day(last)} was due by {_day(due_on)} "
                "and has not arrived.",
                due_on,
                (("Period", f"{_day(first)} to {_day(last)}"), ("Due by", _day(due_on))),
                facts={"period_from": first.isoformat(), "period_to": last.isoformat(), "due_on": due_on.isoformat()},
            )
        )
    return findings


def check_account(facts: AccountFacts, thresholds: LocalThresholds) -> list[Finding]:
    """Every finding for one account on ``facts.today``, oldest first."""
    findings = [
        *_surplus(facts, thresholds),
        *_missed(facts),
        *_statements(facts, thresholds),
        *_unreconciled(facts, thresholds),
        *_overdue(facts),
        *_spends(facts),
        *_underpaid(facts),
        *_assistants(facts),
        *_duplicates(facts, thresholds),
        *_cash(facts, thresholds),
        *_overspent(facts, thresholds),
        *_hours(facts, thresholds),
        *_reviews_and_returns(facts),
    ]
    return sorted(findings, key=lambda finding: (finding.found_on, finding.check.value, finding.key))


def checks_not_run(thresholds: LocalThresholds, today: date) -> list[Check]:
    """The checks the council has set no threshold for, so nothing is found by them."""
    return [
        check
        for check, info in CHECKS.items()
        if info.threshold is not None and check is not Check.SURPLUS and thresholds.on(info.threshold, today) is None
    ]


QUARTER_ENDS = (1, 4, 7, 10)
"""The months whose 5th ends a tax quarter (5 January, 5 April, 5 July, 5 October)."""


def hmrc_due_on(paid_on: date, *, quarterly: bool = False) -> date:
    """PAYE on pay paid in a tax month (6th to 5th) is due by the 22nd after it ends; a small
    employer paying quarterly pays by the 22nd after the tax quarter ends."""
    year, month = (paid_on.year, paid_on.month) if paid_on.day <= 5 else _next_month(paid_on.year, paid_on.month)
    while quarterly and month not in QUARTER_ENDS:
        year, month = _next_month(year, month)
    return date(year, month, 22)


def pension_due_on(paid_on: date) -> date:
    """Contributions deducted in a month reach the scheme by the 22nd of the next month."""
    year, month = _next_month(paid_on.year, paid_on.month)
    return date(year, month, 22)


def wages_due_on(paid_on: date) -> date:
    return paid_on + timedelta(days=WAGES_GRACE_DAYS)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def overdue_of(
    what: str, owed_pence: int, accruals: list[tuple[date, int]], today: date, due_on: Callable[[date], date]
) -> Overdue | None:
    """What of a liability is past its due date: payments clear the oldest amounts first, so what is
    still owed is the newest accruals; anything beyond those not yet due is overdue, from the due
    date of the oldest accrual not fully paid."""
    not_yet_due = sum(amount for day, amount in accruals if due_on(day) >= today)
    late = owed_pence - not_yet_due
    if late <= 0:
        return None
    remaining = owed_pence
    oldest = None
    for day, amount in sorted(accruals, reverse=True):
        oldest = day
        remaining -= amount
        if remaining <= 0:
            break
    if oldest is None:
        return None
    return Overdue(what, due_on(oldest), late)


def first_day_not_due(due_on: Callable[[date], date], today: date) -> date:
    """The earliest day whose amounts are not yet due today (due dates only move later with the day
    they arise, so every amount from this day on is not due, and every one before it is)."""
    day = today
    while due_on(day - timedelta(days=1)) >= today:
        day -= timedelta(days=1)
    return day
