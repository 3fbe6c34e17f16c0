"""The schema: exact decimals and aware times survive both databases; migrations match models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from sicapai.models import BudgetLine, Organisation, Person
from sicapai.models.db import transaction
from sicapai.models.migrate import current_revision, head_revision
from tests.support.database import Database

EXACT = [
    Decimal("50.0567536889897843359818388195232690124858115777525539160045402951191827"),
    Decimal("2526926600.00"),
    Decimal("0.1"),
    Decimal("12081204858"),
    Decimal("-3.75"),
]


def test_exact_decimals_round_trip(db: Database) -> None:
    with transaction(db.engine) as session:
        org = Organisation(code="x", name="X")
        session.add(org)
        session.flush()
        for n, value in enumerate(EXACT):
            session.add(
                BudgetLine(
                    organisation_id=org.id,
                    year=2025,
                    code=str(n),
                    kind="program",
                    name="p",
                    ceiling=value,
                )
            )
    with db.session() as session:
        stored = [row.ceiling for row in session.exec(select(BudgetLine).order_by(BudgetLine.code))]
    assert stored == EXACT
    assert all(isinstance(v, Decimal) for v in stored)
    assert str(stored[1]) in {"2526926600.00"}  # the scale survives too


def test_aware_times_come_back_in_utc(db: Database) -> None:
    wita = timezone(timedelta(hours=8))
    moment = datetime(2025, 4, 10, 23, 59, tzinfo=wita)
    with transaction(db.engine) as session:
        session.add(Person(name="Budi", created_at=moment))
    with db.session() as session:
        person = session.exec(select(Person)).one()
    assert person.created_at == moment
    assert person.created_at.tzinfo is not None
    assert person.created_at.astimezone(UTC).hour == 15


def test_database_is_at_head_and_models_match_migrations(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], diff
