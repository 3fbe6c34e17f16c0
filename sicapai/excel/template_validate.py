"""Validating a filled master-data template as a whole, before anything is loaded.

An office that loads half a PK and fixes the rest by hand ends up with a PK nobody agreed to,
so the whole file is checked first: which office and year it is for (from the Organisasi
sheet, the caller, or both, and then they must agree), what already exists in the database
for references to point at, then every table sheet (`template_sheets`). The result is a
`MasterData` only when no problem was found.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from sicapai.excel.cells import Table, at, blank, norm, read_table, whole_year
from sicapai.excel.columns import (
    BUDGET_SHEET,
    GOAL_SHEET,
    INDICATOR_SHEET,
    ORG_FIELDS,
    ORG_SHEET,
    PAST_SHEET,
    POSITION_SHEET,
    SPENDING_SHEET,
    TABLE_SHEETS,
    UNIT_SHEET,
)
from sicapai.excel.problems import Issue, Problem, Problems, Reason
from sicapai.excel.template_data import MasterData
from sicapai.excel.template_sheets import (
    validate_budget,
    validate_goals,
    validate_indicators,
    validate_past,
    validate_positions,
    validate_spending,
    validate_units,
)
from sicapai.models.budget import BudgetLine, SpendingType
from sicapai.models.organisation import Organisation, Position, Unit
from sicapai.models.people import normalise_position_name
from sicapai.models.performance import Goal, Indicator

OrgCells = dict[str, tuple[Any, int, str]]  # key -> (value, row, label)


def _read_org_sheet(ws: Worksheet) -> OrgCells:
    """The key-value cells of the Organisasi sheet."""
    labels = {norm(f.header): f for f in ORG_FIELDS}
    found: OrgCells = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30), max_col=2):
        label = row[0].value
        if isinstance(label, str) and norm(label) in labels:
            spec = labels[norm(label)]
            value = row[1].value if len(row) > 1 else None
            found[spec.key] = (value, at(row[0].row), spec.header)
    return found


def _org_value(cells: OrgCells, key: str, problems: Problems, limit: int) -> str | None:
    if key not in cells:
        return None
    value, row, label = cells[key]
    if blank(value):
        return None
    text = " ".join(str(value).split())
    if len(text) > limit:
        problems.add(Problem(ORG_SHEET, row, "B", Reason(Issue.TOO_LONG, high=limit), label))
        return None
    return text


def _org_problem(cells: OrgCells, key: str, reason: Reason, label: str | None = None) -> Problem:
    """A problem in the value cell (column B) of an Organisasi row, or the sheet when the
    row is missing."""
    if key in cells:
        _, row, found_label = cells[key]
        return Problem(ORG_SHEET, row, "B", reason, label or found_label)
    return Problem(ORG_SHEET, None, None, reason, label)


def validate_template(
    session: Session,
    workbook: Workbook,
    problems: Problems,
    organisation: Organisation | None,
    year: int | None,
) -> MasterData | None:
    """The template's contents, or None when any problem was found (all in `problems`)."""
    # Organisation and year: from the Organisasi sheet, the caller, or both (then they agree).
    cells = _read_org_sheet(workbook[ORG_SHEET]) if ORG_SHEET in workbook else {}
    code = _org_value(cells, "kode", problems, 64)
    name = _org_value(cells, "nama", problems, 200)
    zone = _org_value(cells, "zona_waktu", problems, 64)
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.add(
                _org_problem(cells, "zona_waktu", Reason(Issue.UNKNOWN_TIMEZONE, value=zone))
            )
            zone = None
    if organisation is not None:
        if code and code != organisation.code:
            reason = Reason(Issue.OTHER_ORGANISATION, value=code, other=organisation.code)
            problems.add(_org_problem(cells, "kode", reason))
        code = organisation.code
    elif not code:
        if "kode" in cells:
            problems.add(_org_problem(cells, "kode", Reason(Issue.EMPTY), "kode organisasi"))
        elif ORG_SHEET in workbook:
            reason = Reason(Issue.MISSING_ORG_ROW, value="kode organisasi")
            problems.add(Problem(ORG_SHEET, None, None, reason))
        else:
            problems.add(Problem(ORG_SHEET, None, None, Reason(Issue.NO_ORG_SHEET)))
    existing = (
        session.exec(select(Organisation).where(Organisation.code == code)).first()
        if code
        else None
    )
    if existing is None and code and not name:
        reason = Reason(Issue.NEW_ORG_NEEDS_NAME, value=code)
        problems.add(_org_problem(cells, "nama", reason, "nama organisasi"))
    sheet_year: int | None = None
    if "tahun" in cells and not blank(cells["tahun"][0]):
        value = cells["tahun"][0]
        sheet_year = whole_year(value)
        if sheet_year is None:
            problems.add(_org_problem(cells, "tahun", Reason(Issue.NOT_A_YEAR, value=str(value))))
        elif year is not None and year != sheet_year:
            reason = Reason(Issue.OTHER_YEAR, year=sheet_year, given=year)
            problems.add(_org_problem(cells, "tahun", reason))
    the_year = year or sheet_year
    if the_year is None:
        problems.add(_org_problem(cells, "tahun", Reason(Issue.NO_YEAR), "tahun"))
    org_id = existing.id if existing else None
    template = MasterData(org_code=code or "", org_name=name, timezone=zone, year=the_year or 0)

    # What already exists, so references may point at it.
    db_units: set[str] = set()
    db_positions: dict[str, str] = {}
    if org_id:
        db_units = {
            u.code for u in session.exec(select(Unit).where(Unit.organisation_id == org_id))
        }
        db_positions = {
            normalise_position_name(p.name): p.name
            for p in session.exec(select(Position).where(Position.organisation_id == org_id))
        }
    db_goals: set[str] = set()
    db_lines: set[str] = set()
    db_indicators: set[str] = set()
    db_spending: set[str] = set()
    if org_id and the_year:
        db_goals = set(
            session.exec(
                select(Goal.code).where(Goal.organisation_id == org_id, Goal.year == the_year)
            )
        )
        db_lines = set(
            session.exec(
                select(BudgetLine.code).where(
                    BudgetLine.organisation_id == org_id, BudgetLine.year == the_year
                )
            )
        )
        db_indicators = set(
            session.exec(
                select(Indicator.code).where(
                    Indicator.organisation_id == org_id, Indicator.year == the_year
                )
            )
        )
        db_spending = set(
            session.exec(
                select(SpendingType.name).where(
                    SpendingType.organisation_id == org_id, SpendingType.year == the_year
                )
            )
        )

    tables: dict[str, Table] = {}
    for sheet, columns, _ in TABLE_SHEETS:
        if sheet in workbook:
            table = read_table(workbook[sheet], columns, problems)
            if table is not None:
                tables[sheet] = table

    unit_codes = validate_units(tables.get(UNIT_SHEET), problems, template, db_units)
    positions = validate_positions(
        tables.get(POSITION_SHEET), problems, template, unit_codes, db_positions
    )
    goal_codes = validate_goals(tables.get(GOAL_SHEET), problems, template) | db_goals
    line_codes = validate_budget(tables.get(BUDGET_SHEET), problems, template, db_lines, positions)
    indicator_codes = validate_indicators(
        tables.get(INDICATOR_SHEET), problems, template, goal_codes, line_codes, positions
    )
    validate_spending(tables.get(SPENDING_SHEET), problems, template, db_spending)
    validate_past(tables.get(PAST_SHEET), problems, template, indicator_codes | db_indicators)
    return template if not problems else None
