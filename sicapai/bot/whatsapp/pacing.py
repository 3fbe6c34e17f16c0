"""How fast one business number may send: its throughput, shared, and each person's pair rate.

Meta counts a number's messages per second in and out (80 by default; 130429 past it) and
throttles messages to one person to about one every six seconds after a short burst (131056).
Every send of the number — replies, notices, reminders — takes a slot here first: replies
before background sends (a reminder round never makes a person wait for their next step), and
at most `pair_burst` quick messages to one person before they are spaced `pair_interval` apart.
An error that says a limit was reached anyway pauses the number or the person.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

NUMBER_RATE = 76.0  # 95% of Meta's default 80 a second, inbound messages included
PAIR_BURST = 3
PAIR_INTERVAL = 6.0
PAIR_MARGIN = 1.1
PAIR_FORGET = 10_000  # recipients remembered; full buckets are forgotten first


@dataclass
class _Bucket:
    tokens: float
    at: float
    lock: asyncio.Lock


class SendBudget:
    def __init__(
        self,
        rate: float = NUMBER_RATE,
        *,
        pair_burst: int = PAIR_BURST,
        pair_interval: float = PAIR_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.pair_burst = pair_burst
        # 0: no pair rate; a tenth more than Meta's, so that a send that reaches Meta sooner
        # after the one before than it left here is still within the rate
        self.pair_interval = pair_interval * PAIR_MARGIN
        self.clock = clock
        self._sent: deque[float] = deque()
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._foreground = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._pairs: dict[str, _Bucket] = {}
        self._held: dict[str, float] = {}  # recipient -> until when Meta asked us to wait

    async def acquire(self, recipient: str, *, background: bool = False) -> float:
        """Wait for this send's slot; returns the seconds waited."""
        start = self.clock()
        await self._pair(recipient)
        await self._number(background)
        return self.clock() - start

    def note_inbound(self) -> None:
        """A message the number received: Meta counts it against the same throughput."""
        self._sent.append(self.clock())

    def pause_all(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def pause_one(self, recipient: str, seconds: float = PAIR_INTERVAL) -> None:
        """Meta said this person got too many messages: theirs wait, nobody else's."""
        if len(self._held) >= PAIR_FORGET:
            now = self.clock()
            self._held = {k: v for k, v in self._held.items() if v > now}
        self._held[recipient] = max(self._held.get(recipient, 0.0), self.clock() + seconds)
        if recipient in self._pairs:
            self._pairs[recipient].tokens = 0.0

    # --- the person -------------------------------------------------------------------------
    async def _pair(self, recipient: str) -> None:
        until = self._held.get(recipient)
        if until is not None:
            wait = until - self.clock()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                del self._held[recipient]
        if self.pair_interval <= 0:
            return
        bucket = self._bucket(recipient)
        async with bucket.lock:
            now = self.clock()
            if now > bucket.at:
                bucket.tokens = min(
                    float(self.pair_burst), bucket.tokens + (now - bucket.at) / self.pair_interval
                )
                bucket.at = now
            if bucket.tokens < 1.0:
                wait = (1.0 - bucket.tokens) * self.pair_interval + max(0.0, bucket.at - now)
                await asyncio.sleep(wait)
                bucket.tokens, bucket.at = 1.0, self.clock()
            bucket.tokens -= 1.0

    def _bucket(self, recipient: str) -> _Bucket:
        bucket = self._pairs.get(recipient)
        if bucket is None:
            if len(self._pairs) >= PAIR_FORGET:
                self._forget_full()
            bucket = _Bucket(float(self.pair_burst), self.clock(), asyncio.Lock())
            self._pairs[recipient] = bucket
        return bucket

    def _forget_full(self) -> None:
        now = self.clock()
        full = self.pair_burst * self.pair_interval
        for key, bucket in list(self._pairs.items()):
            if not bucket.lock.locked() and now - bucket.at >= full:
                del self._pairs[key]

    # --- the number -------------------------------------------------------------------------
    async def _number(self, background: bool) -> None:
        if background:
            while self._foreground:
                self._idle.clear()
                await self._idle.wait()
        else:
            self._foreground += 1
        try:
            async with self._lock:
                now = self.clock()
                while self._sent and self._sent[0] <= now - 1.0:
                    self._sent.popleft()
                slot = max(now, self._next, self._paused_until)
                if len(self._sent) >= self.rate:
                    slot = max(slot, self._sent[-int(self.rate)] + 1.0)
                if slot > now:
                    await asyncio.sleep(slot - now)
                self._next = slot + self.interval
                self._sent.append(max(slot, self.clock()))
        finally:
            if not background:
                self._foreground -= 1
                if not self._foreground:
                    self._idle.set()
