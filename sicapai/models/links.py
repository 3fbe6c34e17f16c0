"""Short codes that link a second channel to a person who is registered on one.

A kasi registered on Telegram who wants WhatsApp too asks for a code with `/hubungkan` there
and sends `HUBUNGKAN <code>` from WhatsApp. The code is short because it is typed on a phone,
so it lives ten minutes, is used once, and only its hash is stored; a new request replaces the
person's earlier codes. Failed attempts are limited per chat like invite codes
(`chat_marks.invite_failures`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlmodel import Field, Session, SQLModel, col, select

from sicapai.models.organisation import ChatIdentity
from sicapai.models.types import UtcDateTime

LIFETIME = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off one screen, typed on another
LENGTH = 6


class LinkCode(SQLModel, table=True):
    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=20)  # where it was shown
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def create_link_code(*, session: Session, person_id: int, channel: str, now: datetime) -> str:
    """A fresh code for the person; their earlier unused codes stop working."""
    session.execute(
        delete(LinkCode).where(
            col(LinkCode.person_id) == person_id, col(LinkCode.used_at).is_(None)
        )
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session.add(
        LinkCode(
            code_hash=_hash(code),
            person_id=person_id,
            channel=channel,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    session.flush()
    return code


def redeem_link_code(*, session: Session, code: str, now: datetime) -> int | None:
    """The person the code belongs to, used up in this statement (compare-and-set: of two
    chats sending the same code at once one wins), or None if unknown, used or expired."""
    row = session.exec(select(LinkCode).where(LinkCode.code_hash == _hash(code))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    result = session.execute(
        update(LinkCode)
        .where(col(LinkCode.id) == row.id, col(LinkCode.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return row.person_id if getattr(result, "rowcount", 0) == 1 else None


class LinkRefusal(StrEnum):
    """Why a typed code links nothing: each is told differently, so a person who waited too
    long knows to ask for a new code rather than to retype this one."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LinkLookup:
    """Whose code it is and where it was shown, or why it cannot be used."""

    person_id: int | None
    channel: str | None  # where the code was shown (the chat that asked for it)
    refusal: LinkRefusal | None = None


def look_up_link_code(*, session: Session, code: str, now: datetime) -> LinkLookup:
    """The code's owner without spending it: a chat that is already held by someone is
    refused before anything changes, and the code stays usable for its rightful chat."""
    row = session.exec(select(LinkCode).where(LinkCode.code_hash == _hash(code))).first()
    if row is None:
        return LinkLookup(None, None, LinkRefusal.UNKNOWN)
    if row.used_at is not None:
        return LinkLookup(row.person_id, row.channel, LinkRefusal.USED)
    if row.expires_at <= now:
        return LinkLookup(row.person_id, row.channel, LinkRefusal.EXPIRED)
    return LinkLookup(row.person_id, row.channel)


def link_chat(
    *,
    session: Session,
    code: str,
    person_id: int,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str,
    now: datetime,
) -> ChatIdentity | None:
    """Spend the code and bind this chat to its person, in the caller's transaction; None if
    the code was spent meanwhile (by another chat, at the same moment) or is not theirs."""
    if redeem_link_code(session=session, code=code, now=now) != person_id:
        return None
    chat = ChatIdentity(
        person_id=person_id,
        channel=channel,
        external_id=external_id,
        chat_id=chat_id,
        display_name=display_name or None,
    )
    session.add(chat)
    session.flush()  # a chat bound at the same moment by another turn fails here, on its key
    return chat


def prune(*, session: Session, now: datetime) -> int:
    result = session.execute(delete(LinkCode).where(col(LinkCode.expires_at) < now - LIFETIME))
    return int(getattr(result, "rowcount", 0) or 0)
