"""Messages to people other than the one talking, kept until they are delivered.

A review request, a returned item, a change request's decision, the admin's warning that
someone blocked the bot: each is written here in the transaction that causes it, so a crash
right after the commit, a platform error or a 400 never loses it. A sender takes a row with a
compare-and-set (`pending` → `sending`), so two processes never send the same row; a failed
send is retried with a growing pause; a send that timed out is marked `unknown` and not sent
again blindly (the platform most likely delivered it). A row left in `sending` by a process
that died is taken up again after `STUCK`: at-least-once, with a duplicate only if the crash
fell between the platform's acceptance and the recording.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Text, delete, or_, update
from sqlmodel import Field, Session, SQLModel, col, select

from sicapai.models.types import UtcDateTime, utcnow

PENDING = "menunggu"
SENDING = "mengirim"
SENT = "terkirim"
FAILED = "gagal"  # permanently: nobody can be reached, or the platform refused it
UNKNOWN = "tidak_pasti"  # timed out: most likely delivered, never resent blindly

STUCK = timedelta(minutes=5)
MAX_ATTEMPTS = 8
KEEP = timedelta(days=8)


class OutboxMessage(SQLModel, table=True):
    """One message for one person, waiting to be sent on whichever channel reaches them."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(default="pemberitahuan", max_length=20)
    text: str = Field(sa_type=Text)
    buttons: list[list[dict[str, str]]] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    channel: str | None = Field(default=None, max_length=20)  # where it was sent (or tried)
    error: str | None = Field(default=None, max_length=300)


def enqueue(
    *,
    session: Session,
    person_id: int,
    text: str,
    now: datetime,
    buttons: list[list[dict[str, str]]] | None = None,
    kind: str = "pemberitahuan",
) -> OutboxMessage:
    row = OutboxMessage(
        person_id=person_id,
        kind=kind,
        text=text,
        buttons=buttons or [],
        created_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    return row


def due_ids(*, session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Rows ready to be sent now: pending and due, or left in `sending` by a dead process."""
    rows = session.exec(
        select(OutboxMessage.id)
        .where(
            or_(
                (col(OutboxMessage.status) == PENDING)
                & (col(OutboxMessage.next_attempt_at) <= now),
                (col(OutboxMessage.status) == SENDING)
                & (col(OutboxMessage.claimed_at) < now - STUCK),
            )
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    ).all()
    return [i for i in rows if i is not None]


def claim(
    *, session: Session, message_id: int, now: datetime, early: bool = False
) -> OutboxMessage | None:
    """Take a row for sending, or None if another sender has it (or it is not due).

    `early` takes a pending row before its next attempt is due: the person just opened a
    channel where their messages wait (the terminal), so what waited is shown at once."""
    pending = col(OutboxMessage.status) == PENDING
    if not early:
        pending = pending & (col(OutboxMessage.next_attempt_at) <= now)
    result: Any = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            or_(
                pending,
                (col(OutboxMessage.status) == SENDING)
                & (col(OutboxMessage.claimed_at) < now - STUCK),
            ),
        )
        .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    return row


def finish(
    *,
    session: Session,
    message_id: int,
    status: str,
    now: datetime,
    channel: str | None = None,
    error: str | None = None,
    retry_in: timedelta | None = None,
) -> None:
    """Record a send's outcome; `retry_in` puts the row back in the queue for later."""
    values: dict[str, Any] = {"channel": channel, "error": (error or "")[:300] or None}
    if retry_in is not None:
        values.update(status=PENDING, next_attempt_at=now + retry_in)
    else:
        values["status"] = status
        if status == SENT:
            values["sent_at"] = now
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def release(
    *,
    session: Session,
    message_id: int,
    channel: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Give a claimed row back as if it had never been taken: pending again, the attempt not
    counted. With `channel`, the message waits for the person there (the terminal, with
    nobody reading it now); `next_attempt_at` is when a sender looks at it again."""
    values: dict[str, Any] = {
        "status": PENDING,
        "attempts": OutboxMessage.attempts - 1,
        "claimed_at": None,
    }
    if channel is not None:
        values.update(channel=channel, error=None)
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def waiting_for(*, session: Session, person_id: int) -> list[OutboxMessage]:
    """What still waits for a person (for the admin's eyes and the tests)."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                col(OutboxMessage.status).in_([PENDING, SENDING]),
            )
            .order_by(col(OutboxMessage.id))
        )
    )


def prune(*, session: Session, now: datetime, keep: timedelta = KEEP) -> int:
    """Forget delivered and given-up messages after a week; pending ones stay."""
    result = session.execute(
        delete(OutboxMessage).where(
            col(OutboxMessage.status).in_([SENT, FAILED, UNKNOWN]),
            col(OutboxMessage.created_at) < now - keep,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
