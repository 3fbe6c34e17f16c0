"""Writing the master-data template and the budget-realisation workbook.

The template is how a year's PK gets into SiCapai, and the written template must read back
into the same rows (the round trip): it carries the organisation, its units and positions,
the goals, the indicators with their Rencana Aksi quarter targets and Renstra targets, the
budget tree, the spending types and previous years' realisations, pre-filled from the
database as far as it knows the office, and a "Petunjuk" sheet that explains every column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from sicapai.excel.columns import (
    BUDGET_COLUMNS,
    BUDGET_SHEET,
    GOAL_COLUMNS,
    GOAL_SHEET,
    GUIDE_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    NO,
    ORG_FIELDS,
    ORG_SHEET,
    PAST_COLUMNS,
    PAST_SHEET,
    POSITION_COLUMNS,
    POSITION_SHEET,
    REALISATION_COLUMNS,
    REALISATION_SHEET,
    SPENDING_COLUMNS,
    SPENDING_SHEET,
    TABLE_SHEETS,
    UNIT_COLUMNS,
    UNIT_SHEET,
    YES,
    Col,
)
from sicapai.excel.problems import Count
from sicapai.excel.writer import (
    CellKind,
    Column,
    add_choices,
    new_workbook,
    set_column_format,
    write_table,
)
from sicapai.models.budget import SpendingType
from sicapai.models.organisation import Holding, Organisation, Position, Unit
from sicapai.models.performance import (
    Goal,
    Indicator,
    Objective,
    PastRealisation,
    QuarterTarget,
    RenstraTarget,
)
from sicapai.models.queries import budget_lines, current_budget_realisations, get_period
from sicapai.models.types import ident


@dataclass(frozen=True)
class Template:
    """A written template and what it holds, for the one-line summary."""

    workbook: Workbook
    counts: dict[Count, int]
    prefilled: bool


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _write_sheet(
    workbook: Workbook, sheet: str, columns: Sequence[Col], rows: list[list[Any]]
) -> None:
    ws = workbook.create_sheet(sheet)
    write_table(ws, [c.column() for c in columns], rows)
    for index, column in enumerate(columns, start=1):
        if column.kind is CellKind.CODE:
            set_column_format(ws, index, column.kind)
        if column.choices:
            add_choices(ws, index, column.choices)


def build_template(
    *, session: Session, organisation: Organisation | None, year: int | None
) -> Template:
    """The master-data template; pre-filled from the database as far as it knows the office.

    With an office, its units and positions are filled in; with a year whose PK is loaded,
    the whole PK too (goals, indicators with Rencana Aksi and Renstra targets, budget,
    spending types, previous years): `impor` of this file reproduces those rows.
    """
    workbook = new_workbook()
    counts: dict[Count, int] = {}
    org_id = organisation.id if organisation else None
    units = (
        list(
            session.exec(select(Unit).where(Unit.organisation_id == org_id).order_by(col(Unit.id)))
        )
        if org_id
        else []
    )
    positions = (
        list(
            session.exec(
                select(Position)
                .where(Position.organisation_id == org_id)
                .order_by(col(Position.id))
            )
        )
        if org_id
        else []
    )
    indicators: list[Indicator] = []
    if org_id and year:
        indicators = list(
            session.exec(
                select(Indicator).where(Indicator.organisation_id == org_id, Indicator.year == year)
            )
        )
    indicators.sort(key=lambda i: (not i.code.startswith("T."), i.code))
    prefilled = bool(indicators)

    _write_guide(workbook)
    org_ws = workbook.create_sheet(ORG_SHEET)
    org_rows = [
        [f.header, value, f.help]
        for f, value in zip(
            ORG_FIELDS,
            [
                organisation.code if organisation else None,
                organisation.name if organisation else None,
                organisation.timezone if organisation else "Asia/Makassar",
                year,
            ],
            strict=True,
        )
    ]
    write_table(
        org_ws,
        [
            Column("isian", width=20),
            Column("nilai", width=55),
            Column("keterangan", width=70, wrap=True),
        ],
        org_rows,
    )
    org_ws.cell(row=2, column=2).number_format = "@"

    unit_codes = {u.id: u.code for u in units}
    _write_sheet(
        workbook,
        UNIT_SHEET,
        UNIT_COLUMNS,
        [[u.code, u.name, u.kind, unit_codes.get(u.parent_id)] for u in units],
    )
    counts[Count.UNIT] = len(units)
    position_names = {p.id: p.name for p in positions}
    _write_sheet(
        workbook,
        POSITION_SHEET,
        POSITION_COLUMNS,
        [
            [
                p.name,
                unit_codes.get(p.unit_id),
                position_names.get(p.superior_id),
                _yes_no(p.budget_duty),
            ]
            for p in positions
        ],
    )
    counts[Count.POSITION] = len(positions)

    goal_rows: list[list[Any]] = []
    indicator_rows: list[list[Any]] = []
    budget_rows: list[list[Any]] = []
    spending_rows: list[list[Any]] = []
    past_rows: list[list[Any]] = []
    if org_id and year:
        goals = list(
            session.exec(
                select(Goal)
                .where(Goal.organisation_id == org_id, Goal.year == year)
                .order_by(col(Goal.code))
            )
        )
        goal_rows = [[g.code, g.name] for g in goals]
        goal_codes = {g.id: g.code for g in goals}
        objectives = {
            o.id: o
            for o in session.exec(
                select(Objective).where(Objective.organisation_id == org_id, Objective.year == year)
            )
        }
        lines = budget_lines(session=session, organisation_id=org_id, year=year)
        line_codes = {line.id: line.code for line in lines}
        ids = [i.id for i in indicators]
        quarter_targets: dict[int, dict[int, Decimal]] = {}
        renstra: dict[int, RenstraTarget] = {}
        past: list[PastRealisation] = []
        if ids:
            for qt in session.exec(
                select(QuarterTarget).where(col(QuarterTarget.indicator_id).in_(ids))
            ):
                quarter_targets.setdefault(qt.indicator_id, {})[qt.quarter] = qt.target
            renstra = {
                r.indicator_id: r
                for r in session.exec(
                    select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids))
                )
            }
            past = list(
                session.exec(
                    select(PastRealisation).where(col(PastRealisation.indicator_id).in_(ids))
                )
            )
        acting = {
            h.position_id
            for h in session.exec(
                select(Holding).where(
                    col(Holding.ended_at).is_(None), col(Holding.acting).is_(True)
                )
            )
        }
        for ind in indicators:
            objective = objectives.get(ind.objective_id) if ind.objective_id else None
            goal_id = objective.goal_id if objective else ind.goal_id
            targets = quarter_targets.get(ident(ind), {})
            end = renstra.get(ident(ind))
            indicator_rows.append(
                [
                    ind.code,
                    objective.code if objective else None,
                    objective.name if objective else None,
                    goal_codes.get(goal_id),
                    ind.report_order,
                    ind.name,
                    ind.formula or None,
                    ind.numerator_label,
                    ind.denominator_label,
                    ind.unit_label,
                    ind.kind,
                    ind.polarity,
                    ind.negative_formula,
                    ind.frequency,
                    ind.target,
                    targets.get(1),
                    targets.get(2),
                    targets.get(3),
                    targets.get(4),
                    position_names.get(ind.owner_position_id),
                    _yes_no(ind.owner_position_id in acting) if ind.owner_position_id else None,
                    _yes_no(ind.may_exceed_100),
                    line_codes.get(ind.budget_line_id),
                    ind.pk_budget,
                    end.target if end else None,
                    end.end_year if end else None,
                ]
            )
        budget_rows = [
            [
                line.code,
                line.kind,
                line.name,
                line_codes.get(line.parent_id),
                line.ceiling,
                position_names.get(line.owner_position_id),
            ]
            for line in lines
        ]
        spending_rows = [
            [s.name, s.parent_name, s.ceiling, s.realisation]
            for s in session.exec(
                select(SpendingType)
                .where(SpendingType.organisation_id == org_id, SpendingType.year == year)
                .order_by(col(SpendingType.sort_order))
            )
        ]
        codes = {i.id: i.code for i in indicators}
        past_rows = [
            [codes[p.indicator_id], p.year, p.realisation, p.achievement]
            for p in sorted(past, key=lambda p: (codes[p.indicator_id], -p.year))
        ]
    _write_sheet(workbook, GOAL_SHEET, GOAL_COLUMNS, goal_rows)
    _write_sheet(workbook, INDICATOR_SHEET, INDICATOR_COLUMNS, indicator_rows)
    _write_sheet(workbook, BUDGET_SHEET, BUDGET_COLUMNS, budget_rows)
    _write_sheet(workbook, SPENDING_SHEET, SPENDING_COLUMNS, spending_rows)
    _write_sheet(workbook, PAST_SHEET, PAST_COLUMNS, past_rows)
    counts[Count.GOAL] = len(goal_rows)
    counts[Count.INDICATOR] = len(indicator_rows)
    counts[Count.BUDGET_LINE] = len(budget_rows)
    workbook.active = workbook.sheetnames.index(INDICATOR_SHEET)
    workbook.properties.creator = "SiCapai"
    return Template(workbook=workbook, counts=counts, prefilled=prefilled)


def _write_guide(workbook: Workbook) -> None:
    ws = workbook.create_sheet(GUIDE_SHEET)
    lines: list[list[Any]] = [
        ["Templat data induk SiCapai", "", ""],
        ["", "", ""],
        ["Cara memakai", "", ""],
        [
            "1",
            "Isi atau perbaiki lembar-lembar berikut, lalu muat dengan: sicapai impor BERKAS.xlsx",
            "",
        ],
        [
            "2",
            "Berkas diperiksa seluruhnya lebih dulu. Bila ada satu saja masalah, tidak ada data "
            "yang dimuat; setiap masalah disebut dengan lembar, sel dan kolomnya, mis. "
            "Indikator!J7 (satuan): kosong.",
            "",
        ],
        [
            "3",
            "Baris dicocokkan dengan data yang ada menurut kode (atau nama untuk jabatan dan "
            "jenis belanja) lalu diperbarui; yang belum ada ditambahkan. Jabatan, unit, orang dan "
            "pemegang jabatan yang ada tidak pernah dihapus.",
            "",
        ],
        [
            "4",
            "Angka boleh ditulis sebagai angka Excel atau teks cara Indonesia: 1.762 (seribu "
            "tujuh ratus enam puluh dua), 29,71 (desimal). Tulisan yang bermakna ganda ditolak, "
            "tidak ditebak.",
            "",
        ],
        [
            "5",
            "Untuk Perjanjian Kinerja tahun baru: ubah tahun di lembar Organisasi (atau pakai "
            "--tahun), isi indikator dan anggarannya; PK tahun lain tetap tersimpan.",
            "",
        ],
        [
            "6",
            "Realisasi anggaran per triwulan dimuat dengan berkas lain yang berlembar "
            "“Realisasi Anggaran” (buat dengan: sicapai templat --tahun TAHUN --triwulan N).",
            "",
        ],
        ["", "", ""],
        ["Lembar", "Kolom", "Keterangan"],
        [
            ORG_SHEET,
            "",
            "Identitas organisasi dan tahun PK. Organisasi yang belum ada dibuat "
            "dari lembar ini, jadi berkas ini bisa dimuat ke basis data kosong.",
        ],
    ]
    lines += [[ORG_SHEET, f.header, f.help] for f in ORG_FIELDS]
    for sheet, columns, about in TABLE_SHEETS:
        lines.append([sheet, "", about])
        for column in columns:
            help_text = column.help
            if column.choices:
                help_text += " Pilihan: " + ", ".join(column.choices) + "."
            lines.append([sheet, column.header, help_text.strip()])
    write_table(
        ws,
        [Column("Petunjuk", width=18), Column("", width=24), Column("", width=100, wrap=True)],
        lines,
    )
    ws.freeze_panes = None


def build_realisation_template(
    *, session: Session, organisation: Organisation, year: int, quarter: int
) -> Template:
    """A "Realisasi Anggaran" workbook for the finance subsection: every line, amounts blank
    (or the current figure when one exists, so a correction only changes what it changes)."""
    assert organisation.id is not None
    lines = budget_lines(session=session, organisation_id=organisation.id, year=year)
    period = get_period(
        session=session, organisation_id=organisation.id, year=year, quarter=quarter
    )
    current = (
        current_budget_realisations(session=session, period_id=period.id)
        if period and period.id
        else {}
    )
    workbook = new_workbook()
    ws = workbook.create_sheet(REALISATION_SHEET)
    ws.cell(row=1, column=1, value=REALISATION_SHEET).font = Font(bold=True, size=12)
    ws.cell(row=2, column=1, value="tahun")
    ws.cell(row=2, column=2, value=year)
    ws.cell(row=3, column=1, value="triwulan")
    ws.cell(row=3, column=2, value=quarter)
    ws.cell(row=4, column=1, value=organisation.name)
    rows = []
    for line in lines:
        existing = current.get(ident(line))
        rows.append([line.code, line.name, existing.amount if existing else None])
    write_table(ws, [c.column() for c in REALISATION_COLUMNS], rows, start_row=6)
    set_column_format(ws, 1, CellKind.CODE)
    return Template(
        workbook=workbook, counts={Count.BUDGET_LINE: len(lines)}, prefilled=bool(current)
    )
