"""Deadlines and reminders: on working days only, personal, escalating, never twice.

Time travels through an injectable clock; nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from sicapai.bot.reminders import Pacer, ReminderService
from sicapai.handlers.port import Identity, Reply
from sicapai.models.db import transaction
from sicapai.models.operations import ReminderLog
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.models.queries import resolve_organisation
from sicapai.models.reminders import plan_for
from sicapai.reports.calendar import (
    CalendarConfig,
    default_deadline,
    is_working_day,
    reminder_days,
)
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from sicapai.runtime.outbox import OutboxSender
from tests.support.chat import Chat, Clock
from tests.support.cli import run_cli
from tests.support.database import Database
from tests.support.terminal import WHILE_AWAY, link, terminal_person, terminal_session

WITA = ZoneInfo("Asia/Makassar")


def wita(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WITA)


# --- the calendar, pure --------------------------------------------------------------------


def test_default_plan_for_a_whole_year_lands_on_working_days_and_hours() -> None:
    config = CalendarConfig()
    for quarter in (1, 2, 3, 4):
        deadline = default_deadline(2025, quarter, config)
        assert is_working_day(deadline.date(), config)
        assert deadline.time() == time(23, 59)
        for reminder in reminder_days(deadline, config):
            assert reminder.day.weekday() < 5, reminder
            assert is_working_day(reminder.day, config), reminder


def test_idul_fitri_2025_tw_i() -> None:
    config = CalendarConfig()
    deadline = default_deadline(2025, 1, config)
    assert deadline == wita(2025, 4, 10, 23, 59)
    days = [r.day for r in reminder_days(deadline, config)]
    joint_leave = {date(2025, 3, 28), *(date(2025, 4, d) for d in range(2, 8))}
    assert not joint_leave & set(days)
    # the 7- and 3-day reminders fall in the holidays: both move to the last working day
    # before them, and are merged
    assert days[:3] == [date(2025, 3, 27), date(2025, 4, 9), date(2025, 4, 10)]
    assert days[3] == date(2025, 4, 11)  # first working day after the deadline


def test_deadline_on_a_weekend_moves_to_the_next_working_day() -> None:
    deadline = default_deadline(2025, 4, CalendarConfig())  # 10 January 2026 is a Saturday
    assert deadline.date() == date(2026, 1, 12)


def test_office_extra_days_off() -> None:
    config = CalendarConfig(extra_days_off=frozenset({date(2025, 10, 9)}))
    days = [r.day for r in reminder_days(default_deadline(2025, 3, config), config)]
    assert date(2025, 10, 9) not in days and date(2025, 10, 8) in days


# --- planning and sending on a real database ----------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock(wita(2025, 10, 1, 9).astimezone(UTC))


@pytest.fixture
def app(office: Database, clock: Clock, tmp_path: Path) -> Conversations:
    return Conversations(office.engine, files_dir=tmp_path, clock=clock)


class Outbox:
    """Records deliveries; chats listed in `blocked` answer like a 403."""

    def __init__(self) -> None:
        self.sent: list[tuple[Identity, Reply]] = []
        self.blocked: set[str] = set()

    async def __call__(self, identity: Identity, reply: Reply) -> Delivery:
        if identity.chat_id in self.blocked:
            return Delivery(ok=False, blocked=True)
        self.sent.append((identity, reply))
        return Delivery(ok=True)

    def to(self, chat: Chat) -> list[str]:
        return [r.text for i, r in self.sent if i.chat_id == chat.identity.chat_id]


def service(app: Conversations, outbox: Outbox, clock: Clock) -> ReminderService:
    return ReminderService(app.engine, {"telegram": outbox}, clock=clock, pacer=Pacer(rate=1000))


async def report_all(chat: Chat, codes: list[str], figure: str = "100") -> None:
    """Walk /lapor for each code, answering whatever step comes up."""
    for code in codes:
        await chat.send("/lapor")
        await chat.press(code)
        for _ in range(12):
            text = chat.text
            labels = [b.label for r in chat.replies for row in r.buttons for b in row]
            if "tersimpan" in text:
                break
            if any("Simpan" in label for label in labels):
                await chat.press("Simpan")
            elif any("angkanya benar" in label for label in labels):
                await chat.press("angkanya benar")
            elif any("Lewati" in label for label in labels):
                await chat.press("Lewati")
            elif "kendala" in text or "upaya perbaikan" in text:
                await chat.send("Catatan")
            else:
                await chat.send(figure)
        assert "tersimpan" in chat.text, chat.text


@pytest.fixture
async def people(app: Conversations, clock: Clock) -> dict[str, Chat]:
    chats = {
        "penempatan": Chat(app, 11, "Budi"),
        "transmigrasi": Chat(app, 12, "Sari"),
        "kabid": Chat(app, 13, "Rahmat"),
        "kadis": Chat(app, 14, "Kepala"),
    }
    await chats["penempatan"].register("Kasi Penempatan Tenaga Kerja")
    await chats["transmigrasi"].register("Kasi Transmigrasi")
    await chats["kabid"].register("Kabid Tenaga Kerja")
    await chats["kadis"].register("Kepala Dinas")
    return chats


async def test_only_people_with_pending_items_are_reminded(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    await report_all(people["penempatan"], ["IK.18", "IK.20"])
    await report_all(people["penempatan"], ["IK.19"], "1.000")
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)  # the 7-days-before reminder
    report = await service(app, outbox, clock).tick()
    assert outbox.to(people["penempatan"]) == []
    (text,) = outbox.to(people["transmigrasi"])
    assert "Pengingat laporan TW III 2025" in text
    assert "<b>7 hari lagi</b>, Jumat, 10 Oktober 2025 pukul 23.59 WITA" in text
    assert "IK.15 Persentase Transmigran Yang Terlatih" in text
    (_, reply) = next(s for s in outbox.sent if s[0].chat_id == "12")
    assert reply.buttons[0][0].data.startswith("r:0:n:")
    assert report.sent == len(outbox.sent)


async def test_reminder_button_opens_lapor_on_the_first_pending_item(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    await service(app, outbox, clock).tick()
    (_, reply) = next(s for s in outbox.sent if s[0].chat_id == "12")
    sari = people["transmigrasi"]
    await sari.send("/bantuan")  # whatever happened since, the reminder's button still works
    await sari.press_data(reply.buttons[0][0].data)
    assert "IK.15 Persentase Transmigran Yang Terlatih" in sari.text


async def test_a_report_after_a_reminder_stops_the_next_one(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    await service(app, outbox, clock).tick()
    assert len(outbox.to(people["transmigrasi"])) == 1
    await report_all(people["transmigrasi"], ["IK.15"])
    clock.now = wita(2025, 10, 7, 8, 5).astimezone(UTC)  # 3 days before
    await service(app, outbox, clock).tick()
    assert len(outbox.to(people["transmigrasi"])) == 1
    assert len(outbox.to(people["penempatan"])) == 2


async def test_escalation_lists_exactly_the_missing_items(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    await report_all(people["penempatan"], ["IK.18"])
    outbox = Outbox()
    clock.now = wita(2025, 10, 13, 9).astimezone(UTC)  # first working day after the deadline
    await service(app, outbox, clock).tick()
    (escalation,) = [t for t in outbox.to(people["kabid"]) if "belum masuk di unit Anda" in t]
    assert "Kepala Seksi Penempatan Tenaga Kerja (Budi): IK.19, IK.20" in escalation
    assert "Perencanaan Tenaga Kerja (belum terdaftar): IK.21" in escalation
    assert "IK.18" not in escalation
    digests = [t for t in outbox.to(people["kadis"]) if "Kepatuhan pelaporan" in t]
    assert len(digests) == 1 and "Bidang Tenaga Kerja: 1 dari" in digests[0]
    # before the deadline nobody is escalated
    outbox2 = Outbox()
    clock.now = wita(2025, 10, 9, 9).astimezone(UTC)
    await service(app, outbox2, clock).tick()
    assert not any("belum masuk" in r.text for _, r in outbox2.sent)


async def test_restart_and_repeated_ticks_send_nothing_twice(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    await service(app, outbox, clock).tick()
    first = len(outbox.sent)
    clock.now = wita(2025, 10, 3, 11).astimezone(UTC)
    await service(app, outbox, clock).tick()  # a new service: as after a restart
    await service(app, outbox, clock).tick()
    assert first > 0 and len(outbox.sent) == first


async def test_two_schedulers_on_one_database_deliver_each_reminder_once(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    outbox = Outbox()
    clock.now = wita(2025, 10, 13, 8, 30).astimezone(UTC)
    one, two = service(app, outbox, clock), service(app, outbox, clock)
    await asyncio.gather(one.tick(), two.tick(), one.tick())
    keys = [(i.chat_id, r.text) for i, r in outbox.sent]
    assert len(keys) == len(set(keys)) and keys
    with transaction(app.engine) as session:
        logs = session.exec(select(ReminderLog)).all()
    assert len(logs) == len(outbox.sent)
    assert {log.status for log in logs} == {"terkirim"}


async def test_catch_up_same_day_only_and_never_outside_working_hours(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 7, 30).astimezone(UTC)  # before 08:00: nothing yet
    await service(app, outbox, clock).tick()
    assert outbox.sent == []
    clock.now = wita(2025, 10, 6, 8, 20).astimezone(UTC)  # the bot was down all of Friday
    await service(app, outbox, clock).tick()
    assert outbox.sent == []  # Friday's reminder is not sent on Monday
    clock.now = wita(2025, 10, 7, 16, 30).astimezone(UTC)  # after working hours
    await service(app, outbox, clock).tick()
    assert outbox.sent == []
    clock.now = wita(2025, 10, 7, 8, 20).astimezone(UTC)  # down at 08:00, back at 08:20
    await service(app, outbox, clock).tick()
    assert len(outbox.to(people["transmigrasi"])) == 1


async def test_reminder_during_an_open_flow_waits(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    sari = people["transmigrasi"]
    clock.now = wita(2025, 10, 3, 8, 1).astimezone(UTC)
    await sari.send("/lapor")
    await sari.press("IK.15")
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    report = await service(app, outbox, clock).tick()
    assert outbox.to(sari) == [] and report.deferred >= 1
    clock.now = wita(2025, 10, 3, 8, 20).astimezone(UTC)  # 15 minutes without a move
    await service(app, outbox, clock).tick()
    assert len(outbox.to(sari)) == 1
    await sari.send("3")  # the step they were on is intact
    assert "Total Transmigran" in sari.text or "s.d. TW III" in sari.text


def marks(app: Conversations, name: str) -> list[object]:
    """When each of the person's chats was marked unreachable (None: reachable)."""
    with transaction(app.engine) as session:
        person = session.exec(select(Person).where(Person.name == name)).one()
        return [
            c.unreachable_at
            for c in session.exec(select(ChatIdentity).where(ChatIdentity.person_id == person.id))
        ]


async def test_a_block_stops_reminders_until_the_person_writes_again(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    """Blocked once is not blocked for ever: the mark is on the Telegram chat, the admin is
    told once (through the durable outbox), and the person's next message clears it."""
    admin = Chat(app, 99, "Admin")
    from tests.support.chat import invite

    await admin.send(f"/start {invite(app, None, admin=True)}")
    sari = people["transmigrasi"]
    outbox = Outbox()
    outbox.blocked.add("12")
    notices = OutboxSender(app.engine, clock=clock)
    notices.register("telegram", outbox)
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    svc = service(app, outbox, clock)
    await svc.tick()
    await notices.drain()
    assert marks(app, "Sari") != [None]
    warnings = [t for t in outbox.to(admin) if "tidak dapat dikirim" in t]
    assert len(warnings) == 1 and "Sari" in warnings[0] and "Telegram" in warnings[0]
    # the next reminder day: nothing is sent to the marked chat, and the admin is not told again
    outbox.blocked.clear()  # Sari unblocked the bot, but has not written yet
    clock.now = wita(2025, 10, 7, 8, 5).astimezone(UTC)
    await svc.tick()
    await notices.drain()
    assert outbox.to(sari) == []
    assert len([t for t in outbox.to(admin) if "tidak dapat dikirim" in t]) == 1
    # Sari writes to the bot: the mark is gone and the next day's reminder reaches her
    await sari.send("/bantuan")
    assert marks(app, "Sari") == [None]
    clock.now = wita(2025, 10, 9, 8, 5).astimezone(UTC)
    await svc.tick()
    assert len(outbox.to(sari)) == 1 and "Pengingat" in outbox.to(sari)[0]


async def test_the_admin_clears_a_mark_and_reminders_resume(
    app: Conversations, people: dict[str, Chat], clock: Clock, office: Database
) -> None:
    admin = Chat(app, 99, "Admin")
    from tests.support.chat import invite

    await admin.send(f"/start {invite(app, None, admin=True)}")
    outbox = Outbox()
    outbox.blocked.add("12")
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    svc = service(app, outbox, clock)
    await svc.tick()
    listed = run_cli("terblokir", database_url=office.url)
    assert listed.returncode == 0, listed.stderr
    assert "Sari — Telegram, sejak" in listed.stdout
    number = listed.stdout.split("Sari")[0].split()[-1]
    # in chat, the admin sees the same mark
    await admin.send("/admin")
    await admin.press("Tidak terjangkau")
    assert "Sari" in admin.text and "Telegram" in admin.text
    cleared = run_cli("terblokir", "--hapus", number, database_url=office.url)
    assert cleared.returncode == 0, cleared.stderr
    assert "Tanda untuk Sari (Telegram) dihapus" in cleared.stdout
    assert marks(app, "Sari") == [None]
    outbox.blocked.clear()
    clock.now = wita(2025, 10, 7, 8, 5).astimezone(UTC)
    await svc.tick()
    assert len(outbox.to(people["transmigrasi"])) == 1
    again = run_cli("terblokir", "--hapus", number, database_url=office.url)
    assert again.returncode == 2 and "tidak ada tanda nomor" in again.stderr


async def test_snooze_moves_a_reminder_to_the_next_working_day(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    sari = people["transmigrasi"]
    clock.now = wita(2025, 10, 2, 10).astimezone(UTC)
    await sari.send("/pengingat")
    assert "Jumat, 3 Oktober 2025 pukul 08.00" in sari.text
    await sari.press("Tunda 3 Oktober 2025")
    assert "ditunda" in sari.text
    outbox = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    await service(app, outbox, clock).tick()
    assert outbox.to(sari) == []
    clock.now = wita(2025, 10, 6, 8, 5).astimezone(UTC)
    await service(app, outbox, clock).tick()
    assert len(outbox.to(sari)) == 1


def test_pengingat_cli_prints_the_plan_as_json(office: Database) -> None:
    result = run_cli(
        "pengingat",
        "--dari",
        "2025-04-09",
        "--sampai",
        "2025-04-11",
        "--format",
        "json",
        database_url=office.url,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {"waktu", "jabatan", "penerima", "jenis", "butir"} <= set(rows[0])
    assert {r["waktu"][:10] for r in rows} <= {"2025-04-09", "2025-04-10", "2025-04-11"}
    assert rows[0]["waktu"].endswith("+08:00")
    unregistered = [r for r in rows if r["penerima"] is None]
    assert unregistered and all(r["catatan"] == "belum terdaftar" for r in unregistered)
    kinds = {r["jenis"] for r in rows}
    assert {"pengingat", "eskalasi"} <= kinds  # 11 April is after the deadline


def test_plan_for_a_past_window(office: Database) -> None:
    with transaction(office.engine) as session:
        org = resolve_organisation(session=session)
        planned = plan_for(
            session=session, organisation=org, start=wita(2025, 3, 1), end=wita(2025, 5, 1)
        )
    holidays = {date(2025, 3, 28), *(date(2025, 4, d) for d in range(2, 8))}
    assert planned and not {p.day for p in planned} & holidays


# --- the channel a person uses ------------------------------------------------------------


async def test_a_reminder_for_a_terminal_only_person_waits_for_their_next_chat(
    app: Conversations, clock: Clock, tmp_path: Path
) -> None:
    sari = terminal_person(app, "Kasi Transmigrasi")
    telegram = Outbox()
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    svc = service(app, telegram, clock)
    report = await svc.tick()
    assert report.waiting == 1 and report.sent == 0 and report.failed == 0
    with transaction(app.engine) as session:
        (logged,) = session.exec(select(ReminderLog)).all()
        assert logged.status == "menunggu" and logged.channel == "terminal"
    # the next ticks and the running bot's outbox leave it waiting: one reminder per person
    clock.now = wita(2025, 10, 3, 10).astimezone(UTC)
    assert (await svc.tick()).waiting == 0
    bot = OutboxSender(app.engine, clock=clock)
    bot.register("telegram", telegram)
    assert await bot.drain() == 0 and telegram.sent == []

    shown = await terminal_session(app, sari, "1\n", output_dir=tmp_path)
    assert WHILE_AWAY in shown and "Pengingat laporan TW III 2025" in shown
    assert shown.index("Pengingat laporan") < shown.index("> ")
    assert "[1] 📝 Lapor sekarang" in shown
    assert "IK.15 Persentase Transmigran Yang Terlatih" in shown  # its button opens /lapor
    with transaction(app.engine) as session:
        (logged,) = session.exec(select(ReminderLog)).all()
        assert logged.status == "menunggu"  # the key stays taken: never a second reminder
    assert WHILE_AWAY not in await terminal_session(app, sari, output_dir=tmp_path)


async def test_a_reminder_goes_to_the_preferred_channel_and_falls_back_when_it_refuses(
    app: Conversations, people: dict[str, Chat], clock: Clock
) -> None:
    sari = people["transmigrasi"]
    wa = link(app, sari, "whatsapp", "6281200000012")
    await sari.send("/saluran")
    await sari.press("WhatsApp")
    telegram, whatsapp = Outbox(), Outbox()
    whatsapp.blocked.add(wa.identity.chat_id)
    svc = ReminderService(
        app.engine,
        {"telegram": telegram, "whatsapp": whatsapp},
        clock=clock,
        pacer=Pacer(rate=1000),
    )
    clock.now = wita(2025, 10, 3, 8, 5).astimezone(UTC)
    await svc.tick()
    assert whatsapp.sent == [] and len(telegram.to(sari)) == 1  # WhatsApp refused
    with transaction(app.engine) as session:
        person = session.exec(select(Person).where(Person.name == "Sari")).one()
        logged = session.exec(select(ReminderLog).where(ReminderLog.person_id == person.id)).one()
        assert logged.status == "terkirim" and logged.channel == "telegram"
    assert marks(app, "Sari").count(None) == 1  # the WhatsApp chat is marked, Telegram is not
    # once WhatsApp takes messages again (Sari writes there), it is the first choice again
    whatsapp.blocked.clear()
    await wa.send("/bantuan")
    clock.now = wita(2025, 10, 7, 8, 5).astimezone(UTC)
    await svc.tick()
    assert len(whatsapp.to(wa)) == 1 and len(telegram.to(sari)) == 1
