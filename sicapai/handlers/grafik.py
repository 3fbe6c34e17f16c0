"""`/grafik`: pictures a kepala bidang can forward to the group — capaian per indicator, one
indicator's trend, budget per program (or kegiatan), and capaian against serapan.

The flow only builds the chart's data; the engine renders it off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from sqlmodel import col, select

from sicapai.handlers import lookups
from sicapai.handlers.flow import PAGE, Action, Command, Flow, Step, leave_with, number, one_of
from sicapai.handlers.shaping import shorten
from sicapai.handlers.texts import STALE_MENU
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.texts import grafik as gt
from sicapai.handlers.turn import Turn
from sicapai.models.performance import Indicator, PastRealisation
from sicapai.models.queries import current_reports, get_period, indicator_specs
from sicapai.models.summaries import budget_figures, efficiency_rows, summarise
from sicapai.models.types import ident
from sicapai.reports import chart_data
from sicapai.reports.chart_specs import Chart

PAGE_SIZE = 8
LABEL_NAME = 28  # characters of an indicator's name in its button, shortened as /lapor's are


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    JENIS = "jenis"  # which kind of chart
    INDIKATOR = "indikator"  # the indicator a trend is drawn for, paged


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    KIND = "k"  # k:<Kind>
    INDICATOR = "i"  # i:<indicator>, for its trend


class Kind(StrEnum):
    """The charts on offer, in the order they are offered (`k:capaian` and so on)."""

    CAPAIAN = "capaian"
    TREN = "tren"
    ANGGARAN = "anggaran"  # per program
    KEGIATAN = "kegiatan"
    EFISIENSI = "efisiensi"


def open_grafik(turn: Turn, args: str = "") -> None:
    allowed = lookups.scopes(turn)
    if not allowed or lookups.year(turn) is None:
        turn.say(t.NO_SCOPE)
        return
    turn.goto(FLOW.code, S.JENIS, scope=allowed[-1].key)
    turn.say(t.CHOOSE_CHART, [[(gt.KIND_LABELS[kind], f"{A.KIND}:{kind}")] for kind in Kind])


def send_chart(turn: Turn, chart: Chart, title: str, year: int, quarter: int) -> None:
    turn.say_chart(chart, t.chart_caption(title, year, quarter, lookups.read_at(turn)))


def capaian_chart(turn: Turn, scope_key: str, quarter: int | None) -> None:
    scope = lookups.find_scope(turn, scope_key)
    year, org = lookups.year(turn), turn.organisation
    if scope is None or year is None or org is None:
        turn.say(STALE_MENU)
        return
    quarter = quarter or lookups.default_quarter_for(turn, scope, year)
    summary = summarise(
        session=turn.session,
        organisation=org,
        year=year,
        quarter=quarter,
        scope=scope,
        now=turn.now,
    )
    title = gt.capaian_title(scope.label)
    chart = chart_data.capaian_chart(
        summary.results, chart_data.meta(title, year, quarter, lookups.read_at(turn))
    )
    send_chart(turn, chart, title, year, quarter)


def _indicators(turn: Turn) -> list[Indicator]:
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    year = lookups.year(turn)
    if scope is None or year is None:
        return []
    return list(
        turn.session.exec(
            select(Indicator)
            .where(
                col(Indicator.owner_position_id).in_(scope.position_ids),
                Indicator.year == year,
            )
            .order_by(col(Indicator.code))
        )
    )


def choose_indicator(turn: Turn, page: int) -> None:
    indicators = _indicators(turn)
    size = turn.list_size(PAGE_SIZE)
    pages = max(1, -(-len(indicators) // size))
    page = min(page, pages - 1)
    shown = indicators[page * size : (page + 1) * size]
    buttons = [
        [(f"{i.code} {shorten(i.name, LABEL_NAME)}", f"{A.INDICATOR}:{i.id}")] for i in shown
    ]
    nav = lookups.page_buttons(page, pages)
    if nav:
        buttons.append(nav)
    turn.set_step(S.INDIKATOR, page=page)
    turn.say(t.CHOOSE_INDICATOR, buttons)


def trend_chart(turn: Turn, indicator_id: int) -> None:
    indicator = next((i for i in _indicators(turn) if i.id == indicator_id), None)
    org, year = turn.organisation, lookups.year(turn)
    if indicator is None or org is None or year is None:
        turn.say(STALE_MENU)
        return
    spec = indicator_specs(session=turn.session, organisation_id=ident(org), year=year)[
        indicator_id
    ]
    by_quarter = {}
    for quarter in (1, 2, 3, 4):
        period = get_period(
            session=turn.session, organisation_id=ident(org), year=year, quarter=quarter
        )
        if period and period.id:
            by_quarter[quarter] = current_reports(session=turn.session, period_id=period.id).get(
                indicator_id
            )
    past: list[tuple[int, Decimal]] = [
        (p.year, p.realisation)
        for p in turn.session.exec(
            select(PastRealisation)
            .where(PastRealisation.indicator_id == indicator_id)
            .order_by(col(PastRealisation.year))
        )
        if p.realisation is not None
    ]
    latest = max((q for q, r in by_quarter.items() if r is not None), default=4)
    title = gt.trend_title(indicator.code)
    chart = chart_data.trend_chart(
        spec, by_quarter, past, chart_data.meta(title, year, latest, lookups.read_at(turn))
    )
    send_chart(turn, chart, gt.trend_caption(indicator.code, indicator.name), year, latest)


def budget_chart(turn: Turn, kind: str) -> None:
    org, year = turn.organisation, lookups.year(turn)
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    if org is None or year is None or scope is None:
        turn.say(STALE_MENU)
        return
    quarter = lookups.default_quarter_for(turn, scope, year)
    figures = budget_figures(
        session=turn.session, organisation=org, year=year, quarter=quarter, kind=kind
    )
    title = gt.budget_title(kind)
    chart = chart_data.budget_chart(
        [(f.line.code, f.line.name, f.line.ceiling, f.spent) for f in figures],
        chart_data.meta(title, year, quarter, lookups.read_at(turn)),
    )
    send_chart(turn, chart, title, year, quarter)


def efficiency_chart(turn: Turn) -> None:
    org, year = turn.organisation, lookups.year(turn)
    scope = lookups.find_scope(turn, turn.data.get("scope", ""))
    if org is None or year is None or scope is None:
        turn.say(STALE_MENU)
        return
    quarter = lookups.default_quarter_for(turn, scope, year)
    summary = summarise(
        session=turn.session,
        organisation=org,
        year=year,
        quarter=quarter,
        scope=scope,
        now=turn.now,
    )
    rows = efficiency_rows(session=turn.session, organisation=org, summary=summary)
    title = gt.EFFICIENCY_TITLE
    chart = chart_data.efficiency_chart(
        [(result, figure.absorption) for result, figure in rows],
        chart_data.meta(title, year, quarter, lookups.read_at(turn)),
    )
    send_chart(turn, chart, title, year, quarter)


# --- buttons --------------------------------------------------------------------------


def _scope_chart(turn: Turn) -> None:
    capaian_chart(turn, turn.data.get("scope", ""), None)


def _trend_list(turn: Turn) -> None:
    choose_indicator(turn, 0)


def _program_chart(turn: Turn) -> None:
    budget_chart(turn, "program")


def _kegiatan_chart(turn: Turn) -> None:
    budget_chart(turn, "kegiatan")


CHARTS: dict[Kind, Callable[[Turn], None]] = {
    Kind.CAPAIAN: _scope_chart,
    Kind.TREN: _trend_list,
    Kind.ANGGARAN: _program_chart,
    Kind.KEGIATAN: _kegiatan_chart,
    Kind.EFISIENSI: efficiency_chart,
}


def choose_kind(turn: Turn, arg: str) -> None:
    CHARTS[Kind(arg)](turn)


def turn_page(turn: Turn, arg: str) -> None:
    choose_indicator(turn, int(arg))


def pick_indicator(turn: Turn, arg: str) -> None:
    trend_chart(turn, int(arg))


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="gr",
    commands=(Command("grafik", open_grafik, menu=gt.MENU, help=gt.HELP, rank=50),),
    steps=(
        Step(S.JENIS, presses=(Action(A.KIND, choose_kind, arg=one_of(*Kind)),)),
        Step(
            S.INDIKATOR,
            presses=(
                Action(PAGE, turn_page, arg=number),
                Action(A.INDICATOR, pick_indicator, arg=number),
            ),
        ),
    ),
    stray_text=leave_with(gt.USE_BUTTONS),
    stray_file=leave_with(gt.USE_BUTTONS),
)
