"""What SiCapai says about a workbook: its problems, the import's outcome, a refused file.

`sicapai.excel` reports in codes and arguments; this module words them, once, for the command
line (`sicapai impor`) and the chat (`/impor`) alike. The functions return plain text, except
`refusal`, which is HTML for a chat (the caller escapes the rest with `esc`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from sicapai.excel.columns import INDICATOR_SHEET, REALISATION_SHEET
from sicapai.excel.limits import MAX_TOKEN_BYTES, BeyondLimits, Breach
from sicapai.excel.problems import (
    Count,
    ImportKind,
    ImportReport,
    Issue,
    Note,
    NoteKind,
    Problem,
    Reason,
)
from sicapai.excel.workbook import MAX_WORKBOOK_BYTES, Failure, WorkbookError
from sicapai.handlers.texts import esc
from sicapai.handlers.texts.numbers import explain
from sicapai.reports.numbers import format_number, format_rupiah
from sicapai.reports.periods import ROMAN

MB: Final = 1024 * 1024

KIND_LABELS: Final[dict[ImportKind, str]] = {
    ImportKind.TEMPLATE: "templat",
    ImportKind.REALISATION: "realisasi anggaran",
}
COUNT_LABELS: Final[dict[Count, str]] = {
    Count.UNIT: "unit",
    Count.POSITION: "jabatan",
    Count.GOAL: "tujuan",
    Count.OBJECTIVE: "sasaran",
    Count.BUDGET_LINE: "mata anggaran",
    Count.SPENDING: "jenis belanja",
    Count.INDICATOR: "indikator",
    Count.QUARTER_TARGET: "target triwulan",
    Count.PAST: "realisasi lalu",
    Count.REALISATION: "realisasi anggaran",
    Count.CORRECTION: "koreksi realisasi anggaran",
    Count.UNCHANGED: "tidak berubah",
    Count.SKIPPED: "baris kosong dilewati",
}


def _n(value: int) -> str:
    return format_number(value)  # 10.000, as Indonesians write it


def _roman(quarter: int | None) -> str:
    return ROMAN[quarter] if quarter is not None and quarter in ROMAN else str(quarter)


def _listed(choices: tuple[str, ...]) -> str:
    """ "a, b atau c"."""
    if len(choices) < 2:
        return ""
    return ", ".join(choices[:-1]) + f" atau {choices[-1]}"


# --- one problem ----------------------------------------------------------------------------


def reason(why: Reason) -> str:
    """What is wrong, without where (plain text)."""
    v = why.value
    match why.issue:
        case Issue.EMPTY:
            return "kosong"
        case Issue.DATE_NOT_TEXT:
            return "berisi tanggal, bukan teks"
        case Issue.TOO_LONG:
            if why.number is None:
                return f"terlalu panjang (paling banyak {why.high})"
            return f"terlalu panjang ({why.number} karakter, paling banyak {why.high})"
        case Issue.UNKNOWN_CHOICE:
            return f"“{v}” tidak dikenal; pilih {_listed(why.choices)}"
        case Issue.UNKNOWN_FLAG:
            return f"“{v}” tidak dikenal; isi ya atau tidak"
        case Issue.UNKNOWN_VALUE:
            return f"“{v}” tidak dikenal"
        case Issue.BOOLEAN_NOT_NUMBER:
            return "berisi nilai benar/salah, bukan angka"
        case Issue.NOT_A_NUMBER:
            return "bukan angka"
        case Issue.DATE_NOT_NUMBER:
            return "berisi tanggal, bukan angka"
        case Issue.EXCEL_ERROR:
            return f"berisi galat Excel {v}"
        case Issue.UNREADABLE_NUMBER:
            return explain(why.parsed) if why.parsed is not None else "bukan angka"
        case Issue.NUMBER_TOO_BIG:
            return "angka terlalu besar"
        case Issue.NEGATIVE:
            return "tidak boleh negatif"
        case Issue.NOT_WHOLE:
            return "harus bilangan bulat"
        case Issue.OUT_OF_RANGE:
            return f"{why.number} di luar jangkauan {why.low}-{why.high}"
        case Issue.NO_HEADER_ROW:
            return "baris judul kolom tidak ditemukan"
        case Issue.MISSING_COLUMN:
            return f"kolom “{v}” tidak ada"
        case Issue.NO_ORG_SHEET:
            return "lembar tidak ada; organisasi tidak diketahui"
        case Issue.MISSING_ORG_ROW:
            return f"baris “{v}” tidak ada"
        case Issue.UNKNOWN_TIMEZONE:
            return f"zona waktu “{v}” tidak dikenal"
        case Issue.OTHER_ORGANISATION:
            return f"berkas ini untuk organisasi {v}, bukan {why.other}"
        case Issue.NEW_ORG_NEEDS_NAME:
            return f"kosong; organisasi {v} belum ada sehingga namanya wajib"
        case Issue.NOT_A_YEAR:
            return f"“{v}” bukan tahun"
        case Issue.OTHER_YEAR:
            return f"berkas untuk tahun {why.year}, bukan {why.given} (--tahun)"
        case Issue.OTHER_QUARTER:
            return f"berkas untuk triwulan {why.quarter}, bukan {why.given} (--triwulan)"
        case Issue.NO_YEAR:
            return "tahun kosong; isi sel tahun atau pakai --tahun"
        case Issue.YEAR_NOT_GIVEN:
            return "tahun tidak diisi; isi sel tahun di atas tabel atau pakai --tahun"
        case Issue.QUARTER_NOT_GIVEN:
            return "triwulan tidak diisi; isi sel triwulan di atas tabel atau pakai --triwulan"
        case Issue.DUPLICATE_CODE:
            return f"kode {v} sudah dipakai di baris {why.first_row}"
        case Issue.DUPLICATE_POSITION:
            return f"jabatan “{v}” sudah dipakai di baris {why.first_row}"
        case Issue.DUPLICATE_SPENDING:
            return f"jenis belanja “{v}” sudah dipakai di baris {why.first_row}"
        case Issue.DUPLICATE_PAST:
            return f"realisasi {v} tahun {why.year} sudah dipakai di baris {why.first_row}"
        case Issue.OBJECTIVE_CODE_MISSING:
            return "kosong, padahal sasaran diisi"
        case Issue.OBJECTIVE_NAME_MISSING:
            return f"kosong; tulis rumusan sasaran {v}"
        case Issue.OBJECTIVE_DIFFERS:
            return f"berbeda dengan sasaran {v} di baris {why.first_row}"
        case Issue.OBJECTIVE_GOAL_DIFFERS:
            return f"berbeda dengan tujuan sasaran {v} di baris {why.first_row}"
        case Issue.RENSTRA_YEAR_MISSING:
            return "kosong; isi bersama target akhir renstra"
        case Issue.RENSTRA_TARGET_MISSING:
            return "kosong; isi bersama tahun akhir renstra"
        case Issue.UNKNOWN_UNIT:
            return f"unit {v} tidak ada"
        case Issue.UNKNOWN_POSITION:
            return f"jabatan “{v}” tidak dikenal"
        case Issue.UNKNOWN_GOAL:
            return f"tujuan {v} tidak ada di lembar Tujuan"
        case Issue.UNKNOWN_LINE:
            if why.year is not None:
                return f"mata anggaran {v} tidak ada di tahun {why.year}"
            return f"mata anggaran {v} tidak ada"
        case Issue.UNKNOWN_SPENDING:
            return f"jenis belanja “{v}” tidak ada"
        case Issue.UNKNOWN_INDICATOR:
            return f"indikator {v} tidak ada"
        case Issue.OWN_PARENT_UNIT:
            return "unit tidak boleh menjadi induknya sendiri"
        case Issue.OWN_PARENT_LINE:
            return "mata anggaran tidak boleh menjadi induknya sendiri"
        case Issue.OWN_SUPERIOR:
            return "jabatan tidak boleh menjadi atasannya sendiri"
        case Issue.CIRCULAR_PARENT:
            return "induk melingkar"
        case Issue.CIRCULAR_SUPERIOR:
            return "atasan melingkar"
        case Issue.NO_BUDGET:
            return f"belum ada data anggaran tahun {why.year}; muat templat data induk dulu"
        case Issue.QUARTER_LOCKED:
            return f"TW {_roman(why.quarter)} {why.year} sudah dikunci; tidak bisa diubah"


def problem(found: Problem) -> str:
    """One problem as one line: "Indikator!J7 (satuan): kosong" (plain text)."""
    what = f" ({found.field})" if found.field else ""
    message = reason(found.reason)
    if found.cell:
        return f"{found.sheet}!{found.cell}{what}: {message}"
    if found.row:
        return f"{found.sheet} baris {found.row}{what}: {message}"
    return f"{found.sheet}{what}: {message}"


# --- the report -----------------------------------------------------------------------------


def counted(counts: Mapping[Count, int]) -> str:
    """ "25 indikator, 64 mata anggaran": every count that is not zero."""
    return ", ".join(f"{_n(n)} {COUNT_LABELS[what]}" for what, n in counts.items() if n)


def headline(report: ImportReport) -> str:
    """The first line a person reads: loaded, or how many problems stopped it."""
    if not report.ok:
        text = (
            f"Berkas {report.filename} tidak dimuat: {_n(report.problem_count)} masalah "
            "(tidak ada data yang diubah)."
        )
        if report.more:
            text += f" Berikut {_n(len(report.problems))} masalah yang pertama."
        return text
    done = counted(report.counts) or "tidak ada perubahan"
    where = f"{report.organisation}, tahun {report.year}"
    if report.quarter:
        where += f" TW {_roman(report.quarter)}"
    return f"Berkas {report.filename} dimuat ({KIND_LABELS[report.kind]}, {where}): {done}."


def more_problems(report: ImportReport) -> str:
    """The line after the problems shown, when there were more: "… dan 259.124 masalah lain"
    ("" when every problem was shown)."""
    return f"… dan {_n(report.more)} masalah lain" if report.more else ""


def _rp(value: Decimal | None) -> str:
    return format_rupiah(value) if value is not None else "-"


def note(warned: Note) -> str:
    """A warning about a loaded file (plain text)."""
    where = f"{warned.sheet}!{warned.cell} ({warned.item})" if warned.cell else warned.item
    match warned.kind:
        case NoteKind.QUARTER_IGNORED:
            return "--triwulan diabaikan untuk templat data induk"
        case NoteKind.INDICATORS_KEPT:
            return (
                f"indikator {', '.join(warned.items)} ada di basis data tetapi tidak di berkas; "
                "tidak dihapus"
            )
        case NoteKind.ABOVE_CEILING:
            return f"{where}: realisasi {_rp(warned.amount)} melebihi pagu {_rp(warned.limit)}"
        case NoteKind.CUMULATIVE_DOWN:
            return (
                f"{where}: realisasi kumulatif turun dari {_rp(warned.limit)} pada triwulan "
                "sebelumnya"
            )


# --- a refused file -------------------------------------------------------------------------


def beyond(refused: BeyondLimits) -> str:
    """Which limit a file crosses, without the file's name (plain text)."""
    limits = refused.limits
    match refused.breach:
        case Breach.MEMBERS:
            return (
                f"arsipnya berisi lebih dari {_n(limits.members)} bagian; "
                "berkas Excel biasa berisi beberapa puluh"
            )
        case Breach.UNPACKED:
            mb = _n(limits.unpacked_bytes // MB)
            return (
                f"isinya lebih dari {mb} MB setelah dibuka dari arsip .xlsx; "
                f"SiCapai menerima paling banyak {mb} MB"
            )
        case Breach.ELEMENTS:
            n = _n(limits.elements)
            return (
                f"isinya lebih dari {n} unsur XML di luar sel (format, komentar, "
                f"gambar, diagram); SiCapai menerima paling banyak {n}"
            )
        case Breach.STRINGS:
            n = _n(limits.strings)
            return (
                f"isinya lebih dari {n} teks tersimpan (shared strings); "
                f"SiCapai menerima paling banyak {n}"
            )
        case Breach.SHEET_ROWS | Breach.SHEET_COLUMNS:
            rows, columns = _n(limits.sheet_rows), _n(limits.sheet_columns)
            what = f"{rows} baris" if refused.breach is Breach.SHEET_ROWS else f"{columns} kolom"
            return (
                f"lembar “{refused.where}” berisi lebih dari {what}; SiCapai menerima paling "
                f"banyak {rows} baris dan {columns} kolom per lembar"
            )
        case Breach.CELLS:
            n = _n(limits.cells)
            return (
                f"isinya lebih dari {n} sel di semua lembar (baris × kolom yang "
                f"terpakai); SiCapai menerima paling banyak {n} sel per berkas"
            )
        case Breach.LONG_ELEMENT:
            return (
                f"bagian “{refused.where}” memuat satu unsur XML yang lebih panjang dari "
                f"{_n(MAX_TOKEN_BYTES // MB)} MB"
            )
        case Breach.DTD:
            return (
                f"bagian “{refused.where}” memuat deklarasi DTD, yang tidak pernah ada dalam "
                "berkas Excel"
            )
        case Breach.COMPLEX_ROW | Breach.COMPLEX_STRING:
            n = _n(limits.unit_elements)
            if refused.breach is Breach.COMPLEX_ROW:
                where = f"lembar “{refused.where}” memuat baris"
            else:
                where = "teks tersimpan (shared strings) memuat satu teks"
            return (
                f"{where} dengan lebih dari {n} unsur XML; berkas Excel biasa jauh lebih sederhana"
            )


def workbook_error(error: WorkbookError) -> str:
    """Why a file was not read, in one line that starts with its name (plain text)."""
    name = error.filename
    match error.failure:
        case Failure.UNREADABLE:
            return f"berkas {name} tidak dapat dibaca: {error.detail}"
        case Failure.TOO_BIG:
            return f"berkas {name} terlalu besar (lebih dari {_n(MAX_WORKBOOK_BYTES // MB)} MB)"
        case Failure.NOT_XLSX:
            return (
                f"berkas {name} bukan berkas Excel .xlsx; berkas .xls lama atau CSV harus "
                "disimpan ulang sebagai .xlsx (Excel Workbook)"
            )
        case Failure.BEYOND_LIMITS:
            why = beyond(error.beyond) if error.beyond is not None else "melebihi batas"
            return f"berkas {name} tidak dimuat: {why}"
        case Failure.DAMAGED:
            return f"berkas {name} rusak atau bukan berkas Excel .xlsx yang sah ({error.detail})"
        case Failure.BOTH_SHEETS:
            return (
                f"berkas {name} berisi lembar {INDICATOR_SHEET} dan {REALISATION_SHEET} sekaligus; "
                "muat data induk dan realisasi anggaran dalam berkas terpisah"
            )
        case Failure.NO_KNOWN_SHEET:
            return (
                f"berkas {name} tidak berisi lembar “{INDICATOR_SHEET}” (templat data induk) "
                f"atau “{REALISATION_SHEET}” (realisasi anggaran)"
            )


TEMPLATE_HINT: Final = (
    "templat SiCapai (buat dengan <code>sicapai templat</code>, atau "
    "<code>sicapai templat --tahun TAHUN --triwulan N</code> untuk realisasi anggaran)"
)
ADVICE: Final[dict[Failure, str]] = {
    Failure.UNREADABLE: "Berkas itu gagal dibaca setelah diterima. Silakan kirim ulang.",
    Failure.TOO_BIG: (
        "Hapus lembar atau baris yang tidak diperlukan, atau bagi isinya menjadi beberapa "
        "berkas, lalu kirim ulang."
    ),
    Failure.BEYOND_LIMITS: (
        "Tidak ada data yang diubah. Hapus baris, kolom, lembar, format atau gambar yang tidak "
        "diperlukan (atau bagi isinya menjadi beberapa berkas), lalu kirim ulang."
    ),
    Failure.NOT_XLSX: (
        "Silakan buka berkas itu di Excel, simpan sebagai Excel Workbook (.xlsx), lalu kirim "
        f"ulang; atau isi {TEMPLATE_HINT}."
    ),
    Failure.DAMAGED: (
        "Silakan buka berkas itu di Excel dan simpan ulang sebagai .xlsx, lalu kirim ulang; "
        f"atau isi {TEMPLATE_HINT}."
    ),
    Failure.BOTH_SHEETS: "Silakan kirim kedua berkas itu satu per satu.",
    Failure.NO_KNOWN_SHEET: (
        f"Silakan isi {TEMPLATE_HINT} tanpa mengganti nama lembarnya, lalu kirim ulang."
    ),
}


def refusal(error: WorkbookError) -> str:
    """The chat's answer to a refused file: why, then what to do about that kind (HTML)."""
    return f"Mohon maaf, {esc(workbook_error(error))}.\n\n{ADVICE[error.failure]}"
