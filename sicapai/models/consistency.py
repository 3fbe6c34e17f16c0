"""Gathers stored figures for the consistency check in `reports.consistency`."""

from __future__ import annotations

from sqlmodel import Session, col, select

from sicapai.models.organisation import Organisation
from sicapai.models.performance import Indicator, Period, Revision, Submission
from sicapai.models.queries import (
    budget_lines,
    current_budget_realisations,
    current_reports,
    indicator_specs,
)
from sicapai.reports.capaian import Figures
from sicapai.reports.consistency import (
    BudgetFigures,
    Finding,
    Printed,
    check_budget,
    check_cumulative,
    check_indicators,
    check_pk_budget,
)
from sicapai.reports.summary import evaluate


def find_problems(*, session: Session, organisation: Organisation, year: int) -> list[Finding]:
    """Every finding for one office-year, budget first, then indicators by quarter."""
    assert organisation.id is not None
    specs = indicator_specs(session=session, organisation_id=organisation.id, year=year)
    periods = list(
        session.exec(
            select(Period)
            .where(Period.organisation_id == organisation.id, Period.year == year)
            .order_by(col(Period.quarter))
        )
    )
    lines = budget_lines(session=session, organisation_id=organisation.id, year=year)
    by_id = {line.id: line for line in lines}
    # budget: the latest period with any realisation is what the year's table shows
    spent = {}
    for period in reversed(periods):
        assert period.id is not None
        spent = current_budget_realisations(session=session, period_id=period.id)
        if spent:
            break
    findings: list[Finding] = check_budget(
        [
            BudgetFigures(
                code=line.code,
                name=line.name,
                parent_code=by_id[line.parent_id].code if line.parent_id else None,
                ceiling=line.ceiling,
                spent=spent[line.id].amount if line.id in spent else None,
                printed_absorption=spent[line.id].printed_absorption if line.id in spent else None,
            )
            for line in lines
        ]
    )
    for indicator in session.exec(
        select(Indicator).where(
            Indicator.organisation_id == organisation.id, Indicator.year == year
        )
    ):
        line = by_id.get(indicator.budget_line_id) if indicator.budget_line_id else None
        if line is not None:
            findings += check_pk_budget(
                indicator.code, indicator.pk_budget, line.code, line.name, line.ceiling
            )
    series: dict[int, dict[int, Figures]] = {}
    for period in periods:
        assert period.id is not None
        reported = current_reports(session=session, period_id=period.id)
        printed = _printed(session=session, period_id=period.id)
        results = [
            evaluate(specs[indicator_id], period.quarter, rep)
            for indicator_id, rep in reported.items()
            if indicator_id in specs
        ]
        findings += check_indicators(results, printed)
        for indicator_id, rep in reported.items():
            series.setdefault(indicator_id, {})[period.quarter] = rep.figures
    for indicator_id, by_quarter in series.items():
        spec = specs[indicator_id]
        findings += check_cumulative(spec.code, spec.name, spec.kind, by_quarter)
    return findings


def _printed(*, session: Session, period_id: int) -> dict[int, Printed]:
    rows = session.exec(
        select(
            col(Submission.indicator_id),
            col(Revision.printed_realisation),
            col(Revision.printed_achievement),
        )
        .join(
            Revision,
            (col(Revision.submission_id) == col(Submission.id))
            & (col(Revision.number) == col(Submission.current_revision)),
        )
        .where(Submission.period_id == period_id)
    ).all()
    return {
        indicator_id: Printed(realisation, achievement)
        for indicator_id, realisation, achievement in rows
        if realisation is not None or achievement is not None
    }
