"""The access policy, pure: every role against its own and others' accounts."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from dp_platform.tenancy.policy import AccountRef, Action, Actor, MandateGrant, can
from dp_platform.tenancy.roles import Role

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
AUTHORITY, OTHER_AUTHORITY = uuid.uuid4(), uuid.uuid4()
BUREAU, OTHER_BUREAU = uuid.uuid4(), uuid.uuid4()
OWN = AccountRef(uuid.uuid4(), AUTHORITY)
NEIGHBOUR = AccountRef(uuid.uuid4(), AUTHORITY)
FOREIGN = AccountRef(uuid.uuid4(), OTHER_AUTHORITY)


def grant(
    account=OWN,
    scopes=("view", "run_payroll"),
    valid_from=date(2026, 1, 1),
    valid_to=None,
    revoked_at=None,
    organisation=BUREAU,
):
    return MandateGrant(uuid.uuid4(), account.id, organisation, frozenset(scopes), valid_from, valid_to, revoked_at)


EMPLOYER = Actor(Role.EMPLOYER, user_id=uuid.uuid4(), account_ids=frozenset({OWN.id}))
FINANCE = Actor(Role.AUTHORITY_FINANCE, user_id=uuid.uuid4(), authority_id=AUTHORITY)
WORKER = Actor(Role.AUTHORITY_WORKER, user_id=uuid.uuid4(), authority_id=AUTHORITY)
ADMIN = Actor(Role.PLATFORM_ADMIN, user_id=uuid.uuid4())


def bureau(*mandates, api_key_scopes=None):
    return Actor(
        Role.BUREAU_STAFF,
        user_id=None if api_key_scopes else uuid.uuid4(),
        organisation_id=BUREAU,
        mandates=tuple(mandates),
        api_key_id=uuid.uuid4() if api_key_scopes else None,
        api_key_scopes=frozenset(api_key_scopes) if api_key_scopes else None,
    )


@pytest.mark.parametrize("action", list(Action))
def test_an_employer_may_do_everything_on_their_own_account_and_see_nothing_else(action):
    own = can(EMPLOYER, action, OWN, now=NOW)
    assert own.visible and own.allowed is (
        action
        not in (
            Action.ISSUE_AGREEMENT,
            Action.REVIEW_SPEND,
            Action.MONITOR,
            Action.RECOVER_SURPLUS,
            Action.MANAGE_CARDS,
            Action.COLLECT_PAYMENTS,
            Action.RECORD_LEGAL_POWERS,
        )
    )
    for other in (NEIGHBOUR, FOREIGN):
        decision = can(EMPLOYER, action, other, now=NOW)
        assert not decision.allowed and not decision.visible


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        (
            FINANCE,
            {
                Action.VIEW,
                Action.MONITOR,
                Action.RECOVER_SURPLUS,
                Action.MANAGE_CARDS,
                Action.FREEZE_CARD,
                Action.COLLECT_PAYMENTS,
            },
        ),
        (
            WORKER,
            {
                Action.VIEW,
                Action.MANAGE_AGREEMENT,
                Action.ISSUE_AGREEMENT,
                Action.REVIEW_SPEND,
                Action.MONITOR,
                Action.MANAGE_PEOPLE,
                Action.RECORD_LEGAL_POWERS,
            },
        ),
        (ADMIN, {Action.VIEW}),
    ],
)
def test_staff_roles_are_limited_to_their_actions(actor, allowed):
    for action in Action:
        decision = can(actor, action, NEIGHBOUR, now=NOW)
        assert decision.visible
        assert decision.allowed is (action in allowed), action


@pytest.mark.parametrize("actor", [FINANCE, WORKER])
def test_authority_staff_see_nothing_of_another_authority(actor):
    for action in Action:
        assert not can(actor, action, FOREIGN, now=NOW).visible


def test_bureau_staff_act_within_the_scopes_of_a_mandate_in_force():
    mandate = grant()
    actor = bureau(mandate)
    assert can(actor, Action.VIEW, OWN, now=NOW).mandate_id == mandate.id
    assert can(actor, Action.RUN_PAYROLL, OWN, now=NOW).mandate_id == mandate.id
    refused = can(actor, Action.IMPORT_STATEMENTS, OWN, now=NOW)
    assert refused.visible and not refused.allowed
    assert not can(actor, Action.MANAGE_MANDATES, OWN, now=NOW)
    assert not can(actor, Action.VIEW, NEIGHBOUR, now=NOW).visible


def test_a_provider_issues_and_freezes_cards_only_under_a_manage_money_mandate():
    assert can(bureau(grant(scopes=("manage_money",))), Action.MANAGE_CARDS, OWN, now=NOW)
    assert can(bureau(grant(scopes=("manage_money",))), Action.FREEZE_CARD, OWN, now=NOW)
    payroll_only = bureau(grant(scopes=("run_payroll", "import_statements")))
    assert not can(payroll_only, Action.MANAGE_CARDS, OWN, now=NOW)
    assert not can(payroll_only, Action.FREEZE_CARD, OWN, now=NOW)
    assert not can(bureau(grant(scopes=("manage_money",))), Action.COLLECT_PAYMENTS, OWN, now=NOW)


def test_any_scope_includes_viewing():
    assert can(bureau(grant(scopes=("run_payroll",))), Action.VIEW, OWN, now=NOW)


@pytest.mark.parametrize(
    "mandate",
    [
        grant(revoked_at=NOW - timedelta(seconds=1)),
        grant(valid_to=date(2026, 6, 14)),
        grant(valid_from=date(2026, 6, 16)),
        grant(organisation=OTHER_BUREAU),
    ],
    ids=["revoked", "expired", "not-yet-started", "another-organisations"],
)
def test_a_mandate_not_in_force_gives_nothing_not_even_sight(mandate):
    for action in Action:
        assert not can(bureau(mandate), action, OWN, now=NOW).visible


def test_mandate_dates_are_scottish_calendar_days_inclusive():
    last_day = grant(valid_to=date(2026, 6, 15))
    late_evening = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)  # 23:30 in Scotland (BST), still the 15th
    after_midnight = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)  # 00:30 on the 16th in Scotland
    assert can(bureau(last_day), Action.VIEW, OWN, now=late_evening)
    assert not can(bureau(last_day), Action.VIEW, OWN, now=after_midnight)


def test_revocation_takes_effect_at_the_moment_it_is_made():
    revoked = grant(revoked_at=NOW)
    assert can(bureau(revoked), Action.VIEW, OWN, now=NOW - timedelta(microseconds=1))
    assert not can(bureau(revoked), Action.VIEW, OWN, now=NOW)


def test_an_api_key_is_limited_to_its_own_scopes_within_the_mandate():
    actor = bureau(grant(scopes=("view", "run_payroll", "import_statements")), api_key_scopes=("import_statements",))
    assert can(actor, Action.IMPORT_STATEMENTS, OWN, now=NOW)
    assert can(actor, Action.VIEW, OWN, now=NOW)
    assert not can(actor, Action.RUN_PAYROLL, OWN, now=NOW)
    assert not can(actor, Action.RELINQUISH_MANDATE, OWN, now=NOW)


def test_bureau_staff_may_relinquish_their_own_mandate():
    assert can(bureau(grant()), Action.RELINQUISH_MANDATE, OWN, now=NOW)


def test_a_closed_account_can_only_be_viewed():
    closed = AccountRef(OWN.id, AUTHORITY, closed_on=date(2026, 5, 31))
    assert can(EMPLOYER, Action.VIEW, closed, now=NOW)
    refused = can(EMPLOYER, Action.RUN_PAYROLL, closed, now=NOW)
    assert refused.visible and not refused.allowed
    assert "closed on 2026-05-31" in refused.reason


def test_no_mandate_lets_a_bureau_sign_or_issue_an_agreement():
    every_scope = bureau(
        grant(scopes=("view", "run_payroll", "import_statements", "submit_returns", "manage_agreement"))
    )
    for action in (Action.SIGN_AS_HOLDER, Action.ISSUE_AGREEMENT):
        decision = can(every_scope, action, OWN, now=NOW)
        assert decision.visible and not decision.allowed


@pytest.mark.parametrize("action", list(Action))
def test_a_personal_assistant_sees_no_account_not_even_their_employers(action):
    pa = Actor(Role.PERSONAL_ASSISTANT, user_id=uuid.uuid4())
    for account in (OWN, NEIGHBOUR, FOREIGN):
        decision = can(pa, action, account, now=NOW)
        assert not decision.visible and not decision.allowed
