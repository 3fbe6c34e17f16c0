"""A person named `<b>A&B</b>`: every message that carries the name reaches its reader as
formatted HTML, with the name shown as written — never refused by Telegram (400), never lost.

Against the Bot API stand-in, which parses HTML as strictly as Telegram does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sicapai.bot.reminders import Pacer, ReminderService
from sicapai.bot.telegram import reminder_sender
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn, SentMessage
from tests.support.chat import invite
from tests.support.database import Database
from tests.support.telegram import User, conversations, start_bot, stop_bot

NAME = "<b>A&B</b>"
WITA = ZoneInfo("Asia/Makassar")


def arrived(api: BotApiStandIn, chat_id: int, words: str) -> SentMessage:
    """The message to `chat_id` containing `words`, checked to have gone out as HTML."""
    found = [m for m in api.messages_to(chat_id) if words in (m.text or "")]
    assert found, [m.text for m in api.messages_to(chat_id)]
    assert found[-1].parse_mode == "HTML", "sent without its formatting"
    return found[-1]


async def test_a_name_with_markup_reaches_every_reader_as_written(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    app: Conversations = conversations(office, tmp_path)
    application = await start_bot(app, standin)
    try:
        kasi = User(standin, 601, NAME)
        kabid = User(standin, 602, "Rahmat")
        admin = User(standin, 603, NAME)
        await kasi.register(app, "Kasi Penempatan Tenaga Kerja")
        await kabid.register(app, "Kabid Tenaga Kerja")
        await admin.say(f"/start {invite(app, None, admin=True)}", "Selamat datang")

        # a review request names the reporter
        await kasi.report_ik18_with_evidence()
        request = await standin.wait_for(
            lambda m: m.chat_id == 602 and "menunggu verifikasi" in (m.text or ""), 10
        )
        assert f"Dari: {NAME}" in (request.text or "") and request.parse_mode == "HTML"

        # a notice to someone who blocked the bot: the admins' warning names them
        standin.block_user(601)
        await kabid.say("/verifikasi", "IK.18")
        await kabid.tap("IK.18", "Pelapor")
        await kabid.tap("Kembalikan", "catatan")
        await kabid.say("Lampirkan daftar hadir <asli> & stempel", "dikembalikan")
        warning = await standin.wait_for(
            lambda m: m.chat_id == 603 and "tidak dapat dikirim" in (m.text or ""), 10
        )
        assert NAME in (warning.text or "") and warning.parse_mode == "HTML"

        # the person writes again (the mark is cleared); reminders and digests go out
        standin.unblock_user(601)
        await kasi.say("/bantuan", "Perintah SiCapai")
        clock_at = [datetime(2025, 10, 3, 8, 5, tzinfo=WITA).astimezone(UTC)]
        service = ReminderService(
            app.engine,
            {"telegram": reminder_sender(application.bot)},
            clock=lambda: clock_at[0],
            pacer=Pacer(rate=1000),
        )
        await service.tick()
        arrived(standin, 601, "Pengingat laporan TW III 2025")
        clock_at[0] = datetime(2025, 10, 13, 8, 5, tzinfo=WITA).astimezone(UTC)
        await service.tick()
        escalation = arrived(standin, 602, "belum masuk di unit Anda")
        assert NAME in (escalation.text or "")
        arrived(standin, 603, "Kepatuhan pelaporan TW III 2025")
        refused = [c for c in standin.calls if c.method.startswith("send") and not c.ok]
        assert [c.status for c in refused] == [403], refused  # only the blocked chat
    finally:
        await stop_bot(application)
        await app.close()
