"""What became of the messages SiCapai sent, as the platform reports it afterwards.

WhatsApp answers a send with the message's id (`wamid`) and reports later, by webhook,
whether it was sent, delivered, read or failed — in any order, since a person's phone and
their WhatsApp Web each report on their own. A row per sent message keeps the best thing known
about it: `status` only moves forward in `RANK` (a "delivered" that arrives after a "read" changes
nothing; a "failed" after "delivered" keeps "delivered", the message did reach a device, but
its error is kept), so the admin sees one truthful answer whatever order the webhooks came in.
A status for a message this database never recorded (sent before a crash between the send and
its record) gets a row of its own, so nothing Meta reports is lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Index, UniqueConstraint, delete
from sqlmodel import Field, Session, SQLModel, col, select

from sicapai.models.types import UtcDateTime

ACCEPTED = "accepted"  # the platform took it; nothing reported yet
SENT = "sent"
FAILED = "failed"
DELIVERED = "delivered"
READ = "read"
RANK = {ACCEPTED: 0, SENT: 1, FAILED: 2, DELIVERED: 3, READ: 4}
KEEP = timedelta(days=30)

REPLY = "reply"
NOTICE = "notice"
REMINDER = "reminder"
UNKNOWN = "unknown"  # reported by the platform, never recorded here


class SentMessage(SQLModel, table=True):
    __tablename__ = "sent_message"
    __table_args__ = (
        UniqueConstraint("channel", "account", "message_id"),
        Index("ix_sent_message_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    account: str = Field(default="", max_length=64)
    message_id: str = Field(max_length=128)  # the platform's id of the message (wamid)
    chat_id: str = Field(max_length=64)
    kind: str = Field(default=REPLY, max_length=16)  # reply, notice, reminder
    template: str | None = Field(default=None, max_length=64)  # sent as this template
    status: str = Field(default=ACCEPTED, max_length=16)
    error_code: int | None = None
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)


def record_sent(
    *,
    session: Session,
    channel: str,
    account: str,
    message_id: str,
    chat_id: str,
    kind: str,
    now: datetime,
    template: str | None = None,
) -> None:
    """A message the platform accepted; a status that came first has already made the row."""
    row = _find(session, channel, account, message_id)
    if row is not None:
        row.kind, row.template = kind, template
        session.add(row)
        return
    session.add(
        SentMessage(
            channel=channel,
            account=account,
            message_id=message_id,
            chat_id=chat_id,
            kind=kind,
            template=template,
            created_at=now,
            updated_at=now,
        )
    )


def apply_status(
    *,
    session: Session,
    channel: str,
    account: str,
    message_id: str,
    chat_id: str,
    status: str,
    now: datetime,
    error_code: int | None = None,
    error: str | None = None,
) -> SentMessage:
    """Keep the furthest status reported and any error; returns the row."""
    row = _find(session, channel, account, message_id)
    if row is None:
        row = SentMessage(
            channel=channel,
            account=account,
            message_id=message_id,
            chat_id=chat_id,
            kind=UNKNOWN,
            created_at=now,
            updated_at=now,
        )
    if RANK.get(status, -1) > RANK.get(row.status, -1):
        row.status = status
    if error_code is not None:
        row.error_code, row.error = error_code, (error or "")[:300] or None
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def find(*, session: Session, channel: str, account: str, message_id: str) -> SentMessage | None:
    return _find(session, channel, account, message_id)


def _find(session: Session, channel: str, account: str, message_id: str) -> SentMessage | None:
    return session.exec(
        select(SentMessage).where(
            SentMessage.channel == channel,
            SentMessage.account == account,
            SentMessage.message_id == message_id,
        )
    ).first()


def prune(*, session: Session, now: datetime, keep: timedelta = KEEP) -> int:
    result = session.execute(delete(SentMessage).where(col(SentMessage.created_at) < now - keep))
    return int(getattr(result, "rowcount", 0) or 0)
