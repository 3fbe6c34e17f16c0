"""Notices go to the channel a person uses: the one they chose with /saluran, else the one
they last wrote on, then their other channels; and on the terminal, which nobody reads while
no session runs, they wait (pending, not an attempt) until the person next opens it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.models.outbox import OutboxMessage
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from sicapai.runtime.outbox import OutboxSender
from tests.support.chat import Chat, Clock, report
from tests.support.outbox import Phone, rows
from tests.support.terminal import (
    WHILE_AWAY,
    link,
    on_terminal,
    person_of,
    terminal_person,
    terminal_session,
)


def running_bot(app: Conversations, clock: Clock, **phones: Phone) -> OutboxSender:
    """The outbox of `sicapai run`: senders for the given channels, none for the terminal."""
    sender = OutboxSender(app.engine, clock=clock)
    for channel, phone in phones.items():
        sender.register(channel, phone)
    return sender


async def test_a_review_request_waits_for_a_terminal_only_kabid_until_the_next_chat(
    app: Conversations, clock: Clock
) -> None:
    kabid = terminal_person(app, "Kabid Tenaga Kerja")
    kasi = Chat(app, 41, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    assert kasi.result is not None and len(kasi.result.notice_ids) == 1
    phone = Phone()
    bot = running_bot(app, clock, telegram=phone)
    assert await bot.drain(kasi.result.notice_ids) == 0
    for _ in range(3):  # the 30-second job, again and again: it waits, it is not failing
        clock.now += timedelta(hours=1)
        assert await bot.drain() == 0
    (row,) = rows(app)
    assert row.status == outbox.PENDING and row.attempts == 0
    assert row.channel == "terminal" and row.error is None
    assert phone.delivered == []

    shown = await terminal_session(app, kabid)
    assert WHILE_AWAY in shown and "menunggu verifikasi" in shown and "IK.18" in shown
    assert shown.index(WHILE_AWAY) < shown.index("> ")  # before the first prompt
    (row,) = rows(app)
    assert row.status == outbox.SENT and row.channel == "terminal"
    again = await terminal_session(app, kabid)
    assert WHILE_AWAY not in again and "menunggu verifikasi" not in again  # shown once


async def test_a_returned_item_reaches_a_terminal_only_kasi_at_their_next_chat(
    app: Conversations, clock: Clock
) -> None:
    identity = terminal_person(app, "Kasi Penempatan Tenaga Kerja")
    kasi = on_terminal(app, identity)
    kabid = Chat(app, 42, "Rahmat")
    await kabid.register("Kabid Tenaga Kerja")
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    await kabid.press("Kembalikan")
    await kabid.send("Lampirkan daftar pelayanan")
    assert "dikembalikan kepada pelapor" in kabid.text
    phone = Phone()
    bot = running_bot(app, clock, telegram=phone)
    assert await bot.drain() == 1  # the review request, to the kabid on Telegram
    waiting = [r for r in rows(app) if r.status == outbox.PENDING]
    assert len(waiting) == 1 and waiting[0].attempts == 0 and waiting[0].channel == "terminal"

    shown = await terminal_session(app, identity)
    assert WHILE_AWAY in shown and "dikembalikan" in shown
    assert "Lampirkan daftar pelayanan" in shown
    assert all(r.status == outbox.SENT for r in rows(app))


async def test_the_preferred_channel_first_and_the_other_when_it_refuses(
    app: Conversations, clock: Clock
) -> None:
    kasi, kabid = Chat(app, 41, "Budi"), Chat(app, 42, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    wa = link(app, kabid, "whatsapp", "6281200000042")
    await kabid.send("/saluran")
    await kabid.press("WhatsApp")  # chosen on Telegram, the channel they are writing on
    telegram, whatsapp = Phone(), Phone()
    bot = running_bot(app, clock, telegram=telegram, whatsapp=whatsapp)
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    assert await bot.drain() == 1
    assert [i.channel for i, _ in whatsapp.delivered] == ["whatsapp"] and not telegram.delivered
    assert whatsapp.delivered[0][0].chat_id == wa.identity.chat_id

    # the preferred channel refuses: the same notice goes to the other one
    with transaction(app.engine) as session:
        person = person_of(app, kabid)
        assert person.id is not None
        outbox.enqueue(session=session, person_id=person.id, text="Tes kedua", now=clock.now)
    whatsapp.answers = [Delivery(ok=False, blocked=True, error="diblokir")]
    assert await bot.drain() == 1
    assert [t for i, t in telegram.delivered if i.chat_id == kabid.identity.chat_id] == [
        "Tes kedua"
    ]
    second = session_rows_with(app, "Tes kedua")
    assert second.status == outbox.SENT and second.channel == "telegram"
    with transaction(app.engine) as session:
        marked = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == wa.identity.external_id)
        ).one()
        assert marked.unreachable_at is not None


def session_rows_with(app: Conversations, text: str) -> OutboxMessage:
    (row,) = [r for r in rows(app) if r.text == text]
    return row


async def test_a_person_who_prefers_the_terminal_gets_notices_there(
    app: Conversations, clock: Clock
) -> None:
    kasi, kabid = Chat(app, 41, "Budi"), Chat(app, 42, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    terminal = link(app, kabid, "terminal", "person-kabid")
    await kabid.send("/saluran")
    await kabid.press("Terminal")
    phone = Phone()
    bot = running_bot(app, clock, telegram=phone)
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    assert await bot.drain() == 0 and phone.delivered == []  # it waits for the terminal
    shown = await terminal_session(app, terminal.identity)
    assert WHILE_AWAY in shown and "menunggu verifikasi" in shown


async def test_by_default_notices_follow_the_channel_of_the_last_message(
    app: Conversations, clock: Clock
) -> None:
    kasi, kabid = Chat(app, 41, "Budi"), Chat(app, 42, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    wa = link(app, kabid, "whatsapp", "6281200000042")  # the newer chat
    await kabid.send("/bantuan")  # but the kabid writes on Telegram
    assert person_of(app, kabid).last_channel == "telegram"
    telegram, whatsapp = Phone(), Phone()
    bot = running_bot(app, clock, telegram=telegram, whatsapp=whatsapp)
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await bot.drain()
    assert len(telegram.delivered) == 1 and whatsapp.delivered == []

    await wa.send("/bantuan")  # now on WhatsApp
    assert person_of(app, kabid).last_channel == "whatsapp"
    with transaction(app.engine) as session:
        person = person_of(app, kabid)
        assert person.id is not None
        outbox.enqueue(session=session, person_id=person.id, text="Tes", now=clock.now)
    await bot.drain()
    assert [t for _, t in whatsapp.delivered] == ["Tes"] and len(telegram.delivered) == 1

    # an ordinary turn on the same channel writes nothing more to the person
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(app.engine, "before_cursor_execute", seen)
    try:
        await wa.send("/bantuan")
    finally:
        event.remove(app.engine, "before_cursor_execute", seen)
    assert statements and not [
        s for s in statements if s.lstrip().upper().startswith("UPDATE PERSON")
    ]


async def test_trying_the_terminal_once_does_not_hold_back_notices(
    app: Conversations, clock: Clock
) -> None:
    """The last-used default never picks a channel that only shows messages when opened:
    an admin who tried `sicapai chat` still gets their notices on Telegram."""
    kasi, kabid = Chat(app, 51, "Budi"), Chat(app, 52, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    terminal = link(app, kabid, "terminal", "person-kabid-2")
    await terminal.send("/bantuan")  # written in the terminal last
    assert person_of(app, kabid).last_channel == "terminal"
    phone = Phone()
    bot = running_bot(app, clock, telegram=phone)
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await bot.drain()
    assert len(phone.delivered) == 1 and "menunggu verifikasi" in phone.delivered[0][1]
