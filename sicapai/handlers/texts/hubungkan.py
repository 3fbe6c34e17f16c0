"""`/hubungkan`: linking a second app (WhatsApp or Telegram) to a person's account."""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.saluran import channel_name

MENU = "Hubungkan aplikasi lain (WhatsApp/Telegram)"
HELP = "hubungkan akun Anda dengan aplikasi lain (WhatsApp atau Telegram) lewat kode sekali pakai"

CODE_UNKNOWN = (
    "Mohon maaf, kode penghubung itu tidak dikenal. Periksa kembali kodenya, atau mintalah "
    "kode baru dengan mengirim <code>HUBUNGKAN</code> dari aplikasi yang sudah terdaftar."
)
CODE_USED = (
    "Mohon maaf, kode penghubung itu sudah pernah dipakai. Setiap kode hanya berlaku sekali; "
    "mintalah kode baru dengan mengirim <code>HUBUNGKAN</code> dari aplikasi yang sudah "
    "terdaftar."
)
TOO_MANY_ATTEMPTS = (
    "Terlalu banyak percobaan kode yang keliru dari chat ini. Silakan coba lagi setelah satu "
    "jam, atau hubungi admin kantor Anda."
)
ALREADY_LINKED = (
    "Chat ini sudah terhubung dengan akun SiCapai Anda, jadi tidak ada yang perlu diubah. "
    "Kode penghubung dikirim dari aplikasi lain (WhatsApp atau Telegram) yang ingin Anda "
    "hubungkan, bukan dari chat ini."
)
HELD_BY_OTHER = (
    "Mohon maaf, chat ini sudah terhubung dengan akun SiCapai orang lain, jadi tidak dapat "
    "dihubungkan dengan akun pemilik kode itu. Tidak ada yang diubah; admin kantor sudah "
    "diberi tahu. Bila ini keliru, silakan hubungi admin kantor Anda."
)


def how_to_link(minutes: int) -> str:
    """To a chat nobody holds that sent HUBUNGKAN without a code."""
    return (
        "Untuk menghubungkan chat ini dengan akun SiCapai Anda, kirim <code>HUBUNGKAN</code> "
        "(atau <code>/hubungkan</code>) dari aplikasi yang sudah terdaftar (Telegram atau "
        "WhatsApp). Anda akan menerima kode penghubung; kirim <code>HUBUNGKAN KODE</code> di "
        f"sini dalam {minutes} menit.\n\n"
        "Belum pernah terdaftar? Mintalah kode undangan kepada admin kantor Anda, lalu kirim "
        "<code>DAFTAR KODE</code>."
    )


def code_expired(minutes: int) -> str:
    return (
        f"Mohon maaf, kode penghubung itu sudah kedaluwarsa (berlaku {minutes} menit). Mintalah "
        "kode baru dengan mengirim <code>HUBUNGKAN</code> dari aplikasi yang sudah terdaftar."
    )


def code_issued(code: str, minutes: int) -> str:
    """The code, and what to do with it on the other app."""
    return (
        f"🔗 <b>Kode penghubung Anda: <code>{esc(code)}</code></b>\n\n"
        "Buka SiCapai di aplikasi lain yang ingin Anda hubungkan (WhatsApp atau Telegram), "
        f"lalu kirim pesan berikut dalam {minutes} menit:\n"
        f"<code>HUBUNGKAN {esc(code)}</code>\n\n"
        "Kode ini hanya dapat dipakai sekali, dan kode yang Anda minta sebelumnya tidak "
        "berlaku lagi. Jangan berikan kode ini kepada siapa pun."
    )


def linked(channel: str) -> str:
    """On the newly linked chat, before the greeting."""
    return (
        f"✅ Chat {esc(channel_name(channel))} ini sekarang terhubung dengan akun SiCapai Anda. "
        "Laporan, pemberitahuan, dan pengingat dapat Anda terima dan kirim dari sini juga."
    )


def linked_notice(channel: str, display_name: str, external_id: str) -> str:
    """To the person's other chat: a code used by someone else is noticed at once."""
    who = f"<b>{esc(display_name)}</b>, ID <code>{esc(external_id)}</code>"
    if not display_name:
        who = f"ID <code>{esc(external_id)}</code>"
    return (
        f"🔗 Sebuah chat {esc(channel_name(channel))} ({who}) baru saja dihubungkan dengan akun "
        "SiCapai Anda memakai kode penghubung Anda.\n\n"
        "Bila bukan Anda yang melakukannya, segera hubungi admin kantor Anda."
    )


def held_warning(holder: str, owner: str, channel: str) -> str:
    """To the admins: a chat already held by one person was offered another's code."""
    return (
        f"⚠️ Sebuah chat {esc(channel_name(channel))} milik <b>{esc(holder)}</b> mencoba "
        f"memakai kode penghubung milik <b>{esc(owner)}</b>. Permintaan itu ditolak dan tidak "
        "ada yang diubah. Mohon pastikan kepada keduanya bahwa ini bukan penyalahgunaan kode."
    )
