"""Sending the outbox: notices to people other than the one talking, on whatever reaches them.

The conversations write notices into the outbox in the turn's transaction
(`sicapai.models.outbox`); this drains it. The channel that handled the turn drains that turn's
notices at once; a periodic job drains whatever is left (a failed send, a crash between the
commit and the send, a person nobody could reach yet). Each message goes to the person's chats
that are not marked unreachable in delivery order — the channel they chose with `/saluran`,
else the one they last wrote on, then the rest (`reachable_chats`) — on a channel with a
registered sender, and falls back to their next chat when one refuses.

A chat on a channel nobody receives on while the person is away (the terminal,
`delivery.WAITING_CHANNELS`) does not refuse: the message waits there, pending and without
counting an attempt, until the person opens the channel again; that session registers its
sender and drains what waited for them (`drain_waiting`).

A chat that refuses delivery (the bot was blocked) is marked unreachable in the same
transaction that tells the office's admins, once: a durable notice like any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from sicapai.handlers.port import Button, Identity, Reply
from sicapai.handlers.texts import pengingat as texts
from sicapai.models import chat_marks, inbox, links, outbox, sent_messages
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.models.people import identity_of, organisation_of
from sicapai.models.reachability import mark_unreachable, reachable_chats
from sicapai.models.review import admins
from sicapai.models.types import utcnow
from sicapai.runtime.delivery import WAITING_CHANNELS, Delivery, Sender, Target, targets

log = logging.getLogger(__name__)

WAIT_FOR_A_CHANNEL = timedelta(minutes=10)  # nobody can be reached yet: look again later
# a message waiting on the terminal is looked at again this often: should the person write
# on another channel meanwhile (their last-used one changes), it follows them there
LOOK_AGAIN = timedelta(minutes=2)


def retry_pause(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 … minutes, at most an hour, between failed attempts."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def tell_admins_unreachable(session: Session, chat: ChatIdentity, now: datetime) -> list[int]:
    """Mark a chat that refused delivery and, if this call set the mark, queue a warning to
    the person's office admins in the same transaction (so it is sent once and never lost);
    returns the warnings' outbox ids."""
    if not mark_unreachable(session=session, chat=chat, now=now):
        return []
    person = session.get(Person, chat.person_id)
    org = organisation_of(session=session, person_id=chat.person_id)
    log.warning(
        "person %s cannot be reached on %s; marked unreachable", chat.person_id, chat.channel
    )
    if person is None or org is None or org.id is None:
        return []
    warnings = [
        outbox.enqueue(
            session=session,
            person_id=admin.id,
            text=texts.unreachable_warning(person.name, chat.channel),
            now=now,
        )
        for admin in admins(session=session, organisation_id=org.id)
        if admin.id is not None and admin.id != person.id
    ]
    session.flush()
    return [w.id for w in warnings if w.id is not None]


@dataclass(frozen=True)
class _Claimed:
    message_id: int
    attempts: int
    reply: Reply
    targets: list[Target]  # where to send, best first
    early: bool = False  # taken before it was due, for the person who just came


class OutboxSender:
    """Drains the outbox through the registered channel senders (channel → sender)."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utcnow,
        waiting: frozenset[str] = WAITING_CHANNELS,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.senders: dict[str, Sender] = {}
        self.waiting = waiting  # channels whose messages wait for the person to come back
        self._lock = asyncio.Lock()

    def register(self, channel: str, send: Sender) -> None:
        self.senders[channel] = send

    def unregister(self, channel: str) -> None:
        """The channel stopped receiving (a terminal session ended)."""
        self.senders.pop(channel, None)

    async def drain(self, ids: list[int] | None = None) -> int:
        """Send the given rows (a turn's notices), or everything due; returns how many went."""
        if ids is None:
            ids = await asyncio.to_thread(self._due)
        return await self._drain(ids, early=False)

    async def drain_waiting(self, identity: Identity) -> int:
        """Send what waits for the person behind `identity`, due or not: they just opened a
        channel their messages wait for (the terminal). Returns how many went."""
        ids = await asyncio.to_thread(self._waiting, identity)
        return await self._drain(ids, early=True)

    async def _drain(self, ids: list[int], *, early: bool) -> int:
        sent = 0
        queue = list(ids)
        while queue:
            sent += await self._send(queue.pop(0), queue, early=early)
        return sent

    def _due(self) -> list[int]:
        with Session(self.engine) as session:
            return outbox.due_ids(session=session, now=self.clock())

    def _waiting(self, identity: Identity) -> list[int]:
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            if chat is None:
                return []
            rows = outbox.waiting_for(session=session, person_id=chat.person_id)
            return [r.id for r in rows if r.id is not None]

    async def _send(self, message_id: int, queue: list[int], *, early: bool = False) -> int:
        claimed = await asyncio.to_thread(self._claim, message_id, early)
        if claimed is None:
            return 0
        for target in claimed.targets:
            if target.send is None:  # nobody receives there now: it waits for the person
                await asyncio.to_thread(self._hold, claimed, target.channel)
                return 0
            try:
                result = await target.send(target.identity, claimed.reply)
            except Exception:  # a sender bug must not stop the queue
                log.exception("sending an outbox message failed")
                result = Delivery(ok=False, temporary=True, error="sender error")
            if result.held:
                await asyncio.to_thread(self._hold, claimed, target.channel)
                return 0
            if result.blocked:
                # the admins' warning goes out in this same round
                queue += await asyncio.to_thread(self._unreachable, target.chat_row)
                continue  # the person's next chat, if any
            if result.try_next and target is not claimed.targets[-1]:
                continue
            await asyncio.to_thread(self._record, claimed, target.channel, result)
            return 1 if result.ok else 0
        if claimed.early:  # not this session's to decide: the row stays as it was
            await asyncio.to_thread(self._hold, claimed, None)
            return 0
        await asyncio.to_thread(self._nobody, claimed)
        return 0

    def _claim(self, message_id: int, early: bool = False) -> _Claimed | None:
        now = self.clock()
        with transaction(self.engine) as session:
            row = outbox.claim(session=session, message_id=message_id, now=now, early=early)
            if row is None or row.id is None:
                return None
            chats = reachable_chats(session=session, person_id=row.person_id)
            reply = Reply(
                text=row.text,
                buttons=[[Button(b["label"], b["data"]) for b in line] for line in row.buttons],
            )
            found = targets(chats, self.senders, self.waiting)
            return _Claimed(row.id, row.attempts, reply, found, early)

    def _hold(self, claimed: _Claimed, channel: str | None) -> None:
        """The message waits for the person (on `channel`): back to pending, no attempt
        counted, looked at again in a while; a drain for one person that could not deliver
        leaves the row exactly as it found it."""
        with transaction(self.engine) as session:
            outbox.release(
                session=session,
                message_id=claimed.message_id,
                channel=channel,
                next_attempt_at=None if claimed.early else self.clock() + LOOK_AGAIN,
            )

    def _record(self, claimed: _Claimed, channel: str, result: Delivery) -> None:
        now = self.clock()
        with transaction(self.engine) as session:
            if result.ok:
                status, retry = outbox.SENT, None
            elif result.unknown:
                status, retry = outbox.UNKNOWN, None
            elif result.temporary and claimed.attempts < outbox.MAX_ATTEMPTS:
                status, retry = outbox.PENDING, retry_pause(claimed.attempts)
            else:
                status, retry = outbox.FAILED, None
            outbox.finish(
                session=session,
                message_id=claimed.message_id,
                status=status,
                now=now,
                channel=channel,
                error=result.error or None,
                retry_in=retry,
            )

    def _unreachable(self, chat_row: int) -> list[int]:
        now = self.clock()
        with transaction(self.engine) as session:
            chat = session.get(ChatIdentity, chat_row)
            return tell_admins_unreachable(session, chat, now) if chat is not None else []

    def _nobody(self, claimed: _Claimed) -> None:
        """No chat of the person could take it now: wait for one (a channel that starts later,
        a mark the person clears by writing again), or give up after many attempts."""
        now = self.clock()
        with transaction(self.engine) as session:
            give_up = claimed.attempts >= outbox.MAX_ATTEMPTS * 4
            outbox.finish(
                session=session,
                message_id=claimed.message_id,
                status=outbox.FAILED,
                now=now,
                error="tidak ada saluran yang dapat menerima",
                retry_in=None if give_up else WAIT_FOR_A_CHANNEL,
            )


def prune_records(engine: Engine, now: datetime) -> None:
    """Drop updates older than any redelivery, outbox rows done for a week, and chat marks
    that expired (failed invite codes out of their hour, a group's month-old pointer)."""
    with transaction(engine) as session:
        inbox.prune(session=session, now=now)
        outbox.prune(session=session, now=now)
        chat_marks.prune(session=session, now=now)
        sent_messages.prune(session=session, now=now)
        links.prune(session=session, now=now)
