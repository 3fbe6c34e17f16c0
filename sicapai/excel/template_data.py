"""A master-data template that passed validation: what the loader writes, row by row.

Validation and loading are two steps with this in between, so the loader never sees a cell
and the validator never writes a row: a `MasterData` exists only when every sheet is clean.
Units, positions and budget lines are trees whose rows may come in any order;
`parents_first` orders them for loading and finds the cycles for validation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")


@dataclass
class UnitIn:
    row: int
    code: str
    name: str
    kind: str
    parent: str | None


@dataclass
class PositionIn:
    row: int
    name: str  # the stored name: an existing position's own spelling when it matches
    unit: str | None
    superior: str | None  # stored name
    budget_duty: bool


@dataclass
class IndicatorIn:
    row: int
    code: str
    objective_code: str | None
    objective_name: str | None
    goal_code: str | None
    report_order: int
    name: str
    formula: str
    numerator_label: str | None
    denominator_label: str | None
    unit_label: str
    kind: str
    polarity: str
    negative_formula: str
    frequency: str
    target: Decimal
    quarter_targets: dict[int, Decimal]
    owner: str | None  # stored position name
    may_exceed_100: bool
    budget_code: str | None
    pk_budget: Decimal | None
    renstra_target: Decimal | None
    renstra_year: int | None


@dataclass
class BudgetIn:
    row: int
    code: str
    kind: str
    name: str
    parent: str | None
    ceiling: Decimal
    owner: str | None


@dataclass
class SpendingIn:
    row: int
    name: str
    parent: str | None
    ceiling: Decimal
    realisation: Decimal | None


@dataclass
class PastIn:
    row: int
    code: str
    year: int
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass
class MasterData:
    """A template that passed validation: everything needed to load it."""

    org_code: str
    org_name: str | None
    timezone: str | None
    year: int
    units: list[UnitIn] = field(default_factory=list)
    positions: list[PositionIn] = field(default_factory=list)
    goals: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[IndicatorIn] = field(default_factory=list)
    budget: list[BudgetIn] = field(default_factory=list)
    spending: list[SpendingIn] = field(default_factory=list)
    past: list[PastIn] = field(default_factory=list)


def parents_first(
    items: Sequence[T], key: Callable[[T], Hashable], parent: Callable[[T], Hashable | None]
) -> tuple[list[T], list[T]]:
    """Items ordered so that a parent in the list comes before its children, and the items
    that sit on a cycle (which no order can satisfy)."""
    by_key = {key(item): item for item in items}
    ordered: list[T] = []
    done: set[Hashable] = set()
    cyclic: list[T] = []
    for item in items:
        chain: list[T] = []
        current: T | None = item
        while current is not None and key(current) not in done:
            keys = [key(c) for c in chain]
            if key(current) in keys:
                for member in chain[keys.index(key(current)) :]:
                    if member not in cyclic:
                        cyclic.append(member)
                break
            chain.append(current)
            up = parent(current)
            current = by_key.get(up) if up is not None else None
        else:
            for link in reversed(chain):
                done.add(key(link))
                ordered.append(link)
    return ordered, cyclic
