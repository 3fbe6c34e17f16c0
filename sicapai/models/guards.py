"""Compare-and-set: a decision is applied only if what the person saw is still true.

Two people act on the same thing all the time in the week before a deadline: a kabid approves
while the kasi corrects, two admins decide one change request, a kasi and their delegate save
the same first report. Reading, deciding in Python and then writing would let the later writer
win silently. So every decision is written as a conditional statement — `UPDATE … WHERE <state
as seen>` that must touch exactly one row, or an INSERT that must not conflict — which behaves
the same on SQLite (writes are serialised, the condition is evaluated against the latest commit)
and on PostgreSQL (READ COMMITTED re-checks the condition on the newest row version after a
concurrent writer commits). When it does not hold, the model function raises `Conflict`; the
conversation engine rolls the whole turn back (nothing half applied) and lets the flow tell the
person what changed, on fresh data.

`seam(name)` marks the moment between a decision's read and its write. It does nothing in
production; tests hook into it to run another person's turn exactly there, so a race that
depends on timing becomes a deterministic test on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value


class Conflict(Exception):
    """What the person saw is no longer true; nothing of their turn was applied.

    `what` names the thing that moved (see the constants below); `detail` carries ids the
    flow's recovery needs to describe it on fresh data.
    """

    def __init__(self, what: str, **detail: Any) -> None:
        super().__init__(what)
        self.what = what
        self.detail = detail


# what a Conflict can be about
SUBMISSION_CHANGED = "submission_changed"  # another revision was saved, or it was decided
PERIOD_LOCKED = "period_locked"  # the quarter was locked meanwhile
NOT_HOLDER = "not_holder"  # the person no longer holds the indicator (nor a delegation)
ALREADY_DECIDED = "already_decided"  # a change request or review was decided by someone else
BUDGET_CHANGED = "budget_changed"  # another budget realisation was saved
ALREADY_DONE = "already_done"  # a lock or a deactivation someone else made first


class StaleState(Exception):
    """The person's dialog state moved under this turn (another of their turns won)."""


def reflect(row: Any, **values: Any) -> None:
    """After a guarded UPDATE wrote `values`, show them on the ORM object too, without marking
    it changed: a dirty object would be flushed again, unguarded, as a second UPDATE."""
    for name, value in values.items():
        set_committed_value(row, name, value)


def expect_one(result: Any, conflict: Conflict) -> None:
    """A guarded UPDATE must touch exactly one row; otherwise what was seen is gone."""
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise conflict


def is_unique_violation(exc: IntegrityError) -> bool:
    """A duplicate key (a concurrent insert of the same thing), not a broken reference."""
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


_hooks: dict[str, list[Callable[[], None]]] = {}


def seam(name: str) -> None:
    """The point between a decision's read and its guarded write (a test hook point)."""
    for hook in list(_hooks.get(name, ())):
        hook()


@contextmanager
def at_seam(name: str, action: Callable[[], None], *, times: int = 1) -> Iterator[list[int]]:
    """Run `action` the first `times` times a turn reaches `seam(name)`; yields a counter.

    For tests: `with at_seam("approve", lambda: other.run_turn(...)):` makes the other turn
    commit exactly between this turn's read and its write.
    """
    calls = [0]

    def hook() -> None:
        if calls[0] < times:
            calls[0] += 1
            action()

    _hooks.setdefault(name, []).append(hook)
    try:
        yield calls
    finally:
        _hooks[name].remove(hook)
