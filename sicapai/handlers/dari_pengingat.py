"""Buttons under a reminder message: "Lapor sekarang" opens `/lapor` (or `/anggaran`) on the
first item the reminder lists.

A reminder is sent outside any menu, so its button carries version 0 and names its own
period and item, `r:0:n:<period>:<indicator>` or `r:0:a:<period>:<budget line>`: it works
whatever the person has done since it was sent. `sicapai.bot.reminders` builds them.
"""

from __future__ import annotations

from enum import StrEnum

from sicapai.handlers import anggaran, lapor
from sicapai.handlers.flow import Action, Flow, two_numbers
from sicapai.handlers.turn import Turn


class A(StrEnum):
    """The buttons' actions; the values are what reminders already sent carry."""

    INDICATOR = "n"  # n:<period>:<indicator>
    BUDGET_LINE = "a"  # a:<period>:<budget line>


def _period_and_item(arg: str) -> tuple[int, int]:
    period, _, item = arg.partition(":")
    return int(period), int(item)


def report_indicator(turn: Turn, arg: str) -> None:
    lapor.start_on(turn, *_period_and_item(arg))


def report_budget_line(turn: Turn, arg: str) -> None:
    anggaran.start_on(turn, *_period_and_item(arg))


FLOW = Flow(
    code="r",
    versioned=False,
    actions=(
        Action(A.INDICATOR, report_indicator, arg=two_numbers, outside=True),
        Action(A.BUDGET_LINE, report_budget_line, arg=two_numbers, outside=True),
    ),
)
