"""What the running bot keeps: the audit log, dialog state, invites and sent reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Field, Session, SQLModel

from sicapai.models.types import UtcDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """Every change a person or the system makes, for the evaluator and the admin."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class DialogState(SQLModel, table=True):
    """Where one person is in a conversation; the version guards against stale buttons."""

    __tablename__ = "dialog_state"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    dialog: str | None = Field(default=None, max_length=32)
    step: str | None = Field(default=None, max_length=32)
    version: int = 0
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Invite(SQLModel, table=True):
    """A one-time registration code; only its hash is stored."""

    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    position_id: int | None = Field(default=None, foreign_key="position.id")
    admin: bool = False
    acting: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    used_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class ReminderLog(SQLModel, table=True):
    """A reminder recorded before delivery, so that no key is ever delivered twice."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("person_id", "period_id", "kind", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    kind: str = Field(max_length=32)
    day: date
    # antri | terkirim | gagal | ditunda | tidak_pasti | menunggu (handed to the outbox for a
    # channel nobody receives on now, the terminal: shown when the person next opens it)
    status: str = Field(default="antri", max_length=16)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    text: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    channel: str | None = Field(default=None, max_length=20)  # where it was sent (or waits)


def record_audit(
    session: Session,
    organisation_id: int | None,
    person_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    **detail: Any,
) -> None:
    """Append one audit-log entry; values that JSON cannot hold are kept as text."""
    session.add(
        AuditLog(
            organisation_id=organisation_id,
            at=now,
            person_id=person_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail={
                key: value
                if isinstance(value, (str, int, float, bool)) or value is None
                else str(value)
                for key, value in detail.items()
            },
        )
    )
