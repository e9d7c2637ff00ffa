"""The one answer to every access question: ``can(actor, action, account)``.

Pure: the caller loads the actor (with their account memberships and their
organisation's mandates) and the account, and passes the time. Every route that touches
an account asks here, through ``dp_platform.tenancy.access``; nothing else decides.

The rules, in short:
- an employer may do everything on the accounts they hold or represent, nothing elsewhere,
  except issuing the authority's side of an agreement;
- authority staff see every account of their own authority and work its exception queue
  (finance audits; workers also issue and sign agreements), nothing of another authority;
- only the holder or their representative signs an agreement for the holder;
- bureau staff (and their organisation's API keys) act only through a mandate that is in
  force today, within its scopes (any scope includes viewing), and an API key is further
  limited to its own scopes;
- a platform admin may view, for support, and do nothing else;
- a personal assistant sees no account at all: their own payslips, holiday, rates, P45 and P60 are
  read through ``dp_platform.workflows.my_pay``, by the PA record their sign-in is linked to;
- a closed account can still be viewed, and nothing else.

An account the actor may not even view is reported as invisible, so the API answers 404
and never confirms that someone else's account exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dp_platform.tenancy.roles import Role

SCOTTISH_TIME = ZoneInfo("Europe/London")


def today() -> date:
    """The day it is in Scotland: the day every page and answer is about."""
    return datetime.now(SCOTTISH_TIME).date()


class Action(StrEnum):
    VIEW = "view"
    """See the account, its records and its audit trail."""
    RUN_PAYROLL = "run_payroll"
    IMPORT_STATEMENTS = "import_statements"
    SUBMIT_RETURNS = "submit_returns"
    MANAGE_AGREEMENT = "manage_agreement"
    RECORD_ENTRIES = "record_entries"
    """Post and reverse ledger entries by hand; a mandate needs the ``import_statements`` scope (bookkeeping)."""
    MANAGE_MANDATES = "manage_mandates"
    """Grant and revoke mandates: only the holder's side can."""
    RELINQUISH_MANDATE = "relinquish_mandate"
    """An organisation ends its own mandate (stops acting for the holder)."""
    ISSUE_AGREEMENT = "issue_agreement"
    """Draft, vary and terminate a Direct Payment agreement, and sign it for the authority."""
    SIGN_AS_HOLDER = "sign_as_holder"
    """Sign an agreement as the person or their representative: never through a mandate."""
    REVIEW_SPEND = "review_spend"
    """Approve or decline a spend that needs the authority's approval; resolve a spend exception."""
    MONITOR = "monitor"
    """Work the council's exception queue: assign, comment on and resolve what the checks found;
    record a conversation with the person about a surplus."""
    RECOVER_SURPLUS = "recover_surplus"
    """Recover a surplus by invoice or by netting, after a recorded conversation: council finance only."""
    MANAGE_MONEY = "manage_money"
    """Hold the person's Direct Payment in the organisation's client account and give its bank lines to
    them (a managed account, regulation 5 of the SDS (Scotland) Regulations 2014: at the person's
    request, the person still directing their support)."""
    MANAGE_CARDS = "manage_cards"
    """Issue and cancel a Direct Payment card: the business running the card programme (council finance,
    or a provider holding the money under a ``manage_money`` mandate)."""
    FREEZE_CARD = "freeze_card"
    """Freeze a card and unfreeze it: the holder too (a lost card), as well as whoever issued it."""
    COLLECT_PAYMENTS = "collect_payments"
    """Ask the payer's card or Direct Debit for the person's contribution or a surplus recovery: council finance."""
    MANAGE_PEOPLE = "manage_people"
    """Give a sign-in to the person, their representative or a PA (a one-time link to set a password): the
    holder's side, or the council's social work staff; never through a mandate."""
    RECORD_LEGAL_POWERS = "record_legal_powers"
    """Record that a representative is the person's guardian or attorney (Adults with Incapacity (Scotland)
    Act 2000): the council's social work staff, who see the order or power."""


MANDATE_SCOPES = frozenset(
    {
        Action.VIEW,
        Action.RUN_PAYROLL,
        Action.IMPORT_STATEMENTS,
        Action.SUBMIT_RETURNS,
        Action.MANAGE_AGREEMENT,
        Action.MANAGE_MONEY,
    }
)
_SCOPE_NEEDED = {
    Action.RECORD_ENTRIES: Action.IMPORT_STATEMENTS.value,
    Action.MANAGE_CARDS: Action.MANAGE_MONEY.value,
    Action.FREEZE_CARD: Action.MANAGE_MONEY.value,
}
_AUTHORITY_ACTIONS = {
    Role.AUTHORITY_FINANCE: frozenset(
        {
            Action.VIEW,
            Action.MONITOR,
            Action.RECOVER_SURPLUS,
            Action.MANAGE_CARDS,
            Action.FREEZE_CARD,
            Action.COLLECT_PAYMENTS,
        }
    ),
    Role.AUTHORITY_WORKER: frozenset(
        {
            Action.VIEW,
            Action.MANAGE_AGREEMENT,
            Action.ISSUE_AGREEMENT,
            Action.REVIEW_SPEND,
            Action.MONITOR,
            Action.MANAGE_PEOPLE,
            Action.RECORD_LEGAL_POWERS,
        }
    ),
}


@dataclass(frozen=True, slots=True)
class MandateGrant:
    id: uuid.UUID
    account_id: uuid.UUID
    organisation_id: uuid.UUID
    scopes: frozenset[str]
    valid_from: date
    valid_to: date | None
    revoked_at: datetime | None = None

    def in_force(self, now: datetime) -> bool:
        today = now.astimezone(SCOTTISH_TIME).date()
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    user_id: uuid.UUID | None = None
    authority_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    account_ids: frozenset[uuid.UUID] = frozenset()
    """Accounts an employer holds or represents."""
    mandates: tuple[MandateGrant, ...] = ()
    """The actor's organisation's unrevoked mandates (bureau staff and API keys)."""
    api_key_id: uuid.UUID | None = None
    api_key_scopes: frozenset[str] | None = None
    display_name: str = ""
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccountRef:
    id: uuid.UUID
    authority_id: uuid.UUID
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    visible: bool
    reason: str
    mandate_id: uuid.UUID | None = field(default=None)

    def __bool__(self) -> bool:
        return self.allowed


def _invisible(reason: str) -> Decision:
    return Decision(allowed=False, visible=False, reason=reason)


def _visible(allowed: bool, reason: str, mandate_id: uuid.UUID | None = None) -> Decision:
    return Decision(allowed=allowed, visible=True, reason=reason, mandate_id=mandate_id)


def _bureau_decision(actor: Actor, action: Action, account: AccountRef, now: datetime) -> Decision:
    in_force = [
        grant
        for grant in actor.mandates
        if grant.account_id == account.id and grant.organisation_id == actor.organisation_id and grant.in_force(now)
    ]
    if not in_force:
        return _invisible("no mandate in force for this account")
    if action is Action.RELINQUISH_MANDATE:
        return _visible(actor.api_key_id is None, "staff may end their organisation's mandate", in_force[0].id)
    needed = _SCOPE_NEEDED.get(action, action.value)
    for grant in in_force:
        scopes = grant.scopes if actor.api_key_scopes is None else grant.scopes & actor.api_key_scopes
        if action is Action.VIEW and scopes:
            return _visible(True, "a mandate in force includes viewing", grant.id)
        if needed in scopes:
            return _visible(True, f"mandate scope '{needed}'", grant.id)
    return _visible(False, f"no mandate in force has the scope '{needed}'", in_force[0].id)


def can(actor: Actor, action: Action, account: AccountRef, *, now: datetime) -> Decision:
    """Whether ``actor`` may do ``action`` on ``account`` at ``now`` (timezone-aware)."""
    if actor.role is Role.EMPLOYER:
        if account.id not in actor.account_ids:
            return _invisible("not an account this employer holds or represents")
        if action in (
            Action.ISSUE_AGREEMENT,
            Action.REVIEW_SPEND,
            Action.MONITOR,
            Action.RECOVER_SURPLUS,
            Action.MANAGE_CARDS,
            Action.COLLECT_PAYMENTS,
            Action.RECORD_LEGAL_POWERS,
        ):
            decision = _visible(False, "the authority does this, not the account holder")
        else:
            decision = _visible(True, "holder or representative")
    elif actor.role in _AUTHORITY_ACTIONS:
        if account.authority_id != actor.authority_id:
            return _invisible("an account of another authority")
        allowed = action in _AUTHORITY_ACTIONS[actor.role]
        decision = _visible(allowed, f"{actor.role.value} may {'' if allowed else 'not '}{action.value}")
    elif actor.role is Role.BUREAU_STAFF:
        decision = _bureau_decision(actor, action, account, now)
    elif actor.role is Role.PLATFORM_ADMIN:
        decision = _visible(action is Action.VIEW, "platform admins may only view, for support")
    elif actor.role is Role.PERSONAL_ASSISTANT:
        return _invisible("a personal assistant sees their own pay, never the employer's account")
    else:  # pragma: no cover - Role is closed
        return _invisible("unknown role")
    if decision.allowed and action is not Action.VIEW and account.closed_on is not None:
        closed_on = account.closed_on
        if closed_on <= now.astimezone(SCOTTISH_TIME).date():
            return _visible(False, f"the account closed on {closed_on.isoformat()}", decision.mandate_id)
    return decision
