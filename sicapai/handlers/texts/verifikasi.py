"""What `/verifikasi` says: the superior's review of submitted figures."""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.lapor import clip

NOTHING = "Tidak ada laporan yang menunggu verifikasi Anda. Terima kasih!"
NOT_YOURS = "Laporan itu bukan bagian yang Anda verifikasi."
ALREADY_DECIDED = "Laporan itu sudah diputuskan sebelumnya, atau sudah diubah oleh pelapornya."
ASK_NOTE = (
    "Tuliskan <b>catatan</b> untuk pelapor dalam satu kalimat singkat: apa yang perlu "
    "diperbaiki? (wajib, paling banyak 1.000 karakter)"
)
BTN_APPROVE = "✅ Setujui"
BTN_RETURN = "↩️ Kembalikan"
BTN_LIST = "‹ Daftar"
BTN_APPROVE_CHANGE = "✅ Setujui perubahan"
BTN_REJECT_CHANGE = "✖️ Tolak"
MENU = "Verifikasi laporan bawahan"
HELP = "setujui atau kembalikan laporan bawahan"


GROUP_CHANGES = "Permintaan perubahan (triwulan terkunci)"
# figures nobody typed in the chat: where they came from, in the reporter's place
SOURCE_NAMES = {"demo": "data contoh (demo)", "impor": "impor berkas Excel"}


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, "tidak tercatat")


def listing(groups: list[tuple[str, list[str]]], total: int, page: int, pages: int) -> str:
    """The list's page: each group under its heading (change requests first)."""
    parts = [f"<b>Menunggu verifikasi Anda</b> ({total})"]
    parts += [f"<b>{esc(heading)}</b>\n" + "\n".join(lines) for heading, lines in groups]
    if pages > 1:
        parts.append(f"<i>Halaman {page + 1} dari {pages}</i>")
    return "\n\n".join(parts)


def item_line(code: str, name: str, reporter: str) -> str:
    return f"• <b>{esc(code)}</b> {esc(name)} — {esc(reporter)}"


def detail(
    code: str,
    name: str,
    period: str,
    reporter: str,
    revision: int,
    figures: str,
    achievement: str,
    narrative: list[tuple[str, str]],
    files: int,
) -> str:
    lines = [
        f"<b>{esc(code)}</b> {esc(name)} — {esc(period)}",
        f"Pelapor: {esc(reporter)} · revisi ke-{revision}",
        f"Angka: {figures}",
        f"Capaian: {achievement}",
    ]
    lines += [f"{label}: {clip(text)}" for label, text in narrative]
    lines.append(f"Bukti dukung: {files} berkas" if files else "Bukti dukung: tidak ada")
    return "\n".join(lines)


def approved(code: str, period: str) -> str:
    return f"✅ {esc(code)} {esc(period)} disetujui."


def returned(code: str, period: str) -> str:
    return f"↩️ {esc(code)} {esc(period)} dikembalikan kepada pelapor dengan catatan Anda."


def to_reporter_approved(code: str, period: str, reviewer: str) -> str:
    return (
        f"✅ Laporan <b>{esc(code)}</b> {esc(period)} telah <b>disetujui</b> oleh {esc(reviewer)}."
    )


def to_reporter_returned(code: str, period: str, reviewer: str, note: str) -> str:
    return (
        f"↩️ Laporan <b>{esc(code)}</b> {esc(period)} <b>dikembalikan</b> oleh {esc(reviewer)}.\n"
        f"Catatan: {esc(note)}\nSilakan perbaiki lewat /lapor."
    )


def change_detail(
    number: int, code: str, period: str, who: str, old: str, new: str, reason: str
) -> str:
    return (
        f"<b>Permintaan perubahan #{number}</b> (periode terkunci)\n"
        f"{esc(code)} — {esc(period)}, dari {esc(who)}\n"
        f"Angka sekarang: {old}\nAngka baru: {new}\nAlasan: {esc(reason)}"
    )


def change_decided(number: int, approved_it: bool) -> str:
    outcome = "disetujui dan diterapkan" if approved_it else "ditolak"
    return f"Permintaan perubahan #{number} {outcome}."


def to_requester(code: str, period: str, approved_it: bool) -> str:
    what = f"Perubahan angka <b>{esc(code)}</b> {esc(period)}"
    if approved_it:
        return f"✅ {what} telah disetujui admin dan diterapkan."
    return f"✖️ {what} tidak disetujui admin; angka lama tetap berlaku."


CHANGE_SLOT_MOVED = (
    "Mohon maaf, angka indikator ini baru saja berubah, jadi keputusan Anda belum dijalankan. "
    "Silakan buka lagi permintaan perubahannya untuk melihat angka terbaru."
)


def change_decided_meanwhile(number: int, who: str | None, status: str) -> str:
    by = f" oleh <b>{esc(who)}</b>" if who else ""
    return (
        f"Permintaan perubahan #{number} baru saja diputuskan{by} ({esc(status)}), jadi "
        "keputusan Anda tidak dijalankan lagi."
    )


def review_moved(who: str | None, revision: int, status: str) -> str:
    """The figures under review changed (a correction) or were decided by someone else."""
    if status == "terkirim":
        by = f" oleh <b>{esc(who)}</b>" if who else ""
        return (
            f"Mohon maaf, angka ini baru saja diubah{by} (revisi {revision}), jadi keputusan "
            "Anda belum dijalankan. Silakan periksa lagi angka terbarunya di bawah ini."
        )
    return (
        f"Laporan ini baru saja diputuskan oleh orang lain ({esc(status)}), jadi keputusan "
        "Anda tidak dijalankan lagi."
    )


NARRATIVE_LABELS = (
    ("Kendala", "kendala"),
    ("Upaya perbaikan", "upaya_perbaikan"),
    ("Faktor pendorong", "faktor_pendorong"),
    ("Alasan perubahan", "reason"),
)
NO_OLD_FIGURES = "belum ada"


def change_line(number: int, code: str, who: str) -> str:
    return f"• Permintaan perubahan #{number} ({esc(code)}) — {esc(who)}"


def change_button(number: int) -> str:
    return f"Perubahan #{number}"
