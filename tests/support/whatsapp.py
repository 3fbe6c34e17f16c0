"""WhatsApp in the tests: the real adapter and web server against the Cloud API stand-in, and
a person on a phone who writes, taps and sends files, waiting for what they would read."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from sqlmodel import Session, select

from sicapai.bot.whatsapp.channel import WhatsAppChannel, WhatsAppConfig
from sicapai.bot.whatsapp.webhook import PATH, WebhookConfig, WebServer
from sicapai.handlers.texts import whatsapp as texts
from sicapai.models.organisation import ChatIdentity
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.outbox import OutboxSender
from tests.support.chat import Chat, invite
from tests.waapi import CloudApiStandIn, SentMessage

REMINDER_TEMPLATE = "pengingat_laporan"
NOTICE_TEMPLATE = "pemberitahuan_baru"


def config(api: CloudApiStandIn, **changes: Any) -> WhatsAppConfig:
    base = WhatsAppConfig(
        api_url=api.base_url,
        token=api.token,
        phone_number_id=api.phone_number_id,
        business_account_id=api.waba_id,
        app_secret=api.app_secret,
        verify_token=api.verify_token,
        reminder_template=REMINDER_TEMPLATE,
        notice_template=NOTICE_TEMPLATE,
        pair_interval=0.0,
        pair_pause=0.2,
    )
    return replace(base, **changes)


def add_templates(api: CloudApiStandIn) -> None:
    """The two templates an office submits (docs/operations.md), approved."""

    api.add_template(
        REMINDER_TEMPLATE, texts.REMINDER_TEMPLATE, quick_replies=(texts.REMINDER_BUTTON,)
    )
    api.add_template(NOTICE_TEMPLATE, texts.NOTICE_TEMPLATE)


def chat_of(session: Session, wa_id: str) -> ChatIdentity:
    """The stored WhatsApp chat of a phone number."""
    return session.exec(
        select(ChatIdentity).where(
            ChatIdentity.channel == "whatsapp", ChatIdentity.external_id == wa_id
        )
    ).one()


class WhatsAppBot:
    """The channel, its web server and an outbox, running on the test's loop."""

    def __init__(self, app: Conversations, api: CloudApiStandIn, **changes: Any) -> None:
        self.app, self.api = app, api
        self.outbox = OutboxSender(app.engine, clock=app.clock)
        self.channel = WhatsAppChannel(app, config(api, **changes), outbox_sender=self.outbox)
        self.outbox.register("whatsapp", self.channel.sender(background=False))
        cfg = self.channel.config
        self.web = WebServer(
            WebhookConfig(cfg.app_secret, cfg.verify_token), self.channel.on_payload, port=0
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web.port}{PATH}"

    async def start(self) -> None:
        await self.web.start()
        await self.channel.start()
        self.web.ready = True
        assert await self.api.subscribe(self.url)

    async def stop(self) -> None:
        """As a process that stops: what was sent is marked (a later start does not repeat
        it), then the channel closes."""
        await self.web.stop()
        await self.channel.idle()
        await self.app.flush_replied()
        await self.channel.close()


@asynccontextmanager
async def running(
    app: Conversations, api: CloudApiStandIn, **changes: Any
) -> AsyncIterator[WhatsAppBot]:
    bot = WhatsAppBot(app, api, **changes)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Phone:
    """One person's WhatsApp: what they send, and the next message they wait for."""

    def __init__(self, api: CloudApiStandIn, wa_id: str = "6281234500001", name: str = "Budi"):
        self.api, self.wa_id, self.name = api, wa_id, name

    async def say(self, text: str, expect: str, wait: float = 15) -> SentMessage:
        since = len(self.api.sent)
        await self.api.user_sends_text(self.wa_id, text, name=self.name)
        return await self.expect(expect, since, wait)

    async def tap(self, label: str, expect: str, wait: float = 15) -> SentMessage:
        since = len(self.api.sent)
        await self.api.user_presses(self.wa_id, label)
        return await self.expect(expect, since, wait)

    async def send_document(self, content: bytes, name: str, expect: str) -> SentMessage:
        since = len(self.api.sent)
        await self.api.user_sends_document(self.wa_id, content, name)
        return await self.expect(expect, since, 15)

    async def expect(self, expect: str, since: int, wait: float = 15) -> SentMessage:
        def wanted(message: SentMessage) -> bool:
            titles = (title for _, title in message.buttons)
            return message.to == self.wa_id and (
                expect in message.text or any(expect in t for t in titles)
            )

        return await self.api.wait_for(wanted, wait, since=since)

    def received(self) -> list[SentMessage]:
        return self.api.messages_to(self.wa_id)

    async def register(self, app: Conversations, position: str) -> SentMessage:
        return await self.say(f"/start {invite(app, position)}", "Selamat datang")

    async def report_ik19(self, command: str = "/lapor") -> SentMessage:
        """IK.19 at 1.000 Orang, nothing optional: the receipt."""
        await self.say(command, "Laporan kinerja TW IV 2025")
        await self.tap("IK.19", "s.d. TW IV")
        await self.say("1.000", "Pratinjau")  # on target: nothing is asked before the preview
        return await self.tap("Simpan", "Laporan tersimpan")

    async def up_to_evidence_of_ik18(self) -> SentMessage:
        """/lapor, IK.18 at 100 / 100, then "Tambah bukti" at the preview: the step that asks
        for evidence."""
        await self.say("/lapor", "Laporan kinerja TW IV 2025")
        await self.tap("IK.18", "s.d. TW IV?")
        await self.say("100", "Total Pelayanan Antar Kerja")
        await self.say("100", "Pratinjau laporan")
        return await self.tap("Tambah bukti", "bukti dukung")

    async def link_from(self, chat: Chat) -> SentMessage:
        """The person behind `chat` (registered on another channel) links this phone: a code
        there with /hubungkan, `HUBUNGKAN <code>` from here."""
        await chat.send("/hubungkan")
        found = re.search(r"HUBUNGKAN ([A-Z0-9]{6})", chat.text)
        assert found is not None, chat.text
        return await self.say(f"HUBUNGKAN {found.group(1)}", "terhubung")
