"""The LKjIP workbook: the tables of Bab III filled from what was reported, one sheet each.

The planner who writes the yearly report copies these tables into the document, and the
evaluator asks for the figures behind them. So every sheet is named after the report's own
table ("Tabel 3.3"), has the report's columns, and holds real numbers that agree to the
cent with `sicapai capaian`: the rows are made by the same `evaluate` and `capaian_rows`.

Everything here is a pure function of `ExportData` (`export_rows`);
`export_data.gather_export` fills it from the database. The sheet titles and column headers
are the report's own, so they are written here, not in the handlers' texts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sicapai.excel.export_criteria import criteria_sheet
from sicapai.excel.export_rows import ExportData
from sicapai.excel.writer import CellKind, Column, Styled, new_workbook, write_table
from sicapai.reports.capaian import absorption, achievement, efficiency, round2
from sicapai.reports.domain import Status
from sicapai.reports.numbers import XLSX_PERCENT, xlsx_format
from sicapai.reports.periods import ROMAN
from sicapai.reports.summary import IndicatorResult, sort_by_code, sort_by_report
from sicapai.reports.tables import KIND_KEY, capaian_rows

SHEETS = (
    "Tabel 3.1",
    "Tabel 3.2",
    "Tabel 3.3",
    "Tabel 3.4",
    "Tabel 3.5",
    "Tabel 3.7",
    "Tabel 3.10",
    "Tabel 3.11",
    "Per Triwulan",
    "Narasi",
    "Bukti Dukung",
)

KIND_LABELS = {"program": "Program", "kegiatan": "Kegiatan", "subkegiatan": "Sub Kegiatan"}
STATUS_LABELS: dict[str, str] = {
    Status.NOT_YET: "Belum",
    Status.DRAFT: "Draf",
    Status.SENT: "Terkirim",
    Status.RETURNED: "Dikembalikan",
    Status.APPROVED: "Disetujui",
}
NOT_DUE = "Tidak dijadwalkan"
NOT_AVAILABLE = "N/A"  # as the report prints a year without a figure


def is_goal(result: IndicatorResult) -> bool:
    """Goal (tujuan) indicators are coded T.n; they belong in Tabel 3.2, not 3.3."""
    return result.spec.code.startswith("T.")


def _period_label(year: int, quarter: int) -> str:
    return f"Tahun {year}" if quarter == 4 else f"Tahun {year} s.d. TW {ROMAN[quarter]}"


def _or_na(value: Decimal | None) -> Decimal | str:
    return NOT_AVAILABLE if value is None else value


def _r2(value: Decimal | None) -> Decimal | None:
    return round2(value) if value is not None else None


def _table(
    ws: Worksheet,
    columns: list[Column],
    body: list[list[Any]],
    kinds: list[str | None],
    **options: Any,
) -> None:
    """Write a table, then give its figures the table rule's display formats.

    The shared writer formats by column, but a column of Tabel 3.3 holds percentages on one
    row and job seekers on the next: a percentage shows "100,00%", a count "1.762" (domain
    brief, "How numbers are printed"). `kinds` holds each row's indicator kind, or None for a
    row that is not an indicator's.
    """
    first = write_table(ws, columns, body, **options)
    for offset, kind in enumerate(kinds):
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=first + offset, column=index)
            if column.kind is CellKind.PERCENT:
                cell.number_format = XLSX_PERCENT
            elif column.kind is CellKind.NUMBER and kind is not None:
                cell.number_format = xlsx_format(kind)


def build_export(data: ExportData) -> Workbook:
    """The workbook with the sheets named in `SHEETS`, in that order."""
    workbook = new_workbook()
    current = data.results.get(data.quarter, [])
    label = _period_label(data.year, data.quarter)
    criteria_sheet(workbook)
    _goal_sheet(workbook, current, label)
    _performance_sheet(workbook, current, label)
    _past_sheet(workbook, data, current)
    _renstra_sheet(workbook, data, current, label)
    _efficiency_sheet(workbook, data, current, label)
    _spending_sheet(workbook, data)
    _budget_sheet(workbook, data, label)
    _quarters_sheet(workbook, data)
    _narrative_sheet(workbook, data)
    _evidence_sheet(workbook, data)
    workbook.properties.title = f"LKjIP {data.organisation} {label}"
    workbook.properties.creator = "SiCapai"
    return workbook


SASARAN = Column("Sasaran Strategis/Sasaran Kinerja", width=40, wrap=True)
INDIKATOR = Column("Indikator Kinerja", width=50, wrap=True)
NO = Column("No", CellKind.INTEGER)


def _goal_sheet(workbook: Workbook, results: list[IndicatorResult], label: str) -> None:
    rows = capaian_rows(sort_by_code([r for r in results if is_goal(r)]))
    columns = [
        NO,
        Column("Tujuan", width=40, wrap=True),
        Column("Indikator Tujuan", width=40, wrap=True),
        Column("Target", CellKind.NUMBER),
        Column("Satuan"),
        Column("Realisasi", CellKind.NUMBER),
        Column("Capaian (%)", CellKind.PERCENT),
    ]
    body = [
        [n, r["sasaran"], r["indikator"], r["target"], r["satuan"], r["realisasi"], r["capaian"]]
        for n, r in enumerate(rows, start=1)
    ]
    _table(
        workbook.create_sheet("Tabel 3.2"),
        columns,
        body,
        [r[KIND_KEY] for r in rows],
        title=f"Tabel 3.2 Realisasi Tujuan {label}",
    )


def _performance_sheet(workbook: Workbook, results: list[IndicatorResult], label: str) -> None:
    rows = capaian_rows(sort_by_report([r for r in results if not is_goal(r)]))
    columns = [
        NO,
        SASARAN,
        INDIKATOR,
        Column("Target", CellKind.NUMBER),
        Column("Satuan"),
        Column("Realisasi", CellKind.NUMBER),
        Column("Capaian (%)", CellKind.PERCENT),
        Column("Kriteria"),
    ]
    body = [
        [
            n,
            r["sasaran"],
            r["indikator"],
            r["target"],
            r["satuan"],
            r["realisasi"],
            r["capaian"],
            r["kriteria"],
        ]
        for n, r in enumerate(rows, start=1)
    ]
    _table(
        workbook.create_sheet("Tabel 3.3"),
        columns,
        body,
        [r[KIND_KEY] for r in rows],
        title=f"Tabel 3.3 Realisasi Kinerja {label}",
    )


def _past_sheet(workbook: Workbook, data: ExportData, results: list[IndicatorResult]) -> None:
    years = sorted({p.year for rows in data.past.values() for p in rows}, reverse=True)
    columns = [NO, SASARAN, INDIKATOR, Column("Satuan")]
    groups: list[tuple[str, int]] = [("", 4), (f"Tahun {data.year}", 2)]
    for _ in [data.year, *years]:
        columns += [Column("Realisasi", CellKind.NUMBER), Column("Capaian (%)", CellKind.PERCENT)]
    groups += [(f"Tahun {year}", 2) for year in years]
    body: list[list[Any]] = []
    kinds: list[str | None] = []
    for n, result in enumerate(sort_by_code([r for r in results if not is_goal(r)]), start=1):
        spec = result.spec
        kinds.append(spec.kind)
        row: list[Any] = [
            n,
            spec.objective,
            spec.name,
            spec.unit_label,
            _r2(result.realisation.value),
            _r2(result.achievement.value),
        ]
        by_year = {p.year: p for p in data.past.get(spec.code, [])}
        for year in years:  # the report's "N/A": no figure that year, or none to compare with
            past = by_year.get(year)
            row += [
                _or_na(past.realisation if past else None),
                _or_na(past.achievement if past else None),
            ]
        body.append(row)
    title = f"Tabel 3.4 Perbandingan Realisasi/Capaian Kinerja Tahun {data.year}"
    title += " Dengan Tahun Sebelumnya"
    _table(workbook.create_sheet("Tabel 3.4"), columns, body, kinds, title=title, groups=groups)


def _renstra_sheet(
    workbook: Workbook, data: ExportData, results: list[IndicatorResult], label: str
) -> None:
    columns = [
        NO,
        SASARAN,
        INDIKATOR,
        Column("Satuan"),
        Column(f"Realisasi {label}", CellKind.NUMBER),
        Column("Target Periode Akhir Renstra", CellKind.NUMBER),
        Column("Tahun Akhir Renstra", CellKind.YEAR),
        Column("Persentase Capaian Periode Akhir Renstra (%)", CellKind.PERCENT),
    ]
    body: list[list[Any]] = []
    kinds: list[str | None] = []
    ordered = sort_by_report([r for r in results if not is_goal(r)])
    for result in ordered:
        renstra = data.renstra.get(result.spec.code)
        if renstra is None:
            continue
        spec = result.spec
        kinds.append(spec.kind)
        toward = achievement(
            result.realisation.value,
            renstra.target,
            polarity=spec.polarity,
            negative_formula=spec.negative_formula,
        )
        body.append(
            [
                len(body) + 1,
                spec.objective,
                spec.name,
                spec.unit_label,
                _r2(result.realisation.value),
                renstra.target,
                renstra.end_year,
                _r2(toward.value),
            ]
        )
    ends = sorted({r.end_year for r in data.renstra.values()})
    suffix = f" ({ends[0]})" if len(ends) == 1 else ""
    title = f"Tabel 3.5 Perbandingan Realisasi Kinerja {label} Dengan Target Periode Akhir"
    _table(workbook.create_sheet("Tabel 3.5"), columns, body, kinds, title=title + suffix)


def _efficiency_sheet(
    workbook: Workbook, data: ExportData, results: list[IndicatorResult], label: str
) -> None:
    lines = {line.code: line for line in data.budget}
    columns = [
        NO,
        SASARAN,
        INDIKATOR,
        Column("Mata Anggaran", width=40, wrap=True),
        Column("% Capaian Kinerja", CellKind.PERCENT),
        Column("% Penyerapan Anggaran", CellKind.PERCENT),
        Column("Tingkat Efisiensi (%)", CellKind.PERCENT),
    ]
    body: list[list[Any]] = []
    for result in sort_by_code([r for r in results if not is_goal(r)]):
        line = lines.get(data.indicator_budget.get(result.spec.code, ""))
        if line is None:
            continue
        achieved = _r2(result.achievement.value)
        spent = _r2(absorption(line.realisation, line.ceiling))
        body.append(
            [
                len(body) + 1,
                result.spec.objective,
                result.spec.name,
                f"{line.code} {line.name}",
                achieved,
                spent,
                efficiency(achieved, spent),  # of the printed (rounded) figures, as the seed
            ]
        )
    _table(
        workbook.create_sheet("Tabel 3.7"),
        columns,
        body,
        [None] * len(body),
        title=f"Tabel 3.7 Efisiensi Penggunaan Sumber Daya {label}",
    )


def _spending_sheet(workbook: Workbook, data: ExportData) -> None:
    columns = [
        NO,
        Column("Belanja", width=40),
        Column("Anggaran", CellKind.RUPIAH),
        Column("Realisasi", CellKind.RUPIAH),
        Column("Capaian (%)", CellKind.PERCENT),
    ]
    body: list[list[Any]] = []
    top = 0
    for row in data.spending:
        number: int | None = None
        if row.parent_name:
            name = Styled(row.name, indent=2)
        else:
            top += 1
            number, name = top, Styled(row.name, bold=True)
        body.append(
            [
                number,
                name,
                row.ceiling,
                row.realisation,
                _r2(absorption(row.realisation, row.ceiling)),
            ]
        )
    _table(
        workbook.create_sheet("Tabel 3.10"),
        columns,
        body,
        [None] * len(body),
        title=f"Tabel 3.10 Realisasi Jenis Belanja Tahun {data.year}",
    )


def _budget_sheet(workbook: Workbook, data: ExportData, label: str) -> None:
    columns = [
        NO,
        Column("Kode", CellKind.CODE),
        Column("Program/Kegiatan/Sub Kegiatan", width=70, wrap=True),
        Column("Anggaran", CellKind.RUPIAH),
        Column("Realisasi", CellKind.RUPIAH),
        Column("Serapan (%)", CellKind.PERCENT),
    ]
    body: list[list[Any]] = []
    programs = 0
    total_ceiling, total_spent, any_spent = Decimal(0), Decimal(0), False
    for line in data.budget:
        kind = KIND_LABELS.get(line.kind, line.kind.title())
        number: int | None = None
        if line.level == 0:
            programs += 1
            number = programs
            total_ceiling += line.ceiling
            if line.realisation is not None:
                total_spent += line.realisation
                any_spent = True
        body.append(
            [
                number,
                line.code,
                Styled(f"{kind} : {line.name}", indent=line.level * 2, bold=line.level == 0),
                line.ceiling,
                line.realisation,
                _r2(absorption(line.realisation, line.ceiling)),
            ]
        )
    if body:
        spent = total_spent if any_spent else None
        body.append(
            [
                None,
                None,
                Styled("Jumlah", bold=True),
                total_ceiling,
                spent,
                _r2(absorption(spent, total_ceiling)),
            ]
        )
    title = f"Tabel 3.11 Realisasi Anggaran Berdasarkan Program, Kegiatan Dan Sub Kegiatan {label}"
    _table(workbook.create_sheet("Tabel 3.11"), columns, body, [None] * len(body), title=title)


def _status(result: IndicatorResult) -> str:
    if result.reported is None and not result.due:
        return NOT_DUE
    return STATUS_LABELS.get(result.status, result.status)


def _quarters_sheet(workbook: Workbook, data: ExportData) -> None:
    columns = [
        Column("Kode", CellKind.CODE),
        INDIKATOR,
        Column("Satuan"),
        Column("Target Tahunan", CellKind.NUMBER),
    ]
    groups: list[tuple[str, int]] = [("", 4)]
    for quarter in (1, 2, 3, 4):
        columns += [
            Column("Target", CellKind.NUMBER),
            Column("Realisasi", CellKind.NUMBER),
            Column("Capaian (%)", CellKind.PERCENT),
            Column("Status"),
        ]
        groups.append((f"TW {ROMAN[quarter]}", 4))
    per_quarter = {q: {r.spec.code: r for r in data.results.get(q, [])} for q in (1, 2, 3, 4)}
    ordered = sort_by_code(data.results.get(data.quarter) or data.results.get(4) or [])
    body: list[list[Any]] = []
    for base in ordered:
        spec = base.spec
        row: list[Any] = [spec.code, spec.name, spec.unit_label, spec.target]
        for quarter in (1, 2, 3, 4):
            result = per_quarter[quarter].get(spec.code)
            if result is None:
                row += [_r2(spec.target_for(quarter)), None, None, ""]
                continue
            row += [
                _r2(result.target),
                _r2(result.realisation.value),
                _r2(result.achievement.value),
                _status(result),
            ]
        body.append(row)
    _table(
        workbook.create_sheet("Per Triwulan"),
        columns,
        body,
        [b.spec.kind for b in ordered],
        title=f"Target dan Realisasi per Triwulan Tahun {data.year} (kumulatif s.d. triwulan)",
        groups=groups,
    )


def _narrative_sheet(workbook: Workbook, data: ExportData) -> None:
    columns = [
        Column("Kode", CellKind.CODE),
        INDIKATOR,
        Column("Triwulan"),
        Column("Kendala / Faktor Penghambat", width=60, wrap=True),
        Column("Faktor Pendorong", width=60, wrap=True),
        Column("Upaya Perbaikan / Tindak Lanjut", width=60, wrap=True),
    ]
    body: list[list[Any]] = []
    for quarter in range(1, data.quarter + 1):
        for result in sort_by_code(list(data.results.get(quarter, []))):
            reported = result.reported
            if reported is None:
                continue
            texts = (reported.kendala, reported.faktor_pendorong, reported.upaya_perbaikan)
            if not any(texts):
                continue
            body.append([result.spec.code, result.spec.name, f"TW {ROMAN[quarter]}", *texts])
    write_table(
        workbook.create_sheet("Narasi"),
        columns,
        body,
        title="Kendala, Faktor Pendorong dan Upaya Perbaikan "
        + _period_label(data.year, data.quarter),
    )


def _evidence_sheet(workbook: Workbook, data: ExportData) -> None:
    columns = [
        Column("Kode", CellKind.CODE),
        INDIKATOR,
        Column("Triwulan"),
        Column("Revisi", CellKind.INTEGER),
        Column("Nama Berkas", width=40),
        Column("Ukuran (byte)", CellKind.INTEGER),
        Column("SHA-256", width=66),
        Column("Nama di Folder Bukti", width=30),
        Column("Keterangan", width=30),
    ]
    body = [
        [
            e.code,
            e.indicator,
            f"TW {ROMAN[e.quarter]}",
            e.revision,
            e.filename,
            e.size,
            e.sha256,
            e.export_name,
            e.note,
        ]
        for e in data.evidence
    ]
    write_table(
        workbook.create_sheet("Bukti Dukung"),
        columns,
        body,
        title=f"Daftar Bukti Dukung {_period_label(data.year, data.quarter)}",
    )
