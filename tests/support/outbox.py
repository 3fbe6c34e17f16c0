"""Channels in the tests' hands: a sender that answers as the test says, and the outbox rows."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from sicapai.handlers.port import Identity, Reply
from sicapai.models.db import transaction
from sicapai.models.outbox import OutboxMessage
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery


class Phone:
    """A channel's sender that answers as the test says, and records what it delivered."""

    def __init__(self) -> None:
        self.answers: list[Delivery] = []  # the next answers, then ok
        self.delivered: list[tuple[Identity, str]] = []

    async def __call__(self, identity: Identity, reply: Reply) -> Delivery:
        await asyncio.sleep(0)
        answer = self.answers.pop(0) if self.answers else Delivery(ok=True)
        if answer.ok:
            self.delivered.append((identity, reply.text))
        return answer


def rows(app: Conversations) -> list[OutboxMessage]:
    with transaction(app.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
