"""Direct Payment cards and card payments through HTTP, with Stripe played by localstripe (a real
process) and a checked Issuing fake in front of it: issue, freeze, cancel; each authorisation at the
till decided as the spend engine decides the same spend, recorded and audited; captured spends and
refunds posted once; webhooks signed, deduplicated and taken in the order Stripe made them; money
paid in reaching the ledger once, through the webhook, and reconciling."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest
import stripe
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.tables import AuditEventRow
from dp_platform.cards.tables import CardAuthorisationRow, CardTransactionRow, StripeEventRow
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.spending import decide_for_account
from ledgers.categories.engine import Spend
from ledgers.categories.tables import SpendReviewRow
from ledgers.categories.taxonomy import Decision
from ledgers.service import balances
from ledgers.tables import JournalEntryRow, MatchRow
from tests import statement_files as files
from tests.api.test_recovery_api import PAYMENT, STARTS, _conversation, _surplus_account
from tests.stripe_fakes import (
    SECRET_KEY,
    authorisation_request,
    event,
    signed,
    transaction_created,
)

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - entries are dated in days
ADDRESS = {"line1": "4 Harbour Road", "city": "Inverness", "postal_code": "IV1 1AA"}


@pytest.fixture
async def cards(card_client, db):
    yield card_client
    card_client.cookies.clear()


def base(world, account="a1"):
    return f"/api/accounts/{world.accounts[account]}"


async def _issue(cards, world, key="card-1", user="finance_a"):
    response = await cards.post(
        f"{base(world)}/cards",
        headers=world.headers(user),
        json={"cardholder_name": "Ann Morrison", "address": ADDRESS, "card_type": "virtual", "idempotency_key": key},
    )
    return response


async def _money_on_card(cards, world, bank_pence=100_000, card_pence=20_000):
    for key, postings in (
        ("opening", [["assets:bank:dp_account", bank_pence], ["equity:opening_balance", -bank_pence]]),
        ("to-card", [["assets:card:dp_card", card_pence], ["assets:bank:dp_account", -card_pence]]),
    ):
        posted = await cards.post(
            f"{base(world)}/ledger/entries",
            headers=world.headers("ann"),
            json={
                "occurred_on": TODAY.isoformat(),
                "narration": key,
                "postings": [{"account": a, "amount_pence": p} for a, p in postings],
                "idempotency_key": key,
            },
        )
        assert posted.status_code == 201, posted.text


async def _deliver(cards, body_headers):
    body, headers = body_headers
    return await cards.post("/api/stripe/webhooks", content=body, headers=headers)


async def _book(db, book_id):
    async with async_sessionmaker(db)() as session:
        return {row.code.value: row.balance_pence for row in await balances(session, book_id)}


async def _count(db, *where, table=AuditEventRow):
    async with async_sessionmaker(db)() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where))


async def test_cards_are_issued_frozen_and_cancelled_in_stripe_by_those_allowed(cards, world, db, stripe_fake):
    for user, status in (("ann", 403), ("worker_a", 403), ("bureau_x", 403), ("finance_b", 404), ("admin", 403)):
        assert (await _issue(cards, world, user=user)).status_code == status, user
    issued = await _issue(cards, world)
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert (card["status"], card["cardholder_name"], card["card_type"]) == ("active", "Ann Morrison", "virtual")
    again = await _issue(cards, world)
    assert again.json()["id"] == card["id"]  # the same key is the same card, issued once
    account = str(world.accounts["a1"])
    [stripe_card] = [c for c in stripe_fake.cards.values() if c["metadata"]["dp_account_id"] == account]
    assert stripe_card["currency"] == "gbp" and stripe_card["metadata"]["dp_reference"] == "A1"
    holder = stripe_fake.cardholders[stripe_card["cardholder"]]
    assert holder["billing"]["address"] == {**ADDRESS, "country": "GB"}

    url = f"{base(world)}/cards/{card['id']}"
    frozen = await cards.post(f"{url}/freeze", headers=world.headers("ann"), json={"reason": "I cannot find it"})
    assert frozen.status_code == 200 and frozen.json()["status"] == "frozen"
    assert stripe_card["status"] == "inactive"
    assert (await cards.post(f"{url}/unfreeze", headers=world.headers("ann"), json={})).json()["status"] == "active"
    assert (await cards.post(f"{url}/cancel", headers=world.headers("ann"), json={})).status_code == 403
    assert (await cards.post(f"{url}/freeze", headers=world.headers("bea"), json={})).status_code == 404
    cancelled = await cards.post(f"{url}/cancel", headers=world.headers("finance_a"), json={"lost_or_stolen": "lost"})
    assert cancelled.json()["status"] == "cancelled"
    assert (stripe_card["status"], stripe_card["cancellation_reason"]) == ("canceled", "lost")
    refused = await cards.post(f"{url}/unfreeze", headers=world.headers("ann"), json={})
    assert refused.status_code == 409
    async with async_sessionmaker(db)() as session:
        actions = list(
            await session.scalars(
                select(AuditEventRow.action)
                .where(AuditEventRow.account_id == world.accounts["a1"], AuditEventRow.action.like("card.%"))
                .order_by(AuditEventRow.seq)
            )
        )
    assert actions == ["card.issued", "card.frozen", "card.unfrozen", "card.cancelled"]


async def test_without_stripe_settings_cards_say_they_are_not_set_up_and_the_rest_runs(api, world):
    refused = await _issue(api, world)
    assert refused.status_code == 503
    assert "DP_STRIPE_SECRET_KEY" in refused.json()["detail"]
    assert (await api.get(f"{base(world)}/cards", headers=world.headers("ann"))).json() == []
    webhook = await api.post("/api/stripe/webhooks", content=b"{}", headers={"Stripe-Signature": "t=1,v1=x"})
    assert webhook.status_code == 503


CASES = [
    # name, merchant code, shop, pence, approved, deciding rules
    ("allowed category", "8099", "Highland Home Care Ltd", 4_500, True, ["NAT-CAT-SUPPORT"]),
    ("prohibited merchant code", "7995", "Lucky Bet Online", 1_000, False, ["NAT-EXCL-GAMBLING"]),
    ("over the free balance", "8099", "Highland Home Care Ltd", 25_000, False, ["CARD:FREE_BALANCE"]),
    ("needs approval", "6011", "Cash machine", 2_000, False, ["NAT-CASH"]),
    ("unknown merchant code", "1234", "Somewhere new", 500, False, ["CARD:UNKNOWN_MERCHANT"]),
]


@pytest.mark.parametrize(("name", "code", "shop", "pence", "approved", "rules"), CASES, ids=[c[0] for c in CASES])
async def test_each_case_at_the_till_is_the_spend_engines_decision_recorded_and_audited(
    cards, world, db, name, code, shop, pence, approved, rules
):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    answer = await _deliver(cards, signed(authorisation_request(stripe_card, pence, code, shop)))
    assert answer.status_code == 200, answer.text
    assert answer.headers["Stripe-Version"] == stripe.api_version
    assert answer.json()["approved"] is approved, answer.json()
    async with async_sessionmaker(db)() as session:
        row = await session.scalar(select(CardAuthorisationRow))
        assert (row.rule_ids, row.approved, row.amount_pence) == (rules, approved, pence)
        assert row.reason.startswith(answer.json()["metadata"]["reason"])
        assert row.reason.startswith("Approved." if approved else "Declined")
        audited = await session.scalar(select(AuditEventRow).where(AuditEventRow.subject_id == str(row.id)))
        assert audited.action == f"card.authorisation_{'approved' if approved else 'declined'}"
        assert audited.details["rule_ids"] == rules and audited.account_id == world.accounts["a1"]
        if not rules[0].startswith("CARD:"):  # decided by the rules: exactly what the spend engine decides
            account = await session.get(DpAccountRow, world.accounts["a1"])
            engine = await decide_for_account(
                session, account, Spend(on=TODAY, amount_pence=pence, payee=shop, mcc=code)
            )
            assert engine.rule_ids == rules
            assert (engine.decision <= Decision.ALLOWED_WITH_CONDITIONS) is approved
            assert engine.sentence in row.reason


async def test_an_approval_holds_its_money_and_both_sides_read_the_answers(cards, world, db):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    for _, code, shop, pence, _, _ in CASES:
        assert (await _deliver(cards, signed(authorisation_request(stripe_card, pence, code, shop)))).status_code == 200
    # the approved £45.00 is held: £200.00 on the card less £45.00 leaves £155.00
    over = await _deliver(cards, signed(authorisation_request(stripe_card, 15_501, "8099", "Highland Home Care Ltd")))
    assert over.json()["approved"] is False and "£155.00" in over.json()["metadata"]["reason"]
    decided = (await cards.get(f"{base(world)}/card-authorisations", headers=world.headers("ann"))).json()
    assert len(decided) == len(CASES) + 1 == 6
    assert [d["approved"] for d in decided].count(True) == 1
    gambling = next(d for d in decided if d["merchant_code"] == "7995")
    assert gambling["reason"].startswith("Declined.") and "gambling" in gambling["reason"].lower()
    assert await _count(db, AuditEventRow.action == "card.authorisation_declined") == len(CASES)
    assert await _count(db, AuditEventRow.action == "card.authorisation_approved") == 1
    # the council sees the same answers; another council and another person see nothing
    assert len((await cards.get(f"{base(world)}/card-authorisations", headers=world.headers("finance_a"))).json()) == 6
    for user in ("finance_b", "bea"):
        assert (await cards.get(f"{base(world)}/card-authorisations", headers=world.headers(user))).status_code == 404


async def test_a_frozen_card_is_declined_and_a_standing_approval_lets_the_spend_through(cards, world, db):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    await cards.post(f"{base(world)}/cards/{card['id']}/freeze", headers=world.headers("ann"), json={})
    frozen = await _deliver(cards, signed(authorisation_request(stripe_card, 1_000, "8099", "Highland Home Care Ltd")))
    assert frozen.json()["approved"] is False and "frozen" in frozen.json()["metadata"]["reason"]
    await cards.post(f"{base(world)}/cards/{card['id']}/unfreeze", headers=world.headers("ann"), json={})

    taxi = ("4121", "Highland Taxis", 1_800)
    first = await _deliver(cards, signed(authorisation_request(stripe_card, taxi[2], taxi[0], taxi[1])))
    assert first.json()["approved"] is False and "council" in first.json()["metadata"]["reason"]
    threshold = await cards.post(
        f"/api/authorities/{world.authorities['A']}/thresholds",
        headers=world.headers("finance_a"),
        json={
            "name": "standing_approval_limit_pence",
            "value": 5_000,
            "effective_from": (TODAY - timedelta(days=1)).isoformat(),
            "source_title": "Glenmore Council Direct Payments policy, section 9",
        },
    )
    assert threshold.status_code == 201, threshold.text
    async with async_sessionmaker(db)() as session, session.begin():
        session.add(  # the council approved an earlier taxi with this firm, for the agreed outcome
            SpendReviewRow(
                book_id=world.accounts["a1"],
                subject_type="statement_line",
                subject_id=uuid.uuid4(),
                occurred_on=TODAY - timedelta(days=20),
                amount_pence=1_600,
                payee_key="HIGHLAND TAXIS",
                description="HIGHLAND TAXIS",
                category="transport",
                kind="approval",
                decision="needs_approval",
                sentence="Needs the council's approval",
                rule_ids=["NAT-OUTCOME-LINK"],
                status="approved",
                decision_reason="Taxi to the day centre, agreed outcome",
            )
        )
    second = await _deliver(cards, signed(authorisation_request(stripe_card, taxi[2], taxi[0], taxi[1])))
    assert second.json()["approved"] is True, second.json()
    async with async_sessionmaker(db)() as session:
        account = await session.get(DpAccountRow, world.accounts["a1"])
        engine = await decide_for_account(
            session, account, Spend(on=TODAY, amount_pence=taxi[2], category="transport", payee=taxi[1], mcc="4121")
        )
        assert engine.decision <= Decision.ALLOWED_WITH_CONDITIONS
        assert any(hit.set_aside == "approved by the council" for hit in engine.hits)


async def _stripe_card_id(db, card_id):
    from dp_platform.cards.tables import CardRow

    async with async_sessionmaker(db)() as session:
        return (await session.get(CardRow, uuid.UUID(card_id))).stripe_card_id


async def test_a_captured_spend_posts_once_however_often_delivered_and_a_refund_comes_back(cards, world, db):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    request = authorisation_request(stripe_card, 4_500, "8099", "Highland Home Care Ltd")
    assert (await _deliver(cards, signed(request))).json()["approved"] is True
    capture = transaction_created(
        stripe_card, -4_500, "8099", "Highland Home Care Ltd", authorization=request["data"]["object"]["id"]
    )
    delivery = signed(capture)
    for _ in range(3):
        assert (await _deliver(cards, delivery)).status_code == 200
    book = await _book(db, world.accounts["a1"])
    assert book["assets:card:dp_card"] == 20_000 - 4_500 and book["expenses:agency"] == 4_500
    assert await _count(db, table=CardTransactionRow) == 1
    async with async_sessionmaker(db)() as session:
        assert (await session.scalar(select(CardAuthorisationRow.held_pence))) == 0  # taken: no longer held
    refund = transaction_created(
        stripe_card, 1_000, "8099", "Highland Home Care Ltd", authorization=None, kind="refund"
    )
    await _deliver(cards, signed(refund))
    book = await _book(db, world.accounts["a1"])
    assert book["assets:card:dp_card"] == 20_000 - 3_500 and book["expenses:agency"] == 3_500
    listed = (await cards.get(f"{base(world)}/card-transactions", headers=world.headers("ann"))).json()
    assert sorted(t["amount_pence"] for t in listed) == [-4_500, 1_000]
    # a spend the platform never approved (captured offline) is checked as a bank line is
    offline = transaction_created(stripe_card, -2_000, "7995", "Lucky Bet Online", authorization=None)
    await _deliver(cards, signed(offline))
    reviews = (await cards.get(f"{base(world)}/spend-reviews?status=open", headers=world.headers("finance_a"))).json()
    assert [(r["kind"], r["category"], r["amount_pence"]) for r in reviews] == [("exception", "gambling", 2_000)]


async def test_a_tampered_or_stale_signature_is_refused_and_writes_nothing(cards, world, db):
    card = (await _issue(cards, world)).json()
    stripe_card = await _stripe_card_id(db, card["id"])
    events_before = await _count(db)
    request = authorisation_request(stripe_card, 4_500, "8099", "Highland Home Care Ltd")
    body, headers = signed(request)
    tampered = body.replace(b"4500", b"450")
    for attempt in (
        (tampered, headers),
        signed(request, at=int(time.time()) - 3_600),
        signed(request, secret="whsec_someone_else"),
        (body, {"Content-Type": "application/json"}),
    ):
        refused = await _deliver(cards, attempt)
        assert refused.status_code == 400, refused.text
        assert refused.json()["field"] == "Stripe-Signature"
    assert await _count(db, table=CardAuthorisationRow) == 0
    assert await _count(db, table=StripeEventRow) == 0
    assert await _count(db) == events_before
    unknown = await _deliver(cards, signed(event("customer.created", {"id": "cus_x", "object": "customer"})))
    assert unknown.status_code == 200 and "not an event" in unknown.json()["outcome"]
    assert await _count(db, table=StripeEventRow) == 0


def _localstripe(stripe_fake) -> stripe.StripeClient:
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": stripe_fake.localstripe})


async def _payer(cards, world, stripe_fake):
    client = _localstripe(stripe_fake)
    customer = client.v1.customers.create({"email": "ann@example.org"})
    method = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(method.id, {"customer": customer.id})
    for user, status in (("ann", 403), ("worker_a", 403), ("finance_b", 404)):
        denied = await cards.put(
            f"{base(world)}/payer",
            headers=world.headers(user),
            json={"customer": customer.id, "payment_method": method.id},
        )
        assert denied.status_code == status, user
    payer = await cards.put(
        f"{base(world)}/payer",
        headers=world.headers("finance_a"),
        json={"customer": customer.id, "payment_method": method.id},
    )
    assert payer.status_code == 200, payer.text
    assert payer.json()["description"] == "Visa card ending 4242"
    return client


async def test_a_contribution_paid_on_localstripe_reaches_the_ledger_once_through_the_webhook(
    cards, world, db, stripe_fake
):
    client = await _payer(cards, world, stripe_fake)
    asked = await cards.post(
        f"{base(world)}/card-payments",
        headers=world.headers("finance_a"),
        json={"purpose": "contribution", "amount_pence": 3_000, "idempotency_key": "contribution-dec"},
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "processing"  # nothing in the ledger until Stripe says so
    assert "assets:card:dp_card" not in {k for k, v in (await _book(db, world.accounts["a1"])).items() if v}
    delivery = await stripe_fake.next_webhook("payment_intent.succeeded")
    for _ in range(3):
        assert (await _deliver(cards, delivery)).status_code == 200
    book = await _book(db, world.accounts["a1"])
    assert book["assets:card:dp_card"] == 3_000 and book["income:contribution:own"] == -3_000
    [payment] = (await cards.get(f"{base(world)}/card-payments", headers=world.headers("ann"))).json()
    assert payment["status"] == "succeeded" and payment["entry_id"]
    # reconciled with Stripe: the PaymentIntent received exactly what the entry records, and only one entry
    async with async_sessionmaker(db)() as session:
        entries = (await session.scalars(select(JournalEntryRow).where(JournalEntryRow.source == "card_payment"))).all()
    assert [str(e.id) for e in entries] == [payment["entry_id"]]
    intent = client.v1.payment_intents.retrieve(entries[0].idempotency_key.removeprefix("stripe:"))
    assert (intent.status, intent.amount) == ("succeeded", 3_000)
    # news older than the success (a failure of an earlier attempt, delivered late) changes nothing
    late = event(
        "payment_intent.payment_failed",
        {"id": intent.id, "object": "payment_intent", "amount": 3_000, "last_payment_error": {"message": "declined"}},
        created=int(time.time()) - 600,
    )
    assert (await _deliver(cards, signed(late))).status_code == 200
    [payment] = (await cards.get(f"{base(world)}/card-payments", headers=world.headers("ann"))).json()
    assert payment["status"] == "succeeded" and payment["failure"] is None


async def test_a_surplus_recovery_paid_by_card_settles_the_invoice_once_and_reconciles_with_the_bank(
    cards, world, db, stripe_fake
):
    agreement_base = await _surplus_account(cards, world)
    conversation = await _conversation(cards, world, agreement_base, kept=0)
    invoiced = await cards.post(
        f"{agreement_base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": conversation["id"], "amount_pence": 50_000, "method": "invoice"},
    )
    assert invoiced.status_code == 201, invoiced.text
    recovery = invoiced.json()["id"]
    await _payer(cards, world, stripe_fake)
    wrong = await cards.post(
        f"{base(world)}/card-payments",
        headers=world.headers("finance_a"),
        json={"purpose": "recovery", "amount_pence": 40_000, "idempotency_key": "r1", "recovery_id": recovery},
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "amount_pence"
    asked = await cards.post(
        f"{base(world)}/card-payments",
        headers=world.headers("finance_a"),
        json={"purpose": "recovery", "amount_pence": 50_000, "idempotency_key": "r2", "recovery_id": recovery},
    )
    assert asked.status_code == 201, asked.text
    delivery = await stripe_fake.next_webhook("payment_intent.succeeded")
    for _ in range(3):
        assert (await _deliver(cards, delivery)).status_code == 200
    [settled] = (await cards.get(f"{agreement_base}/surplus", headers=world.headers("finance_a"))).json()["recoveries"]
    assert settled["status"] == "settled"
    person = await _book(db, world.accounts["a1"])
    council = await _book(db, world.authorities["A"])
    assert person["liabilities:authority:surplus_repayable"] == 0
    assert council["assets:bank:council"] == 50_000
    assert sum(person.values()) == 0 and sum(council.values()) == 0
    # the bank statement shows the card payment leaving the account: it matches the entry Stripe's news made
    statement = files.lloyds_csv(
        [(STARTS, "GLENMORE COUNCIL DP", PAYMENT), (TODAY, "STRIPE GLENMORE COUNCIL", -50_000)], opening=0
    )
    imported = await cards.post(
        f"{base(world)}/statements", headers=world.headers("ann"), files={"file": ("dec.csv", statement)}
    )
    assert imported.status_code == 201, imported.text
    [payment] = (await cards.get(f"{base(world)}/card-payments", headers=world.headers("ann"))).json()
    async with async_sessionmaker(db)() as session:
        matched = await session.scalar(select(MatchRow).where(MatchRow.entry_id == uuid.UUID(payment["entry_id"])))
    assert matched is not None


async def test_an_approval_the_shop_reverses_stops_holding_the_money(cards, world, db):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    request = authorisation_request(stripe_card, 15_000, "8099", "Highland Home Care Ltd")
    assert (await _deliver(cards, signed(request))).json()["approved"] is True
    refused = await _deliver(
        cards, signed(authorisation_request(stripe_card, 10_000, "8099", "Highland Home Care Ltd"))
    )
    assert refused.json()["approved"] is False  # £200.00 less £150.00 held leaves £50.00
    reversed_ = event("issuing_authorization.updated", {**request["data"]["object"], "status": "reversed"})
    for _ in range(2):
        assert (await _deliver(cards, signed(reversed_))).status_code == 200
    again = await _deliver(cards, signed(authorisation_request(stripe_card, 10_000, "8099", "Highland Home Care Ltd")))
    assert again.json()["approved"] is True
    assert await _count(db, AuditEventRow.action == "card.authorisation_released") == 1


async def test_the_same_authorisation_asked_again_gets_the_same_answer_and_writes_nothing(cards, world, db):
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    request = authorisation_request(stripe_card, 4_500, "8099", "Highland Home Care Ltd")
    first = await _deliver(cards, signed(request))
    events = await _count(db)
    await cards.post(f"{base(world)}/cards/{card['id']}/freeze", headers=world.headers("ann"), json={})
    again = await _deliver(cards, signed(request))  # frozen since, but this authorisation was answered
    assert first.json() == again.json() and again.json()["approved"] is True
    assert await _count(db, table=CardAuthorisationRow) == 1
    assert await _count(db) == events + 1  # the freeze only


async def test_a_rule_the_council_changes_applies_at_the_next_till_whatever_each_server_kept(cards, world, db):
    """The till's spend context is kept per process; the council's new local rule changes its key, so
    the very next authorisation is decided by it."""
    card = (await _issue(cards, world)).json()
    await _money_on_card(cards, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    refused = await _deliver(cards, signed(authorisation_request(stripe_card, 2_000, "6011", "Cash machine")))
    assert refused.json()["approved"] is False
    rule = {
        "categories": ["cash"],
        "replaces": "NAT-CASH",
        "versions": [
            {
                "effective_from": (TODAY - timedelta(days=1)).isoformat(),
                "decision": "allowed_with_conditions",
                "conditions": ["no more than £100 in 4 weeks"],
                "sentence": "Glenmore allows small amounts of cash.",
                "sources": [{"title": "Glenmore DP policy 2026", "url": "https://glenmore.example/dp"}],
            }
        ],
    }
    saved = await cards.put(
        f"/api/authorities/{world.authorities['A']}/spend-rules/GLN-CASH",
        headers=world.headers("worker_a"),
        json={"definition": rule},
    )
    assert saved.status_code == 200, saved.text
    allowed = await _deliver(cards, signed(authorisation_request(stripe_card, 2_000, "6011", "Cash machine")))
    assert allowed.json()["approved"] is True and "GLN-CASH" in allowed.json()["metadata"]["reason"]


async def test_news_of_a_payment_not_yet_recorded_is_refused_for_a_retry_and_others_are_ignored(cards, world, db):
    ours = event(
        "payment_intent.succeeded",
        {"id": "pi_early", "object": "payment_intent", "amount": 1_000, "metadata": {"dp_payment_id": "x"}},
    )
    early = await _deliver(cards, signed(ours))
    assert early.status_code == 503  # Stripe delivers it again later
    assert await _count(db, table=StripeEventRow) == 0  # so it is not marked as done
    theirs = event("payment_intent.succeeded", {"id": "pi_other", "object": "payment_intent", "amount": 1_000})
    ignored = await _deliver(cards, signed(theirs))
    assert ignored.status_code == 200 and "not a payment this platform asked for" in ignored.json()["outcome"]


async def test_refused_requests_name_the_field_and_leave_nothing_behind(cards, world, db, stripe_fake):
    from dp_platform.cards.tables import CardPaymentRow, CardRow

    holders_before = len(stripe_fake.cardholders)
    blank = await cards.post(
        f"{base(world)}/cards",
        headers=world.headers("finance_a"),
        json={
            "cardholder_name": "Ann Morrison",
            "address": {**ADDRESS, "line1": "   "},
            "card_type": "virtual",
            "idempotency_key": "blank-address",
        },
    )
    assert blank.status_code == 400 and blank.json()["field"] == "address.line1"
    unknown = await cards.post(f"{base(world)}/cards", headers=world.headers("finance_a"), json={"card_type": "metal"})
    assert unknown.status_code == 400
    no_payer = await cards.post(
        f"{base(world)}/card-payments",
        headers=world.headers("finance_a"),
        json={"purpose": "contribution", "amount_pence": 1_000, "idempotency_key": "no-payer"},
    )
    assert no_payer.status_code == 400 and no_payer.json()["field"] == "payer"
    wrong_payer = await cards.put(
        f"{base(world)}/payer",
        headers=world.headers("finance_a"),
        json={"customer": "bob_123", "payment_method": "pm_1"},
    )
    assert wrong_payer.status_code == 400 and wrong_payer.json()["field"] == "customer"
    missing = await cards.put(
        f"{base(world)}/payer",
        headers=world.headers("finance_a"),
        json={"customer": "cus_nobody", "payment_method": "pm_nobody"},
    )
    assert missing.status_code == 422 and "Stripe refused" in missing.json()["detail"]  # localstripe: no such customer
    assert len(stripe_fake.cardholders) == holders_before
    for table in (CardRow, CardPaymentRow):
        assert await _count(db, table=table) == 0
    assert await _count(db, AuditEventRow.action.like("card%")) == 0
