"""The Telegram channel: the real PTB Application against the Bot API stand-in."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from pathlib import Path

from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.performance import Evidence
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.data import revisions
from tests.support.database import Database
from tests.support.telegram import User, conversations, start_bot, stop_bot


async def test_command_menu_is_registered_in_indonesian(
    bot: Conversations, standin: BotApiStandIn
) -> None:
    await asyncio.sleep(0.1)
    commands = {c["command"]: c["description"] for c in standin.commands["commands"]}
    assert commands["lapor"] == "Laporkan realisasi indikator kinerja"
    assert {"lapor", "anggaran", "pengingat", "batal", "bantuan"} <= set(commands)


async def test_register_and_report_an_indicator_over_telegram(
    bot: Conversations, standin: BotApiStandIn
) -> None:
    budi = User(standin, 501)
    refused = await budi.say("/lapor", "belum terdaftar")
    assert refused.parse_mode == "HTML"
    await budi.register(bot, "Kasi Penempatan Tenaga Kerja")
    receipt = await budi.report_ik18_with_evidence()
    assert "Revisi ke-1" in (receipt.text or "")
    (revision,) = revisions(bot.engine, "IK.18")
    assert (revision.numerator, revision.denominator) == (D(100), D(100))
    with transaction(bot.engine) as session:
        (evidence,) = session.exec(select(Evidence)).all()
    assert evidence.filename == "daftar-hadir.pdf" and evidence.size == 21
    # every button pressed was answered, and nothing the bot sent broke a Telegram limit
    assert len(await standin.wait_for_answers(4)) >= 4
    assert all(call.ok for call in standin.calls if call.method.startswith("send"))


async def test_stale_button_is_answered_not_acted_on(
    bot: Conversations, standin: BotApiStandIn
) -> None:
    budi = User(standin, 502)
    await budi.register(bot, "Kasi Penempatan Tenaga Kerja")
    await budi.say("/lapor", "Laporan kinerja")
    old_menu = budi.last_with_button("IK.18")
    await budi.say("/batal", "dibatalkan")
    since, answered = len(standin.sent), len(standin.callback_answers)
    standin.press_button(502, old_menu.message_id, old_menu.button("IK.18"))
    await standin.wait_for(lambda m: "tidak berlaku" in (m.text or ""), since=since)
    answers = await standin.wait_for_answers(answered + 1)
    assert answers[-1].get("text") == "Menu ini sudah tidak berlaku."


async def test_group_chat_gets_one_pointer_only(bot: Conversations, standin: BotApiStandIn) -> None:
    since = len(standin.sent)
    standin.user_message(600, "/lapor", chat_type="group", chat_id=-1001)
    await standin.wait_for(lambda m: "chat pribadi" in (m.text or ""), since=since)
    standin.user_message(601, "/lapor", chat_type="group", chat_id=-1001)
    standin.user_message(601, "halo", chat_type="group", chat_id=-1001)
    await asyncio.sleep(0.5)
    assert len(standin.messages_to(-1001)) == 1


async def test_one_persons_updates_are_handled_in_order(
    bot: Conversations, standin: BotApiStandIn
) -> None:
    budi = User(standin, 503)
    await budi.register(bot, "Kasi Penempatan Tenaga Kerja")
    await budi.say("/lapor", "Laporan kinerja")
    await budi.tap("IK.18", "s.d. TW IV?")
    since = len(standin.sent)
    for text in ("80", "100", "Kendala", "Upaya"):  # typed quickly, one after another
        standin.user_message(503, text)
    await standin.wait_for(lambda m: "faktor pendorong" in (m.text or ""), since=since)
    texts = [m.text or "" for m in standin.sent[since:] if m.chat_id == 503]
    expected = ["Total Pelayanan", "capaian 80%", "kendala", "upaya perbaikan", "faktor pendorong"]
    positions = [next(i for i, t in enumerate(texts) if word in t) for word in expected]
    assert positions == sorted(positions), texts


async def test_restart_in_the_middle_of_lapor(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    first_app = conversations(office, tmp_path)
    application = await start_bot(first_app, standin)
    budi = User(standin, 504)
    await budi.register(first_app, "Kasi Penempatan Tenaga Kerja")
    await budi.say("/lapor", "Laporan kinerja")
    await budi.tap("IK.19", "s.d. TW IV")
    await budi.say("950", "kendala")
    await stop_bot(application)  # the bot process goes away mid-flow

    second_app = conversations(office, tmp_path)
    application = await start_bot(second_app, standin)
    try:
        await budi.say("Lowongan sedikit", "upaya perbaikan")
        await budi.say("Job fair", "faktor pendorong")
        save = budi.last_with_button("Simpan")
        standin.press_button(504, save.message_id, save.button("Simpan"))
        standin.press_button(504, save.message_id, save.button("Simpan"))  # double tap
        await standin.wait_for(lambda m: "Laporan tersimpan" in (m.text or ""))
        await asyncio.sleep(0.3)
    finally:
        await stop_bot(application)
    (revision,) = revisions(second_app.engine, "IK.19")
    assert revision.value == D(950) and revision.kendala == "Lowongan sedikit"


async def test_grafik_sends_a_photo_within_the_caption_limit(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    from sicapai.models.queries import resolve_organisation
    from sicapai.models.seeding import DEMO_FILE, bundled_path, load_demo

    with transaction(office.engine) as session:
        load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
    app = conversations(office, tmp_path)
    application = await start_bot(app, standin)
    try:
        kadis = User(standin, 505, "Kepala")
        await kadis.register(app, "Kepala Dinas")
        await kadis.say("/grafik", "Grafik apa")
        since = len(standin.sent)
        message = kadis.last_with_button("Capaian per indikator")
        standin.press_button(505, message.message_id, message.button("Capaian per indikator"))
        photo = await standin.wait_for(lambda m: m.method == "sendPhoto", 30, since=since)
    finally:
        await stop_bot(application)
        await app.close()
    assert photo.photo is not None and photo.photo[:8] == b"\x89PNG\r\n\x1a\n"
    assert "TW IV 2025" in (photo.text or "") and len(photo.text or "") <= 1024
