"""Column types that keep decimals exact on every database we support.

SQLAlchemy's `Numeric` comes back through float on SQLite, which would turn 50.05 into
50.049999… and break the LKjIP arithmetic. On SQLite we store the canonical decimal text;
on PostgreSQL the native unconstrained NUMERIC keeps the value and its scale.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """A `Decimal` that survives a round trip unchanged on SQLite and PostgreSQL."""

    impl = String(48)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(48))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"not a finite decimal: {value!r}")
        if dialect.name == "postgresql":
            return number
        return format(number, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite drops the offset, so we put it back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"naive or non-datetime value for a UTC column: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC: the default for every timestamp column."""
    return datetime.now(UTC)


class HasId(Protocol):
    id: int | None


def ident(row: HasId) -> int:
    """The id of a row that has been stored. Asking for the id of a row never flushed is a bug,
    and must fail loudly rather than quietly query row 0."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet (not flushed)")
    return row.id
