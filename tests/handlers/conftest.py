"""Fixtures the flow tests share."""

from __future__ import annotations

import pytest

from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat


@pytest.fixture
async def keuangan(app: Conversations) -> Chat:
    """The Kasubag Keuangan, who reports the budget (`/anggaran`)."""
    chat = Chat(app, 2001, "Sari")
    await chat.register("Kasubag Keuangan")
    return chat
