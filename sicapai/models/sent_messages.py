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

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

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


class Sent(NamedTuple):
    """A message the platform accepted."""

    message_id: str
    chat_id: str
    kind: str
    template: str | None
    at: datetime


class Status(NamedTuple):
    """A status report from the platform's webhook."""

    message_id: str
    chat_id: str
    status: str
    error_code: int | None = None
    error: str | None = None


CHUNK = 500  # message ids per SELECT (well under every database's limit on parameters)


def write(
    *,
    session: Session,
    channel: str,
    account: str,
    sent: Sequence[Sent],
    statuses: Sequence[Status],
    now: datetime,
) -> None:
    """Record sent messages and apply status reports, a batch at once: one SELECT per 500
    messages, then the rows are changed in memory and written by the session's flush (inserts
    and updates batched), instead of a query and a flush per report. A sent record that comes
    after its status keeps the status; a status keeps only the furthest one and any error."""
    ids = list(dict.fromkeys([s.message_id for s in sent] + [s.message_id for s in statuses]))
    if not ids:
        return
    rows: dict[str, SentMessage] = {}
    for start in range(0, len(ids), CHUNK):
        found = session.exec(
            select(SentMessage).where(
                SentMessage.channel == channel,
                SentMessage.account == account,
                col(SentMessage.message_id).in_(ids[start : start + CHUNK]),
            )
        )
        rows.update((row.message_id, row) for row in found)

    def row_for(message_id: str, chat_id: str, at: datetime) -> SentMessage:
        row = rows.get(message_id)
        if row is None:
            row = SentMessage(
                channel=channel,
                account=account,
                message_id=message_id,
                chat_id=chat_id,
                kind=UNKNOWN,
                created_at=at,
                updated_at=at,
            )
            rows[message_id] = row
            session.add(row)
        return row

    for record in sent:
        row = row_for(record.message_id, record.chat_id, record.at)
        row.kind, row.template = record.kind, record.template
    for report in statuses:
        row = row_for(report.message_id, report.chat_id, now)
        if RANK.get(report.status, -1) > RANK.get(row.status, -1):
            row.status = report.status
        if report.error_code is not None:
            row.error_code = report.error_code
            row.error = (report.error or "")[:300] or None
        row.updated_at = now
    session.flush()


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
