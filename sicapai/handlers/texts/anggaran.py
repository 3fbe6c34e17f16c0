"""What the bot says in `/anggaran`, the quarterly budget realisation report."""

from __future__ import annotations

from sicapai.handlers.texts import esc

NO_DUTY = (
    "Jabatan Anda tidak bertugas melaporkan realisasi anggaran. Bila ini keliru, silakan "
    "hubungi admin."
)
NOT_YOURS = "Mata anggaran itu bukan tugas Anda, jadi tidak dapat dilaporkan dari akun ini."
ASK_REASON = "Tuliskan <b>alasan perubahan</b> angka ini (wajib untuk setiap revisi):"
ASK_LOWER_REASON = "Tuliskan alasan mengapa realisasi kumulatifnya turun:"
ALL_DONE = "Semua mata anggaran Anda untuk {period} sudah dilaporkan. Terima kasih!"
BTN_CONFIRM_OVER = "Ya, angkanya benar"
BTN_CONFIRM_LOWER = "Angka benar, beri alasan"
MENU = "Laporkan realisasi anggaran"
HELP = "laporkan realisasi anggaran (bagi yang bertugas)"


def line_list(period: str, lines: list[str], page: int, pages: int) -> str:
    paging = f"\nHalaman {page + 1} dari {pages}" if pages > 1 else ""
    return (
        f"<b>Realisasi anggaran {esc(period)}</b> (kumulatif)\n"
        "Pilih sub kegiatan yang akan dilaporkan:\n\n"
        + "\n".join(lines)
        + "\n\nAtau isi semuanya sekaligus dalam satu berkas: tekan <b>Isi lewat Excel</b>."
        + paging
    )


def intro(
    code: str, name: str, period: str, ceiling: str, previous: str | None, current: str | None
) -> str:
    lines = [
        f"<b>{esc(code)}</b> {esc(name)}",
        f"Periode: {esc(period)}",
        f"Pagu: {ceiling}",
        f"Realisasi triwulan lalu: {previous or 'belum ada'}",
    ]
    if current:
        lines.append(f"Sudah dilaporkan: {current}")
    lines.append("\nBerapa <b>realisasi kumulatif</b> (rupiah)? Contoh: Rp 21.463.000")
    return "\n".join(lines)


def over_ceiling(amount: str, ceiling: str) -> str:
    return f"⚠️ Realisasi {amount} melebihi pagu {ceiling}. Mohon pastikan angkanya benar."


def lower_than_before(quarter: str, old: str, new: str) -> str:
    return (
        f"⚠️ Realisasi kumulatif ({new}) lebih kecil dari {esc(quarter)} ({old}). Angka "
        "kumulatif biasanya tidak turun. Bila benar, berikan alasannya."
    )


def preview(
    code: str,
    name: str,
    period: str,
    amount: str,
    ceiling: str,
    absorption: str,
    warnings: list[str],
    reason: str | None,
) -> str:
    lines = [
        "<b>Pratinjau realisasi anggaran</b>",
        f"<b>{esc(code)}</b> {esc(name)}",
        f"Periode: {esc(period)}",
        f"Realisasi: <b>{amount}</b>",
        f"Pagu: {ceiling}",
        f"Serapan: <b>{absorption}</b>",
        *warnings,
    ]
    if reason:
        lines.append(f"Alasan: {esc(reason)}")
    lines.append("\nPeriksa kembali, lalu tekan Simpan.")
    return "\n".join(lines)


def receipt(
    code: str, name: str, period: str, amount: str, absorption: str, number: int, when: str
) -> str:
    return (
        "✅ <b>Realisasi anggaran tersimpan.</b> Terima kasih!\n"
        f"<b>{esc(code)}</b> {esc(name)} — {esc(period)}\n"
        f"Realisasi {amount} (serapan {absorption})\n"
        f"Revisi ke-{number} · {when}"
    )


def next_offer(code: str, name: str) -> str:
    return f"Berikutnya yang belum dilaporkan: <b>{esc(code)}</b> {esc(name)}."


ABOVE_CEILING_WARNING = "⚠️ Realisasi melebihi pagu."
RETYPE = "Silakan ketik ulang realisasi kumulatifnya (rupiah)."


def list_line(mark: str, code: str, name: str, note: str) -> str:
    return f"{mark} <b>{esc(code)}</b> {esc(name)} — {note}"


def amount_note(amount: str, rate: str | None) -> str:
    """A line's reported amount, with its serapan when the pagu gives one."""
    return amount + (f" ({rate})" if rate is not None else "")


NOT_REPORTED = "belum dilaporkan"


# --- "Isi lewat Excel": the whole quarter in one workbook ------------------------------------

BTN_EXCEL = "📄 Isi lewat Excel"
BTN_SAVE_ALL = "💾 Simpan"
NOT_EXCEL = (
    "Berkas itu bukan berkas Excel (.xlsx). Silakan isi berkas Excel yang kami kirimkan, "
    "lalu kirim kembali berkas .xlsx itu di sini."
)
EXCEL_RESEND = (
    "Tidak ada yang disimpan. Perbaiki sel-sel di atas pada berkas yang sama, lalu kirim "
    "ulang berkasnya di sini; atau tekan Batal."
)
EXCEL_NOTHING_CHANGED = (
    "Semua angka di berkas itu sama dengan yang sudah tersimpan, jadi tidak ada yang perlu "
    "disimpan. Bila ingin mengubah, isi kolom realisasi lalu kirim ulang berkasnya."
)
EXCEL_CHANGED_MEANWHILE = (
    "⚠️ Mohon maaf, berkas belum disimpan: sejak ringkasan tadi ditampilkan, ada realisasi "
    "yang disimpan oleh orang lain. Tidak ada angka yang diubah. Berikut ringkasan terbaru "
    "dibandingkan dengan angka yang kini tersimpan; periksa, lalu tekan Simpan lagi."
)


def excel_caption(period: str, count: int) -> str:
    return (
        f"📄 Berkas realisasi anggaran {esc(period)} ({count} mata anggaran; angka yang sudah "
        "tersimpan sudah terisi)."
    )


def excel_how(period: str) -> str:
    return (
        f"Isi kolom <b>realisasi</b> (kumulatif s.d. {esc(period)}, rupiah) untuk setiap sub "
        "kegiatan, jangan ubah kode dan nama lembarnya, lalu <b>kirim kembali berkas itu</b> "
        "di sini. Baris yang dikosongkan dilewati.\n\n"
        "Sebelum disimpan, kami tampilkan dulu ringkasan perubahannya."
    )


def excel_refused(why: str) -> str:
    """`why` is `texts.excel.workbook_error`'s plain sentence."""
    return (
        f"Mohon maaf, {esc(why)}.\n\nSilakan kirim berkas Excel realisasi anggaran yang kami "
        "kirimkan (tekan Batal lalu /anggaran → Isi lewat Excel untuk mendapatkannya lagi)."
    )


def excel_wrong_kind(name: str, template: bool) -> str:
    what = (
        "templat data induk (PK), bukan berkas realisasi anggaran"
        if template
        else "tidak berisi lembar “Realisasi Anggaran”"
    )
    return (
        f"Mohon maaf, berkas {esc(name)} {what}. Silakan kirim berkas Excel realisasi "
        "anggaran yang kami kirimkan, tanpa mengganti nama lembarnya. Tidak ada yang disimpan."
    )


def excel_period_closed(period: str) -> str:
    return (
        f"Mohon maaf, berkas itu untuk {esc(period)}, yang tidak terbuka untuk pelaporan. "
        "Tidak ada yang disimpan. Silakan kirim berkas triwulan yang sedang dilaporkan."
    )


def excel_not_yours(cells: list[str]) -> str:
    """`cells` are "Realisasi Anggaran!C9 (2.1)": changed rows of lines of other positions."""
    return (
        "Mohon maaf, berkas itu mengubah mata anggaran yang bukan tugas Anda, jadi tidak ada "
        "yang disimpan:\n"
        + "\n".join(f"• {esc(cell)}" for cell in cells)
        + "\n\nKosongkan atau kembalikan angka di sel tersebut, lalu kirim ulang berkasnya."
    )


def change_line(code: str, name: str, old: str | None, new: str) -> str:
    return f"• <b>{esc(code)}</b> {esc(name)}: {old or 'belum ada'} → <b>{new}</b>"


def excel_summary(filename: str, period: str, changed: int, unchanged: int, skipped: int) -> str:
    counts = [f"{changed} berubah", f"{unchanged} tidak berubah"]
    if skipped:
        counts.append(f"{skipped} baris kosong dilewati")
    return (
        f"<b>Ringkasan berkas {esc(filename)}</b>\n"
        f"Realisasi anggaran {esc(period)} (kumulatif): " + ", ".join(counts) + "."
    )


EXCEL_WARNINGS = "<b>Perhatian</b> (tetap dapat disimpan; pastikan angkanya benar):"
EXCEL_CONFIRM = (
    "Belum ada yang disimpan. Tekan <b>Simpan</b> untuk menyimpan semua perubahan di atas "
    "sekaligus, atau Batal. Berkas yang sudah diperbaiki juga boleh langsung dikirim ulang."
)


def excel_reason(filename: str) -> str:
    """The reason stored with each realisation the workbook changed (its audit trail)."""
    return f"diisi lewat berkas Excel {filename}"


def excel_saved(period: str, changed: int, unchanged: int) -> str:
    return (
        f"✅ <b>{changed} realisasi anggaran {esc(period)} tersimpan</b> dari berkas Excel. "
        f"Tidak berubah: {unchanged}. Terima kasih!"
    )


EXCEL_WAITING = (
    "Kami menunggu berkas Excel realisasi anggaran yang sudah diisi. Kirim berkasnya di sini "
    "sebagai dokumen, atau tekan Batal."
)
