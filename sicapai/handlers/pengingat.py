"""`/pengingat`: a person's upcoming reminders, and snoozing one to the next working day.

A reminder's own "Lapor sekarang" button is not this flow's: see `dari_pengingat`.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from sicapai.handlers.flow import Action, Command, Flow, Step, leave_with
from sicapai.handlers.texts import esc
from sicapai.handlers.texts import pengingat as t
from sicapai.handlers.turn import Turn
from sicapai.models.reminders import plan_for, snooze
from sicapai.reports.dates import long_date
from sicapai.reports.reminders import PERSONAL, Planned


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    DAFTAR = "daftar"  # the upcoming reminders, each with its Tunda button


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    SNOOZE = "t"  # t:<period>:<day, ISO>


def _upcoming(turn: Turn) -> list[Planned]:
    org = turn.organisation
    if org is None:
        return []
    planned = plan_for(
        session=turn.session,
        organisation=org,
        start=turn.now,
        end=turn.now + timedelta(days=30),
        live=True,
    )
    return [p for p in planned if p.person and p.person.id == turn.person_id and p.kind == PERSONAL]


def open_pengingat(turn: Turn, args: str = "") -> None:
    upcoming = _upcoming(turn)
    if not upcoming:
        turn.say(t.NONE_UPCOMING)
        return
    turn.goto(FLOW.code, S.DAFTAR)
    buttons = [
        [(t.snooze_button(long_date(p.day)), f"{A.SNOOZE}:{p.period_id}:{p.day.isoformat()}")]
        for p in upcoming[:5]
    ]
    turn.say(t.upcoming([t.upcoming_line(p) for p in upcoming[:10]]), buttons)


def _period_and_day(arg: str) -> tuple[int, date] | None:
    period, _, day = arg.partition(":")
    if not period.isdigit():
        return None
    try:
        return int(period), date.fromisoformat(day)
    except ValueError:
        return None


def period_and_day(arg: str) -> bool:
    """A snooze button's argument: `<period>:<day, ISO>`."""
    return _period_and_day(arg) is not None


def postpone(turn: Turn, arg: str) -> None:
    """Tunda: only a reminder of the person's own that is still to come."""
    parsed = _period_and_day(arg)
    assert parsed is not None, "checked by the action's argument rule"
    period, when = parsed
    mine = {(p.period_id, p.day) for p in _upcoming(turn)}
    if (period, when) not in mine or not snooze(
        session=turn.session,
        person_id=turn.person_id,
        period_id=period,
        day=when,
        now=turn.now,
    ):
        turn.say(t.CANNOT_SNOOZE)
        return
    turn.audit("pengingat_ditunda", "period", period, hari=when.isoformat())
    turn.clear()
    turn.say(t.SNOOZED.format(day=esc(long_date(when))))


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="pg",
    commands=(Command("pengingat", open_pengingat, menu=t.MENU, help=t.HELP, rank=30),),
    steps=(Step(S.DAFTAR),),
    # the snooze button works whatever the person has done since (the flow need not be open)
    actions=(Action(A.SNOOZE, postpone, arg=period_and_day, outside=True),),
    stray_text=leave_with(t.USE_BUTTONS),
    stray_file=leave_with(t.USE_BUTTONS),
)
