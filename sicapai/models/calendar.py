"""Each office's reporting calendar per year, as the admin edits it with `sicapai jadwal`.

A missing row means the defaults; a period's own `deadline` overrides the computed one.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from sicapai.models.organisation import Organisation
from sicapai.models.performance import Period
from sicapai.reports.calendar import CalendarConfig, default_deadline


class ReportingCalendar(SQLModel, table=True):
    """Deadline rule, reminder plan, working hours and extra days off of one office-year."""

    __tablename__ = "reporting_calendar"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    deadline_days_after: int = 10
    deadline_time: str = Field(default="23:59", max_length=5)
    remind_days_before: list[int] = Field(default_factory=lambda: [7, 3, 1], sa_type=JSON)
    remind_on_deadline: bool = True
    remind_working_days_after: int = 5
    work_start: str = Field(default="08:00", max_length=5)
    work_end: str = Field(default="16:00", max_length=5)
    work_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], sa_type=JSON)
    extra_days_off: list[str] = Field(default_factory=list, sa_type=JSON)


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def to_config(row: ReportingCalendar | None, timezone: str) -> CalendarConfig:
    if row is None:
        return CalendarConfig(timezone=timezone)
    return CalendarConfig(
        timezone=timezone,
        deadline_days_after=row.deadline_days_after,
        deadline_time=_time(row.deadline_time),
        remind_days_before=tuple(row.remind_days_before),
        remind_on_deadline=row.remind_on_deadline,
        remind_working_days_after=row.remind_working_days_after,
        work_start=_time(row.work_start),
        work_end=_time(row.work_end),
        work_days=tuple(row.work_days),
        extra_days_off=frozenset(date.fromisoformat(d) for d in row.extra_days_off),
    )


def calendar_row(*, session: Session, organisation_id: int, year: int) -> ReportingCalendar | None:
    return session.exec(
        select(ReportingCalendar).where(
            ReportingCalendar.organisation_id == organisation_id, ReportingCalendar.year == year
        )
    ).first()


def calendar_config(*, session: Session, organisation: Organisation, year: int) -> CalendarConfig:
    assert organisation.id is not None
    row = calendar_row(session=session, organisation_id=organisation.id, year=year)
    return to_config(row, organisation.timezone)


def effective_deadline(period: Period, config: CalendarConfig) -> datetime:
    """The admin's explicit deadline for the period, else the calendar's rule."""
    if period.deadline is not None:
        return period.deadline.astimezone(config.zone)
    return default_deadline(period.year, period.quarter, config)


def update_calendar(
    *, session: Session, organisation_id: int, year: int, **changes: Any
) -> ReportingCalendar:
    row = calendar_row(session=session, organisation_id=organisation_id, year=year)
    if row is None:
        row = ReportingCalendar(organisation_id=organisation_id, year=year)
    for name, value in changes.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row
