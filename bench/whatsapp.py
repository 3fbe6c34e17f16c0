"""Benchmark: SiCapai on WhatsApp (issue 16) — replies, the pair rate, and a template broadcast.

The real WhatsApp channel (`WhatsAppChannel`, its aiohttp web server, its httpx client, its send
budget) runs in this process, on one event loop with the Cloud API stand-in (`tests/waapi/`),
wired as `tests/support/whatsapp.py`'s `WhatsAppBot` wires it: Meta's side POSTs signed webhooks
to the bot's `/webhook/whatsapp` over 127.0.0.1, answers the bot's sends, and posts the sent,
delivered and read statuses of every accepted message back to the webhook, as Meta does. The
stand-in refuses above Meta's 80 messages a second, inbound included (130429). Turns run in the
turn worker processes (`SICAPAI_TURN_WORKERS`' default, as `sicapai run`), on a fresh SQLite
file or PostgreSQL database per row. Three parts, in one run:

1. **Replies, pair rate off** (N = 250). Every person registers over WhatsApp with `/start
   <invite>` (before the clock), then completes the report of the `conversations` benchmark:

       /lapor → pick their IK.19 copy → "1.000" → Simpan

   Under a burst (everyone at once, each reply answered the instant it arrives) on every
   database; `--diagnostics` adds the paced load on the first (4 starts a second, 3–8 s of
   thinking before each later step, as `conversations --paced`). The stand-in's pair-rate
   bucket is off and so is the channel's (`pair_interval=0`); the channel's number budget is
   as shipped (76 a second).
   Latency: from the moment a person's webhook POST starts to the moment the stand-in accepts
   the reply that person waits for. Also: how long Meta waits for the webhook's 200, updates a
   second, every refusal by code, and where an update's time goes. One extra person reports
   alone first, to warm the code paths. `--diagnostics` also adds the burst without status
   webhooks (Meta's sent, delivered and read reports).
2. **The pair rate on** (N = 25): the stand-in enforces Meta's pair rate (3 at once, then one
   every 6 s: 131056) and the channel paces as shipped (`pair_burst=3`, `pair_interval=6.0`,
   i.e. 6.6 s with its margin). People are registered directly in the database (registration
   is not the subject, and its welcome would spend one of the three quick messages). Burst (no
   think time: the worst case; `--diagnostics` adds the paced load). Per report: the messages
   sent to the person, against Telegram's for the same people and steps (`build_application`
   on the Bot API stand-in, its calls counted by method), and the seconds the person's replies
   waited in the channel's budget. Target: no 131056.
3. **A broadcast of template reminders** (1,000): registered WhatsApp people whose window
   closed two days ago, all due the 7-days-before reminder of TW III 2025 on 3 October 2025 at
   08:05 WITA, sent by the real `ReminderService.tick()` with the WhatsApp sender registered and
   paced by the channel (`pace("whatsapp", None)`), the messaging tier unlimited on both sides,
   the stand-in in a process of its own (`bench/standin_process.py`: Meta's work of accepting
   each send and posting its three status webhooks is not charged to SiCapai's process).
   Messages a second as the stand-in accepted them, 130429 refusals, planning and delivery
   time, and where one reminder's time goes (each `asyncio.to_thread` call's wall time against
   its own time in the thread, the HTTP send, the budget's wait). Target: at least 72 a second
   (90% of 80), no 130429. `--diagnostics` adds the broadcast without status webhooks.

Run with `python -m bench whatsapp [--quick] [--diagnostics] [--out FILE.json]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import math
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

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
    postgres_version,
    temporary_database,
)
from bench.conversations import (
    TURN_WORKERS,
    Pacing,
    Step,
    act,
    register,
    sicapai_steps,
    start,
    stop,
)
from bench.standin_process import StandInProcess
from sicapai.bot.reminders import ReminderService
from sicapai.bot.telegram import build_application
from sicapai.bot.whatsapp.channel import WhatsAppConfig
from sicapai.bot.whatsapp.pacing import NUMBER_RATE, PAIR_BURST, PAIR_INTERVAL
from sicapai.models.db import transaction
from sicapai.models.invites import redeem
from sicapai.models.operations import ReminderLog
from sicapai.models.organisation import ChatIdentity
from sicapai.models.performance import Revision
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.whatsapp import WhatsAppBot, add_templates
from tests.waapi import CloudApiStandIn, SentMessage

P95_TARGET_S = 0.250
META_MPS = 80
META_PAIR = (3, 6.0)
RATE_TARGET = 0.9 * META_MPS  # 72 messages a second
THROUGHPUT, PAIR_RATE, WINDOW_CLOSED = 130429, 131056, 131047
DATABASE_DOWN = "sedang ada gangguan"
STALE = "sudah tidak berlaku"
MAX_RETRIES = 5
FIRST_WA_ID = 6281300000000
WITA = ZoneInfo("Asia/Makassar")
# the broadcast: registered on 1 October 2025 (their last message then, so the window is
# closed), the 7-days-before reminder of TW III 2025 due on 3 October 2025 at 08:00 WITA
REGISTERED = datetime(2025, 10, 1, 9, 0, tzinfo=WITA).astimezone(UTC)
REMINDER_MORNING = datetime(2025, 10, 3, 8, 5, tzinfo=WITA).astimezone(UTC)

# the channel's number budget as shipped (76 a second, inbound counted), the stand-in refusing
# above Meta's 80 a second; the pair rate off on both sides
SHIPPED = "pair rate off"
QUIET = "pair rate off, no statuses"  # the same, but Meta posts no sent/delivered/read
PAIRED = "pair rate on"
PACED = Pacing(4.0, (3.0, 8.0))  # as `conversations --paced`


def wa_steps(code: str) -> tuple[Step, ...]:
    """The `conversations` report, with what each WhatsApp reply says."""
    return (
        Step("/lapor", text="/lapor", expect=("Laporan kinerja",)),
        Step("indicator", press=code, expect=("Berapa",)),
        Step("1.000", text="1.000", expect=("Pratinjau",)),
        Step("Simpan", press="Simpan", expect=("sudah dilaporkan",)),
    )


def wa_id(index: int) -> str:
    return str(FIRST_WA_ID + index)


# --------------------------------------------------------------------------- seeing sends


class _Notifying(list[SentMessage]):
    def __init__(self, on_append: Callable[[SentMessage], None]) -> None:
        super().__init__()
        self._on_append = on_append

    def append(self, item: SentMessage) -> None:
        super().append(item)
        self._on_append(item)


@dataclass
class Arrival:
    needle: str
    at: float  # time.monotonic() when the stand-in accepted the send


class SendWatch:
    """Every send the stand-in accepts, timed as it is accepted, by recipient; and each
    person's expectation resolved the moment a matching send is accepted.

    As `bench.common.ReplyWatch` does for Telegram, the stand-in's `sent` list is swapped for
    one that calls back on append (its `wait_for` rescans every message for every waiter), and
    its `messages_to`, which `user_presses` uses to find the button pressed, reads the
    per-recipient lists kept here instead of filtering every message ever sent.
    """

    def __init__(self, api: CloudApiStandIn) -> None:
        self.api = api
        self.times: list[float] = []
        self.by_to: dict[str, list[SentMessage]] = defaultdict(list)
        self.templates: list[float] = []
        self._expect: dict[str, tuple[tuple[str, ...], asyncio.Future[Arrival]]] = {}
        api.sent = _Notifying(self._on_sent)
        api.messages_to = self._messages_to  # type: ignore[method-assign]
        self.refusal_times: list[tuple[int, float]] = []
        refuse = api.refuse

        def timed_refuse(error: Any, to: str | None) -> None:
            self.refusal_times.append((error.code, time.monotonic()))
            refuse(error, to)

        api.refuse = timed_refuse  # type: ignore[method-assign]

    def _messages_to(self, to: str) -> list[SentMessage]:
        return self.by_to.get(to, [])

    def expect(self, to: str, *needles: str) -> asyncio.Future[Arrival]:
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._expect[to] = (needles, future)
        return future

    def forget(self, to: str) -> None:
        self._expect.pop(to, None)

    def _on_sent(self, message: SentMessage) -> None:
        now = time.monotonic()
        self.times.append(now)
        if message.type == "template":
            self.templates.append(now)
        self.by_to[message.to].append(message)
        expectation = self._expect.get(message.to)
        if expectation is None:
            return
        needles, future = expectation
        for needle in needles:
            if needle in message.text:
                del self._expect[message.to]
                if not future.done():
                    future.set_result(Arrival(needle, now))
                return


# --------------------------------------------------------------------------- people


@dataclass
class Walk:
    latencies: list[tuple[str, float]] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)  # POST → the bot's 200
    errors: int = 0
    finished: bool = False
    last_reply_at: float = math.nan
    problem: str | None = None


async def walk(
    api: CloudApiStandIn,
    watch: SendWatch,
    to: str,
    steps: tuple[Step, ...],
    patience: float,
    pace: Any = None,
) -> Walk:
    """One person through the steps: each the instant the previous reply arrived, or after a
    start delay and think times (`pace`, a `bench.conversations.PersonPace`)."""
    result = Walk()
    if pace is not None:
        await asyncio.sleep(pace.start)
    for index, step in enumerate(steps):
        if pace is not None and index > 0:
            await asyncio.sleep(pace.think[index - 1])
        for _attempt in range(MAX_RETRIES + 1):
            waiting = watch.expect(to, *step.expect, DATABASE_DOWN, STALE)
            began = time.monotonic()
            if step.text is not None:
                await api.user_sends_text(to, step.text, name=f"Uji {to[-4:]}")
            else:
                assert step.press is not None
                await api.user_presses(to, step.press)
            result.acks.append(time.monotonic() - began)
            try:
                seen = await asyncio.wait_for(waiting, patience)
            except TimeoutError:
                watch.forget(to)
                result.problem = f"no reply to {step.name!r} within {patience:.0f} s"
                return result
            if seen.needle == STALE:
                result.problem = f"stale menu at {step.name!r}"
                return result
            if seen.needle == DATABASE_DOWN:  # the turn was rolled back: send it again
                result.errors += 1
                await asyncio.sleep(0.2)
                continue
            result.latencies.append((step.name, seen.at - began))
            result.last_reply_at = seen.at
            break
        else:
            result.problem = f"{MAX_RETRIES} database errors in a row at {step.name!r}"
            return result
    result.finished = True
    return result


async def register_over_whatsapp(
    api: CloudApiStandIn, watch: SendWatch, people: list[tuple[str, Reporter]], patience: float
) -> float:
    """Everyone sends /start <code> at once; seconds until the last welcome."""
    began = time.monotonic()

    async def one(to: str, person: Reporter) -> None:
        waiting = watch.expect(to, "Selamat datang")
        await api.user_sends_text(to, f"/start {person.invite}", name=f"Uji {to[-4:]}")
        await asyncio.wait_for(waiting, patience)

    await asyncio.gather(*(one(to, p) for to, p in people))
    return time.monotonic() - began


def register_in_database(
    engine: Any, people: list[tuple[str, Reporter]], *, now: datetime, wrote: datetime | None
) -> None:
    """Redeem every invite on WhatsApp as /start would, without a chat; `wrote`: when each
    person last wrote (their 24-hour window), None for never."""
    with transaction(engine) as session:
        for to, person in people:
            result = redeem(
                session=session,
                code=person.invite,
                channel="whatsapp",
                external_id=to,
                chat_id=to,
                display_name=f"Uji {to[-4:]}",
                now=now,
            )
            assert result.refusal is None, result.refusal
        if wrote is not None:
            session.execute(
                update(ChatIdentity)
                .where(col(ChatIdentity.channel) == "whatsapp")
                .values(last_inbound_at=wrote)
            )


# --------------------------------------------------------------------------- parts 1 and 2


@dataclass
class Hop:
    """One kind of `asyncio.to_thread` call: how many, their wall time seen from the loop,
    and the time the function itself ran in its thread."""

    calls: int = 0
    wall: float = 0.0
    own: float = 0.0


@contextmanager
def timed_threads(hops: dict[str, Hop]) -> Iterator[None]:
    """Every `asyncio.to_thread` call in this process, timed by the function's name: its wall
    time from the loop's side and the function's own time in the thread."""
    real = asyncio.to_thread

    async def to_thread(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        name = getattr(function, "__qualname__", getattr(function, "__name__", "?"))
        own = [0.0]

        def run() -> Any:
            began = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                own[0] = time.monotonic() - began

        began = time.monotonic()
        try:
            return await real(run)
        finally:
            hop = hops.setdefault(name, Hop())
            hop.calls += 1
            hop.wall += time.monotonic() - began
            hop.own += own[0]

    asyncio.to_thread = to_thread  # type: ignore[assignment]
    try:
        yield
    finally:
        asyncio.to_thread = real


@dataclass
class ReportRun:
    row: str
    backend: str
    people: int
    load: str = "burst"
    updates: int = 0
    wall: float = math.nan
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=dict)
    acks: list[float] = field(default_factory=list)
    sends: int = 0
    statuses: int = 0  # status webhooks Meta posted to the bot during the reports
    refused: dict[int, int] = field(default_factory=dict)
    webhook_not_ok: int = 0  # POSTs the bot answered with something else than 200
    errors: int = 0
    unfinished: int = 0
    saved: int | None = None
    register_s: float = math.nan
    cpu: CpuMeter = field(default_factory=CpuMeter)
    problems: list[str] = field(default_factory=list)
    messages_per_report: list[int] = field(default_factory=list)
    waited: list[float] = field(default_factory=list)  # per person: budget wait in a report
    pair_waited: list[float] = field(default_factory=list)  # of which the pair rate
    lag: list[float] = field(default_factory=list)  # event-loop lateness of a 5 ms heartbeat
    http: list[float] = field(default_factory=list)  # `CloudApi.send`: the HTTP round trip
    pauses: int = 0  # the channel paused every send (a 130429)
    paused: float = 0.0  # seconds the number stood still
    early_refusals: int = 0  # refusals in the first 2 s (everyone's first message at once)
    turns: list[float] = field(default_factory=list)  # `Conversations.handle`, loop's view
    sends_wall: list[float] = field(default_factory=list)  # `WhatsAppChannel.send`
    hops: dict[str, Hop] = field(default_factory=dict)
    profile: list[tuple[str, float]] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.updates / self.wall if self.wall > 0 else math.nan

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


class BudgetMeter:
    """How long each recipient's sends waited in the channel's `SendBudget` (in total, and
    for the pair rate alone), by wrapping the budget instance's own methods."""

    def __init__(self, budget: Any) -> None:
        self.total: Counter[str] = Counter()
        self.pair: Counter[str] = Counter()
        acquire, pair = budget.acquire, budget._pair

        async def timed_acquire(recipient: str, *, background: bool = False) -> float:
            waited: float = await acquire(recipient, background=background)
            self.total[recipient] += waited
            return waited

        async def timed_pair(recipient: str) -> None:
            began = time.monotonic()
            try:
                await pair(recipient)
            finally:
                self.pair[recipient] += time.monotonic() - began

        budget.acquire = timed_acquire
        budget._pair = timed_pair
        self.pauses = 0  # pause_all calls (a 130429)
        self.paused = 0.0  # seconds the whole number stood still because of them
        pause_all = budget.pause_all

        def counted_pause_all(seconds: float) -> None:
            now = budget.clock()
            before = max(budget._paused_until, now)
            pause_all(seconds)
            self.pauses += 1
            self.paused += max(0.0, budget._paused_until - before)

        budget.pause_all = counted_pause_all

    def reset(self) -> None:
        self.total.clear()
        self.pair.clear()
        self.pauses, self.paused = 0, 0.0


def timed(owner: Any, name: str, into: list[float]) -> None:
    """Wrap the coroutine method `name` of this instance to append each call's wall time."""
    method = getattr(owner, name)

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            return await method(*args, **kwargs)
        finally:
            into.append(time.monotonic() - began)

    setattr(owner, name, wrapper)


async def run_reports(
    backend: str,
    people: int,
    row: str,
    *,
    patience: float,
    pacing: Pacing | None = None,
    turn_workers: int = TURN_WORKERS,
    statuses: bool = True,
    profile: bool = False,
) -> ReportRun:
    """Part 1 (`SHIPPED`, `QUIET`) or part 2 (`PAIRED`): N people report at once."""
    run = ReportRun(row, backend, people, pacing.describe() if pacing else "burst")
    paired = row == PAIRED
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as files:
        reporters = await asyncio.to_thread(office_with_reporters, db.engine, people + 1)
        everyone = [(wa_id(i), r) for i, r in enumerate(reporters)]
        if paired:
            await asyncio.to_thread(register_in_database, db.engine, everyone, now=NOW, wrote=None)
        conversations = Conversations(
            db.engine, files_dir=Path(files), clock=lambda: NOW, turn_processes=turn_workers
        )
        api = CloudApiStandIn(
            clock=lambda: NOW,
            mps=META_MPS,
            pair_rate=META_PAIR if paired else None,
            messaging_limit=None,
            statuses=statuses,
        )
        async with api:
            add_templates(api)
            watch = SendWatch(api)
            changes: dict[str, Any] = {
                "pair_burst": PAIR_BURST,
                "pair_interval": PAIR_INTERVAL if paired else 0.0,
                "pair_pause": PAIR_INTERVAL,
                "rate": NUMBER_RATE,
            }
            bot = WhatsAppBot(conversations, api, **changes)
            meter = BudgetMeter(bot.channel.budget)
            timed(conversations, "handle", run.turns)
            timed(bot.channel, "send", run.sends_wall)
            timed(bot.channel.client, "send", run.http)
            await conversations.start()  # spawn and warm the turn workers, as `sicapai run`
            await bot.start()
            try:
                if not paired:
                    run.register_s = await register_over_whatsapp(api, watch, everyone, patience)
                warm_to, warm = everyone[0]
                first = await walk(api, watch, warm_to, wa_steps(warm.indicator_code), patience)
                if first.problem:
                    run.problems.append(f"warm-up: {first.problem}")
                await asyncio.sleep(0.2)  # the warm-up's statuses
                meter.reset()
                run.turns.clear()
                run.sends_wall.clear()
                run.http.clear()
                with timed_threads(run.hops):
                    await crowd(api, watch, run, everyone[1:], patience, pacing, profile)
                run.waited = [meter.total.get(to, 0.0) for to, _ in everyone[1:]]
                run.pauses, run.paused = meter.pauses, meter.paused
                run.pair_waited = [meter.pair.get(to, 0.0) for to, _ in everyone[1:]]
            finally:
                await bot.stop()
                await conversations.close()
        with Session(db.engine) as session:
            run.saved = session.exec(select(func.count()).select_from(Revision)).one() - 1
    return run


# Where the event loop's CPU goes, by the file a function lives in (see --profile).
CATEGORIES = (
    ("Cloud API stand-in (tests/waapi)", ("/tests/waapi/",)),
    ("aiohttp (the bot's web server and the stand-in's)", ("/aiohttp/", "/multidict/", "/yarl/")),
    ("httpx / httpcore (the bot's client)", ("/httpx/", "/httpcore/", "/h11/", "/anyio/")),
    ("asyncio, selectors, sockets", ("/asyncio/", "selectors.py", "socket.py", "ssl.py")),
    ("json, hmac, hashlib", ("/json/", "hmac.py", "hashlib.py")),
    ("sicapai (on the loop)", ("/sicapai/",)),
    ("benchmark people", ("/bench/",)),
)


def profile_shares(profile: cProfile.Profile) -> list[tuple[str, float]]:
    """Own time per category, as shares of the loop thread's profiled time."""
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~" and "poll" in name and "epoll" in name:
            continue  # the loop waiting for sockets: idle, not work
        label = "other"
        if filename == "~":
            label = "other built-ins (C code called from anywhere)"
            if "_socket.socket" in name or "select.epoll" in name:
                label = "socket calls (incl. waiting to get the GIL back)"
        for category, needles in CATEGORIES:
            if any(needle in filename for needle in needles):
                label = category
                break
        totals[label] = totals.get(label, 0.0) + row[2]
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


async def beat(lateness: list[float], every: float = 0.005) -> None:
    """Until cancelled: how late the event loop wakes a task that sleeps `every` seconds (the
    loop busy, or its thread waiting for the interpreter lock held by a worker thread)."""
    while True:
        began = time.monotonic()
        await asyncio.sleep(every)
        lateness.append(time.monotonic() - began - every)


async def crowd(
    api: CloudApiStandIn,
    watch: SendWatch,
    run: ReportRun,
    people: list[tuple[str, Reporter]],
    patience: float,
    pacing: Pacing | None,
    profile: bool = False,
) -> None:
    since_sent = len(watch.times)
    since_status = len(api.status_log)
    since_refused = len(api.refused)
    since_log = len(api.webhook_log)
    before = {to: len(watch.by_to.get(to, [])) for to, _ in people}
    run.cpu.start()
    began = time.monotonic()
    heartbeat = asyncio.create_task(beat(run.lag))
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    results = await asyncio.gather(
        *(
            walk(
                api,
                watch,
                to,
                wa_steps(person.indicator_code),
                patience,
                pace=pacing.person(int(to), 6, len(people)) if pacing else None,
            )
            for to, person in people
        )
    )
    if profiler is not None:
        profiler.disable()
        run.profile = profile_shares(profiler)
    heartbeat.cancel()
    run.cpu.stop()
    ends = [r.last_reply_at for r in results if not math.isnan(r.last_reply_at)]
    run.wall = (max(ends) if ends else time.monotonic()) - began
    for result in results:
        run.errors += result.errors
        run.acks += result.acks
        if not result.finished:
            run.unfinished += 1
            if result.problem and len(run.problems) < 3:
                run.problems.append(result.problem)
        for step, latency in result.latencies:
            run.latencies.append(latency)
            run.by_step.setdefault(step, []).append(latency)
    run.updates = len(run.latencies) + run.errors
    await asyncio.sleep(0.5)  # the last statuses, and any late extra message
    run.sends = len(watch.times) - since_sent
    run.statuses = len(api.status_log) - since_status
    run.refused = dict(Counter(r.code for r in api.refused[since_refused:]))
    run.early_refusals = sum(1 for _, at in watch.refusal_times if began <= at < began + 2.0)
    run.webhook_not_ok = sum(1 for status, _ in api.webhook_log[since_log:] if status != 200)
    run.messages_per_report = [len(watch.by_to.get(to, [])) - before[to] for to, _ in people]


# --------------------------------------------------------------------------- Telegram's count


@dataclass
class TelegramCount:
    backend: str
    people: int
    calls: dict[str, float] = field(default_factory=dict)  # Bot API method → calls per report
    messages_per_report: list[int] = field(default_factory=list)
    unfinished: int = 0


async def telegram_count(
    backend: str, people: int, *, patience: float, turn_workers: int = TURN_WORKERS
) -> TelegramCount:
    """The same report on Telegram (`build_application` as shipped, the Bot API stand-in with
    Telegram's 30 a second): the Bot API calls each report takes, by method."""
    count = TelegramCount(backend, people)
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as files:
        reporters = await asyncio.to_thread(office_with_reporters, db.engine, people)
        conversations = Conversations(
            db.engine, files_dir=Path(files), clock=lambda: NOW, turn_processes=turn_workers
        )
        async with BotApiStandIn(token=TOKEN, rate_limit_per_second=30) as api:
            watch = ReplyWatch(api)
            application = build_application(
                conversations, token=TOKEN, base_url=api.base_url, reminders=False
            )
            await start(application)
            try:
                await register(api, watch, reporters, patience)
                since_calls, since_sent = len(api.calls), len(api.sent)
                results = await asyncio.gather(
                    *(
                        act(api, watch, r.user_id, sicapai_steps(r.indicator_code), patience)
                        for r in reporters
                    )
                )
                await asyncio.sleep(0.3)
                methods = Counter(
                    c.method for c in api.calls[since_calls:] if c.method != "getUpdates" and c.ok
                )
                count.calls = {m: n / people for m, n in sorted(methods.items())}
                per_chat = Counter(m.chat_id for m in api.sent[since_sent:])
                count.messages_per_report = [per_chat.get(r.user_id, 0) for r in reporters]
                count.unfinished = sum(1 for r in results if not r.finished)
            finally:
                await stop(application)
                await conversations.close()
    return count


# --------------------------------------------------------------------------- part 3


@dataclass
class Broadcast:
    backend: str
    reminders: int
    statuses: bool = True  # Meta posts sent/delivered/read for every template
    in_flight: int = 1  # reminders the tick delivers at once (`ReminderService.concurrency`)
    sent: int = 0
    failed: int = 0
    other: str = ""
    templates: int = 0
    texts: int = 0
    planning: float = math.nan
    delivery: float = math.nan  # first reminder handed over → the tick returns
    rate: float = math.nan  # as the stand-in accepted them
    refused: dict[int, int] = field(default_factory=dict)
    logged: int = 0
    status_webhooks: int = 0
    lag: list[float] = field(default_factory=list)
    cpu: CpuMeter = field(default_factory=CpuMeter)
    per_reminder: float = math.nan  # mean wall of one `_deliver`
    http_send: float = math.nan  # mean wall of `CloudApi.send`
    budget_wait: float = math.nan  # mean wait in `SendBudget.acquire`
    hops: dict[str, Hop] = field(default_factory=dict)


async def run_broadcast(backend: str, reminders: int, *, statuses: bool = True) -> Broadcast:
    result = Broadcast(backend, reminders, statuses)
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as files:
        reporters = await asyncio.to_thread(
            office_with_reporters, db.engine, reminders, now=REGISTERED
        )
        everyone = [(wa_id(i), r) for i, r in enumerate(reporters)]
        await asyncio.to_thread(
            register_in_database, db.engine, everyone, now=REGISTERED, wrote=REGISTERED
        )
        conversations = Conversations(
            db.engine, files_dir=Path(files), clock=lambda: REMINDER_MORNING
        )
        # Meta in a process of its own: its work is not SiCapai's (bench/standin_process.py)
        api = StandInProcess(
            clock=REMINDER_MORNING,
            mps=META_MPS,
            pair_rate=META_PAIR,
            messaging_limit=None,
            statuses=statuses,
        )
        async with api:
            changes: dict[str, Any] = {"pair_interval": PAIR_INTERVAL, "pair_pause": PAIR_INTERVAL}
            if "messaging_limit" in {f.name for f in fields(WhatsAppConfig)}:
                changes["messaging_limit"] = 0  # the tier unlimited on the channel's side too
            bot = WhatsAppBot(conversations, api, **changes)
            await bot.start()
            service = ReminderService(db.engine, {}, clock=lambda: REMINDER_MORNING)
            service.register("whatsapp", bot.channel.sender(background=True))
            service.pace("whatsapp", None)  # the channel's send budget paces it
            result.in_flight = int(getattr(service, "concurrency", 1))

            planned_in: list[float] = []
            plan = service._due

            def timed_plan(now: datetime) -> Any:
                began = time.monotonic()
                try:
                    return plan(now)
                finally:
                    planned_in.append(time.monotonic() - began)

            service._due = timed_plan  # type: ignore[method-assign]
            delivered: list[float] = []
            deliver = service._deliver

            async def timed_deliver(item: Any, now: datetime) -> str:
                began = time.monotonic()
                try:
                    return await deliver(item, now)
                finally:
                    delivered.append(time.monotonic() - began)

            service._deliver = timed_deliver  # type: ignore[method-assign]
            sends: list[float] = []
            client_send = bot.channel.client.send

            async def timed_send(to: str, body: dict[str, Any]) -> str:
                began = time.monotonic()
                try:
                    return await client_send(to, body)
                finally:
                    sends.append(time.monotonic() - began)

            bot.channel.client.send = timed_send  # type: ignore[method-assign]
            meter = BudgetMeter(bot.channel.budget)
            try:
                result.cpu.start()
                began = time.monotonic()
                heartbeat = asyncio.create_task(beat(result.lag))
                with timed_threads(result.hops):
                    report = await service.tick()
                ended = time.monotonic()
                heartbeat.cancel()
                result.cpu.stop()
                await asyncio.sleep(0.5)
                seen = await api.results()
            finally:
                await bot.stop()
                await conversations.close()
            result.planning = planned_in[0] if planned_in else math.nan
            result.delivery = ended - began - result.planning
            result.sent, result.failed = report.sent, report.failed
            result.other = (
                f"{report.skipped} skipped, {report.waiting} waiting, {report.deferred} deferred"
            )
            times = seen["times"]
            result.templates = len(seen["templates"])
            result.texts = len(times) - result.templates
            if len(times) > 1 and times[-1] > times[0]:
                result.rate = (len(times) - 1) / (times[-1] - times[0])
            result.refused = seen["refused"]
            result.status_webhooks = seen["status_webhooks"]
            result.per_reminder = statistics.fmean(delivered) if delivered else math.nan
            result.http_send = statistics.fmean(sends) if sends else math.nan
            waits = list(meter.total.values())
            result.budget_wait = sum(waits) / len(sends) if sends else math.nan
        with Session(db.engine) as session:
            result.logged = session.exec(
                select(func.count())
                .select_from(ReminderLog)
                .where(col(ReminderLog.status) == "terkirim")
            ).one()
    return result


# --------------------------------------------------------------------------- the report


class LogTally(logging.Handler):
    """Warnings and errors logged during the run, counted by logger, message and exception;
    the first of each kind is printed on one line (no traceback), the rest only counted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.levelname} {record.name}: {record.getMessage()[:160]}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            first = (str(error).splitlines() or [""])[0][:160]
            line += f" [{type(error).__name__}: {first}]"
        self.counts[line] += 1
        if self.counts[line] == 1:
            print(f"[log] {line}", file=sys.stderr, flush=True)


def refusals(codes: dict[int, int]) -> str:
    return ", ".join(f"{n} × {code}" for code, n in sorted(codes.items())) or "0"


def replies_table(runs: list[ReportRun]) -> str:
    rows = []
    for r in runs:
        rows.append(
            [
                r.row,
                r.backend,
                r.load,
                str(r.people),
                str(r.updates),
                f"{r.wall:.1f} s",
                f"{r.throughput:.1f}",
                ms(r.p(50)),
                ms(r.p(95)),
                ms(r.p(99)),
                f"{ms(percentile(r.acks, 50))} / {ms(percentile(r.acks, 95))}",
                f"{r.sends / r.wall:.1f}" if r.wall > 0 else "–",
                str(r.statuses),
                refusals(r.refused),
                f"{r.errors}/{r.unfinished}",
                r.cpu.describe(),
            ]
        )
    return markdown_table(
        [
            "row",
            "database",
            "load",
            "people",
            "updates",
            "wall",
            "updates/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "webhook 200 p50 / p95 ms",
            "sends/s",
            "status webhooks",
            "refusals",
            "DB errors / unfinished",
            "CPU: loop / turns / machine",
        ],
        rows,
        "lllrrrrrrrrrrrrr",
    )


def steps_table(run: ReportRun) -> str:
    rows = [
        [step, ms(statistics.median(v)), ms(percentile(v, 95)), ms(max(v))]
        for step, v in run.by_step.items()
    ]
    return markdown_table(["step", "p50 ms", "p95 ms", "max ms"], rows)


def pair_table(runs: list[ReportRun], telegram: TelegramCount | None) -> str:
    rows = []
    if telegram is not None:
        messages = telegram.messages_per_report
        calls = ", ".join(f"{m} {n:g}" for m, n in telegram.calls.items())
        rows.append(
            [
                "Telegram (as shipped)",
                telegram.backend,
                "burst",
                str(telegram.people),
                f"{statistics.fmean(messages):g}" if messages else "–",
                calls,
                "–",
                "–",
                "–",
                "–",
            ]
        )
    for r in runs:
        per = r.messages_per_report
        waited = r.waited
        rows.append(
            [
                f"WhatsApp ({r.row})",
                r.backend,
                r.load,
                str(r.people),
                f"{statistics.fmean(per):g} ({min(per)}–{max(per)})" if per else "–",
                f"messages {r.sends / r.people:g}" if r.people else "–",
                f"{statistics.fmean(waited):.1f} / {max(waited):.1f}" if waited else "–",
                f"{statistics.fmean(r.pair_waited):.1f}" if r.pair_waited else "–",
                f"{ms(r.p(50))} / {ms(r.p(95))}",
                refusals(r.refused),
            ]
        )
    return markdown_table(
        [
            "channel",
            "database",
            "load",
            "people",
            "messages to the person per report",
            "API calls per report",
            "budget wait per report, s (mean / max)",
            "of which pair rate, s",
            "reply p50 / p95 ms",
            "refusals",
        ],
        rows,
        "lllrrlrrrr",
    )


def broadcast_table(results: list[Broadcast]) -> str:
    rows = []
    for b in results:
        rows.append(
            [
                b.backend + ("" if b.statuses else ", no statuses"),
                str(b.reminders),
                f"{b.sent}" + (f" ({b.failed} failed)" if b.failed else ""),
                f"{b.templates} / {b.texts}",
                f"{b.planning:.1f} s",
                f"{b.delivery:.1f} s",
                f"{b.planning + b.delivery:.1f} s",
                f"**{b.rate:.1f}**",
                refusals(b.refused),
                str(b.status_webhooks),
                f"{ms(percentile(b.lag, 50))} / {ms(percentile(b.lag, 95))}",
                b.cpu.describe(),
            ]
        )
    return markdown_table(
        [
            "database",
            "reminders",
            "sent",
            "templates / texts",
            "planning",
            "delivery",
            "total",
            "messages/s",
            "refusals",
            "status webhooks",
            "loop lag p50 / p95 ms",
            "CPU: loop / threads / machine",
        ],
        rows,
        "lrrrrrrrrrrr",
    )


def where_table(results: list[Broadcast]) -> str:
    """Mean milliseconds per reminder, by what the loop was waiting for."""
    names = (
        ("ReminderService._claim_all", "claim (group commit)"),
        ("WhatsAppChannel._read_contacts", "the contact's window (a query)"),
        ("ReminderService._record_all", "record (group commit)"),
    )
    rows = []
    for label, pick in (
        ("one reminder, in all (`_deliver`)", lambda b: b.per_reminder),
        ("  HTTP send to the stand-in", lambda b: b.http_send),
        ("  wait in the send budget", lambda b: b.budget_wait),
    ):
        rows.append([label, *[ms(pick(b)) for b in results]])
    for name, label in names:
        cells = []
        for b in results:
            hop = b.hops.get(name)
            if hop is None or not hop.calls:
                cells.append("–")
                continue
            n = max(b.sent, 1)  # a group commit writes several reminders in one call
            cells.append(
                f"{ms(hop.wall / n)} ({ms(hop.own / n)} in the thread; "
                f"{hop.calls} calls, {ms(hop.wall / hop.calls)} each)"
            )
        rows.append([f"  {label}", *cells])
    header = [
        "per reminder, mean ms",
        *[b.backend + ("" if b.statuses else ", no statuses") for b in results],
    ]
    return markdown_table(header, rows)


def update_table(runs: list[ReportRun]) -> str:
    """The pieces of one update's latency, and the thread calls behind the webhooks."""
    labels = [
        ("reply latency (POST → the reply accepted)", lambda r: statistics.fmean(r.latencies)),
        ("  webhook answered (POST → 200: the inbox write)", lambda r: statistics.fmean(r.acks)),
        ("  the turn (`Conversations.handle`: lane, worker)", lambda r: statistics.fmean(r.turns)),
        ("  the send (`WhatsAppChannel.send`: budget, HTTP)", lambda r: _mean(r.sends_wall)),
        ("    of which the HTTP round trip (`CloudApi.send`)", lambda r: _mean(r.http)),
        ("    of which waiting in the send budget", lambda r: sum(r.waited) / max(r.sends, 1)),
        ("event-loop lag, p50 (a 5 ms heartbeat)", lambda r: percentile(r.lag, 50)),
        ("event-loop lag, p95", lambda r: percentile(r.lag, 95)),
    ]
    rows = [[label, *[ms(pick(r)) if r.latencies else "–" for r in runs]] for label, pick in labels]
    rows.append(
        [
            "the number paused after a 130429 (times, seconds in all)",
            *[f"{r.pauses}, {r.paused:.1f} s" for r in runs],
        ]
    )
    rows.append(
        [
            "130429 refusals in the first 2 s / later",
            *[
                f"{r.early_refusals} / {r.refused.get(THROUGHPUT, 0) - r.early_refusals}"
                for r in runs
            ],
        ]
    )
    names = sorted(
        {k for r in runs for k in r.hops},
        key=lambda k: -sum(r.hops[k].own for r in runs if k in r.hops),
    )
    for name in names[:6]:
        cells = []
        for r in runs:
            hop = r.hops.get(name)
            if hop is None or not hop.calls:
                cells.append("–")
                continue
            cells.append(
                f"{hop.calls / max(r.updates, 1):.2f} × {ms(hop.wall / hop.calls)} "
                f"({ms(hop.own / hop.calls)} in the thread)"
            )
        label = WRITER if name == "WhatsAppChannel._record" else name.split(".<locals>.")[-1]
        rows.append([f"thread: {label}", *cells])
    return markdown_table(["", *[short(r) for r in runs]], rows)


def short(r: ReportRun) -> str:
    return f"{r.row}, {r.backend}, {'burst' if r.load == 'burst' else 'paced'}"


WRITER = "WhatsAppChannel._record (the webhooks' group commit)"


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def other_calls(b: Broadcast) -> str:
    known = (
        "ReminderService._claim_all",
        "WhatsAppChannel._read_contacts",
        "ReminderService._record_all",
    )
    other = [(k, v) for k, v in b.hops.items() if k not in known and v.calls]
    return ", ".join(
        f"{k.split('.<locals>.')[-1]} × {v.calls} ({ms(v.own / v.calls)} ms each in the thread)"
        for k, v in other
    )


def verdicts(parts: dict[str, list[Any]], telegram: TelegramCount | None) -> list[str]:
    lines: list[str] = []
    for r in parts["replies"]:
        if r.row in (SHIPPED, QUIET):
            verdict = "met" if r.p(95) < P95_TARGET_S else "missed"
            zero = "0" if not r.refused else refusals(r.refused)
            lines.append(
                f"- part 1, {r.row}, {r.backend}, N = {r.people}, {r.load}: p95 "
                f"{ms(r.p(95))} ms (target < {P95_TARGET_S * 1000:.0f} ms: **{verdict}**), "
                f"{r.throughput:.1f} updates/s, refusals {zero} (target 0: "
                f"**{'met' if not r.refused else 'missed'}**); {r.saved} reports saved"
            )
    for r in parts["pair"]:
        per = r.messages_per_report
        lines.append(
            f"- part 2, {r.load}, {r.backend}, N = {r.people}: "
            f"{statistics.fmean(per) if per else math.nan:g} messages per report"
            + (
                f" (Telegram: {statistics.fmean(telegram.messages_per_report):g} sendMessage)"
                if telegram and telegram.messages_per_report
                else ""
            )
            + f", budget wait {statistics.fmean(r.waited) if r.waited else math.nan:.1f} s per "
            f"report, {r.refused.get(PAIR_RATE, 0)} × 131056 (target 0: "
            f"**{'met' if not r.refused.get(PAIR_RATE) else 'missed'}**)"
        )
    for b in parts["broadcast"]:
        rate_ok = b.rate >= RATE_TARGET
        lines.append(
            f"- part 3, {b.backend}{'' if b.statuses else ', no statuses'}, "
            f"{b.reminders} reminders: {b.rate:.1f} messages/s "
            f"(target ≥ {RATE_TARGET:.0f}: **{'met' if rate_ok else 'missed'}**), "
            f"{b.refused.get(THROUGHPUT, 0)} × 130429 (target 0: "
            f"**{'met' if not b.refused.get(THROUGHPUT) else 'missed'}**), total "
            f"{b.planning + b.delivery:.1f} s; {b.logged} logged as sent ({b.other}); other "
            f"thread calls during the tick: {other_calls(b)}"
        )
    for r in parts["replies"] + parts["pair"]:
        if r.problems:
            lines.append(f"- {r.row}, {r.backend}, {r.load}: {'; '.join(r.problems)}")
        if r.saved is not None and r.saved != r.people:
            lines.append(f"- {r.row}, {r.backend}, {r.load}: {r.saved} of {r.people} saved!")
        if r.webhook_not_ok:
            lines.append(f"- {r.row}, {r.backend}: {r.webhook_not_ok} webhooks not answered 200")
    registrations = [r for r in parts["replies"] if not math.isnan(r.register_s)]
    if registrations:
        lines.append(
            "- registration over WhatsApp before the clock (everyone's /start at once): "
            + ", ".join(f"{r.row} {r.backend} {r.register_s:.1f} s" for r in registrations)
        )
    return lines


def report(parts: dict[str, list[Any]], telegram: TelegramCount | None, host: str) -> str:
    out = [f"Machine: {host}", ""]
    if parts["replies"]:
        out += [
            "Part 1, replies with the pair rate off (stand-in 80 messages/s, channel budget 76/s):",
            "",
            replies_table(parts["replies"]),
        ]
        detailed = [r for r in parts["replies"] if r.row == SHIPPED] or parts["replies"]
        for r in detailed:
            out += ["", f"Per step, {short(r)}, N = {r.people}:", "", steps_table(r)]
        out += ["", "Where an update's time goes (mean ms per update; wall seen from the loop):"]
        out += ["", update_table(parts["replies"])]
        out.append("")
    profiled = [r for r in parts["replies"] if r.profile]
    if profiled:
        out += ["Where the event-loop thread's time goes (cProfile own time, --profile):", ""]
        labels = sorted({k for r in profiled for k, _ in r.profile})
        rows = [
            [label, *[f"{dict(r.profile).get(label, 0.0):.0%}" for r in profiled]]
            for label in labels
        ]
        out += [markdown_table(["", *[short(r) for r in profiled]], rows), ""]
    if parts["pair"]:
        out += [
            "Part 2, the pair rate on (stand-in 3 then 1 per 6 s; channel 3, 6 s × 1.1):",
            "",
            pair_table(parts["pair"], telegram),
            "",
            replies_table(parts["pair"]),
            "",
        ]
    if parts["broadcast"]:
        out += [
            "Part 3, a broadcast of template reminders (stand-in 80 messages/s, tier unlimited):",
            "",
            broadcast_table(parts["broadcast"]),
            "",
            "Where one reminder's time goes (reminders the tick delivers at once: "
            + ", ".join(sorted({str(b.in_flight) for b in parts["broadcast"]}))
            + "):",
            "",
            where_table(parts["broadcast"]),
            "",
        ]
    out += verdicts(parts, telegram)
    return "\n".join(out)


def as_json(parts: dict[str, list[Any]], telegram: TelegramCount | None, host: str) -> Any:
    def replies(r: ReportRun) -> dict[str, Any]:
        return {
            "row": r.row,
            "backend": r.backend,
            "load": r.load,
            "people": r.people,
            "updates": r.updates,
            "wall_s": r.wall,
            "updates_per_s": r.throughput,
            "p50_ms": r.p(50) * 1000,
            "p95_ms": r.p(95) * 1000,
            "p99_ms": r.p(99) * 1000,
            "webhook_ack_p50_ms": percentile(r.acks, 50) * 1000,
            "webhook_ack_p95_ms": percentile(r.acks, 95) * 1000,
            "by_step_p95_ms": {k: percentile(v, 95) * 1000 for k, v in r.by_step.items()},
            "sends": r.sends,
            "status_webhooks": r.statuses,
            "refused": {str(k): v for k, v in r.refused.items()},
            "webhook_not_ok": r.webhook_not_ok,
            "db_errors": r.errors,
            "unfinished": r.unfinished,
            "saved": r.saved,
            "register_s": None if math.isnan(r.register_s) else r.register_s,
            "messages_per_report_mean": (
                statistics.fmean(r.messages_per_report) if r.messages_per_report else None
            ),
            "budget_wait_per_report_s_mean": statistics.fmean(r.waited) if r.waited else None,
            "budget_wait_per_report_s_max": max(r.waited) if r.waited else None,
            "pair_wait_per_report_s_mean": (
                statistics.fmean(r.pair_waited) if r.pair_waited else None
            ),
            "loop_lag_p50_ms": percentile(r.lag, 50) * 1000,
            "loop_lag_p95_ms": percentile(r.lag, 95) * 1000,
            "turn_mean_ms": _mean(r.turns) * 1000,
            "http_send_mean_ms": _mean(r.http) * 1000,
            "number_pauses": r.pauses,
            "number_paused_s": r.paused,
            "refusals_first_2s": r.early_refusals,
            "send_mean_ms": _mean(r.sends_wall) * 1000,
            "webhook_ack_mean_ms": _mean(r.acks) * 1000,
            "thread_calls": {k: asdict(v) for k, v in r.hops.items()},
            "loop_profile": dict(r.profile),
            "cpu_loop_cores": r.cpu.loop_cores,
            "cpu_turn_cores": r.cpu.worker_cores,
            "cpu_machine_busy": r.cpu.machine_busy,
            "problems": r.problems,
        }

    def broadcast(b: Broadcast) -> dict[str, Any]:
        data = {k: v for k, v in asdict(b).items() if k not in ("cpu", "hops", "lag")}
        data["loop_lag_p50_ms"] = percentile(b.lag, 50) * 1000
        data["loop_lag_p95_ms"] = percentile(b.lag, 95) * 1000
        data["refused"] = {str(k): v for k, v in b.refused.items()}
        data["cpu_loop_cores"] = b.cpu.loop_cores
        data["cpu_thread_cores"] = b.cpu.worker_cores
        data["cpu_machine_busy"] = b.cpu.machine_busy
        data["thread_calls"] = {k: asdict(v) for k, v in b.hops.items()}
        return data

    return {
        "machine": host,
        "replies": [replies(r) for r in parts["replies"]],
        "pair": [replies(r) for r in parts["pair"]],
        "telegram": asdict(telegram) if telegram else None,
        "broadcast": [broadcast(b) for b in parts["broadcast"]],
    }


async def run_all(args: argparse.Namespace) -> tuple[dict[str, list[Any]], TelegramCount | None]:
    parts: dict[str, list[Any]] = {"replies": [], "pair": [], "broadcast": []}
    telegram = None
    if 1 in args.parts:
        plan: list[tuple[str, str, Pacing | None]] = [(SHIPPED, b, None) for b in args.backends]
        if args.diagnostics:
            plan.append((SHIPPED, args.backends[0], PACED))  # people who think between steps
            plan.append((QUIET, args.backends[0], None))  # what the status webhooks cost
        for row, backend, pacing in plan:
            name = pacing.describe() if pacing else "burst"
            print(f"… part 1, {row}, {backend}, {name}, N = {args.people}", file=sys.stderr)
            parts["replies"].append(
                await run_reports(
                    backend,
                    args.people,
                    row,
                    patience=args.patience,
                    pacing=pacing,
                    statuses=row != QUIET,
                    profile=args.profile,
                )
            )
    if 2 in args.parts:
        backend = args.backends[0]
        print(f"… part 2, Telegram's count, {backend}, N = {args.pair_people}", file=sys.stderr)
        telegram = await telegram_count(backend, args.pair_people, patience=args.patience)
        loads: list[Pacing | None] = [None]
        if args.diagnostics:
            loads.append(PACED)  # people who think: the pair rate's wait disappears
        for pacing in loads:
            name = pacing.describe() if pacing else "burst"
            print(f"… part 2, {name}, {backend}, N = {args.pair_people}", file=sys.stderr)
            parts["pair"].append(
                await run_reports(
                    backend, args.pair_people, PAIRED, patience=args.patience, pacing=pacing
                )
            )
    if 3 in args.parts:
        broadcasts = [(backend, True) for backend in args.backends]
        if args.diagnostics:
            broadcasts.append((args.backends[0], False))  # what the status webhooks cost
        for backend, statuses in broadcasts:
            name = "" if statuses else ", no statuses"
            print(f"… part 3, {backend}{name}, {args.reminders} reminders", file=sys.stderr)
            parts["broadcast"].append(
                await run_broadcast(backend, args.reminders, statuses=statuses)
            )
    return parts, telegram


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench whatsapp",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="SQLite only, N = 20, 100 reminders, no diagnostic or paced rows (about 1 minute)",
    )
    parser.add_argument("--people", type=int, help="part 1: people reporting at once (250)")
    parser.add_argument("--pair-people", type=int, help="part 2: people with the pair rate (25)")
    parser.add_argument("--reminders", type=int, help="part 3: reminders in the broadcast (1000)")
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"))
    parser.add_argument("--parts", type=int, nargs="+", default=[1, 2, 3], choices=(1, 2, 3))
    parser.add_argument(
        "--diagnostics",
        action="store_true",
        help="also, on the first database: parts 1 and 2 paced, parts 1 and 3 without status "
        "webhooks (about 4 minutes more)",
    )
    parser.add_argument("--patience", type=float, default=600.0, help="seconds to wait per reply")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="part 1: profile the event-loop thread and say where its time goes (slows it)",
    )
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    args.people = args.people or (20 if args.quick else 250)
    args.pair_people = args.pair_people or (20 if args.quick else 25)
    args.reminders = args.reminders or (100 if args.quick else 1000)
    if args.backends is None:
        args.backends = ["sqlite"] if args.quick else ["sqlite", "postgresql"]
    if "postgresql" in args.backends and "unreachable" in postgres_version():
        print("PostgreSQL is unreachable: SQLite only", file=sys.stderr)
        args.backends = [b for b in args.backends if b != "postgresql"] or ["sqlite"]
    tally = LogTally()
    logging.basicConfig(level=logging.WARNING, handlers=[tally])
    host = machine("postgresql" in args.backends)
    began = time.monotonic()
    parts, telegram = asyncio.run(run_all(args))
    text = report(parts, telegram, host)
    if tally.counts:
        text += "\n\nLogged during the run (count × first line):\n\n" + "\n".join(
            f"- {n} × `{line}`" for line, n in tally.counts.most_common()
        )
    text += f"\n\nWhole run: {time.monotonic() - began:.0f} s"
    print(text)
    if args.out:
        data = as_json(parts, telegram, host)
        data["logged"] = dict(tally.counts)
        data["report"] = text
        args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
