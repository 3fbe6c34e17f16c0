"""Many small writes from many coroutines as a few transactions: a group commit.

A database pays for a transaction mostly at its commit (an fsync on SQLite, a round trip and a
WAL flush on PostgreSQL), and SQLite lets one writer in at a time. Eight reminders in flight
that each commit their own claim and record, beside a webhook writer committing three status
reports per message, spend their time queueing for the write lock (bench/whatsapp). Here
every write waits in a queue; one writer takes whatever is queued, writes it in one
transaction, and wakes each waiter with its own result; what arrives meanwhile goes into the
next transaction. A waiter is woken only after the commit, so "written" still means durable.

One bad item must not sink its neighbours: when a batch fails, each of its items is written
again alone, so only the item that fails gets the error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """`write(items)` runs in a worker thread, writes every item in one transaction and
    returns one result per item, in order."""

    def __init__(self, write: Callable[[Sequence[T]], Sequence[R]], *, name: str) -> None:
        self._write = write
        self._name = name
        self._queue: list[tuple[T, asyncio.Future[R] | None]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Written and committed when this returns; raises what writing this item raised."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._enqueue(item, future)
        return await future

    def post(self, item: T) -> None:
        """Written in the next transaction; nobody waits (a failure is logged)."""
        self._enqueue(item, None)

    async def flush(self) -> None:
        """Until everything queued so far is written (shutdown, tests)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    def _enqueue(self, item: T, future: asyncio.Future[R] | None) -> None:
        self._queue.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results = await asyncio.to_thread(self._write, [item for item, _ in batch])
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc, self._name)
                    continue
                for item, future in batch:  # alone, so only the bad one fails
                    try:
                        (result,) = await asyncio.to_thread(self._write, [item])
                    except Exception as one:
                        _settle(future, one, self._name)
                    else:
                        _settle(future, result, self._name)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                _settle(future, result, self._name)


def _settle(future: asyncio.Future[R] | None, outcome: R | BaseException, name: str) -> None:
    if future is None:
        if isinstance(outcome, BaseException):
            # the SQL error would quote what was written: its kind only
            log.warning("%s: a write failed (%s)", name, type(outcome).__name__)
        return
    if future.done():  # its waiter was cancelled
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
