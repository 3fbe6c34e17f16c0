"""The Perjanjian Kinerja and what is reported against it.

Indicators belong to one office and one year's PK (a new year's PK loads new rows with the
same codes). Reported figures are never overwritten: a `Submission` is the slot for one
indicator in one period, and each save appends a `Revision`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from sicapai.models.types import ExactDecimal, UtcDateTime, utcnow
from sicapai.reports.domain import (
    PENDING_STATUSES,
    Frequency,
    Kind,
    NegativeFormula,
    Polarity,
    Status,
)

__all__ = [  # the domain's words, used by the tables below and by their callers
    "PENDING_STATUSES",
    "Frequency",
    "Kind",
    "NegativeFormula",
    "Polarity",
    "Status",
]


class Goal(SQLModel, table=True):
    """Tujuan."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    code: str = Field(max_length=32)
    name: str = Field(max_length=300)


class Objective(SQLModel, table=True):
    """Sasaran (strategic or performance objective)."""

    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    code: str = Field(max_length=32)
    name: str = Field(max_length=300)
    goal_id: int | None = Field(default=None, foreign_key="goal.id")


class Indicator(SQLModel, table=True):
    """One indicator of one year's PK, with its formula, target and owner."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int = Field(index=True)
    code: str = Field(max_length=32)
    report_order: int = 0
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    objective_id: int | None = Field(default=None, foreign_key="objective.id")
    name: str = Field(max_length=400)
    formula: str = Field(default="", sa_type=Text)
    numerator_label: str | None = Field(default=None, max_length=300)
    denominator_label: str | None = Field(default=None, max_length=300)
    unit_label: str = Field(max_length=40)  # satuan
    kind: str = Field(max_length=16)
    polarity: str = Field(default=Polarity.POSITIVE, max_length=16)
    negative_formula: str = Field(default=NegativeFormula.TARGET_OVER_REALISATION, max_length=32)
    frequency: str = Field(default=Frequency.QUARTERLY, max_length=16)
    target: Decimal = Field(sa_type=ExactDecimal)
    may_exceed_100: bool = False  # may a ratio's numerator exceed its denominator?
    owner_position_id: int | None = Field(default=None, foreign_key="position.id", index=True)
    budget_line_id: int | None = Field(default=None, foreign_key="budget_line.id")
    pk_budget: Decimal | None = Field(default=None, sa_type=ExactDecimal)  # as printed in the PK


class QuarterTarget(SQLModel, table=True):
    """Rencana Aksi: the planner's target for one quarter, overriding the default split."""

    __tablename__ = "quarter_target"
    __table_args__ = (UniqueConstraint("indicator_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    quarter: int
    target: Decimal = Field(sa_type=ExactDecimal)


class RenstraTarget(SQLModel, table=True):
    """The end-of-Renstra target (Tabel 3.5)."""

    __tablename__ = "renstra_target"
    __table_args__ = (UniqueConstraint("indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    end_year: int
    target: Decimal = Field(sa_type=ExactDecimal)


class PastRealisation(SQLModel, table=True):
    """A previous year's realisation and capaian as reported then (Tabel 3.4)."""

    __tablename__ = "past_realisation"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int
    realisation: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    achievement: Decimal | None = Field(default=None, sa_type=ExactDecimal)


class Period(SQLModel, table=True):
    """A reporting period: one quarter of one year of one office."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    quarter: int
    deadline: datetime | None = Field(default=None, sa_type=UtcDateTime)
    locked: bool = False
    locked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Submission(SQLModel, table=True):
    """The slot for one indicator in one period; its history is in `Revision`."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    status: str = Field(default=Status.NOT_YET, max_length=16)
    current_revision: int = 0
    review_note: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Revision(SQLModel, table=True):
    """One saved version of a submission's figures: append-only, never updated."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    number: int
    numerator: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    denominator: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    value: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    realisation: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    achievement: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    kendala: str | None = Field(default=None, sa_type=Text)
    faktor_pendorong: str | None = Field(default=None, sa_type=Text)
    upaya_perbaikan: str | None = Field(default=None, sa_type=Text)
    reason: str | None = Field(default=None, sa_type=Text)  # why a correction was made
    status: str = Field(default=Status.SENT, max_length=16)
    printed_realisation: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    printed_achievement: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    source: str = Field(default="chat", max_length=20)  # chat | impor | demo
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Evidence(SQLModel, table=True):
    """A bukti dukung file kept in SICAPAI_FILES_DIR, with what proves it is unchanged."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    revision_number: int
    path: str = Field(max_length=500)
    filename: str = Field(max_length=255)
    mime_type: str | None = Field(default=None, max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ChangeRequest(SQLModel, table=True):
    """A change to a locked period's figures: waits for the admin's approval (and is audited)."""

    __tablename__ = "change_request"

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reason: str = Field(sa_type=Text)
    status: str = Field(default="menunggu", max_length=16)  # menunggu | disetujui | ditolak
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
