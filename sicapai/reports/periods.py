"""Which quarters exist, which have ended, and which are open for reporting.

Kept pure (today is passed in) so that tests can travel in time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_name(quarter: int) -> str:
    """TW I .. TW IV, as reports print it."""
    return f"TW {ROMAN[quarter]}"


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter."""
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, quarter * 3 + 1, 1) - timedelta(days=1)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def ended_quarters(year: int, today: date) -> list[int]:
    """Quarters of `year` whose last day is before today."""
    return [q for q in (1, 2, 3, 4) if quarter_end(year, q) < today]


def open_quarters(year: int, today: date, locked: Iterable[int] = ()) -> list[int]:
    """Ended, unlocked quarters plus the running one: what a person may report for."""
    closed = set(locked)
    quarters = [q for q in ended_quarters(year, today) if q not in closed]
    if today.year == year and quarter_of(today) not in closed:
        quarters.append(quarter_of(today))
    return sorted(set(quarters))


def current_quarter(year: int, today: date) -> int | None:
    """The quarter being reported now: the latest that has ended, else the running one; None
    for a year that has not begun.

    One rule for every place that picks a quarter for the person (`/lapor`, `/anggaran`,
    `/status`, and `/capaian` and `/grafik` before any quarter has data), so two screens opened
    the same morning never disagree. A locked quarter is still the current one: `/lapor`
    shows it as locked (a change there needs the admin's approval) and names any earlier
    quarter that is still open with indicators to report, rather than silently jumping back
    to that earlier quarter.
    """
    ended = ended_quarters(year, today)
    if ended:
        return ended[-1]
    if today.year == year:
        return quarter_of(today)
    return None


def reporting_year(configured: int | None, years_with_pk: Iterable[int]) -> int | None:
    """SICAPAI_TAHUN when set, else the latest year with a PK loaded."""
    if configured is not None:
        return configured
    years = sorted(set(years_with_pk))
    return years[-1] if years else None
