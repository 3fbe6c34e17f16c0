"""Notices to other people are durable: queued with the turn, sent after it, retried, never
sent twice by two senders, never lost by a crash, a refused markup or a blocked chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from sicapai.runtime.outbox import OutboxSender
from tests.botapi import BotApiStandIn
from tests.support.chat import Chat, Clock, invite, report
from tests.support.database import Database
from tests.support.outbox import Phone, rows
from tests.support.telegram import User, conversations, start_bot, stop_bot


async def saved_report(app: Conversations) -> tuple[Chat, Chat]:
    """The kasi saves IK.18, which queues a review request for the kabid; nothing sends it."""
    kasi, kabid = Chat(app, 41, "Budi"), Chat(app, 42, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    assert kasi.result is not None and len(kasi.result.notice_ids) == 1
    return kasi, kabid


async def test_a_notice_survives_a_crash_and_failures_until_it_is_delivered(
    app: Conversations, clock: Clock
) -> None:
    _, kabid = await saved_report(app)
    (row,) = rows(app)
    assert row.status == outbox.PENDING  # committed with the save; the "crash" sent nothing
    phone = Phone()
    sender = OutboxSender(app.engine, clock=clock)
    sender.register("telegram", phone)
    phone.answers = [Delivery(ok=False, temporary=True, error="502")]
    assert await sender.drain() == 0
    (row,) = rows(app)
    assert row.status == outbox.PENDING and row.attempts == 1
    assert await sender.drain() == 0  # not due yet: the pause is kept
    clock.now += timedelta(seconds=31)
    assert await sender.drain() == 1
    (row,) = rows(app)
    assert row.status == outbox.SENT and row.channel == "telegram"
    ((identity, text),) = phone.delivered
    assert identity.chat_id == kabid.identity.chat_id and "menunggu verifikasi" in text
    clock.now += timedelta(hours=1)
    assert await sender.drain() == 0  # never twice


async def test_two_senders_send_a_notice_once(app: Conversations, clock: Clock) -> None:
    await saved_report(app)
    phone = Phone()
    first, second = OutboxSender(app.engine, clock=clock), OutboxSender(app.engine, clock=clock)
    first.register("telegram", phone)
    second.register("telegram", phone)
    sent = await asyncio.gather(first.drain(), second.drain())
    assert sum(sent) == 1 and len(phone.delivered) == 1


async def test_a_timed_out_notice_is_not_resent_blindly_and_a_stuck_one_is(
    app: Conversations, clock: Clock
) -> None:
    await saved_report(app)
    (row,) = rows(app)
    phone = Phone()
    sender = OutboxSender(app.engine, clock=clock)
    sender.register("telegram", phone)
    phone.answers = [Delivery(ok=False, temporary=True, unknown=True)]
    await sender.drain()
    assert rows(app)[0].status == outbox.UNKNOWN
    clock.now += timedelta(hours=2)
    assert await sender.drain() == 0
    # a sender that died after claiming a row: another takes it up after a while
    with transaction(app.engine) as session:
        stuck = outbox.enqueue(session=session, person_id=row.person_id, text="Tes", now=clock.now)
        session.flush()
        assert stuck.id is not None
        assert outbox.claim(session=session, message_id=stuck.id, now=clock.now) is not None
    assert await sender.drain() == 0
    clock.now += outbox.STUCK + timedelta(seconds=1)
    assert await sender.drain() == 1


async def test_a_blocked_chat_falls_back_to_the_next_one_and_the_admin_is_told(
    app: Conversations, clock: Clock
) -> None:
    _, kabid = await saved_report(app)
    admin = Chat(app, 49, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    with transaction(app.engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == kabid.identity.external_id)
        ).one()
        session.add(  # the kabid's second chat, the one they wrote on last: tried first
            ChatIdentity(
                person_id=chat.person_id, channel="cadangan", external_id="k2", chat_id="k2"
            )
        )
        person = session.get(Person, chat.person_id)
        assert person is not None
        person.last_channel = "cadangan"
    phone, spare = Phone(), Phone()
    sender = OutboxSender(app.engine, clock=clock)
    sender.register("telegram", phone)
    sender.register("cadangan", spare)
    spare.answers = [Delivery(ok=False, blocked=True)]
    assert await sender.drain() == 2  # the notice (on Telegram) and the admin's warning
    assert spare.delivered == []
    to_kabid = [t for i, t in phone.delivered if i.chat_id == kabid.identity.chat_id]
    assert len(to_kabid) == 1 and "menunggu verifikasi" in to_kabid[0]
    warnings = [t for i, t in phone.delivered if i.chat_id == admin.identity.chat_id]
    assert len(warnings) == 1 and "Rahmat" in warnings[0] and "cadangan" in warnings[0]
    clock.now += timedelta(hours=1)
    assert await sender.drain() == 0  # told once


async def test_a_notice_whose_markup_telegram_refuses_arrives_as_plain_text(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    app = conversations(office, tmp_path)
    application = await start_bot(app, standin)
    try:
        kasi, kabid = User(standin, 611), User(standin, 612, "Rahmat")
        await kasi.register(app, "Kasi Penempatan Tenaga Kerja")
        await kabid.register(app, "Kabid Tenaga Kerja")
        await kasi.say("/lapor", "Laporan kinerja TW IV 2025")
        await kasi.tap("IK.18", "s.d. TW IV?")
        await kasi.say("100", "Total")
        await kasi.say("100", "faktor pendorong")
        standin.fail_next(
            "sendMessage", status=400, description="Bad Request: can't parse entities: oops"
        )
        await kasi.tap("Simpan", "Laporan tersimpan")  # the receipt went plain, then notices
        notice = await standin.wait_for(
            lambda m: m.chat_id == 612 and "menunggu verifikasi" in (m.text or ""), 10
        )
        assert notice.parse_mode == "HTML"
        receipt = next(m for m in standin.messages_to(611) if "tersimpan" in (m.text or ""))
        assert receipt.parse_mode is None and "<b>" not in (receipt.text or "")
    finally:
        await stop_bot(application)
        await app.close()
