"""`/capaian`: how are we doing this quarter — per indicator, per kriteria, below target,
and who has reported; for one's own indicators, the units one leads, or the whole office."""

from __future__ import annotations

from sicapai.handlers import grafik, lookups
from sicapai.handlers.port import StoredFile
from sicapai.handlers.texts import STALE_MENU
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.turn import Turn
from sicapai.models.summaries import summarise

CODE = "cp"
FIGURE_STEPS: frozenset[str] = frozenset()


def accepts_file(step: str | None) -> bool:
    return False


def start(turn: Turn, args: str = "") -> None:
    allowed = lookups.scopes(turn)
    if not allowed or lookups.year(turn) is None:
        turn.say(t.NO_SCOPE)
        return
    if len(allowed) == 1:
        turn.goto(CODE, "lihat", scope=allowed[0].key, quarter=None, page=0)
        show(turn)
        return
    turn.goto(CODE, "cakupan")
    turn.say(t.CHOOSE_SCOPE, [[(s.label, f"s:{s.key}")] for s in allowed])


def show(turn: Turn) -> None:
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    year = lookups.year(turn)
    org = turn.organisation
    if scope is None or year is None or org is None:
        turn.say(STALE_MENU)
        return
    quarter = turn.data.get("quarter") or lookups.default_quarter_for(turn, scope, year)
    summary = summarise(
        session=turn.session,
        organisation=org,
        year=year,
        quarter=quarter,
        scope=scope,
        now=turn.now,
    )
    navigation = [lookups.quarter_buttons(quarter)]
    if not summary.reported:
        turn.set_step("lihat", quarter=quarter, page=0)
        turn.say(t.NO_DATA.format(period=t.period_label(year, quarter)), navigation)
        return
    pages = t.summary_pages(summary, scope.label, lookups.read_at(turn))
    page = min(int(turn.data.get("page", 0)), len(pages) - 1)
    turn.set_step("lihat", quarter=quarter, page=page)
    paging = lookups.page_buttons(page, len(pages))
    buttons = [row for row in (paging, navigation[0], [(t.BTN_CHART, "g")]) if row]
    turn.say(pages[page], buttons)


def on_press(turn: Turn, action: str) -> None:
    name, _, arg = action.partition(":")
    if turn.dialog != CODE:
        turn.say(STALE_MENU)
    elif name == "s":
        turn.set_step("lihat", scope=arg, quarter=None, page=0)
        show(turn)
    elif name == "q" and arg in {"1", "2", "3", "4"}:
        turn.set_step("lihat", quarter=int(arg), page=0)
        show(turn)
    elif name == "pg" and arg.isdigit():
        turn.set_step("lihat", page=int(arg))
        show(turn)
    elif name == "g":
        grafik.capaian_chart(turn, turn.data.get("scope", ""), turn.data.get("quarter"))
    else:
        turn.say(STALE_MENU)


def on_text(turn: Turn, text: str) -> None:
    turn.clear()
    turn.say(t.USE_BUTTONS_CAPAIAN)


def on_file(turn: Turn, stored: StoredFile | None) -> None:
    on_text(turn, "")
