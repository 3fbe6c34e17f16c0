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
        "Pilih sub kegiatan yang akan dilaporkan:\n\n" + "\n".join(lines) + paging
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
