"""The conversation service every channel talks to: `handle(identity, event)` → replies.

Database work is synchronous SQLModel, so a turn never runs on the event loop: in a small
thread pool by default, or — for the running bot — in worker processes of their own
(`sicapai.runtime.turn_workers`), so that it does not share the loop's interpreter lock. A
file is downloaded before the turn, and only when the person's step asks for one; a chart is
drawn after it, off the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from sicapai.handlers import texts
from sicapai.handlers.port import Event, EventKind, Identity, Reply
from sicapai.handlers.texts import grafik
from sicapai.models import inbox
from sicapai.models.db import transaction
from sicapai.models.types import utcnow
from sicapai.reports.chart_specs import EmptyChart
from sicapai.runtime.charts import ChartRenderer
from sicapai.runtime.downloads import EVIDENCE_BYTES, download
from sicapai.runtime.ordering import LocalTurnRunner, TurnRunner
from sicapai.runtime.turn_workers import TurnsUnavailable, TurnWorkers
from sicapai.runtime.turns import TurnProcessor, TurnResult, without_nul

log = logging.getLogger(__name__)

TURN_WORKERS = 4  # bench/conversations: 2, 4 and 8 threads gave the same throughput
# an update held up longer than this (the bot was down) is answered, not replayed into a flow:
# Telegram keeps unacknowledged updates for a day, Meta retries a webhook for a week
MAX_UPDATE_AGE = timedelta(hours=1)
PEOPLE_REMEMBERED = 50_000  # chat -> person, for ordering; the least recent are forgotten
REPLIED_BATCH_SECONDS = 0.5


class Conversations:
    """The product's conversations, independent of any channel."""

    def __init__(
        self,
        engine: Engine,
        *,
        files_dir: Path,
        clock: Callable[[], datetime] = utcnow,
        default_timezone: str = "Asia/Makassar",
        bot_username: str | None = None,
        year: int | None = None,
        charts: ChartRenderer | None = None,
        turn_processes: int = 0,
        runner: TurnRunner | None = None,
        max_update_age: timedelta = MAX_UPDATE_AGE,
        evidence_bytes: int = EVIDENCE_BYTES,
    ) -> None:
        self.engine = engine
        self.runner: TurnRunner = runner or LocalTurnRunner()
        self.max_update_age = max_update_age
        self.evidence_bytes = evidence_bytes
        self._people: OrderedDict[tuple[str, str, str], int] = OrderedDict()
        self._started = False
        self._in_gate = 0  # updates in or waiting at the gate: a known chat then queues too
        self.processor = TurnProcessor(
            engine,
            default_timezone=default_timezone,
            bot_username=bot_username,
            year=year,
            evidence_bytes=evidence_bytes,
        )
        # Turns get a small pool of their own: a turn is mostly CPU under one GIL, so more
        # threads would not make them faster, and reminder planning in the default executor
        # never waits behind a queue of turns.
        self._turns = ThreadPoolExecutor(TURN_WORKERS, thread_name_prefix="turn")
        self.charts = charts
        self.files_dir = files_dir
        self.clock = clock
        self._replied: set[int] = set()  # inbox rows whose replies went out, to be marked
        self._replied_flush: asyncio.Task[None] | None = None
        self.workers = (
            TurnWorkers(self.processor, files_dir, turn_processes) if turn_processes else None
        )

    # --- what flows may know, kept by the processor ---------------------------------------
    @property
    def default_timezone(self) -> str:
        return self.processor.default_timezone

    @property
    def bot_username(self) -> str | None:
        return self.processor.bot_username

    @property
    def year(self) -> int | None:
        return self.processor.year

    # --- running --------------------------------------------------------------------------
    async def start(self) -> None:
        """Spawn and warm the turn workers, if any; without processes, turns use threads.
        Safe to call more than once (each channel's start-up calls it)."""
        if self.workers is None or self._started:
            return
        self._started = True
        try:
            await self.workers.start()
        except (OSError, ImportError, NotImplementedError, BrokenProcessPool) as exc:
            log.warning("turn worker processes unavailable (%s); using threads", exc)
            workers, self.workers = self.workers, None
            await workers.close()

    def run_turn(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        """One turn on the calling thread (the thread pool, or a test driving a race)."""
        return self.processor.run_turn(identity, event, now)

    def expects_menu_choice(self, identity: Identity) -> bool:
        """Whether the person's current step waits for a button rather than typed input."""
        return self.processor.expects_menu_choice(identity)

    async def serve(
        self,
        identity: Identity,
        event: Event,
        respond: Callable[[TurnResult], Awaitable[None]],
    ) -> TurnResult:
        """How a channel hands over an update: the turn, then `respond` (the channel sending
        its replies), in the person's lane, so one person's turns run one after another
        whichever channels they write on, and their replies go out in the same order."""
        chat = ("chat", identity.channel, identity.account, identity.external_id)

        async def as_the_person() -> TurnResult:
            result = await self.handle(identity, event)
            self._learn(identity, result)
            await respond(result)
            return result

        async def in_arrival_order() -> TurnResult:
            return await self.runner.run(await self._person_lane(identity), as_the_person)

        return await self.runner.run(chat, in_arrival_order, slot=False)

    async def _person_lane(self, identity: Identity) -> tuple[str, ...]:
        """The lane of the person writing from this chat (of the chat, before they register).

        A chat not seen since the start is looked up in one gate, in arrival order; while a
        lookup is under way, an update whose person is known queues behind it in the gate
        rather than overtake it, so two chats of one person enter the person's lane in the
        order their updates came. With nobody at the gate a known chat skips it."""
        key = (identity.channel, identity.account, identity.external_id)
        known = self._people.get(key)
        if known is not None and not self._in_gate:
            person_id: int | None = known  # nobody earlier is in the gate: no need to queue
        else:

            async def find() -> int | None:
                cached = self._people.get(key)
                if cached is not None:
                    return cached
                try:
                    return await asyncio.to_thread(self.processor.person_of, identity)
                except (OperationalError, DBAPIError):
                    return None  # the turn itself will say the database is down

            self._in_gate += 1
            try:
                person_id = await self.runner.run(("gate",), find, slot=False)
            finally:
                self._in_gate -= 1
        if person_id is None:
            return ("stranger", *key)
        self._remember(key, person_id)
        return ("person", str(person_id))

    def _learn(self, identity: Identity, result: TurnResult) -> None:
        if result.person_id is not None:
            key = (identity.channel, identity.account, identity.external_id)
            self._remember(key, result.person_id)

    def _remember(self, key: tuple[str, str, str], person_id: int) -> None:
        self._people[key] = person_id
        self._people.move_to_end(key)
        while len(self._people) > PEOPLE_REMEMBERED:
            self._people.popitem(last=False)

    async def handle(self, identity: Identity, event: Event) -> TurnResult:
        """One turn; a file is downloaded only when the person's current step asks for one."""
        event = without_nul(event)
        if event.sent_at is not None and self.clock() - event.sent_at > self.max_update_age:
            event = replace(event, delayed=True, file=None)  # answered, never acted on
        if event.kind == EventKind.FILE and event.file is not None:
            try:
                wanted = await asyncio.to_thread(self.processor.step_accepts_file, identity)
            except (OperationalError, DBAPIError):
                log.exception("database unavailable")
                return TurnResult([Reply(texts.DATABASE_DOWN)])
            if wanted is not None:
                limit = min(self.evidence_bytes, identity.capabilities.file_bytes)
                stored = await download(event.file, wanted, self.files_dir, limit=limit)
                if isinstance(stored, Reply):
                    return TurnResult([stored])
                event = replace(event, stored=stored)
        # the download is done: what is left of the file (its stored copy) pickles
        event = replace(event, file=None)
        now = self.clock()
        try:
            if self.workers is not None:
                result = await self.workers.run(identity, event, now)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(
                    self._turns, self.processor.run_turn, identity, event, now
                )
        except (OperationalError, DBAPIError):
            log.exception("database unavailable during a turn")
            return TurnResult([Reply(texts.DATABASE_DOWN)])
        except TurnsUnavailable:  # logged by the workers with the worker's traceback
            return TurnResult([Reply(texts.DATABASE_DOWN)])
        for reply in result.replies:
            if reply.chart is not None:
                await self._draw(reply)
        return result

    async def replied(self, result: TurnResult) -> None:
        """The channel delivered a turn's replies: a redelivery of its update sends nothing.

        Marks are written in batches (one UPDATE for every reply sent in the last half
        second): a mark lost in a crash only means a redelivered update would ask its
        question once more, while a transaction per update would cost every turn a commit.
        """
        if result.inbound_id is None:
            return
        self._replied.add(result.inbound_id)
        if self._replied_flush is None or self._replied_flush.done():
            self._replied_flush = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(REPLIED_BATCH_SECONDS)
        await self.flush_replied()

    async def flush_replied(self) -> None:
        """Write the marks collected so far (also on shutdown)."""
        ids, self._replied = self._replied, set()
        if not ids:
            return
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._turns, self._mark_replied, ids)
        except (OperationalError, DBAPIError):
            # only costs a repeated prompt if one of these updates comes again
            log.warning("could not record that replies were sent", exc_info=True)

    def _mark_replied(self, ids: set[int]) -> None:
        with transaction(self.engine) as session:
            inbox.mark_replied(session=session, ids=sorted(ids), now=self.clock())

    async def close(self) -> None:
        """Release the turn threads and workers and the chart workers, if any were started."""
        if self._replied_flush is not None and not self._replied_flush.done():
            self._replied_flush.cancel()
        await self.flush_replied()
        self._turns.shutdown(wait=False)
        if self.workers is not None:
            await self.workers.close()
        if self.charts is not None:
            await self.charts.close()

    async def _draw(self, reply: Reply) -> None:
        """Render a chart reply into PNG bytes, or turn it into a friendly "no data" text."""
        if self.charts is None:
            self.charts = ChartRenderer(mode="thread")  # matplotlib loads at the first chart
        assert reply.chart is not None
        try:
            reply.photo = await self.charts.render(reply.chart)
        except EmptyChart:
            reply.text = grafik.NO_DATA
        reply.chart = None
