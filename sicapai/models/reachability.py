"""Which of a person's chats can be reached, and the admin's view of those that cannot.

"Unreachable" is a fact about one chat on one channel (the person blocked the Telegram bot,
closed the chat), not about the person, and it is temporary: the person's next message on that
channel clears it (the conversation engine does that on every turn), and the admin can clear
it by hand once the person says they unblocked the bot. While it stands, reminders and notices
skip that chat and use another one of the person's, if they have one. A person may also stop
reminders on one chat themselves (BERHENTI, until MULAI); only reminders skip such a chat.

Which chat is tried first is the person's choice (`Person.preferred_channel`, set with
`/saluran`) or, by default, the channel they last wrote on (`Person.last_channel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from sicapai.models.guards import reflect
from sicapai.models.operations import record_audit
from sicapai.models.organisation import AdminGrant, ChatIdentity, Holding, Person, Position

# channels that show a message only when the person next opens them (`sicapai chat`): a
# notice waits there instead of reaching the person now
HELD_UNTIL_OPENED = frozenset({"terminal"})


def in_delivery_order(
    chats: Sequence[ChatIdentity], *, preferred: str | None, last: str | None
) -> list[ChatIdentity]:
    """A person's chats in the order notices and reminders try them: the channel they chose
    (`/saluran`) first, then the channel they last wrote on, then the rest; within each, the
    most recently bound chat first (the order `chats` come in). A channel held until opened
    comes first only when chosen: an admin who tried `sicapai chat` once still gets their
    notices on Telegram."""

    def rank(chat: ChatIdentity) -> int:
        if preferred is not None and chat.channel == preferred:
            return 0
        if chat.channel in HELD_UNTIL_OPENED:
            return 3
        if last is not None and chat.channel == last:
            return 1
        return 2

    return sorted(chats, key=rank)  # stable: keeps the newest-first order within a rank


def linked_chats(*, session: Session, person_id: int) -> list[ChatIdentity]:
    """Every chat of the person, reachable or not, in delivery order."""
    person = session.get(Person, person_id)
    chats = session.exec(
        select(ChatIdentity)
        .where(ChatIdentity.person_id == person_id)
        .order_by(col(ChatIdentity.id).desc())
    ).all()
    return in_delivery_order(
        chats,
        preferred=person.preferred_channel if person else None,
        last=person.last_channel if person else None,
    )


def reachable_chats(
    *, session: Session, person_id: int, for_reminders: bool = False
) -> list[ChatIdentity]:
    """The person's chats that may be written to, in delivery order (`in_delivery_order`).

    `for_reminders` also leaves out the chats where the person asked for no more reminders
    (BERHENTI): a reminder then goes to their other chat, or nowhere; every other notice (a
    returned report, a decision) still goes there, because the person still uses that chat."""
    return _writable(linked_chats(session=session, person_id=person_id), for_reminders)


def _writable(chats: Sequence[ChatIdentity], for_reminders: bool) -> list[ChatIdentity]:
    return [
        c
        for c in chats
        if c.unreachable_at is None and not (for_reminders and c.reminders_stopped_at is not None)
    ]


def reachable_chats_of(
    *, session: Session, people: Sequence[Person], for_reminders: bool = False
) -> dict[int, list[ChatIdentity]]:
    """`reachable_chats` for many people in one query (a reminder tick for a whole office)."""
    ids = sorted({p.id for p in people if p.id is not None})
    found: dict[int, list[ChatIdentity]] = {i: [] for i in ids}
    if not ids:
        return found
    for chat in session.exec(
        select(ChatIdentity)
        .where(col(ChatIdentity.person_id).in_(ids))
        .order_by(col(ChatIdentity.id).desc())
    ):
        found[chat.person_id].append(chat)
    result: dict[int, list[ChatIdentity]] = {}
    for person in people:
        if person.id is None:
            continue
        ordered = in_delivery_order(
            found[person.id], preferred=person.preferred_channel, last=person.last_channel
        )
        result[person.id] = _writable(ordered, for_reminders)
    return result


def stop_reminders(*, session: Session, chat: ChatIdentity, now: datetime) -> bool:
    """BERHENTI on this chat; True only for the turn that set it, so the admins are told once
    and a repeated BERHENTI is answered as already done."""
    result = session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat.id, col(ChatIdentity.reminders_stopped_at).is_(None))
        .values(reminders_stopped_at=now)
        .execution_options(synchronize_session=False)
    )
    changed = getattr(result, "rowcount", 0) == 1
    if changed:
        reflect(chat, reminders_stopped_at=now)
    return changed


def resume_reminders(*, session: Session, chat: ChatIdentity) -> bool:
    """MULAI on this chat; True only if reminders had been stopped there."""
    result = session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat.id, col(ChatIdentity.reminders_stopped_at).is_not(None))
        .values(reminders_stopped_at=None)
        .execution_options(synchronize_session=False)
    )
    changed = getattr(result, "rowcount", 0) == 1
    if changed:
        reflect(chat, reminders_stopped_at=None)
    return changed


def choose_channel(*, session: Session, person: Person, channel: str | None) -> None:
    """`/saluran`: notices and reminders go to `channel` first; None: to the one last used."""
    session.execute(
        update(Person)
        .where(col(Person.id) == person.id)
        .values(preferred_channel=channel)
        .execution_options(synchronize_session=False)
    )
    reflect(person, preferred_channel=channel)


def note_channel(*, session: Session, person: Person, channel: str) -> None:
    """The person wrote on `channel`: it becomes their last-used one. Called only when it
    differs from the stored one, so an ordinary turn writes nothing more."""
    session.execute(
        update(Person)
        .where(col(Person.id) == person.id)
        .values(last_channel=channel)
        .execution_options(synchronize_session=False)
    )
    reflect(person, last_channel=channel)


def mark_unreachable(*, session: Session, chat: ChatIdentity, now: datetime) -> bool:
    """Mark a chat that refused delivery; True only for the process that set the mark, so the
    admin is told once however many senders notice."""
    result = session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat.id, col(ChatIdentity.unreachable_at).is_(None))
        .values(unreachable_at=now)
        .execution_options(synchronize_session=False)
    )
    reflect(chat, unreachable_at=now)
    return getattr(result, "rowcount", 0) == 1


@dataclass(frozen=True)
class UnreachableChat:
    chat_id: int  # the ChatIdentity row
    person_id: int
    name: str
    channel: str
    since: datetime


def unreachable_chats(*, session: Session, organisation_id: int) -> list[UnreachableChat]:
    """Every marked chat of the office's people (holders of its positions and its admins)."""
    holders = select(Holding.person_id).join(Position, col(Position.id) == col(Holding.position_id))
    holders = holders.where(Position.organisation_id == organisation_id)
    admins = select(AdminGrant.person_id).where(AdminGrant.organisation_id == organisation_id)
    rows = session.exec(
        select(ChatIdentity, Person)
        .join(Person, col(Person.id) == col(ChatIdentity.person_id))
        .where(
            col(ChatIdentity.unreachable_at).is_not(None),
            col(ChatIdentity.person_id).in_(holders.union(admins)),
        )
        .order_by(col(Person.name), col(ChatIdentity.id))
    ).all()
    result = []
    for chat, person in rows:
        assert chat.id is not None and chat.unreachable_at is not None
        result.append(
            UnreachableChat(chat.id, chat.person_id, person.name, chat.channel, chat.unreachable_at)
        )
    return result


def clear_mark(
    *, session: Session, organisation_id: int, chat_id: int, by: int | None, now: datetime
) -> UnreachableChat | None:
    """The admin lifts a mark (the person unblocked the bot); audited. None if not marked."""
    marked = {
        c.chat_id: c for c in unreachable_chats(session=session, organisation_id=organisation_id)
    }
    found = marked.get(chat_id)
    if found is None:
        return None
    result = session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat_id, col(ChatIdentity.unreachable_at).is_not(None))
        .values(unreachable_at=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    record_audit(
        session,
        organisation_id,
        by,
        "tanda_terblokir_dihapus",
        "chat_identity",
        chat_id,
        now,
        nama=found.name,
        saluran=found.channel,
    )
    return found
