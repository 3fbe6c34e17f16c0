"""Telegram misbehaves while someone reports: the person still reads every reply once, and a
confirmed save is stored whatever happens to its receipt.

The real python-telegram-bot `Application` runs against the Bot API stand-in, which injects
the fault on the very sendMessage that carries (1) the first reply to a typed figure and
(2) the receipt of Simpan. 429 and 5xx answers are retried; a timed-out send is not, because
Telegram has most likely delivered it and resending would show it twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest
from telegram.ext import Application

from sicapai.bot.telegram import build_application
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.chat import Clock
from tests.support.data import check_whole, revisions
from tests.support.database import Database
from tests.support.telegram import TOKEN, User, stop_bot

READ_TIMEOUT = 1.0  # seconds the bot waits for Telegram's answer to a send
DELAY = 2.0  # how long the stand-in holds that answer back in the timeout case
USER = 801


async def start_bot_with_timeouts(app: Conversations, api: BotApiStandIn) -> Application:  # type: ignore[type-arg]
    """Like tests.bot.conftest.start_bot, but with a short read timeout so that a slow answer
    becomes a TimedOut within a second instead of python-telegram-bot's default five."""
    application = build_application(
        app,
        token=TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        reminders=False,
        read_timeout=READ_TIMEOUT,
        write_timeout=READ_TIMEOUT,
    )
    await application.initialize()
    await application.post_init(application)  # type: ignore[misc]
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


FAULTS: dict[str, Callable[[BotApiStandIn], None]] = {
    "429": lambda api: api.fail_next("sendMessage", status=429, retry_after=1),
    "500": lambda api: api.fail_next("sendMessage", status=500),
    "timeout": lambda api: api.delay_next("sendMessage", DELAY),
}


def sends_with(api: BotApiStandIn, fragment: str) -> list[int]:
    """HTTP statuses of every sendMessage call whose text contains `fragment`, failed included."""
    return [
        call.status
        for call in api.calls_to("sendMessage")
        if fragment in str(call.params.get("text") or "")
    ]


def gap_after(api: BotApiStandIn, fragment: str) -> float:
    """Seconds between the send carrying `fragment` and the bot's next sendMessage: about the
    read timeout when the bot gave up waiting, rather than the stand-in's longer delay."""
    sends = api.calls_to("sendMessage")
    index = next(i for i, c in enumerate(sends) if fragment in str(c.params.get("text") or ""))
    return sends[index + 1].time - sends[index].time


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_each_reply_arrives_once_and_the_confirmed_save_is_stored(
    fault: str, office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    app = Conversations(office.engine, files_dir=tmp_path / "bukti", clock=Clock())
    application = await start_bot_with_timeouts(app, standin)
    inject = FAULTS[fault]
    try:
        budi = User(standin, USER)
        await budi.register(app, "Kasi Penempatan Tenaga Kerja")
        await budi.say("/lapor", "Laporan kinerja TW IV 2025")
        await budi.tap("IK.19", "s.d. TW IV")
        inject(standin)  # hits "Realisasi 1.000 Orang, capaian ..." (the first of two replies)
        await budi.say("1.000", "faktor pendorong", wait=15)
        inject(standin)  # hits the receipt
        await budi.tap("Simpan", "Laporan tersimpan", wait=15)
        # the receipt carries the offer of the next indicator in the same message; the next
        # message the person asks for comes only once the bot is done with the receipt
        await budi.say("/bantuan", "Perintah SiCapai", wait=15)
    finally:
        await stop_bot(application)
        await app.close()

    shown = Counter(m.text for m in standin.messages_to(USER))
    assert all(n == 1 for n in shown.values()), f"shown more than once: {shown}"
    # the computed line after the figure (its criterion has a colour mark; the receipt's not)
    for fragment in ("Realisasi 1.000 Orang, capaian 100% (🟢", "Laporan tersimpan"):
        assert sum(fragment in (text or "") for text in shown) == 1, fragment
        statuses = sends_with(standin, fragment)
        if fault == "timeout":
            assert statuses == [200], f"a timed-out send must not be repeated: {statuses}"
            waited = gap_after(standin, fragment)
            assert READ_TIMEOUT * 0.9 <= waited < DELAY, f"the bot waited {waited:.2f}s"
        else:
            assert statuses == [int(fault), 200], f"{fragment}: {statuses}"

    (revision,) = revisions(office.engine, "IK.19")
    assert (revision.value, revision.number) == (D(1000), 1)
    assert check_whole(office.engine).problems == []
