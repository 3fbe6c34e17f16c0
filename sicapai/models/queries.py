"""Reads shared by the CLI, the conversations and the reports.

Keyword-only functions with the session passed in; nothing here opens a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Session, col, select

from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.memo import per_unit_of_work
from sicapai.models.organisation import Organisation
from sicapai.models.performance import (
    Goal,
    Indicator,
    Objective,
    Period,
    QuarterTarget,
    Revision,
    Submission,
)
from sicapai.reports.capaian import Figures
from sicapai.reports.summary import IndicatorSpec, Reported


class Missing(StrEnum):
    """What could not be found; `handlers.texts.data.not_found` words it."""

    UNKNOWN_ORGANISATION = "organisasi_asing"
    NO_ORGANISATION = "belum_ada_organisasi"
    SEVERAL_ORGANISATIONS = "beberapa_organisasi"


class NotFound(LookupError):
    """Something the person named does not exist: `missing` says what, `detail` what does."""

    def __init__(self, missing: Missing, **detail: object) -> None:
        super().__init__(f"{missing}: {detail}")
        self.missing = missing
        self.detail = detail


def organisations(*, session: Session) -> Sequence[Organisation]:
    return session.exec(select(Organisation).order_by(col(Organisation.id))).all()


def resolve_organisation(*, session: Session, code: str | None = None) -> Organisation:
    """The named office, or the only one when the deployment has just one."""
    orgs = organisations(session=session)
    if code:
        for org in orgs:
            if org.code == code:
                return org
        raise NotFound(Missing.UNKNOWN_ORGANISATION, code=code, known=[o.code for o in orgs])
    if not orgs:
        raise NotFound(Missing.NO_ORGANISATION)
    if len(orgs) > 1:
        raise NotFound(Missing.SEVERAL_ORGANISATIONS, known=[o.code for o in orgs])
    return orgs[0]


@per_unit_of_work("indicator")
def years_with_pk(*, session: Session, organisation_id: int) -> list[int]:
    rows = session.exec(
        select(Indicator.year).where(Indicator.organisation_id == organisation_id).distinct()
    ).all()
    return sorted(rows)


@per_unit_of_work("period")
def get_period(*, session: Session, organisation_id: int, year: int, quarter: int) -> Period | None:
    return session.exec(
        select(Period).where(
            Period.organisation_id == organisation_id,
            Period.year == year,
            Period.quarter == quarter,
        )
    ).first()


def indicator_specs(
    *, session: Session, organisation_id: int, year: int
) -> dict[int, IndicatorSpec]:
    """Every indicator of a year's PK, with its objective (or goal) name and quarter targets."""
    indicators = session.exec(
        select(Indicator).where(
            Indicator.organisation_id == organisation_id, Indicator.year == year
        )
    ).all()
    objectives = {
        o.id: o.name
        for o in session.exec(
            select(Objective).where(
                Objective.organisation_id == organisation_id, Objective.year == year
            )
        )
    }
    goals = {
        g.id: g.name
        for g in session.exec(
            select(Goal).where(Goal.organisation_id == organisation_id, Goal.year == year)
        )
    }
    overrides: dict[int, dict[int, Decimal]] = {}
    ids = [i.id for i in indicators]
    if ids:
        for qt in session.exec(
            select(QuarterTarget).where(col(QuarterTarget.indicator_id).in_(ids))
        ):
            overrides.setdefault(qt.indicator_id, {})[qt.quarter] = qt.target
    specs: dict[int, IndicatorSpec] = {}
    for ind in indicators:
        assert ind.id is not None
        objective = objectives.get(ind.objective_id) if ind.objective_id else None
        if objective is None and ind.goal_id:
            objective = goals.get(ind.goal_id)
        specs[ind.id] = spec_of(ind, objective or "", overrides.get(ind.id, {}))
    return specs


def spec_of(ind: Indicator, objective: str, quarter_targets: dict[int, Decimal]) -> IndicatorSpec:
    """The capaian engine's view of an indicator row (its objective's name looked up by the
    caller, quarter targets that override the yearly one by quarter)."""
    assert ind.id is not None
    return IndicatorSpec(
        id=ind.id,
        code=ind.code,
        name=ind.name,
        objective=objective,
        unit_label=ind.unit_label,
        kind=ind.kind,
        target=ind.target,
        polarity=ind.polarity,
        negative_formula=ind.negative_formula,
        frequency=ind.frequency,
        report_order=ind.report_order,
        formula=ind.formula,
        numerator_label=ind.numerator_label,
        denominator_label=ind.denominator_label,
        may_exceed_100=ind.may_exceed_100,
        owner_position_id=ind.owner_position_id,
        quarter_targets=dict(quarter_targets),
    )


def current_reports(*, session: Session, period_id: int) -> dict[int, Reported]:
    """The current revision of every submission of a period, keyed by indicator id."""
    rows = session.exec(
        select(Submission, Revision)
        .join(
            Revision,
            (col(Revision.submission_id) == col(Submission.id))
            & (col(Revision.number) == col(Submission.current_revision)),
        )
        .where(Submission.period_id == period_id)
    ).all()
    return {
        sub.indicator_id: Reported(
            figures=Figures(numerator=rev.numerator, denominator=rev.denominator, value=rev.value),
            status=sub.status,
            revision=rev.number,
            kendala=rev.kendala,
            faktor_pendorong=rev.faktor_pendorong,
            upaya_perbaikan=rev.upaya_perbaikan,
        )
        for sub, rev in rows
    }


def budget_lines(*, session: Session, organisation_id: int, year: int) -> list[BudgetLine]:
    return list(
        session.exec(
            select(BudgetLine)
            .where(BudgetLine.organisation_id == organisation_id, BudgetLine.year == year)
            .order_by(col(BudgetLine.sort_order))
        )
    )


def current_budget_realisations(
    *, session: Session, period_id: int
) -> dict[int, BudgetRealisation]:
    """The latest realisation number of every budget line for a period."""
    latest: dict[int, BudgetRealisation] = {}
    for row in session.exec(
        select(BudgetRealisation).where(BudgetRealisation.period_id == period_id)
    ):
        kept = latest.get(row.budget_line_id)
        if kept is None or row.number > kept.number:
            latest[row.budget_line_id] = row
    return latest
