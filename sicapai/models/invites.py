"""One-time invite codes that bind a chat identity to a position or to the admin role.

Only a SHA-256 of each code is stored, so a leaked database does not leak usable codes;
codes carry 96 random bits, so they cannot be guessed within the attempt limit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from sicapai.models.operations import AuditLog, Invite
from sicapai.models.organisation import AdminGrant, ChatIdentity, Person
from sicapai.models.people import bind_holding
from sicapai.models.types import ident

INVITE_LIFETIME = timedelta(days=7)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_invite(
    *,
    session: Session,
    organisation_id: int,
    position_id: int | None,
    admin: bool,
    acting: bool,
    now: datetime,
    created_by: int | None = None,
) -> str:
    """A fresh code (letters, digits, '-' and '_'; 16 characters) valid for seven days."""
    code = secrets.token_urlsafe(12)
    invite = Invite(
        organisation_id=organisation_id,
        code_hash=hash_code(code),
        position_id=position_id,
        admin=admin,
        acting=acting,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    session.add(invite)
    session.flush()
    session.add(
        AuditLog(
            organisation_id=organisation_id,
            at=now,
            person_id=created_by,
            action="undangan_dibuat",
            entity="invite",
            entity_id=invite.id,
            detail={"position_id": position_id, "admin": admin, "plt": acting},
        )
    )
    return code


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Redemption:
    invite: Invite | None
    person: Person | None
    refusal: Refusal | None = None


def redeem(
    *,
    session: Session,
    code: str,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str,
    now: datetime,
) -> Redemption:
    """Bind the identity (creating the person on first use) and spend the code."""
    invite = session.exec(select(Invite).where(Invite.code_hash == hash_code(code))).first()
    if invite is None:
        return Redemption(None, None, Refusal.UNKNOWN)
    if invite.used_at is not None:
        return Redemption(invite, None, Refusal.USED)
    if invite.expires_at <= now:
        return Redemption(invite, None, Refusal.EXPIRED)
    identity = session.exec(
        select(ChatIdentity).where(
            ChatIdentity.channel == channel, ChatIdentity.external_id == external_id
        )
    ).first()
    if identity is None:
        # the channel they register on is the one they use: no later write to note it
        person = Person(name=display_name or "Pengguna", created_at=now, last_channel=channel)
        session.add(person)
        session.flush()
        identity = ChatIdentity(
            person_id=ident(person),
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            display_name=display_name,
        )
        session.add(identity)
    else:
        known = session.get(Person, identity.person_id)
        assert known is not None, "a chat identity always has its person"
        person = known
        person.active = True
        person.last_channel = channel
        identity.chat_id = chat_id
        session.add(identity)
    assert person.id is not None
    if invite.admin:
        grant = session.exec(
            select(AdminGrant).where(
                AdminGrant.organisation_id == invite.organisation_id,
                AdminGrant.person_id == person.id,
            )
        ).first()
        grant = grant or AdminGrant(organisation_id=invite.organisation_id, person_id=person.id)
        grant.active = True
        session.add(grant)
    if invite.position_id is not None:
        bind_holding(
            session=session,
            person_id=person.id,
            position_id=invite.position_id,
            acting=invite.acting,
            now=now,
        )
    invite.used_at = now
    invite.used_by_person_id = person.id
    session.add(invite)
    session.add(
        AuditLog(
            organisation_id=invite.organisation_id,
            at=now,
            person_id=person.id,
            action="undangan_dipakai",
            entity="invite",
            entity_id=invite.id,
            detail={"position_id": invite.position_id, "admin": invite.admin},
        )
    )
    session.flush()
    return Redemption(invite, person)
