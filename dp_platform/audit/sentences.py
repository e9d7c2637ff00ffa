"""The audit trail as sentences a person reads: "Thistle Payroll Services finalised a pay run".

Pure: the caller passes each event with the names of the people and organisations in it. Figures
come from the event's own details (what was recorded at the time), never from today's records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ledgers.money import Money

Details = Mapping[str, Any]


def _money(pence: Any) -> str:
    return str(Money(int(pence))) if isinstance(pence, int) and not isinstance(pence, bool) else "an amount"


_PERSON_KINDS = {
    "supported_person": "the person supported",
    "representative": "someone who acts for them",
    "personal_assistant": "a personal assistant",
}


def _day(value: Any) -> str:
    try:
        parsed = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{parsed.day} {parsed:%B %Y}"


def _count(number: Any, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _payment(details: Details) -> str:
    """The payee and amount when the event recorded them, else the category."""
    if details.get("payee"):
        return f"{details['payee']} ({_money(details.get('amount_pence'))})"
    return f"a payment for {_category(details)}"


def _category(details: Details) -> str:
    return str(details.get("category") or "something").replace("_", " ")


def _entry(details: Details) -> str:
    narration = details.get("narration") or "an entry"
    bank = next((pence for code, pence in details.get("postings", []) if code == "assets:bank:dp_account"), None)
    return f"“{narration}”" + (f" ({_money(abs(bank))})" if bank is not None else "")


_WHAT: dict[str, Callable[[Details], str]] = {
    "auth.logged_in": lambda d: "signed in",
    "auth.logged_out": lambda d: "signed out",
    "auth.password_chosen": lambda d: "chose a password with a one-time link",
    "stay.recorded": lambda d: (
        f"recorded a stay at {d.get('place', 'a care home')}, nights of {_day(d.get('first_night'))} to "
        f"{_day(d.get('last_night'))}"
    ),
    "stay.removed": lambda d: (
        f"took off the stay at {d.get('place', 'a care home')} recorded for {_day(d.get('first_night'))} to "
        f"{_day(d.get('last_night'))}"
    ),
    "person.invited": lambda d: (
        f"gave {d.get('display_name', 'someone')} a sign-in, as {_PERSON_KINDS.get(str(d.get('kind')), 'a person')}"
        + (f" ({d['pa_name']})" if d.get("pa_name") else "")
        + f", with a link that works once until {_day(str(d.get('expires_at', ''))[:10])}"
    ),
    "person.linked": lambda d: (
        f"let {d.get('display_name', 'someone')}, who already signs in, see "
        + (f"their own pay as {d['pa_name']}" if d.get("pa_name") else "this account")
    ),
    "person.legal_power_recorded": lambda d: (
        f"recorded that {d.get('display_name', 'the representative')} holds "
        + {
            "none": "no legal powers",
            "guardian": "a guardianship",
            "continuing_attorney": "a continuing power of attorney",
            "welfare_attorney": "a welfare power of attorney",
        }.get(str(d.get("legal_power")), "powers")
        + " over the person's support"
        + (
            f"; {', '.join(d['pa_records'])} may no longer be paid as a PA (regulation 9)"
            if d.get("pa_records")
            else ""
        )
    ),
    "ledger.book_opened": lambda d: "opened the account's records",
    "ledger.entry_posted": lambda d: f"recorded {_entry(d)} on {_day(d.get('occurred_on'))}",
    "ledger.entry_reversed": lambda d: f"reversed {_entry(d)}: {d.get('reason', '')}",
    "ledger.statement_imported": lambda d: (
        f"uploaded the bank statement {d.get('filename', '')} for {_day(d.get('start_on'))} to "
        f"{_day(d.get('end_on'))} ({_count(d.get('new_lines'), 'new line', 'new lines')})"
    ),
    "ledger.statement_import_queued": lambda d: (
        f"uploaded the bank statement {d.get('filename', '')}, a large file, to be read in the background"
    ),
    "ledger.statement_import_failed": lambda d: (
        f"could not import the bank statement {d.get('filename', '')}; nothing was stored: {d.get('reason', '')}"
    ),
    "client_money.account_opened": lambda d: f"opened the client account “{d.get('name', '')}”",
    "client_money.client_joined": lambda d: (
        f"took {d.get('name', 'a person')}'s Direct Payment into {d.get('provider', 'the provider')}'s client account "
        f"“{d.get('client_account', '')}”, known on its bank lines as {d.get('reference', '')}"
    ),
    "client_money.statement_imported": lambda d: (
        f"uploaded the client account's bank statement {d.get('filename', '')} "
        f"({_count(d.get('new_lines'), 'new line', 'new lines')}, {d.get('assigned', 0)} given to clients, "
        f"{d.get('waiting', 0)} waiting)"
    ),
    "client_money.client_left": lambda d: (
        f"ended the holding of {d.get('name', 'a person')}'s Direct Payment in {d.get('provider', 'the provider')}'s "
        f"client account “{d.get('client_account', '')}” from {_day(d.get('left_on'))}, with nothing left held for them"
    ),
    "client_money.fee_charged": lambda d: (
        f"charged {_money(d.get('amount_pence', 0))} from the money it holds: {d.get('description', 'a fee')}"
    ),
    "client_money.lines_assigned": lambda d: (
        f"gave {_count(d.get('lines'), 'bank line', 'bank lines')} of the client account "
        f"“{d.get('client_account', '')}” ({_money(d.get('total_pence', 0))} in all) to this account"
    ),
    "client_money.own_money_line": lambda d: "recorded a client account bank line as the provider's own money",
    "ledger.line_posted": lambda d: (
        f"recorded a bank line of {_money(abs(d.get('amount_pence', 0)))}"
        + (f" ({d['because']})" if d.get("because") else "")
    ),
    "ledger.bank_layout_described": lambda d: f"described the columns of the bank's CSV file as '{d.get('name', '')}'",
    "ledger.line_reposted": lambda d: (
        f"recorded a bank line of {_money(abs(d.get('amount_pence', 0)))} as {d.get('account', 'another account')} "
        "instead, reversing the entry made before"
    ),
    "ledger.line_matched": lambda d: "matched a bank line to the account's records",
    "ledger.line_unmatched": lambda d: "unmatched a bank line",
    "ledger.auto_reconciled": lambda d: f"matched {_count(len(d.get('matches', [])), 'bank line', 'bank lines')}",
    "ledger.account_opened": lambda d: f"opened the ledger account “{d.get('name', '')}”",
    "ledger.account_closed": lambda d: "closed a ledger account",
    "spend.category_confirmed": lambda d: f"said a payment was for {_category(d)}",
    "spend.approval_requested": lambda d: (
        f"asked the council to approve {d.get('payee', 'a payment')} ({_money(d.get('amount_pence'))})"
    ),
    "spend.exception_raised": lambda d: (
        f"raised an exception on {d.get('payee', 'a payment')} ({_money(d.get('amount_pence'))}): "
        f"{d.get('sentence', '')}"
    ),
    "spend.review_withdrawn": lambda d: f"withdrew the review of {d.get('payee', 'a payment')}",
    "spend.review_approved": lambda d: f"approved {_payment(d)}: {d.get('reason', '')}",
    "spend.review_declined": lambda d: f"declined {_payment(d)}: {d.get('reason', '')}",
    "spend.review_resolved": lambda d: f"resolved the exception on {_payment(d)}: {d.get('reason', '')}",
    "pa.added": lambda d: f"added {d.get('full_name', 'a personal assistant')} as a personal assistant",
    "pa.left": lambda d: f"recorded a personal assistant's last day, {_day(d.get('left_on'))}",
    "contract_rates.added": lambda d: "set a personal assistant's hourly rates",
    "timesheet.recorded": lambda d: f"added {_count(len(d.get('entries', [])), 'timesheet line', 'timesheet lines')}",
    "timesheet.line_removed": lambda d: f"took a timesheet line off ({_day((d.get('entry') or [''])[0])})",
    "sickness.recorded": lambda d: "recorded a personal assistant's sickness",
    "payroll_employer.set": lambda d: "recorded the employer's HMRC references and insurance",
    "payrun.drafted": lambda d: (
        f"drafted the pay run paid on {_day(d.get('paid_on'))} "
        f"({_count(d.get('payslips'), 'payslip', 'payslips')}, gross {_money(d.get('gross_pence'))})"
    ),
    "report.requested": lambda d: (
        f"asked for the council's monitoring report for {_day(d.get('period_from'))} to {_day(d.get('period_to'))}"
    ),
    "payrun.finalised": lambda d: f"finalised a pay run: net pay {_money(d.get('net_pence'))}",
    "payrun.reversed": lambda d: (
        f"reversed the pay run paid on {_day(d.get('paid_on'))} to correct it: {d.get('reason', '')}"
    ),
    "agreement.drafted": lambda d: f"drafted the agreement {d.get('reference', '')}",
    "agreement.redrafted": lambda d: f"changed the draft agreement {d.get('reference', '')}",
    "agreement.signed": lambda d: (
        f"signed version {d.get('version')} of the agreement {d.get('reference', '')}"
        + (", which is now in force" if d.get("in_force") else "")
    ),
    "agreement.variation_drafted": lambda d: f"drafted a change to the agreement {d.get('reference', '')}",
    "agreement.version_withdrawn": lambda d: f"withdrew a version of the agreement {d.get('reference', '')}",
    "agreement.terminated": lambda d: f"ended the agreement {d.get('reference', '')}",
    "agreement.payment_received": lambda d: (
        f"recorded the council's payment due on {_day(d.get('due_on'))} as received ({_money(d.get('amount_pence'))})"
    ),
    "mandate.granted": lambda d: (
        f"let {d.get('organisation_name', 'an organisation')} act on the account "
        f"({', '.join(str(scope).replace('_', ' ') for scope in d.get('scopes', []))})"
    ),
    "mandate.revoked": lambda d: (
        f"ended {d.get('organisation_name', 'an organisation')}'s permission to act on the account: "
        f"{d.get('reason', '')}"
    ),
    "mandate.relinquished": lambda d: "stopped acting on the account",
    "exception.assigned": lambda d: (
        f"gave the exception “{d.get('sentence', '')}” to {d['assigned_to']}"
        if d.get("assigned_to")
        else f"took the exception “{d.get('sentence', '')}” off everyone's list"
    ),
    "exception.commented": lambda d: f"commented on the exception “{d.get('sentence', '')}”: {d.get('comment', '')}",
    "exception.resolved": lambda d: f"resolved the exception “{d.get('sentence', '')}”: {d.get('resolution', '')}",
    "pa.checks_recorded": lambda d: f"recorded the checks of {d.get('full_name', 'a personal assistant')}",
    "pa.details_changed": lambda d: (
        f"changed the {', '.join(str(change[0]).replace('_', ' ') for change in d.get('changes', []))} of "
        f"{d.get('full_name', 'a personal assistant')} from {_day(d.get('effective_from'))}"
    ),
    "pa.family_approved": lambda d: (
        f"recorded the council's agreement to {d.get('full_name', 'a family member')} being paid from "
        f"{_day(d.get('starts_on'))} (regulation 8: {str(d.get('ground', '')).replace('_', ' ')}"
        + (f"; {d['reference']}" if d.get("reference") else "")
        + ")"
    ),
    "pa.family_approval_withdrawn": lambda d: (
        f"ended the council's agreement to {d.get('full_name', 'a family member')} being paid from "
        f"{_day(d.get('on'))}: {d.get('reason', '')}"
    ),
    "surplus.conversation_recorded": lambda d: (
        f"recorded a conversation on {_day(d.get('held_on'))} about the money held ({d.get('attendees', '')}): "
        f"{d.get('outcome', '')}"
        + (f"; {_money(d.get('kept_pence'))} kept for {d.get('kept_for')}" if d.get("kept_pence") else "")
    ),
    "surplus.recovery_raised": lambda d: (
        f"asked for {_money(d.get('amount_pence'))} of the surplus back "
        + (
            f"by paying that much less on {_day(d.get('net_from_due_on'))}"
            if d.get("method") == "netting"
            else "by invoice"
        )
    ),
    "surplus.invoice_paid": lambda d: f"recorded the surplus invoice of {_money(d.get('amount_pence'))} as paid",
    "review.recorded": lambda d: (
        f"recorded the review held on {_day(d.get('held_on'))} with {d.get('attendees', '')}: {d.get('outcome', '')}"
    ),
    "return.submitted": lambda d: (
        f"sent the monitoring return for {_day(d.get('period_from'))} to {_day(d.get('period_to'))}: "
        f"{_money(d.get('closing_bank_pence'))} in the bank, {_money(d.get('spent_pence'))} spent"
    ),
    "card.issued": lambda d: (
        f"issued a {d.get('card_type', '')} card ending {d.get('last4', '')} to {d.get('cardholder', '')}"
    ),
    "card.frozen": lambda d: f"froze the card ending {d.get('last4', '')}",
    "card.unfrozen": lambda d: f"unfroze the card ending {d.get('last4', '')}",
    "card.cancelled": lambda d: (
        f"cancelled the card ending {d.get('last4', '')}"
        + (f" ({d.get('lost_or_stolen')})" if d.get("lost_or_stolen") else "")
    ),
    "card.authorisation_approved": lambda d: (
        f"let the card ending {d.get('last4', '')} pay {_money(d.get('amount_pence'))} at {d.get('merchant', '')}"
    ),
    "card.authorisation_declined": lambda d: (
        f"refused {_money(d.get('amount_pence'))} at {d.get('merchant', '')} on the card ending "
        f"{d.get('last4', '')}: {d.get('reason', '')}"
    ),
    "card.authorisation_released": lambda d: (
        f"stopped holding {_money(d.get('released_pence'))} for {d.get('merchant', '')}: the shop did not take it"
    ),
    "card.transaction_posted": lambda d: (
        f"recorded {'a refund of' if d.get('kind') == 'refund' else 'a card spend of'} "
        f"{_money(abs(int(d.get('amount_pence') or 0)))} at {d.get('merchant', '')}"
    ),
    "card_payment.payer_set": lambda d: f"recorded who pays money in: {d.get('description', '')}",
    "card_payment.requested": lambda d: (
        f"asked for {_money(d.get('amount_pence'))} ({str(d.get('purpose', '')).replace('_', ' ')}) "
        f"from the {d.get('payer', '')}"
    ),
    "card_payment.contribution_received": lambda d: (
        f"recorded the own contribution of {_money(d.get('amount_pence'))} paid by card or Direct Debit"
    ),
    "card_payment.failed": lambda d: (
        f"recorded that a payment of {_money(d.get('amount_pence'))} failed: {d.get('failure', '')}"
    ),
    "card_payment.cancelled": lambda d: f"recorded that a payment of {_money(d.get('amount_pence'))} was cancelled",
    "threshold.set": lambda d: (
        f"set the council's threshold {str(d.get('name', '')).replace('_', ' ')} "
        f"to {d.get('value')} from {_day(d.get('effective_from'))}"
    ),
}


def sentence(action: str, details: Details, who: str) -> str:
    """``who`` did what the event records; an action without words of its own is named plainly."""
    what = _WHAT.get(action)
    text = what(details) if what else action.replace("_", " ").replace(".", ": ")
    text = text.rstrip(". ")
    return f"{who} {text}." if what else f"{who}: {text}."


def who(person: str | None, organisation: str | None, role: str) -> str:
    if role == "system":
        return "The platform"
    if person and organisation:
        return f"{person} of {organisation}"
    return person or organisation or "Someone"
