"""Shared fixtures: every database-bound test runs on SQLite and on PostgreSQL.

PostgreSQL is found at SICAPAI_TEST_POSTGRES_URL (default: the local test server). Where it
cannot be reached the tests run on SQLite alone and say so at the end — except in CI
(CI=true) or with SICAPAI_REQUIRE_POSTGRES=1, where an unreachable server is a failure.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from sicapai.models.db import make_engine
from sicapai.models.migrate import upgrade
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.chat import Clock
from tests.support.database import POSTGRES_URL, REQUIRE_POSTGRES, Database, probe_postgres
from tests.support.telegram import TOKEN

_postgres_problem: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _postgres_problem
    _postgres_problem = probe_postgres()
    if _postgres_problem and REQUIRE_POSTGRES:
        raise pytest.UsageError(
            f"PostgreSQL at {POSTGRES_URL} is required here but unreachable: {_postgres_problem}"
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] if _postgres_problem else ["sqlite", "postgresql"]
        metafunc.parametrize("backend", backends, scope="session")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres_problem:
        terminalreporter.write_line(
            f"PostgreSQL was NOT tested (unreachable at {POSTGRES_URL}: {_postgres_problem}); "
            "database tests ran on SQLite only.",
            yellow=True,
        )
    else:
        terminalreporter.write_line("Database tests ran on SQLite and PostgreSQL.")


@pytest.fixture(scope="session")
def _migrated(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend per test session (a template for SQLite)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine, url)
        engine.dispose()
        yield url
        return
    name = f"sicapai_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine, url)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(backend: str, _migrated: str, tmp_path: Path) -> Iterator[Database]:
    """An empty migrated database: a copy of the template on SQLite, truncated on PostgreSQL."""
    if backend == "sqlite":
        source = Path(make_url(_migrated).database or "")
        target = tmp_path / "sicapai.db"
        shutil.copyfile(source, target)
        url = f"sqlite:///{target}"
        engine = make_engine(url)
    else:
        url = _migrated
        engine = make_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield Database(url=url, engine=engine, backend=backend)
    engine.dispose()


@pytest.fixture
def seeded(db: Database) -> Database:
    """The bundled office with its 2025 demo realisations loaded."""
    from sicapai.models.db import transaction
    from sicapai.models.queries import resolve_organisation
    from sicapai.models.seeding import DEMO_FILE, MASTER_FILE, bundled_path, load_demo, load_master

    with transaction(db.engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
        load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
    return db


# --- the bundled office and its conversations (handlers, faults, security, bot) -------------


@pytest.fixture
def office(db: Database) -> Database:
    """The bundled office's master data (no realisations)."""
    from sicapai.models.db import transaction
    from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master

    with transaction(db.engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
    return db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(office: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Conversations]:
    conversations = Conversations(office.engine, files_dir=tmp_path / "bukti", clock=clock)
    yield conversations
    await conversations.close()


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TOKEN) as api:
        yield api
