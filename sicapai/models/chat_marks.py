"""Marks on one chat that outlive a turn: failed invite codes, and "this group was told".

Both used to live in the memory of whichever process ran the turn, so a restart forgot them
and two turn workers each kept their own. As rows they survive a restart and are the same for
every process on the database. A row is the state of one `(channel, chat_id, kind)`, unique,
and carries the moment it stops mattering (`expires_at`); expired rows count for nothing and
are deleted by the hourly pruning job (`prune`, called from `runtime.outbox.prune_records`).

- `invite_failures`: the moments of the chat's recent failed invite codes (at most `limit`
  of them, oldest first); a moment counts while it is within the sliding `window`, and the
  row expires one window after the newest. Recording one is a compare-and-set on `version`,
  so two concurrent failures of one chat are both counted.
- `group_told`: a group chat was told where reporting happens; the mark lasts a while (the
  router says thirty days) and the group is told again after it expired.

Every write is one statement in the caller's transaction (a turn's), and the first write of a
key is an insert that tolerates the unique key (`INSERT … ON CONFLICT`, on SQLite and
PostgreSQL alike): two turns marking the same chat at once never fail, one of them simply
finds the mark the other made.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Table, UniqueConstraint, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from sicapai.models.guards import StaleState, seam
from sicapai.models.types import UtcDateTime

INVITE_FAILURES = "invite_failures"
GROUP_TOLD = "group_told"
RECORD_TRIES = 5  # compare-and-set rounds before the turn is run again on fresh data


class ChatMark(SQLModel, table=True):
    """What one chat did or was told, remembered until `expires_at`."""

    __tablename__ = "chat_mark"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "kind"),
        Index("ix_chat_mark_expires_at", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    kind: str = Field(max_length=20)
    times: list[str] = Field(default_factory=list, sa_type=JSON)  # ISO moments counted
    version: int = 1  # bumped by every write (compare-and-set)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)


CHAT_MARK: Table = SQLModel.metadata.tables["chat_mark"]


def _insert_new(session: Session, values: dict[str, Any], renew_before: datetime | None) -> bool:
    """Insert the row of a key; True if this statement wrote it. An existing row is left as it
    is — or, with `renew_before`, taken over when it expired before that moment."""
    table = CHAT_MARK
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**values)
    keys = ["channel", "chat_id", "kind"]
    if renew_before is None:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    else:
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={
                "times": statement.excluded.times,
                "version": table.c.version + 1,
                "created_at": statement.excluded.created_at,
                "expires_at": statement.excluded.expires_at,
            },
            where=table.c.expires_at < renew_before,
        )
    # the row comes back only if this statement wrote it (a rowcount is not reported for an
    # INSERT that returns its id, as SQLAlchemy makes it on PostgreSQL)
    return session.execute(statement.returning(table.c.id)).first() is not None


def _moments(
    session: Session, channel: str, chat_id: str, kind: str
) -> tuple[int, list[datetime]] | None:
    """The row's version and moments, read afresh (never an identity-map copy)."""
    row = session.exec(
        select(ChatMark.version, ChatMark.times).where(
            ChatMark.channel == channel, ChatMark.chat_id == chat_id, ChatMark.kind == kind
        )
    ).first()
    if row is None:
        return None
    return row[0], [datetime.fromisoformat(t) for t in row[1] or []]


def failed_attempt(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    now: datetime,
    window: timedelta,
    limit: int,
) -> None:
    """Count a failed invite code of this chat at `now` (the newest `limit` moments are kept,
    which is all `attempts_blocked` needs)."""
    for _round in range(RECORD_TRIES):
        found = _moments(session, channel, chat_id, INVITE_FAILURES)
        if found is None:
            first = {
                "channel": channel,
                "chat_id": chat_id,
                "kind": INVITE_FAILURES,
                "times": [now.isoformat()],
                "version": 1,
                "created_at": now,
                "expires_at": now + window,
            }
            if _insert_new(session, first, renew_before=None):
                return
            continue  # another turn inserted it meanwhile: count on top of theirs
        version, moments = found
        kept = sorted([m for m in moments if m >= now - window] + [now])[-limit:]
        seam("invite_failure")
        result = session.execute(
            update(ChatMark)
            .where(
                col(ChatMark.channel) == channel,
                col(ChatMark.chat_id) == chat_id,
                col(ChatMark.kind) == INVITE_FAILURES,
                col(ChatMark.version) == version,
            )
            .values(
                times=[m.isoformat() for m in kept],
                version=version + 1,
                expires_at=kept[-1] + window,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            return
    raise StaleState(f"the failed attempts of chat {channel}:{chat_id} kept moving")


def attempts_blocked(
    *,
    session: Session,
    channel: str,
    chat_id: str,
    now: datetime,
    window: timedelta,
    limit: int,
) -> bool:
    """Whether the chat failed `limit` invite codes within the `window` before `now`."""
    found = _moments(session, channel, chat_id, INVITE_FAILURES)
    if found is None:
        return False
    return sum(1 for m in found[1] if m >= now - window) >= limit


def mark_group_told(
    *, session: Session, channel: str, chat_id: str, now: datetime, lasts: timedelta
) -> bool:
    """Mark the group told until `now + lasts`; True only for the call that set the mark (the
    first, or the first after the previous mark expired), so the group is told once."""
    return mark_once(
        session=session, channel=channel, chat_id=chat_id, kind=GROUP_TOLD, now=now, lasts=lasts
    )


def mark_once(
    *, session: Session, channel: str, chat_id: str, kind: str, now: datetime, lasts: timedelta
) -> bool:
    """Set the mark `kind` of a chat until `now + lasts`; True only for the call that set it
    (the first, or the first after the previous mark expired): a group told where reporting
    happens, a WhatsApp contact sent the notice template, an admin alerted about a template."""
    live = session.exec(
        select(ChatMark.id).where(
            ChatMark.channel == channel,
            ChatMark.chat_id == chat_id,
            ChatMark.kind == kind,
            col(ChatMark.expires_at) >= now,
        )
    ).first()
    if live is not None:
        return False  # the common case, answered without a write
    seam(kind)
    return _insert_new(
        session,
        {
            "channel": channel,
            "chat_id": chat_id,
            "kind": kind,
            "times": [],
            "version": 1,
            "created_at": now,
            "expires_at": now + lasts,
        },
        renew_before=now,
    )


def forget(*, session: Session, channel: str, chat_id: str, kind: str) -> None:
    """Take a mark back (what it marked did not happen after all)."""
    session.execute(
        delete(ChatMark).where(
            col(ChatMark.channel) == channel,
            col(ChatMark.chat_id) == chat_id,
            col(ChatMark.kind) == kind,
        )
    )


def prune(*, session: Session, now: datetime) -> int:
    """Delete the marks that expired: they no longer count for anything."""
    result = session.execute(delete(ChatMark).where(col(ChatMark.expires_at) < now))
    return int(getattr(result, "rowcount", 0) or 0)
