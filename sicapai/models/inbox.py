"""The record of processed incoming updates: every channel's at-most-once guarantee.

Platforms deliver at least once. Telegram gives an update again when the bot died before the
next `getUpdates` acknowledged it; Meta retries a webhook for up to a week. A typed figure
handled twice is a figure stored in the wrong field, so each incoming update is recorded under
the channel's own id (Telegram `update_id`, WhatsApp `wamid`) *in the same transaction as the
turn's effects*: either both happened or neither did, across restarts and processes. A repeat
finds its row and has no effect; if the original's replies were never confirmed sent, the
repeat sends them again (they are kept on the row), so nobody is left without an answer.

`account` tells apart several accounts of one channel (two Telegram bots number their updates
independently). It is the empty string for the default account rather than NULL, because NULL
is never equal to NULL in a unique key, on SQLite as on PostgreSQL.

The table is also the inbox the webhook and multi-process roles build on: `status` and
`payload` let a row be recorded on arrival and processed later. Rows older than eight days
are pruned (Telegram keeps unacknowledged updates for a day, Meta redelivers for a week).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Table, UniqueConstraint, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from sicapai.models.types import UtcDateTime, utcnow

KEEP = timedelta(days=8)
HANDLED = "diproses"
RECEIVED = "diterima"  # recorded on arrival (a webhook), not handled yet


class InboundUpdate(SQLModel, table=True):
    """One incoming update of one channel account, and what the turn that handled it said."""

    __tablename__ = "inbound_update"
    __table_args__ = (
        UniqueConstraint("channel", "account", "external_id"),
        Index("ix_inbound_update_received_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    account: str = Field(default="", max_length=64)
    external_id: str = Field(max_length=128)  # the channel's own id of the update
    sender_id: str = Field(default="", max_length=64)  # the channel's id of who sent it
    person_id: int | None = Field(default=None, index=True)
    status: str = Field(default=HANDLED, max_length=16)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    replied_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    state_version: int | None = None  # the dialog version the replies' buttons carry
    replies: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    payload: dict[str, Any] | None = Field(default=None, sa_type=JSON)


INBOUND_UPDATE: Table = SQLModel.metadata.tables["inbound_update"]


def find(*, session: Session, channel: str, account: str, external_id: str) -> InboundUpdate | None:
    return session.exec(
        select(InboundUpdate).where(
            InboundUpdate.channel == channel,
            InboundUpdate.account == account,
            InboundUpdate.external_id == external_id,
        )
    ).first()


def record(
    *,
    session: Session,
    channel: str,
    account: str,
    external_id: str,
    sender_id: str,
    person_id: int | None,
    state_version: int | None,
    replies: list[dict[str, Any]],
    now: datetime,
) -> InboundUpdate:
    """Record a handled update; a concurrent record of the same id fails on the unique key."""
    row = InboundUpdate(
        channel=channel,
        account=account,
        external_id=external_id,
        sender_id=sender_id,
        person_id=person_id,
        received_at=now,
        handled_at=now,
        state_version=state_version,
        replies=replies,
    )
    session.add(row)
    session.flush()
    return row


def receive(
    *,
    session: Session,
    channel: str,
    account: str,
    external_id: str,
    sender_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> int | None:
    """Record an update on arrival, before its webhook is answered; the row's id, or None
    when the update was recorded before (a redelivery: it must have no effect).

    One statement that tolerates the unique key (`INSERT … ON CONFLICT DO NOTHING`), so two
    deliveries of one update racing on two connections record it once."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(INBOUND_UPDATE)
        .values(
            channel=channel,
            account=account,
            external_id=external_id,
            sender_id=sender_id,
            status=RECEIVED,
            received_at=now,
            replies=[],
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=["channel", "account", "external_id"])
        .returning(INBOUND_UPDATE.c.id)
    )
    found = session.execute(statement).first()
    return int(found[0]) if found is not None else None


def complete(
    *,
    session: Session,
    row_id: int,
    person_id: int | None,
    state_version: int | None,
    replies: list[dict[str, Any]],
    now: datetime,
) -> bool:
    """A received update was handled by this turn: compare-and-set from `RECEIVED`, so that
    of two processes that took the same row only one turn commits (the other is rolled back
    and finds it handled)."""
    result = session.execute(
        update(InboundUpdate)
        .where(col(InboundUpdate.id) == row_id, col(InboundUpdate.status) == RECEIVED)
        .values(
            status=HANDLED,
            person_id=person_id,
            handled_at=now,
            state_version=state_version,
            replies=replies,
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def waiting(
    *, session: Session, channel: str, account: str, since: datetime
) -> list[InboundUpdate]:
    """Updates recorded on arrival since `since` and never handled (the process stopped in
    between), oldest first, to be handled on start; and handled ones whose replies were never
    confirmed sent, which a new run sends again."""
    return list(
        session.exec(
            select(InboundUpdate)
            .where(
                InboundUpdate.channel == channel,
                InboundUpdate.account == account,
                col(InboundUpdate.received_at) >= since,
                col(InboundUpdate.payload).is_not(None),
                (col(InboundUpdate.status) == RECEIVED) | col(InboundUpdate.replied_at).is_(None),
            )
            .order_by(col(InboundUpdate.id))
        ).all()
    )


def mark_replied(*, session: Session, ids: Iterable[int], now: datetime) -> None:
    """The replies of these updates reached the platform: a repeat sends nothing."""
    wanted = list(ids)
    if wanted:
        session.execute(
            update(InboundUpdate)
            .where(col(InboundUpdate.id).in_(wanted), col(InboundUpdate.replied_at).is_(None))
            .values(replied_at=now)
        )


def prune(*, session: Session, now: datetime, keep: timedelta = KEEP) -> int:
    """Forget updates no platform will deliver again."""
    result = session.execute(
        delete(InboundUpdate).where(col(InboundUpdate.received_at) < now - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)
