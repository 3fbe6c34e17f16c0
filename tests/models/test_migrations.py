"""Upgrading a database that holds an office's data and a conversation in progress.

The database is built at the previous head (0003) the way that version wrote it — the demo
data, a person marked unreachable, a kasi half-way through correcting IK.18 — then upgraded
to head. Nothing may be lost, the marks must land on the person's chats, and the kasi must be
able to finish the correction with the buttons they already have on their phone.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from sicapai.models.db import make_engine, transaction
from sicapai.models.migrate import alembic_config, current_revision, head_revision, upgrade
from sicapai.models.organisation import ChatIdentity
from sicapai.models.people import find_position
from sicapai.models.performance import Indicator, Period
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import DEMO_FILE, MASTER_FILE, bundled_path, load_demo, load_master
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock
from tests.support.data import revisions
from tests.support.database import POSTGRES_URL

PREVIOUS_HEAD = "0003"


@pytest.fixture
def old_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (migrations are the thing under test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"sicapai_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def write_as_0003(url: str) -> dict[str, int]:
    """The office at schema 0003, written with that schema's columns (raw SQL where today's
    models differ): demo data, a kasi in the middle of a correction, a blocked person."""
    engine = make_engine(url)
    upgrade(engine, url, PREVIOUS_HEAD)
    with transaction(engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
        load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
    with Session(engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        kasi_position = find_position(
            session=session, organisation_id=org.id, name="Kasi Penempatan Tenaga Kerja"
        ).position
        other_position = find_position(
            session=session, organisation_id=org.id, name="Kasi Transmigrasi"
        ).position
        indicator = session.exec(select(Indicator).where(Indicator.code == "IK.18")).one()
        period = session.exec(select(Period).where(Period.year == 2025, Period.quarter == 4)).one()
        assert kasi_position and other_position and indicator.id and period.id
    dialog = sa.table(
        "dialog_state",
        sa.column("person_id", sa.Integer),
        sa.column("dialog", sa.String),
        sa.column("step", sa.String),
        sa.column("version", sa.Integer),
        sa.column("data", sa.JSON),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = Clock().now
    with engine.begin() as conn:
        for person_id, name, unreachable, external, position in (
            (101, "Budi", False, "4101", kasi_position.id),
            (102, "Sari", True, "4102", other_position.id),
        ):
            conn.execute(
                text(
                    "INSERT INTO person (id, name, active, unreachable, created_at) "
                    "VALUES (:id, :name, :active, :unreachable, :now)"
                ),
                {
                    "id": person_id,
                    "name": name,
                    "active": True,
                    "unreachable": unreachable,
                    "now": now,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO chat_identity (person_id, channel, external_id, chat_id, "
                    "display_name) VALUES (:id, 'telegram', :ext, :ext, :name)"
                ),
                {"id": person_id, "ext": external, "name": name},
            )
            conn.execute(
                text(
                    "INSERT INTO holding (person_id, position_id, acting, started_at) "
                    "VALUES (:id, :position, :acting, :now)"
                ),
                {"id": person_id, "position": position, "acting": False, "now": now},
            )
        # Budi corrects IK.18 TW IV (the demo's revision 1) and is at the preview
        conn.execute(
            dialog.insert().values(
                person_id=101,
                dialog="lp",
                step="pratinjau",
                version=7,
                updated_at=now,
                data={
                    "period_id": period.id,
                    "indicator_id": indicator.id,
                    "correction": True,
                    "old": "175 / 474 = 36,92%",
                    "numerator": "180",
                    "denominator": "474",
                    "value": None,
                    "kendala": "Perusahaan belum melapor",
                    "upaya": "Kunjungan lapangan",
                    "pendorong": None,
                    "files": [],
                    "reason": "Tambahan laporan perusahaan",
                },
            )
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('person_id_seq', 200)"))
    engine.dispose()
    return {"indicator": indicator.id, "period": period.id}


async def test_upgrade_keeps_data_marks_and_a_conversation_in_progress(
    old_database: str, tmp_path: Path
) -> None:
    ids = write_as_0003(old_database)
    before = len(revisions(make_engine(old_database), "IK.18"))
    engine = make_engine(old_database)
    upgrade(engine, old_database)
    assert current_revision(engine) == head_revision()
    assert "chat_mark" in inspect(engine).get_table_names()  # 0005: marks start empty
    columns = {c["name"] for c in inspect(engine).get_columns("person")}
    assert "unreachable" not in columns
    with Session(engine) as session:
        marks = {c.external_id: c.unreachable_at for c in session.exec(select(ChatIdentity)).all()}
        state = session.exec(text("SELECT data FROM dialog_state WHERE person_id = 101")).one()
    assert marks["4101"] is None and marks["4102"] is not None
    data = state[0] if isinstance(state[0], dict) else json.loads(state[0])
    assert data["seen_revision"] == 1 and data["locked"] is False
    assert data["indicator_id"] == ids["indicator"]

    app = Conversations(engine, files_dir=tmp_path / "bukti", clock=Clock())
    try:
        budi = Chat(app, 4101, "Budi")
        await budi.press_data("lp:7:simpan")  # the Simpan button from before the upgrade
        assert "Laporan tersimpan" in budi.text, budi.text
        stored = revisions(engine, "IK.18")
        assert len(stored) == before + 1
        newest = max(stored, key=lambda r: r.id or 0)
        assert newest.numerator == D(180) and newest.reason == "Tambahan laporan perusahaan"
        sari = Chat(app, 4102, "Sari")
        await sari.send("/bantuan")  # writing again clears the mark carried over
        with Session(engine) as session:
            chat = session.exec(
                select(ChatIdentity).where(ChatIdentity.external_id == "4102")
            ).one()
        assert chat.unreachable_at is None
    finally:
        await app.close()
        engine.dispose()


def test_the_migration_runs_on_an_empty_database_too(old_database: str) -> None:
    engine = make_engine(old_database)
    upgrade(engine, old_database, PREVIOUS_HEAD)
    upgrade(engine, old_database)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_chat_marks_migration_goes_down_and_up_again(old_database: str) -> None:
    engine = make_engine(old_database)
    upgrade(engine, old_database, "0005")
    assert "chat_mark" in inspect(engine).get_table_names()
    config = alembic_config(old_database)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "chat_mark" not in inspect(engine).get_table_names()
    upgrade(engine, old_database)
    assert "chat_mark" in inspect(engine).get_table_names()
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_delivery_channels_migration_goes_down_and_up_with_people(old_database: str) -> None:
    """0006 on a database that already holds people: their rows survive the new columns going
    away and coming back (empty again: a chosen channel is lost on a downgrade, by design)."""
    engine = make_engine(old_database)
    upgrade(engine, old_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO person (name, active, created_at, preferred_channel, last_channel) "
                "VALUES ('Budi', true, CURRENT_TIMESTAMP, 'terminal', 'telegram')"
            )
        )
    config = alembic_config(old_database)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert "preferred_channel" not in {c["name"] for c in inspect(engine).get_columns("person")}
    upgrade(engine, old_database)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name, preferred_channel, last_channel FROM person")
        ).all()
    assert [tuple(r) for r in rows] == [("Budi", None, None)]
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_whatsapp_migration_goes_down_and_up_with_chats(old_database: str) -> None:
    """0007 on a database that already holds people and their chats: the chats survive the
    window, business id and stop columns going away and coming back (empty again)."""
    engine = make_engine(old_database)
    upgrade(engine, old_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO person (id, name, active, created_at) "
                "VALUES (301, 'Budi', true, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO chat_identity (person_id, channel, external_id, chat_id, "
                "last_inbound_at, business_id, reminders_stopped_at) VALUES (301, 'whatsapp', "
                "'6281200000001', '6281200000001', CURRENT_TIMESTAMP, 'ID.1', CURRENT_TIMESTAMP)"
            )
        )
    config = alembic_config(old_database)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    tables = inspect(engine).get_table_names()
    assert "sent_message" not in tables and "link_code" not in tables
    assert "last_inbound_at" not in {
        c["name"] for c in inspect(engine).get_columns("chat_identity")
    }
    upgrade(engine, old_database)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT person_id, external_id, last_inbound_at, business_id, "
                "reminders_stopped_at FROM chat_identity"
            )
        ).all()
    assert [tuple(r) for r in rows] == [(301, "6281200000001", None, None, None)]
    assert current_revision(engine) == head_revision()
    engine.dispose()
