"""Storing and reading a council's monitoring thresholds."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.monitoring.tables import MonitoringThresholdRow
from agreements.monitoring.thresholds import (
    LocalThreshold,
    LocalThresholds,
    Threshold,
    ThresholdConflictError,
    checked,
)
from ledgers.columns import among


def _threshold(row: MonitoringThresholdRow) -> LocalThreshold:
    return LocalThreshold(Threshold(row.name), int(row.value), row.effective_from, row.source_title, row.source_url)


async def thresholds_of(session: AsyncSession, authority_ids: list[uuid.UUID]) -> dict[uuid.UUID, LocalThresholds]:
    rows = await session.scalars(
        select(MonitoringThresholdRow).where(among(col(MonitoringThresholdRow.authority_id), authority_ids))
    )
    versions: dict[uuid.UUID, list[LocalThreshold]] = {authority_id: [] for authority_id in authority_ids}
    for row in rows:
        versions[row.authority_id].append(_threshold(row))
    return {authority_id: LocalThresholds(found) for authority_id, found in versions.items()}


async def authority_thresholds(session: AsyncSession, authority_id: uuid.UUID) -> LocalThresholds:
    return (await thresholds_of(session, [authority_id]))[authority_id]


async def set_threshold(
    session: AsyncSession, authority_id: uuid.UUID, threshold: LocalThreshold, user_id: uuid.UUID | None
) -> MonitoringThresholdRow:
    """Add a dated version; one already set from the same day is not overwritten."""
    checked(threshold)
    held = await session.scalar(
        select(MonitoringThresholdRow).where(
            col(MonitoringThresholdRow.authority_id) == authority_id,
            col(MonitoringThresholdRow.name) == threshold.name.value,
            col(MonitoringThresholdRow.effective_from) == threshold.effective_from,
        )
    )
    if held is not None:
        raise ThresholdConflictError(
            f"{threshold.name.value} already has a value from {threshold.effective_from.isoformat()}; "
            "set the new value from a later day.",
            field="effective_from",
        )
    row = MonitoringThresholdRow(
        authority_id=authority_id,
        name=threshold.name.value,
        value=threshold.value,
        effective_from=threshold.effective_from,
        source_title=threshold.source_title.strip(),
        source_url=(threshold.source_url or "").strip() or None,
        set_by_user_id=user_id,
    )
    session.add(row)
    await session.flush()
    return row
