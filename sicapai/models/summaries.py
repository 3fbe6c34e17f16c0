"""Gathering a period's results for a scope: the data behind /capaian, /status and charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from sicapai.models.budget import BudgetLine
from sicapai.models.organisation import Organisation, Position
from sicapai.models.people import holders
from sicapai.models.performance import (
    Indicator,
    PastRealisation,
    Period,
    RenstraTarget,
    Submission,
)
from sicapai.models.queries import (
    budget_lines,
    current_budget_realisations,
    current_reports,
    get_period,
    indicator_specs,
)
from sicapai.models.scopes import Scope
from sicapai.models.types import ident
from sicapai.reports.capaian import absorption, achievement, is_due
from sicapai.reports.summary import IndicatorResult, evaluate, sort_by_code


@dataclass(frozen=True)
class Comparison:
    """Where a figure stands against last year and the end of the Renstra."""

    last_year: Decimal | None = None
    last_year_label: str | None = None
    renstra_target: Decimal | None = None
    renstra_year: int | None = None
    renstra_achievement: Decimal | None = None


@dataclass(frozen=True)
class PeriodSummary:
    year: int
    quarter: int
    results: list[IndicatorResult]
    comparisons: dict[int, Comparison]
    read_at: datetime

    @property
    def due(self) -> list[IndicatorResult]:
        return [r for r in self.results if r.due]

    @property
    def reported(self) -> list[IndicatorResult]:
        return [r for r in self.due if r.reported is not None]


def latest_quarter_with_data(
    *, session: Session, organisation: Organisation, year: int, indicator_ids: set[int]
) -> int | None:
    """The latest quarter of the year in which any of these indicators was reported."""
    rows = session.exec(
        select(Period.quarter)
        .join(Submission, col(Submission.period_id) == col(Period.id))
        .where(
            Period.organisation_id == organisation.id,
            Period.year == year,
            col(Submission.indicator_id).in_(indicator_ids),
            Submission.current_revision > 0,
        )
    ).all()
    return max(rows) if rows else None


def summarise(
    *,
    session: Session,
    organisation: Organisation,
    year: int,
    quarter: int,
    scope: Scope | None,
    now: datetime,
) -> PeriodSummary:
    assert organisation.id is not None
    specs = indicator_specs(session=session, organisation_id=organisation.id, year=year)
    if scope is not None:
        specs = {k: v for k, v in specs.items() if v.owner_position_id in scope.position_ids}
    period = get_period(
        session=session, organisation_id=organisation.id, year=year, quarter=quarter
    )
    reported = current_reports(session=session, period_id=period.id) if period and period.id else {}
    results = sort_by_code([evaluate(s, quarter, reported.get(s.id)) for s in specs.values()])
    return PeriodSummary(
        year, quarter, results, _comparisons(session, organisation, year, quarter, results), now
    )


def _comparisons(
    session: Session,
    organisation: Organisation,
    year: int,
    quarter: int,
    results: list[IndicatorResult],
) -> dict[int, Comparison]:
    ids = [r.spec.id for r in results]
    if not ids:
        return {}
    renstra = {
        r.indicator_id: r
        for r in session.exec(select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids)))
    }
    past = {
        r.indicator_id: r
        for r in session.exec(
            select(PastRealisation).where(
                col(PastRealisation.indicator_id).in_(ids), PastRealisation.year == year - 1
            )
        )
    }
    # last year's same quarter, when last year's PK and reports are in the database too
    last_specs = indicator_specs(
        session=session, organisation_id=ident(organisation), year=year - 1
    )
    last_period = get_period(
        session=session, organisation_id=ident(organisation), year=year - 1, quarter=quarter
    )
    last_reports = (
        current_reports(session=session, period_id=last_period.id)
        if last_period and last_period.id
        else {}
    )
    last_by_code = {
        spec.code: evaluate(spec, quarter, last_reports.get(spec.id)).realisation.value
        for spec in last_specs.values()
    }
    out: dict[int, Comparison] = {}
    for result in results:
        spec = result.spec
        last_value = last_by_code.get(spec.code)
        label = (
            f"TW {'I' * quarter if quarter < 4 else 'IV'} {year - 1}"
            if last_value is not None
            else None
        )
        if (
            last_value is None
            and quarter == 4
            and spec.id in past
            and past[spec.id].realisation is not None
        ):
            last_value, label = past[spec.id].realisation, str(year - 1)
        target = renstra.get(spec.id)
        renstra_ach = (
            achievement(
                result.realisation.value,
                target.target,
                polarity=spec.polarity,
                negative_formula=spec.negative_formula,
            ).value
            if target
            else None
        )
        out[spec.id] = Comparison(
            last_year=last_value,
            last_year_label=label,
            renstra_target=target.target if target else None,
            renstra_year=target.end_year if target else None,
            renstra_achievement=renstra_ach,
        )
    return out


@dataclass(frozen=True)
class StatusRow:
    position: str
    people: list[str]
    items: list[tuple[str, str]]  # (code, status)


def reporting_status(
    *, session: Session, organisation: Organisation, year: int, quarter: int, scope: Scope
) -> list[StatusRow]:
    """Who has and has not reported each item of a period, per position."""
    assert organisation.id is not None
    period = get_period(
        session=session, organisation_id=organisation.id, year=year, quarter=quarter
    )
    statuses = (
        {
            s.indicator_id: s.status
            for s in session.exec(select(Submission).where(Submission.period_id == period.id))
        }
        if period
        else {}
    )
    rows = []
    positions = session.exec(
        select(Position).where(col(Position.id).in_(scope.position_ids)).order_by(col(Position.id))
    ).all()
    for position in positions:
        indicators = session.exec(
            select(Indicator)
            .where(Indicator.owner_position_id == position.id, Indicator.year == year)
            .order_by(col(Indicator.code))
        ).all()
        items = [
            (i.code, statuses.get(ident(i), "belum"))
            for i in indicators
            if is_due(i.frequency, quarter)
        ]
        lines = [
            line
            for line in budget_lines(session=session, organisation_id=organisation.id, year=year)
            if line.owner_position_id == position.id and line.kind == "subkegiatan"
        ]
        if lines and period and period.id:
            spent = current_budget_realisations(session=session, period_id=period.id)
            done = sum(1 for line in lines if line.id in spent)
            items.append(
                (
                    f"Anggaran ({done}/{len(lines)} sub kegiatan)",
                    "terkirim" if done == len(lines) else "belum",
                )
            )
        if not items:
            continue
        people = [p.name for p in holders(session=session, position_id=ident(position))]
        rows.append(StatusRow(position.name, people, items))
    return rows


@dataclass(frozen=True)
class BudgetFigure:
    line: BudgetLine
    spent: Decimal | None

    @property
    def absorption(self) -> Decimal | None:
        return absorption(self.spent, self.line.ceiling)


def budget_figures(
    *, session: Session, organisation: Organisation, year: int, quarter: int, kind: str = "program"
) -> list[BudgetFigure]:
    assert organisation.id is not None
    period = get_period(
        session=session, organisation_id=organisation.id, year=year, quarter=quarter
    )
    spent = (
        current_budget_realisations(session=session, period_id=period.id)
        if period and period.id
        else {}
    )
    return [
        BudgetFigure(line, spent[line.id].amount if line.id in spent else None)
        for line in budget_lines(session=session, organisation_id=organisation.id, year=year)
        if line.kind == kind
    ]


def efficiency_rows(
    *, session: Session, organisation: Organisation, summary: PeriodSummary
) -> list[tuple[IndicatorResult, BudgetFigure]]:
    """Indicators with a linked budget line, with that line's realisation (Tabel 3.7)."""
    figures = {
        f.line.id: f
        for kind in ("program", "kegiatan", "subkegiatan")
        for f in budget_figures(
            session=session,
            organisation=organisation,
            year=summary.year,
            quarter=summary.quarter,
            kind=kind,
        )
    }
    links = {
        i.id: i.budget_line_id
        for i in session.exec(
            select(Indicator).where(
                col(Indicator.id).in_([r.spec.id for r in summary.results] or [0])
            )
        )
    }
    rows = []
    for result in summary.results:
        line_id = links.get(result.spec.id)
        if line_id is not None and line_id in figures:
            rows.append((result, figures[line_id]))
    return rows
