"""The budget tree (program > kegiatan > sub kegiatan) and its quarterly realisation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from sicapai.models.types import ExactDecimal, UtcDateTime, utcnow


class BudgetLine(SQLModel, table=True):
    """One line of Tabel 3.11 with its pagu and the position that reports it."""

    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int = Field(index=True)
    code: str = Field(max_length=40)
    kind: str = Field(max_length=16)  # program | kegiatan | subkegiatan
    name: str = Field(max_length=400)
    ceiling: Decimal = Field(sa_type=ExactDecimal)  # pagu
    parent_id: int | None = Field(default=None, foreign_key="budget_line.id")
    owner_position_id: int | None = Field(default=None, foreign_key="position.id")
    sort_order: int = 0


class BudgetRealisation(SQLModel, table=True):
    """Cumulative money spent on a line up to a period; corrections append a new number."""

    __tablename__ = "budget_realisation"
    __table_args__ = (UniqueConstraint("budget_line_id", "period_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    budget_line_id: int = Field(foreign_key="budget_line.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    number: int = 1
    amount: Decimal = Field(sa_type=ExactDecimal)
    printed_absorption: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    reason: str | None = Field(default=None, sa_type=Text)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    source: str = Field(default="chat", max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SpendingType(SQLModel, table=True):
    """Tabel 3.10: pagu and realisation by type of spending, for the yearly report."""

    __tablename__ = "spending_type"
    __table_args__ = (UniqueConstraint("organisation_id", "year", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    name: str = Field(max_length=200)
    parent_name: str | None = Field(default=None, max_length=200)
    ceiling: Decimal = Field(sa_type=ExactDecimal)
    realisation: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    sort_order: int = 0
