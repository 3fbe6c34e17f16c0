"""Excel in and out: the master-data template, its import, budget realisation files, exports.

Planners keep the PK in Excel, and the finance subsection keeps budget realisation there too.
Typing 24 indicators and 64 budget lines into a chat is no way to start a year, so the office
fills a workbook instead and SiCapai loads it. Three rules shape this module:

* Validate everything first and load nothing when anything is wrong. An office that loads half
  a PK and then fixes the rest by hand ends up with a PK nobody agreed to. Every problem names
  its cell (`Indikator!J7 (satuan): kosong`) so the planner can fix them all in one pass.
* The template written from the database reads back into the same rows (the round trip):
  `templat --tahun 2025` on one database, `impor` into an empty one, same PK. The workbook
  therefore carries the organisation (code, name, time zone), its units and positions, the
  goals, the indicators with their Rencana Aksi quarter targets and Renstra targets, the
  budget tree, the spending types and previous years' realisations.
* Loading reuses the seeding rules: rows are matched on their natural keys (codes, names) with
  `upsert`, positions and units are kept (people keep their holdings), nothing is deleted
  except what a row says is gone (a blank quarter-target or Renstra cell of an indicator).
  Budget realisations are never overwritten: each import appends a new number.

Cells may hold numbers or text as Indonesians type it ("1.762", "29,71"); text goes through
`parse_number`, which refuses rather than guesses.
"""

from __future__ import annotations

import io
import shutil
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from sicapai.handlers.texts.numbers import explain
from sicapai.models.budget import BudgetLine, BudgetRealisation, SpendingType
from sicapai.models.organisation import Holding, Organisation, Position, Unit
from sicapai.models.people import normalise_position_name
from sicapai.models.performance import (
    Evidence,
    Frequency,
    Goal,
    Indicator,
    Kind,
    NegativeFormula,
    Objective,
    PastRealisation,
    Period,
    Polarity,
    QuarterTarget,
    RenstraTarget,
    Submission,
)
from sicapai.models.queries import (
    budget_lines,
    current_budget_realisations,
    current_reports,
    get_period,
    indicator_specs,
    resolve_organisation,
)
from sicapai.models.reporting import current_budget
from sicapai.models.seeding import ensure_periods, upsert
from sicapai.models.types import utcnow
from sicapai.models.workbook_limits import BeyondLimits, Limits, check_workbook
from sicapai.reports.export import (
    BudgetRow,
    EvidenceRow,
    ExportData,
    PastRow,
    RenstraRow,
    SpendingRow,
    evidence_name,
)
from sicapai.reports.numbers import Field as NumberField
from sicapai.reports.numbers import format_rupiah, parse_number
from sicapai.reports.periods import ROMAN
from sicapai.reports.summary import IndicatorResult, evaluate
from sicapai.reports.xlsx import (
    CellKind,
    Column,
    add_choices,
    new_workbook,
    set_column_format,
    write_table,
)

T = TypeVar("T")

MAX_WORKBOOK_BYTES: Final = 20 * 1024 * 1024
# What a workbook may unpack to, counted before openpyxl builds it (see workbook_limits).
# A template sheet has 26 columns, so 10,000 rows of it are 260,000 cells: the cell budget
# keeps that, and bounds openpyxl's load to about 270 MB at worst (docs/benchmarks.md).
MAX_SHEET_ROWS: Final = 10_000
MAX_SHEET_COLUMNS: Final = 200
MAX_UNPACKED_BYTES: Final = 50 * 1024 * 1024
WORKBOOK_LIMITS: Final = Limits(
    sheet_rows=MAX_SHEET_ROWS,
    sheet_columns=MAX_SHEET_COLUMNS,
    unpacked_bytes=MAX_UNPACKED_BYTES,
    cells=300_000,
    strings=300_000,
    elements=50_000,
    unit_elements=20_000,
    members=1_000,
)
HEADER_SEARCH_ROWS: Final = 12
YEAR_RANGE: Final = (2000, 2100)
MAX_DIGITS: Final = 17  # a hundred quadrillion rupiah is a typo, and beyond Excel's precision

ORG_SHEET: Final = "Organisasi"
UNIT_SHEET: Final = "Unit"
POSITION_SHEET: Final = "Jabatan"
GOAL_SHEET: Final = "Tujuan"
INDICATOR_SHEET: Final = "Indikator"
BUDGET_SHEET: Final = "Anggaran"
SPENDING_SHEET: Final = "Jenis Belanja"
PAST_SHEET: Final = "Realisasi Lalu"
GUIDE_SHEET: Final = "Petunjuk"
REALISATION_SHEET: Final = "Realisasi Anggaran"

SHEET_ORDER: Final = (
    ORG_SHEET,
    UNIT_SHEET,
    POSITION_SHEET,
    GOAL_SHEET,
    INDICATOR_SHEET,
    BUDGET_SHEET,
    SPENDING_SHEET,
    PAST_SHEET,
    REALISATION_SHEET,
)

UNIT_KINDS: Final = ("dinas", "sekretariat", "bidang", "subbag", "seksi")
BUDGET_KINDS: Final = ("program", "kegiatan", "subkegiatan")
YES: Final = "ya"
NO: Final = "tidak"
YES_WORDS: Final = frozenset({"ya", "y", "yes", "true", "benar", "1", "v", "x", "✓"})
NO_WORDS: Final = frozenset({"tidak", "t", "tdk", "no", "false", "salah", "0", "-"})


class WorkbookError(ValueError):
    """The file cannot be read as a workbook SiCapai knows; the message is one line."""


# --- problems and reports ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, located as precisely as possible."""

    sheet: str
    row: int | None
    column: str | None  # column letter
    message: str
    field: str | None = None  # the column's header

    @property
    def cell(self) -> str | None:
        return f"{self.column}{self.row}" if self.column and self.row else None

    def __str__(self) -> str:
        what = f" ({self.field})" if self.field else ""
        if self.cell:
            return f"{self.sheet}!{self.cell}{what}: {self.message}"
        if self.row:
            return f"{self.sheet} baris {self.row}{what}: {self.message}"
        return f"{self.sheet}{what}: {self.message}"

    def sort_key(self) -> tuple[int, int, int, str]:
        sheet = SHEET_ORDER.index(self.sheet) if self.sheet in SHEET_ORDER else len(SHEET_ORDER)
        column = _column_number(self.column) if self.column else 0
        return (sheet, self.row or 0, column, self.message)


@dataclass
class ImportReport:
    """What an import found and did. Nothing was loaded unless `ok`."""

    kind: str  # "templat" | "realisasi anggaran"
    filename: str
    organisation: str = ""
    year: int | None = None
    quarter: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def headline(self) -> str:
        """The first line a person reads: loaded, or how many problems stopped it."""
        if not self.ok:
            return (
                f"Berkas {self.filename} tidak dimuat: {len(self.problems)} masalah "
                "(tidak ada data yang diubah)."
            )
        done = ", ".join(f"{n} {what}" for what, n in self.counts.items()) or "tidak ada perubahan"
        where = f"{self.organisation}, tahun {self.year}"
        if self.quarter:
            where += f" TW {ROMAN[self.quarter]}"
        return f"Berkas {self.filename} dimuat ({self.kind}, {where}): {done}."


# --- column definitions --------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of a template sheet: header, cell kind, the Petunjuk text, allowed values."""

    key: str
    header: str
    kind: CellKind = CellKind.TEXT
    help: str = ""
    choices: tuple[str, ...] = ()
    width: int | None = None

    def column(self) -> Column:
        wrap = self.width is not None and self.width >= 30
        return Column(self.header, self.kind, self.width, wrap)


ORG_FIELDS: Final = (
    Col(
        "kode",
        "kode organisasi",
        CellKind.CODE,
        "Kode singkat organisasi, unik, mis. "
        "disnakertrans-banjar. Dipakai untuk mencocokkan organisasi yang sudah ada.",
    ),
    Col("nama", "nama organisasi", help="Nama lengkap organisasi (OPD)."),
    Col(
        "zona_waktu",
        "zona waktu",
        help="Zona waktu kantor: Asia/Jakarta (WIB), "
        "Asia/Makassar (WITA) atau Asia/Jayapura (WIT). Kosong = Asia/Makassar.",
    ),
    Col(
        "tahun",
        "tahun",
        CellKind.YEAR,
        help="Tahun Perjanjian Kinerja yang dimuat. "
        "Boleh kosong bila tahun diberikan dengan --tahun.",
    ),
)

UNIT_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode unit, unik, mis. SEKSI-PENEMPATAN.", width=30),
    Col("nama", "nama", help="Nama unit kerja.", width=45),
    Col("jenis", "jenis", help="Jenis unit.", choices=UNIT_KINDS),
    Col("induk", "induk", CellKind.CODE, "Kode unit atasan; kosong untuk dinas.", width=30),
)

POSITION_COLUMNS: Final = (
    Col(
        "nama",
        "nama",
        help="Nama jabatan, mis. Kepala Seksi Penempatan Tenaga Kerja. "
        "Tanpa 'Plt': Plt adalah sifat pemegang jabatan, bukan jabatannya.",
        width=45,
    ),
    Col(
        "unit",
        "unit",
        CellKind.CODE,
        "Kode unit (lembar Unit) yang dipimpin jabatan ini.",
        width=30,
    ),
    Col(
        "atasan",
        "atasan",
        help="Nama jabatan atasan langsung; kosong untuk Kepala Dinas.",
        width=45,
    ),
    Col(
        "tugas_anggaran",
        "tugas anggaran",
        help="ya bila jabatan ini melaporkan realisasi anggaran (subbagian keuangan).",
        choices=(YES, NO),
    ),
)

GOAL_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode tujuan, mis. T.1."),
    Col("nama", "nama", help="Rumusan tujuan.", width=45),
)

QUARTER_KEYS: Final = ("tw1", "tw2", "tw3", "tw4")

INDICATOR_COLUMNS: Final = (
    Col(
        "kode",
        "kode",
        CellKind.CODE,
        "Kode indikator, unik dalam satu tahun: T.1 untuk "
        "indikator tujuan, IK.01 dst. untuk indikator PK.",
    ),
    Col(
        "sasaran_kode",
        "sasaran kode",
        CellKind.CODE,
        "Kode sasaran, mis. S.01; kosong untuk indikator tujuan.",
    ),
    Col(
        "sasaran",
        "sasaran",
        help="Rumusan sasaran; sama untuk setiap baris dengan kode sasaran yang sama.",
        width=40,
    ),
    Col(
        "tujuan",
        "tujuan",
        CellKind.CODE,
        "Kode tujuan (lembar Tujuan): tujuan dari sasaran, "
        "atau tujuan yang diukur indikator tujuan.",
    ),
    Col(
        "urutan_laporan",
        "urutan laporan",
        CellKind.INTEGER,
        "Nomor baris indikator di Tabel 3.3 laporan; 0 untuk indikator tujuan.",
    ),
    Col("nama", "indikator", help="Nama indikator kinerja.", width=50),
    Col("formula", "formula", help="Formulasi, mis. 'Jumlah ... : Jumlah ... x 100'.", width=40),
    Col(
        "label_pembilang",
        "label pembilang",
        help="Untuk jenis rasio: nama pembilang yang ditanyakan bot.",
        width=30,
    ),
    Col("label_penyebut", "label penyebut", help="Untuk jenis rasio: nama penyebut.", width=30),
    Col("satuan", "satuan", help="Persen, Orang, Dokumen, Nilai, Nilai Indeks, ..."),
    Col(
        "jenis",
        "jenis",
        help="rasio = pembilang : penyebut x 100; jumlah = dihitung "
        "(bertambah tiap triwulan); nilai = skor/indeks apa adanya.",
        choices=tuple(k.value for k in Kind),
    ),
    Col(
        "polaritas",
        "polaritas",
        help="positif = makin tinggi makin baik; negatif = makin "
        "rendah makin baik. Kosong = positif.",
        choices=tuple(p.value for p in Polarity),
    ),
    Col(
        "rumus_negatif",
        "rumus negatif",
        help="Untuk polaritas negatif: target_per_realisasi "
        "(target / realisasi x 100) atau dua_minus_rasio ((2 - realisasi / target) x 100). "
        "Kosong = target_per_realisasi.",
        choices=tuple(n.value for n in NegativeFormula),
    ),
    Col(
        "frekuensi",
        "frekuensi",
        help="triwulanan atau tahunan (ditanyakan di TW IV saja). Kosong = triwulanan.",
        choices=tuple(f.value for f in Frequency),
    ),
    Col(
        "target",
        "target tahunan",
        CellKind.NUMBER,
        "Target tahun ini dalam satuannya (38 untuk 38%).",
    ),
    Col(
        "tw1",
        "target TW I",
        CellKind.NUMBER,
        "Rencana Aksi: target kumulatif s.d. TW I. "
        "Kosong = pembagian baku (jumlah 25/50/75/100% dari target tahunan; rasio dan nilai "
        "sama dengan target tahunan).",
    ),
    Col("tw2", "target TW II", CellKind.NUMBER, "Rencana Aksi s.d. TW II; kosong = baku."),
    Col("tw3", "target TW III", CellKind.NUMBER, "Rencana Aksi s.d. TW III; kosong = baku."),
    Col("tw4", "target TW IV", CellKind.NUMBER, "Rencana Aksi s.d. TW IV; kosong = baku."),
    Col(
        "penanggung_jawab",
        "penanggung jawab",
        help="Nama jabatan pemilik indikator (lembar "
        "Jabatan); singkatan seperti Kasi, Kabid, Kasubag dikenali.",
        width=40,
    ),
    Col(
        "plt",
        "plt",
        help="Keterangan saja: ya bila jabatan penanggung jawab saat ini dipegang "
        "Plt. Tidak disimpan: status Plt diatur pada pemegang jabatan.",
        choices=(YES, NO),
    ),
    Col(
        "bisa_lebih_100",
        "bisa lebih 100",
        help="Untuk rasio: ya bila pembilang boleh melebihi penyebut. Kosong = tidak.",
        choices=(YES, NO),
    ),
    Col(
        "kode_anggaran",
        "kode anggaran",
        CellKind.CODE,
        "Kode program/kegiatan (lembar "
        "Anggaran) yang mendukung indikator; dipakai untuk efisiensi (Tabel 3.7).",
    ),
    Col(
        "anggaran_pk",
        "anggaran PK",
        CellKind.RUPIAH,
        "Anggaran sebagaimana tercetak di PK (rupiah).",
    ),
    Col(
        "renstra_target",
        "target akhir renstra",
        CellKind.NUMBER,
        "Target akhir periode Renstra (Tabel 3.5); isi bersama tahunnya, atau kosongkan keduanya.",
    ),
    Col("renstra_tahun", "tahun akhir renstra", CellKind.YEAR, "Tahun akhir Renstra, mis. 2030."),
)

BUDGET_COLUMNS: Final = (
    Col(
        "kode",
        "kode",
        CellKind.CODE,
        "Kode mata anggaran, unik dalam satu tahun, mis. 1, 1.1, 1.1.1.",
    ),
    Col("jenis", "jenis", help="program, kegiatan atau subkegiatan.", choices=BUDGET_KINDS),
    Col("nama", "nama", help="Nama program/kegiatan/sub kegiatan.", width=50),
    Col("induk", "induk", CellKind.CODE, "Kode mata anggaran induk; kosong untuk program."),
    Col("pagu", "pagu", CellKind.RUPIAH, "Pagu anggaran (rupiah)."),
    Col(
        "penanggung_jawab",
        "penanggung jawab",
        help="Jabatan yang melaporkan realisasinya.",
        width=40,
    ),
)

SPENDING_COLUMNS: Final = (
    Col("nama", "nama", help="Jenis belanja (Tabel 3.10), mis. Belanja Pegawai.", width=40),
    Col("induk", "induk", help="Nama jenis belanja induk; kosong untuk baris utama.", width=30),
    Col("pagu", "pagu", CellKind.RUPIAH, "Anggaran (rupiah)."),
    Col("realisasi", "realisasi", CellKind.RUPIAH, "Realisasi tahunan (rupiah); boleh kosong."),
)

PAST_COLUMNS: Final = (
    Col("kode", "kode indikator", CellKind.CODE, "Kode indikator (lembar Indikator)."),
    Col("tahun", "tahun", CellKind.YEAR, "Tahun realisasi, mis. 2024."),
    Col("realisasi", "realisasi", CellKind.NUMBER, "Realisasi tahun itu, dalam satuannya."),
    Col("capaian", "capaian", CellKind.PERCENT, "Capaian (%) tahun itu; boleh kosong."),
)

REALISATION_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode mata anggaran."),
    Col("nama", "nama", help="Nama mata anggaran (keterangan saja, tidak dibaca).", width=60),
    Col(
        "realisasi",
        "realisasi",
        CellKind.RUPIAH,
        "Realisasi kumulatif s.d. triwulan ini (rupiah). Kosong = tidak dilaporkan.",
    ),
)

INFORMATIONAL: Final = frozenset({(INDICATOR_SHEET, "plt"), (REALISATION_SHEET, "nama")})

TABLE_SHEETS: Final[tuple[tuple[str, tuple[Col, ...], str], ...]] = (
    (
        UNIT_SHEET,
        UNIT_COLUMNS,
        "Unit kerja dalam pohon organisasi. Unit yang sudah ada tidak dihapus.",
    ),
    (
        POSITION_SHEET,
        POSITION_COLUMNS,
        "Jabatan. Jabatan yang sudah ada dan pemegangnya "
        "tetap; baris di sini memperbarui unit, atasan dan tugas anggarannya.",
    ),
    (GOAL_SHEET, GOAL_COLUMNS, "Tujuan Perjanjian Kinerja tahun ini."),
    (
        INDICATOR_SHEET,
        INDICATOR_COLUMNS,
        "Satu baris per indikator PK (Tabel 2.3), ditambah "
        "indikator tujuan. Indikator yang ada di basis data tetapi tidak di sini tidak dihapus.",
    ),
    (
        BUDGET_SHEET,
        BUDGET_COLUMNS,
        "Pohon anggaran (Tabel 3.11): program > kegiatan > sub "
        "kegiatan, dengan pagunya. Urutan baris menjadi urutan laporan.",
    ),
    (SPENDING_SHEET, SPENDING_COLUMNS, "Realisasi menurut jenis belanja (Tabel 3.10)."),
    (PAST_SHEET, PAST_COLUMNS, "Realisasi dan capaian tahun-tahun sebelumnya (Tabel 3.4)."),
)


# --- reading cells -------------------------------------------------------------------------


def _column_number(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + (ord(char.upper()) - 64)
    return number


def _norm(text: str) -> str:
    return " ".join(text.replace("*", " ").lower().split())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class _Row:
    """One data row of a table sheet: its number and the raw cells by column key."""

    number: int
    values: dict[str, Any]
    formats: dict[str, str]

    def blank(self, key: str) -> bool:
        return _blank(self.values.get(key))


@dataclass
class _Table:
    """A table sheet located by its header row, with the column letter of every key."""

    sheet: str
    header_row: int
    letters: dict[str, str]
    headers: dict[str, str]
    rows: list[_Row]


def _read_table(ws: Worksheet, columns: Sequence[Col], problems: list[Problem]) -> _Table | None:
    """Find the header row by its names and read every non-blank row below it."""
    wanted = {_norm(c.header): c for c in columns}
    best: tuple[int, dict[str, int]] | None = None
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS)):
        found: dict[str, int] = {}
        for cell in row:
            if isinstance(cell.value, str) and _norm(cell.value) in wanted:
                found.setdefault(wanted[_norm(cell.value)].key, int(cell.column))
        if found and (best is None or len(found) > len(best[1])):
            best = (int(row[0].row), found)
    sheet = ws.title
    if best is None:
        problems.append(Problem(sheet, None, None, "baris judul kolom tidak ditemukan"))
        return None
    header_row, positions = best
    missing = [
        c.header for c in columns if c.key not in positions and (sheet, c.key) not in INFORMATIONAL
    ]
    for header in missing:
        problems.append(Problem(sheet, header_row, None, f"kolom “{header}” tidak ada"))
    if missing:
        return None
    table = _Table(
        sheet=sheet,
        header_row=header_row,
        letters={key: get_column_letter(n) for key, n in positions.items()},
        headers={c.key: c.header for c in columns},
        rows=[],
    )
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        values: dict[str, Any] = {}
        formats: dict[str, str] = {}
        for key, number in positions.items():
            if number - 1 < len(row):
                cell = row[number - 1]
                values[key] = cell.value
                formats[key] = cell.number_format or ""
        if all(_blank(v) for v in values.values()):
            continue
        table.rows.append(_Row(int(row[0].row), values, formats))
    return table


class _Checker:
    """Reads typed values out of one table's cells, recording a Problem for each bad cell."""

    def __init__(self, table: _Table, problems: list[Problem]) -> None:
        self.table = table
        self.problems = problems

    def add(self, row: int, key: str, message: str) -> None:
        self.problems.append(
            Problem(
                self.table.sheet,
                row,
                self.table.letters.get(key),
                message,
                self.table.headers.get(key, key),
            )
        )

    def text(
        self, row: _Row, key: str, *, required: bool = False, limit: int | None = None
    ) -> str | None:
        value = row.values.get(key)
        if _blank(value):
            if required:
                self.add(row.number, key, "kosong")
            return None
        if isinstance(value, bool):
            text = YES if value else NO
        elif isinstance(value, float):
            text = str(int(value)) if value.is_integer() else f"{value:.15g}"
        elif isinstance(value, datetime | date):
            self.add(row.number, key, "berisi tanggal, bukan teks")
            return None
        else:
            text = " ".join(str(value).split())
        if limit is not None and len(text) > limit:
            self.add(
                row.number, key, f"terlalu panjang ({len(text)} karakter, paling banyak {limit})"
            )
            return None
        return text

    def number(
        self,
        row: _Row,
        key: str,
        *,
        kind: NumberField = NumberField.NUMBER,
        required: bool = False,
        negative: bool = False,
    ) -> Decimal | None:
        value = row.values.get(key)
        if _blank(value):
            if required:
                self.add(row.number, key, "kosong")
            return None
        parsed = cell_number(value, row.formats.get(key, ""), kind)
        if isinstance(parsed, str):
            self.add(row.number, key, parsed)
            return None
        if parsed < 0 and not negative:
            self.add(row.number, key, "tidak boleh negatif")
            return None
        return parsed

    def integer(
        self,
        row: _Row,
        key: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        number = self.number(row, key, required=required, negative=low is not None and low < 0)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.add(row.number, key, "harus bilangan bulat")
            return None
        whole = int(number)
        if (low is not None and whole < low) or (high is not None and whole > high):
            self.add(row.number, key, f"{whole} di luar jangkauan {low}-{high}")
            return None
        return whole

    def choice(
        self,
        row: _Row,
        key: str,
        choices: Mapping[str, str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = row.values.get(key)
        if _blank(value):
            if required:
                self.add(row.number, key, "kosong")
            return default
        text = " ".join(str(value).split())
        found = choices.get(_choice_key(text))
        if found is None:
            allowed = sorted(set(choices.values()))
            listed = ", ".join(allowed[:-1]) + f" atau {allowed[-1]}" if len(allowed) > 1 else ""
            self.add(row.number, key, f"“{text}” tidak dikenal; pilih {listed}")
        return found

    def flag(self, row: _Row, key: str, *, default: bool = False) -> bool | None:
        value = row.values.get(key)
        if _blank(value):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if value in (0, 1):
                return bool(value)
        elif str(value).strip().lower() in YES_WORDS:
            return True
        elif str(value).strip().lower() in NO_WORDS:
            return False
        self.add(row.number, key, f"“{value}” tidak dikenal; isi ya atau tidak")
        return None


def _choice_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def _choices(values: Iterable[str], **aliases: str) -> dict[str, str]:
    table = {_choice_key(v): v for v in values}
    table.update({_choice_key(k): v for k, v in aliases.items()})
    return table


KIND_CHOICES: Final = _choices(k.value for k in Kind)
POLARITY_CHOICES: Final = _choices(p.value for p in Polarity)
NEGATIVE_CHOICES: Final = _choices(n.value for n in NegativeFormula)
FREQUENCY_CHOICES: Final = _choices(f.value for f in Frequency)
UNIT_KIND_CHOICES: Final = _choices(UNIT_KINDS)
BUDGET_KIND_CHOICES: Final = _choices(BUDGET_KINDS, sub_kegiatan="subkegiatan")


def cell_number(
    value: Any, number_format: str = "", kind: NumberField = NumberField.NUMBER
) -> Decimal | str:
    """A cell's number as an exact Decimal, or the Indonesian reason it is not one.

    A numeric cell is a double; at most 15 significant digits of it mean anything (that is
    what Excel shows), so 24.06 comes back as Decimal("24.06"), not 24.059999999999998.
    A cell formatted as percent holds a fraction (0.38 for 38%) and is scaled to points.
    """
    if isinstance(value, bool):
        return "berisi nilai benar/salah, bukan angka"
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "bukan angka"
        number = Decimal(f"{value:.15g}")
    elif isinstance(value, datetime | date):
        return "berisi tanggal, bukan angka"
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value)
        if text.startswith("#"):  # an Excel error value such as #DIV/0! or #REF!
            return f"berisi galat Excel {text.strip()}"
        parsed = parse_number(text, field=kind)
        if not parsed.ok or parsed.value is None:
            return explain(parsed)
        number = parsed.value
        number_format = ""  # typed text is already in percent points
    if "%" in number_format:
        number = number * 100
    if number.adjusted() > MAX_DIGITS:
        return "angka terlalu besar"
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number


def _parents_first(
    items: Sequence[T], key: Callable[[T], Hashable], parent: Callable[[T], Hashable | None]
) -> tuple[list[T], list[T]]:
    """Items ordered so that a parent in the list comes before its children, and the items
    that sit on a cycle (which no order can satisfy)."""
    by_key = {key(item): item for item in items}
    ordered: list[T] = []
    done: set[Hashable] = set()
    cyclic: list[T] = []
    for item in items:
        chain: list[T] = []
        current: T | None = item
        while current is not None and key(current) not in done:
            keys = [key(c) for c in chain]
            if key(current) in keys:
                for member in chain[keys.index(key(current)) :]:
                    if member not in cyclic:
                        cyclic.append(member)
                break
            chain.append(current)
            up = parent(current)
            current = by_key.get(up) if up is not None else None
        else:
            for link in reversed(chain):
                done.add(key(link))
                ordered.append(link)
    return ordered, cyclic


# --- opening a workbook --------------------------------------------------------------------


def open_workbook(source: Path | str | bytes, filename: str | None = None) -> Workbook:
    """The workbook, or a WorkbookError whose message is one line for a person."""
    name = filename or (PurePath(source).name if not isinstance(source, bytes) else "berkas")
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise WorkbookError(f"berkas {name} tidak dapat dibaca: {exc.strerror or exc}") from exc
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookError(
            f"berkas {name} terlalu besar (lebih dari {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB)"
        )
    if not data.startswith(b"PK"):
        raise WorkbookError(
            f"berkas {name} bukan berkas Excel .xlsx; berkas .xls lama atau CSV harus disimpan "
            "ulang sebagai .xlsx (Excel Workbook)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
            check_workbook(data, WORKBOOK_LIMITS)  # openpyxl cannot be stopped once it starts
            return load_workbook(io.BytesIO(data), data_only=True)
    except BeyondLimits as exc:
        raise WorkbookError(f"berkas {name} tidak dimuat: {exc}") from exc
    except Exception as exc:  # any failure inside a damaged file means the same to a person
        raise WorkbookError(
            f"berkas {name} rusak atau bukan berkas Excel .xlsx yang sah ({type(exc).__name__})"
        ) from exc


# --- import: entry point -------------------------------------------------------------------


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
    name = filename or (PurePath(source).name if not isinstance(source, bytes) else "berkas")
    workbook = open_workbook(source, name)
    sheets = set(workbook.sheetnames)
    if INDICATOR_SHEET in sheets and REALISATION_SHEET in sheets:
        raise WorkbookError(
            f"berkas {name} berisi lembar {INDICATOR_SHEET} dan {REALISATION_SHEET} sekaligus; "
            "muat data induk dan realisasi anggaran dalam berkas terpisah"
        )
    if INDICATOR_SHEET in sheets:
        report = ImportReport(kind="templat", filename=name)
        _import_template(session, workbook, report, organisation=organisation, year=year)
        if quarter is not None and report.ok:
            report.warnings.append("--triwulan diabaikan untuk templat data induk")
        return report
    if REALISATION_SHEET in sheets:
        report = ImportReport(kind="realisasi anggaran", filename=name)
        _import_realisation(
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
    raise WorkbookError(
        f"berkas {name} tidak berisi lembar “{INDICATOR_SHEET}” (templat data induk) atau "
        f"“{REALISATION_SHEET}” (realisasi anggaran)"
    )


# --- import: master-data template ----------------------------------------------------------


@dataclass
class _UnitIn:
    row: int
    code: str
    name: str
    kind: str
    parent: str | None


@dataclass
class _PositionIn:
    row: int
    name: str  # the stored name: an existing position's own spelling when it matches
    unit: str | None
    superior: str | None  # stored name
    budget_duty: bool


@dataclass
class _IndicatorIn:
    row: int
    code: str
    objective_code: str | None
    objective_name: str | None
    goal_code: str | None
    report_order: int
    name: str
    formula: str
    numerator_label: str | None
    denominator_label: str | None
    unit_label: str
    kind: str
    polarity: str
    negative_formula: str
    frequency: str
    target: Decimal
    quarter_targets: dict[int, Decimal]
    owner: str | None  # stored position name
    may_exceed_100: bool
    budget_code: str | None
    pk_budget: Decimal | None
    renstra_target: Decimal | None
    renstra_year: int | None


@dataclass
class _BudgetIn:
    row: int
    code: str
    kind: str
    name: str
    parent: str | None
    ceiling: Decimal
    owner: str | None


@dataclass
class _SpendingIn:
    row: int
    name: str
    parent: str | None
    ceiling: Decimal
    realisation: Decimal | None


@dataclass
class _PastIn:
    row: int
    code: str
    year: int
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass
class _Template:
    """A template that passed validation: everything needed to load it."""

    org_code: str
    org_name: str | None
    timezone: str | None
    year: int
    units: list[_UnitIn] = field(default_factory=list)
    positions: list[_PositionIn] = field(default_factory=list)
    goals: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[_IndicatorIn] = field(default_factory=list)
    budget: list[_BudgetIn] = field(default_factory=list)
    spending: list[_SpendingIn] = field(default_factory=list)
    past: list[_PastIn] = field(default_factory=list)


def _read_org_sheet(ws: Worksheet) -> dict[str, tuple[Any, int, str]]:
    """The key-value cells of the Organisasi sheet: key -> (value, row, label)."""
    labels = {_norm(f.header): f for f in ORG_FIELDS}
    found: dict[str, tuple[Any, int, str]] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30), max_col=2):
        label = row[0].value
        if isinstance(label, str) and _norm(label) in labels:
            spec = labels[_norm(label)]
            value = row[1].value if len(row) > 1 else None
            found[spec.key] = (value, int(row[0].row), spec.header)
    return found


def _import_template(
    session: Session,
    workbook: Workbook,
    report: ImportReport,
    *,
    organisation: Organisation | None,
    year: int | None,
) -> None:
    problems: list[Problem] = []
    template = _validate_template(session, workbook, problems, organisation, year)
    report.problems = sorted(problems, key=Problem.sort_key)
    if template is None or report.problems:
        return
    _load_template(session, template, report)


def _org_value(
    cells: dict[str, tuple[Any, int, str]], key: str, problems: list[Problem], limit: int
) -> str | None:
    if key not in cells:
        return None
    value, row, label = cells[key]
    if _blank(value):
        return None
    text = " ".join(str(value).split())
    if len(text) > limit:
        problems.append(
            Problem(ORG_SHEET, row, "B", f"terlalu panjang (paling banyak {limit})", label)
        )
        return None
    return text


def _validate_template(
    session: Session,
    workbook: Workbook,
    problems: list[Problem],
    organisation: Organisation | None,
    year: int | None,
) -> _Template | None:
    # Organisation and year: from the Organisasi sheet, the caller, or both (then they agree).
    cells = _read_org_sheet(workbook[ORG_SHEET]) if ORG_SHEET in workbook else {}
    code = _org_value(cells, "kode", problems, 64)
    name = _org_value(cells, "nama", problems, 200)
    zone = _org_value(cells, "zona_waktu", problems, 64)
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            _, row, label = cells["zona_waktu"]
            problems.append(
                Problem(ORG_SHEET, row, "B", f"zona waktu “{zone}” tidak dikenal", label)
            )
            zone = None
    if organisation is not None:
        if code and code != organisation.code:
            _, row, label = cells["kode"]
            problems.append(
                Problem(
                    ORG_SHEET,
                    row,
                    "B",
                    f"berkas ini untuk organisasi {code}, bukan {organisation.code}",
                    label,
                )
            )
        code = organisation.code
    elif not code:
        if "kode" in cells:
            problems.append(Problem(ORG_SHEET, cells["kode"][1], "B", "kosong", "kode organisasi"))
        elif ORG_SHEET in workbook:
            problems.append(Problem(ORG_SHEET, None, None, "baris “kode organisasi” tidak ada"))
        else:
            problems.append(
                Problem(ORG_SHEET, None, None, "lembar tidak ada; organisasi tidak diketahui")
            )
    existing = (
        session.exec(select(Organisation).where(Organisation.code == code)).first()
        if code
        else None
    )
    if existing is None and code and not name:
        row = cells["nama"][1] if "nama" in cells else None
        problems.append(
            Problem(
                ORG_SHEET,
                row,
                "B" if row else None,
                f"kosong; organisasi {code} belum ada sehingga namanya wajib",
                "nama organisasi",
            )
        )
    sheet_year: int | None = None
    if "tahun" in cells and not _blank(cells["tahun"][0]):
        value, row, label = cells["tahun"]
        parsed = cell_number(value)
        if (
            isinstance(parsed, str)
            or parsed != parsed.to_integral_value()
            or not (YEAR_RANGE[0] <= int(parsed) <= YEAR_RANGE[1])
        ):
            problems.append(Problem(ORG_SHEET, row, "B", f"“{value}” bukan tahun", label))
        else:
            sheet_year = int(parsed)
            if year is not None and year != sheet_year:
                problems.append(
                    Problem(
                        ORG_SHEET,
                        row,
                        "B",
                        f"berkas untuk tahun {sheet_year}, bukan {year} (--tahun)",
                        label,
                    )
                )
    the_year = year or sheet_year
    if the_year is None:
        problems.append(
            Problem(
                ORG_SHEET,
                cells["tahun"][1] if "tahun" in cells else None,
                "B" if "tahun" in cells else None,
                "tahun kosong; isi sel tahun atau pakai --tahun",
                "tahun",
            )
        )
    org_id = existing.id if existing else None
    template = _Template(org_code=code or "", org_name=name, timezone=zone, year=the_year or 0)

    # What already exists, so references may point at it.
    db_units = (
        {u.code for u in session.exec(select(Unit).where(Unit.organisation_id == org_id))}
        if org_id
        else set()
    )
    db_positions = (
        {
            normalise_position_name(p.name): p.name
            for p in session.exec(select(Position).where(Position.organisation_id == org_id))
        }
        if org_id
        else {}
    )
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

    tables: dict[str, _Table] = {}
    for sheet, columns, _ in TABLE_SHEETS:
        if sheet in workbook:
            table = _read_table(workbook[sheet], columns, problems)
            if table is not None:
                tables[sheet] = table

    unit_codes = _validate_units(tables.get(UNIT_SHEET), problems, template, db_units)
    positions = _validate_positions(
        tables.get(POSITION_SHEET), problems, template, unit_codes, db_positions
    )
    goal_codes = _validate_goals(tables.get(GOAL_SHEET), problems, template) | db_goals
    line_codes = _validate_budget(tables.get(BUDGET_SHEET), problems, template, db_lines, positions)
    indicator_codes = _validate_indicators(
        tables.get(INDICATOR_SHEET), problems, template, goal_codes, line_codes, positions
    )
    _validate_spending(tables.get(SPENDING_SHEET), problems, template, db_spending)
    _validate_past(tables.get(PAST_SHEET), problems, template, indicator_codes | db_indicators)
    return template if not problems else None


def _duplicate(
    check: _Checker,
    seen: dict[str, int],
    row: _Row,
    key: str,
    value: str,
    what: str,
    shown: str | None = None,
) -> bool:
    """Record a value as seen, or a problem when an earlier row already used it."""
    first = seen.get(value)
    if first is not None:
        check.add(row.number, key, f"{what} {shown or value} sudah dipakai di baris {first}")
        return True
    seen[value] = row.number
    return False


def _validate_units(
    table: _Table | None, problems: list[Problem], template: _Template, db_units: set[str]
) -> set[str]:
    if table is None:
        return set(db_units)
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=64)
        name = check.text(row, "nama", required=True, limit=200)
        kind = check.choice(row, "jenis", UNIT_KIND_CHOICES, required=True)
        parent = check.text(row, "induk", limit=64)
        if code and _duplicate(check, seen, row, "kode", code, "kode"):
            continue
        if code and name and kind:
            template.units.append(_UnitIn(row.number, code, name, kind, parent))
    known = set(seen) | db_units
    for unit in template.units:
        if unit.parent and unit.parent not in known:
            check.add(unit.row, "induk", f"unit {unit.parent} tidak ada")
        elif unit.parent == unit.code:
            check.add(unit.row, "induk", "unit tidak boleh menjadi induknya sendiri")
    _, cyclic = _parents_first(template.units, lambda u: u.code, lambda u: u.parent)
    for unit in cyclic:
        if unit.parent != unit.code:
            check.add(unit.row, "induk", "induk melingkar")
    return known


def _validate_positions(
    table: _Table | None,
    problems: list[Problem],
    template: _Template,
    unit_codes: set[str],
    db_positions: dict[str, str],
) -> dict[str, str]:
    """Returns every known position: normalised name -> the name it is stored under."""
    known = dict(db_positions)
    if table is None:
        return known
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    rows: list[tuple[_Row, str, str | None, str | None, bool]] = []
    for row in table.rows:
        name = check.text(row, "nama", required=True, limit=200)
        unit = check.text(row, "unit", limit=64)
        superior = check.text(row, "atasan", limit=200)
        duty = check.flag(row, "tugas_anggaran")
        if unit and unit not in unit_codes:
            check.add(row.number, "unit", f"unit {unit} tidak ada")
        if not name:
            continue
        norm = normalise_position_name(name)
        if _duplicate(check, seen, row, "nama", norm, "jabatan", f"“{name}”"):
            continue
        known.setdefault(norm, name)
        rows.append((row, known[norm], unit, superior, bool(duty)))
    for row, name, unit, superior, duty in rows:
        stored_superior = None
        if superior:
            stored_superior = known.get(normalise_position_name(superior))
            if stored_superior is None:
                check.add(row.number, "atasan", f"jabatan “{superior}” tidak dikenal")
            elif stored_superior == name:
                check.add(row.number, "atasan", "jabatan tidak boleh menjadi atasannya sendiri")
        template.positions.append(_PositionIn(row.number, name, unit, stored_superior, duty))
    _, cyclic = _parents_first(template.positions, lambda p: p.name, lambda p: p.superior)
    for position in cyclic:
        if position.superior != position.name:
            check.add(position.row, "atasan", "atasan melingkar")
    return known


def _validate_goals(table: _Table | None, problems: list[Problem], template: _Template) -> set[str]:
    if table is None:
        return set()
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        name = check.text(row, "nama", required=True, limit=300)
        if code and _duplicate(check, seen, row, "kode", code, "kode"):
            continue
        if code and name:
            template.goals.append((code, name))
    return set(seen)


def _owner(check: _Checker, row: _Row, key: str, positions: dict[str, str]) -> str | None:
    name = check.text(row, key, limit=200)
    if not name:
        return None
    stored = positions.get(normalise_position_name(name))
    if stored is None:
        check.add(row.number, key, f"jabatan “{name}” tidak dikenal")
    return stored


def _validate_budget(
    table: _Table | None,
    problems: list[Problem],
    template: _Template,
    db_lines: set[str],
    positions: dict[str, str],
) -> set[str]:
    if table is None:
        return set(db_lines)
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=40)
        kind = check.choice(row, "jenis", BUDGET_KIND_CHOICES, required=True)
        name = check.text(row, "nama", required=True, limit=400)
        parent = check.text(row, "induk", limit=40)
        ceiling = check.number(row, "pagu", kind=NumberField.RUPIAH, required=True)
        owner = _owner(check, row, "penanggung_jawab", positions)
        if code and _duplicate(check, seen, row, "kode", code, "kode"):
            continue
        if code and kind and name and ceiling is not None:
            template.budget.append(_BudgetIn(row.number, code, kind, name, parent, ceiling, owner))
    known = set(seen) | db_lines
    for line in template.budget:
        if line.parent == line.code:
            check.add(line.row, "induk", "mata anggaran tidak boleh menjadi induknya sendiri")
        elif line.parent and line.parent not in known:
            check.add(line.row, "induk", f"mata anggaran {line.parent} tidak ada")
    _, cyclic = _parents_first(template.budget, lambda b: b.code, lambda b: b.parent)
    for line in cyclic:
        if line.parent != line.code:
            check.add(line.row, "induk", "induk melingkar")
    return known


def _target_kind(unit_label: str | None) -> NumberField:
    return (
        NumberField.PERCENT
        if (unit_label or "").strip().lower() == "persen"
        else (NumberField.NUMBER)
    )


def _validate_indicators(
    table: _Table | None,
    problems: list[Problem],
    template: _Template,
    goal_codes: set[str],
    line_codes: set[str],
    positions: dict[str, str],
) -> set[str]:
    if table is None:
        return set()
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    objectives: dict[str, tuple[int, str | None, str | None]] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        objective_code = check.text(row, "sasaran_kode", limit=32)
        objective_name = check.text(row, "sasaran", limit=300)
        goal_code = check.text(row, "tujuan", limit=32)
        order = check.integer(row, "urutan_laporan", low=0, high=10_000) or 0
        name = check.text(row, "nama", required=True, limit=400)
        formula = check.text(row, "formula", limit=5000) or ""
        numerator_label = check.text(row, "label_pembilang", limit=300)
        denominator_label = check.text(row, "label_penyebut", limit=300)
        unit_label = check.text(row, "satuan", required=True, limit=40)
        kind = check.choice(row, "jenis", KIND_CHOICES, required=True)
        polarity = check.choice(row, "polaritas", POLARITY_CHOICES, default=Polarity.POSITIVE)
        negative = check.choice(
            row,
            "rumus_negatif",
            NEGATIVE_CHOICES,
            default=NegativeFormula.TARGET_OVER_REALISATION,
        )
        frequency = check.choice(row, "frekuensi", FREQUENCY_CHOICES, default=Frequency.QUARTERLY)
        number_kind = _target_kind(unit_label)
        target = check.number(row, "target", kind=number_kind, required=True, negative=True)
        quarters: dict[int, Decimal] = {}
        for quarter, key in enumerate(QUARTER_KEYS, start=1):
            value = check.number(row, key, kind=number_kind, negative=True)
            if value is not None:
                quarters[quarter] = value
        owner = _owner(check, row, "penanggung_jawab", positions)
        check.flag(row, "plt")  # informational: checked, never stored
        may_exceed = check.flag(row, "bisa_lebih_100")
        budget_code = check.text(row, "kode_anggaran", limit=40)
        if budget_code and budget_code not in line_codes:
            check.add(row.number, "kode_anggaran", f"mata anggaran {budget_code} tidak ada")
        pk_budget = check.number(row, "anggaran_pk", kind=NumberField.RUPIAH)
        renstra = check.number(row, "renstra_target", kind=number_kind, negative=True)
        renstra_year = check.integer(row, "renstra_tahun", low=YEAR_RANGE[0], high=YEAR_RANGE[1])
        if renstra is not None and renstra_year is None and row.blank("renstra_tahun"):
            check.add(row.number, "renstra_tahun", "kosong; isi bersama target akhir renstra")
        if renstra_year is not None and renstra is None and row.blank("renstra_target"):
            check.add(row.number, "renstra_target", "kosong; isi bersama tahun akhir renstra")
        if goal_code and goal_code not in goal_codes:
            check.add(row.number, "tujuan", f"tujuan {goal_code} tidak ada di lembar Tujuan")
        if objective_name and not objective_code:
            check.add(row.number, "sasaran_kode", "kosong, padahal sasaran diisi")
        if objective_code:
            if not objective_name:
                check.add(row.number, "sasaran", f"kosong; tulis rumusan sasaran {objective_code}")
            elif objective_code in objectives:
                first, first_name, first_goal = objectives[objective_code]
                if first_name != objective_name:
                    check.add(
                        row.number,
                        "sasaran",
                        f"berbeda dengan sasaran {objective_code} di baris {first}",
                    )
                if first_goal != goal_code:
                    check.add(
                        row.number,
                        "tujuan",
                        f"berbeda dengan tujuan sasaran {objective_code} di baris {first}",
                    )
            else:
                objectives[objective_code] = (row.number, objective_name, goal_code)
        if code and _duplicate(check, seen, row, "kode", code, "kode"):
            continue
        if (
            code
            and name
            and unit_label
            and kind
            and polarity
            and negative
            and frequency
            and target is not None
            and may_exceed is not None
        ):
            template.indicators.append(
                _IndicatorIn(
                    row=row.number,
                    code=code,
                    objective_code=objective_code,
                    objective_name=objective_name,
                    goal_code=goal_code,
                    report_order=order,
                    name=name,
                    formula=formula,
                    numerator_label=numerator_label,
                    denominator_label=denominator_label,
                    unit_label=unit_label,
                    kind=kind,
                    polarity=polarity,
                    negative_formula=negative,
                    frequency=frequency,
                    target=target,
                    quarter_targets=quarters,
                    owner=owner,
                    may_exceed_100=may_exceed,
                    budget_code=budget_code,
                    pk_budget=pk_budget,
                    renstra_target=renstra,
                    renstra_year=renstra_year,
                )
            )
    return set(seen)


def _validate_spending(
    table: _Table | None, problems: list[Problem], template: _Template, db_spending: set[str]
) -> None:
    if table is None:
        return
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        name = check.text(row, "nama", required=True, limit=200)
        parent = check.text(row, "induk", limit=200)
        ceiling = check.number(row, "pagu", kind=NumberField.RUPIAH, required=True)
        spent = check.number(row, "realisasi", kind=NumberField.RUPIAH)
        if name and _duplicate(check, seen, row, "nama", name, "jenis belanja", f"“{name}”"):
            continue
        if name and ceiling is not None:
            template.spending.append(_SpendingIn(row.number, name, parent, ceiling, spent))
    for item in template.spending:
        if item.parent and item.parent not in seen and item.parent not in db_spending:
            check.add(item.row, "induk", f"jenis belanja “{item.parent}” tidak ada")


def _validate_past(
    table: _Table | None, problems: list[Problem], template: _Template, indicators: set[str]
) -> None:
    if table is None:
        return
    check = _Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        year = check.integer(row, "tahun", required=True, low=YEAR_RANGE[0], high=YEAR_RANGE[1])
        realised = check.number(row, "realisasi", negative=True)
        achieved = check.number(row, "capaian", kind=NumberField.PERCENT, negative=True)
        if code and code not in indicators:
            check.add(row.number, "kode", f"indikator {code} tidak ada")
            continue
        if code and year is not None:
            shown = f"{code} tahun {year}"
            if _duplicate(check, seen, row, "tahun", f"{code}/{year}", "realisasi", shown):
                continue
            template.past.append(_PastIn(row.number, code, year, realised, achieved))


def _load_template(session: Session, template: _Template, report: ImportReport) -> None:
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
    org_id = organisation.id
    year = template.year
    report.organisation = organisation.code
    report.year = year

    units = {u.code: u for u in session.exec(select(Unit).where(Unit.organisation_id == org_id))}
    ordered_units, _ = _parents_first(template.units, lambda u: u.code, lambda u: u.parent)
    for item in ordered_units:
        parent = units.get(item.parent) if item.parent else None
        units[item.code] = upsert(
            session,
            Unit,
            {"organisation_id": org_id, "code": item.code},
            {"name": item.name, "kind": item.kind, "parent_id": parent.id if parent else None},
        )
        report.add("unit")

    positions = {
        p.name: p for p in session.exec(select(Position).where(Position.organisation_id == org_id))
    }
    ordered_positions, _ = _parents_first(
        template.positions, lambda p: p.name, lambda p: p.superior
    )
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
        report.add("jabatan")

    goals = {
        g.code: g
        for g in session.exec(select(Goal).where(Goal.organisation_id == org_id, Goal.year == year))
    }
    for code, name in template.goals:
        goals[code] = upsert(
            session, Goal, {"organisation_id": org_id, "year": year, "code": code}, {"name": name}
        )
        report.add("tujuan")

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
            report.add("sasaran")

    lines = {
        b.code: b
        for b in session.exec(
            select(BudgetLine).where(BudgetLine.organisation_id == org_id, BudgetLine.year == year)
        )
    }
    sort_order = {line.code: n for n, line in enumerate(template.budget)}
    ordered_lines, _ = _parents_first(template.budget, lambda b: b.code, lambda b: b.parent)
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
        report.add("mata anggaran")

    for order, item in enumerate(template.spending):
        upsert(
            session,
            SpendingType,
            {"organisation_id": org_id, "year": year, "name": item.name},
            {
                "parent_name": item.parent,
                "ceiling": item.ceiling,
                "realisation": item.realisation,
                "sort_order": order,
            },
        )
        report.add("jenis belanja")

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
    for item in template.past:
        indicator = indicators[item.code]
        upsert(
            session,
            PastRealisation,
            {"indicator_id": indicator.id, "year": item.year},
            {"realisation": item.realisation, "achievement": item.achievement},
        )
        report.add("realisasi lalu")
    if template.indicators:
        left_alone = sorted(set(indicators) - in_sheet)
        if left_alone:
            report.warnings.append(
                f"indikator {', '.join(left_alone)} ada di basis data tetapi tidak di berkas; "
                "tidak dihapus"
            )
    assert organisation.id is not None
    if template.indicators or template.budget:
        ensure_periods(session, organisation, year)
    session.flush()


def _load_indicator(
    session: Session,
    ind: _IndicatorIn,
    org_id: int | None,
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
    report.add("indikator")
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
            report.add("target triwulan")
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


# --- import: budget realisation ------------------------------------------------------------


def _quarter_value(value: Any) -> int | None:
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


HEADER_LABELS: Final = {
    "tahun": "tahun",
    "tahun anggaran": "tahun",
    "triwulan": "triwulan",
    "tw": "triwulan",
    "periode": "triwulan",
}


def _realisation_header(ws: Worksheet) -> dict[str, tuple[Any, int, str]]:
    """The "tahun"/"triwulan" cells above the table: key -> (value, row, letter)."""
    found: dict[str, tuple[Any, int, str]] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS)):
        for index, cell in enumerate(row):
            label = cell.value
            if not isinstance(label, str):
                continue
            key = HEADER_LABELS.get(_norm(label).rstrip(":").strip(), "")
            if key and key not in found:
                for right in row[index + 1 :]:
                    if not _blank(right.value):
                        found[key] = (
                            right.value,
                            int(right.row),
                            get_column_letter(int(right.column)),
                        )
                        break
                else:
                    found[key] = (None, int(cell.row), get_column_letter(int(cell.column) + 1))
    return found


def _import_realisation(
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
    sheet = REALISATION_SHEET
    problems: list[Problem] = []
    org = organisation or resolve_organisation(session=session)
    assert org.id is not None
    report.organisation = org.code
    header = _realisation_header(ws)

    def from_sheet(key: str, given: int | None, parse: Callable[[Any], int | None]) -> int | None:
        if key not in header or _blank(header[key][0]):
            if given is None:
                problems.append(
                    Problem(
                        sheet,
                        None,
                        None,
                        f"{key} tidak diisi; isi sel {key} di atas tabel atau pakai --{key}",
                    )
                )
            return given
        value, row, letter = header[key]
        parsed = parse(value)
        if parsed is None:
            problems.append(Problem(sheet, row, letter, f"“{value}” tidak dikenal", key))
            return given
        if given is not None and given != parsed:
            problems.append(
                Problem(
                    sheet, row, letter, f"berkas untuk {key} {parsed}, bukan {given} (--{key})", key
                )
            )
        return parsed

    def year_of(value: Any) -> int | None:
        parsed = cell_number(value)
        if isinstance(parsed, str) or parsed != parsed.to_integral_value():
            return None
        whole = int(parsed)
        return whole if YEAR_RANGE[0] <= whole <= YEAR_RANGE[1] else None

    the_year = from_sheet("tahun", year, year_of)
    the_quarter = from_sheet("triwulan", quarter, _quarter_value)
    report.year, report.quarter = the_year, the_quarter
    lines: dict[str, BudgetLine] = {}
    if the_year is not None:
        lines = {
            line.code: line
            for line in budget_lines(session=session, organisation_id=org.id, year=the_year)
        }
        if not lines:
            problems.append(
                Problem(
                    sheet,
                    None,
                    None,
                    f"belum ada data anggaran tahun {the_year}; muat templat data induk dulu",
                )
            )
    period: Period | None = None
    if the_year is not None and the_quarter is not None and lines:
        period = get_period(
            session=session, organisation_id=org.id, year=the_year, quarter=the_quarter
        )
        if period is not None and period.locked:
            problems.append(
                Problem(
                    sheet,
                    None,
                    None,
                    f"TW {ROMAN[the_quarter]} {the_year} sudah dikunci; tidak bisa diubah",
                )
            )

    table = _read_table(ws, REALISATION_COLUMNS, problems)
    amounts: list[tuple[_Row, BudgetLine, Decimal]] = []
    skipped = 0
    if table is not None:
        check = _Checker(table, problems)
        seen: dict[str, int] = {}
        for row in table.rows:
            code = check.text(row, "kode", limit=40)
            amount = check.number(row, "realisasi", kind=NumberField.RUPIAH)
            if code is None:
                if not row.blank("realisasi"):
                    check.add(row.number, "kode", "kosong")
                continue
            if _duplicate(check, seen, row, "kode", code, "kode"):
                continue
            line = lines.get(code)
            if line is None and lines:
                check.add(row.number, "kode", f"mata anggaran {code} tidak ada di tahun {the_year}")
                continue
            if row.blank("realisasi"):
                skipped += 1
                continue
            if line is not None and amount is not None:
                amounts.append((row, line, amount))
    report.problems = sorted(problems, key=Problem.sort_key)
    if report.problems or the_year is None or the_quarter is None:
        return

    period = period or ensure_periods(session, org, the_year)[the_quarter]
    assert period.id is not None
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
    unchanged = 0
    letter = table.letters["realisasi"] if table else "C"
    for row, line, amount in amounts:
        assert line.id is not None
        if amount > line.ceiling:
            report.warnings.append(
                f"{sheet}!{letter}{row.number} ({line.code}): realisasi "
                f"{format_rupiah(amount)} melebihi pagu {format_rupiah(line.ceiling)}"
            )
        earlier = before.get(line.id)
        if earlier is not None and amount < earlier.amount:
            report.warnings.append(
                f"{sheet}!{letter}{row.number} ({line.code}): realisasi "
                f"kumulatif turun dari {format_rupiah(earlier.amount)} pada triwulan sebelumnya"
            )
        current = current_budget(session=session, line_id=line.id, period_id=period.id)
        if current is not None and current.amount == amount:
            unchanged += 1
            continue
        session.add(
            BudgetRealisation(
                budget_line_id=line.id,
                period_id=period.id,
                number=(current.number + 1) if current else 1,
                amount=amount,
                reason=f"impor berkas {report.filename}",
                person_id=person_id,
                source="impor",
                created_at=now,
            )
        )
        report.add("realisasi anggaran" if current is None else "koreksi realisasi anggaran")
    if unchanged:
        report.add("tidak berubah", unchanged)
    if skipped:
        report.add("baris kosong dilewati", skipped)
    session.flush()


# --- the template --------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A written template and what it holds, for the one-line summary."""

    workbook: Workbook
    counts: dict[str, int]
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
    counts: dict[str, int] = {}
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
    counts["unit"] = len(units)
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
    counts["jabatan"] = len(positions)

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
            targets = quarter_targets.get(ind.id or 0, {})
            end = renstra.get(ind.id or 0)
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
    counts["tujuan"] = len(goal_rows)
    counts["indikator"] = len(indicator_rows)
    counts["mata anggaran"] = len(budget_rows)
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
        existing = current.get(line.id or 0)
        rows.append([line.code, line.name, existing.amount if existing else None])
    write_table(ws, [c.column() for c in REALISATION_COLUMNS], rows, start_row=6)
    set_column_format(ws, 1, CellKind.CODE)
    return Template(
        workbook=workbook, counts={"mata anggaran": len(lines)}, prefilled=bool(current)
    )


# --- the export ----------------------------------------------------------------------------


def gather_export(
    *, session: Session, organisation: Organisation, year: int, quarter: int
) -> ExportData:
    """Everything `build_export` prints, read in one session."""
    org_id = organisation.id
    assert org_id is not None
    specs = indicator_specs(session=session, organisation_id=org_id, year=year)
    results: dict[int, list[IndicatorResult]] = {}
    periods: dict[int, Period] = {}
    for q in (1, 2, 3, 4):
        period = get_period(session=session, organisation_id=org_id, year=year, quarter=q)
        reported = (
            current_reports(session=session, period_id=period.id) if period and period.id else {}
        )
        if period is not None:
            periods[q] = period
        results[q] = [evaluate(spec, q, reported.get(spec.id)) for spec in specs.values()]
    indicators = list(
        session.exec(
            select(Indicator).where(Indicator.organisation_id == org_id, Indicator.year == year)
        )
    )
    codes = {i.id: i.code for i in indicators}
    names = {i.id: i.name for i in indicators}
    ids = list(codes)
    past: dict[str, list[PastRow]] = {}
    renstra: dict[str, RenstraRow] = {}
    if ids:
        for p in session.exec(
            select(PastRealisation).where(col(PastRealisation.indicator_id).in_(ids))
        ):
            past.setdefault(codes[p.indicator_id], []).append(
                PastRow(p.year, p.realisation, p.achievement)
            )
        for r in session.exec(
            select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids))
        ):
            renstra[codes[r.indicator_id]] = RenstraRow(r.end_year, r.target)
    lines = budget_lines(session=session, organisation_id=org_id, year=year)
    period = periods.get(quarter)
    spent = (
        current_budget_realisations(session=session, period_id=period.id)
        if period and period.id
        else {}
    )
    by_id = {line.id: line for line in lines}

    def level(line: BudgetLine) -> int:
        depth, seen = 0, {line.id}
        while line.parent_id is not None and line.parent_id in by_id and line.parent_id not in seen:
            seen.add(line.parent_id)
            line = by_id[line.parent_id]
            depth += 1
        return depth

    budget = [
        BudgetRow(
            code=line.code,
            kind=line.kind,
            name=line.name,
            level=level(line),
            ceiling=line.ceiling,
            realisation=spent[line.id].amount if line.id in spent else None,
        )
        for line in lines
    ]
    line_codes = {line.id: line.code for line in lines}
    indicator_budget = {
        i.code: line_codes[i.budget_line_id] for i in indicators if i.budget_line_id in line_codes
    }
    spending = [
        SpendingRow(s.name, s.parent_name, s.ceiling, s.realisation)
        for s in session.exec(
            select(SpendingType)
            .where(SpendingType.organisation_id == org_id, SpendingType.year == year)
            .order_by(col(SpendingType.sort_order))
        )
    ]
    evidence: list[EvidenceRow] = []
    wanted = {p.id: q for q, p in periods.items() if q <= quarter}
    if ids and wanted:
        rows = session.exec(
            select(Evidence, Submission)
            .join(Submission, col(Submission.id) == col(Evidence.submission_id))
            .where(
                col(Submission.indicator_id).in_(ids),
                col(Submission.period_id).in_(list(wanted)),
            )
            .order_by(col(Evidence.id))
        ).all()
        ordered = sorted(
            rows, key=lambda r: (codes[r[1].indicator_id], wanted[r[1].period_id], r[0].id or 0)
        )
        numbers: dict[tuple[str, int], int] = {}
        for ev, sub in ordered:
            code, q = codes[sub.indicator_id], wanted[sub.period_id]
            numbers[(code, q)] = numbers.get((code, q), 0) + 1
            evidence.append(
                EvidenceRow(
                    code=code,
                    indicator=names[sub.indicator_id],
                    quarter=q,
                    revision=ev.revision_number,
                    filename=ev.filename,
                    size=ev.size,
                    sha256=ev.sha256,
                    export_name=evidence_name(code, q, numbers[(code, q)], ev.filename),
                    source_path=ev.path,
                )
            )
    return ExportData(
        organisation=organisation.name,
        year=year,
        quarter=quarter,
        results=results,
        past=past,
        renstra=renstra,
        indicator_budget=indicator_budget,
        budget=budget,
        spending=spending,
        evidence=evidence,
    )


def copy_evidence(
    data: ExportData, target: Path, *, files_dir: Path | None = None
) -> tuple[ExportData, int]:
    """Copy every evidence file to `target` under its export name; missing files are noted
    in the Bukti Dukung sheet instead of stopping the export. Returns the data and the number
    of files copied."""
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    rows: list[EvidenceRow] = []
    for row in data.evidence:
        source = Path(row.source_path)
        if not source.is_file() and files_dir is not None:
            source = files_dir / source.name
        if not source.is_file():
            rows.append(replace(row, note="berkas tidak ditemukan"))
            continue
        shutil.copyfile(source, target / row.export_name)
        copied += 1
        rows.append(replace(row, note="disalin"))
    return replace(data, evidence=rows), copied
