"""The admin's operations, shared by the chat (`/admin`, `/kunci`) and the CLI.

Each one writes its own audit-log entry, so the evaluator can see who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
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
from sicapai.models.performance import Indicator, QuarterTarget
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


def indicator_audit(*, session: Session, indicator: Indicator, limit: int = 30) -> list[AuditLog]:
    """The audit entries that concern one indicator, newest first."""
    rows = session.exec(
        select(AuditLog)
        .where(AuditLog.organisation_id == indicator.organisation_id)
        .order_by(col(AuditLog.at).desc())
    ).all()
    return [row for row in rows if (row.detail or {}).get("indikator") == indicator.code][:limit]
