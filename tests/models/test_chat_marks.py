"""Chat marks: failed invite codes in a sliding window and "this group was told", as rows that
every process shares, written without ever failing on their unique key."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlmodel import select

from sicapai.models import chat_marks
from sicapai.models.chat_marks import (
    ChatMark,
    attempts_blocked,
    failed_attempt,
    mark_group_told,
)
from sicapai.models.db import transaction
from sicapai.models.guards import at_seam
from tests.support.chat import NOW
from tests.support.database import Database

WINDOW = timedelta(hours=1)
LIMIT = 5
MONTH = timedelta(days=30)


def fail(db: Database, at: datetime, chat: str = "77") -> None:
    with transaction(db.engine) as session:
        failed_attempt(
            session=session, channel="telegram", chat_id=chat, now=at, window=WINDOW, limit=LIMIT
        )


def blocked(db: Database, at: datetime, chat: str = "77") -> bool:
    with transaction(db.engine) as session:
        return attempts_blocked(
            session=session, channel="telegram", chat_id=chat, now=at, window=WINDOW, limit=LIMIT
        )


def tell(db: Database, at: datetime, chat: str = "-100123") -> bool:
    with transaction(db.engine) as session:
        return mark_group_told(
            session=session, channel="telegram", chat_id=chat, now=at, lasts=MONTH
        )


def marks(db: Database) -> list[ChatMark]:
    with transaction(db.engine) as session:
        return list(session.exec(select(ChatMark).order_by(ChatMark.kind, ChatMark.chat_id)))


def test_five_failures_within_a_sliding_hour_block_the_chat(db: Database) -> None:
    for _ in range(4):
        fail(db, NOW)
    assert not blocked(db, NOW)
    fail(db, NOW + timedelta(minutes=50))
    assert blocked(db, NOW + timedelta(minutes=50))
    assert blocked(db, NOW + WINDOW)  # the first four are an hour old, not older
    assert not blocked(db, NOW + WINDOW + timedelta(seconds=1))  # only one is left
    for minutes in (61, 70, 80):
        fail(db, NOW + timedelta(minutes=minutes))
    assert not blocked(db, NOW + timedelta(minutes=80))  # four within the hour
    fail(db, NOW + timedelta(minutes=90))
    assert blocked(db, NOW + timedelta(minutes=90))
    assert not blocked(db, NOW + timedelta(minutes=90), chat="78")  # only this chat
    (row,) = marks(db)
    assert len(row.times) == LIMIT and row.expires_at == NOW + timedelta(minutes=90) + WINDOW


def test_a_group_is_told_once_until_its_mark_expires(db: Database) -> None:
    assert tell(db, NOW)
    assert not tell(db, NOW + timedelta(days=29))
    assert tell(db, NOW, chat="-100999")  # another group is its own
    assert not tell(db, NOW + MONTH)
    assert tell(db, NOW + MONTH + timedelta(seconds=1))  # expired: told again
    assert not tell(db, NOW + MONTH + timedelta(days=1))
    told = {m.chat_id: m for m in marks(db)}
    assert told["-100123"].expires_at == NOW + 2 * MONTH + timedelta(seconds=1)


def test_expired_marks_are_pruned_and_live_ones_kept(db: Database) -> None:
    fail(db, NOW, chat="1")
    fail(db, NOW + timedelta(minutes=30), chat="2")
    tell(db, NOW)
    with transaction(db.engine) as session:
        gone = chat_marks.prune(session=session, now=NOW + WINDOW + timedelta(minutes=1))
    assert gone == 1
    assert [(m.kind, m.chat_id) for m in marks(db)] == [
        (chat_marks.GROUP_TOLD, "-100123"),
        (chat_marks.INVITE_FAILURES, "2"),
    ]


def test_a_group_marked_by_another_turn_meanwhile_is_not_told_twice(db: Database) -> None:
    """The other turn commits its mark between this one's look and its insert: this insert
    meets the unique key, and is simply not the first."""
    told: list[bool] = []
    with at_seam("group_told", lambda: told.append(tell(db, NOW))):
        told.append(tell(db, NOW))
    assert told == [True, False]
    assert len(marks(db)) == 1


def test_a_failure_counted_by_another_turn_meanwhile_is_kept(db: Database) -> None:
    """The other turn's failure lands between this one's read and its compare-and-set: this
    one reads again, and both are counted."""
    fail(db, NOW)
    with at_seam("invite_failure", lambda: fail(db, NOW)) as calls:
        fail(db, NOW)
    assert calls == [1]
    (row,) = marks(db)
    assert len(row.times) == 3 and row.version == 3


def test_two_transactions_inserting_the_same_marks_at_once_both_commit(db: Database) -> None:
    """Truly concurrent: the second waits for the first's uncommitted row (PostgreSQL on the
    unique key, SQLite on the write lock) and then finds it, without an error."""
    results: list[bool] = []
    errors: list[BaseException] = []

    def second() -> None:
        try:
            results.append(tell(db, NOW))
            fail(db, NOW)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    with transaction(db.engine) as session:
        results.append(
            mark_group_told(
                session=session, channel="telegram", chat_id="-100123", now=NOW, lasts=MONTH
            )
        )
        failed_attempt(
            session=session, channel="telegram", chat_id="77", now=NOW, window=WINDOW, limit=LIMIT
        )
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)  # the other transaction now waits on this one's rows
    other.join(timeout=30)
    assert not other.is_alive() and errors == []
    assert results == [True, False]
    failures = [m for m in marks(db) if m.kind == chat_marks.INVITE_FAILURES]
    assert len(failures) == 1 and len(failures[0].times) == 2
