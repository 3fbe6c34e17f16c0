"""Conversation turns in worker processes, as `sicapai run` runs them: the same conversation
over Telegram, a worker that dies, and workers that outlive a killed bot."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.chat import Clock
from tests.support.data import revisions
from tests.support.database import Database
from tests.support.process import BotProcess
from tests.support.telegram import TOKEN, User, start_bot, stop_bot

DATABASE_DOWN = "sedang ada gangguan"


@pytest.fixture
async def workers_bot(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> AsyncIterator[Conversations]:
    app = Conversations(
        office.engine, files_dir=tmp_path / "bukti", clock=Clock(), turn_processes=2
    )
    application = await start_bot(app, standin)  # post_init spawns and warms the workers
    try:
        yield app
    finally:
        await stop_bot(application)
        await app.close()


async def test_a_report_over_telegram_runs_its_turns_in_the_workers(
    workers_bot: Conversations, standin: BotApiStandIn
) -> None:
    assert workers_bot.workers is not None, "fell back to threads"
    pids = workers_bot.workers.pids()
    assert len(pids) == 2 and os.getpid() not in pids
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    budi = User(standin, 601)
    await budi.register(workers_bot, "Kasi Penempatan Tenaga Kerja")
    event.listen(workers_bot.engine, "before_cursor_execute", count)
    try:
        receipt = await budi.report_ik18_with_evidence()
    finally:
        event.remove(workers_bot.engine, "before_cursor_execute", count)
    assert "Revisi ke-1" in (receipt.text or "")
    (revision,) = revisions(workers_bot.engine, "IK.18")
    assert (revision.numerator, revision.denominator) == (D(100), D(100))
    # the bot's own process only asked which file the step takes; the turns ran elsewhere
    asked = [s.split("FROM", 1)[1].split()[0] for s in statements if s.startswith("SELECT")]
    assert asked == ["chat_identity", "dialog_state"], statements


async def test_a_killed_worker_is_replaced_and_the_person_goes_on_where_they_were(
    workers_bot: Conversations, standin: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    assert workers_bot.workers is not None
    budi = User(standin, 602)
    await budi.register(workers_bot, "Kasi Penempatan Tenaga Kerja")
    await budi.say("/lapor", "Laporan kinerja TW IV 2025")
    await budi.tap("IK.18", "s.d. TW IV?")
    for pid in workers_bot.workers.pids():
        os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(0.5)
    # a worker that died between turns is replaced before the next turn is handed over; one
    # that is found dead only while the turn is on its way is answered "sedang ada gangguan"
    reply = await budi.say("100", "", wait=30)
    if DATABASE_DOWN in (reply.text or ""):
        reply = await budi.say("100", "", wait=30)
    assert "Total Pelayanan Antar Kerja" in (reply.text or "")
    await budi.say("100", "faktor pendorong")
    await budi.tap("Simpan", "Laporan tersimpan")
    assert len(revisions(workers_bot.engine, "IK.18")) == 1
    assert "a turn worker" in caplog.text and "starting a new one" in caplog.text


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its reaping is left


async def test_workers_exit_when_the_bot_is_killed_alone(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    bot = BotProcess.against(
        standin, database_url=office.url, token=TOKEN, workdir=tmp_path, name="bot"
    )
    await bot.start()
    try:
        workers: set[int] = set()

        def spawned() -> bool:  # 2 turn and 2 chart workers (and multiprocessing's tracker)
            workers.update(_children(bot.pid))
            return len(workers) >= 4

        assert await _within(60, spawned), bot.output()
        os.kill(bot.pid, signal.SIGKILL)  # only the bot, as the out-of-memory killer does
        await bot.wait()
        assert await _within(15, lambda: not any(_alive(pid) for pid in workers))
    finally:
        await bot.kill()


async def _within(seconds: float, condition: Callable[[], bool]) -> bool:
    for _ in range(int(seconds / 0.2)):
        if condition():
            return True
        await asyncio.sleep(0.2)
    return condition()
