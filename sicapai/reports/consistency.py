"""The consistency check (`sicapai periksa`): the kinds of slip the seed report itself contains.

Pure functions over plain records: the data layer gathers, this module judges. Each finding
names the item, the kind of slip and the figures that disagree; `handlers.texts.periksa`
says it in Indonesian, so the planner can fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from sicapai.reports.capaian import Figures, absorption, round2
from sicapai.reports.domain import Kind
from sicapai.reports.numbers import decimal_places, round_half_up
from sicapai.reports.summary import IndicatorResult


def differs_as_printed(printed: Decimal, computed: Decimal) -> bool:
    """Whether a printed figure is not what its raw figures give at the printed precision.

    "176" for 176.2 is fair rounding; "50,05" for 50.0567 (should be 50,06) and "101" for
    101.52 are slips.
    """
    places = decimal_places(printed)
    return round_half_up(computed, places) != printed


class Check(StrEnum):
    OVER_CEILING = "realisasi_melebihi_pagu"
    PARENT_SUM = "induk_tidak_sama_jumlah_anak"
    PRINTED_MISMATCH = "persentase_tercetak_tidak_cocok"
    NUMERATOR_ABOVE = "pembilang_melebihi_penyebut"
    CUMULATIVE_DOWN = "kumulatif_turun"
    PK_BUDGET = "anggaran_pk_tidak_cocok"


class Slip(StrEnum):
    """What exactly disagrees (a check can find more than one kind of slip)."""

    SPENT_ABOVE_CEILING = "realisasi_di_atas_pagu"
    PRINTED_ABSORPTION = "serapan_tercetak"
    CEILING_NOT_SUM = "pagu_bukan_jumlah"
    SPENT_NOT_SUM = "realisasi_bukan_jumlah"
    NUMERATOR_ABOVE = "pembilang_di_atas_penyebut"
    PRINTED_REALISATION = "realisasi_tercetak"
    PRINTED_ACHIEVEMENT = "capaian_tercetak"
    CUMULATIVE_DOWN = "kumulatif_turun"
    PK_BUDGET = "anggaran_pk"


@dataclass(frozen=True)
class Finding:
    """One slip: which item, what kind, and the figures that disagree (`shown` is what was
    printed or stored, `expected` what it should be; `other` a second figure it is held
    against, `quarters` the quarters involved)."""

    check: Check
    item: str  # indicator code or budget line code
    subject: str  # the item as a person knows it: code, name (and quarter)
    slip: Slip
    shown: Decimal | None = None
    expected: Decimal | None = None
    other: str = ""  # e.g. the budget line a PK figure is held against
    quarters: tuple[int, ...] = ()


@dataclass(frozen=True)
class BudgetFigures:
    code: str
    name: str
    parent_code: str | None
    ceiling: Decimal
    spent: Decimal | None
    printed_absorption: Decimal | None = None


def check_budget(lines: list[BudgetFigures]) -> list[Finding]:
    """Spending above pagu, printed serapan that its figures do not give, parents != children."""
    findings: list[Finding] = []
    children: dict[str, list[BudgetFigures]] = {}
    for line in lines:
        if line.parent_code:
            children.setdefault(line.parent_code, []).append(line)
    for line in lines:
        label = f"{line.code} {line.name}"
        if line.spent is not None and line.spent > line.ceiling:
            findings.append(
                Finding(
                    Check.OVER_CEILING,
                    line.code,
                    label,
                    Slip.SPENT_ABOVE_CEILING,
                    line.spent,
                    line.ceiling,
                )
            )
        computed = absorption(line.spent, line.ceiling)
        if line.printed_absorption is not None and computed is not None:
            if differs_as_printed(line.printed_absorption, computed):
                findings.append(
                    Finding(
                        Check.PRINTED_MISMATCH,
                        line.code,
                        label,
                        Slip.PRINTED_ABSORPTION,
                        line.printed_absorption,
                        round2(computed),
                    )
                )
        kids = children.get(line.code)
        if kids:
            ceiling_sum = sum((k.ceiling for k in kids), Decimal(0))
            if ceiling_sum != line.ceiling:
                findings.append(
                    Finding(
                        Check.PARENT_SUM,
                        line.code,
                        label,
                        Slip.CEILING_NOT_SUM,
                        line.ceiling,
                        ceiling_sum,
                    )
                )
            if line.spent is not None and all(k.spent is not None for k in kids):
                spent_sum = sum((k.spent for k in kids if k.spent is not None), Decimal(0))
                if spent_sum != line.spent:
                    findings.append(
                        Finding(
                            Check.PARENT_SUM,
                            line.code,
                            label,
                            Slip.SPENT_NOT_SUM,
                            line.spent,
                            spent_sum,
                        )
                    )
    return findings


@dataclass(frozen=True)
class Printed:
    """What a document (the seed, an import) printed next to the figures it was given."""

    realisation: Decimal | None = None
    achievement: Decimal | None = None


def check_indicators(
    results: Iterable[IndicatorResult], printed: Mapping[int, Printed] | None = None
) -> list[Finding]:
    """Impossible ratios and printed percentages that the stored figures do not give."""
    findings: list[Finding] = []
    printed = printed or {}
    for result in results:
        spec, reported = result.spec, result.reported
        if reported is None:
            continue
        label = f"{spec.code} {spec.name}"
        fig = reported.figures
        if (
            spec.kind == Kind.RATIO
            and not spec.may_exceed_100
            and fig.numerator is not None
            and fig.denominator is not None
            and fig.numerator > fig.denominator
        ):
            findings.append(
                Finding(
                    Check.NUMERATOR_ABOVE,
                    spec.code,
                    label,
                    Slip.NUMERATOR_ABOVE,
                    fig.numerator,
                    fig.denominator,
                    quarters=(result.quarter,),
                )
            )
        shown = printed.get(spec.id)
        if shown is None:
            continue
        for slip, printed_value, computed in (
            (Slip.PRINTED_REALISATION, shown.realisation, result.realisation.value),
            (Slip.PRINTED_ACHIEVEMENT, shown.achievement, result.achievement.value),
        ):
            if printed_value is None or computed is None:
                continue
            if differs_as_printed(printed_value, computed):
                findings.append(
                    Finding(
                        Check.PRINTED_MISMATCH,
                        spec.code,
                        label,
                        slip,
                        printed_value,
                        round2(computed),
                        quarters=(result.quarter,),
                    )
                )
    return findings


def check_cumulative(
    code: str, name: str, kind: str, series: Mapping[int, Figures]
) -> list[Finding]:
    """A cumulative "s.d. TW" figure that went down from one quarter to the next."""
    if kind == Kind.VALUE:
        return []  # a value or index may go either way
    findings: list[Finding] = []
    quarters = sorted(series)
    for before, after in pairwise(quarters):
        for part in ("numerator", "denominator", "value"):
            old = getattr(series[before], part)
            new = getattr(series[after], part)
            if old is not None and new is not None and new < old:
                findings.append(
                    Finding(
                        Check.CUMULATIVE_DOWN,
                        code,
                        f"{code} {name}",
                        Slip.CUMULATIVE_DOWN,
                        new,
                        old,
                        quarters=(after, before),
                    )
                )
    return findings


def check_pk_budget(
    code: str, pk_budget: Decimal | None, line_code: str, line_name: str, ceiling: Decimal
) -> list[Finding]:
    """The PK's anggaran for an indicator against the pagu of the budget line it names."""
    if pk_budget is None or pk_budget == ceiling:
        return []
    return [
        Finding(
            Check.PK_BUDGET,
            code,
            code,
            Slip.PK_BUDGET,
            pk_budget,
            ceiling,
            other=f"{line_code} {line_name}",
        )
    ]


class Neighbour(StrEnum):
    """How a cumulative figure being entered disagrees with a neighbouring quarter's."""

    BELOW_EARLIER = "di_bawah_triwulan_sebelumnya"  # less than the quarter before holds
    ABOVE_LATER = "di_atas_triwulan_berikutnya"  # more than a later quarter already holds


@dataclass(frozen=True)
class NeighbourSlip:
    """One part of the figures entered against the stored figure of a neighbouring quarter."""

    code: Neighbour
    part: str  # "numerator", "denominator" or "value"
    quarter: int  # the neighbouring quarter
    stored: Decimal  # what that quarter holds
    entered: Decimal


def against_neighbours(
    kind: str,
    entered: Figures,
    *,
    earlier: tuple[int, Figures] | None = None,
    later: tuple[int, Figures] | None = None,
) -> list[NeighbourSlip]:
    """A cumulative "s.d. TW" figure must lie between the quarter before and the quarter
    after: checking only the one before lets a late correction of TW II pass above TW III."""
    if kind == Kind.VALUE:
        return []  # a value or index may go either way
    slips: list[NeighbourSlip] = []
    for part in ("numerator", "denominator", "value"):
        new = getattr(entered, part)
        if new is None:
            continue
        if earlier is not None:
            old = getattr(earlier[1], part)
            if old is not None and new < old:
                slips.append(NeighbourSlip(Neighbour.BELOW_EARLIER, part, earlier[0], old, new))
        if later is not None:
            after = getattr(later[1], part)
            if after is not None and new > after:
                slips.append(NeighbourSlip(Neighbour.ABOVE_LATER, part, later[0], after, new))
    return slips
