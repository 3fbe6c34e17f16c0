"""The reminder planner: who is reminded of what, and when — with the current data.

Pure: given each period's deadline and each position's pending items, it lists every
personal reminder, escalation and compliance digest that falls in a window. The live
scheduler sends what is due from this same list; `sicapai pengingat` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sicapai.reports.calendar import (
    CalendarConfig,
    ReminderDay,
    next_working_day,
    reminder_days,
    working_morning,
)

PERSONAL = "pengingat"
ESCALATION = "eskalasi"
DIGEST = "ringkasan"


@dataclass(frozen=True)
class Item:
    """One thing still owed: an indicator or a budget line."""

    ref: str  # "i:<indicator id>" or "a:<budget line id>"
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Duty:
    """A position's pending items in a period, and who holds it now."""

    position_id: int
    position_name: str
    unit_name: str
    superior_id: int | None
    holders: tuple[Person, ...]
    pending: tuple[Item, ...]
    total: int  # items due in the period, reported or not


@dataclass(frozen=True)
class PeriodDuties:
    period_id: int
    year: int
    quarter: int
    deadline: datetime
    duties: tuple[Duty, ...]


@dataclass(frozen=True)
class Missing:
    """An escalation's line: a position of the superior's units with items still missing."""

    position: str
    holders: tuple[str, ...]  # who holds it now (none: nobody has registered yet)
    codes: tuple[str, ...]


@dataclass(frozen=True)
class UnitProgress:
    """A digest's line: how much of a unit's items are in."""

    unit: str
    done: int
    total: int


Line = str | Missing | UnitProgress  # a personal item is its code and name


@dataclass(frozen=True)
class Planned:
    """One message the plan would send."""

    at: datetime
    period_id: int
    year: int
    quarter: int
    kind: str
    position: str  # the recipient's position ("admin" for the admin role)
    person: Person | None  # None: nobody holds the position yet (needs an invite)
    items: tuple[Line, ...]
    first_item: Item | None
    deadline: datetime
    stage: str
    days_left: int
    unregistered: tuple[str, ...] = field(default=())  # positions in items nobody holds

    @property
    def day(self) -> date:
        return self.at.date()


def _merge_personal(entries: list[Planned]) -> list[Planned]:
    """Several reminders for one person on one day become one message."""
    merged: dict[tuple[object, ...], Planned] = {}
    for entry in entries:
        key = (entry.person.id if entry.person else entry.position, entry.period_id, entry.day)
        kept = merged.get(key)
        if kept is None:
            merged[key] = entry
            continue
        position = (
            kept.position
            if entry.position in kept.position
            else (f"{kept.position}; {entry.position}")
        )
        merged[key] = Planned(
            at=min(kept.at, entry.at),
            period_id=kept.period_id,
            year=kept.year,
            quarter=kept.quarter,
            kind=kept.kind,
            position=position,
            person=kept.person,
            items=tuple(dict.fromkeys(kept.items + entry.items)),
            first_item=kept.first_item or entry.first_item,
            deadline=kept.deadline,
            stage=kept.stage,
            days_left=min(kept.days_left, entry.days_left),
        )
    return list(merged.values())


def plan(
    periods: Iterable[PeriodDuties],
    config: CalendarConfig,
    *,
    head_holders: tuple[Person, ...],
    head_position: str,
    admins: tuple[Person, ...],
    start: datetime,
    end: datetime,
    snoozed: frozenset[tuple[int, int, date]] = frozenset(),
) -> list[Planned]:
    """Everything planned with `start <= at < end`, in time order."""
    result: list[Planned] = []
    for period in periods:
        days = reminder_days(period.deadline, config)
        personal: list[Planned] = []
        for reminder in days:
            personal += _personal(period, reminder, config)
        personal = _apply_snoozes(personal, snoozed, config)
        result += _merge_personal(personal)
        for reminder in days:
            if reminder.stage != "lewat":
                continue
            result += _escalations(period, reminder, config)
            result += _digests(period, reminder, config, head_holders, head_position, admins)
    return sorted(
        (p for p in result if start <= p.at < end),
        key=lambda p: (p.at, p.kind, p.position, p.person.id if p.person else 0),
    )


def _planned(
    period: PeriodDuties,
    reminder: ReminderDay,
    config: CalendarConfig,
    *,
    kind: str,
    position: str,
    person: Person | None,
    items: tuple[Line, ...],
    first_item: Item | None = None,
    unregistered: tuple[str, ...] = (),
) -> Planned:
    """One message of `kind` for `person` on the reminder's day, at the start of work."""
    return Planned(
        at=working_morning(reminder.day, config),
        period_id=period.period_id,
        year=period.year,
        quarter=period.quarter,
        kind=kind,
        position=position,
        person=person,
        items=items,
        first_item=first_item,
        deadline=period.deadline,
        stage=reminder.stage,
        days_left=reminder.days_left,
        unregistered=unregistered,
    )


def _personal(period: PeriodDuties, reminder: ReminderDay, config: CalendarConfig) -> list[Planned]:
    out = []
    for duty in period.duties:
        if not duty.pending:
            continue
        items = tuple(f"{i.code} {i.name}" for i in duty.pending)
        for person in duty.holders or (None,):
            out.append(
                _planned(
                    period,
                    reminder,
                    config,
                    kind=PERSONAL,
                    position=duty.position_name,
                    person=person,
                    items=items,
                    first_item=duty.pending[0],
                )
            )
    return out


def _apply_snoozes(
    entries: list[Planned], snoozed: frozenset[tuple[int, int, date]], config: CalendarConfig
) -> list[Planned]:
    """A snoozed day's reminder moves to the next working day (merged with any there)."""
    out = []
    for entry in entries:
        if entry.person is not None and (entry.person.id, entry.period_id, entry.day) in snoozed:
            moved = next_working_day(entry.day, config)
            out.append(
                Planned(
                    at=working_morning(moved, config),
                    period_id=entry.period_id,
                    year=entry.year,
                    quarter=entry.quarter,
                    kind=entry.kind,
                    position=entry.position,
                    person=entry.person,
                    items=entry.items,
                    first_item=entry.first_item,
                    deadline=entry.deadline,
                    stage=entry.stage,
                    days_left=entry.days_left - (moved - entry.day).days,
                )
            )
        else:
            out.append(entry)
    return out


def _escalations(
    period: PeriodDuties, reminder: ReminderDay, config: CalendarConfig
) -> list[Planned]:
    by_id = {d.position_id: d for d in period.duties}
    missing_by_superior: dict[int, list[Duty]] = {}
    for duty in period.duties:
        if duty.pending and duty.superior_id is not None:
            missing_by_superior.setdefault(duty.superior_id, []).append(duty)
    out = []
    for superior_id, duties in sorted(missing_by_superior.items()):
        superior = by_id.get(superior_id)
        if superior is None:
            continue
        lines = tuple(
            Missing(
                d.position_name,
                tuple(p.name for p in d.holders),
                tuple(i.code for i in d.pending),
            )
            for d in duties
        )
        unregistered = tuple(d.position_name for d in duties if not d.holders)
        for person in superior.holders or (None,):
            out.append(
                _planned(
                    period,
                    reminder,
                    config,
                    kind=ESCALATION,
                    position=superior.position_name,
                    person=person,
                    items=lines,
                    first_item=None,
                    unregistered=unregistered,
                )
            )
    return out


def _digests(
    period: PeriodDuties,
    reminder: ReminderDay,
    config: CalendarConfig,
    head_holders: tuple[Person, ...],
    head_position: str,
    admins: tuple[Person, ...],
) -> list[Planned]:
    units: dict[str, list[int]] = {}
    for duty in period.duties:
        if duty.total == 0:
            continue
        done_total = units.setdefault(duty.unit_name, [0, 0])
        done_total[0] += duty.total - len(duty.pending)
        done_total[1] += duty.total
    if not any(done < total for done, total in units.values()):
        return []
    lines = tuple(UnitProgress(unit, done, total) for unit, (done, total) in sorted(units.items()))
    recipients = [(head_position, p) for p in head_holders] + [("admin", p) for p in admins]
    seen: set[int] = set()
    out = []
    for position, person in recipients:
        if person.id in seen:
            continue
        seen.add(person.id)
        out.append(
            _planned(
                period,
                reminder,
                config,
                kind=DIGEST,
                position=position,
                person=person,
                items=lines,
                first_item=None,
            )
        )
    return out
