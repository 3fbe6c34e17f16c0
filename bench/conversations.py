"""Benchmark: how many people can report at once, and how long each of them waits per reply?

The conversations are the product, so this drives the real python-telegram-bot Application
(built by `build_application`, exactly as `sicapai run` builds it) over HTTP on 127.0.0.1
against the Bot API stand-in. N registered people all start /lapor at the same moment and each
completes it as fast as the bot answers (a closed loop, no think time):

    /lapor → press their indicator → type "1.000" → Lewati → Lewati → Simpan

which is 6 updates per person and, from SiCapai, 9 messages and 4 callback answers. Each
person owns one count indicator (a copy of IK.19, target 1.000) in a position of their own,
so "1.000" gives capaian 100% and no warning step appears.

Latency is measured from the moment the update is queued at the stand-in to the moment the
stand-in records the reply the person waits for (the last message of the turn; for the echo
bot's buttons, the callback answer). Throughput is all updates over the span from the first
queued update to the last reply. Registration (/start with an invite code) happens before the
clock starts, and one extra person completes /lapor once beforehand to warm the code paths up.

Rows:

- `sicapai`: the Application as shipped (AIORateLimiter: at most 30 requests with a chat_id
  per second, as Telegram asks of a bot);
- `sicapai, limiter off`: the same with the limiter's ceilings set to 0, to show what the
  conversations themselves cost (a diagnostic, not a deployable setting);
- `echo`: the baseline, a bare PTB echo bot on the same stand-in with the same concurrency
  (MessageHandler replying with the text and a button, CallbackQueryHandler answering), the
  same N and the same number of updates;
- `echo + limiter`: the echo bot behind the same AIORateLimiter, for a like-for-like ceiling.

Run with `python -m bench conversations [--quick] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import math
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bench.common import (
    NOW,
    TOKEN,
    CpuMeter,
    ReplyWatch,
    Reporter,
    machine,
    markdown_table,
    ms,
    office_with_reporters,
    percentile,
    temporary_database,
)
from sicapai.bot.telegram import build_application
from sicapai.handlers.engine import Conversations
from sicapai.models.performance import Revision
from tests.botapi import BotApiStandIn

ECHO_CONCURRENCY = 64  # what PerPersonUpdateProcessor allows SiCapai
P95_TARGET_S = 0.250
RATIO_TARGET = 0.5
DATABASE_DOWN = "sedang ada gangguan"
STALE = "sudah tidak berlaku"
MAX_RETRIES = 5

SICAPAI = "sicapai"
SICAPAI_OPEN = "sicapai, limiter off"
ECHO = "echo"
ECHO_LIMITED = "echo + limiter"
VARIANTS = (ECHO, ECHO_LIMITED, SICAPAI, SICAPAI_OPEN)


@dataclass(frozen=True)
class Step:
    name: str
    text: str | None = None  # type this, or
    press: str | None = None  # press the button whose label contains this
    expect: tuple[str, ...] = ()  # the reply the person waits for contains one of these
    answer: bool = False  # wait for the callback answer instead of a message


def sicapai_steps(code: str) -> tuple[Step, ...]:
    return (
        Step("/lapor", text="/lapor", expect=("Laporan kinerja",)),
        Step("indicator", press=code, expect=("Berapa realisasi",)),
        Step("1.000", text="1.000", expect=("faktor pendorong",)),
        Step("Lewati", press="Lewati", expect=("bukti dukung",)),
        Step("Lewati (bukti)", press="Lewati", expect=("Pratinjau",)),
        Step("Simpan", press="Simpan", expect=("sudah dilaporkan",)),
    )


ECHO_STEPS = (
    Step("/lapor", text="/lapor", expect=("/lapor",)),
    Step("indicator", press="Lewati", answer=True),
    Step("1.000", text="1.000", expect=("1.000",)),
    Step("Lewati", press="Lewati", answer=True),
    Step("Lewati (bukti)", press="Lewati", answer=True),
    Step("Simpan", press="Lewati", answer=True),
)


@dataclass
class PersonResult:
    latencies: list[tuple[str, float]] = field(default_factory=list)
    errors: int = 0
    finished: bool = False
    last_reply_at: float = math.nan
    problem: str | None = None


@dataclass
class Run:
    bot: str
    backend: str
    people: int
    updates: int = 0
    wall: float = math.nan
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=dict)
    sends: int = 0
    errors: int = 0
    unfinished: int = 0
    saved: int | None = None
    register_s: float = math.nan
    cpu: CpuMeter = field(default_factory=CpuMeter)
    problems: list[str] = field(default_factory=list)
    profile: list[tuple[str, float]] = field(default_factory=list)
    statements: dict[str, int] = field(default_factory=dict)  # SQL per step, person alone

    @property
    def throughput(self) -> float:
        return self.updates / self.wall if self.wall > 0 else math.nan

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


# --------------------------------------------------------------------------- people


async def act(
    api: Any,
    watch: ReplyWatch,
    user_id: int,
    steps: tuple[Step, ...],
    patience: float,
    on_step: Callable[[str], None] | None = None,
) -> PersonResult:
    """One person going through the steps, each as soon as the previous reply arrived;
    `on_step(name)` is called as each step begins and once more ("") at the end."""
    result = PersonResult()
    last: Any = None  # the message the previous step's reply was
    for step in steps:
        if on_step is not None:
            on_step(step.name)
        for _attempt in range(MAX_RETRIES + 1):
            waiting = watch.expect(user_id, *step.expect, DATABASE_DOWN, STALE, answer=step.answer)
            if step.text is not None:
                api.user_message(user_id, step.text, first_name=f"Uji {user_id}")
            else:
                assert last is not None and step.press is not None
                update = api.press_button(user_id, last.message_id, last.button(step.press))
                watch.pressed(update, user_id)
            queued = time.monotonic()
            try:
                seen = await asyncio.wait_for(waiting, patience)
            except TimeoutError:
                watch.forget(user_id)
                result.problem = f"no reply to {step.name!r} within {patience:.0f} s"
                return result
            if seen.needle == STALE:
                result.problem = f"stale menu at {step.name!r}"
                return result
            if seen.needle == DATABASE_DOWN:  # the turn was rolled back: send it again
                result.errors += 1
                await asyncio.sleep(0.2)
                continue
            result.latencies.append((step.name, seen.at - queued))
            result.last_reply_at = seen.at
            if seen.message is not None:
                last = seen.message
            break
        else:
            result.problem = f"{MAX_RETRIES} database errors in a row at {step.name!r}"
            return result
    result.finished = True
    if on_step is not None:
        on_step("")
    return result


async def register(api: Any, watch: ReplyWatch, people: list[Reporter], patience: float) -> float:
    """Everyone sends /start <code> at once; seconds until the last welcome."""
    began = time.monotonic()

    async def one(person: Reporter) -> None:
        waiting = watch.expect(person.user_id, "Selamat datang")
        name = f"Uji {person.user_id}"
        api.user_message(person.user_id, f"/start {person.invite}", first_name=name)
        await asyncio.wait_for(waiting, patience)

    await asyncio.gather(*(one(p) for p in people))
    return time.monotonic() - began


# Where the event loop's CPU goes, by the file a function lives in (see --profile).
CATEGORIES = (
    ("stand-in (tests/botapi)", ("/tests/botapi/",)),
    ("aiohttp server (stand-in)", ("/aiohttp/", "/multidict/", "/yarl/")),
    ("python-telegram-bot", ("/telegram/",)),
    ("httpx / httpcore (bot's HTTP client)", ("/httpx/", "/httpcore/", "/h11/", "/anyio/")),
    ("asyncio, selectors, sockets", ("/asyncio/", "selectors.py", "socket.py", "ssl.py")),
    ("json, copy", ("/json/", "copy.py")),
    ("sicapai (on the loop)", ("/sicapai/",)),
    ("aiolimiter", ("/aiolimiter/",)),
    ("benchmark people", ("/bench/",)),
)


def profile_shares(profile: cProfile.Profile) -> list[tuple[str, float]]:
    """Own time per category, as shares of the loop thread's profiled time."""
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        if filename == "~" and "poll" in name and "epoll" in name:
            continue  # the loop waiting for sockets: idle, not work
        label = "other"
        if filename == "~":
            label = "other built-ins (C code called from anywhere)"
            if "_socket.socket" in name or "select.epoll" in name or "select.poll" in name:
                # a socket call gives up the GIL; its time includes getting it back from the
                # worker threads that run the conversation turns
                label = "socket calls (incl. waiting to get the GIL back)"
        for name, needles in CATEGORIES:
            if any(needle in filename for needle in needles):
                label = name
                break
        totals[label] = totals.get(label, 0.0) + own
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


async def crowd(
    api: Any,
    watch: ReplyWatch,
    run: Run,
    plans: list[tuple[int, tuple[Step, ...]]],
    patience: float,
    profile: bool = False,
) -> None:
    """All people at once; fills the run's latencies, throughput and CPU."""
    since = len(api.sent)
    profiler = cProfile.Profile() if profile else None
    run.cpu.start()
    began = time.monotonic()
    if profiler is not None:
        profiler.enable()
    results = await asyncio.gather(*(act(api, watch, uid, steps, patience) for uid, steps in plans))
    if profiler is not None:
        profiler.disable()
        run.profile = profile_shares(profiler)
    run.cpu.stop()
    ends = [r.last_reply_at for r in results if not math.isnan(r.last_reply_at)]
    run.wall = (max(ends) if ends else time.monotonic()) - began
    for result in results:
        run.errors += result.errors
        if not result.finished:
            run.unfinished += 1
            if result.problem and len(run.problems) < 3:
                run.problems.append(result.problem)
        for step, latency in result.latencies:
            run.latencies.append(latency)
            run.by_step.setdefault(step, []).append(latency)
    run.updates = len(run.latencies) + run.errors
    run.sends = len(api.sent) - since


@contextmanager
def statements_per_step(
    engine: Engine,
) -> Iterator[tuple[dict[str, int], Callable[[str], None]]]:
    """SQL statements sent to the database during each step of one person acting alone."""
    counts: dict[str, int] = {}
    current = [""]

    def count(*_args: Any) -> None:
        if current[0]:
            counts[current[0]] = counts.get(current[0], 0) + 1

    def mark(step: str) -> None:
        current[0] = step

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts, mark
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --------------------------------------------------------------------------- the bots


async def start(application: Application) -> None:  # type: ignore[type-arg]
    """As `sicapai run` does, minus signal handling: init, post_init, start, poll."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=["message", "callback_query"]
    )


async def stop(application: Application) -> None:  # type: ignore[type-arg]
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


def echo_application(api: BotApiStandIn, *, limited: bool) -> Application:  # type: ignore[type-arg]
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Lewati", callback_data="lewat")]])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "", reply_markup=keyboard)

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()

    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(ECHO_CONCURRENCY)
    )
    if limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(answer))
    return application


async def run_echo(people: int, *, limited: bool, patience: float, profile: bool = False) -> Run:
    run = Run(ECHO_LIMITED if limited else ECHO, "–", people)
    async with BotApiStandIn(token=TOKEN) as api:
        watch = ReplyWatch(api)
        application = echo_application(api, limited=limited)
        await start(application)
        try:
            await act(api, watch, 1, ECHO_STEPS, patience)  # warm-up
            plans = [(1000 + i, ECHO_STEPS) for i in range(people)]
            await crowd(api, watch, run, plans, patience, profile)
        finally:
            await stop(application)
    return run


async def run_sicapai(
    backend: str, people: int, *, limited: bool, patience: float, profile: bool = False
) -> Run:
    run = Run(SICAPAI if limited else SICAPAI_OPEN, backend, people)
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as files:
        reporters = await asyncio.to_thread(office_with_reporters, db.engine, people + 1)
        conversations = Conversations(db.engine, files_dir=Path(files), clock=lambda: NOW)
        async with BotApiStandIn(token=TOKEN) as api:
            watch = ReplyWatch(api)
            application = build_application(
                conversations, token=TOKEN, base_url=api.base_url, reminders=False
            )
            if not limited:
                # diagnostic only: the same limiter class with its ceilings switched off
                application.bot._rate_limiter = AIORateLimiter(  # type: ignore[attr-defined]
                    overall_max_rate=0, group_max_rate=0, max_retries=3
                )
            await start(application)
            try:
                run.register_s = await register(api, watch, reporters, patience)
                warm = reporters[0]
                with statements_per_step(db.engine) as (counts, mark):
                    steps = sicapai_steps(warm.indicator_code)
                    await act(api, watch, warm.user_id, steps, patience, mark)
                run.statements = dict(counts)
                plans = [(r.user_id, sicapai_steps(r.indicator_code)) for r in reporters[1:]]
                await crowd(api, watch, run, plans, patience, profile)
            finally:
                await stop(application)
                await conversations.close()
        with Session(db.engine) as session:
            run.saved = session.exec(select(func.count()).select_from(Revision)).one() - 1
    return run


# --------------------------------------------------------------------------- the report


def results_table(runs: list[Run]) -> str:
    rows = []
    for r in runs:
        rows.append(
            [
                r.bot,
                r.backend,
                str(r.people),
                str(r.updates),
                f"{r.wall:.1f} s",
                f"{r.throughput:.1f}",
                ms(r.p(50)),
                ms(r.p(95)),
                ms(r.p(99)),
                f"{r.sends / r.wall:.1f}" if r.wall > 0 else "–",
                f"{r.errors}/{r.unfinished}",
                r.cpu.describe(),
            ]
        )
    return markdown_table(
        [
            "bot",
            "database",
            "people",
            "updates",
            "wall",
            "updates/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "sends/s",
            "DB errors / unfinished",
            "CPU: loop / turns / machine",
        ],
        rows,
        "llrrrrrrrrrr",
    )


def steps_table(run: Run) -> str:
    rows = [
        [step, ms(statistics.median(values)), ms(percentile(values, 95)), ms(max(values))]
        for step, values in run.by_step.items()
    ]
    return markdown_table(["step", "p50 ms", "p95 ms", "max ms"], rows)


def verdicts(runs: list[Run]) -> list[str]:
    lines = []
    echo = {r.people: r for r in runs if r.bot == ECHO}
    echo_limited = {r.people: r for r in runs if r.bot == ECHO_LIMITED}
    for r in runs:
        if r.bot not in (SICAPAI, SICAPAI_OPEN) or r.people not in echo:
            continue
        ratio = r.throughput / echo[r.people].throughput
        verdict = "meets" if ratio >= RATIO_TARGET else "misses"
        line = (
            f"- {r.bot}, {r.backend}, N = {r.people}: {r.throughput:.1f} / "
            f"{echo[r.people].throughput:.1f} updates/s = **{ratio:.2f}** of the echo bot "
            f"({verdict} the ≥ {RATIO_TARGET} target)"
        )
        if r.bot == SICAPAI and r.people in echo_limited:
            like = r.throughput / echo_limited[r.people].throughput
            line += f"; {like:.2f} of the echo bot behind the same limiter"
        lines.append(line)
    for r in runs:
        if r.bot in (SICAPAI, SICAPAI_OPEN) and r.people == 250:
            verdict = "yes" if r.p(95) < P95_TARGET_S else "no"
            lines.append(
                f"- p95 < {P95_TARGET_S * 1000:.0f} ms at N = 250, {r.bot}, {r.backend}: "
                f"**{verdict}** ({ms(r.p(95))} ms)"
            )
    for r in runs:
        if r.saved is not None and r.saved != r.people:
            lines.append(f"- {r.bot}, {r.backend}, N = {r.people}: {r.saved} reports saved!")
        if r.problems:
            lines.append(f"- {r.bot}, {r.backend}, N = {r.people}: {'; '.join(r.problems)}")
    registrations = [r for r in runs if not math.isnan(r.register_s)]
    if registrations:
        lines.append(
            "- registration before the clock (everyone's /start at once): "
            + ", ".join(
                f"{r.bot} {r.backend} N = {r.people} {r.register_s:.1f} s" for r in registrations
            )
        )
    return lines


async def run_all(
    people: list[int],
    backends: list[str],
    big: int | None,
    variants: list[str],
    patience: float,
    profile: bool = False,
) -> list[Run]:
    runs: list[Run] = []
    plan: list[tuple[int, list[str]]] = [(n, backends) for n in people]
    if big and "postgresql" in backends:
        plan.append((big, ["postgresql"]))
    for n, dbs in plan:
        for variant in variants:
            if variant in (ECHO, ECHO_LIMITED):
                print(f"… {variant}, N = {n}", file=sys.stderr, flush=True)
                runs.append(
                    await run_echo(
                        n, limited=variant == ECHO_LIMITED, patience=patience, profile=profile
                    )
                )
                continue
            for backend in dbs:
                print(f"… {variant}, {backend}, N = {n}", file=sys.stderr, flush=True)
                runs.append(
                    await run_sicapai(
                        backend, n, limited=variant == SICAPAI, patience=patience, profile=profile
                    )
                )
    return runs


def report(runs: list[Run], host: str) -> str:
    parts = [f"Machine: {host}", "", results_table(runs), ""]
    parts += verdicts(runs)
    detailed = [r for r in runs if r.bot in (SICAPAI, SICAPAI_OPEN) and r.backend == "postgresql"]
    for r in detailed:
        if r.people == max(x.people for x in detailed if x.bot == r.bot):
            parts += ["", f"Per step, {r.bot}, {r.backend}, N = {r.people}:", "", steps_table(r)]
    counted = {r.backend: r for r in runs if r.statements}
    if counted:
        steps = list(next(iter(counted.values())).statements)
        parts += ["", "SQL statements per step (the warm-up person, alone):", ""]
        rows = [
            [step, *[str(r.statements.get(step, 0)) for r in counted.values()]] for step in steps
        ]
        rows.append(["whole report", *[str(sum(r.statements.values())) for r in counted.values()]])
        parts.append(markdown_table(["step", *counted], rows))
    profiled = [r for r in runs if r.profile]
    if profiled:
        parts += ["", "Where the event-loop thread's time goes (cProfile own time, --profile):", ""]
        labels = sorted({k for r in profiled for k, _ in r.profile})
        header = ["", *[f"{r.bot}, {r.backend}, N = {r.people}" for r in profiled]]
        rows = [
            [label, *[f"{dict(r.profile).get(label, 0.0):.0%}" for r in profiled]]
            for label in labels
        ]
        parts.append(markdown_table(header, rows))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench conversations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="N = 25 only (under a minute)")
    parser.add_argument("--people", type=int, nargs="+", help="N values (default 25 250)")
    parser.add_argument("--big", type=int, help="one more N on PostgreSQL only (default 1000)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--patience", type=float, default=600.0, help="seconds to wait per reply")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the event-loop thread and say where its time goes (slows every run)",
    )
    args = parser.parse_args(argv)
    people = args.people or ([25] if args.quick else [25, 250])
    big = args.big if args.big is not None else (None if args.quick else 1000)
    logging.basicConfig(level=logging.WARNING)
    host = machine()
    runs = asyncio.run(
        run_all(people, args.backends, big or None, args.variants, args.patience, args.profile)
    )
    text = report(runs, host)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
