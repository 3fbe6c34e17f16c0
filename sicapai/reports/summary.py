"""From an indicator and what was reported to the figures a report prints.

The data layer fills `IndicatorSpec` and `Figures`; everything here is arithmetic, so the
CLI table, the chat summary, the charts and the XLSX export all print the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sicapai.reports.capaian import (
    Criterion,
    Figures,
    Outcome,
    Uncomputable,
    achievement,
    criterion,
    is_due,
    quarter_target,
    realisation,
)
from sicapai.reports.domain import NegativeFormula, Polarity, Status


@dataclass(frozen=True)
class IndicatorSpec:
    """What the PK says about one indicator, detached from the database."""

    id: int
    code: str
    name: str
    objective: str
    unit_label: str
    kind: str
    target: Decimal
    polarity: str = Polarity.POSITIVE
    negative_formula: str = NegativeFormula.TARGET_OVER_REALISATION
    frequency: str = "triwulanan"
    report_order: int = 0
    formula: str = ""
    numerator_label: str | None = None
    denominator_label: str | None = None
    may_exceed_100: bool = False
    owner_position_id: int | None = None
    quarter_targets: dict[int, Decimal] = field(default_factory=dict)

    def target_for(self, quarter: int) -> Decimal:
        return quarter_target(self.kind, self.target, quarter, self.quarter_targets)


@dataclass(frozen=True)
class Reported:
    """The current revision of one submission, as far as reports need it."""

    figures: Figures
    status: str = Status.SENT
    revision: int = 1
    kendala: str | None = None
    faktor_pendorong: str | None = None
    upaya_perbaikan: str | None = None


@dataclass(frozen=True)
class IndicatorResult:
    """One row of a summary: target, realisasi, capaian and kriteria for one period."""

    spec: IndicatorSpec
    quarter: int
    target: Decimal
    reported: Reported | None
    realisation: Outcome
    achievement: Outcome
    criterion: Criterion | None
    due: bool

    @property
    def status(self) -> str:
        return self.reported.status if self.reported else Status.NOT_YET


def evaluate(spec: IndicatorSpec, quarter: int, reported: Reported | None) -> IndicatorResult:
    """Compute one indicator's row for a quarter from its (cumulative) reported figures."""
    target = spec.target_for(quarter)
    if reported is None:
        real = Outcome(None, Uncomputable.NOT_REPORTED)
    else:
        fig = reported.figures
        real = realisation(
            spec.kind, numerator=fig.numerator, denominator=fig.denominator, value=fig.value
        )
    ach = achievement(
        real.value, target, polarity=spec.polarity, negative_formula=spec.negative_formula
    )
    return IndicatorResult(
        spec=spec,
        quarter=quarter,
        target=target,
        reported=reported,
        realisation=real,
        achievement=ach if real.ok else Outcome(None, real.why),
        criterion=criterion(ach.value),
        due=is_due(spec.frequency, quarter),
    )


def sort_by_code(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """The goal row (T.*) first, then the PK indicators in code order."""
    return sorted(results, key=lambda r: (not r.spec.code.startswith("T."), r.spec.code))


def sort_by_report(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """The order of the report's own Tabel 3.3."""
    return sorted(results, key=lambda r: (r.spec.report_order, r.spec.code))
