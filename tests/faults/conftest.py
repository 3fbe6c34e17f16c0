"""Fixtures for the fault tests: the bundled office on a real database, a movable clock, the
conversations, and the Bot API stand-in. Defined here (not borrowed from another folder's
conftest) so this folder runs on its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sicapai.handlers.engine import Conversations
from sicapai.models.db import transaction
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from tests.bot.conftest import TOKEN
from tests.botapi import BotApiStandIn
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


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TOKEN) as api:
        yield api
