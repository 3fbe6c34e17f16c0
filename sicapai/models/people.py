"""People, positions and who may do what: the questions every conversation asks first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select

from sicapai.models.memo import per_unit_of_work
from sicapai.models.organisation import (
    AdminGrant,
    ChatIdentity,
    Delegation,
    Holding,
    Organisation,
    Person,
    Position,
)
from sicapai.models.performance import Indicator
from sicapai.models.types import utcnow

ABBREVIATIONS = {
    "kasi": "kepala seksi",
    "kasie": "kepala seksi",
    "kabid": "kepala bidang",
    "kasubag": "kepala sub bagian",
    "kasubbag": "kepala sub bagian",
    "kasubbagian": "kepala sub bagian",
    "sekdis": "sekretaris",
    "kadis": "kepala dinas",
    "subbag": "sub bagian",
    "subbagian": "sub bagian",
    "tk": "tenaga kerja",
}


def normalise_position_name(name: str) -> str:
    """Lower case, abbreviations spelled out, '&' as 'dan', 'Plt' dropped, spaces collapsed.

    So "Plt Kasubag Umum & Kepegawaian" and "kepala sub bagian umum dan kepegawaian" match.
    """
    text = name.lower().replace("&", " dan ").replace(".", " ").replace(",", " ")
    text = text.replace("sub-bagian", "sub bagian").replace("subbagian", "sub bagian")
    words = [w for w in re.split(r"\s+", text) if w and w not in {"plt", "plh"}]
    expanded = " ".join(ABBREVIATIONS.get(w, w) for w in words)
    return re.sub(r"\s+", " ", expanded).strip()


@dataclass(frozen=True)
class PositionMatch:
    """The position a name means, or the close matches to offer instead."""

    position: Position | None
    suggestions: tuple[str, ...] = ()


def find_position(*, session: Session, organisation_id: int, name: str) -> PositionMatch:
    positions = session.exec(
        select(Position).where(Position.organisation_id == organisation_id)
    ).all()
    wanted = normalise_position_name(name)
    by_norm = {normalise_position_name(p.name): p for p in positions}
    if wanted in by_norm:
        return PositionMatch(by_norm[wanted])
    close = difflib.get_close_matches(wanted, list(by_norm), n=5, cutoff=0.5)
    contained = [n for n in by_norm if wanted and wanted in n and n not in close]
    if len(contained) == 1 and not close:
        return PositionMatch(by_norm[contained[0]])
    names = tuple(by_norm[n].name for n in [*close, *contained][:5])
    return PositionMatch(None, names)


# `sicapai chat --jabatan` and `sicapai demo` create a person for a position nobody holds
# yet; that person has no name of their own, only this prefix and the position's name.
PLACEHOLDER_PREFIX = "Pemegang "


def placeholder_name(position_name: str) -> str:
    """The name given to a person created only to play a position in the terminal."""
    return f"{PLACEHOLDER_PREFIX}{position_name}"


def is_placeholder_name(name: str) -> bool:
    """Whether a name is only a placeholder ("Pemegang Kepala Bidang …"): beside the
    position it repeats the position, and in a greeting it reads as no name at all."""
    return name.strip().casefold().startswith(PLACEHOLDER_PREFIX.casefold())


def real_names(names: list[str]) -> list[str]:
    """The names worth showing beside a position: the placeholders left out."""
    return [name for name in names if not is_placeholder_name(name)]


def shown_name(name: str) -> str:
    """A person's name as a screen shows it: a placeholder becomes the position it names."""
    if is_placeholder_name(name):
        return name.strip()[len(PLACEHOLDER_PREFIX) :].strip() or name
    return name


def identity_of(*, session: Session, channel: str, external_id: str) -> ChatIdentity | None:
    return session.exec(
        select(ChatIdentity).where(
            ChatIdentity.channel == channel, ChatIdentity.external_id == external_id
        )
    ).first()


@per_unit_of_work("holding", "position", "organisation")
def _held_with_offices(
    *, session: Session, person_id: int
) -> list[tuple[Position, bool, Organisation]]:
    """Held positions with their office, in one statement: nearly every turn asks both
    "what does this person hold" and "which office is theirs" (its time zone, its year)."""
    rows = session.exec(
        select(Position, Holding.acting, Organisation)
        .join(Holding, col(Holding.position_id) == col(Position.id))
        .join(Organisation, col(Organisation.id) == col(Position.organisation_id))
        .where(Holding.person_id == person_id, col(Holding.ended_at).is_(None))
        .order_by(col(Position.id))
    ).all()
    return [(position, acting, office) for position, acting, office in rows]


def held_positions(*, session: Session, person_id: int) -> list[tuple[Position, bool]]:
    """The positions a person holds now, with whether each holding is acting (Plt)."""
    held = _held_with_offices(session=session, person_id=person_id)
    return [(position, acting) for position, acting, _ in held]


@per_unit_of_work("holding", "position", "delegation")
def reporting_positions(*, session: Session, person_id: int) -> list[Position]:
    """Positions whose figures this person may enter: held ones plus those delegated to them."""
    held = [p for p, _ in held_positions(session=session, person_id=person_id)]
    ids = {p.id for p in held}
    delegated: list[Position] = []
    if ids:
        for position in session.exec(
            select(Position)
            .join(Delegation, col(Delegation.position_id) == col(Position.id))
            .where(col(Delegation.delegate_id).in_(ids))
            .order_by(col(Delegation.id))
        ):
            if position.id not in ids:
                delegated.append(position)
                ids.add(position.id)
    return held + delegated


def holds_indicator(*, person_id: int, indicator: Indicator) -> ColumnElement[bool]:
    """SQL that is true while the person holds the indicator's position, or a position the
    owner delegated its entry to: a condition of the guarded save, evaluated at the moment of
    writing rather than trusted from a read earlier in the turn."""
    owner = indicator.owner_position_id
    delegates = select(Delegation.delegate_id).where(Delegation.position_id == owner)
    return exists().where(
        col(Holding.person_id) == person_id,
        col(Holding.ended_at).is_(None),
        or_(col(Holding.position_id) == owner, col(Holding.position_id).in_(delegates)),
    )


def holders(*, session: Session, position_id: int) -> list[Person]:
    """Active people holding a position now."""
    return holders_of(session=session, position_ids=[position_id])[position_id]


def holders_of(*, session: Session, position_ids: Iterable[int]) -> dict[int, list[Person]]:
    """`holders` for many positions in one query."""
    ids = sorted(set(position_ids))
    found: dict[int, list[Person]] = {i: [] for i in ids}
    if not ids:
        return found
    for position_id, person in session.exec(
        select(Holding.position_id, Person)
        .join(Holding, col(Holding.person_id) == col(Person.id))
        .where(
            col(Holding.position_id).in_(ids),
            col(Holding.ended_at).is_(None),
            col(Person.active).is_(True),
        )
        .order_by(col(Holding.id))
    ):
        found[position_id].append(person)
    return found


@per_unit_of_work("admin_grant")
def is_admin(*, session: Session, person_id: int, organisation_id: int | None = None) -> bool:
    statement = select(AdminGrant).where(
        AdminGrant.person_id == person_id, col(AdminGrant.active).is_(True)
    )
    if organisation_id is not None:
        statement = statement.where(AdminGrant.organisation_id == organisation_id)
    return session.exec(statement).first() is not None


@per_unit_of_work("holding", "position", "admin_grant", "organisation")
def organisation_of(*, session: Session, person_id: int) -> Organisation | None:
    """The office a person works for: through a held position, else an admin grant."""
    for _, _, office in _held_with_offices(session=session, person_id=person_id):
        return office
    grant = session.exec(
        select(AdminGrant).where(
            AdminGrant.person_id == person_id, col(AdminGrant.active).is_(True)
        )
    ).first()
    return session.get(Organisation, grant.organisation_id) if grant else None


def bind_holding(
    *, session: Session, person_id: int, position_id: int, acting: bool, now: datetime | None = None
) -> Holding:
    """Give a person a position in addition to what they already hold.

    A position has one holder at a time: whoever held it before (definitive or Plt) loses it,
    and with it the access to its indicators; their past reports stay theirs.
    """
    now = now or utcnow()
    for other in session.exec(
        select(Holding).where(Holding.position_id == position_id, col(Holding.ended_at).is_(None))
    ):
        if other.person_id == person_id:
            other.acting = acting
            session.add(other)
            return other
        other.ended_at = now
        session.add(other)
    holding = Holding(person_id=person_id, position_id=position_id, acting=acting, started_at=now)
    session.add(holding)
    session.flush()
    return holding


def admin_chats(*, session: Session, channel: str) -> tuple[set[str], set[str]]:
    """The private chats on `channel` of today's admins, and of people who were admins once
    (an ended grant, or a deactivated person): whose command menu lists the admin commands,
    and whose no longer should."""
    rows = session.exec(
        select(ChatIdentity.chat_id, ChatIdentity.external_id, AdminGrant.active, Person.active)
        .join(AdminGrant, col(AdminGrant.person_id) == ChatIdentity.person_id)
        .join(Person, col(Person.id) == ChatIdentity.person_id)
        .where(ChatIdentity.channel == channel)
    ).all()
    now: set[str] = set()
    once: set[str] = set()
    for chat_id, external_id, granted, active in rows:
        (now if granted and active else once).add(chat_id or external_id)
    return now, once - now
