"""One person's updates one after another, different people at once, whatever the channel.

A person may write on Telegram and in the terminal (later WhatsApp) at the same moment; their
turns must still run in the order they arrived, each on the state the one before left, and
their replies go out in that order. The conversation service runs every update through a
`TurnRunner`: the in-process `LocalTurnRunner` below, which a job queue can replace when
several machines share the work.

Two rules keep one person from stalling everyone else: an update waits for the person's
earlier updates *before* it takes one of the shared slots, so a person who floods the bot
parks their updates in their own lane, not in the slots; and a lane nobody waits on is
dropped, so the table of lanes stays as small as the number of people active right now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Protocol, TypeVar

T = TypeVar("T")

SHARED_SLOTS = 64  # updates worked on at once, all people together


class TurnRunner(Protocol):
    async def run(
        self, lane: Hashable, work: Callable[[], Awaitable[T]], *, slot: bool = True
    ) -> T:
        """Run `work` after every earlier work of the same lane, in arrival order; with
        `slot`, inside one of the shared slots (taken only once the lane is free)."""
        ...


class _Lane:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()  # FIFO: waiters acquire in the order they asked
        self.users = 0


class LocalTurnRunner:
    """Lanes and slots in this process's event loop."""

    def __init__(self, slots: int = SHARED_SLOTS) -> None:
        self._slots = asyncio.Semaphore(slots)
        self._lanes: dict[Hashable, _Lane] = {}

    @property
    def active_lanes(self) -> int:
        return len(self._lanes)

    async def run(
        self, lane: Hashable, work: Callable[[], Awaitable[T]], *, slot: bool = True
    ) -> T:
        held = self._enter(lane)
        try:
            async with held.lock:
                if not slot:
                    return await work()
                async with self._slots:
                    return await work()
        finally:
            self._leave(lane, held)

    def _enter(self, key: Hashable) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.users += 1
        return lane

    def _leave(self, key: Hashable, lane: _Lane) -> None:
        lane.users -= 1
        if lane.users == 0 and self._lanes.get(key) is lane:
            del self._lanes[key]
