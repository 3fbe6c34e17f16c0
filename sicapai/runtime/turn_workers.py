"""Conversation turns in worker processes, so that ORM work stops competing with the bot's
event loop for one interpreter lock.

Why: a turn is mostly Python CPU (SQLAlchemy building and reading rows). In a thread it holds
the same GIL as the event loop that polls Telegram, parses updates and sends replies, so during
a reporting burst the two take turns on one core however many threads run turns
(docs/benchmarks.md). In processes they use every core the machine has.

* Each worker is spawned (not forked: the bot already runs threads), opens its own engine on the
  same database and keeps its own `TurnProcessor`; the parent only passes the
  person, the event and the current time, and gets the replies back.
* A turn goes to the least busy worker. No turn leans on a worker's memory: what a chat did
  (failed invite codes, a group told where reporting happens) is kept in the database
  (`sicapai.models.chat_marks`), so any worker can take any turn. One person's turns still run
  one after another: the Telegram side never hands over a person's next update before the last
  is done.
* A worker that dies (killed, out of memory) is replaced; the person whose turn it was gets the
  "sedang ada gangguan" answer with their step kept, exactly as when the database is down.
* A worker whose parent disappears (the bot was killed with SIGKILL) exits by itself within a
  second instead of lingering (`sicapai.runtime.worker_guard`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from sicapai.handlers.port import Event, Identity
from sicapai.models.db import make_engine
from sicapai.runtime.turns import TurnProcessor, TurnResult
from sicapai.runtime.worker_guard import exit_with_parent

log = logging.getLogger(__name__)


class TurnsUnavailable(Exception):
    """A turn could not run (database down, worker died); the person is told to send again."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build its own `Conversations`: plain values that pickle."""

    database_url: str
    files_dir: str
    default_timezone: str
    bot_username: str | None
    year: int | None
    evidence_bytes: int
    log_level: int
    parent_pid: int


@dataclass(frozen=True)
class Failure:
    """A turn that failed in a worker on the database: sent back as text, because driver
    exceptions do not always survive pickling."""

    traceback: str


_worker: TurnProcessor | None = None  # the worker process's own turn processor


def _start_worker(config: WorkerConfig) -> None:
    global _worker
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s[turn]: %(message)s"
    )
    _worker = TurnProcessor(
        make_engine(config.database_url),
        default_timezone=config.default_timezone,
        bot_username=config.bot_username,
        year=config.year,
        evidence_bytes=config.evidence_bytes,
    )
    exit_with_parent(config.parent_pid)


def _ready() -> int:
    """Warm-up probe: the worker has imported the flows and opened its engine."""
    assert _worker is not None
    return os.getpid()


def _run_turn(identity: Identity, event: Event, now: datetime) -> TurnResult | Failure:
    assert _worker is not None, "worker started without its initializer"
    try:
        return _worker.run_turn(identity, event, now)
    except (OperationalError, DBAPIError):
        return Failure(traceback.format_exc())


class TurnWorkers:
    """A fixed set of single-process pools, so that a turn can be sent to the least busy
    worker (`route`); a pool of several processes would pick one by itself."""

    def __init__(self, processor: TurnProcessor, files_dir: Path, processes: int) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        url = processor.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise ValueError("an in-memory SQLite database cannot be shared with worker processes")
        self.config = WorkerConfig(
            database_url=url.render_as_string(hide_password=False),
            files_dir=str(files_dir),
            default_timezone=processor.default_timezone,
            bot_username=processor.bot_username,
            year=processor.year,
            evidence_bytes=processor.evidence_bytes,
            log_level=logging.getLogger().getEffectiveLevel(),
            parent_pid=os.getpid(),
        )
        self._pools: list[ProcessPoolExecutor | None] = [None] * processes
        self._busy = [0] * processes  # turns handed to each worker and not yet back
        self._started = False

    @property
    def processes(self) -> int:
        return len(self._pools)

    def _pool(self, index: int) -> ProcessPoolExecutor:
        pool = self._pools[index]
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.config,),
            )
            self._pools[index] = pool
        return pool

    async def start(self) -> None:
        """Spawn every worker and wait until each can take a turn (a second or two each)."""
        if self._started:
            return
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._pool(i), _ready) for i in range(self.processes))
        )
        self._started = True

    def route(self) -> int:
        """The least busy worker (the first of equals)."""
        return min(range(self.processes), key=lambda i: (self._busy[i], i))

    async def run(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        index = self.route()
        self._busy[index] += 1
        try:
            return await self._run(index, identity, event, now)
        finally:
            self._busy[index] -= 1

    async def _run(self, index: int, identity: Identity, event: Event, now: datetime) -> TurnResult:
        loop = asyncio.get_running_loop()
        pool = self._pool(index)
        try:
            running = loop.run_in_executor(pool, _run_turn, identity, event, now)
        except BrokenProcessPool:
            # the worker had died before this turn was handed over: nothing of it ran, so it
            # goes to a fresh worker and the person notices nothing
            log.error("a turn worker had died; starting a new one")
            self._replace(index, pool)
            pool = self._pool(index)
            running = loop.run_in_executor(pool, _run_turn, identity, event, now)
        try:
            result = await running
        except BrokenProcessPool:
            # it died during this turn: whether the turn committed is unknown, so it is not
            # run again; the person is asked to send again, and their stored step decides
            log.error("a turn worker died during a turn; starting a new one")
            self._replace(index, pool)
            raise TurnsUnavailable("the turn worker died") from None
        if isinstance(result, Failure):
            log.error("database unavailable during a turn (in a worker):\n%s", result.traceback)
            raise TurnsUnavailable("database unavailable")
        return result

    def _replace(self, index: int, broken: ProcessPoolExecutor) -> None:
        if self._pools[index] is broken:
            self._pools[index] = None
            broken.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """The worker processes alive now (for the operator's and the tests' eyes)."""
        return [
            pid
            for pool in self._pools
            if pool is not None
            for pid in (getattr(pool, "_processes", None) or {})
        ]

    async def close(self) -> None:
        pools, self._pools = self._pools, [None] * self.processes
        for pool in pools:
            if pool is not None:
                await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
