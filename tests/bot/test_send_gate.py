"""The send gate: Telegram's message budget kept strictly, replies served before reminders."""

from __future__ import annotations

import asyncio
import time

from telegram.ext import ExtBot

from sicapai.bot.send_gate import SendGate
from sicapai.bot.telegram import deliver, reminder_sender
from sicapai.handlers.port import Identity, Reply
from tests.botapi import BotApiStandIn
from tests.support.telegram import TOKEN

CEILING = 10  # a small budget keeps the test short; the gate's logic does not depend on it


async def gated_bot(api: BotApiStandIn, rate: int = CEILING) -> ExtBot:  # type: ignore[type-arg]
    bot: ExtBot = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=SendGate(rate))  # type: ignore[type-arg]
    await bot.initialize()
    return bot


async def test_a_broadcast_and_replies_together_stay_within_the_budget() -> None:
    """Reminders queued first do not delay a reply by more than one free slot, and the
    stand-in, which answers 429 like Telegram, never has to."""
    async with BotApiStandIn(token=TOKEN, rate_limit_per_second=CEILING) as api:
        bot = await gated_bot(api)
        send_reminder = reminder_sender(bot)
        reminders = [
            asyncio.create_task(
                send_reminder(Identity("telegram", str(n), str(n)), Reply(text=f"Pengingat {n}"))
            )
            for n in range(1, 26)
        ]
        await asyncio.sleep(0.3)  # the broadcast is under way: the first 10 went at once
        asked = time.monotonic()
        replies = [
            asyncio.create_task(deliver(bot, 900 + n, Reply(text=f"Balasan {n}"))) for n in range(3)
        ]
        results = await asyncio.gather(*reminders, *replies)
        await bot.shutdown()

    assert all(r.ok for r in results)
    assert api.too_many_requests == 0
    assert api.max_sends_in_any_second() <= CEILING
    texts = [m.text for m in api.sent]
    assert len(texts) == 28 and len(set(texts)) == 28  # each exactly once
    # the replies went in the second window, ahead of 15 reminders that waited longer
    # (without priority they would have been the last three)
    second_window = texts[CEILING : 2 * CEILING]
    assert {"Balasan 0", "Balasan 1", "Balasan 2"} <= set(second_window)
    reply_times = [m.time for m in api.sent if m.text.startswith("Balasan")]
    assert max(reply_times) - asked < 1.5


async def test_a_429_pauses_every_send_and_the_message_arrives_once() -> None:
    async with BotApiStandIn(token=TOKEN) as api:
        bot = await gated_bot(api, rate=30)
        api.fail_next("sendMessage", status=429, retry_after=1)
        began = time.monotonic()
        first = asyncio.create_task(deliver(bot, 501, Reply(text="Pertama")))
        await asyncio.sleep(0.2)  # the 429 has come back; this one must wait out the pause
        second = await deliver(bot, 502, Reply(text="Kedua"))
        assert (await first).ok and second.ok
        await bot.shutdown()

    assert [m.text for m in api.sent] == ["Pertama", "Kedua"]
    assert all(m.time - began >= 1.0 for m in api.sent)
    assert api.too_many_requests == 1


async def test_requests_without_a_chat_do_not_use_the_budget() -> None:
    """getMe and callback answers are not messages: they pass while the budget is spent."""
    async with BotApiStandIn(token=TOKEN) as api:
        bot = await gated_bot(api, rate=2)
        sends = [
            asyncio.create_task(deliver(bot, 700 + n, Reply(text=f"Pesan {n}"))) for n in range(4)
        ]
        await asyncio.sleep(0.2)  # two sent, two waiting for the window to pass
        began = time.monotonic()
        me = await bot.get_me()
        assert time.monotonic() - began < 0.5 and me.is_bot
        assert len(api.sent) == 2
        await asyncio.gather(*sends)
        await bot.shutdown()
    assert len(api.sent) == 4
