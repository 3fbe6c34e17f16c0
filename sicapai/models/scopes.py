"""What a person may look at: their own indicators, the units they lead, or the whole office.

A kasi sees their own section; a kabid or the sekretaris their bidang (every position in its
subtree of units); the head of office and the admin see everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from sicapai.models.organisation import Position, Unit
from sicapai.models.people import held_positions, is_admin, reporting_positions

OWN = "saya"
ALL = "semua"


@dataclass(frozen=True)
class Scope:
    key: str  # "saya", "unit:<id>" or "semua"
    label: str
    position_ids: frozenset[int]


def _subtree(units: dict[int, Unit], root: int) -> set[int]:
    found = {root}
    changed = True
    while changed:
        changed = False
        for unit in units.values():
            if unit.parent_id in found and unit.id is not None and unit.id not in found:
                found.add(unit.id)
                changed = True
    return found


def scopes_for(*, session: Session, person_id: int, organisation_id: int) -> list[Scope]:
    """The scopes offered to a person, narrowest first."""
    positions = session.exec(
        select(Position).where(Position.organisation_id == organisation_id)
    ).all()
    units = {
        u.id: u
        for u in session.exec(select(Unit).where(Unit.organisation_id == organisation_id))
        if u.id is not None
    }
    everyone = frozenset(p.id for p in positions if p.id is not None)
    scopes: list[Scope] = []
    own = frozenset(p.id for p in reporting_positions(session=session, person_id=person_id) if p.id)
    if own:
        scopes.append(Scope(OWN, "Indikator saya", own))
    head = False
    for position, _ in held_positions(session=session, person_id=person_id):
        if position.superior_id is None:
            head = True
            continue
        if position.unit_id is None or position.unit_id not in units:
            continue
        subtree = _subtree(units, position.unit_id)
        members = frozenset(p.id for p in positions if p.unit_id in subtree and p.id)
        if members and members != own:
            scopes.append(Scope(f"unit:{position.unit_id}", units[position.unit_id].name, members))
    if head or is_admin(session=session, person_id=person_id, organisation_id=organisation_id):
        scopes.append(Scope(ALL, "Seluruh kantor", everyone))
    return scopes


def _depth(units: dict[int, Unit], unit: Unit) -> int:
    depth = 0
    while unit.parent_id is not None and unit.parent_id in units:
        unit = units[unit.parent_id]
        depth += 1
    return depth


def unit_scope(*, session: Session, organisation_id: int, name: str) -> Scope | None:
    """A unit's scope by (part of) its name, for `sicapai ringkasan --unit`."""
    units = {
        u.id: u
        for u in session.exec(select(Unit).where(Unit.organisation_id == organisation_id))
        if u.id is not None
    }
    wanted = name.lower().strip()
    matches = [u for u in units.values() if wanted in u.name.lower()]
    exact = [u for u in matches if u.name.lower() == wanted]
    if exact:
        matches = exact
    if len(matches) > 1:
        # "Hubungan Industrial" means the bidang, not a seksi under it: prefer the highest
        depth = {u.id: _depth(units, u) for u in matches}
        top = min(depth.values())
        matches = [u for u in matches if depth[u.id] == top]
    if len(matches) != 1:
        return None
    unit = matches[0]
    assert unit.id is not None
    subtree = _subtree(units, unit.id)
    positions = session.exec(
        select(Position).where(Position.organisation_id == organisation_id)
    ).all()
    return Scope(
        f"unit:{unit.id}",
        unit.name,
        frozenset(p.id for p in positions if p.unit_id in subtree and p.id),
    )
