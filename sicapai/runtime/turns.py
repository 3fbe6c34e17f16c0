"""One turn of a conversation, in one database transaction, wherever it runs.

Find the person, their dialog state and whether this update was handled before; let the flow
act; store the new state, the flow's writes, the notices it queued and the record of the
update together — or nothing at all. The same `TurnProcessor` runs in a thread of the bot's
process (`sicapai chat`, the tests) and in each turn worker process (`sicapai run`).

A turn that lost a race is never half applied: when the person's dialog state moved under it,
or a unique key shows that someone else inserted the same thing first, it is rolled back and
run once more on the fresh state; when a decision finds that what the person saw is no longer
true (`Conflict`), it is rolled back and the flow tells the person what changed, on fresh data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sicapai.handlers import registry, router, texts
from sicapai.handlers.port import Button, Event, Identity, Reply
from sicapai.handlers.turn import FileRule, Turn
from sicapai.models import inbox, outbox
from sicapai.models.db import transaction
from sicapai.models.guards import Conflict, StaleState, is_unique_violation, reflect
from sicapai.models.inbox import InboundUpdate
from sicapai.models.memo import remember_reads
from sicapai.models.operations import DialogState
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.models.people import identity_of
from sicapai.models.reachability import note_channel
from sicapai.reports.chart_specs import chart_from_plain, chart_to_plain
from sicapai.runtime.downloads import EVIDENCE_BYTES

log = logging.getLogger(__name__)


@dataclass
class TurnResult:
    replies: list[Reply]
    notices: list[tuple[Identity | None, Reply]] = field(default_factory=list)
    notice_ids: list[int] = field(default_factory=list)  # outbox rows this turn queued
    inbound_id: int | None = None  # inbox row to mark replied once the replies are out
    repeat: bool = False  # a redelivered update: nothing was done again
    menu_changed: bool = False  # who is an admin changed: the command menus need a sync
    person_id: int | None = None  # who the update came from, once known (orders their turns)


class TurnProcessor:
    """Runs one turn in one transaction: the same code in a thread of the bot, in a worker
    process of its own, or — later — in a job."""

    def __init__(
        self,
        engine: Engine,
        *,
        default_timezone: str = "Asia/Makassar",
        bot_username: str | None = None,
        year: int | None = None,
        evidence_bytes: int = EVIDENCE_BYTES,
    ) -> None:
        self.engine = engine
        self.default_timezone = default_timezone
        self.bot_username = bot_username
        self.year = year
        self.evidence_bytes = evidence_bytes  # the product's limit, SICAPAI_EVIDENCE_MB

    def person_of(self, identity: Identity) -> int | None:
        """Who writes from this chat, if anyone registered it (to order their turns)."""
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            return chat.person_id if chat else None

    def expects_menu_choice(self, identity: Identity) -> bool:
        """Whether the person's current step waits for a button rather than typed input."""
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            if chat is None:
                return True
            return not registry.expects_typing(session.get(DialogState, chat.person_id))

    def step_accepts_file(self, identity: Identity) -> FileRule | None:
        """The kind of file the person's current step wants, or None if it wants none.

        Only the person's private chat is where a step waits: a file they share in a group
        is never downloaded into the evidence folder.
        """
        if not identity.private:
            return None
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            if chat is None:
                return None
            state = session.get(DialogState, chat.person_id)
            return registry.file_rule(state)

    # --- one turn ------------------------------------------------------------------------
    def run_turn(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        """One turn in one transaction, on whichever thread or process runs it; `now` comes
        from the caller, so a worker process keeps to the bot's clock.

        A turn that lost a race is never half applied: when the person's dialog state moved
        under it, or a unique key tells that someone else inserted the same thing first, it
        is rolled back and run once more on the fresh state; when a decision finds that what
        the person saw is no longer true (`Conflict`), it is rolled back and the flow tells
        the person what changed, on fresh data.
        """
        for _attempt in range(2):
            try:
                return self._attempt(identity, event, now)
            except StaleState:
                log.info("a turn raced another of the same person; running it again")
            except IntegrityError as exc:
                if not is_unique_violation(exc):
                    raise
                log.info("a turn raced an insert of the same key; running it again")
            except Conflict as conflict:
                return self._recover(identity, event, now, conflict)
        return self._recover(identity, event, now, None)

    def _attempt(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        with transaction(self.engine) as session:
            remember_reads(session)
            person, state, chat, seen = _who_and_where(session, identity, event.inbound_id)
            if seen is not None and seen.status != inbox.RECEIVED:
                return _repeat(seen, state)
            if chat is not None and chat.unreachable_at is not None:
                _reachable_again(session, chat)
            if person is not None and chat is not None and person.last_channel != chat.channel:
                note_channel(session=session, person=person, channel=chat.channel)
            turn = Turn(
                session=session,
                identity=identity,
                event=event,
                person=person,
                state=state,
                now=now,
                app=self,
            )
            router.dispatch(turn)
            result = self._finish(session, turn, received=seen)
        self._drop_discarded(turn)
        return result

    def _recover(
        self, identity: Identity, event: Event, now: datetime, conflict: Conflict | None
    ) -> TurnResult:
        """A fresh transaction in which the flow explains what changed (or, after a second
        lost race, the person is asked to send again); the event is not acted on."""
        with transaction(self.engine) as session:
            remember_reads(session)
            person, state, _chat, seen = _who_and_where(session, identity, event.inbound_id)
            received = seen if seen is not None and seen.status == inbox.RECEIVED else None
            turn = Turn(
                session=session,
                identity=identity,
                event=event,
                person=person,
                state=state,
                now=now,
                app=self,
            )
            router.recover(turn, conflict)
            return self._finish(session, turn, received=received)

    def _finish(
        self, session: Session, turn: Turn, received: InboundUpdate | None = None
    ) -> TurnResult:
        """Store the state, queue the notices and record the update, with the turn's writes
        (an update `received` on arrival, by a webhook, is completed instead)."""
        replies = turn.finish()
        notices: list[tuple[Identity | None, Reply]] = []
        queued: list[outbox.OutboxMessage] = []
        for notice in turn.notices:
            queued.append(
                outbox.enqueue(
                    session=session, person_id=notice.person_id, text=notice.text, now=turn.now
                )
            )
            notices.append((router.identity_for(session, notice.person_id), Reply(notice.text)))
        inbound_id = None
        if received is not None and received.id is not None:
            if not inbox.complete(
                session=session,
                row_id=received.id,
                person_id=turn.person.id if turn.person else None,
                state_version=turn.version,
                replies=[reply_to_plain(r) for r in replies],
                now=turn.now,
            ):
                raise StaleState  # another process handled it first: run again, as a repeat
            inbound_id = received.id
        elif turn.event.inbound_id:
            row = inbox.record(
                session=session,
                channel=turn.identity.channel,
                account=turn.identity.account,
                external_id=turn.event.inbound_id,
                sender_id=turn.identity.external_id,
                person_id=turn.person.id if turn.person else None,
                state_version=turn.version,
                replies=[reply_to_plain(r) for r in replies],
                now=turn.now,
            )
            inbound_id = row.id
        elif queued:
            session.flush()
        return TurnResult(
            replies,
            notices,
            [q.id for q in queued if q.id is not None],
            inbound_id,
            menu_changed=turn.menu_changed,
            person_id=turn.person.id if turn.person else None,
        )

    def _drop_discarded(self, turn: Turn) -> None:
        for path in turn.discarded:
            Path(path).unlink(missing_ok=True)


def _repeat(seen: InboundUpdate, state: DialogState | None) -> TurnResult:
    """A redelivered update: no effect. If its replies never reached the platform and nothing
    moved since, they are sent again, so the person is not left without an answer."""
    if seen.replied_at is not None:
        return TurnResult([], repeat=True)
    current = state.version if state is not None else None
    if current != seen.state_version:
        return TurnResult([], repeat=True)  # a later turn's replies are the current ones
    return TurnResult([reply_from_plain(r) for r in seen.replies], inbound_id=seen.id, repeat=True)


def reply_to_plain(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data, kept with the update it answers (for a re-send)."""
    plain: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
    }
    if reply.chart is not None:
        plain["chart"] = chart_to_plain(reply.chart)
    if reply.document is not None:
        plain["document"] = reply.filename or "berkas"
    if reply.answer:
        plain["answer"] = reply.answer
    return plain


def reply_from_plain(plain: dict[str, Any]) -> Reply:
    text = str(plain.get("text") or "")
    if plain.get("document"):  # the bytes are not kept: say how to get the file again
        text = "\n\n".join(t for t in (text, texts.RESEND_DOCUMENT) if t)
    return Reply(
        text=text,
        buttons=[
            [Button(str(b["label"]), str(b["data"])) for b in row]
            for row in plain.get("buttons") or []
        ],
        chart=chart_from_plain(plain["chart"]) if plain.get("chart") is not None else None,
        answer=plain.get("answer"),
    )


def _who_and_where(
    session: Session, identity: Identity, inbound_id: str
) -> tuple[Person | None, DialogState | None, ChatIdentity | None, InboundUpdate | None]:
    """The person behind a chat, their dialog state, the chat's record and — if this update
    was handled before — its record: one statement, because every turn asks."""
    statement = (
        select(Person, DialogState, ChatIdentity)
        .join(ChatIdentity, col(ChatIdentity.person_id) == col(Person.id))
        .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
        .where(
            ChatIdentity.channel == identity.channel,
            ChatIdentity.external_id == identity.external_id,
        )
    )
    if not inbound_id:
        row = session.exec(statement).first()
        return (row[0], row[1], row[2], None) if row else (None, None, None, None)
    found = session.exec(
        select(Person, DialogState, ChatIdentity, InboundUpdate)
        .join(ChatIdentity, col(ChatIdentity.person_id) == col(Person.id))
        .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
        .outerjoin(
            InboundUpdate,
            (col(InboundUpdate.channel) == identity.channel)
            & (col(InboundUpdate.account) == identity.account)
            & (col(InboundUpdate.external_id) == inbound_id),
        )
        .where(
            ChatIdentity.channel == identity.channel,
            ChatIdentity.external_id == identity.external_id,
        )
    ).first()
    if found is not None:
        return found[0], found[1], found[2], found[3]
    # a stranger (no chat record yet): the update may still have been handled before
    seen = inbox.find(
        session=session, channel=identity.channel, account=identity.account, external_id=inbound_id
    )
    return None, None, None, seen


def _reachable_again(session: Session, chat: ChatIdentity) -> None:
    """The person wrote on this channel: whatever refused delivery there is over."""
    session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat.id)
        .values(unreachable_at=None)
        .execution_options(synchronize_session=False)
    )
    reflect(chat, unreachable_at=None)


def without_nul(event: Event) -> Event:
    """PostgreSQL text cannot hold a NUL character (SQLite can). Nobody types one on purpose,
    and one kept in a dialog would make every save fail with "sedang ada gangguan"."""
    if "\x00" not in event.text and "\x00" not in event.args:
        return event
    return replace(event, text=event.text.replace("\x00", ""), args=event.args.replace("\x00", ""))
