"""Reminders and notices on WhatsApp, inside and outside the 24-hour window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from sicapai.bot.reminders import ReminderService
from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, invite
from tests.support.whatsapp import (
    NOTICE_TEMPLATE,
    REMINDER_TEMPLATE,
    Phone,
    WhatsAppBot,
    running,
)
from tests.waapi import CloudApiStandIn

WITA = ZoneInfo("Asia/Makassar")


def wita(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WITA).astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(wita(2025, 10, 1, 9))


def reminders(app: Conversations, bot: WhatsAppBot) -> ReminderService:
    service = ReminderService(app.engine, {}, clock=app.clock)
    service.register("whatsapp", bot.channel.sender(background=True))
    service.pace("whatsapp", None)
    return service


async def test_a_reminder_inside_the_window_is_a_message_and_outside_it_the_template(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot, clock: Clock
) -> None:
    sari = Phone(wa, "6281200000012", "Sari")
    budi = Phone(wa, "6281200000011", "Budi")
    await sari.register(app, "Kasi Transmigrasi")
    await budi.register(app, "Kasi Penempatan Tenaga Kerja")
    clock.now = wita(2025, 10, 3, 7, 50)
    await budi.say("/bantuan", "/lapor")  # Budi wrote ten minutes ago; Sari two days ago
    clock.now = wita(2025, 10, 3, 8, 5)  # the 7-days-before reminder
    since = len(wa.sent)
    report = await reminders(app, wabot).tick()
    assert report.sent == 2, report
    to_budi = await budi.expect("Pengingat laporan TW III 2025", since)
    assert to_budi.kind in ("button", "list") and "Lapor" in to_budi.buttons[0][1]
    to_sari = next(m for m in wa.sent[since:] if m.to == sari.wa_id)
    assert to_sari.kind == "template" and to_sari.template == REMINDER_TEMPLATE
    assert to_sari.params[0] == "Sari" and to_sari.params[1] == "TW III 2025"
    assert "10 Oktober 2025" in to_sari.params[2]
    assert wa.count(131047) == 0
    # the template's quick reply opens /lapor on her first pending indicator
    await sari.tap("Lapor", "s.d. TW III")


async def test_meta_says_the_window_closed_so_the_reminder_goes_as_the_template(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot, clock: Clock
) -> None:
    sari = Phone(wa, "6281200000012", "Sari")
    await sari.register(app, "Kasi Transmigrasi")
    clock.now = wita(2025, 10, 3, 8, 5)
    with transaction(app.engine) as session:  # SiCapai believes she wrote a minute ago
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == sari.wa_id)
        ).one()
        chat.last_inbound_at = clock.now - timedelta(minutes=1)
        session.add(chat)
    since = len(wa.sent)
    await reminders(app, wabot).tick()
    assert wa.count(131047) == 1
    sent = [m for m in wa.sent[since:] if m.to == sari.wa_id]
    assert [m.kind for m in sent] == ["template"]


async def test_a_notice_outside_the_window_waits_for_the_next_message(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot, clock: Clock
) -> None:
    sari = Phone(wa, "6281200000012", "Sari")
    await sari.register(app, "Kasi Transmigrasi")
    clock.now += timedelta(hours=30)
    with transaction(app.engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == sari.wa_id)
        ).one()
        row = outbox.enqueue(
            session=session,
            person_id=chat.person_id,
            text="Laporan <b>IK.15</b> dikembalikan.",
            now=clock.now,
        )
        session.flush()
        notice = row.id
    assert notice is not None
    since = len(wa.sent)
    await wabot.outbox.drain([notice])
    await wabot.outbox.drain()  # a second round does not send the template again
    sent = [m for m in wa.sent[since:] if m.to == sari.wa_id]
    assert [(m.kind, m.template) for m in sent] == [("template", NOTICE_TEMPLATE)]
    assert "Sari" in sent[0].text
    with transaction(app.engine) as session:
        assert session.get(outbox.OutboxMessage, notice).status == outbox.PENDING  # type: ignore[union-attr]
    # her reply opens the window: the notice itself arrives, once
    await sari.say("halo", "dikembalikan")
    await wabot.channel.idle()
    with transaction(app.engine) as session:
        assert session.get(outbox.OutboxMessage, notice).status == outbox.SENT  # type: ignore[union-attr]
    assert sum("dikembalikan" in m.text for m in sari.received()) == 1


async def test_the_messaging_tier_is_kept_and_the_admin_told_once(
    app: Conversations, wa: CloudApiStandIn, clock: Clock
) -> None:
    admin = Chat(app, 501, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    wa.messaging_limit = 2  # Meta's tier, which SiCapai keeps below
    async with running(app, wa, messaging_limit=2) as bot:
        people = [
            Phone(wa, "6281200000012", "Sari"),
            Phone(wa, "6281200000011", "Budi"),
            Phone(wa, "6281200000013", "Rahmat"),
        ]
        positions = ["Kasi Transmigrasi", "Kasi Penempatan Tenaga Kerja", "Kabid Tenaga Kerja"]
        for phone, position in zip(people, positions, strict=True):
            await phone.register(app, position)
        clock.now = wita(2025, 10, 3, 8, 5)  # two days of silence: templates only
        since = len(wa.sent)
        report = await reminders(app, bot).tick()
        templates = [m for m in wa.sent[since:] if m.kind == "template"]
        assert len(templates) == 2 and report.failed >= 1, report
        assert wa.count(wa.MESSAGING_LIMIT_CODE) == 0
        await bot.channel.idle()
    with transaction(app.engine) as session:
        alerts = [
            m for m in session.exec(select(outbox.OutboxMessage)).all() if "Batas harian" in m.text
        ]
    assert len(alerts) == 1
