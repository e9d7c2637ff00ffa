"""The chart of accounts of an Option 1 Direct Payment account, as data.

One DP bank account; income from the authority's 4-weekly payments and from the
person's own contribution; spending by category; what is owed (net wages, HMRC,
pension, surplus repayable to the authority). Sources for the categories:
docs/reference/domain.md §2.3 (permitted spend) and §2.8 (employer duties).
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgers.accounts import AccountCode

DP_BANK = AccountCode("assets:bank:dp_account")
DP_CARD = AccountCode("assets:card:dp_card")
"""Money held for the account's Direct Payment card by the business running the card programme: what
the card spends from, and where money paid in by card lands."""
AUTHORITY_PAYMENTS = AccountCode("income:authority:dp_payment")
OWN_CONTRIBUTION = AccountCode("income:contribution:own")
OPENING_BALANCE = AccountCode("equity:opening_balance")
REFUNDS = AccountCode("income:other:refunds")
SUSPENSE = AccountCode("expenses:unclassified")
SURPLUS_REPAYABLE = AccountCode("liabilities:authority:surplus_repayable")


@dataclass(frozen=True, slots=True)
class ChartAccount:
    code: AccountCode
    name: str
    spend_category: str | None = None
    """For expense accounts: the spend category the national guidelines check."""


OPTION_1_CHART: tuple[ChartAccount, ...] = (
    ChartAccount(DP_BANK, "DP bank account"),
    ChartAccount(DP_CARD, "Direct Payment card"),
    ChartAccount(AUTHORITY_PAYMENTS, "Direct Payments from the authority"),
    ChartAccount(OWN_CONTRIBUTION, "Own financial contribution"),
    ChartAccount(REFUNDS, "Refunds and other income"),
    ChartAccount(AccountCode("expenses:pa_wages:gross"), "PA gross wages", "pa_wages"),
    ChartAccount(AccountCode("expenses:pa_wages:employer_ni"), "Employer National Insurance", "pa_wages"),
    ChartAccount(AccountCode("expenses:pa_wages:employer_pension"), "Employer pension contributions", "pa_wages"),
    ChartAccount(AccountCode("expenses:agency"), "Agency and provider invoices", "agency"),
    ChartAccount(AccountCode("expenses:short_breaks"), "Short breaks and respite", "short_breaks"),
    ChartAccount(AccountCode("expenses:equipment"), "Equipment", "equipment"),
    ChartAccount(AccountCode("expenses:activities"), "Activities", "activities"),
    ChartAccount(AccountCode("expenses:transport"), "Transport", "transport"),
    ChartAccount(AccountCode("expenses:insurance"), "Employer's liability insurance", "insurance"),
    ChartAccount(AccountCode("expenses:payroll_services"), "Payroll service fees", "payroll_services"),
    ChartAccount(AccountCode("expenses:bank_charges"), "Bank charges", "bank_charges"),
    ChartAccount(SUSPENSE, "Not yet classified", "unclassified"),
    ChartAccount(AccountCode("liabilities:wages:net_due"), "Net wages due to PAs"),
    ChartAccount(AccountCode("liabilities:hmrc:paye_ni"), "PAYE and NI due to HMRC"),
    ChartAccount(AccountCode("liabilities:pension:due"), "Pension contributions due"),
    ChartAccount(AccountCode("liabilities:authority:surplus_repayable"), "Surplus repayable to the authority"),
    ChartAccount(OPENING_BALANCE, "Opening balance"),
)


def spend_category_of(code: str) -> str | None:
    """The spend category of an expense account: its own, that of the chart account it sits under
    (``expenses:activities:art``), or the category an account opened for it is named after
    (``expenses:household_bills``)."""
    under = [
        account
        for account in OPTION_1_CHART
        if account.spend_category and (code == account.code.value or code.startswith(account.code.value + ":"))
    ]
    if under:
        return max(under, key=lambda account: len(account.code.value)).spend_category
    parts = code.split(":")
    return parts[1] if len(parts) > 1 and parts[0] == "expenses" else None


def expense_account_for(category: str, name: str) -> ChartAccount:
    """Where a bank line of a spend category is posted: the category's first chart account (PA wages
    paid outside payroll are gross wages), or an account of its own, opened when first needed, for a
    category the chart does not list (most of them are spending the guidance does not allow)."""
    for account in OPTION_1_CHART:
        if account.spend_category == category and account.code.value.startswith("expenses:"):
            return account
    return ChartAccount(AccountCode(f"expenses:{category}"), name, category)
