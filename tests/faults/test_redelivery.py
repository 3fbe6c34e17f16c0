"""Telegram delivers an update again when the bot died before acknowledging it; a typed
figure must still count once.

`sicapai run` is a real process, killed with SIGKILL after it handled the update; the Bot API
stand-in then gives the same update again under its original `update_id`, as Telegram does.
Two cases: the bot had sent its reply (the repeat does nothing at all), and the bot died before
its reply went out (the repeat sends the step's question again, and still changes nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from sicapai.models.inbox import InboundUpdate
from tests.botapi import BotApiStandIn
from tests.support.data import dialog_state, invite_code, person_id_of, revisions
from tests.support.database import Database
from tests.support.process import BotProcess
from tests.support.telegram import TOKEN, User

USER = 7301
STARTUP = 60.0


async def until(condition: Callable[[], bool], wait: float = 30) -> None:
    """Poll what another process did (the bot runs elsewhere; there is nothing to await)."""
    async with asyncio.timeout(wait):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


def replied(office: Database, update_id: int) -> bool:
    with Session(office.engine) as session:
        row = session.exec(
            select(InboundUpdate).where(InboundUpdate.external_id == str(update_id))
        ).first()
        return row is not None and row.replied_at is not None


def questions(api: BotApiStandIn, since: int, words: str) -> int:
    return sum(words in (m.text or "") for m in api.sent[since:] if m.chat_id == USER)


async def test_a_redelivered_typed_figure_is_handled_once(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    code = invite_code(office.engine, "Kasi Penempatan Tenaga Kerja")
    runs = 0

    def process() -> BotProcess:
        nonlocal runs
        runs += 1
        return BotProcess.against(
            standin,
            database_url=office.url,
            token=TOKEN,
            workdir=tmp_path,
            name=f"run{runs}",
            lean=True,  # redelivery is the subject, not the worker processes
        )

    kasi = User(standin, USER)
    bot = process()
    await bot.start()
    try:
        await kasi.say(f"/start {code}", "Selamat datang", STARTUP)
        await kasi.say("/lapor", "Laporan kinerja TW IV 2025")
        await kasi.tap("IK.18", "s.d. TW IV?")
        # 1. handled and answered, then killed before getUpdates acknowledged it
        numerator = standin.user_message(USER, "1700")
        await standin.wait_for(
            lambda m: m.chat_id == USER and "Total Pelayanan Antar Kerja" in (m.text or ""), 20
        )
        await until(lambda: replied(office, numerator["update_id"]))
        await bot.kill()
        standin.redeliver(numerator["update_id"])
        restart = len(standin.sent)
        bot = process()
        await bot.start()
        await until(lambda: not standin.pending_updates, STARTUP)  # it came again and was taken
        await kasi.say("1762", "kendala", STARTUP)
        assert questions(standin, restart, "Realisasi 100%") == 0
        assert questions(standin, restart, "Total Pelayanan Antar Kerja") == 0  # no second reply
        await kasi.say("Petugas terbatas", "upaya perbaikan")

        # 2. handled, but the bot died before its reply went out
        standin.fail_next("sendMessage", status=500, times=50)
        calls = len(standin.calls)
        answer = standin.user_message(USER, "Menambah petugas layanan")
        await until(
            lambda: any(
                c.method == "sendMessage" and c.status == 500 for c in standin.calls[calls:]
            )
        )
        person = person_id_of(office.engine, USER)
        assert person is not None
        state = dialog_state(office.engine, person)
        assert state is not None and state.step == "pratinjau"  # the turn had committed
        await bot.kill()
        standin.clear_faults()
        standin.redeliver(answer["update_id"])
        restart = len(standin.sent)
        bot = process()
        await bot.start()
        # the repeat asks the current step's question again, and changes nothing
        await standin.wait_for(
            lambda m: m.chat_id == USER and "faktor pendorong" in (m.text or ""),
            STARTUP,
            since=restart,
        )
        again = dialog_state(office.engine, person)
        assert again is not None and again.step == "pratinjau"
        assert again.data.get("upaya") == "Menambah petugas layanan"
        await kasi.tap("Simpan", "Laporan tersimpan")
    except BaseException:
        print(bot.output()[-4000:])
        raise
    finally:
        await bot.terminate()
    (revision,) = revisions(office.engine, "IK.18")
    assert (revision.numerator, revision.denominator) == (Decimal(1700), Decimal(1762))
    assert revision.kendala == "Petugas terbatas"
    assert revision.upaya_perbaikan == "Menambah petugas layanan"
    assert revision.faktor_pendorong is None
