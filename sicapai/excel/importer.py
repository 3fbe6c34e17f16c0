"""`import_workbook`: the one way a filled workbook gets into the database.

Planners keep the PK in Excel, and the finance subsection keeps budget realisation there too.
Typing 24 indicators and 64 budget lines into a chat is no way to start a year, so the office
fills a workbook instead and SiCapai loads it, from the command line (`sicapai impor`) or the
chat (`/impor`). This module tells the two kinds of file apart by their sheets and hands each
to its importer; both validate everything first and load nothing when anything is wrong.

The template written from the database reads back into the same rows (the round trip):
`templat --tahun 2025` on one database, `impor` into an empty one, same PK.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import Session

from sicapai.excel.columns import INDICATOR_SHEET, REALISATION_SHEET
from sicapai.excel.problems import ImportKind, ImportReport, Note, NoteKind, Problems
from sicapai.excel.realisation_import import import_realisation
from sicapai.excel.template_load import load_template
from sicapai.excel.template_validate import validate_template
from sicapai.excel.workbook import Failure, WorkbookError, open_workbook, source_name
from sicapai.models.organisation import Organisation
from sicapai.models.types import utcnow


def import_workbook(
    session: Session,
    source: Path | str | bytes,
    *,
    organisation: Organisation | None,
    year: int | None,
    quarter: int | None,
    person_id: int | None,
    filename: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Validate a filled template or a budget-realisation workbook and, if flawless, load it.

    The shape is told by the sheet names: "Indikator" means the master-data template,
    "Realisasi Anggaran" a quarter's budget realisation. `organisation` is the office the
    caller acts for (None: the template's own office, or the only office for a realisation
    file); `year` and `quarter` fill in what the workbook leaves blank and must agree with
    what it says. Nothing is written unless `report.ok`; the caller commits.
    Raises WorkbookError when the file is not a workbook SiCapai knows.
    """
    name = source_name(source, filename)
    workbook = open_workbook(source, name)
    sheets = set(workbook.sheetnames)
    if INDICATOR_SHEET in sheets and REALISATION_SHEET in sheets:
        raise WorkbookError(Failure.BOTH_SHEETS, name)
    if INDICATOR_SHEET in sheets:
        report = ImportReport(kind=ImportKind.TEMPLATE, filename=name)
        _import_template(session, workbook, report, organisation=organisation, year=year)
        if quarter is not None and report.ok:
            report.warnings.append(Note(NoteKind.QUARTER_IGNORED))
        return report
    if REALISATION_SHEET in sheets:
        report = ImportReport(kind=ImportKind.REALISATION, filename=name)
        import_realisation(
            session,
            workbook[REALISATION_SHEET],
            report,
            organisation=organisation,
            year=year,
            quarter=quarter,
            person_id=person_id,
            now=now or utcnow(),
        )
        return report
    raise WorkbookError(Failure.NO_KNOWN_SHEET, name)


def _import_template(
    session: Session,
    workbook: Workbook,
    report: ImportReport,
    *,
    organisation: Organisation | None,
    year: int | None,
) -> None:
    problems = Problems()
    template = validate_template(session, workbook, problems, organisation, year)
    report.take(problems)
    if template is None or not report.ok:
        return
    load_template(session, template, report)
