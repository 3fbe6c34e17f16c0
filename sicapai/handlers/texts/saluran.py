"""`/saluran`: where a person's notices and reminders go, and what waited in the terminal."""

from __future__ import annotations

from sicapai.handlers.texts import esc

MENU = "Pilih saluran pemberitahuan"
HELP = "pilih saluran (Telegram, terminal, …) yang menerima pemberitahuan dan pengingat Anda"

CHANNEL_NAMES = {
    "telegram": "Telegram",
    "terminal": "Terminal (sicapai chat)",
    "whatsapp": "WhatsApp",
}

BTN_AUTOMATIC = "Otomatis: yang terakhir dipakai"
BTN_CANCEL = "✖️ Batal"
CHOSEN_MARK = "✅ "
USE_BUTTONS = (
    "Silakan pilih salah satu tombol di atas, atau ketik /saluran untuk melihat pilihan lagi."
)
NOT_LINKED = (
    "Mohon maaf, saluran itu tidak terhubung dengan akun Anda. Silakan pilih salah satu "
    "tombol di atas, atau ketik /saluran untuk melihat pilihan lagi."
)
ONE_CHANNEL = (
    "Akun Anda baru terhubung dengan satu saluran, jadi semua pemberitahuan dikirim ke sana. "
    "Setelah Anda mendaftar di saluran lain, Anda dapat memilih di sini."
)
TERMINAL_WAITS = (
    "Pesan untuk terminal disimpan dan ditampilkan saat Anda membuka <code>sicapai chat</code>."
)
FALLBACK = "Bila saluran itu tidak dapat menerima, SiCapai mengirim lewat saluran Anda yang lain."

# shown by the terminal: what arrived while the person was away, and what came meanwhile
WHILE_AWAY = "\n📬 Pesan untuk Anda selama Anda tidak membuka SiCapai:\n"
MEANWHILE = "📬 Pesan baru untuk Anda:\n"


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel.capitalize())


def choose_button(channel: str, chosen: bool) -> str:
    return (CHOSEN_MARK if chosen else "") + channel_name(channel)


def automatic_button(chosen: bool) -> str:
    return (CHOSEN_MARK if chosen else "") + BTN_AUTOMATIC


def channel_line(channel: str, *, last: bool, unreachable: bool) -> str:
    notes = []
    if last:
        notes.append("yang terakhir Anda pakai")
    if unreachable:
        notes.append("belum dapat dikirimi: bot diblokir atau chat ditutup")
    suffix = f" — {'; '.join(notes)}" if notes else ""
    return f"• {esc(channel_name(channel))}{suffix}"


def overview(
    lines: list[str], *, now_to: str | None, preferred: str | None, terminal: bool, one: bool
) -> str:
    """The person's linked channels, where notices go now, and the question."""
    if now_to is None:
        going = (
            "Saat ini belum ada saluran Anda yang dapat menerima pesan; pemberitahuan disimpan "
            "sampai Anda menulis lagi kepada SiCapai."
        )
    else:
        going = (
            "Pemberitahuan (permintaan verifikasi, laporan yang dikembalikan, keputusan "
            "permintaan perubahan) dan pengingat saat ini dikirim ke "
            f"<b>{esc(channel_name(now_to))}</b>."
        )
    choice = (
        f"Pilihan Anda: <b>{esc(channel_name(preferred))}</b>."
        if preferred is not None
        else "Pilihan Anda: <b>otomatis</b>, yaitu saluran yang terakhir Anda pakai."
    )
    parts = [
        "📨 <b>Saluran pemberitahuan</b>",
        "Akun Anda terhubung dengan:\n" + "\n".join(lines),
        f"{going}\n{choice}" + ("" if one else f"\n{FALLBACK}"),
    ]
    if terminal:
        parts.append(TERMINAL_WAITS)
    parts.append(ONE_CHANNEL if one else "Silakan pilih ke mana pemberitahuan dikirim:")
    return "\n\n".join(parts)


def chosen(channel: str, *, unreachable: bool) -> str:
    text = (
        f"Baik, mulai sekarang pemberitahuan dan pengingat dikirim ke "
        f"<b>{esc(channel_name(channel))}</b>. Terima kasih."
    )
    if unreachable:
        text += (
            "\n\nCatatan: saat ini SiCapai belum dapat mengirim ke saluran itu (bot diblokir "
            "atau chat ditutup). Sampai Anda menulis lagi di sana, pemberitahuan dikirim lewat "
            "saluran Anda yang lain."
        )
    return text


def automatic(last: str | None) -> str:
    text = (
        "Baik, mulai sekarang pemberitahuan dan pengingat dikirim ke saluran yang terakhir "
        "Anda pakai"
    )
    if last is not None:
        text += f" (saat ini <b>{esc(channel_name(last))}</b>)"
    return text + ". Terima kasih."
