"""`/pengingat`: a person's upcoming reminders, and snoozing one to the next working day.

Also where a reminder's "Lapor sekarang" button lands: it names its own period and item,
so it works whatever the person has done since it was sent.
"""

from __future__ import annotations

from datetime import date, timedelta

from sicapai.handlers import anggaran, lapor
from sicapai.handlers.texts import esc
from sicapai.handlers.texts import pengingat as t
from sicapai.handlers.turn import Turn
from sicapai.models.reminders import plan_for, snooze
from sicapai.reports.dates import long_date
from sicapai.reports.reminders import PERSONAL, Planned

CODE = "pg"
FIGURE_STEPS: frozenset[str] = frozenset()


def accepts_file(step: str | None) -> bool:
    return False


def from_reminder(turn: Turn, action: str) -> None:
    """`r:0:n:<period>:<indicator>` or `r:0:a:<period>:<budget line>`."""
    kind, _, rest = action.partition(":")
    period, _, item = rest.partition(":")
    if not (period.isdigit() and item.isdigit()):
        return
    if kind == "n":
        lapor.start_on(turn, int(period), int(item))
    elif kind == "a":
        anggaran.start_on(turn, int(period), int(item))


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


def start(turn: Turn, args: str = "") -> None:
    upcoming = _upcoming(turn)
    if not upcoming:
        turn.say(t.NONE_UPCOMING)
        return
    turn.goto(CODE, "daftar")
    buttons = [
        [(t.snooze_button(long_date(p.day)), f"t:{p.period_id}:{p.day.isoformat()}")]
        for p in upcoming[:5]
    ]
    turn.say(t.upcoming([t.upcoming_line(p) for p in upcoming[:10]]), buttons)


def on_press(turn: Turn, action: str) -> None:
    name, _, rest = action.partition(":")
    period, _, day = rest.partition(":")
    if name != "t" or not period.isdigit():
        return
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return
    mine = {(p.period_id, p.day) for p in _upcoming(turn)}
    if (int(period), when) not in mine or not snooze(
        session=turn.session,
        person_id=turn.person_id,
        period_id=int(period),
        day=when,
        now=turn.now,
    ):
        turn.say(t.CANNOT_SNOOZE)
        return
    turn.audit("pengingat_ditunda", "period", int(period), hari=when.isoformat())
    turn.clear()
    turn.say(t.SNOOZED.format(day=esc(long_date(when))))


def on_text(turn: Turn, text: str) -> None:
    turn.clear()
    turn.say(t.USE_BUTTONS)


def on_file(turn: Turn, stored: object) -> None:
    on_text(turn, "")
