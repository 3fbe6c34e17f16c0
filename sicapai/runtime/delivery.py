"""What a channel's sender reports back, whichever platform it talks to.

Reminders and the outbox decide from this alone what to do next: record the send, stop
writing to a chat that refuses (and tell the admin), try again later, or leave a send that
timed out alone (the platform most likely delivered it; sending again would repeat it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sicapai.handlers.port import Identity, Reply


@dataclass(frozen=True)
class Delivery:
    ok: bool
    blocked: bool = False  # the person blocked the bot or closed the chat: stop writing there
    temporary: bool = False  # network trouble, 429 or 5xx: try again later
    unknown: bool = False  # timed out: most likely delivered, never resent blindly
    error: str = ""


Sender = Callable[[Identity, Reply], Awaitable[Delivery]]
