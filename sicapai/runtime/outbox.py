"""Sending the outbox: notices to people other than the one talking, on whatever reaches them.

The conversations write notices into the outbox in the turn's transaction
(`sicapai.models.outbox`); this drains it. The channel that handled the turn drains that turn's
notices at once; a periodic job drains whatever is left (a failed send, a crash between the
commit and the send, a person nobody could reach yet). Each message goes to the person's most
recently bound chat that is not marked unreachable, on a channel with a registered sender, and
falls back to their next chat when one refuses.

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
from sicapai.models import inbox, outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.models.people import organisation_of
from sicapai.models.reachability import mark_unreachable, reachable_chats
from sicapai.models.review import admins
from sicapai.models.types import utcnow
from sicapai.runtime.delivery import Delivery, Sender

log = logging.getLogger(__name__)

WAIT_FOR_A_CHANNEL = timedelta(minutes=10)  # nobody can be reached yet: look again later


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
    targets: list[tuple[int, Identity]]  # (chat row, where to send), best first


class OutboxSender:
    """Drains the outbox through the registered channel senders."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.senders: dict[str, Sender] = {}
        self._lock = asyncio.Lock()

    def register(self, channel: str, send: Sender) -> None:
        self.senders[channel] = send

    async def drain(self, ids: list[int] | None = None) -> int:
        """Send the given rows (a turn's notices), or everything due; returns how many went."""
        if ids is None:
            ids = await asyncio.to_thread(self._due)
        sent = 0
        queue = list(ids)
        while queue:
            sent += await self._send(queue.pop(0), queue)
        return sent

    def _due(self) -> list[int]:
        with Session(self.engine) as session:
            return outbox.due_ids(session=session, now=self.clock())

    async def _send(self, message_id: int, queue: list[int]) -> int:
        claimed = await asyncio.to_thread(self._claim, message_id)
        if claimed is None:
            return 0
        for chat_row, identity in claimed.targets:
            send = self.senders[identity.channel]
            try:
                result = await send(identity, claimed.reply)
            except Exception:  # a sender bug must not stop the queue
                log.exception("sending an outbox message failed")
                result = Delivery(ok=False, temporary=True, error="sender error")
            if result.blocked:
                # the admins' warning goes out in this same round
                queue += await asyncio.to_thread(self._unreachable, chat_row)
                continue  # the person's next chat, if any
            await asyncio.to_thread(self._record, claimed, identity.channel, result)
            return 1 if result.ok else 0
        await asyncio.to_thread(self._nobody, claimed)
        return 0

    def _claim(self, message_id: int) -> _Claimed | None:
        now = self.clock()
        with transaction(self.engine) as session:
            row = outbox.claim(session=session, message_id=message_id, now=now)
            if row is None or row.id is None:
                return None
            chats = reachable_chats(session=session, person_id=row.person_id)
            targets = [
                (c.id, Identity(c.channel, c.external_id, c.chat_id or c.external_id))
                for c in chats
                if c.id is not None and c.channel in self.senders
            ]
            reply = Reply(
                text=row.text,
                buttons=[[Button(b["label"], b["data"]) for b in line] for line in row.buttons],
            )
            return _Claimed(row.id, row.attempts, reply, targets)

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
    """Drop updates older than any redelivery, and outbox rows done for a week."""
    with transaction(engine) as session:
        inbox.prune(session=session, now=now)
        outbox.prune(session=session, now=now)
