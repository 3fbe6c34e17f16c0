"""The reporting calendar: working days, deadlines and when reminders fall.

Pure functions over a `CalendarConfig`, so the live scheduler, `sicapai pengingat` and the
tests ask the same questions and get the same answers. Indonesia's public holidays and joint
leave days (cuti bersama, the `holidays` package's "government" category) are never working
days; nor are the office's own extra days off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from sicapai.reports.periods import quarter_end

MAX_SEARCH_DAYS = 60


@dataclass(frozen=True)
class CalendarConfig:
    """One office's rules for one year; the defaults are the issue's."""

    timezone: str = "Asia/Makassar"
    deadline_days_after: int = 10
    deadline_time: time = time(23, 59)
    remind_days_before: tuple[int, ...] = (7, 3, 1)
    remind_on_deadline: bool = True
    remind_working_days_after: int = 5
    work_start: time = time(8, 0)
    work_end: time = time(16, 0)
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday..Friday
    extra_days_off: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=32)
def national_days_off(year: int) -> dict[date, str]:
    """Public holidays and cuti bersama of one year."""
    return dict(
        holidays.country_holidays(
            "ID", years=year, categories=("public", "government"), language="id"
        )
    )


def day_off_reason(day: date, config: CalendarConfig) -> str | None:
    if day in config.extra_days_off:
        return "libur kantor"
    name = national_days_off(day.year).get(day)
    if name:
        return name
    if day.weekday() not in config.work_days:
        return "akhir pekan"
    return None


def is_working_day(day: date, config: CalendarConfig) -> bool:
    return day_off_reason(day, config) is None


def next_working_day(day: date, config: CalendarConfig, *, include: bool = False) -> date:
    current = day if include else day + timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        if is_working_day(current, config):
            return current
        current += timedelta(days=1)
    raise ValueError("no working day within 60 days: the calendar settings leave none")


def previous_working_day(day: date, config: CalendarConfig, *, include: bool = False) -> date:
    current = day if include else day - timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        if is_working_day(current, config):
            return current
        current -= timedelta(days=1)
    raise ValueError("no working day within 60 days: the calendar settings leave none")


def default_deadline(year: int, quarter: int, config: CalendarConfig) -> datetime:
    """The 10th day after the quarter ends (by default), moved to a working day."""
    day = quarter_end(year, quarter) + timedelta(days=config.deadline_days_after)
    day = next_working_day(day, config, include=True)
    return datetime.combine(day, config.deadline_time, tzinfo=config.zone)


def working_morning(day: date, config: CalendarConfig) -> datetime:
    return datetime.combine(day, config.work_start, tzinfo=config.zone)


@dataclass(frozen=True)
class ReminderDay:
    """A day on which people with pending items are reminded, relative to the deadline."""

    day: date
    stage: str  # "sebelum" (before the deadline, or its morning) | "lewat" (after it)
    days_left: int  # calendar days to the deadline (negative after it)


def reminder_days(deadline: datetime, config: CalendarConfig) -> list[ReminderDay]:
    """The working days on which reminders for a deadline fall, merged and in order.

    A reminder that would land on a non-working day before the deadline moves to the
    previous working day (never past today's deadline); after the deadline, reminders go out
    on each of the following working days.
    """
    deadline_day = deadline.astimezone(config.zone).date()
    days: dict[date, ReminderDay] = {}
    wanted = sorted(set(config.remind_days_before), reverse=True)
    for before in wanted:
        day = previous_working_day(deadline_day - timedelta(days=before), config, include=True)
        days.setdefault(day, ReminderDay(day, "sebelum", (deadline_day - day).days))
    if config.remind_on_deadline and is_working_day(deadline_day, config):
        days.setdefault(deadline_day, ReminderDay(deadline_day, "sebelum", 0))
    day = deadline_day
    for _ in range(config.remind_working_days_after):
        day = next_working_day(day, config)
        days[day] = ReminderDay(day, "lewat", (deadline_day - day).days)
    return [days[d] for d in sorted(days)]


def working_days_after(deadline: datetime, config: CalendarConfig, n: int) -> date:
    """The n-th working day after the deadline's day."""
    day = deadline.astimezone(config.zone).date()
    for _ in range(n):
        day = next_working_day(day, config)
    return day
