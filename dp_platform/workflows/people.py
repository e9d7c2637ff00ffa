"""Who signs in to an account, and as what: the person supported, their representative, their PAs.

The person and their representative each have their own sign-in and see the same account (SDS
Standard 9.10: people see their own records); a PA's sign-in is linked to their PA record and shows
their own pay only. A sign-in made for someone is given a one-time link to choose their own password:
nobody else ever knows it. When a PA's sign-in is also the sign-in of the account's representative,
the PA *is* that representative, and the powers the council recorded for them decide reg 9 of the 2014
Regulations for every pay run: the PA record's relationship is kept in step here.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, record_account_event, record_event, user_chain
from dp_platform.auth.passwords import hash_password
from dp_platform.auth.tables import InvitationRow
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.errors import InvalidPersonError, InvitationNotFoundError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import AccountMemberRow, UserRow
from dp_platform.workflows.payroll import own_pa
from ledgers.columns import utc_now
from payroll.tables import PersonalAssistantRow

INVITATION_LIFE = timedelta(days=14)
SHORTEST_PASSWORD = 12
LEGAL_POWERS = ("none", "guardian", "continuing_attorney", "welfare_attorney")
POWER_WORDS = {
    "none": "No legal powers recorded",
    "guardian": "Guardian",
    "continuing_attorney": "Continuing attorney",
    "welfare_attorney": "Welfare attorney",
}


class PersonKind(StrEnum):
    SUPPORTED_PERSON = "supported_person"
    REPRESENTATIVE = "representative"
    PERSONAL_ASSISTANT = "personal_assistant"


KIND_WORDS = {
    PersonKind.SUPPORTED_PERSON: "The person supported",
    PersonKind.REPRESENTATIVE: "Someone who acts for them",
    PersonKind.PERSONAL_ASSISTANT: "One of their personal assistants",
}
_CAPACITY = {PersonKind.SUPPORTED_PERSON: "holder", PersonKind.REPRESENTATIVE: "representative"}


@dataclass(frozen=True, slots=True)
class Invited:
    user: UserRow
    token: str | None
    """The one-time link's secret, shown once; ``None`` when the person already signs in."""
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Member:
    user: UserRow
    capacity: str
    legal_power: str
    signs_in: bool
    invited_until: datetime | None


@dataclass(frozen=True, slots=True)
class People:
    members: list[Member]
    assistants: list[tuple[PersonalAssistantRow, UserRow | None]]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _members(session: AsyncSession, account_id: uuid.UUID, only: uuid.UUID | None = None) -> list[Member]:
    """The account's members (or the one ``only`` names) with whether they sign in or hold an unused link."""
    now = utc_now()
    query = (
        select(AccountMemberRow, UserRow)
        .join(UserRow, col(UserRow.id) == col(AccountMemberRow.user_id))
        .where(col(AccountMemberRow.account_id) == account_id)
        .order_by(col(AccountMemberRow.capacity), col(UserRow.display_name))
    )
    pending_query = select(col(InvitationRow.user_id), col(InvitationRow.expires_at)).where(
        col(InvitationRow.account_id) == account_id,
        col(InvitationRow.used_at).is_(None),
        col(InvitationRow.expires_at) > now,
    )
    if only is not None:
        query = query.where(col(AccountMemberRow.user_id) == only)
        pending_query = pending_query.where(col(InvitationRow.user_id) == only)
    pending = dict((await session.execute(pending_query)).all())
    return [
        Member(user, member.capacity, member.legal_power, user.password_hash is not None, pending.get(user.id))
        for member, user in await session.execute(query)
    ]


async def account_people(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> People:
    await authorize(session, actor, account_id, Action.VIEW)
    members = await _members(session, account_id)
    assistants = [
        (pa, user)
        for pa, user in await session.execute(
            select(PersonalAssistantRow, UserRow)
            .outerjoin(UserRow, col(UserRow.id) == col(PersonalAssistantRow.user_id))
            .where(col(PersonalAssistantRow.account_id) == account_id)
            .order_by(col(PersonalAssistantRow.full_name))
        )
    ]
    return People(members, assistants)


async def invite(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    kind: PersonKind,
    display_name: str,
    email: str,
    pa_id: uuid.UUID | None = None,
) -> Invited:
    """A sign-in for the person, their representative or a PA. Someone who already signs in (a PA with
    another employer; the representative who is also a PA) is linked, not invited again."""
    access = await authorize(session, actor, account_id, Action.MANAGE_PEOPLE)
    email = email.strip().lower()
    display_name = " ".join(display_name.split())
    if not display_name:
        raise InvalidPersonError("Give the person's name.", field="display_name")
    if "@" not in email.strip("@") or any(ch.isspace() for ch in email) or len(email) > 254:
        raise InvalidPersonError("Give an email address like name@example.org.", field="email")
    pa = None
    if kind is PersonKind.PERSONAL_ASSISTANT:
        if pa_id is None:
            raise InvalidPersonError("Choose which personal assistant this sign-in is for.", field="pa_id")
        pa = await own_pa(session, account_id, pa_id)
        if pa.user_id is not None:
            raise InvalidPersonError(f"{pa.full_name} can already sign in.", field="pa_id")
    user = await session.scalar(select(UserRow).where(col(UserRow.email) == email))
    member = None
    if user is not None:
        member = await session.get(AccountMemberRow, (account_id, user.id))
        fits = (
            user.role == Role.PERSONAL_ASSISTANT.value or member is not None
            if pa is not None
            else user.role == Role.EMPLOYER.value
        )
        if not fits or (pa is None and member is not None):
            raise InvalidPersonError(
                "That email address already signs in to the platform in another way: use another address.",
                field="email",
            )
    token = expires_at = None
    if user is None:
        role = Role.PERSONAL_ASSISTANT if pa is not None else Role.EMPLOYER
        user = UserRow(email=email, display_name=display_name, role=role.value, password_hash=None)
        session.add(user)
        await session.flush()
        token, expires_at = secrets.token_urlsafe(32), utc_now() + INVITATION_LIFE
        session.add(
            InvitationRow(
                user_id=user.id,
                token_sha256=_digest(token),
                account_id=account_id,
                created_by_user_id=actor.user_id,
                expires_at=expires_at,
            )
        )
    if pa is not None:
        pa.user_id = user.id
        if member is not None and member.legal_power != "none":
            pa.relationship = member.legal_power  # the representative is the PA: reg 9 decides
        session.add(pa)
    else:
        session.add(AccountMemberRow(account_id=account_id, user_id=user.id, capacity=_CAPACITY[kind]))
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="person.invited" if token else "person.linked",
        subject_type="user",
        subject_id=user.id,
        details={
            "display_name": user.display_name,
            "kind": kind.value,
            **({"pa_id": str(pa.id), "pa_name": pa.full_name} if pa is not None else {}),
            **({"expires_at": expires_at.isoformat()} if expires_at else {}),
        },
    )
    return Invited(user, token, expires_at)


async def record_legal_power(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, user_id: uuid.UUID, legal_power: str
) -> Member:
    """The council records a representative's powers over the support; a PA record linked to them takes
    those powers as its relationship at once, so the next pay run refuses their pay (reg 9)."""
    access = await authorize(session, actor, account_id, Action.RECORD_LEGAL_POWERS)
    if legal_power not in LEGAL_POWERS:
        raise InvalidPersonError(f"Choose one of {', '.join(LEGAL_POWERS)}.", field="legal_power")
    member = await session.get(AccountMemberRow, (account_id, user_id))
    if member is None or member.capacity != "representative":
        raise InvalidPersonError(
            "Only someone who acts for the person holds powers over their support.", field="user_id"
        )
    if member.legal_power == legal_power:
        note_unchanged()
        return (await _members(session, account_id, user_id))[0]
    member.legal_power = legal_power
    session.add(member)
    linked = []
    if legal_power != "none":
        linked = list(
            await session.scalars(
                update(PersonalAssistantRow)
                .where(col(PersonalAssistantRow.account_id) == account_id, col(PersonalAssistantRow.user_id) == user_id)
                .values(relationship=legal_power)
                .returning(col(PersonalAssistantRow.full_name))
            )
        )
    await session.flush()
    user = await session.get(UserRow, user_id)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="person.legal_power_recorded",
        subject_type="user",
        subject_id=user_id,
        details={"display_name": user.display_name if user else "", "legal_power": legal_power, "pa_records": linked},
    )
    return (await _members(session, account_id, user_id))[0]


async def invitation_for(session: AsyncSession, token: str) -> tuple[InvitationRow, UserRow]:
    row = await session.scalar(select(InvitationRow).where(col(InvitationRow.token_sha256) == _digest(token)))
    user = await session.get(UserRow, row.user_id) if row is not None else None
    if row is None or user is None or row.used_at is not None or row.expires_at <= utc_now() or not user.is_active:
        raise InvitationNotFoundError(
            "This link does not work: it was used already, or it is out of date. Ask for a new one.", field="token"
        )
    return row, user


async def accept_invitation(session: AsyncSession, token: str, password: str, repeated: str) -> UserRow:
    """The person chooses their password; the link then never works again."""
    row, user = await invitation_for(session, token)
    if len(password) < SHORTEST_PASSWORD:
        raise InvalidPersonError(
            f"Choose a password of at least {SHORTEST_PASSWORD} characters: three or four words you will remember.",
            field="password",
        )
    if password != repeated:
        raise InvalidPersonError("The two passwords are not the same.", field="repeated")
    user.password_hash = hash_password(password)
    row.used_at = utc_now()
    session.add_all([user, row])
    await session.flush()
    await record_event(
        session,
        actor=None,
        action="auth.password_chosen",
        subject_type="user",
        subject_id=user.id,
        chain=user_chain(user.id),
        details={"invitation_id": str(row.id)},
    )
    return user
