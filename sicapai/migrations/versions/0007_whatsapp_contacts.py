"""WhatsApp: the messaging window, stop marks, sent-message statuses and link codes

- `chat_identity.last_inbound_at`: when the person last wrote on the chat (WhatsApp allows
  free-form messages only within 24 hours of it); `business_id`: Meta's business-scoped user
  id beside the phone number; `reminders_stopped_at`: BERHENTI until MULAI;
- `sent_message`: what the platform reported about each message sent (sent, delivered, read,
  failed), by its id;
- `link_code`: the short codes `/hubungkan` shows to link a second channel.

Nothing to carry over: existing chats have no window yet (a WhatsApp chat opens one with the
person's first message), nothing was sent on WhatsApp, no code was issued.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sicapai.models.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHAT_COLUMNS = ("last_inbound_at", "business_id", "reminders_stopped_at")


def upgrade() -> None:
    # nullable columns are added in place on both databases (no batch rebuild, see 0006)
    op.add_column(
        "chat_identity",
        sa.Column(
            "last_inbound_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=True
        ),
    )
    op.add_column(
        "chat_identity",
        sa.Column("business_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    )
    op.add_column(
        "chat_identity",
        sa.Column(
            "reminders_stopped_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=True
        ),
    )
    op.create_table(
        "sent_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("chat_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "account", "message_id"),
    )
    op.create_index("ix_sent_message_created_at", "sent_message", ["created_at"], unique=False)
    op.create_table(
        "link_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", sicapai.models.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_link_code_person_id", "link_code", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_link_code_person_id", table_name="link_code")
    op.drop_table("link_code")
    op.drop_index("ix_sent_message_created_at", table_name="sent_message")
    op.drop_table("sent_message")
    bind = op.get_bind()
    for column in reversed(CHAT_COLUMNS):
        if bind.dialect.name == "sqlite":
            op.execute(f"ALTER TABLE chat_identity DROP COLUMN {column}")
        else:
            op.drop_column("chat_identity", column)
