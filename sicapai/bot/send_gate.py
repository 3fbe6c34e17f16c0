"""One gate for every message the bot sends: Telegram's budget, replies first.

Telegram lets a bot send about 30 messages a second and answers 429 above that; each 429
makes the whole bot wait `retry_after`. PTB's AIORateLimiter keeps the average but lets a
burst of 30 through on top of it, so replies arriving next to a paced reminder broadcast
overshot the budget (67 × 429 in `bench/broadcast.py`). This gate is strict instead: at most
`rate` messages in any `window`, counting a message until `window` after Telegram *answered*
it (Telegram received it before that, so the count can only err on the safe side). People
waiting for a reply are served before reminders (`rate_limit_args={"background": True}`),
so a broadcast only uses what the conversations leave over.

Requests without a chat (getUpdates, answerCallbackQuery, getMe) pass without a slot, as
they do not count against the message budget; a 429 on any request pauses every request.
Telegram's 20 messages a minute in a group are not tracked: the bot answers a group once,
to point people to a private chat, and never writes there again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONish = bool | dict[str, Any] | list[dict[str, Any]]
BACKGROUND = {"background": True}  # rate_limit_args of a reminder


def retry_after_seconds(exc: RetryAfter) -> float:
    """The pause Telegram asked for, without PTB's deprecation warning on `retry_after`."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SendGate(BaseRateLimiter[dict[str, Any]]):
    """At most `rate` messages in any `window` seconds; replies before background sends.

    `rate=None` switches the budget off (a benchmark's diagnostic; 429s are still honoured).
    """

    def __init__(
        self,
        rate: int | None = 30,
        *,
        window: float = 1.0,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.window = window
        self.max_retries = max_retries
        self.clock = clock
        self._done: deque[float] = deque()  # when Telegram answered each recent message
        self._in_flight = 0
        self._replies: deque[asyncio.Future[None]] = deque()
        self._background: deque[asyncio.Future[None]] = deque()
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        for waiter in (*self._replies, *self._background):
            waiter.cancel()
        self._replies.clear()
        self._background.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSONish:
        counted = data.get("chat_id") is not None and self.rate is not None
        background = bool(rate_limit_args and rate_limit_args.get("background"))
        for attempt in range(self.max_retries + 1):
            await self._wait_for_pause()
            if counted:
                await self._admit(background)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                pause = retry_after_seconds(exc) + 0.1
                self._paused_until = max(self._paused_until, self.clock() + pause)
                if attempt == self.max_retries:
                    log.warning("Telegram still asks to wait after %s retries", attempt)
                    raise
                log.info("Telegram asks to wait %.1f s; every send waits", pause)
            finally:
                if counted:
                    self._release()
        raise AssertionError("unreachable")  # pragma: no cover

    # --- the budget -------------------------------------------------------------------
    async def _wait_for_pause(self) -> None:
        # a loop, not an Event: another 429 during the pause moves its end further out
        while (left := self._paused_until - self.clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(left)

    async def _admit(self, background: bool) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._background if background else self._replies).append(waiter)
        self._pump()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._in_flight -= 1  # granted, then cancelled: give the slot back
                self._pump()
            raise

    def _release(self) -> None:
        self._in_flight -= 1
        self._done.append(self.clock())
        self._pump()

    def _pump(self) -> None:
        """Grant free slots in order, replies first; wake up again when one frees."""
        assert self.rate is not None
        now = self.clock()
        while self._done and self._done[0] <= now - self.window:
            self._done.popleft()
        paused = self._paused_until > now
        while not paused and self._in_flight + len(self._done) < self.rate:
            queue = self._replies or self._background
            if not queue:
                break
            waiter = queue.popleft()
            if waiter.done():  # its sender gave up waiting
                continue
            self._in_flight += 1
            waiter.set_result(None)
        if (self._replies or self._background) and self._timer is None:
            if paused:
                wake = self._paused_until
            elif self._done:
                wake = self._done[0] + self.window
            else:
                return  # everything is in flight: a release will pump
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(0.0, wake - now), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._pump()
