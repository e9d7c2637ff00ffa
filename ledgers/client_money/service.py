"""A provider's pooled client bank account, with a sub-ledger for each person whose money it holds.

One bank account, many people's Direct Payments. Its statement is imported once into the pool's
own book; each line is then given to the person it is for, by the reference the line carries
(the council's payment reference, the provider's reference on wages it paid), by who that payee
was for last time, or by hand. Giving a line to a person does two things in one transaction: in the
pool's book it moves the amount from "not yet assigned" to that person's sub-ledger
(``liabilities:clients:…``); in the person's own book it adds the line to a statement of their
share, so their records, spend checks and payroll follow it as they would their own bank account.
Lines for the provider's own money (its fees taken out) go to its equity.

The client-money check (``client_money_check``) then reads the two sides apart: the bank's balance
on the latest pooled statement must equal the people's sub-ledgers plus the provider's own money
plus what is not yet assigned; and each person's sub-ledger must equal the lines in their own book.
Any difference is named.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.accounts import AccountCode
from ledgers.categories.assistant import payee_key
from ledgers.chart import ChartAccount
from ledgers.client_money.tables import PoolAssignmentRow, PoolChargeRow, PoolMemberRow, PoolRow
from ledgers.constraints import unique_violated
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import LedgerError
from ledgers.ids import new_id
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.service import balances, open_book, post_entry
from ledgers.statements.service import ImportResult, Parser, import_statement
from ledgers.tables import StatementLineRow, StatementRow

POOL_BANK = AccountCode("assets:bank:client_account")
UNASSIGNED = AccountCode("liabilities:clients:unassigned")
PROVIDER_OWN = AccountCode("equity:provider:own_money")
POOL_CHART = (
    ChartAccount(POOL_BANK, "Client bank account"),
    ChartAccount(UNASSIGNED, "Not yet assigned to a client"),
    ChartAccount(PROVIDER_OWN, "Provider's own money in the client account"),
)
POOL_FORMAT = "pool"
"""The format of a person's statement of their share: lines given to them from a pooled statement."""
_REFERENCE = re.compile(r"[A-Za-z0-9]")


class PoolError(LedgerError):
    title = "Client account rule broken"


@dataclass(frozen=True, slots=True)
class Share:
    """Lines given to one person in one pass: a statement of them in the person's own book."""

    member: PoolMemberRow
    statement_id: uuid.UUID
    lines: int
    total_pence: int


@dataclass(frozen=True, slots=True)
class Assigned:
    by_reference: int = 0
    by_memory: int = 0
    by_hand: int = 0
    waiting: int = 0
    """Lines of the pool still given to nobody, after this pass."""
    shares: tuple[Share, ...] = ()

    @property
    def assigned(self) -> int:
        return self.by_reference + self.by_memory + self.by_hand


@dataclass(frozen=True, slots=True)
class PooledImport:
    statement: ImportResult
    assigned: Assigned


@dataclass(frozen=True, slots=True)
class _Choice:
    line: StatementLineRow
    member: PoolMemberRow | None
    how: str
    payee: str
    """The payee, without any client's reference: what memory knows the line by next time."""


async def open_pool(session: AsyncSession, *, name: str, opened_on: date) -> PoolRow:
    pool = PoolRow(name=name, opened_on=opened_on)
    session.add(pool)
    await session.flush()
    await open_book(session, pool.id, opened_on, POOL_CHART)
    return pool


async def add_member(
    session: AsyncSession, pool_id: uuid.UUID, member_book_id: uuid.UUID, *, name: str, reference: str, joined_on: date
) -> PoolMemberRow:
    """A person whose money the pool will hold, known on its bank lines by ``reference``."""
    reference = " ".join(reference.split()).upper()
    if len(_REFERENCE.findall(reference)) < 3:
        raise PoolError("A client's reference needs at least three letters or digits.", field="reference")
    member = PoolMemberRow(
        pool_id=pool_id,
        member_book_id=member_book_id,
        name=name,
        reference=reference,
        sub_account=f"liabilities:clients:c_{member_book_id.hex[:24]}",
        joined_on=joined_on,
    )
    pool = await session.get(PoolRow, pool_id)
    if pool is None:
        raise PoolError("There is no such client account.", field="pool_id")
    key = _key(reference)
    if any(_key(other.reference) == key for other in await members_of(session, pool_id)):
        raise PoolError(
            f"Another client's reference reads as '{reference}'; references must differ.", field="reference"
        )
    await open_book(
        session, pool_id, pool.opened_on, (ChartAccount(AccountCode(member.sub_account), f"Held for {name}"),)
    )
    try:
        async with session.begin_nested():
            session.add(member)
            await session.flush()
    except IntegrityError as error:
        if unique_violated(error) not in {
            "uq_ledger_pool_members_pool_id_reference",
            "uq_ledger_pool_members_pool_id_member_book_id",
        }:
            raise
        raise PoolError(
            f"The reference '{reference}' or this person is already in the client account.", field="reference"
        ) from None
    return member


async def leave_pool(
    session: AsyncSession, pool_id: uuid.UUID, member_id: uuid.UUID, *, left_on: date
) -> PoolMemberRow:
    """A person's money leaves the pool (back to their own account, or to another provider's): only
    once nothing is held for them, so the arrangement ends settled and no money is left behind."""
    member = await session.get(PoolMemberRow, member_id, with_for_update=True)
    if member is None or member.pool_id != pool_id:
        raise PoolError("That person's money is not held in this client account.", field="member_id")
    if member.left_on is not None:
        raise PoolError(f"{member.name}'s money already left on {member.left_on.isoformat()}.", field="member_id")
    if left_on < member.joined_on:
        raise PoolError("They cannot leave before they joined.", field="left_on")
    held = {b.code.value: b.natural_pence for b in await balances(session, pool_id)}.get(member.sub_account, 0)
    if held:
        raise PoolError(
            f"{Money(held)} is still held for {member.name}: pay it to where their money goes next, "
            "give that line to them, then end the arrangement.",
            field="member_id",
        )
    waiting_for_them = ReferenceMatcher([member])
    if any(waiting_for_them.match(line.reference, line.description) for line in await waiting_lines(session, pool_id)):
        raise PoolError(f"A waiting line names {member.name}: give it to them first.", field="member_id")
    member.left_on = left_on
    session.add(member)
    await session.flush()
    return member


async def members_of(session: AsyncSession, pool_id: uuid.UUID) -> list[PoolMemberRow]:
    return list(
        await session.scalars(
            select(PoolMemberRow).where(col(PoolMemberRow.pool_id) == pool_id).order_by(col(PoolMemberRow.reference))
        )
    )


def _key(reference: str) -> str:
    """A reference's letters and digits: what tells two references apart on a bank line."""
    return "".join(re.findall(r"[A-Z0-9]+", reference.upper()))


_WORD = re.compile(r"[A-Z0-9]+")
_WIDEST = 4
"""The most words a reference runs to on a bank line (``GLN DP 0001 A``)."""


class ReferenceMatcher:
    """Which person a line's words name: their reference, as whole words, whatever the spacing or
    punctuation between its parts (``DP-0001``, ``DP 0001`` and ``DP0001`` alike, never ``DP-00010``).

    A line is read as its runs of letters and digits; every run of up to four consecutive ones is
    looked up among the references, so the cost is the line's length, not the number of clients."""

    def __init__(self, members: Iterable[PoolMemberRow]) -> None:
        self._by_key = {_key(member.reference): member for member in members}

    def _hits(self, text: str) -> list[tuple[int, int, str]]:
        words = list(_WORD.finditer(text.upper()))
        hits = []
        for first in range(len(words)):
            joined = ""
            for last in range(first, min(first + _WIDEST, len(words))):
                joined += words[last].group()
                if joined in self._by_key:
                    hits.append((words[first].start(), words[last].end(), joined))
        return hits

    def match(self, *texts: str | None) -> PoolMemberRow | None:
        """The one person named, or None when nobody is, or more than one is."""
        found = {key for text in texts if text for _, _, key in self._hits(text)}
        return self._by_key[found.pop()] if len(found) == 1 else None

    def without_references(self, text: str) -> str:
        """The text with every client reference taken out, leaving the payee's own words."""
        upper = text.upper()
        for start, end, _ in sorted(self._hits(upper), reverse=True):
            upper = upper[:start] + " " + upper[end:]
        return upper


async def import_pooled_statement(
    session: AsyncSession,
    pool_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    format: str | None = None,
    profile: str | None = None,
    parse: Parser | None = None,
    progress: Callable[[int, int], None] | None = None,
    allowed: Callable[[PoolMemberRow], bool] | None = None,
) -> PooledImport:
    """Store the pooled statement's new lines once, record them in the pool's book as not yet
    assigned, then give each to its person where the line says who."""
    result = await import_statement(
        session, pool_id, filename=filename, data=data, format=format, profile=profile, parse=parse, progress=progress
    )
    if result.duplicate_file:
        return PooledImport(result, await _assigned_counts(session, pool_id))
    pool = await session.get(PoolRow, pool_id)
    if pool is not None and result.start_on < pool.opened_on:
        raise PoolError(
            f"{filename}: its lines start on {result.start_on.isoformat()}, before the client account was recorded "
            f"as opened ({pool.opened_on.isoformat()}); nothing was stored.",
            field="file",
        )
    lines = list(
        await session.scalars(select(StatementLineRow).where(col(StatementLineRow.statement_id) == result.statement_id))
    )
    by_day: dict[date, int] = defaultdict(int)
    for line in lines:
        by_day[line.value_on] += line.amount_pence
    for day, net in sorted(by_day.items()):
        if net:
            await post_entry(
                session,
                JournalEntryDraft(
                    book_id=pool_id,
                    occurred_on=day,
                    narration=f"Client account bank lines of {day.isoformat()} ({filename[:100]})",
                    postings=(Posting(POOL_BANK, Money(net)), Posting(UNASSIGNED, Money(-net))),
                    idempotency_key=f"pool-import:{result.statement_id}:{day.isoformat()}",
                    source="pool",
                ),
            )
    return PooledImport(result, await assign_waiting(session, pool_id, allowed=allowed))


async def waiting_lines(
    session: AsyncSession, pool_id: uuid.UUID, *, page: Keyset | None = None
) -> list[StatementLineRow]:
    """The pool's bank lines given to nobody yet, oldest first (a ``page`` at a time when asked)."""
    query = (
        select(StatementLineRow)
        .outerjoin(PoolAssignmentRow, col(PoolAssignmentRow.line_id) == col(StatementLineRow.id))
        .where(col(StatementLineRow.book_id) == pool_id, col(PoolAssignmentRow.line_id).is_(None))
        .order_by(col(StatementLineRow.value_on), col(StatementLineRow.id))
    )
    if page is not None:
        query = page.apply(query, col(StatementLineRow.value_on), col(StatementLineRow.id))
    return list(await session.scalars(query))


async def _memory(
    session: AsyncSession, pool_id: uuid.UUID, also: Sequence[tuple[str, uuid.UUID | None]] = ()
) -> dict[str, uuid.UUID | None]:
    """Each payee given before (or ``also`` now) to exactly one person, or only to the provider."""
    rows = (
        await session.execute(
            select(col(PoolAssignmentRow.payee_key), col(PoolAssignmentRow.member_id))
            .where(col(PoolAssignmentRow.pool_id) == pool_id, col(PoolAssignmentRow.payee_key) != "")
            .distinct()
        )
    ).all()
    seen: dict[str, set[uuid.UUID | None]] = defaultdict(set)
    for key, member_id in [*rows, *also]:
        if key:
            seen[key].add(member_id)
    return {key: next(iter(ids)) for key, ids in seen.items() if len(ids) == 1}


async def assign_waiting(
    session: AsyncSession, pool_id: uuid.UUID, *, allowed: Callable[[PoolMemberRow], bool] | None = None
) -> Assigned:
    """Give every waiting line whose reference names one person to them, then every payment out whose
    payee was given to one person (or the provider) before; the rest wait for a person to say. Money
    in is never placed by its payer alone: the council pays every client, and a payment for a client
    not yet in the account must wait for them rather than go to the one client paid before. Only people
    still in the pool, and ``allowed`` (the provider may act for them today), are candidates."""
    members = {
        member.id: member
        for member in await members_of(session, pool_id)
        if member.left_on is None and (allowed is None or allowed(member))
    }
    matcher = ReferenceMatcher(members.values())
    choices: list[_Choice] = []
    unplaced: list[tuple[StatementLineRow, str]] = []
    for line in await waiting_lines(session, pool_id):
        payee = payee_key(matcher.without_references(line.description))
        member = matcher.match(line.reference, line.description)
        if member is not None:
            choices.append(_Choice(line, member, "reference", payee))
        else:
            unplaced.append((line, payee))
    memory = await _memory(session, pool_id, [(choice.payee, choice.member.id) for choice in choices if choice.member])
    for line, payee in unplaced:
        if line.amount_pence > 0:
            continue  # money in is placed by its reference or by hand: one payer (the council) pays everyone
        if payee in memory and (memory[payee] is None or memory[payee] in members):
            remembered = memory[payee]
            choices.append(_Choice(line, members[remembered] if remembered else None, "memory", payee))
    shares = await _apply(session, pool_id, choices)
    return await _assigned_counts(session, pool_id, choices, shares)


async def assign_by_hand(
    session: AsyncSession, pool_id: uuid.UUID, line_id: uuid.UUID, member_id: uuid.UUID | None
) -> Assigned:
    """A person says whose a waiting line is (``member_id=None``: the provider's own money)."""
    line = await session.get(StatementLineRow, line_id)
    if line is None or line.book_id != pool_id:
        raise PoolError("There is no such line in this client account.", field="line_id")
    if await session.get(PoolAssignmentRow, line_id) is not None:
        raise PoolError("That line is already assigned; lines are assigned once.", field="line_id")
    member = None
    if member_id is not None:
        member = await session.get(PoolMemberRow, member_id)
        if member is None or member.pool_id != pool_id:
            raise PoolError("That person's money is not held in this client account.", field="member_id")
    payee = payee_key(ReferenceMatcher(await members_of(session, pool_id)).without_references(line.description))
    choice = _Choice(line, member, "hand", payee)
    return await _assigned_counts(session, pool_id, [choice], await _apply(session, pool_id, [choice]))


async def _assigned_counts(
    session: AsyncSession, pool_id: uuid.UUID, choices: Sequence[_Choice] = (), shares: Sequence[Share] = ()
) -> Assigned:
    hows = defaultdict(int)
    for choice in choices:
        hows[choice.how] += 1
    waiting = await session.scalar(
        select(func.count())
        .select_from(StatementLineRow)
        .outerjoin(PoolAssignmentRow, col(PoolAssignmentRow.line_id) == col(StatementLineRow.id))
        .where(col(StatementLineRow.book_id) == pool_id, col(PoolAssignmentRow.line_id).is_(None))
    )
    return Assigned(hows["reference"], hows["memory"], hows["hand"], int(waiting or 0), tuple(shares))


def _columns(row: StatementLineRow | PoolAssignmentRow) -> dict[str, object]:
    """The row's values, every column alike (so one insert takes them all), the database's defaults
    left to it."""
    return {
        column.key: getattr(row, column.key)
        for column in row.__table__.columns
        if column.server_default is None or getattr(row, column.key) is not None
    }


def _member_fingerprint(member_book_id: uuid.UUID, line: StatementLineRow) -> str:
    return hashlib.sha256(f"{member_book_id}|pool|{line.fingerprint}".encode()).hexdigest()


async def _apply(session: AsyncSession, pool_id: uuid.UUID, choices: Sequence[_Choice]) -> list[Share]:
    if not choices:
        return []
    pooled = {
        row.id: row
        for row in await session.scalars(
            select(StatementRow).where(col(StatementRow.id).in_({choice.line.statement_id for choice in choices}))
        )
    }
    batch = new_id()
    groups: dict[tuple[uuid.UUID, uuid.UUID], list[StatementLineRow]] = defaultdict(list)
    members = {choice.member.id: choice.member for choice in choices if choice.member is not None}
    for choice in choices:
        if choice.member is not None:
            groups[(choice.member.id, choice.line.statement_id)].append(choice.line)
    shares: list[StatementRow] = []
    given: list[Share] = []
    member_lines: list[StatementLineRow] = []
    member_line_of: dict[uuid.UUID, uuid.UUID] = {}
    for (member_id, statement_id), lines in groups.items():
        # Statements are append-only: each pass that gives a person lines gives them a statement of those.
        member, source = members[member_id], pooled[statement_id]
        share = StatementRow(
            id=new_id(),
            book_id=member.member_book_id,
            filename=f"Client account: {source.filename}"[:255],
            file_sha256=hashlib.sha256(f"pool|{source.id}|{batch}".encode()).hexdigest(),
            format=POOL_FORMAT,
            start_on=min(line.value_on for line in lines),
            end_on=max(line.value_on for line in lines),
            line_count=len(lines),
            new_line_count=len(lines),
        )
        shares.append(share)
        given.append(Share(member, share.id, len(lines), sum(line.amount_pence for line in lines)))
        for line in lines:
            member_line_of[line.id] = new_id()
            member_lines.append(
                StatementLineRow(
                    id=member_line_of[line.id],
                    book_id=member.member_book_id,
                    statement_id=share.id,
                    source_line=line.source_line,
                    value_on=line.value_on,
                    description=line.description,
                    amount_pence=line.amount_pence,
                    reference=line.reference,
                    fingerprint=_member_fingerprint(member.member_book_id, line),
                )
            )
    moves: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    assignments = []
    for choice in choices:
        line, member = choice.line, choice.member
        assignments.append(
            PoolAssignmentRow(
                line_id=line.id,
                pool_id=pool_id,
                member_id=member.id if member else None,
                member_line_id=member_line_of.get(line.id),
                how=choice.how,
                payee_key=choice.payee[:100],
            )
        )
        moves[line.value_on][member.sub_account if member else PROVIDER_OWN.value] -= line.amount_pence
        moves[line.value_on][UNASSIGNED.value] += line.amount_pence
    try:
        async with session.begin_nested():
            session.add_all(shares)
            await session.flush()
            # Core inserts, many rows a statement: a pooled statement gives out thousands of lines at once.
            for table, rows in ((StatementLineRow, member_lines), (PoolAssignmentRow, assignments)):
                if rows:
                    await session.execute(insert(table), [_columns(row) for row in rows])
    except IntegrityError as error:
        if unique_violated(error) not in {
            "pk_ledger_pool_assignments",
            "uq_ledger_statements_book_id_file_sha256",
            "uq_ledger_statement_lines_book_id_fingerprint",
        }:
            raise
        raise PoolError("Another assignment of these lines ran at the same time; try again.") from None
    for day, amounts in sorted(moves.items()):
        postings = tuple(Posting(AccountCode(code), Money(pence)) for code, pence in sorted(amounts.items()) if pence)
        if len(postings) < 2:
            continue  # the day's lines for one person cancel out: nothing moves
        await post_entry(
            session,
            JournalEntryDraft(
                book_id=pool_id,
                occurred_on=day,
                narration=f"Bank lines of {day.isoformat()} assigned to the clients they are for",
                postings=postings,
                idempotency_key=f"pool-assign:{batch}:{day.isoformat()}",
                source="pool",
            ),
        )
    return given


async def charge(
    session: AsyncSession,
    pool_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    key: str,
    on: date,
    pence: int,
    description: str,
) -> Share | None:
    """The provider charges a person a fee from what it holds for them, once per ``key``: their
    sub-ledger gives it to the provider's own money, and their share shows it as a line. None when
    that charge was made before."""
    member = await session.get(PoolMemberRow, member_id)
    if member is None or member.pool_id != pool_id:
        raise PoolError("That person's money is not held in this client account.", field="member_id")
    if pence <= 0:
        raise PoolError("A fee is a positive amount.", field="amount_pence")
    if await session.scalar(
        select(col(PoolChargeRow.id)).where(col(PoolChargeRow.pool_id) == pool_id, col(PoolChargeRow.key) == key)
    ):
        return None
    statement = StatementRow(
        id=new_id(),
        book_id=member.member_book_id,
        filename=f"Client account: {description}"[:255],
        file_sha256=hashlib.sha256(f"pool-charge|{pool_id}|{key}".encode()).hexdigest(),
        format=POOL_FORMAT,
        start_on=on,
        end_on=on,
        line_count=1,
        new_line_count=1,
    )
    line = StatementLineRow(
        id=new_id(),
        book_id=member.member_book_id,
        statement_id=statement.id,
        source_line="fee",
        value_on=on,
        description=description[:500],
        amount_pence=-pence,
        fingerprint=hashlib.sha256(f"{member.member_book_id}|pool-charge|{pool_id}|{key}".encode()).hexdigest(),
    )
    try:
        async with session.begin_nested():
            session.add(statement)
            await session.flush()
            session.add(line)
            await session.flush()
            session.add(
                PoolChargeRow(
                    pool_id=pool_id,
                    member_id=member.id,
                    key=key,
                    charged_on=on,
                    amount_pence=pence,
                    description=description[:200],
                    member_line_id=line.id,
                )
            )
            await session.flush()
    except IntegrityError as error:
        if unique_violated(error) != "uq_ledger_pool_charges_pool_id_key":
            raise
        return None  # charged at the same moment by another request: once is enough
    await post_entry(
        session,
        JournalEntryDraft(
            book_id=pool_id,
            occurred_on=on,
            narration=f"{description[:300]} ({member.name})",
            postings=(Posting(AccountCode(member.sub_account), Money(pence)), Posting(PROVIDER_OWN, Money(-pence))),
            idempotency_key=f"pool-charge:{key}"[:200],
            source="pool",
        ),
    )
    return Share(member, statement.id, 1, -pence)


@dataclass(frozen=True, slots=True)
class MemberCheck:
    member: PoolMemberRow
    sub_ledger_pence: int
    """What the pool's book holds for them."""
    own_book_pence: int
    """Their share as their own book's statement lines from the pool say."""

    @property
    def agrees(self) -> bool:
        return self.sub_ledger_pence == self.own_book_pence


@dataclass(frozen=True, slots=True)
class ClientMoneyCheck:
    on: date
    bank_pence: int | None
    """The bank's balance on the latest pooled statement ending on or before ``on``, when it says one."""
    statement_on: date | None
    ledger_bank_pence: int
    clients_pence: int
    own_money_pence: int
    unassigned_pence: int
    unassigned_lines: int
    members: tuple[MemberCheck, ...]

    @property
    def difference_pence(self) -> int:
        bank = self.bank_pence if self.bank_pence is not None else self.ledger_bank_pence
        return bank - self.clients_pence - self.own_money_pence - self.unassigned_pence

    @property
    def balanced(self) -> bool:
        return (
            self.difference_pence == 0
            and self.unassigned_lines == 0
            and self.own_money_pence >= 0
            and all(m.agrees and m.sub_ledger_pence >= 0 for m in self.members)
        )

    def problems(self) -> list[str]:
        """Each difference, as a sentence a finance officer can act on."""
        found = []
        if self.unassigned_lines:
            found.append(
                f"{self.unassigned_lines} bank line{'s' if self.unassigned_lines != 1 else ''} "
                f"({Money(self.unassigned_pence)}) not yet given to a client."
            )
        if self.difference_pence:
            found.append(
                f"The bank holds {Money(self.difference_pence)} "
                f"{'more' if self.difference_pence > 0 else 'less'} than the clients' money, the provider's own "
                "money and the unassigned lines add up to."
            )
        if self.own_money_pence < 0:
            found.append(
                f"The provider has taken out {Money(-self.own_money_pence)} more than its own money in the account: "
                "that is clients' money, to be paid back (or the fees it covers charged to the clients first)."
            )
        found += [
            f"{m.member.name} is overdrawn by {Money(-m.sub_ledger_pence)}: other clients' money is covering it."
            for m in self.members
            if m.sub_ledger_pence < 0
        ]
        found += [
            f"{m.member.name}: the client account holds {Money(m.sub_ledger_pence)} for them, their own records "
            f"show {Money(m.own_book_pence)}."
            for m in self.members
            if not m.agrees
        ]
        return found


async def client_money_check(session: AsyncSession, pool_id: uuid.UUID, on: date | None = None) -> ClientMoneyCheck:
    latest = await session.scalar(
        select(StatementRow)
        .where(col(StatementRow.book_id) == pool_id, *([col(StatementRow.end_on) <= on] if on else []))
        .order_by(col(StatementRow.end_on).desc(), col(StatementRow.imported_at).desc())
        .limit(1)
    )
    if on is None:
        on = latest.end_on if latest is not None else date.today()  # noqa: DTZ011 - a day, not a moment
    held = {balance.code.value: balance.natural_pence for balance in await balances(session, pool_id, on=on)}
    members = await members_of(session, pool_id)
    own_books: dict[uuid.UUID, int] = defaultdict(int)
    for link, pool_of in (
        (col(PoolAssignmentRow.member_line_id), col(PoolAssignmentRow.pool_id)),
        (col(PoolChargeRow.member_line_id), col(PoolChargeRow.pool_id)),
    ):
        for book_id, total in (
            await session.execute(
                select(col(StatementLineRow.book_id), func.sum(col(StatementLineRow.amount_pence)))
                .join(link.class_, link == col(StatementLineRow.id))
                .where(pool_of == pool_id, col(StatementLineRow.value_on) <= on)
                .group_by(col(StatementLineRow.book_id))
            )
        ).all():
            own_books[book_id] += int(total)
    unassigned = [line for line in await waiting_lines(session, pool_id) if line.value_on <= on]
    checks = tuple(
        MemberCheck(member, held.get(member.sub_account, 0), int(own_books.get(member.member_book_id, 0)))
        for member in members
    )
    return ClientMoneyCheck(
        on=on,
        bank_pence=latest.closing_balance_pence if latest is not None else None,
        statement_on=latest.end_on if latest is not None else None,
        ledger_bank_pence=held.get(POOL_BANK.value, 0),
        clients_pence=sum(check.sub_ledger_pence for check in checks),
        own_money_pence=held.get(PROVIDER_OWN.value, 0),
        unassigned_pence=sum(line.amount_pence for line in unassigned),
        unassigned_lines=len(unassigned),
        members=checks,
    )
