"""`/capaian`: how are we doing this quarter — per indicator, per kriteria, below target,
and who has reported; for one's own indicators, the units one leads, or the whole office."""

from __future__ import annotations

from enum import StrEnum

from sicapai.handlers import grafik, lookups
from sicapai.handlers.flow import Action, Command, Flow, Step, leave_with, listing, quarter
from sicapai.handlers.texts import STALE_MENU
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.turn import Turn
from sicapai.models.summaries import summarise


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    CAKUPAN = "cakupan"  # whose capaian: one's own, a unit one leads, the whole office
    LIHAT = "lihat"  # the summary of one scope and quarter, paged


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    SCOPE = "s"  # s:<scope key>, the key itself may hold a colon ("unit:3")
    QUARTER = "q"  # q:<1..4>
    CHART = "g"  # the summary as a chart


def open_capaian(turn: Turn, args: str = "") -> None:
    allowed = lookups.scopes(turn)
    if not allowed or lookups.year(turn) is None:
        turn.say(t.NO_SCOPE)
        return
    if len(allowed) == 1:
        turn.goto(FLOW.code, S.LIHAT, scope=allowed[0].key, quarter=None, page=0)
        show(turn)
        return
    turn.goto(FLOW.code, S.CAKUPAN)
    turn.say(t.CHOOSE_SCOPE, [[(s.label, f"{A.SCOPE}:{s.key}")] for s in allowed])


def show(turn: Turn) -> None:
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    year = lookups.year(turn)
    org = turn.organisation
    if scope is None or year is None or org is None:
        turn.say(STALE_MENU)
        return
    shown = turn.data.get("quarter") or lookups.default_quarter_for(turn, scope, year)
    summary = summarise(
        session=turn.session,
        organisation=org,
        year=year,
        quarter=shown,
        scope=scope,
        now=turn.now,
    )
    navigation = [lookups.quarter_buttons(shown)]
    if not summary.reported:
        turn.set_step(S.LIHAT, quarter=shown, page=0)
        turn.say(t.NO_DATA.format(period=t.period_label(year, shown)), navigation)
        return
    pages = t.summary_pages(summary, scope.label, lookups.read_at(turn))
    page = min(int(turn.data.get("page", 0)), len(pages) - 1)
    turn.set_step(S.LIHAT, quarter=shown, page=page)
    paging = lookups.page_buttons(page, len(pages))
    buttons = [row for row in (paging, navigation[0], [(t.BTN_CHART, str(A.CHART))]) if row]
    turn.say(pages[page], buttons)


# --- buttons --------------------------------------------------------------------------


def choose_scope(turn: Turn, arg: str) -> None:
    """A forged key is no scope of the person's: `show` finds nothing and says so."""
    turn.set_step(S.LIHAT, scope=arg, quarter=None, page=0)
    show(turn)


def choose_quarter(turn: Turn, arg: str) -> None:
    turn.set_step(S.LIHAT, quarter=int(arg), page=0)
    show(turn)


def chart(turn: Turn, arg: str) -> None:
    grafik.capaian_chart(turn, turn.data.get("scope", ""), turn.data.get("quarter"))


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="cp",
    commands=(Command("capaian", open_capaian, menu=t.MENU_CAPAIAN, help=t.HELP_CAPAIAN, rank=40),),
    steps=(
        Step(S.CAKUPAN, presses=(Action(A.SCOPE, choose_scope),)),
        Step(
            S.LIHAT,
            presses=(Action(A.QUARTER, choose_quarter, arg=quarter), Action(A.CHART, chart)),
        ),
    ),
    actions=listing(S.LIHAT, show),
    stray_text=leave_with(t.USE_BUTTONS_CAPAIAN),
    stray_file=leave_with(t.USE_BUTTONS_CAPAIAN),
)
