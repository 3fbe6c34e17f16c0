"""Telegram fixtures: the real PTB Application, polling a Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.database import Database
from tests.support.telegram import conversations, start_bot, stop_bot


@pytest.fixture
async def bot(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> AsyncIterator[Conversations]:
    app = conversations(office, tmp_path)
    application = await start_bot(app, standin)
    try:
        yield app
    finally:
        await stop_bot(application)
        await app.close()
