"""What reminders, escalations and digests say, and `/pengingat`."""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.reports.dates import long_date, zone_label
from sicapai.reports.periods import quarter_name
from sicapai.reports.reminders import DIGEST, ESCALATION, Line, Missing, Planned, UnitProgress

MENU = "Lihat dan tunda pengingat"
HELP = "lihat dan tunda pengingat Anda"
MAX_ITEMS = 30
BTN_REPORT = "📝 Lapor sekarang"
NONE_UPCOMING = "Tidak ada pengingat terjadwal untuk Anda dalam 30 hari ke depan. Terima kasih!"
SNOOZED = "Baik, pengingat tanggal {day} ditunda ke hari kerja berikutnya."
USE_BUTTONS = "Silakan pilih tombol di atas, atau ketik /pengingat untuk melihat lagi."
CANNOT_SNOOZE = "Pengingat itu sudah terkirim atau sudah ditunda sebelumnya."


def gist(planned: Planned, name: str) -> tuple[str, ...]:
    """The reminder template's fields: name, period, deadline, how many are pending."""
    local = planned.deadline
    when = f"{long_date(local.date())} pukul {local:%H.%M} {zone_label(str(local.tzinfo))}"
    count = sum(1 for line in planned.items if not isinstance(line, UnitProgress))
    return (name, f"{quarter_name(planned.quarter)} {planned.year}", when, str(count or 1))


def deadline_words(planned: Planned) -> str:
    """ "3 hari lagi, Jumat 10 Oktober 2025 pukul 23.59 WITA" and its after-deadline forms."""
    local = planned.deadline
    when = (
        f"{long_date(local.date(), weekday=True)} pukul {local:%H.%M} "
        f"{zone_label(str(local.tzinfo))}"
    )
    days = planned.days_left
    if days >= 1:
        return f"<b>{days} hari lagi</b>, {when}"
    if days == 0:
        return f"<b>hari ini</b>, {when}"
    return f"<b>sudah lewat {-days} hari</b> ({when})"


def line_text(line: Line) -> str:
    """One item of a reminder, an escalation or a digest, as plain text."""
    if isinstance(line, Missing):
        who = ", ".join(line.holders) or "belum terdaftar"
        return f"{line.position} ({who}): " + ", ".join(line.codes)
    if isinstance(line, UnitProgress):
        return f"{line.unit}: {line.done} dari {line.total} butir sudah dilaporkan"
    return line


def _items(lines: tuple[Line, ...]) -> list[str]:
    shown = [f"• {esc(line_text(line))}" for line in lines[:MAX_ITEMS]]
    if len(lines) > MAX_ITEMS:
        shown.append(f"… dan {len(lines) - MAX_ITEMS} lainnya")
    return shown


def message(planned: Planned) -> str:
    period = f"{quarter_name(planned.quarter)} {planned.year}"
    if planned.kind == ESCALATION:
        return "\n".join(
            [
                f"📋 <b>Laporan {period} yang belum masuk di unit Anda</b>",
                f"Batas waktu {deadline_words(planned)}.",
                *_items(planned.items),
                "Mohon bantu mengingatkan yang bersangkutan.",
            ]
        )
    if planned.kind == DIGEST:
        return "\n".join(
            [
                f"📊 <b>Kepatuhan pelaporan {period}</b> per unit",
                f"Batas waktu {deadline_words(planned)}.",
                *_items(planned.items),
            ]
        )
    closing = (
        "Mohon segera dilaporkan." if planned.days_left < 0 else "Terima kasih atas perhatiannya."
    )
    return "\n".join(
        [
            f"🔔 <b>Pengingat laporan {period}</b>",
            f"Batas waktu: {deadline_words(planned)}.",
            "Yang belum Anda laporkan:",
            *_items(planned.items),
            closing,
        ]
    )


def upcoming(lines: list[str]) -> str:
    return "<b>Pengingat Anda berikutnya</b>\n" + "\n".join(lines)


def upcoming_line(planned: Planned) -> str:
    period = f"{quarter_name(planned.quarter)} {planned.year}"
    return (
        f"• {long_date(planned.day, weekday=True)} pukul {planned.at:%H.%M} — {period}: "
        f"{len(planned.items)} butir belum dilaporkan"
    )


CHANNEL_NAMES = {"telegram": "Telegram", "terminal": "terminal", "whatsapp": "WhatsApp"}


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def unreachable_warning(name: str, channel: str) -> str:
    """To the admins, once per chat that refused delivery."""
    return (
        f"⚠️ Pesan untuk <b>{esc(name)}</b> tidak dapat dikirim lewat "
        f"{esc(channel_name(channel))} karena bot diblokir atau chat ditutup. Pengingat untuk "
        "yang bersangkutan ditahan sampai ia menulis lagi ke bot. Mohon hubungi yang "
        "bersangkutan secara langsung; tandanya dapat dihapus lewat /admin → Tidak terjangkau."
    )


def snooze_button(day: str) -> str:
    return f"Tunda {day}"
