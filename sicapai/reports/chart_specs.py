"""What a chart shows, as plain data: the handlers build these, the renderer draws them.

Kept apart from `charts.py` so that building a chart's data (and its cache key) never
imports matplotlib: the CLI, the conversations and the chart workers' parent process start
without it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any, Final

# --- the input: built by the handlers ------------------------------------------------------


@dataclass(frozen=True)
class ChartMeta:
    """The header every chart carries: what, for which period, and when the data was read."""

    title: str
    period_label: str  # "TW IV 2025"
    read_at: str  # "29 November 2026 10.00 WITA"


@dataclass(frozen=True)
class CapaianBar:
    code: str
    name: str
    achievement: Decimal | None  # capaian in percent points; None when not computable
    criterion: str | None  # a `Criterion` value; derived from `achievement` when None


@dataclass(frozen=True)
class CapaianChart:
    """(a) Capaian per indicator, bars coloured by kriteria, a line at 100%."""

    meta: ChartMeta
    bars: tuple[CapaianBar, ...]


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "TW I" .. "TW IV"
    realisation: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class TrendChart:
    """(b) One indicator: realisasi per quarter against its targets, after previous years."""

    meta: ChartMeta
    code: str
    name: str
    unit_label: str  # "Persen", "Orang", "Nilai", ...
    points: tuple[TrendPoint, ...]
    previous_years: tuple[tuple[int, Decimal], ...]  # ((2023, 78.41), (2024, 80.15)), Tabel 3.4


@dataclass(frozen=True)
class BudgetBar:
    code: str
    name: str
    ceiling: Decimal  # pagu
    spent: Decimal | None  # realisasi anggaran


@dataclass(frozen=True)
class BudgetChart:
    """(c) Pagu against realisasi per program or kegiatan, serapan as the labels."""

    meta: ChartMeta
    bars: tuple[BudgetBar, ...]


@dataclass(frozen=True)
class EfficiencyPoint:
    code: str
    name: str
    achievement: Decimal  # capaian kinerja, percent points
    absorption: Decimal  # serapan anggaran, percent points


@dataclass(frozen=True)
class EfficiencyChart:
    """(d) Capaian kinerja against serapan anggaran per indicator (Tabel 3.7)."""

    meta: ChartMeta
    points: tuple[EfficiencyPoint, ...]


Chart = CapaianChart | TrendChart | BudgetChart | EfficiencyChart


class EmptyChart(ValueError):
    """Nothing to draw: the person is told so (`handlers.texts.grafik.NO_DATA`) instead of
    being sent an empty picture."""

    def __init__(self, detail: str = "nothing to draw") -> None:  # args survive pickling
        super().__init__(detail)


# --- the cache key --------------------------------------------------------------------------


def chart_key(chart: Chart) -> str:
    """A stable sha256 of the chart's whole content: equal data, equal key; any change, new key."""
    text = json.dumps(_plain(chart), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        content = {field.name: _plain(getattr(value, field.name)) for field in fields(value)}
        return {"type": type(value).__name__, "fields": content}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in chart data")


# --- drawing --------------------------------------------------------------------------------


_CHART_TYPES: Final = {
    cls.__name__: cls
    for cls in (
        ChartMeta,
        CapaianBar,
        CapaianChart,
        TrendPoint,
        TrendChart,
        BudgetBar,
        BudgetChart,
        EfficiencyPoint,
        EfficiencyChart,
    )
}


def chart_to_plain(chart: Chart) -> object:
    """The chart as JSON-ready data (kept with a turn's replies, to be drawn again)."""
    return _plain(chart)


def chart_from_plain(data: object) -> Chart:
    """The inverse of `chart_to_plain`."""
    chart = _from_plain(data)
    if not isinstance(chart, CapaianChart | TrendChart | BudgetChart | EfficiencyChart):
        raise ValueError("not a chart")
    return chart


def _from_plain(data: object) -> object:
    """Rebuild dataclasses and decimals; lists come back as the tuples the dataclasses hold."""
    if isinstance(data, dict) and "type" in data and "fields" in data:
        cls = _CHART_TYPES[str(data["type"])]
        values: dict[str, Any] = {
            str(name): _from_plain(value) for name, value in dict(data["fields"]).items()
        }
        return cls(**values)
    if isinstance(data, dict) and "decimal" in data:
        return Decimal(str(data["decimal"]))
    if isinstance(data, list):
        return tuple(_from_plain(item) for item in data)
    return data
