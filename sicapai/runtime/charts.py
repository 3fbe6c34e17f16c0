"""Render charts off the event loop: a small pre-warmed process pool behind an LRU cache.

Why: drawing a 25-row chart keeps matplotlib busy for a few hundred milliseconds. On the event
loop that freezes every conversation and makes APScheduler skip reminder jobs (misfire). In a
thread it is little better, because matplotlib holds the GIL for most of that time, so the loop
still waits (docs/benchmarks.md has the figures). A process pool leaves the loop free.

* Worker processes are spawned, not forked: forking a process that already runs threads (PTB,
  APScheduler, the executor's own) can copy a lock that another thread holds and hang the child.
* Each worker is warmed up when it starts (matplotlib imported, fonts loaded, one tiny chart
  drawn) and `start()` waits until every worker is warm, so the first real chart is fast.
* A worker exits by itself when the bot that started it is gone (`sicapai.runtime.worker_guard`).
* A chart is keyed by its data (`chart_key`): the same chart asked for again, or asked for by a
  second person while the first render is still running, is drawn once.
* Where processes cannot be created (some sandboxes lack the semaphores multiprocessing needs)
  the renderer falls back to a thread pool and says so in the log; slower, but it still works.

`mode="thread"` and `mode="inline"` exist so that the benchmark and the tests can compare; the
bot uses the default, `"process"`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from typing import Final, Literal, Self

from sicapai.reports.chart_specs import CapaianBar, CapaianChart, Chart, ChartMeta, chart_key
from sicapai.runtime.worker_guard import exit_with_parent

__all__ = ["ChartRenderer", "Mode", "warm_up"]

log = logging.getLogger(__name__)

Mode = Literal["process", "thread", "inline"]

_WARM_UP_CHART: Final = CapaianChart(
    meta=ChartMeta(title="Pemanasan", period_label="TW I 2025", read_at="1 Januari 2025"),
    bars=(CapaianBar("IK.01", "Persentase pemanasan", Decimal("95.5"), "Sangat Tinggi"),),
)


def render_png(chart: Chart) -> bytes:
    """Draw a chart. matplotlib is imported here, at the first chart, not with this module:
    it costs about half a second, and only the processes that draw should pay it (the CLI,
    the conversations and this pool's parent never do)."""
    from sicapai.reports.charts import render_png as draw

    return draw(chart)


def warm_up() -> int:
    """Import matplotlib, load the fonts and draw one tiny chart; returns this process's id."""
    render_png(_WARM_UP_CHART)
    return os.getpid()


def _start_worker(parent_pid: int) -> None:
    exit_with_parent(parent_pid)
    warm_up()


def _worker_pid() -> int:
    # A short pause, so that one warm worker cannot take every probe before the others are up.
    time.sleep(0.02)
    return os.getpid()


class ChartRenderer:
    """Turns chart data into PNG bytes without blocking the event loop.

    Use `await start()` at startup (or let the first `render` start it), `await render(chart)`
    per request, and `await close()` at shutdown; or `async with ChartRenderer() as renderer`.
    `cache_hits` counts requests answered without drawing, `renders` the charts drawn.
    """

    def __init__(
        self,
        *,
        mode: Mode = "process",
        max_workers: int = 2,
        cache_size: int = 64,
        mp_context: Literal["spawn", "forkserver"] = "spawn",
        start_timeout: float = 120.0,
    ) -> None:
        if mode not in ("process", "thread", "inline"):
            raise ValueError(f"unknown mode {mode!r}")
        if mp_context not in ("spawn", "forkserver"):
            raise ValueError("use 'spawn' or 'forkserver': 'fork' is unsafe in a threaded process")
        if max_workers < 1 or cache_size < 0:
            raise ValueError("max_workers must be at least 1 and cache_size not negative")
        self.requested_mode: Final[Mode] = mode
        self.mode: Mode = mode  # what is in use: "thread" after a failed process pool
        self.max_workers = max_workers
        self.cache_size = cache_size
        self.cache_hits = 0
        self.renders = 0
        self._mp_context = mp_context
        self._start_timeout = start_timeout
        self._executor: Executor | None = None
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[bytes]] = {}
        self._lock = asyncio.Lock()
        self._started = False
        self._closed = False

    @property
    def started(self) -> bool:
        return self._started

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Create the pool and warm every worker up; safe to call more than once."""
        async with self._lock:
            if self._closed:
                raise RuntimeError("ChartRenderer is closed")
            if self._started:
                return
            if self.mode == "process":
                try:
                    await self._start_processes()
                except (OSError, ImportError, NotImplementedError, BrokenProcessPool) as exc:
                    log.warning("chart process pool unavailable (%s); using threads", exc)
                    self._discard_executor()
                    self.mode = "thread"
            if self.mode == "thread":
                self._executor = ThreadPoolExecutor(
                    max_workers=self.max_workers, thread_name_prefix="sicapai-chart"
                )
                await asyncio.get_running_loop().run_in_executor(self._executor, warm_up)
            elif self.mode == "inline":
                warm_up()  # blocks the loop once, at startup; inline mode is for comparison only
            self._started = True

    async def render(self, chart: Chart) -> bytes:
        """PNG bytes of `chart`, from the cache when the same data was drawn before.

        Raises `EmptyChart` (from the worker) when there is nothing to draw.
        """
        if self._closed:
            raise RuntimeError("ChartRenderer is closed")
        if not self._started:
            await self.start()
        key = chart_key(chart)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.cache_hits += 1
            return cached
        task = self._inflight.get(key)
        if task is not None:  # the same chart is being drawn for someone else: share it
            self.cache_hits += 1
            return await asyncio.shield(task)
        task = asyncio.ensure_future(self._draw(key, chart))
        self._inflight[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))
        # Shielded: a person who gives up does not cancel the render another person waits for.
        return await asyncio.shield(task)

    async def close(self) -> None:
        """Stop the workers (waiting for running renders) and drop the cache."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._inflight.values()):
            task.cancel()
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
        self._cache.clear()

    async def _draw(self, key: str, chart: Chart) -> bytes:
        if self.mode == "inline":
            png = render_png(chart)
        else:
            png = await self._in_pool(chart)
        self.renders += 1
        if self.cache_size:
            self._cache[key] = png
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return png

    async def _in_pool(self, chart: Chart) -> bytes:
        loop = asyncio.get_running_loop()
        executor = self._executor
        if executor is None:
            raise RuntimeError("ChartRenderer is closed")
        try:
            return await loop.run_in_executor(executor, render_png, chart)
        except BrokenProcessPool:
            # A worker died (killed, out of memory). Replace the pool once and try again.
            if self._closed:
                raise
            log.warning("a chart worker died; restarting the process pool")
            async with self._lock:
                if self._executor is executor:
                    self._discard_executor()
                    self._executor = self._process_pool()
                replacement = self._executor
            if replacement is None:
                raise
            return await loop.run_in_executor(replacement, render_png, chart)

    async def _start_processes(self) -> None:
        """Spawn every worker and wait until each has run its warm-up."""
        self._executor = self._process_pool()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._start_timeout
        warm: set[int] = set()
        while len(warm) < self.max_workers and loop.time() < deadline:
            probes = [
                loop.run_in_executor(self._executor, _worker_pid) for _ in range(self.max_workers)
            ]
            warm.update(await asyncio.gather(*probes))
        if len(warm) < self.max_workers:
            log.warning("only %d of %d chart workers warm", len(warm), self.max_workers)

    def _process_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.max_workers,
            mp_context=multiprocessing.get_context(self._mp_context),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    def _discard_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _forget(self, key: str, task: asyncio.Task[bytes]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so an unwatched failure logs no warning
