"""What the bot says in `/lapor`, the quarterly indicator report, as reviewable prose."""

from __future__ import annotations

from decimal import Decimal

from sicapai.handlers.texts import esc
from sicapai.reports.capaian import Criterion
from sicapai.reports.consistency import Neighbour
from sicapai.reports.domain import Kind, Status
from sicapai.reports.numbers import format_number, format_percent
from sicapai.reports.periods import quarter_name

NO_POSITION = (
    "Anda belum memegang jabatan yang memiliki indikator kinerja, jadi belum ada yang perlu "
    "dilaporkan. Bila ini keliru, silakan hubungi admin."
)
NO_PK = "Belum ada Perjanjian Kinerja yang dimuat untuk kantor Anda. Silakan hubungi admin."
NO_OPEN_PERIOD = "Saat ini tidak ada triwulan yang terbuka untuk pelaporan."
NOT_YOURS = "Indikator itu bukan tanggung jawab Anda, jadi tidak dapat dilaporkan dari akun ini."
PERIOD_CLOSED = (
    "Triwulan itu sudah tidak terbuka untuk pelaporan (sudah dikunci). Untuk perubahan, "
    "silakan hubungi admin."
)
NOT_DUE = (
    "Indikator tahunan ini hanya dilaporkan pada TW IV, jadi belum perlu diisi untuk triwulan ini."
)
NEGATIVE = "Angka tidak boleh negatif. Silakan ketik ulang angkanya."
WHOLE_NUMBER = (
    "Angka ini berupa jumlah, jadi harus bilangan bulat (tanpa koma). Silakan ketik ulang."
)
ZERO_DENOMINATOR = (
    "Penyebut tidak boleh 0, karena persentase tidak dapat dihitung. Silakan ketik ulang "
    "penyebutnya."
)
FILE_INSTEAD_OF_NUMBER = (
    "Terima kasih, tetapi di langkah ini yang kami perlukan adalah angka, bukan berkas. "
    "Silakan ketik angkanya. Bukti dukung dapat dikirim dari pratinjau, dengan tombol "
    "“Tambah bukti”."
)
EMPTY_TEXT = "Pesannya kosong. Silakan tuliskan jawabannya."
MENU = "Laporkan realisasi indikator kinerja"
HELP = "laporkan realisasi indikator kinerja triwulan ini"
PRESS_A_BUTTON = "Silakan pilih salah satu tombol di atas, atau ketik /batal untuk berhenti."
ALL_DONE = "Semua indikator Anda untuk {period} sudah dilaporkan. Terima kasih!"

BTN_SAVE = "💾 Simpan"
BTN_REDO = "✏️ Ubah angka"
BTN_CANCEL = "✖️ Batal"
BTN_SKIP = "Lewati"
BTN_DONE_FILES = "Selesai kirim bukti"
BTN_CHANGE = "✏️ Ubah angka"
BTN_BACK = "‹ Kembali ke daftar"
BTN_NEXT_PAGE = "Berikutnya ›"
BTN_PREV_PAGE = "‹ Sebelumnya"
BTN_CONFIRM_LOWER = "Angka benar, beri alasan"
BTN_CONFIRM_HIGH = "Ya, angkanya benar"
BTN_FINISH = "Selesai"
BTN_ADD_NOTE = "📝 Tambah catatan"
BTN_ADD_FILES = "📎 Tambah bukti"
BTN_KEEP = "Tetap"
BTN_RETYPE = "Ubah"

STATUS_MARK: dict[str, str] = {
    Status.NOT_YET: "⏳",
    Status.DRAFT: "📝",
    Status.SENT: "📤",  # sent is weaker than approved: ✅ is the approval's mark everywhere
    Status.RETURNED: "↩️",
    Status.APPROVED: "✅",
}
STATUS_WORD: dict[str, str] = {
    Status.NOT_YET: "belum dilaporkan",
    Status.DRAFT: "draf",
    Status.SENT: "terkirim",
    Status.RETURNED: "dikembalikan",
    Status.APPROVED: "disetujui",
}
CRITERION_MARK = {
    Criterion.VERY_HIGH: "🟢",
    Criterion.HIGH: "🔵",
    Criterion.MEDIUM: "🟡",
    Criterion.LOW: "🟠",
    Criterion.VERY_LOW: "🔴",
}


def describe_figures(
    kind: str,
    unit_label: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
    value: Decimal | None,
    realisation: Decimal | None,
) -> str:
    """Stored figures in one line: "882 / 1.762 = 50,06%", or "1.762 Orang"."""
    if kind == Kind.RATIO and numerator is not None and denominator is not None:
        return (
            f"{format_number(numerator)} / {format_number(denominator)} = "
            f"{show_figure(kind, unit_label, realisation)}"
        )
    return show_figure(kind, unit_label, value if value is not None else realisation)


def period_label(year: int, quarter: int) -> str:
    return f"{quarter_name(quarter)} {year}"


def show_figure(kind: str, unit_label: str, value: Decimal | None) -> str:
    """Realisasi as people read it: 50,06% for percentages, 1.762 Orang for counts."""
    if value is None:
        return "-"
    if kind == Kind.RATIO or unit_label.lower() == "persen":
        return format_percent(value)
    suffix = "" if unit_label.lower().startswith("nilai") else f" {esc(unit_label)}"
    return f"{format_number(value)}{suffix}"


def indicator_list(period: str, lines: list[str], page: int, pages: int) -> str:
    head = f"<b>Laporan kinerja {esc(period)}</b> (kumulatif s.d. {esc(period.split(' 20')[0])})"
    paging = f"\nHalaman {page + 1} dari {pages}" if pages > 1 else ""
    return f"{head}\nPilih indikator yang akan dilaporkan:\n\n" + "\n".join(lines) + paging


def locked_period_note(quarter: int, still_open: list[tuple[int, int]]) -> str:
    """Under the list of a locked quarter; `still_open`: earlier open quarters, with how many
    of the person's indicators wait there."""
    note = (
        f"🔒 {quarter_name(quarter)} sudah dikunci: perubahan angka di sini dikirim sebagai "
        "permintaan perubahan dan berlaku setelah disetujui admin."
    )
    for earlier, count in still_open:
        note += (
            f"\n{quarter_name(earlier)} masih terbuka: {count} indikator belum dilaporkan. "
            f"Tekan tombol {quarter_name(earlier)} di bawah untuk melaporkannya."
        )
    return note


def list_line(mark: str, code: str, name: str, note: str) -> str:
    return f"{mark} <b>{esc(code)}</b> {esc(name)} — {note}"


def intro(
    code: str,
    name: str,
    formula: str,
    period: str,
    target: str,
    previous: str | None,
    current: str | None,
) -> str:
    lines = [
        f"<b>{esc(code)} {esc(name)}</b>",
        f"Periode: {esc(period)}",
        f"Rumus: <i>{esc(formula)}</i>" if formula else "",
        f"Target {esc(period.split(' 20')[0])}: {target}",
        f"Angka triwulan lalu: {previous}" if previous else "Angka triwulan lalu: belum ada",
    ]
    if current:
        lines.append(f"\nSudah dilaporkan: {current}")
    return "\n".join(line for line in lines if line)


ALREADY_REPORTED = (
    "Indikator ini sudah dilaporkan. Ingin mengubah angkanya? Perubahan dicatat sebagai "
    "revisi baru."
)


def ask_number(label: str, quarter: str, unit_label: str | None = None) -> str:
    unit = f" ({esc(unit_label)})" if unit_label else ""
    return f"<b>{esc(label)}</b> s.d. {esc(quarter)}{unit}?\nKetik angkanya, misalnya 1.762."


def ask_value(quarter: str, unit_label: str) -> str:
    example = "80,33" if unit_label.lower().startswith("nilai") else "1.762"
    return (
        f"Berapa <b>realisasi</b> s.d. {esc(quarter)} ({esc(unit_label)})?\n"
        f"Ketik angkanya, misalnya {example}."
    )


def numerator_above(numerator: Decimal, denominator: Decimal) -> str:
    return (
        f"Pembilang ({format_number(numerator)}) lebih besar dari penyebut "
        f"({format_number(denominator)}), padahal persentase ini tidak dapat melebihi 100%. "
        "Silakan ketik ulang penyebutnya, atau tekan “Ubah angka” untuk mengulang dari pembilang."
    )


def choose_reading(error: str) -> str:
    return f"{error}\nSilakan pilih maksud Anda:"


def computed_line(realisation: str, achievement: str, criterion: str) -> str:
    return f"Realisasi {realisation}, capaian {achievement} ({criterion})."


def lower_than_before(part: str, quarter_before: str, old: Decimal, new: Decimal) -> str:
    return (
        f"⚠️ {esc(part)} kumulatif s.d. triwulan ini ({format_number(new)}) lebih kecil dari "
        f"{esc(quarter_before)} ({format_number(old)}). Angka kumulatif biasanya tidak turun.\n"
        "Bila angkanya memang benar, berikan alasannya; bila keliru, ubah angkanya."
    )


def above_later(part: str, quarter: str, quarter_after: str, stored: Decimal, new: Decimal) -> str:
    return (
        f"⚠️ {esc(part)} kumulatif s.d. {esc(quarter)} ({format_number(new)}) lebih besar dari "
        f"angka {esc(quarter_after)} yang sudah tersimpan ({format_number(stored)}). Angka "
        f"kumulatif {esc(quarter_after)} sudah mencakup {esc(quarter)}, jadi biasanya tidak "
        "lebih kecil.\n"
        f"Perbaiki angka ini, atau perbaiki dulu angka {esc(quarter_after)}. Bila keduanya "
        "memang benar, berikan alasannya."
    )


def neighbour_slip(
    code: Neighbour, part: str, quarter: int, neighbour: int, stored: Decimal, new: Decimal
) -> str:
    """A figure against the quarter before it or a later one (`reports.consistency`)."""
    if code == Neighbour.ABOVE_LATER:
        return above_later(part, quarter_name(quarter), quarter_name(neighbour), stored, new)
    return lower_than_before(part, quarter_name(neighbour), stored, new)


def fix_later_button(quarter: int) -> str:
    return f"Perbaiki {quarter_name(quarter)} dulu"


ASK_LOWER_REASON = "Tuliskan alasan mengapa angka kumulatifnya turun:"
ASK_ABOVE_LATER_REASON = (
    "Tuliskan alasan mengapa angka ini lebih besar dari angka triwulan berikutnya yang sudah "
    "tersimpan:"
)


def very_high(achievement: str) -> str:
    return (
        f"⚠️ Capaian {achievement} jauh di atas target (lebih dari 150%). Mohon pastikan "
        "angkanya sudah benar."
    )


ASK_KENDALA = "Capaian masih di bawah target. Apa <b>kendala</b> (faktor penghambat) yang dihadapi?"
ASK_UPAYA = "Apa <b>upaya perbaikan</b> (tindak lanjut) yang akan dilakukan?"
ASK_PENDORONG = (
    "Apa <b>faktor pendorong</b> capaian ini? Ketik jawabannya, atau tekan Lewati untuk "
    "kembali ke pratinjau."
)
ASK_EVIDENCE = (
    "Kirim <b>bukti dukung</b> berupa foto atau PDF (maksimal {mb} MB), atau tekan Lewati "
    "untuk kembali ke pratinjau."
)
ASK_KENDALA_AGAIN = "Silakan ketik <b>kendala</b> (faktor penghambat) yang baru:"
ASK_UPAYA_AGAIN = "Silakan ketik <b>upaya perbaikan</b> (tindak lanjut) yang baru:"


def kept_answer(label: str, text: str) -> str:
    """A saved kendala or upaya offered again on a correction, so it is not lost."""
    return (
        f"<b>{esc(label)}</b> yang tersimpan: {clip(text)}\n"
        "Tekan Tetap untuk memakainya lagi, atau Ubah (atau langsung ketik) bila perlu diganti."
    )


def kept_pendorong(text: str) -> str:
    return (
        f"<b>Faktor pendorong</b> saat ini: {clip(text)}\n"
        "Ketik yang baru untuk menggantinya, atau tekan Lewati untuk tetap memakainya."
    )


def kept_files(count: int) -> str:
    return (
        f"{count} berkas bukti dukung sudah tersimpan dan tetap dilampirkan; yang dikirim "
        "sekarang ditambahkan."
    )


ASK_REASON = "Tuliskan <b>alasan perubahan</b> angka ini (wajib untuk setiap revisi):"


def evidence_received(name: str, count: int) -> str:
    return (
        f"Bukti dukung “{esc(name)}” diterima ({count} berkas). Kirim berkas lain, atau tekan "
        "“Selesai kirim bukti”."
    )


def evidence_duplicate(name: str, count: int) -> str:
    return (
        f"Berkas “{esc(name)}” sudah dilampirkan pada laporan ini, jadi tidak disimpan dua kali "
        f"({count} berkas). Kirim berkas lain, atau tekan “Selesai kirim bukti”."
    )


PREVIEW_TEXT_LIMIT = 500  # characters of each answer echoed in the preview


def clip(text: str) -> str:
    """Answers are stored whole (up to MAX_TEXT each), but five of them echoed in full would
    push the preview past Telegram's 4096 characters and it could not be sent at all."""
    if len(text) <= PREVIEW_TEXT_LIMIT:
        return esc(text)
    return esc(text[: PREVIEW_TEXT_LIMIT - 1].rstrip()) + "…"


def preview(
    *,
    code: str,
    name: str,
    period: str,
    figure_lines: list[str],
    realisation: str,
    target: str,
    achievement: str,
    criterion: str,
    comparison: str | None,
    narrative: list[tuple[str, str]],
    files: int,
    reason: str | None,
    warnings: list[str],
    saved_files: int = 0,
    kept: bool = False,
) -> str:
    lines = [
        "<b>Pratinjau laporan</b>",
        f"<b>{esc(code)}</b> {esc(name)}",
        f"Periode: {esc(period)}",
        "",
        *figure_lines,
        f"Realisasi: <b>{realisation}</b>",
        f"Target: {target}",
        f"Capaian: <b>{achievement}</b> — {criterion}",
    ]
    if comparison:
        lines.append(comparison)
    for label, text in narrative:
        lines.append(f"{label}: {clip(text)}")
    lines.append(evidence_line(saved_files, files))
    if reason:
        lines.append(f"Alasan perubahan: {clip(reason)}")
    lines += warnings
    if kept:
        lines.append(
            "\nCatatan dan bukti dukung dari laporan sebelumnya tetap dipakai, kecuali yang "
            "Anda ubah."
        )
    lines.append(
        "\nPeriksa kembali, lalu tekan Simpan. Bila ada, faktor pendorong dan bukti dukung "
        "dapat ditambahkan dengan tombol “Tambah catatan” dan “Tambah bukti”."
    )
    return "\n".join(lines)


def evidence_line(saved: int, new: int) -> str:
    if saved and new:
        return f"Bukti dukung: {saved + new} berkas ({saved} tersimpan, {new} baru)"
    if saved:
        return f"Bukti dukung: {saved} berkas tersimpan"
    return f"Bukti dukung: {new} berkas" if new else "Bukti dukung: tidak ada"


def receipt(
    *,
    code: str,
    name: str,
    period: str,
    figure_lines: list[str],
    realisation: str,
    achievement: str,
    criterion: str,
    revision: int,
    when: str,
    old: str | None,
) -> str:
    lines = [
        "✅ <b>Laporan tersimpan.</b> Terima kasih!",
        f"<b>{esc(code)}</b> {esc(name)} — {esc(period)}",
        *figure_lines,
        f"Realisasi {realisation}, capaian {achievement} ({criterion})",
        f"Revisi ke-{revision} · {when}",
    ]
    if old:
        lines.append(f"Sebelumnya: {old}")
    return "\n".join(lines)


def next_offer(code: str, name: str) -> str:
    return f"Berikutnya yang belum dilaporkan: <b>{esc(code)}</b> {esc(name)}."


LOCKED_NOTICE = (
    "🔒 Triwulan ini sudah dikunci. Perubahan angka tetap bisa diajukan dengan alasan, lalu "
    "menunggu persetujuan admin."
)
LOCKED_MEANWHILE = (
    "🔒 Mohon maaf, {period} baru saja dikunci oleh admin, jadi angka ini belum disimpan. "
    "Perubahan kini diajukan kepada admin untuk disetujui. Tuliskan <b>alasan perubahan</b>, "
    "atau ketik /batal bila tidak jadi:"
)
NO_LONGER_YOURS = (
    "Mohon maaf, laporan {code} tidak disimpan: Anda sudah tidak memegang jabatan yang "
    "bertanggung jawab atas indikator ini (jabatan itu kini dipegang orang lain). Bila ini "
    "keliru, silakan hubungi admin."
)


def changed_meanwhile(code: str, who: str | None, revision: int) -> str:
    by = f" oleh <b>{esc(who)}</b>" if who else ""
    return (
        f"Mohon maaf, angka {esc(code)} baru saja disimpan{by} (revisi {revision}), jadi "
        "laporan Anda belum disimpan. Silakan periksa angka terbaru di bawah ini; bila perlu "
        "diubah, tekan “Ubah angka” dan sebutkan alasannya."
    )


CHANGE_REQUESTED = (
    "📨 Triwulan ini sudah dikunci, jadi perubahan Anda dikirim ke admin untuk disetujui. "
    "Angka lama tetap berlaku sampai perubahan disetujui. Anda akan diberi tahu hasilnya."
)


def returned_note(note: str) -> str:
    return f"↩️ <b>Dikembalikan oleh atasan</b> dengan catatan: {esc(note)}\nSilakan perbaiki."


def review_request(code: str, name: str, period: str, who: str, figures: str) -> str:
    return (
        "📝 <b>Laporan menunggu verifikasi Anda</b>\n"
        f"<b>{esc(code)}</b> {esc(name)} — {esc(period)}\n"
        f"Dari: {esc(who)}\nAngka: {figures}\n"
        "Ketik /verifikasi untuk menyetujui atau mengembalikan."
    )


def change_request_notice(code: str, period: str, who: str, reason: str, number: int) -> str:
    return (
        f"📨 <b>Permintaan perubahan #{number}</b> pada periode terkunci\n"
        f"{esc(code)} — {esc(period)}, dari {esc(who)}\nAlasan: {esc(reason)}\n"
        "Ketik /verifikasi untuk memutuskan."
    )


YEARLY_NOTE = "tahunan, dilaporkan di TW IV"
NOT_COMPUTABLE = "tidak dapat dihitung"
THANKS = "Terima kasih!"
PREVIEW_NARRATIVE = (
    ("Kendala", "kendala"),
    ("Upaya perbaikan", "upaya"),
    ("Faktor pendorong", "pendorong"),
    ("Alasan angka kumulatif turun", "lower_reason"),
)


def band_words(band: Criterion | None) -> str:
    """The kriteria with its mark ("🟢 Sangat Tinggi"), or why there is none."""
    return f"{CRITERION_MARK.get(band, '')} {band}" if band else NOT_COMPUTABLE


def report_button(code: str) -> str:
    return f"Lapor {code}"


def period_button(quarter: int, locked: bool) -> str:
    return ("🔒 " if locked else "") + quarter_name(quarter)


def comparison(quarter_before: int, old: str, new: str, diff: Decimal, points: bool) -> str:
    """The realisasi against the quarter before: "Dibanding TW II: 40% → 45% (naik 5 poin)"."""
    trend = "naik" if diff > 0 else "turun" if diff < 0 else "tetap"
    unit = " poin" if points else ""
    amount = f" {format_number(abs(diff))}{unit}" if diff else ""
    return f"Dibanding {quarter_name(quarter_before)}: {old} → {new} ({trend}{amount})"
