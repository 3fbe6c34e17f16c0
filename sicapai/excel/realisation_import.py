"""Loading a quarter's budget realisation from a "Realisasi Anggaran" workbook.

The finance subsection keeps its figures in Excel and reports all budget lines at once, so a
realisation file is one table (kode, nama, realisasi) under a header that names the year and
the quarter. As with the template, the whole file is checked first and nothing is written
when anything is wrong. Realisations are never overwritten: each changed amount is a new
numbered `BudgetRealisation`, as when it is reported in chat; an unchanged one is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from sicapai.excel.cells import (
    HEADER_SEARCH_ROWS,
    Checker,
    Row,
    at,
    blank,
    norm,
    read_table,
    whole_year,
)
from sicapai.excel.columns import REALISATION_COLUMNS, REALISATION_SHEET
from sicapai.excel.problems import (
    Count,
    ImportReport,
    Issue,
    Note,
    NoteKind,
    Problem,
    Problems,
    Reason,
)
from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.organisation import Organisation
from sicapai.models.performance import Period
from sicapai.models.queries import (
    budget_lines,
    current_budget_realisations,
    get_period,
    resolve_organisation,
)
from sicapai.models.reporting import current_budget
from sicapai.models.seeding import ensure_periods
from sicapai.reports.numbers import Field as NumberField
from sicapai.reports.periods import ROMAN

HEADER_LABELS: Final = {
    "tahun": "tahun",
    "tahun anggaran": "tahun",
    "triwulan": "triwulan",
    "tw": "triwulan",
    "periode": "triwulan",
}
HeaderCells = dict[str, tuple[Any, int, str]]  # key -> (value, row, letter)


def quarter_value(value: Any) -> int | None:
    """4, "4", "IV", "TW IV", "Triwulan 4" -> 4."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if value in (1, 2, 3, 4) else None
    words = str(value).strip().upper().replace("TRIWULAN", "").replace("TW", "").split()
    if len(words) != 1:
        return None
    token = words[0]
    roman = {v: k for k, v in ROMAN.items()}
    if token in roman:
        return roman[token]
    return int(token) if token in ("1", "2", "3", "4") else None


def _realisation_header(ws: Worksheet) -> HeaderCells:
    """The "tahun"/"triwulan" cells above the table."""
    found: HeaderCells = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS)):
        for index, cell in enumerate(row):
            label = cell.value
            if not isinstance(label, str):
                continue
            key = HEADER_LABELS.get(norm(label).rstrip(":").strip(), "")
            if key and key not in found:
                for right in row[index + 1 :]:
                    if not blank(right.value):
                        found[key] = (
                            right.value,
                            at(right.row),
                            get_column_letter(at(right.column)),
                        )
                        break
                else:
                    found[key] = (None, at(cell.row), get_column_letter(at(cell.column) + 1))
    return found


def _from_header(
    header: HeaderCells,
    key: str,
    given: int | None,
    parse: Callable[[Any], int | None],
    problems: Problems,
) -> int | None:
    """The year or quarter: the header's cell, the caller's, or both when they agree."""
    is_year = key == "tahun"
    if key not in header or blank(header[key][0]):
        if given is None:
            issue = Issue.YEAR_NOT_GIVEN if is_year else Issue.QUARTER_NOT_GIVEN
            problems.add(Problem(REALISATION_SHEET, None, None, Reason(issue)))
        return given
    value, row, letter = header[key]
    parsed = parse(value)
    if parsed is None:
        reason = Reason(Issue.UNKNOWN_VALUE, value=str(value))
        problems.add(Problem(REALISATION_SHEET, row, letter, reason, key))
        return given
    if given is not None and given != parsed:
        if is_year:
            reason = Reason(Issue.OTHER_YEAR, year=parsed, given=given)
        else:
            reason = Reason(Issue.OTHER_QUARTER, quarter=parsed, given=given)
        problems.add(Problem(REALISATION_SHEET, row, letter, reason, key))
    return parsed


@dataclass(frozen=True)
class PlannedRow:
    """One filled row of a flawless sheet: the line, the amount in the file and the line's
    current realisation (None: not reported yet), read before anything is written."""

    row: int
    cell: str  # where the amount is, e.g. "C7"
    line: BudgetLine
    amount: Decimal
    current: BudgetRealisation | None

    @property
    def unchanged(self) -> bool:
        return self.current is not None and self.current.amount == self.amount


@dataclass(frozen=True)
class RealisationPlan:
    """What a flawless sheet would write, so the chat can show it before it is saved; the
    period is None when the quarter has no row yet (nothing reported in it)."""

    organisation: Organisation
    year: int
    quarter: int
    period: Period | None
    rows: list[PlannedRow]
    skipped: int


def check_realisation(
    session: Session,
    ws: Worksheet,
    report: ImportReport,
    *,
    organisation: Organisation | None,
    year: int | None,
    quarter: int | None,
) -> RealisationPlan | None:
    """Validate the sheet without writing; the plan when it is flawless, else None with the
    problems in `report`. `sicapai impor` and the chat's `/anggaran` share this one check."""
    sheet = REALISATION_SHEET
    problems = Problems()
    org = organisation or resolve_organisation(session=session)
    assert org.id is not None
    report.organisation = org.code
    header = _realisation_header(ws)
    the_year = _from_header(header, "tahun", year, whole_year, problems)
    the_quarter = _from_header(header, "triwulan", quarter, quarter_value, problems)
    report.year, report.quarter = the_year, the_quarter
    lines: dict[str, BudgetLine] = {}
    if the_year is not None:
        lines = {
            line.code: line
            for line in budget_lines(session=session, organisation_id=org.id, year=the_year)
        }
        if not lines:
            problems.add(Problem(sheet, None, None, Reason(Issue.NO_BUDGET, year=the_year)))
    period: Period | None = None
    if the_year is not None and the_quarter is not None and lines:
        period = get_period(
            session=session, organisation_id=org.id, year=the_year, quarter=the_quarter
        )
        if period is not None and period.locked:
            reason = Reason(Issue.QUARTER_LOCKED, year=the_year, quarter=the_quarter)
            problems.add(Problem(sheet, None, None, reason))

    table = read_table(ws, REALISATION_COLUMNS, problems)
    amounts: list[tuple[Row, BudgetLine, Decimal]] = []
    skipped = 0
    if table is not None:
        check = Checker(table, problems)
        seen: dict[str, int] = {}
        for row in table.rows:
            code = check.text(row, "kode", limit=40)
            amount = check.number(row, "realisasi", kind=NumberField.RUPIAH)
            if code is None:
                if not row.blank("realisasi"):
                    check.add(row.number, "kode", Issue.EMPTY)
                continue
            if check.repeated(seen, row, "kode", code, Issue.DUPLICATE_CODE):
                continue
            line = lines.get(code)
            if line is None and lines:
                reason = Reason(Issue.UNKNOWN_LINE, value=code, year=the_year)
                check.add(row.number, "kode", reason)
                continue
            if row.blank("realisasi"):
                skipped += 1
                continue
            if line is not None and amount is not None:
                amounts.append((row, line, amount))
    report.take(problems)
    if not report.ok or the_year is None or the_quarter is None:
        return None

    previous = (
        get_period(session=session, organisation_id=org.id, year=the_year, quarter=the_quarter - 1)
        if the_quarter > 1
        else None
    )
    before = (
        current_budget_realisations(session=session, period_id=previous.id)
        if previous and previous.id
        else {}
    )
    letter = table.letters["realisasi"] if table else "C"
    planned: list[PlannedRow] = []
    for row, line, amount in amounts:
        assert line.id is not None
        if amount > line.ceiling:
            report.warnings.append(
                Note(
                    NoteKind.ABOVE_CEILING,
                    sheet,
                    row.number,
                    letter,
                    item=line.code,
                    amount=amount,
                    limit=line.ceiling,
                )
            )
        earlier = before.get(line.id)
        if earlier is not None and amount < earlier.amount:
            report.warnings.append(
                Note(
                    NoteKind.CUMULATIVE_DOWN,
                    sheet,
                    row.number,
                    letter,
                    item=line.code,
                    amount=amount,
                    limit=earlier.amount,
                )
            )
        current = (
            current_budget(session=session, line_id=line.id, period_id=period.id)
            if period is not None and period.id is not None
            else None
        )
        planned.append(PlannedRow(row.number, f"{letter}{row.number}", line, amount, current))
    return RealisationPlan(org, the_year, the_quarter, period, planned, skipped)


def import_realisation(
    session: Session,
    ws: Worksheet,
    report: ImportReport,
    *,
    organisation: Organisation | None,
    year: int | None,
    quarter: int | None,
    person_id: int | None,
    now: datetime,
) -> None:
    """Validate the sheet and, if flawless, append the changed realisations (no commit)."""
    plan = check_realisation(
        session, ws, report, organisation=organisation, year=year, quarter=quarter
    )
    if plan is None:
        return
    period = plan.period or ensure_periods(session, plan.organisation, plan.year)[plan.quarter]
    assert period.id is not None
    unchanged = 0
    for planned in plan.rows:
        assert planned.line.id is not None
        if planned.unchanged:
            unchanged += 1
            continue
        current = planned.current
        session.add(
            BudgetRealisation(
                budget_line_id=planned.line.id,
                period_id=period.id,
                number=(current.number + 1) if current else 1,
                amount=planned.amount,
                reason=f"impor berkas {report.filename}",
                person_id=person_id,
                source="impor",
                created_at=now,
            )
        )
        report.add(Count.REALISATION if current is None else Count.CORRECTION)
    if unchanged:
        report.add(Count.UNCHANGED, unchanged)
    if plan.skipped:
        report.add(Count.SKIPPED, plan.skipped)
    session.flush()
