"""`BERHENTI` / `STOP` and `MULAI`: no more reminders on one chat, and back again."""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.saluran import channel_name

HELP_BERHENTI = "hentikan pengingat di saluran ini (juga: STOP)"
HELP_MULAI = "terima lagi pengingat di saluran ini"

ALREADY_STOPPED = (
    "Pengingat untuk saluran ini memang sudah dihentikan. Kirim <code>MULAI</code> bila Anda "
    "ingin menerimanya lagi."
)
ALREADY_ON = "Pengingat di saluran ini sudah aktif; tidak ada yang perlu diubah."
STARTED = (
    "Baik, pengingat kembali dikirim ke saluran ini. Untuk menghentikannya lagi, kirim "
    "<code>BERHENTI</code>."
)


def stopped(elsewhere: str | None) -> str:
    """After BERHENTI; `elsewhere` is the channel reminders now go to, if the person has one."""
    text = (
        "Baik. Anda tidak akan menerima pengingat lagi di saluran ini sampai Anda mengirim "
        "<code>MULAI</code>. Laporan tetap dapat dikirim seperti biasa (misalnya dengan "
        "<code>lapor</code>), dan pemberitahuan lain, seperti laporan yang dikembalikan, tetap "
        "dikirim ke sini."
    )
    if elsewhere is not None:
        text += (
            f"\n\nPengingat berikutnya dikirim ke <b>{esc(channel_name(elsewhere))}</b>, "
            "saluran Anda yang lain."
        )
    else:
        text += (
            "\n\nTidak ada saluran lain Anda yang menerima pengingat, jadi pengingat tidak "
            "dikirim ke mana pun; mohon perhatikan sendiri batas waktu pelaporan."
        )
    return text


def stopped_notice(name: str, channel: str) -> str:
    """To the admins, once per BERHENTI: who will no longer be reminded there."""
    return (
        f"ℹ️ <b>{esc(name)}</b> meminta agar pengingat tidak lagi dikirim lewat "
        f"{esc(channel_name(channel))}. Pengingat untuk yang bersangkutan dikirim ke saluran "
        "lainnya bila ada; bila tidak ada, mohon ingatkan secara langsung. Ia dapat "
        "mengaktifkannya lagi dengan mengirim MULAI."
    )
