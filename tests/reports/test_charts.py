"""Charts: valid phone-sized PNGs, the right content (checked on the layouts), and rendering
off the event loop with a cache.

Content is asserted on the pure `*_layout` functions, which return exactly what the drawing
code draws, so the tests do not have to read pixels; the PNG tests check format and size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.text import Text

from sicapai.handlers.texts.grafik import NO_DATA
from sicapai.reports.charts import (
    CRITERION_COLOURS,
    DPI,
    LABEL_WIDTH,
    MAX_HEIGHT_PX,
    NOT_COMPUTABLE_COLOUR,
    OVER_CEILING_COLOUR,
    WIDTH_IN,
    BudgetBar,
    BudgetChart,
    CapaianBar,
    CapaianChart,
    Chart,
    EfficiencyChart,
    EmptyChart,
    TrendPoint,
    budget_bars_layout,
    capaian_bars_layout,
    chart_key,
    draw,
    efficiency_layout,
    format_rupiah_short,
    render_png,
    trend_layout,
    wrap_label,
)
from tests.support.charts import (
    EMPTY,
    META,
    NAMES,
    PNG_SIGNATURE,
    TEN_MB,
    D,
    budget,
    capaian,
    efficiency,
    png_size,
    trend,
)

# --- PNG format and size ---------------------------------------------------------------------

CAPAIAN_25 = capaian(25)
ALL_KINDS: dict[str, Chart] = {
    "capaian": CAPAIAN_25,
    "trend": trend(),
    "budget": budget(),
    "efficiency": efficiency(),
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """Each kind drawn once for the module (a 25-row chart takes about half a second)."""
    return {name: render_png(chart) for name, chart in ALL_KINDS.items()}


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_each_kind_renders_a_phone_sized_png(rendered: dict[str, bytes], kind: str) -> None:
    png = rendered[kind]
    assert png.startswith(PNG_SIGNATURE)
    width, height = png_size(png)
    assert 1000 <= width <= 1200
    assert height > 500
    assert len(png) < TEN_MB


def test_many_indicators_give_a_portrait_chart(rendered: dict[str, bytes]) -> None:
    width, height = png_size(rendered["capaian"])
    assert height > width
    assert len(rendered["capaian"]) < 1024 * 1024  # in practice ~150 KB


def test_height_grows_with_rows_but_stays_below_telegrams_photo_limit() -> None:
    def height_px(rows: int) -> float:
        figure = draw(capaian(rows))  # sized, not rendered: rendering 400 rows takes seconds
        return figure.get_figheight() * figure.dpi

    assert height_px(5) < height_px(25) < height_px(100)
    assert height_px(400) <= MAX_HEIGHT_PX
    assert WIDTH_IN * DPI + MAX_HEIGHT_PX <= 10_000


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_no_text_smaller_than_11_pt(kind: str) -> None:
    figure = draw(ALL_KINDS[kind])
    figure.canvas.draw()
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    assert min(t.get_fontsize() for t in texts) >= 11


def test_axes_use_indonesian_numbers() -> None:
    figure = draw(budget())
    figure.canvas.draw()
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert "Rp 0" in ticks
    assert any(tick.endswith(" M") and "," in tick for tick in ticks), ticks

    figure = draw(capaian(3))
    figure.canvas.draw()
    assert "100%" in [t.get_text() for t in figure.axes[0].get_xticklabels()]


# --- what the picture shows ------------------------------------------------------------------


def test_capaian_bars_carry_kriteria_colours_and_indonesian_labels() -> None:
    chart = CapaianChart(
        META,
        (
            CapaianBar("IK.01", NAMES[0], D("131.73"), "Sangat Tinggi"),
            CapaianBar("IK.02", NAMES[1], D("88.5"), "Tinggi"),
            CapaianBar("IK.03", NAMES[2], D("50.065"), "Sangat Rendah"),
            CapaianBar("IK.04", NAMES[3], None, None),
            CapaianBar("IK.05", NAMES[4], D("70"), None),  # kriteria derived from Tabel 3.1
        ),
    )
    bars = capaian_bars_layout(chart).bars
    assert [bar.value_label for bar in bars] == [
        "131,73%", "88,5%", "50,07%", "tidak dapat dihitung", "70%",
    ]  # fmt: skip
    assert bars[0].colour == CRITERION_COLOURS["Sangat Tinggi"] == "#1a9850"
    assert bars[1].colour == CRITERION_COLOURS["Tinggi"]
    assert bars[2].colour == CRITERION_COLOURS["Sangat Rendah"]
    assert bars[3].colour == NOT_COMPUTABLE_COLOUR and bars[3].value is None
    assert bars[4].criterion == "Sedang" and bars[4].colour == CRITERION_COLOURS["Sedang"]
    assert [bar.label.split()[0] for bar in bars] == [f"IK.0{i}" for i in range(1, 6)]
    assert len(set(CRITERION_COLOURS.values()) | {NOT_COMPUTABLE_COLOUR}) == 6


def test_capaian_legend_names_every_band_and_grey_only_when_needed() -> None:
    legend = capaian_bars_layout(capaian(3)).legend
    assert [entry.label for entry in legend] == [
        "Sangat Tinggi ≥ 91%", "Tinggi ≥ 76%", "Sedang ≥ 66%", "Rendah ≥ 51%",
        "Sangat Rendah < 51%",
    ]  # fmt: skip
    with_gap = CapaianChart(META, (*capaian(1).bars, CapaianBar("IK.09", "x", None, None)))
    assert capaian_bars_layout(with_gap).legend[-1].colour == NOT_COMPUTABLE_COLOUR


def test_unknown_kriteria_is_refused() -> None:
    chart = CapaianChart(META, (CapaianBar("IK.01", "x", D("90"), "Bagus"),))
    with pytest.raises(ValueError, match="Bagus"):
        capaian_bars_layout(chart)


def test_trend_shows_previous_years_then_quarters_with_targets() -> None:
    layout = trend_layout(trend())
    assert [c.label for c in layout.columns] == [
        "2023", "2024", "TW I\ntarget 40%", "TW II\ntarget 40%", "TW III\ntarget 40%", "TW IV",
    ]  # fmt: skip
    assert [c.value_label for c in layout.columns] == [
        "34,96%", "36,18%", "12,45%", "21,3%", "belum ada", "belum ada",
    ]  # fmt: skip
    assert [c.previous_year for c in layout.columns] == [True, True, False, False, False, False]
    assert layout.heading.startswith("IK.22 Persentase Perusahaan")
    assert [e.label for e in layout.legend] == [
        "Realisasi tahun sebelumnya", "Realisasi s.d. triwulan", "Target triwulan",
    ]  # fmt: skip


def test_trend_of_a_count_prints_plain_numbers() -> None:
    chart = dataclasses.replace(
        trend("Orang"),
        points=(TrendPoint("TW IV", D("1762"), D("1000")),),
        previous_years=(),
    )
    (column,) = trend_layout(chart).columns
    assert (column.label, column.value_label) == ("TW IV\ntarget 1.000", "1.762")
    assert "Realisasi tahun sebelumnya" not in [e.label for e in trend_layout(chart).legend]


def test_budget_shows_serapan_and_flags_spending_above_pagu() -> None:
    rows = budget_bars_layout(budget()).rows
    assert [row.value_label for row in rows] == ["86,36%", "51,73%", "102,18%", "belum ada"]
    assert rows[2].colour == OVER_CEILING_COLOUR and rows[0].colour != OVER_CEILING_COLOUR
    seed_total = BudgetChart(META, (BudgetBar("T", "Jumlah", D("12081204858"),
                                              D("10066484952")),))  # fmt: skip
    assert budget_bars_layout(seed_total).rows[0].value_label == "83,32%"


def test_efficiency_rows_lead_with_code_and_efisiensi() -> None:
    rows = efficiency_layout(efficiency()).rows
    assert rows[0].label.splitlines()[0] == "IK.01 · efisiensi +46,01 poin"  # Tabel 3.7
    assert (rows[0].achievement_label, rows[0].absorption_label) == ("131,71%", "85,7%")
    assert rows[1].efficiency_label == "−12,5 poin"
    assert rows[2].efficiency_label == "0 poin"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (D("1200000000"), "Rp 1,2 M"),
        (D("12081204858"), "Rp 12,1 M"),
        (D("350000000"), "Rp 350 jt"),
        (D("999960000"), "Rp 1 M"),
        (D("12500"), "Rp 12,5 rb"),
        (D("500"), "Rp 500"),
        (D("0"), "Rp 0"),
        (D("2500000000000"), "Rp 2,5 T"),
        (D("-1250000"), "-Rp 1,3 jt"),
    ],
)
def test_rupiah_short_form(amount: Decimal, shown: str) -> None:
    assert format_rupiah_short(amount) == shown


# --- wrapping --------------------------------------------------------------------------------


def test_long_names_wrap_under_the_code() -> None:
    label = wrap_label("IK.01", NAMES[0], max_lines=3)
    lines = label.splitlines()
    assert lines[0].startswith("IK.01 Persentase")
    assert len(lines) == 3
    assert all(len(line) <= LABEL_WIDTH for line in lines)
    assert wrap_label("IK.03", "Nilai SAKIP") == "IK.03 Nilai SAKIP"


@pytest.mark.parametrize(("rows", "max_lines"), [(5, 3), (25, 2), (60, 1)])
def test_row_labels_get_fewer_lines_on_long_charts(rows: int, max_lines: int) -> None:
    labels = [bar.label for bar in capaian_bars_layout(capaian(rows)).bars]
    assert max(len(label.splitlines()) for label in labels) == max_lines
    assert all(len(line) <= LABEL_WIDTH for label in labels for line in label.splitlines())


@given(
    code=st.from_regex(r"IK\.[0-9]{2}", fullmatch=True),
    name=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])),
    max_lines=st.integers(min_value=1, max_value=4),
)
def test_wrapped_labels_never_exceed_width_or_lines(code: str, name: str, max_lines: int) -> None:
    lines = wrap_label(code, name, max_lines=max_lines).splitlines()
    assert 1 <= len(lines) <= max_lines
    assert all(len(line) <= LABEL_WIDTH for line in lines)
    assert lines[0].startswith(code)


# --- nothing to draw -------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(EMPTY))
def test_nothing_to_draw_raises_empty_chart(case: str) -> None:
    with pytest.raises(EmptyChart) as caught:
        render_png(EMPTY[case])
    assert NO_DATA == "Belum ada data untuk digambar pada periode ini."  # what the person reads
    assert isinstance(caught.value, ValueError)


# --- the cache key ---------------------------------------------------------------------------


def _mutations(value: Any) -> Iterator[Any]:
    """Every copy of `value` that differs from it in exactly one leaf field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            for changed in _mutations(getattr(value, field.name)):
                yield dataclasses.replace(value, **{field.name: changed})
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            for changed in _mutations(item):
                yield (*value[:index], changed, *value[index + 1 :])
    elif isinstance(value, Decimal | int):
        yield value + 1
    elif isinstance(value, str):
        yield value + "x"
    elif value is None:
        yield D("1")


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_chart_key_is_stable_and_changes_with_any_value(kind: str) -> None:
    chart = ALL_KINDS[kind] if kind != "capaian" else capaian(4)
    key = chart_key(chart)
    assert len(key) == 64 and int(key, 16) >= 0
    assert chart_key(dataclasses.replace(chart)) == key  # an equal copy, an equal key
    mutated = list(_mutations(chart))
    assert len(mutated) > 8
    keys = {chart_key(other) for other in mutated}
    assert key not in keys
    assert len(keys) == len(mutated)


def test_chart_key_depends_on_the_chart_kind() -> None:
    assert chart_key(CapaianChart(META, ())) != chart_key(EfficiencyChart(META, ()))
