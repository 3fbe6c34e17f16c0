"""Both channels in one runner: a kasi on WhatsApp, their kabid on Telegram, one review."""

from __future__ import annotations

import asyncio
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
    await kasi.tap("Lewati", "bukti dukung")
    await kasi.tap("Lewati", "Pratinjau")
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
