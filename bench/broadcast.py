"""Benchmark: does a reminder broadcast to 1,000 people go out at Telegram's pace, and no faster?

Telegram lets a bot send about 30 messages a second; above that it answers 429 (Too Many
Requests), and a bot that keeps doing it gets throttled for longer. SiCapai's reminders go
through a `Pacer` (at most `rate` sends in any one-second window, spread evenly) and then
`reminder_sender` → `deliver` on the Application's bot, whose `SendGate` lets at most 30
messages through in any second and serves replies to people before reminders. The stand-in
here enforces a global 30 messages a second exactly as flood control does, answering 429 +
retry_after. Target: at least 27 messages a second (90% of the ceiling), no 429 answers.

Three ways in:

1. `sender`: the bare delivery path, as `tests/bot/test_broadcast.py` drives it: 1,000
   coroutines each wait for the pacer and send one reminder (text and button shaped like the
   real ones) through `reminder_sender(application.bot)`, the bot built by `build_application`.
   Pacer rates: 27 (the test's 90%), 28.5 (what `schedule_reminders` configures), 30.
2. `tick`: the real `ReminderService.tick()` on a database where 1,000 registered people each
   have one pending indicator on the morning reminders are due (9 January 2026, 08:30 WITA,
   three days before the TW IV 2025 deadline), with the pacer `schedule_reminders` builds.
   This adds planning (who is due), the claim before and the record after each send.
3. `tick + 25 reporting`: the same tick on the Application that is also polling, while 25 of
   those people go through /lapor (the `conversations` steps): their replies and the
   reminders share the send gate, so this shows what a broadcast does to conversations and
   the other way round.

Messages per second are measured by the stand-in: (sent − 1) / (last send − first send).

Run with `python -m bench broadcast [--quick] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bench.common import (
    TOKEN,
    CpuMeter,
    ReplyWatch,
    machine,
    markdown_table,
    ms,
    office_with_reporters,
    percentile,
    register_directly,
    temporary_database,
)
from bench.conversations import act, sicapai_steps, start, stop
from sicapai.bot.reminders import Pacer, ReminderService
from sicapai.bot.telegram import build_application, reminder_sender
from sicapai.handlers.port import Button, Identity, Reply
from sicapai.models.operations import ReminderLog
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn

CEILING = 30  # messages a second, enforced by the stand-in
TARGET = 27.0  # 90% of the ceiling
PRODUCTION_RATE = 28.5  # Pacer(rate=28.5) in sicapai.bot.telegram.schedule_reminders
SENDER_RATES = (27.0, 28.5, 30.0)
# 9 January 2026, 08:30 WITA: the "3 days before" reminder of TW IV 2025 is due for everyone
REMINDER_MORNING = datetime(2026, 1, 9, 0, 30, tzinfo=UTC)

SAMPLE_TEXT = (
    "🔔 <b>Pengingat laporan TW IV 2025</b>\n"
    "Batas waktu: Senin, 12 Januari 2026 pukul 23.59 WITA (3 hari lagi).\n"
    "Yang belum Anda laporkan:\n"
    "• IK.19.{n:04d} Jumlah Pencari Kerja Yang mendapatkan informasi\n"
    "Terima kasih atas perhatiannya."
)


@dataclass
class Result:
    mode: str
    backend: str
    rate: float
    people: int
    delivered: int = 0
    failed: int = 0
    rate_achieved: float = math.nan
    wall: float = math.nan  # from the start of delivery to the last send
    planning: float = math.nan  # tick only: working out who is due
    too_many: int = 0
    max_in_second: int = 0
    cpu: CpuMeter = field(default_factory=CpuMeter)
    logged: int | None = None
    deferred: int = 0  # tick: people in the middle of a flow, reminded on a later tick
    replies: tuple[float, float, int] | None = None  # p50, p95 and count of reply latencies


def achieved(api: BotApiStandIn, *, reminders_only: bool = False) -> float:
    """Reminders per second as the stand-in saw them arrive."""
    times = sorted(
        m.time for m in api.sent if not reminders_only or "Pengingat laporan" in (m.text or "")
    )
    if len(times) < 2 or times[-1] <= times[0]:
        return math.nan
    return (len(times) - 1) / (times[-1] - times[0])


async def production_bot(api: BotApiStandIn, engine: Any, files: Path) -> Any:
    """The Application `sicapai run` builds (send gate, HTML defaults), initialised only."""
    conversations = Conversations(engine, files_dir=files)
    application = build_application(
        conversations, token=TOKEN, base_url=api.base_url, reminders=False
    )
    await application.initialize()
    return application


async def run_sender(rate: float, people: int, engine: Any, files: Path) -> Result:
    result = Result("sender", "–", rate, people)
    async with BotApiStandIn(token=TOKEN, rate_limit_per_second=CEILING) as api:
        application = await production_bot(api, engine, files)
        send = reminder_sender(application.bot)
        pacer = Pacer(rate=rate)

        async def deliver(n: int) -> bool:
            await pacer.wait()
            chat = str(800_000 + n)
            reply = Reply(
                text=SAMPLE_TEXT.format(n=n + 1),
                buttons=[[Button("📝 Lapor sekarang", f"r:0:n:4:{26 + n}")]],
            )
            delivery = await send(Identity("telegram", chat, chat), reply)
            return delivery.ok

        result.cpu.start()
        began = time.monotonic()
        outcomes = await asyncio.gather(*(deliver(n) for n in range(people)))
        result.wall = time.monotonic() - began
        result.cpu.stop()
        await application.shutdown()
        result.delivered = sum(outcomes)
        result.failed = people - result.delivered
        result.rate_achieved = achieved(api)
        result.too_many = api.too_many_requests
        result.max_in_second = api.max_sends_in_any_second()
    return result


async def run_tick(backend: str, rate: float, people: int, *, reporting: int = 0) -> Result:
    """The real tick; with `reporting`, that many of the same people go through /lapor on the
    same bot while the broadcast runs (their replies share the limiter with the reminders)."""
    mode = f"tick + {reporting} reporting" if reporting else "tick"
    result = Result(mode, backend, rate, people)
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as files:
        reporters = await asyncio.to_thread(
            office_with_reporters, db.engine, people, now=REMINDER_MORNING
        )
        await asyncio.to_thread(register_directly, db.engine, reporters, now=REMINDER_MORNING)
        async with BotApiStandIn(token=TOKEN, rate_limit_per_second=CEILING) as api:
            watch = ReplyWatch(api)  # sees every send; used only by the people reporting
            conversations = Conversations(
                db.engine, files_dir=Path(files), clock=lambda: REMINDER_MORNING
            )
            application = build_application(
                conversations, token=TOKEN, base_url=api.base_url, reminders=False
            )
            if reporting:
                await start(application)
            else:
                await application.initialize()
            service = ReminderService(
                db.engine,
                {"telegram": reminder_sender(application.bot)},
                clock=lambda: REMINDER_MORNING,
                pacer=Pacer(rate=rate),
            )
            planned_in: list[float] = []
            plan: Callable[..., Any] = service._due

            def timed_plan(now: datetime) -> Any:
                began = time.monotonic()
                try:
                    return plan(now)
                finally:
                    planned_in.append(time.monotonic() - began)

            service._due = timed_plan  # type: ignore[method-assign]
            result.cpu.start()
            began = time.monotonic()
            first = watch.expect(reporters[0].user_id, "Pengingat laporan")
            tick = asyncio.create_task(service.tick())
            if reporting:
                await asyncio.wait_for(first, 120)  # the broadcast has begun
                crowd = reporters[-reporting:]  # reminded last, so mostly done by then
                outcomes = await asyncio.gather(
                    *(
                        act(api, watch, p.user_id, sicapai_steps(p.indicator_code), 600.0)
                        for p in crowd
                    )
                )
                waits = [latency for o in outcomes for _, latency in o.latencies]
                result.replies = (percentile(waits, 50), percentile(waits, 95), len(waits))
            report = await tick
            result.cpu.stop()
            result.planning = planned_in[0] if planned_in else math.nan
            result.wall = time.monotonic() - began - result.planning
            if reporting:
                await stop(application)
            else:
                await application.shutdown()
            result.delivered, result.failed = report.sent, report.failed
            result.deferred = report.deferred
            result.rate_achieved = achieved(api, reminders_only=True)
            result.too_many = api.too_many_requests
            result.max_in_second = api.max_sends_in_any_second()
        with Session(db.engine) as session:
            result.logged = session.exec(
                select(func.count())
                .select_from(ReminderLog)
                .where(col(ReminderLog.status) == "terkirim")
            ).one()
    return result


def table(results: list[Result]) -> str:
    rows = []
    for r in results:
        rows.append(
            [
                r.mode,
                r.backend,
                f"{r.rate:g}",
                str(r.people),
                f"{r.delivered}"
                + (f" ({r.failed} failed)" if r.failed else "")
                + (f" ({r.deferred} deferred)" if r.deferred else ""),
                "–" if math.isnan(r.planning) else f"{r.planning:.1f} s",
                f"{r.wall:.1f} s",
                f"**{r.rate_achieved:.2f}**",
                str(r.too_many),
                str(r.max_in_second),
                r.cpu.describe(),
            ]
        )
    return markdown_table(
        [
            "path",
            "database",
            "pacer rate",
            "reminders",
            "delivered",
            "planning",
            "delivery wall",
            "messages/s",
            "429 answers",
            "max sends in any 1 s",
            "CPU: loop / threads / machine",
        ],
        rows,
        "llrrrrrrrrr",
    )


def verdicts(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        rate_ok = r.rate_achieved >= TARGET
        lines.append(
            f"- {r.mode}, {r.backend}, pacer {r.rate:g}/s: {r.rate_achieved:.2f} messages/s "
            f"({'meets' if rate_ok else 'misses'} ≥ {TARGET:g}), {r.too_many} × 429 "
            f"({'meets' if r.too_many == 0 else 'misses'} 0), at most {r.max_in_second} in "
            f"any second"
            + (f"; {r.logged} reminders logged as sent" if r.logged is not None else "")
        )
        if r.replies is not None:
            p50, p95, count = r.replies
            lines.append(
                f"  - meanwhile, /lapor replies to the people reporting: p50 {ms(p50)} ms, "
                f"p95 {ms(p95)} ms over {count} updates (compare the `conversations` "
                "benchmark's N = 25 rows, where no broadcast runs)"
            )
    return lines


async def run_all(
    people: int,
    rates: tuple[float, ...],
    backends: list[str],
    tick_rates: tuple[float, ...],
    reporting: int,
) -> list[Result]:
    results = []
    with temporary_database("sqlite") as db, tempfile.TemporaryDirectory() as files:
        for rate in rates:
            print(f"… sender, pacer {rate:g}/s, {people} reminders", file=sys.stderr, flush=True)
            results.append(await run_sender(rate, people, db.engine, Path(files)))
    for backend in backends:
        for rate in tick_rates:
            print(f"… tick, {backend}, pacer {rate:g}/s", file=sys.stderr, flush=True)
            results.append(await run_tick(backend, rate, people))
    if reporting:
        backend = backends[0]
        print(f"… tick while {reporting} people report, {backend}", file=sys.stderr, flush=True)
        results.append(await run_tick(backend, PRODUCTION_RATE, people, reporting=reporting))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench broadcast",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="200 reminders, fewer variants")
    parser.add_argument("--people", type=int, help="reminders to send (default 1000)")
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    people = args.people or (200 if args.quick else 1000)
    rates = (PRODUCTION_RATE, TARGET) if args.quick else SENDER_RATES
    backends = ["sqlite"] if args.quick else args.backends
    tick_rates = (PRODUCTION_RATE,)
    logging.basicConfig(level=logging.WARNING)
    host = machine()
    reporting = 0 if args.quick else 25
    results = asyncio.run(run_all(people, rates, backends, tick_rates, reporting))
    text = "\n".join([f"Machine: {host}", "", table(results), "", *verdicts(results)])
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
