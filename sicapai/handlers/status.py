"""`/status`: for superiors and the admin — who has and has not reported each item."""

from __future__ import annotations

from sicapai.handlers import lookups
from sicapai.handlers.port import StoredFile
from sicapai.handlers.texts import STALE_MENU
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.turn import Turn
from sicapai.models.scopes import OWN
from sicapai.models.summaries import reporting_status
from sicapai.reports.periods import default_quarter

CODE = "st"
FIGURE_STEPS: frozenset[str] = frozenset()


def accepts_file(step: str | None) -> bool:
    return False


def start(turn: Turn, args: str = "") -> None:
    wider = [s for s in lookups.scopes(turn) if s.key != OWN]
    year = lookups.year(turn)
    if not wider or year is None:
        turn.say(t.STATUS_ONLY_SUPERIORS)
        return
    quarter = default_quarter(year, turn.local_now().date()) or 4
    turn.goto(CODE, "lihat", scope=wider[-1].key, quarter=quarter, page=0)
    show(turn)


def show(turn: Turn) -> None:
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    year, org = lookups.year(turn), turn.organisation
    if scope is None or year is None or org is None:
        turn.say(STALE_MENU)
        return
    quarter = int(turn.data.get("quarter", 4))
    rows = reporting_status(
        session=turn.session, organisation=org, year=year, quarter=quarter, scope=scope
    )
    pages = t.status_pages(rows, scope.label, year, quarter)
    page = min(int(turn.data.get("page", 0)), len(pages) - 1)
    paging = lookups.page_buttons(page, len(pages))
    buttons = [row for row in (paging, lookups.quarter_buttons(quarter)) if row]
    turn.say(pages[page], buttons)


def on_press(turn: Turn, action: str) -> None:
    name, _, arg = action.partition(":")
    if turn.dialog != CODE:
        turn.say(STALE_MENU)
    elif name == "q" and arg in {"1", "2", "3", "4"}:
        turn.set_step("lihat", quarter=int(arg), page=0)
        show(turn)
    elif name == "pg" and arg.isdigit():
        turn.set_step("lihat", page=int(arg))
        show(turn)
    else:
        turn.say(STALE_MENU)


def on_text(turn: Turn, text: str) -> None:
    turn.clear()
    turn.say(t.USE_BUTTONS_STATUS)


def on_file(turn: Turn, stored: StoredFile | None) -> None:
    on_text(turn, "")
