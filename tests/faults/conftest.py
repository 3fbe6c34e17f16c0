"""The Bot API stand-in for the fault tests (the office, clock and conversations come from
tests/conftest.py); defined here, not borrowed from tests/bot, so this folder runs on its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.conftest import TOKEN
from tests.botapi import BotApiStandIn


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TOKEN) as api:
        yield api
