"""`/status`: for superiors and the admin — who has and has not reported each item."""

from __future__ import annotations

from enum import StrEnum

from sicapai.handlers import lookups
from sicapai.handlers.flow import Action, Command, Flow, Step, leave_with, listing, quarter
from sicapai.handlers.texts import STALE_MENU
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.texts import status as st
from sicapai.handlers.turn import Turn
from sicapai.models.people import real_names
from sicapai.models.scopes import OWN
from sicapai.models.summaries import StatusRow, reporting_status
from sicapai.reports.domain import PENDING_STATUSES
from sicapai.reports.periods import current_quarter


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    LIHAT = "lihat"  # the status of the widest scope, one quarter, paged


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    QUARTER = "q"  # q:<1..4>


def open_status(turn: Turn, args: str = "") -> None:
    wider = [s for s in lookups.scopes(turn) if s.key != OWN]
    year = lookups.year(turn)
    if not wider or year is None:
        turn.say(t.STATUS_ONLY_SUPERIORS)
        return
    first = current_quarter(year, turn.local_now().date()) or 4
    turn.goto(FLOW.code, S.LIHAT, scope=wider[-1].key, quarter=first, page=0)
    show(turn)


def show(turn: Turn) -> None:
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    year, org = lookups.year(turn), turn.organisation
    if scope is None or year is None or org is None:
        turn.say(STALE_MENU)
        return
    shown = int(turn.data.get("quarter", 4))
    rows = reporting_status(
        session=turn.session, organisation=org, year=year, quarter=shown, scope=scope
    )
    pages = status_pages(rows, scope.label, year, shown)
    page = min(int(turn.data.get("page", 0)), len(pages) - 1)
    paging = lookups.page_buttons(page, len(pages))
    buttons = [row for row in (paging, lookups.quarter_buttons(shown)) if row]
    turn.say(pages[page], buttons)


def status_pages(rows: list[StatusRow], scope_label: str, year: int, quarter: int) -> list[str]:
    """The pages of the status: a placeholder holder's name is left out (the position says
    it all), and a position nobody holds is "belum terdaftar" only while it owes a report."""
    blocks = [
        st.position_block(row.position, real_names(row.people), not row.people, row.items)
        for row in rows
    ]
    items = [status for row in rows for _, status in row.items]
    done = sum(1 for status in items if status not in PENDING_STATUSES)
    return st.status_pages(blocks, done, len(items), scope_label, year, quarter)


def choose_quarter(turn: Turn, arg: str) -> None:
    turn.set_step(S.LIHAT, quarter=int(arg), page=0)
    show(turn)


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="st",
    commands=(Command("status", open_status, menu=t.MENU_STATUS, help=t.HELP_STATUS, rank=60),),
    steps=(Step(S.LIHAT, presses=(Action(A.QUARTER, choose_quarter, arg=quarter),)),),
    actions=listing(S.LIHAT, show),
    stray_text=leave_with(t.USE_BUTTONS_STATUS),
    stray_file=leave_with(t.USE_BUTTONS_STATUS),
)
