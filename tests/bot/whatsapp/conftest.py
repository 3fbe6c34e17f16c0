"""WhatsApp fixtures: the real adapter and web server, the Cloud API stand-in on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sicapai.runtime.conversations import Conversations
from tests.support.chat import Clock
from tests.support.whatsapp import WhatsAppBot, add_templates, running
from tests.waapi import CloudApiStandIn


@pytest.fixture
async def wa(clock: Clock) -> AsyncIterator[CloudApiStandIn]:
    async with CloudApiStandIn(clock=clock, redelivery_delays=(0.05, 0.1, 0.2)) as api:
        add_templates(api)
        yield api


@pytest.fixture
async def wabot(app: Conversations, wa: CloudApiStandIn) -> AsyncIterator[WhatsAppBot]:
    async with running(app, wa) as bot:
        yield bot
