"""What a channel's sender reports back, whichever platform it talks to, and which of a
person's chats a message is tried on.

Reminders and the outbox decide from this alone what to do next: record the send, stop
writing to a chat that refuses (and tell the admin), try again later, leave a send that
timed out alone (the platform most likely delivered it; sending again would repeat it), or let
the message wait for the person on a channel nobody receives on right now (the terminal).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sicapai.handlers.port import Identity, Reply
from sicapai.models.organisation import ChatIdentity
from sicapai.models.reachability import HELD_UNTIL_OPENED

# Channels with no receiver while the person is away: `sicapai chat` reads only while someone
# types in it. A message for a chat of these waits (pending, not an attempt) until the
# person's next session registers its sender and shows what waited.
WAITING_CHANNELS = HELD_UNTIL_OPENED


@dataclass(frozen=True)
class Delivery:
    ok: bool
    blocked: bool = False  # the person blocked the bot or closed the chat: stop writing there
    temporary: bool = False  # network trouble, 429 or 5xx: try again later
    unknown: bool = False  # timed out: most likely delivered, never resent blindly
    held: bool = False  # nobody receives on this chat now: the message waits for the person
    # this channel cannot carry it now (its token expired, its template is paused): try the
    # person's next chat, without marking this one unreachable
    try_next: bool = False
    error: str = ""


Sender = Callable[[Identity, Reply], Awaitable[Delivery]]


@dataclass(frozen=True)
class Target:
    """One chat a message may go to: through `send`, or (None) by waiting there."""

    chat_row: int  # the ChatIdentity row (marked unreachable if it refuses)
    identity: Identity
    send: Sender | None

    @property
    def channel(self) -> str:
        return self.identity.channel


def targets(
    chats: Sequence[ChatIdentity],
    senders: Mapping[str, Sender],
    waiting: frozenset[str] = WAITING_CHANNELS,
) -> list[Target]:
    """The chats a message is tried on, in the order given (`reachable_chats`: the preferred
    channel, the last used, the rest): those with a registered sender, up to the first one on
    a waiting channel without a receiver now, where the message then waits. A chat on a
    channel this process does not serve (and that does not wait) is skipped."""
    found: list[Target] = []
    for chat in chats:
        if chat.id is None:
            continue
        identity = Identity(chat.channel, chat.external_id, chat.chat_id or chat.external_id)
        send = senders.get(chat.channel)
        if send is not None:
            found.append(Target(chat.id, identity, send))
        elif chat.channel in waiting:
            found.append(Target(chat.id, identity, None))
            break  # it waits here: a waiting chat does not refuse, so none after it is tried
    return found
