"""Reminders honour BERHENTI: a stopped chat gets none, the person's other chat gets them, and
every other notice still reaches the stopped chat. Time travels through an injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from sicapai.bot.reminders import Pacer, ReminderService
from sicapai.handlers.port import Identity, Reply
from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.operations import ReminderLog
from sicapai.models.organisation import Person
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from sicapai.runtime.outbox import OutboxSender
from tests.support.chat import Chat, Clock
from tests.support.database import Database
from tests.support.terminal import link

WITA = ZoneInfo("Asia/Makassar")


def wita(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WITA)


@pytest.fixture
def clock() -> Clock:
    return Clock(wita(2025, 10, 1, 9).astimezone(UTC))


@pytest.fixture
def app(office: Database, clock: Clock, tmp_path: Path) -> Conversations:
    return Conversations(office.engine, files_dir=tmp_path, clock=clock)


class Phone:
    """Records what one channel delivered."""

    def __init__(self) -> None:
        self.sent: list[tuple[Identity, Reply]] = []

    async def __call__(self, identity: Identity, reply: Reply) -> Delivery:
        self.sent.append((identity, reply))
        return Delivery(ok=True)

    def to(self, chat: Chat) -> list[str]:
        return [r.text for i, r in self.sent if i.chat_id == chat.identity.chat_id]


def logged(app: Conversations, name: str) -> list[ReminderLog]:
    with transaction(app.engine) as session:
        person = session.exec(select(Person).where(Person.name == name)).one()
        return list(session.exec(select(ReminderLog).where(ReminderLog.person_id == person.id)))


async def test_a_reminder_skips_a_stopped_chat_for_the_persons_other_chat(
    app: Conversations, clock: Clock
) -> None:
    sari = Chat(app, 12, "Sari")
    await sari.register("Kasi Transmigrasi")
    wa = link(app, sari, "whatsapp", "6281200000012")
    await wa.send("BERHENTI")  # WhatsApp is now also the channel she last wrote on
    telegram, whatsapp = Phone(), Phone()
    senders = {"telegram": telegram, "whatsapp": whatsapp}
    svc = ReminderService(app.engine, senders, clock=clock, pacer=Pacer(rate=1000))
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)  # the 7-days-before reminder
    await svc.tick()
    assert whatsapp.to(wa) == []
    (reminder,) = telegram.to(sari)
    assert "Pengingat laporan TW III 2025" in reminder
    (row,) = logged(app, "Sari")
    assert row.status == "terkirim" and row.channel == "telegram"

    # any other notice still goes to the chat she last wrote on, stopped or not
    with transaction(app.engine) as session:
        person = session.exec(select(Person).where(Person.name == "Sari")).one()
        assert person.id is not None
        outbox.enqueue(
            session=session, person_id=person.id, text="Laporan dikembalikan", now=clock.now
        )
    notices = OutboxSender(app.engine, clock=clock)
    for channel, sender in senders.items():
        notices.register(channel, sender)
    assert await notices.drain() == 1
    assert whatsapp.to(wa) == ["Laporan dikembalikan"]

    # MULAI: the next reminder day reaches WhatsApp again
    await wa.send("MULAI")
    clock.now = wita(2025, 10, 7, 8, 5).astimezone(UTC)
    await svc.tick()
    assert len(telegram.to(sari)) == 1
    assert [t for t in whatsapp.to(wa) if "Pengingat" in t]


async def test_a_person_whose_only_chat_is_stopped_is_not_reminded(
    app: Conversations, clock: Clock
) -> None:
    sari = Chat(app, 12, "Sari")
    await sari.register("Kasi Transmigrasi")
    budi = Chat(app, 11, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    await sari.send("stop")
    telegram = Phone()
    svc = ReminderService(app.engine, {"telegram": telegram}, clock=clock, pacer=Pacer(rate=1000))
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    report = await svc.tick()
    assert telegram.to(sari) == []
    assert logged(app, "Sari") == []  # like a person nobody can reach: nothing sent, no key taken
    assert len(telegram.to(budi)) == 1 and report.sent == 1  # the others are reminded as usual
    await sari.send("mulai")  # later the same working day: the reminder catches up
    clock.now = wita(2025, 10, 3, 10).astimezone(UTC)
    await svc.tick()
    assert len(telegram.to(sari)) == 1
