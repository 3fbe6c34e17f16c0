"""What an import found: problems that stop it, warnings that do not, and what it loaded.

An import validates the whole file before it loads anything, so a planner can fix every cell
in one pass; each problem is located (sheet, row, column letter, the column's header) and says
what is wrong as a code (`Issue`) with what it needs to be worded: the cell's value as read,
the allowed choices, the limit, the earlier row... `sicapai.handlers.texts.excel` turns that
into the Indonesian line ("Indikator!J7 (satuan): kosong"), the same on the command line and in
chat. Nothing here is a sentence.

A file full of errors would otherwise make one problem per cell (259,324 for a 10,000-row
sheet with every cell wrong, about 110 MiB, and as many lines to read): `Problems` keeps the
first `MAX_PROBLEMS` in reading order and counts the rest.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from sicapai.excel.columns import SHEET_ORDER
from sicapai.reports.numbers import ParsedNumber

MAX_PROBLEMS: Final = 200


class Issue(StrEnum):
    """What is wrong with a cell, a row or a sheet; `handlers.texts.excel` words each one.

    The comments name the `Reason` fields each code fills in.
    """

    # any cell
    EMPTY = "kosong"
    DATE_NOT_TEXT = "tanggal_bukan_teks"
    TOO_LONG = "terlalu_panjang"  # number: the length (None: not counted), high: the limit
    UNKNOWN_CHOICE = "pilihan_tidak_dikenal"  # value, choices
    UNKNOWN_FLAG = "bukan_ya_tidak"  # value
    UNKNOWN_VALUE = "tidak_dikenal"  # value
    # numbers
    BOOLEAN_NOT_NUMBER = "benar_salah_bukan_angka"
    NOT_A_NUMBER = "bukan_angka"  # a NaN or infinite double
    DATE_NOT_NUMBER = "tanggal_bukan_angka"
    EXCEL_ERROR = "galat_excel"  # value: #DIV/0!, #REF!...
    UNREADABLE_NUMBER = "angka_tak_terbaca"  # parsed: what parse_number said of the text
    NUMBER_TOO_BIG = "angka_terlalu_besar"
    NEGATIVE = "negatif"
    NOT_WHOLE = "bukan_bilangan_bulat"
    OUT_OF_RANGE = "di_luar_jangkauan"  # number, low, high
    # the sheet's layout
    NO_HEADER_ROW = "tanpa_baris_judul"
    MISSING_COLUMN = "kolom_tidak_ada"  # value: the header
    # the Organisasi sheet, the year and the quarter
    NO_ORG_SHEET = "tanpa_lembar_organisasi"
    MISSING_ORG_ROW = "baris_organisasi_tidak_ada"  # value: the row's label
    UNKNOWN_TIMEZONE = "zona_waktu_tidak_dikenal"  # value
    OTHER_ORGANISATION = "organisasi_lain"  # value: the file's office, other: the one acted for
    NEW_ORG_NEEDS_NAME = "organisasi_baru_tanpa_nama"  # value: the office's code
    NOT_A_YEAR = "bukan_tahun"  # value
    OTHER_YEAR = "tahun_lain"  # year: the file's, given: --tahun
    OTHER_QUARTER = "triwulan_lain"  # quarter: the file's, given: --triwulan
    NO_YEAR = "tahun_kosong"  # the template: neither the Organisasi sheet nor --tahun
    YEAR_NOT_GIVEN = "tahun_tidak_diisi"  # a realisation file: no tahun cell, no --tahun
    QUARTER_NOT_GIVEN = "triwulan_tidak_diisi"  # a realisation file: no triwulan, no --triwulan
    # rows that repeat or contradict each other
    DUPLICATE_CODE = "kode_ganda"  # value, first_row
    DUPLICATE_POSITION = "jabatan_ganda"  # value, first_row
    DUPLICATE_SPENDING = "jenis_belanja_ganda"  # value, first_row
    DUPLICATE_PAST = "realisasi_lalu_ganda"  # value: the indicator, year, first_row
    OBJECTIVE_CODE_MISSING = "kode_sasaran_kosong"
    OBJECTIVE_NAME_MISSING = "rumusan_sasaran_kosong"  # value: the objective's code
    OBJECTIVE_DIFFERS = "sasaran_berbeda"  # value: the objective's code, first_row
    OBJECTIVE_GOAL_DIFFERS = "tujuan_sasaran_berbeda"  # value: the objective's code, first_row
    RENSTRA_YEAR_MISSING = "tahun_renstra_kosong"
    RENSTRA_TARGET_MISSING = "target_renstra_kosong"
    # references to what does not exist, and trees that are not trees
    UNKNOWN_UNIT = "unit_tidak_ada"  # value
    UNKNOWN_POSITION = "jabatan_tidak_dikenal"  # value
    UNKNOWN_GOAL = "tujuan_tidak_ada"  # value
    UNKNOWN_LINE = "mata_anggaran_tidak_ada"  # value; year when the line was looked up in one
    UNKNOWN_SPENDING = "jenis_belanja_tidak_ada"  # value
    UNKNOWN_INDICATOR = "indikator_tidak_ada"  # value
    OWN_PARENT_UNIT = "unit_induk_sendiri"
    OWN_PARENT_LINE = "mata_anggaran_induk_sendiri"
    OWN_SUPERIOR = "atasan_sendiri"
    CIRCULAR_PARENT = "induk_melingkar"
    CIRCULAR_SUPERIOR = "atasan_melingkar"
    # the budget-realisation file against the database
    NO_BUDGET = "belum_ada_anggaran"  # year
    QUARTER_LOCKED = "triwulan_terkunci"  # year, quarter


@dataclass(frozen=True, slots=True)
class Reason:
    """What is wrong (`issue`) and what wording it needs; fields an issue does not use stay
    at their defaults (`Issue` says which it uses)."""

    issue: Issue
    value: str = ""  # the cell's text as read, or the code or name it refers to
    other: str = ""  # what the value was held against
    choices: tuple[str, ...] = ()  # the allowed values
    number: int | None = None  # a length, or a whole number out of range
    low: int | None = None
    high: int | None = None  # a limit, or a range's upper bound
    first_row: int | None = None  # the earlier row the value is already used in
    year: int | None = None
    quarter: int | None = None
    given: int | None = None  # the year or quarter given on the command line
    parsed: ParsedNumber | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a workbook, located as precisely as possible."""

    sheet: str
    row: int | None
    column: str | None  # column letter
    reason: Reason
    field: str | None = None  # the column's header

    @property
    def issue(self) -> Issue:
        return self.reason.issue

    @property
    def cell(self) -> str | None:
        return f"{self.column}{self.row}" if self.column and self.row else None

    def sort_key(self) -> tuple[int, int, int]:
        """Reading order: sheet by sheet as the template orders them, row, then column."""
        sheet = SHEET_ORDER.index(self.sheet) if self.sheet in SHEET_ORDER else len(SHEET_ORDER)
        column = column_number(self.column) if self.column else 0
        return (sheet, self.row or 0, column)


def column_number(letter: str) -> int:
    """A column's number from its letters: A is 1, AA is 27."""
    number = 0
    for char in letter:
        number = number * 26 + (ord(char.upper()) - 64)
    return number


class Problems:
    """The problems of one import as they are found: the first `keep` in reading order
    (ties in the order they were found), and how many there were in all."""

    def __init__(self, keep: int = MAX_PROBLEMS) -> None:
        self.keep = keep
        self.total = 0
        # a max-heap of the `keep` earliest, by negated key, so the latest of them is at [0]
        self._heap: list[tuple[tuple[int, int, int, int], Problem]] = []

    def add(self, problem: Problem) -> None:
        self.total += 1
        sheet, row, column = problem.sort_key()
        entry = ((-sheet, -row, -column, -self.total), problem)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, entry)
        elif entry[0] > self._heap[0][0]:  # earlier than the latest kept
            heapq.heapreplace(self._heap, entry)

    def __bool__(self) -> bool:
        return self.total > 0

    def first(self) -> list[Problem]:
        """The kept problems in reading order."""
        return [problem for _, problem in sorted(self._heap, key=_key, reverse=True)]


def _key(entry: tuple[tuple[int, int, int, int], Problem]) -> tuple[int, int, int, int]:
    return entry[0]


class NoteKind(StrEnum):
    """A warning about a loaded file; `handlers.texts.excel` words each one."""

    QUARTER_IGNORED = "triwulan_diabaikan"  # --triwulan given for a template
    INDICATORS_KEPT = "indikator_dibiarkan"  # items: in the database but not in the file
    ABOVE_CEILING = "melebihi_pagu"  # item: the line, amount, limit: its ceiling
    CUMULATIVE_DOWN = "kumulatif_turun"  # item: the line, amount, limit: the previous quarter's


@dataclass(frozen=True, slots=True)
class Note:
    """A warning: the file was loaded, but this deserves a look."""

    kind: NoteKind
    sheet: str = ""
    row: int | None = None
    column: str | None = None
    item: str = ""
    items: tuple[str, ...] = ()
    amount: Decimal | None = None
    limit: Decimal | None = None

    @property
    def cell(self) -> str | None:
        return f"{self.column}{self.row}" if self.column and self.row else None


class ImportKind(StrEnum):
    TEMPLATE = "templat"
    REALISATION = "realisasi anggaran"


class Count(StrEnum):
    """What an import loaded, or a template holds, counted."""

    UNIT = "unit"
    POSITION = "jabatan"
    GOAL = "tujuan"
    OBJECTIVE = "sasaran"
    BUDGET_LINE = "mata anggaran"
    SPENDING = "jenis belanja"
    INDICATOR = "indikator"
    QUARTER_TARGET = "target triwulan"
    PAST = "realisasi lalu"
    REALISATION = "realisasi anggaran"
    CORRECTION = "koreksi realisasi anggaran"
    UNCHANGED = "tidak berubah"
    SKIPPED = "baris kosong dilewati"


@dataclass
class ImportReport:
    """What an import found and did. Nothing was loaded unless `ok`.

    `problems` holds the first MAX_PROBLEMS in reading order, `problem_count` all of them.
    """

    kind: ImportKind
    filename: str
    organisation: str = ""
    year: int | None = None
    quarter: int | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Note] = field(default_factory=list)
    counts: dict[Count, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.problem_count

    @property
    def more(self) -> int:
        """How many problems were found beyond those in `problems`."""
        return max(0, self.problem_count - len(self.problems))

    def take(self, problems: Problems) -> None:
        self.problems = problems.first()
        self.problem_count = problems.total

    def add(self, what: Count, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n
