"""Reads remembered for the rest of one chat turn, and only there.

A chat turn asks the same questions several times — which positions does this person hold,
which indicators do they own, what are this year's periods — from the flow, from the engine
and from the helpers they share. Each answer cannot change while the turn writes nothing, so a
turn opts its session in (`remember_reads`) and `per_unit_of_work` keeps each answer in
`Session.info` until the session writes, commits or rolls back. That halves the statements of
a `/lapor` turn without threading results through every function signature, and keeps the ORM
objects referenced, so `session.get` finds them in the identity map instead of asking again.

Only a session that opted in remembers anything: the CLI, the reminder tick and every other
session of the process read afresh each time, and no listener is attached to them.

Rules that keep it safe, all attached to the opted-in session alone:
- a read made while the session holds unflushed changes is never remembered or answered from
  memory (it would have to autoflush first);
- each remembered read names the tables it reads; a flush forgets every read of a table it
  wrote (saving a revision keeps "which positions does this person hold");
- any other write through the session — an ORM-enabled `session.execute(update(...))` or a
  Core statement on `session.connection()` — forgets the reads of the table it writes; raw SQL
  that is not a SELECT forgets everything, and so do a commit and a rollback;
- a remembered list is copied on the way out, so a caller that appends to it cannot change
  what the next caller sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import Table, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import UpdateBase

MEMO = "sicapai.memo"
FLUSHING = "sicapai.memo.flushing"

P = ParamSpec("P")
R = TypeVar("R")


def remember_reads(session: OrmSession) -> None:
    """Let this session (a chat turn's) remember its reads until it writes."""
    session.info[MEMO] = {}
    event.listen(session, "before_flush", _flush_starts)
    event.listen(session, "after_flush", _forget_written)
    event.listen(session, "after_flush_postexec", _flush_ends)
    event.listen(session, "after_commit", forget)
    event.listen(session, "after_soft_rollback", forget)
    event.listen(session, "after_begin", _watch_connection)


def forget(session: OrmSession, *_args: Any) -> None:
    """Drop everything remembered for this session (it stays opted in)."""
    if MEMO in session.info:
        session.info[MEMO] = {}


def _flush_starts(session: OrmSession, *_args: Any) -> None:
    session.info[FLUSHING] = True


def _flush_ends(session: OrmSession, *_args: Any) -> None:
    session.info[FLUSHING] = False


def _forget_written(session: OrmSession, _flush_context: Any) -> None:
    """After a flush: drop the reads of every table it wrote (new, changed or deleted rows)."""
    memo: dict[Hashable, tuple[frozenset[str], Any]] | None = session.info.get(MEMO)
    if not memo:
        return
    # in after_flush, new/dirty/deleted still list what this flush wrote
    written = {
        getattr(type(obj), "__tablename__", None)
        for obj in (*session.new, *session.dirty, *session.deleted)
    }
    if None in written:
        forget(session)
        return
    for key in [k for k, (tables, _) in memo.items() if tables & written]:
        del memo[key]


def _forget_tables(session: OrmSession, written: set[str]) -> None:
    memo: dict[Hashable, tuple[frozenset[str], Any]] | None = session.info.get(MEMO)
    if memo:
        for key in [k for k, (tables, _) in memo.items() if tables & written]:
            del memo[key]


def _watch_connection(session: OrmSession, _transaction: Any, connection: Connection) -> None:
    """Every statement of the session's transaction passes here, the session's own flushes
    (already handled table by table) and its reads aside: an UPDATE, INSERT or DELETE built
    with SQLAlchemy forgets the reads of its table (a guarded save keeps "which positions does
    this person hold"); any other statement that is not a SELECT forgets everything."""

    def on_execute(
        _conn: Connection, clause: Any, _multiparams: Any, _params: Any, _options: Any
    ) -> None:
        if session.info.get(FLUSHING) or isinstance(clause, Select):
            return
        table = getattr(clause, "table", None)
        if isinstance(clause, UpdateBase) and isinstance(table, Table):
            _forget_tables(session, {table.name})
            return
        text = str(clause).lstrip()[:6].upper()
        if not text.startswith(("SELECT", "WITH")):
            forget(session)

    event.listen(connection, "before_execute", on_execute)


def _key_part(value: Any) -> Hashable:
    """Mapped objects count by class and primary key; anything else by value."""
    table = getattr(type(value), "__table__", None)
    if table is not None:
        return (type(value).__name__, getattr(value, "id", id(value)))
    hashable: Hashable = value
    return hashable


def per_unit_of_work(*tables: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Remember a read of `tables` in its session (passed as `session=` or first argument),
    if that session opted in with `remember_reads`."""
    reads = frozenset(tables)

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        name = function.__qualname__

        @functools.wraps(function)
        def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
            session = kwargs["session"] if "session" in kwargs else args[0]
            assert isinstance(session, OrmSession)
            if MEMO not in session.info or session.new or session.deleted or session.dirty:
                return function(*args, **kwargs)
            key = (
                name,
                tuple(_key_part(a) for a in args if a is not session),
                tuple(sorted((k, _key_part(v)) for k, v in kwargs.items() if k != "session")),
            )
            memo: dict[Hashable, tuple[frozenset[str], Any]] = session.info[MEMO]
            if key in memo:
                value = memo[key][1]
            else:
                value = function(*args, **kwargs)
                # the call may have flushed (and so forgotten); remember in the current memo
                session.info[MEMO][key] = (reads, value)
            if isinstance(value, list | dict):
                return cast(R, type(value)(value))  # a copy: callers may change theirs
            return cast(R, value)

        return remembered

    return decorate
