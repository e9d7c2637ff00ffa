"""The council's agreements to family members being paid, in the database. Functions take the caller's
session and never commit."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among
from payroll.errors import PayrollError, PayrollNotFoundError
from payroll.family import FamilyApproval, Ground, check_approval
from payroll.tables import FamilyApprovalRow, PersonalAssistantRow


def approval_of(row: FamilyApprovalRow) -> FamilyApproval:
    return FamilyApproval(
        ground=Ground(row.ground),
        starts_on=row.starts_on,
        person_agreed_on=row.person_agreed_on,
        family_member_agreed_on=row.family_member_agreed_on,
        authority_agreed_on=row.authority_agreed_on,
        ends_on=row.ends_on,
        withdrawn_on=row.withdrawn_on,
        reference=row.reference,
    )


async def approval_rows(session: AsyncSession, pa_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[FamilyApprovalRow]]:
    found: dict[uuid.UUID, list[FamilyApprovalRow]] = defaultdict(list)
    if pa_ids:
        query = select(FamilyApprovalRow).where(among(col(FamilyApprovalRow.pa_id), pa_ids))
        for row in await session.scalars(
            query.order_by(col(FamilyApprovalRow.starts_on), col(FamilyApprovalRow.created_at))
        ):
            found[row.pa_id].append(row)
    return found


async def approvals_of(session: AsyncSession, pa_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[FamilyApproval]]:
    return {pa_id: [approval_of(row) for row in rows] for pa_id, rows in (await approval_rows(session, pa_ids)).items()}


async def record_approval(
    session: AsyncSession,
    pa: PersonalAssistantRow,
    approval: FamilyApproval,
    *,
    ground_detail: str,
    user_id: uuid.UUID | None,
) -> FamilyApprovalRow:
    """Only for a PA recorded as a family member: a guardian or attorney with powers over the support
    may not be paid whatever is agreed (reg 9), and anyone else needs no agreement."""
    if pa.relationship != "family_member":
        raise PayrollError(
            "Only a PA recorded as a family member is agreed this way; a guardian or attorney with powers over "
            "the support may not be paid at all (2014 Regulations reg 9).",
            field="pa_id",
        )
    check_approval(approval, ground_detail)
    row = FamilyApprovalRow(
        pa_id=pa.id,
        ground=approval.ground.value,
        ground_detail=ground_detail.strip(),
        person_agreed_on=approval.person_agreed_on,
        family_member_agreed_on=approval.family_member_agreed_on,
        authority_agreed_on=approval.authority_agreed_on,
        starts_on=approval.starts_on,
        ends_on=approval.ends_on,
        reference=approval.reference.strip(),
        recorded_by_user_id=user_id,
    )
    session.add(row)
    await session.flush()
    return row


async def withdraw_approvals(session: AsyncSession, pa_id: uuid.UUID, on: date, reason: str) -> list[FamilyApprovalRow]:
    """Ends every agreement still open for the PA from ``on`` (a change of relationship, or the council's
    decision); what was paid under them before stays as it was."""
    rows = [row for row in (await approval_rows(session, [pa_id])).get(pa_id, []) if row.withdrawn_on is None]
    for row in rows:
        row.withdrawn_on, row.withdrawal_reason = on, reason
        session.add(row)
    await session.flush()
    return rows


async def get_approval(session: AsyncSession, pa_id: uuid.UUID, approval_id: uuid.UUID) -> FamilyApprovalRow:
    row = await session.get(FamilyApprovalRow, approval_id)
    if row is None or row.pa_id != pa_id:
        raise PayrollNotFoundError(f"There is no agreement {approval_id} for this PA.", field="approval_id")
    return row
