"""The record of processed updates, as every channel uses it: one update, one effect."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from sicapai.handlers.port import Event, EventKind, Identity
from sicapai.models import outbox
from sicapai.models.chat_marks import ChatMark
from sicapai.models.db import transaction
from sicapai.models.inbox import InboundUpdate
from sicapai.models.outbox import OutboxMessage
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.outbox import prune_records
from tests.support.chat import Chat, Clock
from tests.support.data import dialog_state, person_id_of


async def typed(app: Conversations, chat: Chat, text: str, update_id: str) -> list[str]:
    result = await app.handle(chat.identity, Event.from_text(text, inbound_id=update_id))
    chat.result, chat.replies = result, result.replies
    return [r.text for r in result.replies]


async def test_the_same_update_twice_counts_once(app: Conversations) -> None:
    kasi = Chat(app, 51, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    first = await typed(app, kasi, "1700", "u-100")
    assert any("Total Pelayanan Antar Kerja" in t for t in first)
    person = person_id_of(app.engine, 51)
    assert person is not None
    step = dialog_state(app.engine, person)
    # the reply was never confirmed sent: the repeat sends the same question, changes nothing
    again = await typed(app, kasi, "1700", "u-100")
    assert again == first and kasi.result is not None and kasi.result.repeat
    after = dialog_state(app.engine, person)
    assert step is not None and after is not None
    assert (after.step, after.version, after.data) == (step.step, step.version, step.data)
    # once confirmed, a repeat says nothing at all
    await app.replied(kasi.result)
    await app.flush_replied()
    assert await typed(app, kasi, "1700", "u-100") == []
    # a new update with the same text is a new figure: the denominator
    assert any("kendala" in t for t in await typed(app, kasi, "1762", "u-101"))


async def test_a_repeated_press_in_another_account_is_another_update(app: Conversations) -> None:
    kasi = Chat(app, 52, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    other_bot = Identity("telegram", "52", "52", "Budi", account="999")
    await kasi.send("/lapor")
    data = kasi.button("IK.18")
    await app.handle(kasi.identity, Event(EventKind.PRESS, data=data, inbound_id="7"))
    repeat = await app.handle(other_bot, Event(EventKind.PRESS, data=data, inbound_id="7"))
    assert not repeat.repeat  # update 7 of another bot: not a redelivery


async def test_records_older_than_any_redelivery_are_pruned(
    app: Conversations, clock: Clock
) -> None:
    kasi = Chat(app, 53, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await typed(app, kasi, "/bantuan", "old")
    with transaction(app.engine) as session:
        done = outbox.enqueue(session=session, person_id=1, text="lama", now=clock.now)
        waiting = outbox.enqueue(session=session, person_id=1, text="menunggu", now=clock.now)
        session.flush()
        outbox.finish(session=session, message_id=done.id or 0, status=outbox.SENT, now=clock.now)
        assert waiting.id
    clock.now += timedelta(days=7)
    await typed(app, kasi, "/bantuan", "new")
    prune_records(app.engine, clock.now + timedelta(days=1, seconds=1))
    with transaction(app.engine) as session:
        kept = [u.external_id for u in session.exec(select(InboundUpdate))]
        left = [m.text for m in session.exec(select(OutboxMessage))]
    assert kept == ["new"] and left == ["menunggu"]


async def test_expired_chat_marks_are_pruned_with_them(app: Conversations, clock: Clock) -> None:
    guesser, fresh = Chat(app, 54), Chat(app, 55)
    await guesser.send("/start salah")
    clock.now += timedelta(minutes=30)
    await fresh.send("/start keliru")
    prune_records(app.engine, clock.now + timedelta(minutes=31))
    with transaction(app.engine) as session:
        left = [m.chat_id for m in session.exec(select(ChatMark))]
    assert left == ["55"]  # the older failure is out of its hour; the newer still counts
