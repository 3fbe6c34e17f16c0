"""Who is who: offices, their units and positions, people, and who holds which position.

Responsibility belongs to a position (jabatan); people come and go. A person may hold several
positions, a holding may be acting ("Plt"), and a position may let another enter its figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from sicapai.models.types import UtcDateTime, utcnow


class Organisation(SQLModel, table=True):
    """One office (OPD); a deployment may serve many, each in its own time zone."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="Asia/Makassar", max_length=64)


class Unit(SQLModel, table=True):
    """A dinas, sekretariat, bidang, subbag or seksi, in a tree."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # dinas | sekretariat | bidang | subbag | seksi
    parent_id: int | None = Field(default=None, foreign_key="unit.id")


class Position(SQLModel, table=True):
    """A jabatan: owns indicators, reports to its superior position."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    name: str = Field(max_length=200)
    superior_id: int | None = Field(default=None, foreign_key="position.id")
    budget_duty: bool = False  # reports budget realisation (the finance subsection)


class Person(SQLModel, table=True):
    """A civil servant who uses the bot; deactivated people keep their history."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    nip: str | None = Field(default=None, max_length=32)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    # where notices and reminders go first: the channel chosen with /saluran, or else (None)
    # the channel the person last wrote on, which a turn writes only when it changes
    preferred_channel: str | None = Field(default=None, max_length=20)
    last_channel: str | None = Field(default=None, max_length=20)


class ChatIdentity(SQLModel, table=True):
    """How one channel knows a person (a Telegram user id, a terminal login...)."""

    __tablename__ = "chat_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=64)
    chat_id: str | None = Field(default=None, max_length=64)  # where to send unprompted messages
    display_name: str | None = Field(default=None, max_length=200)
    # set when this channel refused to deliver to the person (they blocked the bot, closed the
    # chat); cleared by their next message on this channel or by the admin
    unreachable_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # when the person last wrote on this chat: WhatsApp lets a business send free-form
    # messages only within 24 hours of it, templates outside (`runtime.delivery`)
    last_inbound_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # the platform's other stable id of the person, where it has one (Meta's business-scoped
    # user id beside the phone number a WhatsApp chat is keyed by)
    business_id: str | None = Field(default=None, max_length=128)
    # the person asked for no more reminders here (BERHENTI / STOP) until they say MULAI
    reminders_stopped_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Holding(SQLModel, table=True):
    """A person holding a position, possibly as acting (Plt); ended holdings stay for history."""

    __tablename__ = "holding"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    position_id: int = Field(foreign_key="position.id", index=True)
    acting: bool = False
    started_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Delegation(SQLModel, table=True):
    """Position `delegate_id` may enter the figures of position `position_id`."""

    __tablename__ = "delegation"
    __table_args__ = (UniqueConstraint("position_id", "delegate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True)
    delegate_id: int = Field(foreign_key="position.id", index=True)


class AdminGrant(SQLModel, table=True):
    """The admin role of an office: separate from positions, held by people."""

    __tablename__ = "admin_grant"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    active: bool = True
