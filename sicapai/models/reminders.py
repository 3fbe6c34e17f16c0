"""Gathering what the reminder planner needs, and recording what was sent.

`plan_for` reads the current data (pending items per position, holders, superiors, admins,
snoozes) and asks the pure planner. `claim` records a reminder before it is delivered: the
unique (person, period, kind, day) key makes a second claim fail, whichever process tries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.calendar import calendar_config, effective_deadline
from sicapai.models.operations import ReminderLog
from sicapai.models.organisation import AdminGrant, Organisation, Person, Position, Unit
from sicapai.models.people import holders, holders_of
from sicapai.models.performance import PENDING_STATUSES, Indicator, Period, Submission
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports import reminders as planner
from sicapai.reports.calendar import CalendarConfig, working_days_after
from sicapai.reports.capaian import is_due

LOOKAHEAD = timedelta(days=30)
SNOOZED = "ditunda"


def _person(row: Person) -> planner.Person:
    assert row.id is not None
    return planner.Person(row.id, row.name)


def _duty(
    position: Position,
    units: dict[int | None, str],
    holding: Sequence[Person],
    pending: tuple[planner.Item, ...],
    total: int,
) -> planner.Duty:
    assert position.id is not None
    return planner.Duty(
        position_id=position.id,
        position_name=position.name,
        unit_name=units.get(position.unit_id, position.name),
        superior_id=position.superior_id,
        holders=tuple(_person(p) for p in holding),
        pending=pending,
        total=total,
    )


def period_duties(
    *, session: Session, organisation: Organisation, period: Period, config: CalendarConfig
) -> planner.PeriodDuties:
    """Every position's due and pending items in one period."""
    assert organisation.id is not None and period.id is not None
    positions = session.exec(
        select(Position).where(Position.organisation_id == organisation.id)
    ).all()
    units = _top_units(session, organisation.id)
    statuses = {
        s.indicator_id: s.status
        for s in session.exec(select(Submission).where(Submission.period_id == period.id))
    }
    reported_lines = set(
        session.exec(
            select(BudgetRealisation.budget_line_id).where(BudgetRealisation.period_id == period.id)
        ).all()
    )
    indicators = session.exec(
        select(Indicator)
        .where(Indicator.organisation_id == organisation.id, Indicator.year == period.year)
        .order_by(col(Indicator.code))
    ).all()
    lines = session.exec(
        select(BudgetLine)
        .where(
            BudgetLine.organisation_id == organisation.id,
            BudgetLine.year == period.year,
            BudgetLine.kind == "subkegiatan",
        )
        .order_by(col(BudgetLine.sort_order))
    ).all()
    # grouped once, so a thousand positions cost one pass over the indicators, not a thousand
    indicators_of: dict[int | None, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if is_due(indicator.frequency, period.quarter):
            indicators_of[indicator.owner_position_id].append(indicator)
    lines_of: dict[int | None, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        lines_of[line.owner_position_id].append(line)
    held = holders_of(session=session, position_ids=[p.id for p in positions if p.id is not None])
    duties = []
    for position in positions:
        assert position.id is not None
        due = indicators_of.get(position.id, [])
        pending = [
            planner.Item(f"i:{i.id}", i.code, i.name)
            for i in due
            if statuses.get(ident(i), "belum") in PENDING_STATUSES
        ]
        own_lines = lines_of.get(position.id, [])
        pending += [
            planner.Item(f"a:{line.id}", f"Anggaran {line.code}", line.name)
            for line in own_lines
            if line.id not in reported_lines
        ]
        total = len(due) + len(own_lines)
        if total:
            duties.append(_duty(position, units, held[position.id], tuple(pending), total))
    # superiors without duties of their own still need to be known to the planner
    known = {d.position_id for d in duties}
    superiors = {d.superior_id for d in duties}
    for position in positions:
        if position.id not in known and position.id in superiors:
            assert position.id is not None
            duties.append(_duty(position, units, held[position.id], (), 0))
            superiors.add(position.superior_id)
    return planner.PeriodDuties(
        period_id=period.id,
        year=period.year,
        quarter=period.quarter,
        deadline=effective_deadline(period, config),
        duties=tuple(duties),
    )


def _top_units(session: Session, organisation_id: int) -> dict[int | None, str]:
    """Each unit's bidang or sekretariat (the level under the office), for the digest."""
    rows = {
        u.id: u for u in session.exec(select(Unit).where(Unit.organisation_id == organisation_id))
    }
    top: dict[int | None, str] = {}
    for unit_id, unit in rows.items():
        current = unit
        while current.parent_id is not None and rows[current.parent_id].parent_id is not None:
            current = rows[current.parent_id]
        top[unit_id] = current.name
    return top


def plan_for(
    *,
    session: Session,
    organisation: Organisation,
    start: datetime,
    end: datetime,
    live: bool = False,
) -> list[planner.Planned]:
    """The plan in [start, end). `live` limits it to deadlines 30 days ahead to 5 working
    days past (as the running bot acts), so an old year is never escalated forever."""
    assert organisation.id is not None
    years = sorted(
        set(
            session.exec(
                select(Indicator.year).where(Indicator.organisation_id == organisation.id)
            ).all()
        )
    )
    head = session.exec(
        select(Position).where(
            Position.organisation_id == organisation.id, col(Position.superior_id).is_(None)
        )
    ).first()
    head_holders = (
        tuple(_person(p) for p in holders(session=session, position_id=head.id))
        if head and head.id
        else ()
    )
    admins = tuple(
        _person(p)
        for p in session.exec(
            select(Person)
            .join(AdminGrant, col(AdminGrant.person_id) == col(Person.id))
            .where(
                AdminGrant.organisation_id == organisation.id,
                col(AdminGrant.active).is_(True),
                col(Person.active).is_(True),
            )
        )
    )
    snoozed = frozenset(
        (r.person_id, r.period_id, r.day)
        for r in session.exec(select(ReminderLog).where(ReminderLog.status == SNOOZED))
    )
    result: list[planner.Planned] = []
    for year in years:
        config = calendar_config(session=session, organisation=organisation, year=year)
        for period in ensure_periods(session, organisation, year).values():
            if period.locked:
                continue  # a locked quarter is closed: nobody is chased for it any more
            deadline = effective_deadline(period, config)
            if live:
                today = start.astimezone(config.zone).date()
                last = working_days_after(deadline, config, config.remind_working_days_after)
                if deadline.date() - today > LOOKAHEAD or today > last:
                    continue
            duties = period_duties(
                session=session, organisation=organisation, period=period, config=config
            )
            result += planner.plan(
                [duties],
                config,
                head_holders=head_holders,
                head_position=head.name if head else "Kepala Dinas",
                admins=admins,
                start=start,
                end=end,
                snoozed=snoozed,
            )
    return sorted(result, key=lambda p: (p.at, p.kind, p.position))


def claim(
    *, session: Session, due: Sequence[tuple[planner.Planned, str]], now: datetime
) -> list[int | None]:
    """Record reminders before delivery, one row each under its unique key; for each, its
    row's id, or None if it was already recorded (by anyone: a second tick, a second
    process). One INSERT … ON CONFLICT DO NOTHING RETURNING for the lot, so a tick that
    claims a handful of reminders at once pays one statement, not a savepoint each."""
    if not due:
        return []
    rows = []
    for planned, text in due:
        assert planned.person is not None
        rows.append(
            {
                "person_id": planned.person.id,
                "period_id": planned.period_id,
                "kind": planned.kind,
                "day": planned.day,
                "status": "antri",
                "attempts": 0,
                "text": text,
                "created_at": now,
            }
        )
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = ReminderLog.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["person_id", "period_id", "kind", "day"])
        .returning(table.c.id, table.c.person_id, table.c.period_id, table.c.kind, table.c.day)
    )
    claimed = {
        (person_id, period_id, kind, day): row_id
        for row_id, person_id, period_id, kind, day in session.execute(statement)
    }
    return [claimed.get((r["person_id"], r["period_id"], r["kind"], r["day"])) for r in rows]


def already_logged(
    *, session: Session, person_id: int, period_id: int, kind: str, day: date
) -> bool:
    return (
        session.exec(
            select(ReminderLog.id).where(
                ReminderLog.person_id == person_id,
                ReminderLog.period_id == period_id,
                ReminderLog.kind == kind,
                ReminderLog.day == day,
            )
        ).first()
        is not None
    )


def snooze(*, session: Session, person_id: int, period_id: int, day: date, now: datetime) -> bool:
    """Move a day's personal reminder to the next working day (recorded as 'ditunda')."""
    if already_logged(
        session=session, person_id=person_id, period_id=period_id, kind=planner.PERSONAL, day=day
    ):
        return False
    session.add(
        ReminderLog(
            person_id=person_id,
            period_id=period_id,
            kind=planner.PERSONAL,
            day=day,
            status=SNOOZED,
            created_at=now,
        )
    )
    session.flush()
    return True
