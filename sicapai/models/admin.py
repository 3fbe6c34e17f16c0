"""The admin's operations, shared by the chat (`/admin`, `/kunci`) and the CLI.

Each one writes its own audit-log entry, so the evaluator can see who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, update
from sqlmodel import Session, col, select

from sicapai.models.guards import ALREADY_DONE, Conflict, expect_one, reflect, seam
from sicapai.models.operations import AuditLog, record_audit
from sicapai.models.organisation import (
    AdminGrant,
    ChatIdentity,
    Delegation,
    Holding,
    Person,
    Position,
)
from sicapai.models.people import held_positions, is_admin
from sicapai.models.performance import (
    ChangeRequest,
    Indicator,
    Period,
    QuarterTarget,
    Submission,
)
from sicapai.models.types import ident


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    active: bool
    unreachable: bool
    positions: list[str]
    admin: bool


def people(*, session: Session, organisation_id: int) -> list[PersonRow]:
    """Everyone who holds (or held) a position here or is an admin, with what they hold now."""
    position_ids = {
        p.id
        for p in session.exec(select(Position).where(Position.organisation_id == organisation_id))
    }
    person_ids = set(
        session.exec(
            select(Holding.person_id).where(col(Holding.position_id).in_(position_ids))
        ).all()
    )
    person_ids |= set(
        session.exec(
            select(AdminGrant.person_id).where(AdminGrant.organisation_id == organisation_id)
        ).all()
    )
    unreachable = set(
        session.exec(
            select(ChatIdentity.person_id).where(
                col(ChatIdentity.person_id).in_(person_ids),
                col(ChatIdentity.unreachable_at).is_not(None),
            )
        ).all()
    )
    rows = []
    for person in session.exec(
        select(Person).where(col(Person.id).in_(person_ids)).order_by(col(Person.id))
    ):
        assert person.id is not None
        rows.append(
            PersonRow(
                person.id,
                person.name,
                person.active,
                person.id in unreachable,
                [
                    ("Plt " if acting else "") + p.name
                    for p, acting in held_positions(session=session, person_id=person.id)
                ],
                is_admin(session=session, person_id=person.id, organisation_id=organisation_id),
            )
        )
    return rows


def deactivate(
    *, session: Session, organisation_id: int, person_id: int, by: int | None, now: datetime
) -> Person | None:
    """The person can no longer use the bot; everything they reported stays.

    A compare-and-set on the person still being active: two admins deactivating at once
    write one audit entry, and the second is told it was already done (`Conflict`)."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    seam("deactivate")
    expect_one(
        session.execute(
            update(Person)
            .where(col(Person.id) == person_id, col(Person.active).is_(True))
            .values(active=False)
            .execution_options(synchronize_session=False)
        ),
        Conflict(ALREADY_DONE, person_id=person_id),
    )
    reflect(person, active=False)
    record_audit(
        session,
        organisation_id,
        by,
        "orang_dinonaktifkan",
        "person",
        person_id,
        now,
        nama=person.name,
    )
    return person


def delegate(
    *,
    session: Session,
    organisation_id: int,
    position_id: int,
    delegate_id: int,
    by: int | None,
    now: datetime,
) -> bool:
    """Let `delegate_id` enter the figures of `position_id` (e.g. planning staff for the head)."""
    exists = session.exec(
        select(Delegation).where(
            Delegation.position_id == position_id, Delegation.delegate_id == delegate_id
        )
    ).first()
    if exists is not None or position_id == delegate_id:
        return False
    session.add(Delegation(position_id=position_id, delegate_id=delegate_id))
    record_audit(
        session,
        organisation_id,
        by,
        "delegasi_dibuat",
        "position",
        position_id,
        now,
        diwakili_oleh=delegate_id,
    )
    return True


def set_quarter_targets(
    *,
    session: Session,
    indicator: Indicator,
    targets: dict[int, Decimal],
    by: int | None,
    now: datetime,
) -> None:
    """Rencana Aksi: the planner's target per quarter, replacing the default split."""
    for quarter, target in sorted(targets.items()):
        row = session.exec(
            select(QuarterTarget).where(
                QuarterTarget.indicator_id == indicator.id, QuarterTarget.quarter == quarter
            )
        ).first()
        old = row.target if row else None
        row = row or QuarterTarget(indicator_id=ident(indicator), quarter=quarter, target=target)
        row.target = target
        session.add(row)
        record_audit(
            session,
            indicator.organisation_id,
            by,
            "target_triwulan_diubah",
            "indicator",
            indicator.id,
            now,
            indikator=indicator.code,
            triwulan=quarter,
            lama=str(old) if old is not None else None,
            baru=str(target),
        )


def _concerning(indicator: Indicator, *, periods: bool) -> ColumnElement[bool]:
    """The audit entries about this indicator of this year: its submissions, its change
    requests, its targets (and, asked for, the locking of that year's periods). Matched by the
    rows they name, not by the code, which the next year's PK reuses."""
    ids = [ident(indicator)]
    submissions = select(Submission.id).where(col(Submission.indicator_id).in_(ids))
    requests = select(ChangeRequest.id).where(col(ChangeRequest.indicator_id).in_(ids))
    about = [
        and_(col(AuditLog.entity) == "submission", col(AuditLog.entity_id).in_(submissions)),
        and_(col(AuditLog.entity) == "change_request", col(AuditLog.entity_id).in_(requests)),
        and_(col(AuditLog.entity) == "indicator", col(AuditLog.entity_id) == indicator.id),
    ]
    if periods:
        year = select(Period.id).where(
            Period.organisation_id == indicator.organisation_id, Period.year == indicator.year
        )
        about.append(and_(col(AuditLog.entity) == "period", col(AuditLog.entity_id).in_(year)))
    return and_(col(AuditLog.organisation_id) == indicator.organisation_id, or_(*about))


def indicator_audit(*, session: Session, indicator: Indicator, limit: int = 30) -> list[AuditLog]:
    """The audit entries that concern one indicator of its year, newest first."""
    return list(
        session.exec(
            select(AuditLog)
            .where(_concerning(indicator, periods=False))
            .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class TrailEntry:
    """One audit entry as a reviewer reads it: who (and in which position at that moment),
    which quarter, and the entry's own detail."""

    at: datetime
    person: str | None  # None: the admin on the command line
    positions: list[str]
    action: str
    quarter: int | None
    detail: dict[str, Any]


def indicator_trail(*, session: Session, indicator: Indicator) -> list[TrailEntry]:
    """The whole trail of one indicator of one year, oldest first, with the locking and
    unlocking of that year's quarters, for an Inspektorat reviewer."""
    rows = session.exec(
        select(AuditLog)
        .where(_concerning(indicator, periods=True))
        .order_by(col(AuditLog.at), col(AuditLog.id))
    ).all()
    quarters: dict[tuple[str, int], int] = {}
    for entity, model in (("submission", Submission), ("change_request", ChangeRequest)):
        for row_id, number in session.exec(
            select(model.id, Period.quarter)
            .join(Period, col(Period.id) == model.period_id)
            .where(model.indicator_id == indicator.id)
        ):
            if row_id is not None:
                quarters[(entity, row_id)] = number
    for period in session.exec(
        select(Period).where(
            Period.organisation_id == indicator.organisation_id, Period.year == indicator.year
        )
    ):
        quarters[("period", ident(period))] = period.quarter
    names = {
        ident(p): p.name
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_({r.person_id for r in rows if r.person_id is not None})
            )
        )
    }
    trail = []
    for row in rows:
        detail = dict(row.detail or {})
        quarter: int | None = quarters.get((row.entity, row.entity_id or 0))
        if row.entity == "indicator" and isinstance(detail.get("triwulan"), int):
            quarter = detail["triwulan"]
        trail.append(
            TrailEntry(
                at=row.at,
                person=names.get(row.person_id) if row.person_id is not None else None,
                positions=_positions_at(session, row.person_id, row.at),
                action=row.action,
                quarter=quarter,
                detail=detail,
            )
        )
    return trail


def _positions_at(session: Session, person_id: int | None, at: datetime) -> list[str]:
    """The positions a person held at that moment (a holding that ended later still counts)."""
    if person_id is None:
        return []
    return [
        position.name
        for position in session.exec(
            select(Position)
            .join(Holding, col(Holding.position_id) == col(Position.id))
            .where(
                Holding.person_id == person_id,
                col(Holding.started_at) <= at,
                or_(col(Holding.ended_at).is_(None), col(Holding.ended_at) > at),
            )
            .order_by(col(Position.id))
        )
    ]
