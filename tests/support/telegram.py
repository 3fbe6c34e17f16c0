"""Telegram in the tests: the real PTB Application against the Bot API stand-in, and a person
on a phone who sends messages, taps buttons and waits for the bot's answer."""

from __future__ import annotations

from pathlib import Path

from telegram.ext import Application

from sicapai.bot.telegram import build_application
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn, SentMessage
from tests.support.chat import Clock, invite
from tests.support.database import Database

TOKEN = "123456:TEST-token-never-printed"


def conversations(db: Database, tmp_path: Path) -> Conversations:
    return Conversations(db.engine, files_dir=tmp_path / "bukti", clock=Clock())


async def start_bot(app: Conversations, api: BotApiStandIn) -> Application:  # type: ignore[type-arg]
    application = build_application(
        app, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, reminders=False
    )
    await application.initialize()
    await application.post_init(application)  # type: ignore[misc]
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


async def stop_bot(application: Application) -> None:  # type: ignore[type-arg]
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


class User:
    """A person on a phone: sends messages and taps buttons, waits for the bot's answer."""

    def __init__(self, api: BotApiStandIn, user_id: int, name: str = "Budi") -> None:
        self.api, self.id, self.name = api, user_id, name

    async def say(self, text: str, expect: str, wait: float = 10) -> SentMessage:
        since = len(self.api.sent)
        self.api.user_message(self.id, text, first_name=self.name)
        return await self._expect(expect, since, wait)

    async def tap(self, label: str, expect: str, wait: float = 10) -> SentMessage:
        message = self.last_with_button(label)
        since = len(self.api.sent)
        self.api.press_button(self.id, message.message_id, message.button(label))
        return await self._expect(expect, since, wait)

    async def send_document(self, content: bytes, name: str, expect: str) -> SentMessage:
        since = len(self.api.sent)
        self.api.user_document(self.id, content, file_name=name, first_name=self.name)
        return await self._expect(expect, since, 10)

    def last_with_button(self, label: str) -> SentMessage:
        for message in reversed(self.api.messages_to(self.id)):
            if any(label in text for text, _ in message.buttons):
                return message
        raise AssertionError(f"no message to {self.id} with a button {label!r}")

    async def _expect(self, expect: str, since: int, wait: float) -> SentMessage:
        return await self.api.wait_for(
            lambda m: m.chat_id == self.id and expect in (m.text or ""), wait, since=since
        )

    async def register(self, app: Conversations, position: str) -> None:
        await self.say(f"/start {invite(app, position)}", "Selamat datang")

    async def report_ik18_with_evidence(self, filename: str = "daftar-hadir.pdf") -> SentMessage:
        """IK.18 for TW IV 2025 at 100 / 100 with one PDF as evidence; the saved receipt."""
        await self.say("/lapor", "Laporan kinerja TW IV 2025")
        await self.tap("IK.18", "s.d. TW IV?")
        await self.say("100", "Total Pelayanan Antar Kerja")
        await self.say("100", "Pratinjau laporan")
        await self.tap("Tambah bukti", "bukti dukung")
        await self.send_document(b"%PDF-1.4 daftar hadir", filename, "diterima (1 berkas)")
        await self.tap("Selesai kirim bukti", "Pratinjau laporan")
        return await self.tap("Simpan", "Laporan tersimpan")
