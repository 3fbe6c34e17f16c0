"""Reminder delivery at Telegram's pace, against a stand-in that enforces the ceiling."""

from __future__ import annotations

import asyncio

from telegram import Bot

from sicapai.bot.reminders import Pacer
from sicapai.bot.telegram import reminder_sender
from sicapai.handlers.port import Identity, Reply
from tests.botapi import BotApiStandIn
from tests.support.telegram import TOKEN

PEOPLE = 200
CEILING = 30  # messages per second, as Telegram allows a bot overall


async def test_broadcast_never_exceeds_the_ceiling_and_reaches_everyone() -> None:
    async with BotApiStandIn(token=TOKEN, rate_limit_per_second=CEILING) as api:
        bot = Bot(TOKEN, base_url=api.base_url)
        await bot.initialize()
        send = reminder_sender(bot)
        pacer = Pacer(rate=CEILING * 0.9)  # a margin for network jitter between us and them

        async def deliver(n: int) -> bool:
            await pacer.wait()
            identity = Identity("telegram", str(10_000 + n), str(10_000 + n))
            result = await send(identity, Reply(text=f"🔔 Pengingat nomor {n}"))
            return result.ok

        results = await asyncio.gather(*(deliver(n) for n in range(PEOPLE)))
        await bot.shutdown()
        assert all(results)
        assert len(api.sent) == PEOPLE
        assert api.too_many_requests == 0
        assert api.max_sends_in_any_second() <= CEILING


async def test_blocked_chat_is_reported_as_blocked() -> None:
    async with BotApiStandIn(token=TOKEN) as api:
        bot = Bot(TOKEN, base_url=api.base_url)
        await bot.initialize()
        api.block_user(4242)
        result = await reminder_sender(bot)(Identity("telegram", "4242", "4242"), Reply(text="x"))
        await bot.shutdown()
    assert not result.ok and result.blocked
