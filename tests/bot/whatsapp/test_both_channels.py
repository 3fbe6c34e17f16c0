"""Both channels in one runner: a kasi on WhatsApp, their kabid on Telegram, one review."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from sicapai.bot.runner import ChannelsRunner
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.chat import invite
from tests.support.telegram import TOKEN, User
from tests.support.whatsapp import Phone, config
from tests.waapi import CloudApiStandIn


@pytest.fixture
async def runner(
    app: Conversations, wa: CloudApiStandIn, standin: BotApiStandIn
) -> AsyncIterator[ChannelsRunner]:
    both = ChannelsRunner(
        app,
        whatsapp=config(wa),
        telegram_token=TOKEN,
        telegram_base_url=standin.base_url,
        http_port=0,
        reminders=False,
    )
    task = asyncio.create_task(both.run())
    for _ in range(200):
        if both.web is not None and both.web.ready:
            break
        await asyncio.sleep(0.05)
    assert both.web is not None and both.web.ready
    assert await wa.subscribe(f"http://127.0.0.1:{both.web.port}/webhook/whatsapp")
    try:
        yield both
    finally:
        both.stop()
        await asyncio.wait_for(task, 30)


async def test_a_whatsapp_kasi_and_a_telegram_kabid_review_one_report(
    app: Conversations, wa: CloudApiStandIn, standin: BotApiStandIn, runner: ChannelsRunner
) -> None:
    kasi = Phone(wa, "6281200000021", "Budi")
    kabid = User(standin, 22, "Rahmat")
    await kasi.say(f"DAFTAR {invite(app, 'Kasi Penempatan Tenaga Kerja')}", "Selamat datang")
    await kabid.register(app, "Kabid Tenaga Kerja")

    await kasi.say("lapor", "Laporan kinerja TW IV 2025")
    await kasi.tap("IK.18", "s.d. TW IV?")
    await kasi.say("100", "Total Pelayanan Antar Kerja")
    await kasi.say("100", "faktor pendorong")
    since = len(standin.sent)
    await kasi.tap("Simpan", "Laporan tersimpan")
    await standin.wait_for(  # the notice reaches the kabid on Telegram
        lambda m: m.chat_id == 22 and "menunggu verifikasi" in (m.text or ""), 15, since=since
    )

    await kabid.say("/verifikasi", "IK.18")
    await kabid.tap("IK.18", "Pelapor: Budi")
    await kabid.tap("Kembalikan", "catatan")
    since = len(wa.sent)
    await kabid.say("Lampirkan daftar pelayanan", "dikembalikan kepada pelapor")
    back = await kasi.expect("Lampirkan daftar pelayanan", since)  # on WhatsApp
    assert "dikembalikan" in back.text and "<" not in back.text
    await kasi.say("lapor", "dikembalikan")
    assert not wa.refused, wa.refused


async def test_telegram_unreachable_is_one_line_while_whatsapp_serves(
    app: Conversations, wa: CloudApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    both = ChannelsRunner(
        app,
        whatsapp=config(wa),
        telegram_token=TOKEN,
        telegram_base_url=f"http://127.0.0.1:{closed}/bot",
        http_port=0,
        reminders=False,
    )
    task = asyncio.create_task(both.run())
    try:
        for _ in range(200):
            if both.web is not None and both.web.ready:
                break
            await asyncio.sleep(0.05)
        assert both.web is not None
        assert await wa.subscribe(f"http://127.0.0.1:{both.web.port}/webhook/whatsapp")
        await Phone(wa, "6281200000041").say("/bantuan", "belum terdaftar")
    finally:
        both.stop()
        await asyncio.wait_for(task, 30)
    said = [r.getMessage() for r in caplog.records]
    lines = [line for line in said if "Telegram belum dapat dimulai" in line]
    assert lines and "Bot API tidak dapat dihubungi" in lines[0] and "dicoba lagi" in lines[0]
    assert TOKEN not in caplog.text
    assert all(r.exc_info is None for r in caplog.records if "Telegram" in r.getMessage())
