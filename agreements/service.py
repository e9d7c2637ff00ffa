"""Agreements in the database: draft, sign, vary, terminate. Functions take the caller's session
and never commit; the caller checks who may act and records the audit event.

The life of an agreement: a draft version (editable until someone signs it) is signed by the
holder or their representative, then by the authority, and comes into force. A change is a
variation: a new draft version, compared clause by clause and term by term with the one in
force, signed the same way; when it comes into force the old version is superseded. Each
signature quotes the hash of the words the signer was shown, so a signature on words that
have since changed, on a superseded version, or a second signature by the same party is
refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.content import ClauseChange, TermChange, content, content_hash, diff
from agreements.errors import AgreementError, AgreementNotFoundError, AgreementStateError
from agreements.statuses import AgreementStatus, VersionStatus
from agreements.tables import AgreementLocalWordingRow, AgreementRow, AgreementSignatureRow, AgreementVersionRow
from agreements.template import WORDING_KEYS, LocalWording, check_wording, render_clauses, template
from agreements.termination import TerminationReason
from agreements.terms import Terms, parse_terms, terms_to_dict
from agreements.validation import Floor, check_terms
from ledgers.keyset import Keyset


@dataclass(frozen=True, slots=True)
class Agreement:
    agreement: AgreementRow
    versions: tuple[AgreementVersionRow, ...]
    signatures: tuple[AgreementSignatureRow, ...]

    def version(self, number: int) -> AgreementVersionRow:
        for version in self.versions:
            if version.number == number:
                return version
        raise AgreementNotFoundError(f"Agreement {self.agreement.reference} has no version {number}.", field="version")

    @property
    def latest(self) -> AgreementVersionRow:
        return self.versions[-1]

    @property
    def in_force(self) -> AgreementVersionRow | None:
        number = self.agreement.in_force_version
        return self.version(number) if number is not None else None

    def signatures_of(self, version: AgreementVersionRow) -> list[AgreementSignatureRow]:
        return [signature for signature in self.signatures if signature.version_id == version.id]

    def terms(self, version: AgreementVersionRow | None = None) -> Terms:
        return parse_terms((version or self.latest).content["terms"])


def _build(
    template_key: str, raw_terms: dict[str, Any], floors: Sequence[Floor], local: Mapping[str, LocalWording]
) -> tuple[dict[str, Any], str, list[str]]:
    chosen = template(template_key)
    terms = parse_terms(raw_terms)
    warnings = check_terms(terms, floors)
    document = content(chosen.key, render_clauses(chosen, terms, local), terms_to_dict(terms))
    return document, content_hash(document), warnings


async def local_wording(session: AsyncSession, authority_id: uuid.UUID, template_key: str) -> dict[str, LocalWording]:
    rows = await session.scalars(
        select(AgreementLocalWordingRow).where(
            col(AgreementLocalWordingRow.authority_id) == authority_id,
            col(AgreementLocalWordingRow.template_key) == template_key,
        )
    )
    return {row.clause_id: LocalWording(row.summary, row.text) for row in rows}


async def set_local_wording(
    session: AsyncSession,
    authority_id: uuid.UUID,
    template_key: str,
    clause_id: str,
    *,
    summary: str,
    text: str,
    updated_at: datetime,
) -> bool:
    """An authority's words for a localisable clause. Returns whether anything changed."""
    clause = template(template_key).clause(clause_id)
    if clause.scope != "localisable":
        raise AgreementError(
            f"Clause {clause_id!r} is national: every authority uses the same words for it.", field="clause_id"
        )
    for part, words in (("summary", summary), ("text", text)):
        if not words.strip():
            raise AgreementError(f"The clause's {part} cannot be empty.", field=part)
        try:
            check_wording(f"the {part}", words)
            words.format_map(dict.fromkeys(WORDING_KEYS, ""))
        except AgreementError as error:
            raise AgreementError(error.detail, field=part) from None
        except (ValueError, IndexError) as error:
            raise AgreementError(f"The {part} has a stray brace or an empty {{}}: {error}", field=part) from None
    dropped = clause.dropped_by(text)
    if dropped:
        named = "; ".join(f"{protection.keeps} ({protection.source}, {protection.url})" for protection in dropped)
        raise AgreementError(
            f"This wording drops a protection the law gives, so it cannot replace the national words: {named}. "
            "Keep words that say so.",
            field="text",
        )
    row = await session.scalar(
        select(AgreementLocalWordingRow)
        .where(
            col(AgreementLocalWordingRow.authority_id) == authority_id,
            col(AgreementLocalWordingRow.template_key) == template_key,
            col(AgreementLocalWordingRow.clause_id) == clause_id,
        )
        .with_for_update()
    )
    if row is not None and (row.summary, row.text) == (summary, text):
        return False
    row = row or AgreementLocalWordingRow(authority_id=authority_id, template_key=template_key, clause_id=clause_id)
    row.summary, row.text, row.updated_at = summary, text, updated_at
    session.add(row)
    await session.flush()
    return True


async def load_agreement(session: AsyncSession, agreement_id: uuid.UUID, *, lock: bool = False) -> Agreement:
    query = select(AgreementRow).where(col(AgreementRow.id) == agreement_id)
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise AgreementNotFoundError(f"There is no agreement {agreement_id}.", field="agreement_id")
    versions = tuple(
        await session.scalars(
            select(AgreementVersionRow)
            .where(col(AgreementVersionRow.agreement_id) == agreement_id)
            .order_by(col(AgreementVersionRow.number))
        )
    )
    signatures = tuple(
        await session.scalars(
            select(AgreementSignatureRow)
            .where(col(AgreementSignatureRow.version_id).in_([version.id for version in versions]))
            .order_by(col(AgreementSignatureRow.signed_at))
        )
    )
    return Agreement(row, versions, signatures)


async def account_agreements(
    session: AsyncSession, account_id: uuid.UUID, *, page: Keyset | None = None
) -> list[AgreementRow]:
    """Oldest first."""
    query = (
        select(AgreementRow).where(col(AgreementRow.account_id) == account_id).order_by(col(AgreementRow.created_at))
    )
    return list(
        await session.scalars(page.apply(query, col(AgreementRow.created_at), col(AgreementRow.id)) if page else query)
    )


async def draft_agreement(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    authority_id: uuid.UUID,
    reference: str,
    template_key: str,
    terms: dict[str, Any],
    floors: Sequence[Floor],
    local: Mapping[str, LocalWording],
) -> Agreement:
    document, digest, warnings = _build(template_key, terms, floors, local)
    row = AgreementRow(account_id=account_id, authority_id=authority_id, reference=reference, template_key=template_key)
    session.add(row)
    await session.flush()
    session.add(
        AgreementVersionRow(agreement_id=row.id, number=1, content=document, content_hash=digest, warnings=warnings)
    )
    await session.flush()
    return await load_agreement(session, row.id)


async def redraft(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    *,
    terms: dict[str, Any],
    floors: Sequence[Floor],
    local: Mapping[str, LocalWording],
) -> tuple[Agreement, bool]:
    """New terms for the unsigned draft version. Returns the agreement and whether anything changed."""
    agreement = await load_agreement(session, agreement_id, lock=True)
    version = agreement.latest
    if version.status != VersionStatus.DRAFT:
        why = "was withdrawn" if version.status == VersionStatus.WITHDRAWN else "has been signed; its words are fixed"
        raise AgreementStateError(
            f"Version {version.number} {why}. Vary the agreement instead.",
            field="version",
        )
    document, digest, warnings = _build(agreement.agreement.template_key, terms, floors, local)
    if digest == version.content_hash:
        return agreement, False
    version.content, version.content_hash, version.warnings = document, digest, warnings
    session.add(version)
    await session.flush()
    return await load_agreement(session, agreement_id), True


async def vary(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    *,
    terms: dict[str, Any],
    reason: str,
    floors: Sequence[Floor],
    local: Mapping[str, LocalWording],
) -> tuple[Agreement, list[ClauseChange], list[TermChange]]:
    """A variation: a new draft version of an agreement in force, and how it differs."""
    agreement = await load_agreement(session, agreement_id, lock=True)
    current = agreement.in_force
    if agreement.agreement.status != AgreementStatus.IN_FORCE or current is None:
        raise AgreementStateError(
            f"Agreement {agreement.agreement.reference} is {agreement.agreement.status.replace('_', ' ')}; only an "
            "agreement in force can be varied (change a draft by drafting it again).",
            field="agreement_id",
        )
    if agreement.latest.number != current.number and agreement.latest.status != VersionStatus.WITHDRAWN:
        raise AgreementStateError(
            f"Variation {agreement.latest.number} is waiting to be signed or withdrawn; finish it first.",
            field="version",
        )
    document, digest, warnings = _build(agreement.agreement.template_key, terms, floors, local)
    clauses, changed_terms = diff(current.content, document)
    if not clauses and not changed_terms:
        raise AgreementError("The variation changes nothing in the agreement in force.", field="terms")
    session.add(
        AgreementVersionRow(
            agreement_id=agreement_id,
            number=agreement.latest.number + 1,
            varies_number=current.number,
            variation_reason=reason,
            content=document,
            content_hash=digest,
            warnings=warnings,
        )
    )
    await session.flush()
    return await load_agreement(session, agreement_id), clauses, changed_terms


def changes_of(agreement: Agreement, version: AgreementVersionRow) -> tuple[list[ClauseChange], list[TermChange]]:
    if version.varies_number is None:
        return [], []
    return diff(agreement.version(version.varies_number).content, version.content)


async def sign(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    number: int,
    *,
    party: str,
    capacity: str,
    signer_user_id: uuid.UUID,
    signer_name: str,
    shown_hash: str,
    signed_at: datetime,
) -> tuple[Agreement, bool]:
    """Record one party's signature. Returns the agreement and whether this signature brought it into force."""
    agreement = await load_agreement(session, agreement_id, lock=True)
    version = agreement.version(number)
    reference = f"{agreement.agreement.reference} version {number}"
    if agreement.agreement.status == AgreementStatus.TERMINATED:
        raise AgreementStateError(f"{reference}: the agreement has ended.", field="version")
    if version.number != agreement.latest.number or version.status in (
        VersionStatus.SUPERSEDED,
        VersionStatus.WITHDRAWN,
        VersionStatus.IN_FORCE,
    ):
        done: str = {
            VersionStatus.IN_FORCE: "is already in force",
            VersionStatus.SUPERSEDED: "has been superseded",
            VersionStatus.WITHDRAWN: "has been withdrawn",
        }.get(VersionStatus(version.status), f"is not the current version (that is version {agreement.latest.number})")
        raise AgreementStateError(f"{reference} {done}; it cannot be signed.", field="version")
    if shown_hash != version.content_hash:
        raise AgreementStateError(
            f"{reference} now reads differently from the words you were shown (content hash {version.content_hash}); "
            "read it again before signing.",
            field="content_hash",
        )
    signed = {signature.party for signature in agreement.signatures_of(version)}
    if party in signed:
        raise AgreementStateError(f"{reference} is already signed for the {party}.", field="party")
    if party == "authority" and "holder" not in signed:
        raise AgreementStateError(
            f"{reference}: the person (or their representative) signs first, then the authority.", field="party"
        )
    session.add(
        AgreementSignatureRow(
            version_id=version.id,
            party=party,
            capacity=capacity,
            signer_user_id=signer_user_id,
            signer_name=signer_name,
            content_hash=shown_hash,
            signed_at=signed_at,
        )
    )
    comes_into_force = party == "authority"
    if comes_into_force:
        previous = agreement.in_force
        if previous is not None:
            previous.status = VersionStatus.SUPERSEDED
            session.add(previous)
        version.status = VersionStatus.IN_FORCE
        agreement.agreement.status, agreement.agreement.in_force_version = AgreementStatus.IN_FORCE, version.number
        session.add(agreement.agreement)
    else:
        version.status = VersionStatus.SIGNED_BY_HOLDER
    session.add(version)
    await session.flush()
    return await load_agreement(session, agreement_id), comes_into_force


async def withdraw(session: AsyncSession, agreement_id: uuid.UUID, number: int) -> Agreement:
    """Withdraw a version not yet in force (a draft, or one only the person has signed): a variation
    nobody wants any more, or a first draft the council will not go ahead with."""
    agreement = await load_agreement(session, agreement_id, lock=True)
    version = agreement.version(number)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.SIGNED_BY_HOLDER):
        raise AgreementStateError(
            f"Version {number} is {version.status.replace('_', ' ')}: only a version not yet in force can be "
            "withdrawn.",
            field="version",
        )
    version.status = VersionStatus.WITHDRAWN
    session.add(version)
    await session.flush()
    return await load_agreement(session, agreement_id)


async def terminate(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    *,
    reason: TerminationReason,
    notified_on: date,
    last_day: date,
    explanation: str,
) -> Agreement:
    """End an agreement in force, after the person was told why (reg 6: notice before termination)."""
    agreement = await load_agreement(session, agreement_id, lock=True)
    row = agreement.agreement
    if row.status != AgreementStatus.IN_FORCE:
        raise AgreementStateError(
            f"Agreement {row.reference} is {row.status.replace('_', ' ')}; only an agreement in force can be ended.",
            field="agreement_id",
        )
    if last_day < notified_on:
        raise AgreementError(
            f"The person must be told before the agreement ends: notified on {notified_on.isoformat()}, "
            f"ending {last_day.isoformat()}.",
            field="notified_on",
        )
    if not explanation.strip():
        raise AgreementError("Explain the decision in words the person can understand.", field="explanation")
    for version in agreement.versions:
        if version.status in (VersionStatus.DRAFT, VersionStatus.SIGNED_BY_HOLDER):
            version.status = VersionStatus.WITHDRAWN
            session.add(version)
    row.status, row.terminated_on, row.termination_reason = AgreementStatus.TERMINATED, last_day, reason.value
    row.termination_notified_on, row.termination_explanation = notified_on, explanation.strip()
    session.add(row)
    await session.flush()
    return await load_agreement(session, agreement_id)
