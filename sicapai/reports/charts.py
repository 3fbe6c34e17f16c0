"""Charts for the quarterly report, drawn as PNG bytes that read well on a phone.

Why it is built this way:

* Pure: frozen dataclasses in, PNG bytes out. No database, no chat, no clock; the handler
  gathers the figures and the strings ("TW IV 2025", "Data dibaca …"), this module only draws.
  That keeps a chart cacheable by its data (`chart_key`) and renderable in another process.
* matplotlib's Figure API only, never pyplot: pyplot keeps a global registry of open figures and
  a global backend, which leaks memory and races when the bot renders in worker threads. For the
  same reason no style goes through `rcParams`; every artist gets its sizes and colours directly.
* Each chart kind is split into a pure `*_layout` function, which returns exactly the labels,
  values and colours that will be drawn, and a small drawing function. Tests check the picture's
  content on the layout, without reading pixels.
* Phones: portrait, 1080 px wide (7.2 in at 150 dpi), text at 11 pt or more, long Indonesian
  indicator names wrapped to a short label under the code, numbers printed the Indonesian way
  through `numbers` (half up, "131,73%", "Rp 1,2 M"). Charts with many rows grow in height; the
  height is capped below Telegram's photo limit (width + height <= 10000 px), so a PNG stays
  around 100-300 KB, far below the 10 MB photo limit.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any, Final, Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from sicapai.reports.capaian import CRITERION_BOUNDS, Criterion, absorption, efficiency
from sicapai.reports.capaian import criterion as criterion_of
from sicapai.reports.chart_specs import (
    BudgetBar,
    BudgetChart,
    CapaianBar,
    CapaianChart,
    Chart,
    ChartMeta,
    EfficiencyChart,
    EfficiencyPoint,
    EmptyChart,
    TrendChart,
    TrendPoint,
    chart_key,
)
from sicapai.reports.numbers import chat_number, chat_percent, round_half_up

__all__ = [
    "CRITERION_COLOURS",
    "LABEL_WIDTH",
    "MAX_HEIGHT_PX",
    "NOT_COMPUTABLE_COLOUR",
    "BarSpec",
    "BudgetBar",
    "BudgetChart",
    "BudgetLayout",
    "BudgetRow",
    "CapaianBar",
    "CapaianChart",
    "CapaianLayout",
    "Chart",
    "ChartMeta",
    "EfficiencyChart",
    "EfficiencyLayout",
    "EfficiencyPoint",
    "EfficiencyRow",
    "EmptyChart",
    "LegendEntry",
    "TrendChart",
    "TrendColumn",
    "TrendLayout",
    "TrendPoint",
    "budget_bars_layout",
    "capaian_bars_layout",
    "chart_key",
    "draw",
    "efficiency_layout",
    "format_rupiah_short",
    "label_lines",
    "render_png",
    "trend_layout",
    "wrap_label",
]

# --- the look: one place for sizes and colours ----------------------------------------------

DPI: Final = 150
WIDTH_IN: Final = 7.2  # 1080 px
FONT_PT: Final = 11.0  # the smallest text on any chart
TITLE_PT: Final = 15.0
SUBTITLE_PT: Final = 11.5
HEADING_PT: Final = 12.0
LINE_FACTOR: Final = 1.4  # a text line's height per point of font size (DejaVu, spacing 1.2)
MAX_HEIGHT_PX: Final = 8400  # Telegram photos: width + height <= 10000 px
MAX_HEIGHT_IN: Final = MAX_HEIGHT_PX / DPI
TREND_BODY_IN: Final = 6.4

LABEL_WIDTH: Final = 30  # characters per line of a row label, at 11 pt about 2.6 in
TITLE_WIDTH: Final = 46
SUBTITLE_WIDTH: Final = 70
HEADING_WIDTH: Final = 62

LABEL_LINE_IN: Final = FONT_PT * LINE_FACTOR / 72
ROW_GAP_IN: Final = 0.12
HBAR_AXES_EXTRA_IN: Final = 1.0  # tick labels above and below the rows, and padding
HEADER_ALLOWANCE_IN: Final = 2.6  # a generous header, for deciding how many lines fit

TEXT_COLOUR: Final = "#222222"
MUTED_COLOUR: Final = "#555555"
GRID_COLOUR: Final = "#e3e3e3"
REFERENCE_COLOUR: Final = "#333333"
PERFORMANCE_COLOUR: Final = "#2c7fb8"
MONEY_COLOUR: Final = "#7b5ea7"
CEILING_COLOUR: Final = "#d9d9d9"
OVER_CEILING_COLOUR: Final = "#d62728"
PREVIOUS_YEAR_COLOUR: Final = "#a6bddb"
TARGET_COLOUR: Final = "#e6550d"

CRITERION_COLOURS: Final[dict[str, str]] = {
    Criterion.VERY_HIGH: "#1a9850",  # green
    Criterion.HIGH: "#2c7fb8",  # blue
    Criterion.MEDIUM: "#f2c80f",  # yellow
    Criterion.LOW: "#f28e2b",  # orange
    Criterion.VERY_LOW: "#d62728",  # red
}
NOT_COMPUTABLE_COLOUR: Final = "#9e9e9e"
NOT_COMPUTABLE_TEXT: Final = "tidak dapat dihitung"
NOT_REPORTED_TEXT: Final = "belum ada"


# --- what gets drawn: pure layouts ----------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    style: Literal["bar", "line", "dashed"] = "bar"


@dataclass(frozen=True)
class BarSpec:
    """One row of the capaian chart as it will be drawn."""

    label: str  # the wrapped row label, lines joined by "\n"
    value: Decimal | None  # bar length; None draws no bar, only `value_label`
    value_label: str  # "131,73%" or "tidak dapat dihitung"
    colour: str
    criterion: str | None


@dataclass(frozen=True)
class CapaianLayout:
    bars: tuple[BarSpec, ...]
    legend: tuple[LegendEntry, ...]


@dataclass(frozen=True)
class TrendColumn:
    """One column of the trend chart: a previous year or a quarter."""

    label: str  # the x tick label, e.g. "2024" or "TW II\ntarget 38%"
    value: Decimal | None
    value_label: str
    colour: str
    target: Decimal | None
    previous_year: bool


@dataclass(frozen=True)
class TrendLayout:
    heading: str  # the wrapped "IK.01 Persentase …" line under the subtitle
    columns: tuple[TrendColumn, ...]
    legend: tuple[LegendEntry, ...]
    unit_label: str
    percent: bool


@dataclass(frozen=True)
class BudgetRow:
    label: str
    ceiling: Decimal
    spent: Decimal | None
    absorption: Decimal | None  # serapan, percent points
    value_label: str  # "83,32%"
    colour: str  # of the realisasi bar


@dataclass(frozen=True)
class BudgetLayout:
    rows: tuple[BudgetRow, ...]
    legend: tuple[LegendEntry, ...]


@dataclass(frozen=True)
class EfficiencyRow:
    label: str  # "IK.01 · efisiensi +46,01 poin\nPersentase …"
    achievement: Decimal
    achievement_label: str
    absorption: Decimal
    absorption_label: str
    efficiency: Decimal
    efficiency_label: str  # "+46,01 poin"


@dataclass(frozen=True)
class EfficiencyLayout:
    rows: tuple[EfficiencyRow, ...]
    legend: tuple[LegendEntry, ...]
    note: str


def wrap_label(code: str, name: str, *, width: int = LABEL_WIDTH, max_lines: int = 2) -> str:
    """The indicator code and as much of its name as fits `max_lines` lines of `width` chars."""
    text = " ".join(f"{code} {name}".split())
    return _wrap(text, width, max_lines)


def label_lines(rows: int, *, minimum_row_lines: int = 1) -> int:
    """How many lines a row label gets: long names in full on short charts, shorter on long ones.

    The chart must also stay under the height cap, so very long charts get one line per name.
    """
    lines = 3 if rows <= 12 else 2 if rows <= 40 else 1
    while lines > 1 and _hbar_height_in(rows, max(lines, minimum_row_lines)) > MAX_HEIGHT_IN:
        lines -= 1
    return lines


def capaian_bars_layout(chart: CapaianChart) -> CapaianLayout:
    """The capaian chart's rows: label, bar length, "131,73%" and the kriteria colour."""
    if not any(bar.achievement is not None for bar in chart.bars):
        raise EmptyChart()
    lines = label_lines(len(chart.bars))
    specs = []
    for bar in chart.bars:
        band: str | None = None
        if bar.achievement is None:
            value_label, colour = NOT_COMPUTABLE_TEXT, NOT_COMPUTABLE_COLOUR
        else:
            band = _band(bar.code, bar.achievement, bar.criterion)
            value_label, colour = chat_percent(bar.achievement), CRITERION_COLOURS[band]
        specs.append(
            BarSpec(
                label=wrap_label(bar.code, bar.name, max_lines=lines),
                value=bar.achievement,
                value_label=value_label,
                colour=colour,
                criterion=band,
            )
        )
    legend = [LegendEntry(text, CRITERION_COLOURS[band]) for band, text in _criterion_legend()]
    if any(bar.achievement is None for bar in chart.bars):
        legend.append(LegendEntry(NOT_COMPUTABLE_TEXT.capitalize(), NOT_COMPUTABLE_COLOUR))
    return CapaianLayout(tuple(specs), tuple(legend))


def trend_layout(chart: TrendChart) -> TrendLayout:
    """Previous years first, then the quarters with their targets under the quarter's name."""
    if not chart.previous_years and all(p.realisation is None for p in chart.points):
        raise EmptyChart()
    percent = chart.unit_label.strip().lower() in {"persen", "%"}
    show = chat_percent if percent else chat_number
    columns = [
        TrendColumn(str(year), value, show(value), PREVIOUS_YEAR_COLOUR, None, True)
        for year, value in chart.previous_years
    ]
    for point in chart.points:
        label = point.label
        if point.target is not None:
            label += f"\ntarget {show(point.target)}"
        shown = NOT_REPORTED_TEXT if point.realisation is None else show(point.realisation)
        columns.append(
            TrendColumn(label, point.realisation, shown, PERFORMANCE_COLOUR, point.target, False)
        )
    legend = []
    if chart.previous_years:
        legend.append(LegendEntry("Realisasi tahun sebelumnya", PREVIOUS_YEAR_COLOUR))
    legend.append(LegendEntry("Realisasi s.d. triwulan", PERFORMANCE_COLOUR))
    if any(p.target is not None for p in chart.points):
        legend.append(LegendEntry("Target triwulan", TARGET_COLOUR, "dashed"))
    heading = _wrap(" ".join(f"{chart.code} {chart.name}".split()), HEADING_WIDTH, 3)
    return TrendLayout(heading, tuple(columns), tuple(legend), chart.unit_label, percent)


def budget_bars_layout(chart: BudgetChart) -> BudgetLayout:
    """Pagu and realisasi per row, serapan as the label; spending above pagu shows in red."""
    if not any(bar.spent is not None for bar in chart.bars):
        raise EmptyChart()
    lines = label_lines(len(chart.bars))
    rows = []
    for bar in chart.bars:
        rate = absorption(bar.spent, bar.ceiling)
        if bar.spent is None:
            value_label = NOT_REPORTED_TEXT
        elif rate is None:
            value_label = "pagu 0"
        else:
            value_label = chat_percent(rate)
        over = bar.spent is not None and bar.spent > bar.ceiling
        rows.append(
            BudgetRow(
                label=wrap_label(bar.code, bar.name, max_lines=lines),
                ceiling=bar.ceiling,
                spent=bar.spent,
                absorption=rate,
                value_label=value_label,
                colour=OVER_CEILING_COLOUR if over else MONEY_COLOUR,
            )
        )
    legend = [LegendEntry("Pagu", CEILING_COLOUR), LegendEntry("Realisasi", MONEY_COLOUR)]
    if any(row.colour == OVER_CEILING_COLOUR for row in rows):
        legend.append(LegendEntry("Realisasi melebihi pagu", OVER_CEILING_COLOUR))
    return BudgetLayout(tuple(rows), tuple(legend))


def efficiency_layout(chart: EfficiencyChart) -> EfficiencyLayout:
    """Capaian and serapan side by side; each row's label leads with its code and efisiensi."""
    if not chart.points:
        raise EmptyChart()
    name_lines = max(1, label_lines(len(chart.points), minimum_row_lines=2) - 1)
    rows = []
    for point in chart.points:
        gap = efficiency(point.achievement, point.absorption)
        assert gap is not None  # both values are required by the type
        gap_label = f"{_signed(gap)} poin"
        first = _wrap(f"{point.code} · efisiensi {gap_label}", LABEL_WIDTH, 1)
        rest = _wrap(" ".join(point.name.split()), LABEL_WIDTH, name_lines)
        rows.append(
            EfficiencyRow(
                label=f"{first}\n{rest}" if rest else first,
                achievement=point.achievement,
                achievement_label=chat_percent(point.achievement),
                absorption=point.absorption,
                absorption_label=chat_percent(point.absorption),
                efficiency=gap,
                efficiency_label=gap_label,
            )
        )
    legend = (
        LegendEntry("Capaian kinerja", PERFORMANCE_COLOUR),
        LegendEntry("Serapan anggaran", MONEY_COLOUR),
    )
    note = "Efisiensi = capaian kinerja − serapan anggaran (poin persen)"
    return EfficiencyLayout(tuple(rows), legend, note)


def format_rupiah_short(value: Decimal | int, places: int = 1) -> str:
    """Rupiah in the short form of axes: "Rp 1,2 M" (miliar), "Rp 350 jt" (juta), "Rp 12 rb"."""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = amount.copy_abs()
    for index, (size, suffix) in enumerate(_RUPIAH_UNITS):
        scaled = round_half_up(amount / size, places)
        if scaled < 1:
            continue
        if scaled >= 1000 and index > 0:  # 999,96 jt rounds up to "1 M", not "1.000 jt"
            size, suffix = _RUPIAH_UNITS[index - 1]
            scaled = round_half_up(amount / size, places)
        return f"{sign}Rp {chat_number(scaled)} {suffix}"
    return f"{sign}Rp {chat_number(round_half_up(amount, 0))}"


_RUPIAH_UNITS: Final = ((10**12, "T"), (10**9, "M"), (10**6, "jt"), (10**3, "rb"))


def render_png(chart: Chart) -> bytes:
    """Draw `chart` as PNG bytes; raises EmptyChart when there is nothing to draw."""
    figure = draw(chart)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas is unannotated
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)  # type: ignore[no-untyped-call]
    # A chart has a handful of flat colours: a 256-colour palette without dithering looks the
    # same and makes the PNG about 2.5 times smaller than matplotlib's RGBA output.
    palette = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    buffer = BytesIO()
    palette.save(buffer, format="png")
    return buffer.getvalue()


def _draw_capaian(chart: CapaianChart) -> Figure:
    layout = capaian_bars_layout(chart)
    values = [float(bar.value) for bar in layout.bars if bar.value is not None]
    labels = [bar.label for bar in layout.bars]
    figure, ax, height = _hbar_figure(chart.meta, layout.legend, labels)
    for row, bar in enumerate(layout.bars):
        if bar.value is None:
            _value_label(ax, 0.0, row, bar.value_label, colour=MUTED_COLOUR, italic=True)
            continue
        ax.barh(row, float(bar.value), height=height, color=bar.colour, edgecolor="#00000033")
        _value_label(ax, float(bar.value), row, bar.value_label)
    ax.axvline(100, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2, zorder=3)
    _set_value_limits(ax, [*values, 100.0])
    _percent_axis(ax, "x")
    ax.set_xlabel("Capaian (%)", fontsize=FONT_PT, color=TEXT_COLOUR)
    return figure


def _draw_trend(chart: TrendChart) -> Figure:
    layout = trend_layout(chart)
    figure, _ = _figure(chart.meta, layout.legend, TREND_BODY_IN, heading=layout.heading)
    ax = figure.add_subplot()
    _style_axes(ax, grid="y")
    positions = range(len(layout.columns))
    for x, column in zip(positions, layout.columns, strict=True):
        if column.value is None:
            _value_label(ax, x, 0.0, column.value_label, colour=MUTED_COLOUR, vertical=True)
            continue
        ax.bar(x, float(column.value), width=0.62, color=column.colour, edgecolor="#00000033")
        _value_label(ax, x, float(column.value), column.value_label, vertical=True)
    targets = [math.nan if c.target is None else float(c.target) for c in layout.columns]
    if any(not math.isnan(t) for t in targets):
        ax.plot(
            list(positions), targets, color=TARGET_COLOUR, linestyle="--", linewidth=2,
            marker="D", markersize=7, zorder=4,
        )  # fmt: skip
    previous = sum(column.previous_year for column in layout.columns)
    if 0 < previous < len(layout.columns):
        ax.axvline(previous - 0.5, color=MUTED_COLOUR, linestyle=":", linewidth=1.2)
    ax.set_xticks(list(positions), labels=[c.label for c in layout.columns], fontsize=FONT_PT)
    ax.set_xlim(-0.6, len(layout.columns) - 0.4)
    drawn = [float(c.value) for c in layout.columns if c.value is not None]
    _set_value_limits(ax, drawn + [t for t in targets if not math.isnan(t)], axis="y")
    if layout.percent:
        _percent_axis(ax, "y")
    else:
        _number_axis(ax, "y", chat_number)
    ax.set_ylabel(layout.unit_label, fontsize=FONT_PT, color=TEXT_COLOUR)
    return figure


def _draw_budget(chart: BudgetChart) -> Figure:
    layout = budget_bars_layout(chart)
    labels = [row.label for row in layout.rows]
    figure, ax, height = _hbar_figure(chart.meta, layout.legend, labels)
    ends = []
    for index, row in enumerate(layout.rows):
        ceiling = float(row.ceiling)
        ax.barh(index, ceiling, height=height, color=CEILING_COLOUR, edgecolor="#00000022")
        end = ceiling
        if row.spent is not None:
            spent = float(row.spent)
            ax.barh(index, spent, height=height * 0.55, color=row.colour, zorder=3)
            end = max(end, spent)
        muted = row.spent is None or row.absorption is None
        _value_label(
            ax, end, index, row.value_label, colour=MUTED_COLOUR if muted else TEXT_COLOUR,
            italic=muted,
        )  # fmt: skip
        ends.append(end)
    _set_value_limits(ax, ends, room=1.3)
    _number_axis(ax, "x", format_rupiah_short, bins=4)
    ax.set_xlabel("Rupiah (jt = juta, M = miliar)", fontsize=FONT_PT, color=TEXT_COLOUR)
    return figure


def _draw_efficiency(chart: EfficiencyChart) -> Figure:
    layout = efficiency_layout(chart)
    labels = [row.label for row in layout.rows]
    figure, ax, height = _hbar_figure(
        chart.meta, layout.legend, labels, bars_per_row=2, heading=layout.note
    )
    offset = height / 2 + 0.02
    values = []
    for index, row in enumerate(layout.rows):
        pairs = (
            (index - offset, row.achievement, row.achievement_label, PERFORMANCE_COLOUR),
            (index + offset, row.absorption, row.absorption_label, MONEY_COLOUR),
        )
        for y, value, text, colour in pairs:
            ax.barh(y, float(value), height=height, color=colour, edgecolor="#00000033")
            _value_label(ax, float(value), y, text)
            values.append(float(value))
    ax.axvline(100, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2, zorder=3)
    _set_value_limits(ax, [*values, 100.0])
    _percent_axis(ax, "x")
    ax.set_xlabel("Persen", fontsize=FONT_PT, color=TEXT_COLOUR)
    return figure


_DRAWERS: Final[dict[type, Callable[[Any], Figure]]] = {
    CapaianChart: _draw_capaian,
    TrendChart: _draw_trend,
    BudgetChart: _draw_budget,
    EfficiencyChart: _draw_efficiency,
}


def draw(chart: Chart) -> Figure:
    """The chart as a matplotlib Figure (not yet rendered): for tests and other output formats."""
    drawer = _DRAWERS.get(type(chart))
    if drawer is None:
        raise TypeError(f"not a chart: {type(chart).__name__}")
    return drawer(chart)


# --- shared parts: header, figure size, axes, labels ----------------------------------------


def _figure(
    meta: ChartMeta, legend: Sequence[LegendEntry], body_in: float, *, heading: str = ""
) -> tuple[Figure, float]:
    """A figure with the meta header and legend on top, and the body height left for one axes.

    The header is placed by hand (its size is known from its lines); the axes area below it is
    laid out by matplotlib's constrained layout, which measures the tick labels.
    """
    title = _wrap(meta.title, TITLE_WIDTH, 2)
    subtitle = _wrap(f"{meta.period_label} · Data dibaca {meta.read_at}", SUBTITLE_WIDTH, 2)
    columns = 3 if max(len(entry.label) for entry in legend) <= 20 else 2
    legend_rows = math.ceil(len(legend) / columns)
    parts: list[tuple[str, float, str, str]] = [
        (title, TITLE_PT, "bold", TEXT_COLOUR),
        (subtitle, SUBTITLE_PT, "normal", MUTED_COLOUR),
    ]
    if heading:
        parts.append((heading, HEADING_PT, "bold", TEXT_COLOUR))
    header_in = 0.2 + 0.08 * (len(parts) - 1) + 0.14 + legend_rows * 0.28 + 0.1
    header_in += sum(_lines(text) * size * LINE_FACTOR / 72 for text, size, _, _ in parts)
    height_in = min(header_in + body_in, MAX_HEIGHT_IN)

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    left = 0.3 / WIDTH_IN
    top_in = 0.2
    for text, size, weight, colour in parts:
        figure.text(
            left, 1 - top_in / height_in, text, fontsize=size, fontweight=weight, color=colour,
            ha="left", va="top", linespacing=1.2,
        )  # fmt: skip
        top_in += _lines(text) * size * LINE_FACTOR / 72 + 0.08
    top_in += 0.06
    handles = [_legend_handle(entry) for entry in legend]
    artist = figure.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(left, 1 - top_in / height_in),
        ncol=columns, fontsize=FONT_PT, frameon=False, borderaxespad=0, borderpad=0,
        handlelength=1.8, handleheight=1.0, columnspacing=1.4, labelcolor=TEXT_COLOUR,
    )  # fmt: skip
    artist.set_in_layout(False)
    figure.set_layout_engine(
        ConstrainedLayoutEngine(rect=(0, 0, 1, 1 - header_in / height_in), w_pad=0.12, h_pad=0.1)
    )
    return figure, height_in - header_in


def _hbar_figure(
    meta: ChartMeta,
    legend: Sequence[LegendEntry],
    labels: Sequence[str],
    *,
    bars_per_row: int = 1,
    heading: str = "",
) -> tuple[Figure, Axes, float]:
    """A figure whose height grows with its rows, labels on the left, values read across.

    Also returns the bar thickness in row units, so that a bar is about 0.25 in thick whatever
    the row height (thin bars look lost between three-line labels, fat ones look like blocks).
    """
    lines = max(_lines(label) for label in labels)
    body_in = _hbar_height_in(len(labels), lines, bars_per_row) - HEADER_ALLOWANCE_IN
    figure, actual_body_in = _figure(meta, legend, body_in, heading=heading)
    row_in = max(actual_body_in - HBAR_AXES_EXTRA_IN, 0.1) / len(labels)
    thickness = min(0.34, 0.2 / row_in) if bars_per_row > 1 else min(0.7, 0.25 / row_in)
    ax = figure.add_subplot()
    _style_axes(ax, grid="x")
    ax.set_yticks(range(len(labels)), labels=list(labels), fontsize=FONT_PT, color=TEXT_COLOUR)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top
    ax.tick_params(axis="y", length=0, pad=6)
    # Long charts are scrolled on a phone: repeat the scale on top, next to the legend.
    ax.tick_params(axis="x", top=len(labels) > 8, labeltop=len(labels) > 8)
    return figure, ax, thickness


def _hbar_height_in(rows: int, lines: int, bars_per_row: int = 1) -> float:
    """Figure height for `rows` rows of `lines`-line labels, with a generous header."""
    row_in = max(lines * LABEL_LINE_IN, bars_per_row * 0.24) + ROW_GAP_IN
    return HEADER_ALLOWANCE_IN + rows * row_in + HBAR_AXES_EXTRA_IN


def _style_axes(ax: Axes, *, grid: Literal["x", "y"]) -> None:
    ax.set_axisbelow(True)
    ax.grid(axis=grid, color=GRID_COLOUR, linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom" if grid == "x" else "left"].set_visible(False)
    ax.tick_params(labelsize=FONT_PT, colors=TEXT_COLOUR)


def _value_label(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    colour: str = TEXT_COLOUR,
    italic: bool = False,
    vertical: bool = False,
) -> None:
    """The figure printed at the end of a bar (right of it, or above a column)."""
    if vertical:
        offset, ha, va = (0, 4 if y >= 0 else -4), "center", "bottom" if y >= 0 else "top"
    else:
        offset, ha, va = (5 if x >= 0 else -5, 0), "left" if x >= 0 else "right", "center"
    ax.annotate(
        text, (x, y), xytext=offset, textcoords="offset points", ha=ha, va=va,
        fontsize=FONT_PT, color=colour, fontstyle="italic" if italic else "normal", zorder=5,
        bbox={"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},  # keeps the label readable where it crosses the 100% line
    )  # fmt: skip


def _set_value_limits(
    ax: Axes, values: Sequence[float], *, axis: Literal["x", "y"] = "x", room: float = 1.2
) -> None:
    """Start at zero and leave room after the longest bar for its printed value."""
    high = max([0.0, *values]) * room or 1.0
    low = min([0.0, *values]) * room
    (ax.set_xlim if axis == "x" else ax.set_ylim)(low, high)


def _percent_axis(ax: Axes, axis: Literal["x", "y"]) -> None:
    _number_axis(ax, axis, chat_percent)


def _number_axis(
    ax: Axes, axis: Literal["x", "y"], show: Callable[[Decimal], str], *, bins: int = 5
) -> None:
    """Indonesian tick labels ("1.762", "50%", "Rp 1,2 M") on round steps."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]))
    target.set_major_formatter(FuncFormatter(lambda value, _pos: show(_tick_decimal(value))))


def _tick_decimal(value: float) -> Decimal:
    # Tick positions are floats by nature; str() gives the shortest exact-looking spelling.
    return Decimal(str(float(value)))


def _legend_handle(entry: LegendEntry) -> Artist:
    if entry.style == "bar":
        return Patch(facecolor=entry.colour, edgecolor="#00000033", label=entry.label)
    return Line2D(
        [], [], color=entry.colour, linewidth=2, label=entry.label,
        linestyle="--" if entry.style == "dashed" else "-",
        marker="D" if entry.style == "dashed" else "o", markersize=6,
    )  # fmt: skip


def _criterion_legend() -> list[tuple[Criterion, str]]:
    """Legend texts from Tabel 3.1's bounds, so the legend cannot drift from the rule."""
    entries = [(band, f"{band} ≥ {chat_number(bound)}%") for bound, band in CRITERION_BOUNDS]
    lowest = CRITERION_BOUNDS[-1][0]
    entries.append((Criterion.VERY_LOW, f"{Criterion.VERY_LOW} < {chat_number(lowest)}%"))
    return entries


def _band(code: str, achieved: Decimal, given: str | None) -> str:
    """The kriteria to colour by: the given one, checked, or Tabel 3.1's when none is given."""
    if given is None:
        return str(criterion_of(achieved))
    if given not in CRITERION_COLOURS:
        raise ValueError(f"unknown kriteria {given!r} for {code}")
    return given


def _signed(value: Decimal) -> str:
    shown = chat_number(value.copy_abs())
    if round_half_up(value) == 0:
        return shown
    return ("+" if value > 0 else "−") + shown


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(
        text, width=width, max_lines=max_lines, placeholder=" …", break_on_hyphens=False
    )
    return "\n".join(lines)


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0
