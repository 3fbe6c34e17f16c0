"""delivery channels: where a person's notices and reminders go first

- `person.preferred_channel`: the channel chosen with `/saluran` (None: automatic);
- `person.last_channel`: the channel the person last wrote on, the automatic choice;
- `reminder_log.channel`: where a reminder was sent, or where it waits (the terminal).

Nothing to carry over: existing people keep today's order (their newest chat first) until
they write again or choose a channel.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("person", "preferred_channel"),
    ("person", "last_channel"),
    ("reminder_log", "channel"),
)


def upgrade() -> None:
    # a nullable column is added in place on both databases (no batch rebuild: on SQLite a
    # rebuild of `person` would drop a table every other table refers to)
    for table, column in COLUMNS:
        op.add_column(
            table,
            sa.Column(column, sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        )


def downgrade() -> None:
    bind = op.get_bind()
    for table, column in reversed(COLUMNS):
        if bind.dialect.name == "sqlite":
            # SQLite drops a plain column in place (as 0004 does), without a rebuild
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
