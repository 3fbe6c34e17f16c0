"""Loading a validated master-data template in the caller's transaction.

Loading reuses the seeding rules: rows are matched on their natural keys (codes, names) with
`upsert`, positions and units are kept (people keep their holdings), and nothing is deleted
except what a row says is gone (a blank quarter-target or Renstra cell of an indicator).
Trees are written parents first, so every row can point at its parent's id.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from sicapai.excel.problems import Count, ImportReport, Note, NoteKind
from sicapai.excel.template_data import IndicatorIn, MasterData, parents_first
from sicapai.models.budget import BudgetLine, SpendingType
from sicapai.models.organisation import Organisation, Position, Unit
from sicapai.models.performance import (
    Goal,
    Indicator,
    Objective,
    PastRealisation,
    QuarterTarget,
    RenstraTarget,
)
from sicapai.models.seeding import ensure_periods, upsert


def load_template(session: Session, template: MasterData, report: ImportReport) -> None:
    """Write a validated template in the caller's transaction, upserting on natural keys."""
    existing = session.exec(
        select(Organisation).where(Organisation.code == template.org_code)
    ).first()
    values: dict[str, Any] = {}
    if template.org_name:
        values["name"] = template.org_name
    if template.timezone or existing is None:
        values["timezone"] = template.timezone or "Asia/Makassar"
    organisation = upsert(session, Organisation, {"code": template.org_code}, values)
    assert organisation.id is not None
    org_id = organisation.id
    year = template.year
    report.organisation = organisation.code
    report.year = year

    units = {u.code: u for u in session.exec(select(Unit).where(Unit.organisation_id == org_id))}
    ordered_units, _ = parents_first(template.units, lambda u: u.code, lambda u: u.parent)
    for unit_in in ordered_units:
        parent = units.get(unit_in.parent) if unit_in.parent else None
        units[unit_in.code] = upsert(
            session,
            Unit,
            {"organisation_id": org_id, "code": unit_in.code},
            {
                "name": unit_in.name,
                "kind": unit_in.kind,
                "parent_id": parent.id if parent else None,
            },
        )
        report.add(Count.UNIT)

    positions = {
        p.name: p for p in session.exec(select(Position).where(Position.organisation_id == org_id))
    }
    ordered_positions, _ = parents_first(template.positions, lambda p: p.name, lambda p: p.superior)
    for pos in ordered_positions:
        superior = positions.get(pos.superior) if pos.superior else None
        unit = units.get(pos.unit) if pos.unit else None
        positions[pos.name] = upsert(
            session,
            Position,
            {"organisation_id": org_id, "name": pos.name},
            {
                "unit_id": unit.id if unit else None,
                "superior_id": superior.id if superior else None,
                "budget_duty": pos.budget_duty,
            },
        )
        report.add(Count.POSITION)

    goals = {
        g.code: g
        for g in session.exec(select(Goal).where(Goal.organisation_id == org_id, Goal.year == year))
    }
    for code, name in template.goals:
        goals[code] = upsert(
            session, Goal, {"organisation_id": org_id, "year": year, "code": code}, {"name": name}
        )
        report.add(Count.GOAL)

    objectives: dict[str, Objective] = {}
    for ind in template.indicators:
        if ind.objective_code and ind.objective_code not in objectives:
            goal = goals.get(ind.goal_code) if ind.goal_code else None
            objectives[ind.objective_code] = upsert(
                session,
                Objective,
                {"organisation_id": org_id, "year": year, "code": ind.objective_code},
                {"name": ind.objective_name, "goal_id": goal.id if goal else None},
            )
            report.add(Count.OBJECTIVE)

    lines = {
        b.code: b
        for b in session.exec(
            select(BudgetLine).where(BudgetLine.organisation_id == org_id, BudgetLine.year == year)
        )
    }
    sort_order = {line.code: n for n, line in enumerate(template.budget)}
    ordered_lines, _ = parents_first(template.budget, lambda b: b.code, lambda b: b.parent)
    for line in ordered_lines:
        parent_line = lines.get(line.parent) if line.parent else None
        owner = positions.get(line.owner) if line.owner else None
        lines[line.code] = upsert(
            session,
            BudgetLine,
            {"organisation_id": org_id, "year": year, "code": line.code},
            {
                "kind": line.kind,
                "name": line.name,
                "ceiling": line.ceiling,
                "parent_id": parent_line.id if parent_line else None,
                "owner_position_id": owner.id if owner else None,
                "sort_order": sort_order[line.code],
            },
        )
        report.add(Count.BUDGET_LINE)

    for order, spending_in in enumerate(template.spending):
        upsert(
            session,
            SpendingType,
            {"organisation_id": org_id, "year": year, "name": spending_in.name},
            {
                "parent_name": spending_in.parent,
                "ceiling": spending_in.ceiling,
                "realisation": spending_in.realisation,
                "sort_order": order,
            },
        )
        report.add(Count.SPENDING)

    indicators = {
        i.code: i
        for i in session.exec(
            select(Indicator).where(Indicator.organisation_id == org_id, Indicator.year == year)
        )
    }
    in_sheet: set[str] = set()
    for ind in template.indicators:
        in_sheet.add(ind.code)
        indicators[ind.code] = _load_indicator(
            session,
            ind,
            org_id,
            year,
            report,
            goal=goals.get(ind.goal_code) if ind.goal_code and not ind.objective_code else None,
            objective=objectives.get(ind.objective_code) if ind.objective_code else None,
            owner=positions.get(ind.owner) if ind.owner else None,
            line=lines.get(ind.budget_code) if ind.budget_code else None,
        )
    for past_in in template.past:
        indicator = indicators[past_in.code]
        upsert(
            session,
            PastRealisation,
            {"indicator_id": indicator.id, "year": past_in.year},
            {"realisation": past_in.realisation, "achievement": past_in.achievement},
        )
        report.add(Count.PAST)
    if template.indicators:
        left_alone = sorted(set(indicators) - in_sheet)
        if left_alone:
            report.warnings.append(Note(NoteKind.INDICATORS_KEPT, items=tuple(left_alone)))
    if template.indicators or template.budget:
        ensure_periods(session, organisation, year)
    session.flush()


def _load_indicator(
    session: Session,
    ind: IndicatorIn,
    org_id: int,
    year: int,
    report: ImportReport,
    *,
    goal: Goal | None,
    objective: Objective | None,
    owner: Position | None,
    line: BudgetLine | None,
) -> Indicator:
    indicator = upsert(
        session,
        Indicator,
        {"organisation_id": org_id, "year": year, "code": ind.code},
        {
            "report_order": ind.report_order,
            "goal_id": goal.id if goal else None,
            "objective_id": objective.id if objective else None,
            "name": ind.name,
            "formula": ind.formula,
            "numerator_label": ind.numerator_label,
            "denominator_label": ind.denominator_label,
            "unit_label": ind.unit_label,
            "kind": ind.kind,
            "polarity": ind.polarity,
            "negative_formula": ind.negative_formula,
            "frequency": ind.frequency,
            "target": ind.target,
            "may_exceed_100": ind.may_exceed_100,
            "owner_position_id": owner.id if owner else None,
            "budget_line_id": line.id if line else None,
            "pk_budget": ind.pk_budget,
        },
    )
    report.add(Count.INDICATOR)
    existing = {
        qt.quarter: qt
        for qt in session.exec(
            select(QuarterTarget).where(QuarterTarget.indicator_id == indicator.id)
        )
    }
    for quarter in (1, 2, 3, 4):
        wanted = ind.quarter_targets.get(quarter)
        if wanted is not None:
            upsert(
                session,
                QuarterTarget,
                {"indicator_id": indicator.id, "quarter": quarter},
                {"target": wanted},
            )
            report.add(Count.QUARTER_TARGET)
        elif quarter in existing:  # a blank cell means: back to the default split
            session.delete(existing[quarter])
    renstra = session.exec(
        select(RenstraTarget).where(RenstraTarget.indicator_id == indicator.id)
    ).first()
    if ind.renstra_target is not None and ind.renstra_year is not None:
        upsert(
            session,
            RenstraTarget,
            {"indicator_id": indicator.id},
            {"end_year": ind.renstra_year, "target": ind.renstra_target},
        )
    elif renstra is not None:
        session.delete(renstra)
    session.flush()
    return indicator
