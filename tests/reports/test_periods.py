"""Which quarters are open for reporting, and which one is the default."""

from __future__ import annotations

from datetime import date

from sicapai.reports.periods import (
    current_quarter,
    ended_quarters,
    open_quarters,
    quarter_end,
    reporting_year,
)


def test_on_the_session_date_the_2025_default_is_tw_iv() -> None:
    today = date(2026, 11, 29)
    assert reporting_year(None, [2025]) == 2025
    assert open_quarters(2025, today) == [1, 2, 3, 4]
    assert current_quarter(2025, today) == 4


def test_within_a_year_the_running_quarter_is_open_and_the_last_ended_is_default() -> None:
    today = date(2025, 8, 5)
    assert ended_quarters(2025, today) == [1, 2]
    assert open_quarters(2025, today) == [1, 2, 3]
    assert current_quarter(2025, today) == 2
    assert open_quarters(2025, today, locked=[1, 2]) == [3]
    assert current_quarter(2025, date(2025, 2, 1)) == 1  # nothing ended yet: the running one
    assert current_quarter(2026, date(2025, 12, 1)) is None  # a year not begun


def test_configured_year_wins_and_quarter_ends() -> None:
    assert reporting_year(2024, [2025, 2026]) == 2024
    assert reporting_year(None, []) is None
    assert [quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
