"""The council's checks of one Direct Payment account: what the records show that the authority
should look at, each with its evidence and the rule it breaks. Pure: the facts are read by the
caller (ledger, payroll, statements, the agreement) and handed in as plain values.

A finding has a stable ``key`` naming what it is about (a payment, a PA, a bank line, a month),
so the council's queue can keep what people did with it (assigned, commented, resolved) while
the check is run again from the records as often as anyone looks.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from agreements.monitoring.catalogue import CHECKS, Check
from agreements.monitoring.facts import AccountFacts, Finding, MoneyOut
from agreements.monitoring.thresholds import LocalThresholds, Threshold
from ledgers.money import Money

DAYS_IN_YEAR = 365
CASH_WINDOW_DAYS = 28
"""Cash is counted over any 4 weeks: the length of one payment period."""


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
        elif pa.relationship == "family_member" and not pa.family_approved:
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
