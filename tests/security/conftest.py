"""Fixtures for the security tests: the bundled office on a real database, a movable clock,
and the conversations. Defined here so this folder runs on its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sicapai.handlers.engine import Conversations
from sicapai.models.db import transaction
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from tests.chat import Clock
from tests.conftest import Database


@pytest.fixture
def office(db: Database) -> Database:
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
