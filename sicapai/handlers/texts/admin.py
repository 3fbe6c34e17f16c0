"""What the admin's commands say: /admin, /kunci, /periksa, /ekspor and /impor."""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.pengingat import channel_name

ONLY_ADMIN = "Perintah ini khusus untuk admin kantor."

# the command menu's lines (MENU_*) and `/bantuan`'s (HELP_*)
MENU_ADMIN = "Menu admin: undangan, daftar orang, delegasi, target, audit"
HELP_ADMIN = (
    "menu admin: undangan, daftar orang, penonaktifan, delegasi, target triwulan, log audit, "
    "dan chat yang tidak terjangkau"
)
MENU_KUNCI = "Kunci triwulan yang sudah berakhir"
HELP_KUNCI = "kunci triwulan yang sudah berakhir, setelah melihat laporan yang belum lengkap"
MENU_BUKA = "Buka kembali triwulan yang sudah dikunci"
HELP_BUKA = "buka kembali triwulan yang sudah dikunci, dengan alasan yang dicatat di log audit"
MENU_PERIKSA = "Periksa kecocokan data tahun ini"
HELP_PERIKSA = (
    "periksa kecocokan data tahun ini: pagu, jumlah rincian, angka tercetak, angka kumulatif"
)
MENU_EKSPOR = "Unduh tabel LKjIP satu triwulan (Excel)"
HELP_EKSPOR = "unduh tabel LKjIP satu triwulan sebagai berkas Excel"
MENU_IMPOR = "Muat berkas Excel: data induk (PK) atau realisasi anggaran"
HELP_IMPOR = (
    "muat berkas Excel yang sudah diisi: templat data induk (PK) atau realisasi anggaran triwulan"
)

MENU = "<b>Menu admin</b>\nApa yang ingin Anda lakukan?"
BTN_INVITE = "✉️ Buat undangan"
BTN_PEOPLE = "👥 Daftar orang"
BTN_DEACTIVATE = "🚫 Nonaktifkan orang"
BTN_DELEGATE = "🤝 Delegasi pengisian"
BTN_TARGETS = "🎯 Target triwulan"
BTN_AUDIT = "📜 Log audit indikator"
BTN_UNREACHABLE = "📵 Tidak terjangkau"
BTN_UNLOCK = "🔓 Buka kunci triwulan"
BTN_CANCEL = "Batal"
NOBODY_UNREACHABLE = "Semua orang dapat dihubungi bot; tidak ada tanda “tidak terjangkau”."
UNREACHABLE_GONE = "Tanda itu sudah tidak ada (orangnya mungkin sudah menulis lagi ke bot)."
ALREADY_LOCKED = "Triwulan itu baru saja dikunci oleh admin lain; tidak ada yang diubah."
ALREADY_DEACTIVATED = "Orang itu baru saja dinonaktifkan oleh admin lain; tidak ada yang diubah."
CHOOSE_POSITION = "Pilih jabatan:"
CHOOSE_DELEGATE = "Jabatan mana yang boleh mengisi atas nama {position}?"
CHOOSE_PERSON = "Pilih orang yang akan dinonaktifkan:"
CHOOSE_INDICATOR = "Pilih indikator:"
PLT_OR_NOT = "Pemegang jabatan ini definitif atau Plt?"
ASK_TARGETS = (
    "Ketik target <b>TW I; TW II; TW III; TW IV</b> untuk {code} (kumulatif, dipisah titik "
    "koma), misalnya <code>250; 500; 750; 1.000</code>. Target tahunan: {yearly}."
)
TARGETS_BAD = "Harus ada empat angka dipisah titik koma, misalnya 250; 500; 750; 1.000."
CONFIRM_DEACTIVATE = "Nonaktifkan <b>{name}</b>? Data yang sudah dilaporkannya tetap tersimpan."
BTN_YES = "Ya, nonaktifkan"
NOTHING_TO_LOCK = "Tidak ada triwulan yang sudah berakhir dan belum dikunci."
CHOOSE_QUARTER = "Triwulan mana?"
BTN_LOCK = "🔒 Kunci sekarang"
NOTHING_TO_UNLOCK = "Tidak ada triwulan tahun ini yang sedang dikunci."
CHOOSE_QUARTER_TO_UNLOCK = "Triwulan mana yang akan dibuka kembali?"
ALREADY_UNLOCKED = "Triwulan itu sudah tidak terkunci (mungkin baru dibuka oleh admin lain)."
ASK_WORKBOOK = (
    "Kirim berkas Excel (.xlsx) yang sudah diisi: templat data induk (PK) atau realisasi "
    "anggaran triwulan."
)
NOT_EXCEL = (
    "Berkas itu bukan berkas Excel (.xlsx) yang dapat dibaca. Silakan kirim berkas .xlsx dari "
    "templat SiCapai (buat dengan `sicapai templat`)."
)
NO_PROBLEMS = "Pemeriksaan {year}: tidak ditemukan ketidakcocokan."


def invite(position: str, acting: bool, code: str, link: str | None) -> str:
    lines = [
        f"Kode undangan untuk <b>{'Plt ' if acting else ''}{esc(position)}</b> "
        "(sekali pakai, berlaku 7 hari):"
    ]
    if link:
        lines.append(esc(link))
    lines.append(f"<code>{esc(code)}</code>")
    lines.append("Teruskan kepada yang bersangkutan; ia cukup mengirim /start dengan kode ini.")
    return "\n".join(lines)


def people_lines(rows: list[tuple[str, bool, bool, list[str], bool]]) -> list[str]:
    out = []
    for name, active, unreachable, positions, admin in rows:
        flags = []
        if not active:
            flags.append("nonaktif")
        if unreachable:
            flags.append("tidak dapat dihubungi")
        if admin:
            flags.append("admin")
        held = "; ".join(esc(p) for p in positions) or "tanpa jabatan"
        extra = f" ({', '.join(flags)})" if flags else ""
        out.append(f"• <b>{esc(name)}</b>{extra} — {held}")
    return out


def lock_preview(period: str, missing: list[str], unreviewed: list[str]) -> str:
    lines = [f"<b>Kunci {esc(period)}?</b>"]
    if missing:
        lines.append(f"Belum dilaporkan ({len(missing)}): " + ", ".join(esc(m) for m in missing))
    if unreviewed:
        lines.append(
            f"Belum diverifikasi ({len(unreviewed)}): " + ", ".join(esc(u) for u in unreviewed)
        )
    if not missing and not unreviewed:
        lines.append("Semua indikator sudah dilaporkan dan diverifikasi.")
    lines.append("Setelah dikunci, perubahan angka memerlukan alasan dan persetujuan admin.")
    lines.append("Tekan <b>Kunci sekarang</b> untuk mengunci, atau <b>Batal</b> bila belum.")
    return "\n".join(lines)


def ask_unlock_reason(period: str, waiting: int) -> str:
    lines = [
        f"<b>Buka kembali {esc(period)}?</b>",
        "Setelah dibuka, angka dapat diubah lagi lewat /lapor tanpa persetujuan admin.",
    ]
    if waiting:
        lines.append(
            f"{waiting} permintaan perubahan untuk triwulan ini tetap menunggu keputusan Anda "
            "di /verifikasi."
        )
    lines.append("Tuliskan <b>alasan</b> membuka kunci (dicatat di log audit), atau tekan Batal.")
    return "\n".join(lines)


def unlocked(period: str, waiting: int) -> str:
    text = f"🔓 {esc(period)} dibuka kembali; alasan Anda dicatat di log audit."
    if waiting:
        text += f"\n{waiting} permintaan perubahan tetap menunggu keputusan Anda di /verifikasi."
    return text


def locked(period: str) -> str:
    return f"🔒 {esc(period)} sudah dikunci."


def audit_lines(entries: list[tuple[str, str, str]]) -> str:
    if not entries:
        return "Belum ada catatan audit untuk indikator ini."
    return "<b>Log audit</b>\n" + "\n".join(
        f"• {esc(when)} — {esc(who)}: {esc(what)}" for when, who, what in entries
    )


FIX_AND_RESEND = "Tidak ada data yang dimuat. Perbaiki sel-sel di atas, lalu kirim ulang berkasnya."


def exported(period: str) -> str:
    return f"📄 Tabel LKjIP {esc(period)} (Tabel 3.2–3.11, per triwulan, narasi, bukti dukung)."


def unreachable_list(rows: list[tuple[str, str, str]]) -> str:
    """(name, channel, since) of each marked chat."""
    lines = [
        "<b>Tidak dapat dihubungi bot</b> (bot diblokir atau chat ditutup). Pengingat dan "
        "pemberitahuan untuk mereka ditahan. Bila yang bersangkutan sudah membuka blokir, "
        "hapus tandanya; tanda juga hilang sendiri begitu ia menulis ke bot."
    ]
    lines += [
        f"• <b>{esc(name)}</b> — {esc(channel_name(channel))}, sejak {esc(since)}"
        for name, channel, since in rows
    ]
    return "\n".join(lines)


def unreachable_cleared(name: str, channel: str) -> str:
    return (
        f"Tanda “tidak terjangkau” untuk <b>{esc(name)}</b> ({esc(channel_name(channel))}) "
        "dihapus; "
        "pengingat dan pemberitahuan akan dikirim lagi."
    )


def unmark_button(name: str) -> str:
    return f"Hapus tanda {name}"


def quarter_target_problem(quarter: str, why: str) -> str:
    """A quarter's target that is not a figure (or is negative)."""
    return f"{esc(quarter)}: {esc(why or 'target tidak boleh negatif')}"


DELEGATION_EXISTS = "Delegasi itu sudah ada atau tidak sah."


def delegated(helper: str, owner: str) -> str:
    return f"{esc(helper)} kini dapat mengisi indikator {esc(owner)}."


def deactivated(name: str) -> str:
    return f"{esc(name)} dinonaktifkan; datanya tetap tersimpan."


def targets_saved(code: str, shown: str) -> str:
    return f"Target triwulan {esc(code)} disimpan: {shown}."
