"""Reads remembered for the rest of one unit of work.

A chat turn asks the same questions several times — which positions does this person hold,
which indicators do they own, what are this year's periods — from the flow, from the engine
and from the helpers they share. Each answer cannot change while the session writes nothing,
so `per_unit_of_work` keeps it in `Session.info` until the session writes, commits or rolls
back. That halves the statements of a `/lapor` turn without threading results through every
function signature, and keeps the ORM objects referenced, so `session.get` finds them in the
identity map instead of asking the database again.

Rules that keep it safe:
- a read made while the session holds unflushed changes is never remembered or answered from
  memory (it would have to autoflush first);
- each remembered read names the tables it reads; a flush forgets every read of a table it
  wrote (saving a revision keeps "which positions does this person hold"), and a bulk
  UPDATE/DELETE/INSERT, a commit or a rollback forgets everything;
- a remembered list is copied on the way out, so a caller that appends to it cannot change
  what the next caller sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

MEMO = "sicapai.memo"

P = ParamSpec("P")
R = TypeVar("R")


def forget(session: OrmSession, *_args: Any) -> None:
    """Drop everything remembered for this session."""
    session.info.pop(MEMO, None)


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


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        forget(state.session)


event.listen(OrmSession, "after_flush", _forget_written)
event.listen(OrmSession, "after_commit", forget)
event.listen(OrmSession, "after_soft_rollback", forget)
event.listen(OrmSession, "do_orm_execute", _forget_on_write)


def _key_part(value: Any) -> Hashable:
    """Mapped objects count by class and primary key; anything else by value."""
    table = getattr(type(value), "__table__", None)
    if table is not None:
        return (type(value).__name__, getattr(value, "id", id(value)))
    return value  # type: ignore[no-any-return]


def per_unit_of_work(*tables: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Remember a read of `tables` in its session (passed as `session=` or first argument)."""
    reads = frozenset(tables)

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        name = function.__qualname__

        @functools.wraps(function)
        def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
            session = kwargs["session"] if "session" in kwargs else args[0]
            assert isinstance(session, OrmSession)
            if session.new or session.deleted or session.dirty:
                return function(*args, **kwargs)
            key = (
                name,
                tuple(_key_part(a) for a in args if a is not session),
                tuple(sorted((k, _key_part(v)) for k, v in kwargs.items() if k != "session")),
            )
            memo: dict[Hashable, tuple[frozenset[str], Any]] = session.info.setdefault(MEMO, {})
            if key in memo:
                value = memo[key][1]
            else:
                value = function(*args, **kwargs)
                # the call may have flushed (and so forgotten); remember in the current memo
                session.info.setdefault(MEMO, {})[key] = (reads, value)
            if isinstance(value, list):
                return list(value)  # type: ignore[return-value]
            if isinstance(value, dict):
                return dict(value)  # type: ignore[return-value]
            return value

        return remembered

    return decorate
