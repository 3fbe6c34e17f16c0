"""The LKjIP arithmetic: realisasi, capaian, kriteria and quarterly targets, on Decimal.

Pure functions only, so a reviewer can check each formula against the report without reading
a handler or a query. Values keep full precision until they are shown; `round2` rounds half
up exactly as the report does (never via float, never half-even).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from sicapai.reports.domain import Frequency, Kind, NegativeFormula, Polarity
from sicapai.reports.numbers import round_half_up

HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    """Two decimals, half up (50.065 -> 50.07), as the report prints them."""
    return round_half_up(value, 2)


class Criterion(StrEnum):
    """Tabel 3.1 bands, applied by lower bound so that 90.5 is not left in a gap."""

    VERY_HIGH = "Sangat Tinggi"
    HIGH = "Tinggi"
    MEDIUM = "Sedang"
    LOW = "Rendah"
    VERY_LOW = "Sangat Rendah"


CRITERION_BOUNDS: tuple[tuple[Decimal, Criterion], ...] = (
    (Decimal(91), Criterion.VERY_HIGH),
    (Decimal(76), Criterion.HIGH),
    (Decimal(66), Criterion.MEDIUM),
    (Decimal(51), Criterion.LOW),
)


class Uncomputable(StrEnum):
    """Why a figure cannot be computed; `handlers.texts.capaian.uncomputable` words it."""

    NO_PARTS = "pembilang_penyebut_kosong"
    ZERO_DENOMINATOR = "penyebut_nol"
    NO_VALUE = "nilai_kosong"
    NO_REALISATION = "realisasi_kosong"
    NO_TARGET = "target_kosong"
    ZERO_TARGET = "target_nol"
    ZERO_ON_NEGATIVE = "realisasi_nol_negatif"
    NOT_REPORTED = "belum_dilaporkan"


@dataclass(frozen=True)
class Outcome:
    """A computed figure, or why it cannot be computed."""

    value: Decimal | None
    why: Uncomputable | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def realisation(
    kind: str,
    *,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    value: Decimal | None = None,
) -> Outcome:
    """Realisasi from what was reported: n / d x 100 for a ratio, the figure itself otherwise."""
    if kind == Kind.RATIO:
        if numerator is None or denominator is None:
            if value is not None:  # only the percentage is known (imported or old data)
                return Outcome(value)
            return Outcome(None, Uncomputable.NO_PARTS)
        if denominator == 0:
            return Outcome(None, Uncomputable.ZERO_DENOMINATOR)
        return Outcome(numerator / denominator * HUNDRED)
    if value is None:
        return Outcome(None, Uncomputable.NO_VALUE)
    return Outcome(value)


def achievement(
    realised: Decimal | None,
    target: Decimal | None,
    *,
    polarity: str = Polarity.POSITIVE,
    negative_formula: str = NegativeFormula.TARGET_OVER_REALISATION,
) -> Outcome:
    """Capaian in percent points; negative indicators use the formula kept per indicator."""
    if realised is None:
        return Outcome(None, Uncomputable.NO_REALISATION)
    if target is None:
        return Outcome(None, Uncomputable.NO_TARGET)
    if polarity == Polarity.NEGATIVE:
        if negative_formula == NegativeFormula.TWO_MINUS_RATIO:
            if target == 0:
                return Outcome(None, Uncomputable.ZERO_TARGET)
            return Outcome((2 - realised / target) * HUNDRED)
        if realised == 0:
            return Outcome(None, Uncomputable.ZERO_ON_NEGATIVE)
        return Outcome(target / realised * HUNDRED)
    if target == 0:
        return Outcome(None, Uncomputable.ZERO_TARGET)
    return Outcome(realised / target * HUNDRED)


def criterion(achieved: Decimal | None) -> Criterion | None:
    """The kriteria band of a capaian, judged on the printed (rounded) value."""
    if achieved is None:
        return None
    shown = round2(achieved)
    for bound, band in CRITERION_BOUNDS:
        if shown >= bound:
            return band
    return Criterion.VERY_LOW


def default_quarter_target(kind: str, yearly_target: Decimal, quarter: int) -> Decimal:
    """Counts grow 25/50/75/100% of the year; ratios and values keep the yearly target.

    A count of whole things (5 Dokumen, 1.000 Orang) gets whole quarterly targets: nobody
    produces 1,25 documents. The share is rounded up, so a small yearly target never gives a
    quarter a target of 0 (a capaian against nothing) and the year still ends on its target."""
    _check_quarter(quarter)
    if kind == Kind.COUNT:
        share = yearly_target * quarter / 4
        if yearly_target == yearly_target.to_integral_value():
            return share.to_integral_value(rounding=ROUND_CEILING)
        return share
    return yearly_target


def quarter_target(
    kind: str, yearly_target: Decimal, quarter: int, overrides: dict[int, Decimal] | None = None
) -> Decimal:
    """The planner's Rencana Aksi target where set, else the default split."""
    if overrides and quarter in overrides:
        return overrides[quarter]
    return default_quarter_target(kind, yearly_target, quarter)


def is_due(frequency: str, quarter: int) -> bool:
    """Yearly indicators are asked for, and can be missing, in TW IV only."""
    _check_quarter(quarter)
    return frequency != Frequency.YEARLY or quarter == 4


@dataclass(frozen=True)
class Figures:
    """What one person reported for one period (cumulative or per quarter, as the caller says)."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None


def accumulate(kind: str, quarters: Sequence[Figures | None]) -> Figures | None:
    """Cumulative "s.d. TW n" figures from per-quarter figures.

    Counts and the parts of a ratio add up; a value or index is simply the latest one.
    Missing quarters (None) are skipped; with no quarter at all the result is None.
    """
    present = [q for q in quarters if q is not None]
    if not present:
        return None
    if kind == Kind.VALUE:
        return present[-1]
    if kind == Kind.RATIO:
        return Figures(
            numerator=_sum(q.numerator for q in present),
            denominator=_sum(q.denominator for q in present),
        )
    return Figures(value=_sum(q.value for q in present))


def efficiency(achieved: Decimal | None, absorption: Decimal | None) -> Decimal | None:
    """The seed's tingkat efisiensi (Tabel 3.7): capaian kinerja minus serapan anggaran."""
    if achieved is None or absorption is None:
        return None
    return achieved - absorption


def absorption(spent: Decimal | None, ceiling: Decimal | None) -> Decimal | None:
    """Serapan anggaran = realisasi / pagu x 100; undefined for a zero pagu."""
    if spent is None or ceiling is None or ceiling == 0:
        return None
    return spent / ceiling * HUNDRED


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    items = [v for v in values if v is not None]
    return sum(items, Decimal(0)) if items else None


def _check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"triwulan harus 1-4, bukan {quarter}")
