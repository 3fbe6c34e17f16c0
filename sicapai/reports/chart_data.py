"""From summaries to chart inputs: the data handed to the renderer, kept pure and testable."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sicapai.reports.chart_specs import (
    BudgetBar,
    BudgetChart,
    CapaianBar,
    CapaianChart,
    ChartMeta,
    EfficiencyChart,
    EfficiencyPoint,
    TrendChart,
    TrendPoint,
)
from sicapai.reports.periods import quarter_name
from sicapai.reports.summary import IndicatorResult, IndicatorSpec, Reported, evaluate


def meta(title: str, year: int, quarter: int, read_at: str) -> ChartMeta:
    return ChartMeta(title=title, period_label=f"{quarter_name(quarter)} {year}", read_at=read_at)


def capaian_chart(results: Sequence[IndicatorResult], chart_meta: ChartMeta) -> CapaianChart:
    return CapaianChart(
        meta=chart_meta,
        bars=tuple(
            CapaianBar(
                r.spec.code,
                r.spec.name,
                r.achievement.value,
                str(r.criterion) if r.criterion else None,
            )
            for r in results
            if r.due
        ),
    )


def trend_chart(
    spec: IndicatorSpec,
    by_quarter: dict[int, Reported | None],
    previous_years: Sequence[tuple[int, Decimal]],
    chart_meta: ChartMeta,
) -> TrendChart:
    points = []
    for quarter in (1, 2, 3, 4):
        result = evaluate(spec, quarter, by_quarter.get(quarter))
        points.append(TrendPoint(quarter_name(quarter), result.realisation.value, result.target))
    return TrendChart(
        meta=chart_meta,
        code=spec.code,
        name=spec.name,
        unit_label=spec.unit_label,
        points=tuple(points),
        previous_years=tuple(previous_years),
    )


def budget_chart(
    rows: Sequence[tuple[str, str, Decimal, Decimal | None]], chart_meta: ChartMeta
) -> BudgetChart:
    """rows: (code, name, pagu, realisasi)."""
    return BudgetChart(
        meta=chart_meta,
        bars=tuple(BudgetBar(code, name, ceiling, spent) for code, name, ceiling, spent in rows),
    )


def efficiency_chart(
    rows: Sequence[tuple[IndicatorResult, Decimal | None]], chart_meta: ChartMeta
) -> EfficiencyChart:
    """rows: (indicator result, serapan of its budget line)."""
    return EfficiencyChart(
        meta=chart_meta,
        points=tuple(
            EfficiencyPoint(r.spec.code, r.spec.name, r.achievement.value, absorbed)
            for r, absorbed in rows
            if r.achievement.value is not None and absorbed is not None
        ),
    )
