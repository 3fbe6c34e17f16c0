"""Tiered review and the quarter lock.

A submission goes to the holder of its owner's superior position (kasi → kabid, kasubag →
sekretaris, kabid/sekretaris → kepala dinas); the head of office's own items go to the admin.
Once the admin locks a period, a change becomes a `ChangeRequest` that the admin decides.
Every step is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from sicapai.models.guards import (
    ALREADY_DECIDED,
    ALREADY_DONE,
    NOT_HOLDER,
    SUBMISSION_CHANGED,
    Conflict,
    expect_one,
    reflect,
    seam,
)
from sicapai.models.operations import record_audit
from sicapai.models.organisation import AdminGrant, Person, Position
from sicapai.models.people import held_positions, holders, holds_indicator, is_admin
from sicapai.models.performance import (
    ChangeRequest,
    Indicator,
    Period,
    Status,
    Submission,
)
from sicapai.models.reporting import NewRevision, save_revision
from sicapai.models.types import ident
from sicapai.reports.capaian import is_due


def admins(*, session: Session, organisation_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(AdminGrant, col(AdminGrant.person_id) == col(Person.id))
            .where(
                AdminGrant.organisation_id == organisation_id,
                col(AdminGrant.active).is_(True),
                col(Person.active).is_(True),
            )
        )
    )


def reviewers_of(*, session: Session, indicator: Indicator) -> list[Person]:
    """Who verifies this indicator's figures: the superior's holder, or the admins."""
    owner = (
        session.get(Position, indicator.owner_position_id) if indicator.owner_position_id else None
    )
    if owner is not None and owner.superior_id is not None:
        found = holders(session=session, position_id=owner.superior_id)
        if found:
            return found
    return admins(session=session, organisation_id=indicator.organisation_id)


def reporters_of(*, session: Session, indicator: Indicator) -> list[Person]:
    if indicator.owner_position_id is None:
        return []
    return holders(session=session, position_id=indicator.owner_position_id)


def reviewable_positions(*, session: Session, person_id: int, organisation_id: int) -> set[int]:
    """Owner positions whose items this person reviews."""
    held = {p.id for p, _ in held_positions(session=session, person_id=person_id)}
    positions = session.exec(
        select(Position).where(Position.organisation_id == organisation_id)
    ).all()
    result = {p.id for p in positions if p.superior_id in held and p.id is not None}
    if is_admin(session=session, person_id=person_id, organisation_id=organisation_id):
        result |= {p.id for p in positions if p.superior_id is None and p.id is not None}
        # a superior nobody holds yet: the admin steps in
        vacant = {
            p.id
            for p in positions
            if p.id is not None and not holders(session=session, position_id=p.id)
        }
        result |= {p.id for p in positions if p.superior_id in vacant and p.id is not None}
    return {i for i in result if i is not None}


@dataclass(frozen=True)
class ReviewItem:
    submission: Submission
    indicator: Indicator
    period: Period


def waiting_for(*, session: Session, person_id: int, organisation_id: int) -> list[ReviewItem]:
    """Sent submissions this person should verify, oldest first."""
    positions = reviewable_positions(
        session=session, person_id=person_id, organisation_id=organisation_id
    )
    if not positions:
        return []
    rows = session.exec(
        select(Submission, Indicator, Period)
        .join(Indicator, col(Indicator.id) == col(Submission.indicator_id))
        .join(Period, col(Period.id) == col(Submission.period_id))
        .where(
            col(Indicator.owner_position_id).in_(positions),
            Submission.status == Status.SENT,
        )
        .order_by(col(Submission.updated_at))
    ).all()
    return [ReviewItem(s, i, p) for s, i, p in rows]


def may_review(*, session: Session, person_id: int, indicator: Indicator) -> bool:
    return indicator.owner_position_id in reviewable_positions(
        session=session, person_id=person_id, organisation_id=indicator.organisation_id
    )


def _decide_review(
    *,
    session: Session,
    submission: Submission,
    seen_revision: int,
    status: Status,
    note: str | None,
    now: datetime,
) -> Indicator:
    """Move a sent submission to `status` only if the revision the reviewer saw is still the
    one sent for review: a correction saved meanwhile, or another reviewer's decision, makes
    this a `Conflict` instead of a verdict on figures nobody looked at."""
    seam("review")
    indicator = session.get(Indicator, submission.indicator_id)
    assert indicator is not None and submission.id is not None
    expect_one(
        session.execute(
            update(Submission)
            .where(
                col(Submission.id) == submission.id,
                col(Submission.status) == Status.SENT,
                col(Submission.current_revision) == seen_revision,
            )
            .values(status=status, review_note=note, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
        Conflict(SUBMISSION_CHANGED, submission_id=submission.id),
    )
    reflect(submission, status=status, review_note=note, updated_at=now)
    return indicator


def approve(
    *,
    session: Session,
    submission: Submission,
    person_id: int,
    now: datetime,
    seen_revision: int | None = None,
) -> None:
    seen = submission.current_revision if seen_revision is None else seen_revision
    indicator = _decide_review(
        session=session,
        submission=submission,
        seen_revision=seen,
        status=Status.APPROVED,
        note=None,
        now=now,
    )
    record_audit(
        session,
        indicator.organisation_id,
        person_id,
        "disetujui",
        "submission",
        submission.id,
        now,
        indikator=indicator.code,
        revisi=seen,
    )


def send_back(
    *,
    session: Session,
    submission: Submission,
    person_id: int,
    note: str,
    now: datetime,
    seen_revision: int | None = None,
) -> None:
    seen = submission.current_revision if seen_revision is None else seen_revision
    indicator = _decide_review(
        session=session,
        submission=submission,
        seen_revision=seen,
        status=Status.RETURNED,
        note=note,
        now=now,
    )
    record_audit(
        session,
        indicator.organisation_id,
        person_id,
        "dikembalikan",
        "submission",
        submission.id,
        now,
        indikator=indicator.code,
        catatan=note,
        revisi=seen,
    )


@dataclass(frozen=True)
class LockReport:
    missing: list[str]
    unreviewed: list[str]


def lock_report(*, session: Session, period: Period) -> LockReport:
    """What is still missing or unreviewed in a period, to show before locking it."""
    statuses = {
        s.indicator_id: s.status
        for s in session.exec(select(Submission).where(Submission.period_id == period.id))
    }
    missing, unreviewed = [], []
    for indicator in session.exec(
        select(Indicator)
        .where(Indicator.organisation_id == period.organisation_id, Indicator.year == period.year)
        .order_by(col(Indicator.code))
    ):
        if not is_due(indicator.frequency, period.quarter):
            continue
        status = statuses.get(ident(indicator), Status.NOT_YET)
        if status in (Status.NOT_YET, Status.DRAFT, Status.RETURNED):
            missing.append(f"{indicator.code} ({status})")
        elif status == Status.SENT:
            unreviewed.append(indicator.code)
    return LockReport(missing, unreviewed)


def lock(*, session: Session, period: Period, person_id: int | None, now: datetime) -> LockReport:
    """Lock an open period; a second admin locking the same period at once gets `Conflict`."""
    seam("lock")
    expect_one(
        session.execute(
            update(Period)
            .where(col(Period.id) == period.id, col(Period.locked).is_(False))
            .values(locked=True, locked_at=now)
            .execution_options(synchronize_session=False)
        ),
        Conflict(ALREADY_DONE, period_id=period.id),
    )
    reflect(period, locked=True, locked_at=now)
    report = lock_report(session=session, period=period)
    record_audit(
        session,
        period.organisation_id,
        person_id,
        "periode_dikunci",
        "period",
        period.id,
        now,
        tahun=period.year,
        triwulan=period.quarter,
        belum=len(report.missing),
        belum_diverifikasi=len(report.unreviewed),
    )
    return report


def unlock(
    *,
    session: Session,
    period: Period,
    person_id: int | None,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Open a locked period again, the reason kept in the audit log. Only its lock changes:
    change requests waiting on it stay waiting for the admin, and its reminders resume for
    whoever has not reported, since the plan only skips locked periods. A second admin
    unlocking the same period at once gets `Conflict` (detail `unlocked_period_id`)."""
    seam("unlock")
    expect_one(
        session.execute(
            update(Period)
            .where(col(Period.id) == period.id, col(Period.locked).is_(True))
            .values(locked=False, locked_at=None)
            .execution_options(synchronize_session=False)
        ),
        Conflict(ALREADY_DONE, unlocked_period_id=period.id),
    )
    reflect(period, locked=False, locked_at=None)
    record_audit(
        session,
        period.organisation_id,
        person_id,
        "periode_dibuka",
        "period",
        period.id,
        now,
        tahun=period.year,
        triwulan=period.quarter,
        alasan=reason,
    )


def request_change(
    *,
    session: Session,
    indicator: Indicator,
    period: Period,
    person_id: int,
    figures: NewRevision,
    evidence: list[dict[str, Any]],
    now: datetime,
) -> ChangeRequest:
    """A change to a locked period: kept aside until the admin approves it; only someone who
    still holds the indicator (or a delegation for it) may ask."""
    seam("request_change")
    still = session.exec(select(holds_indicator(person_id=person_id, indicator=indicator))).one()
    if not still:
        raise Conflict(NOT_HOLDER, indicator_id=indicator.id)
    payload = {
        key: (str(value) if isinstance(value, Decimal) else value)
        for key, value in figures.__dict__.items()
    }
    payload["evidence"] = evidence
    request = ChangeRequest(
        indicator_id=ident(indicator),
        period_id=ident(period),
        person_id=person_id,
        payload=payload,
        reason=figures.reason or "",
        created_at=now,
    )
    session.add(request)
    session.flush()
    record_audit(
        session,
        indicator.organisation_id,
        person_id,
        "perubahan_diajukan",
        "change_request",
        request.id,
        now,
        indikator=indicator.code,
        alasan=figures.reason,
    )
    return request


def pending_changes(*, session: Session, organisation_id: int) -> list[ChangeRequest]:
    return list(
        session.exec(
            select(ChangeRequest)
            .join(Indicator, col(Indicator.id) == col(ChangeRequest.indicator_id))
            .where(
                Indicator.organisation_id == organisation_id,
                ChangeRequest.status == "menunggu",
            )
            .order_by(col(ChangeRequest.created_at))
        )
    )


def decide_change(
    *,
    session: Session,
    request: ChangeRequest,
    person_id: int,
    approve_it: bool,
    now: datetime,
    seen_revision: int | None = None,
) -> int | None:
    """Apply (as a new revision) or reject a change request; returns the revision number.

    The decision is a compare-and-set on the request still waiting, so two admins deciding
    at once end with one decision, and on the slot's revision the admin was shown as the
    old figures (`seen_revision`), so a request is never applied over figures nobody saw.
    """
    indicator = session.get(Indicator, request.indicator_id)
    period = session.get(Period, request.period_id)
    assert indicator is not None and period is not None and request.id is not None
    seam("decide_change")
    status = "disetujui" if approve_it else "ditolak"
    expect_one(
        session.execute(
            update(ChangeRequest)
            .where(col(ChangeRequest.id) == request.id, col(ChangeRequest.status) == "menunggu")
            .values(status=status, decided_by=person_id, decided_at=now)
            .execution_options(synchronize_session=False)
        ),
        Conflict(ALREADY_DECIDED, change_id=request.id),
    )
    reflect(request, status=status, decided_by=person_id, decided_at=now)
    number = None
    if approve_it:
        data = dict(request.payload)
        evidence = data.pop("evidence", [])
        figures = figures_from_payload(data)
        _, revision = save_revision(
            session=session,
            indicator=indicator,
            period=period,
            person_id=request.person_id,
            figures=figures,
            evidence=evidence,
            now=now,
            seen_revision=seen_revision,
        )
        number = revision.number
    record_audit(
        session,
        indicator.organisation_id,
        person_id,
        "perubahan_disetujui" if approve_it else "perubahan_ditolak",
        "change_request",
        request.id,
        now,
        indikator=indicator.code,
        revisi=number,
    )
    return number


def figures_from_payload(data: dict[str, Any]) -> NewRevision:
    """The figures a change request keeps as JSON (decimals as text), as a revision needs them."""

    def number(key: str) -> Decimal | None:
        value = data.get(key)
        return Decimal(str(value)) if value is not None else None

    def words(key: str) -> str | None:
        value = data.get(key)
        return str(value) if value is not None else None

    return NewRevision(
        numerator=number("numerator"),
        denominator=number("denominator"),
        value=number("value"),
        realisation=number("realisation"),
        achievement=number("achievement"),
        kendala=words("kendala"),
        faktor_pendorong=words("faktor_pendorong"),
        upaya_perbaikan=words("upaya_perbaikan"),
        reason=words("reason"),
    )
