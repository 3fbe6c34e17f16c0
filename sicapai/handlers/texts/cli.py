"""What the `sicapai` command line says: argparse's own messages in Indonesian, the settings
and file errors, `kunci` and `buka`, `pengingat` and the readable audit trail of `audit`."""

from __future__ import annotations

import errno
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from sicapai.reports.dates import zone_label
from sicapai.reports.periods import quarter_name

# argparse passes every sentence it prints through gettext's `_()`; these are its templates
# (Python 3.11–3.13), with the same placeholders. tests/bot/test_cli_office.py checks that
# every template of the running Python's argparse is here.
ARGPARSE: dict[str, str] = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "optional arguments": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "belum diisi, padahal wajib: %s",
    "one of the arguments %s is required": "salah satu dari %s wajib diisi",
    "unrecognized arguments: %s": "tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan %(value)r tidak dikenal (pilih salah satu: %(choices)s)"
    ),
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "pilihan %(value)r tidak dikenal, mungkin maksudnya %(closest)r? "
        "(pilih salah satu: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak dapat dibaca",
    "expected one argument": "perlu satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "expected %s argument": "perlu %s nilai",
    "expected %s arguments": "perlu %s nilai",
    "not allowed with argument %s": "tidak boleh dipakai bersama %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "pilihan %(option)s kurang jelas; bisa berarti %(matches)s"
    ),
    "unexpected option string: %s": "pilihan tak terduga: %s",
    "ignored explicit argument %r": "nilai %r diabaikan",
    "can't open '%(filename)s': %(error)s": "berkas '%(filename)s' tidak dapat dibuka: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s: %(message)s\n",
    # mistakes in SiCapai's own parser definitions, never seen by an operator
    ".__call__() not defined": ".__call__() belum didefinisikan",
    "'required' is an invalid argument for positionals": (
        "'required' tidak berlaku untuk argumen posisi"
    ),
    "mutually exclusive arguments must be optional": (
        "argumen yang saling meniadakan harus opsional"
    ),
    "%r is not callable": "%r tidak dapat dipanggil",
    "cannot merge actions - two groups are named %r": "dua kelompok bernama %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "pilihan %(option)r harus diawali %(prefix_chars)r"
    ),
    "dest= is required for options like %r": "dest= wajib untuk pilihan seperti %r",
    "invalid conflict_resolution value: %r": "nilai conflict_resolution %r tidak sah",
    "cannot have multiple subparser arguments": "hanya boleh satu kelompok perintah",
    "conflicting subparser: %s": "perintah ganda: %s",
    "conflicting subparser alias: %s": "alias perintah ganda: %s",
    "conflicting option string: %s": "pilihan ganda: %s",
    "conflicting option strings: %s": "pilihan ganda: %s",
    'argument "-" with mode %r': 'argumen "-" dengan mode %r',
}


def argparse_text(message: str) -> str:
    """gettext for argparse: the Indonesian template, or the message itself when unknown."""
    return ARGPARSE.get(message, message)


def argparse_plural(singular: str, plural: str, n: int) -> str:
    return argparse_text(singular if n == 1 else plural)


def see_help(prog: str) -> str:
    return f"(lihat `{prog} --help`)"


# --- settings and files --------------------------------------------------------------------


def not_a_database_url(raw: str) -> str:
    return (
        f"DATABASE_URL {raw!r} bukan alamat basis data; pakai sqlite:///berkas.db atau "
        "postgresql://pengguna@host/nama"
    )


def unsupported_database(driver: str) -> str:
    return (
        f"DATABASE_URL memakai {driver!r}, padahal SiCapai hanya mendukung SQLite "
        "(sqlite:///berkas.db) dan PostgreSQL (postgresql://...)"
    )


def invalid_setting(field: str, kind: str, limit: object, reason: str | None) -> str:
    """One line for a setting pydantic refused, by its error type (its own text is English)."""
    why = {
        "int_parsing": "harus bilangan bulat",
        "int_from_float": "harus bilangan bulat",
        "bool_parsing": "harus true atau false",
        "greater_than_equal": f"paling kecil {limit}",
        "greater_than": f"harus lebih dari {limit}",
        "less_than_equal": f"paling besar {limit}",
        "less_than": f"harus kurang dari {limit}",
        "string_type": "harus teks",
        "missing": "belum diisi",
    }.get(kind)
    if why is None:
        why = reason or "nilainya tidak dapat dipakai"
    return f"pengaturan {field} tidak sah: {why}"


def unknown_time_zone(zone: str) -> str:
    return f"zona waktu {zone!r} tidak dikenal; pakai mis. Asia/Makassar"


_OS_REASONS = {
    errno.ENOENT: "berkas atau folder itu tidak ada",
    errno.EACCES: "tidak ada izin",
    errno.EPERM: "tidak ada izin",
    errno.EISDIR: "itu sebuah folder, bukan berkas",
    errno.ENOTDIR: "salah satu bagian jalurnya bukan folder",
    errno.ENOSPC: "ruang disk penuh",
    errno.EROFS: "disk hanya dapat dibaca",
    errno.EEXIST: "sudah ada",
    errno.ENAMETOOLONG: "namanya terlalu panjang",
}


def os_reason(code: int | None) -> str:
    """Why the operating system refused, in Indonesian (its own strerror is English)."""
    if code is None:
        return "kesalahan sistem"
    return _OS_REASONS.get(code, f"kesalahan sistem (errno {code})")


def cannot_read(path: object, code: int | None) -> str:
    return f"berkas {path} tidak dapat dibaca: {os_reason(code)}"


def cannot_write(path: object, code: int | None) -> str:
    return f"berkas {path} tidak dapat ditulis: {os_reason(code)}"


def cannot_copy_evidence(code: int | None) -> str:
    return f"bukti dukung tidak dapat disalin: {os_reason(code)}"


def whole_number(text: str) -> str:
    return f"harus bilangan bulat, bukan {text!r}"


# --- argument help -------------------------------------------------------------------------

HELP_TAHUN = "tahun PK, mis. 2025"
HELP_TRIWULAN = "triwulan 1-4"
HELP_INDIKATOR = "kode indikator, mis. IK.18"
HELP_FORMAT = "bentuk keluaran"
HELP_DARI = "tanggal awal, YYYY-MM-DD"
HELP_SAMPAI = "tanggal akhir, YYYY-MM-DD"
HELP_HAPUS_LIBUR = "hapus hari libur kantor, YYYY-MM-DD"
HELP_YA = "kunci tanpa bertanya lagi (untuk skrip)"
HELP_ALASAN = 'alasan membuka kembali, dicatat di log audit, mis. "Koreksi data TW I dari BPS"'
HELP_XLSX = "tulis juga log audit ke berkas Excel ini (.xlsx)"

# --- pengingat -----------------------------------------------------------------------------


def no_pk_in_range(years: list[int], known: list[int]) -> str:
    asked = ", ".join(map(str, years))
    listed = ", ".join(map(str, known)) or "belum ada"
    return f"tidak ada PK tahun {asked} (tahun yang tersedia: {listed}); tidak ada pengingat"


# --- kunci and buka ------------------------------------------------------------------------


def already_locked(label: str) -> str:
    return f"{label} sudah terkunci sejak sebelumnya."


def before_locking(label: str, missing: list[str], unreviewed: list[str]) -> str:
    return "\n".join(
        (
            f"Sebelum mengunci {label}:",
            f"- belum dilaporkan ({len(missing)}): {', '.join(missing) or '-'}",
            f"- belum diverifikasi ({len(unreviewed)}): {', '.join(unreviewed) or '-'}",
        )
    )


def confirm_lock(label: str) -> str:
    return f"Kunci {label} sekarang? Ketik y untuk mengunci, t untuk batal [y/t]: "


ANSWER_YES = ("y", "ya")
ANSWER_NO = ("t", "tidak", "n")
ANSWER_AGAIN = "Jawab y (kunci) atau t (batal): "


def lock_cancelled(label: str) -> str:
    return f"Batal: {label} tidak dikunci."


def lock_needs_yes(label: str, tahun: int, triwulan: int) -> str:
    return (
        f"{label} belum dikunci. Untuk mengunci tanpa pertanyaan, jalankan "
        f"`sicapai kunci --tahun {tahun} --triwulan {triwulan} --ya`"
    )


def locked_now(label: str) -> str:
    return f"{label} dikunci. Perubahan berikutnya memerlukan alasan dan persetujuan admin."


def locked_meanwhile(label: str) -> str:
    return f"{label} baru saja dikunci oleh admin lain"


def not_locked(label: str) -> str:
    return f"{label} tidak sedang terkunci; tidak ada yang dibuka"


def period_missing(label: str) -> str:
    return f"periode {label} tidak ada"


def reason_too_short() -> str:
    return (
        "--alasan perlu satu kalimat singkat (paling sedikit dua kata), "
        'mis. --alasan "Koreksi data TW I dari BPS"'
    )


def unlocked(label: str, pending: int, missing: int) -> str:
    lines = [f"{label} dibuka kembali; alasannya dicatat di log audit."]
    if pending:
        lines.append(f"{pending} permintaan perubahan tetap menunggu keputusan admin.")
    if missing:
        lines.append(
            f"Pengingat {label} berlanjut untuk {missing} indikator yang belum dilaporkan."
        )
    return "\n".join(lines)


# --- the audit trail -----------------------------------------------------------------------

ACTIONS = {
    "laporan_disimpan": "laporan disimpan",
    "disetujui": "disetujui",
    "dikembalikan": "dikembalikan untuk diperbaiki",
    "perubahan_diajukan": "perubahan diajukan",
    "perubahan_disetujui": "perubahan disetujui",
    "perubahan_ditolak": "perubahan ditolak",
    "target_triwulan_diubah": "target triwulan diubah",
    "periode_dikunci": "periode dikunci",
    "periode_dibuka": "periode dibuka kembali",
}
COMMAND_LINE = "admin (baris perintah)"
NO_AUDIT = "Belum ada catatan audit untuk indikator ini."


def audit_columns(zone: str) -> tuple[str, ...]:
    return (
        f"Waktu ({zone_label(zone)})",
        "Pelaku",
        "Jabatan",
        "Indikator",
        "Periode",
        "Tindakan",
        "Nilai lama",
        "Nilai baru",
        "Alasan",
    )


AUDIT_SHEET = "Log audit"
NONE_SHOWN = "–"


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))


def audit_heading(code: str, year: int, count: int) -> str:
    return f"Log audit {code} tahun {year} ({count} catatan):"


def audit_written(path: object, count: int) -> str:
    return f"Log audit ({count} catatan) ditulis ke {path}."


def audit_time(moment: datetime, zone: str) -> str:
    """12 Apr 2025 09.14 WITA: short enough to start a line of the trail."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{format_date(local.date(), 'd MMM y', locale='id')} {local:%H.%M} {zone_label(zone)}"


def audit_period(year: int, quarter: int | None) -> str:
    return f"{quarter_name(quarter)} {year}" if quarter else str(year)


def audit_who(name: str | None, positions: list[str]) -> str:
    who = name or COMMAND_LINE
    return f"{who} ({'; '.join(positions)})" if positions else who


def audit_line(
    when: str,
    who: str,
    subject: str,
    action: str,
    old: str | None,
    new: str | None,
    reason: str | None,
) -> str:
    parts = [when, who, subject, action]
    if old is not None or new is not None:
        parts.append(f"lama {old or NONE_SHOWN} → baru {new or NONE_SHOWN}")
    if reason:
        parts.append(f"alasan: {reason}")
    return " · ".join(parts)
