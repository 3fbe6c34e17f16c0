"""Driving conversations in tests: send text, press buttons by label, send files."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sicapai.handlers.port import Event, EventKind, Identity, IncomingFile, Reply
from sicapai.models.db import transaction
from sicapai.models.invites import create_invite
from sicapai.models.people import find_position
from sicapai.models.queries import resolve_organisation
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.turns import TurnResult

# 29 November 2026, 10:00 WITA: 2025 TW IV is the default period
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


class Clock:
    """A clock tests can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def invite(
    app: Conversations, position: str | None, *, admin: bool = False, acting: bool = False
) -> str:
    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        position_id = None
        if position:
            match = find_position(session=session, organisation_id=org.id, name=position)
            assert match.position is not None, match.suggestions
            position_id = match.position.id
        return create_invite(
            session=session,
            organisation_id=org.id,
            position_id=position_id,
            admin=admin,
            acting=acting,
            now=app.clock(),
        )


class Chat:
    """One person's side of a conversation."""

    def __init__(self, app: Conversations, user_id: int = 1001, name: str = "Budi") -> None:
        self.app = app
        self.identity = Identity("telegram", str(user_id), str(user_id), name)
        self.replies: list[Reply] = []
        self.result: TurnResult | None = None

    async def _run(self, event: Event) -> list[Reply]:
        self.result = await self.app.handle(self.identity, event)
        self.replies = self.result.replies
        return self.replies

    async def send(self, text: str) -> list[Reply]:
        return await self._run(Event.from_text(text))

    async def register(self, position: str, *, acting: bool = False) -> list[Reply]:
        return await self.send(f"/start {invite(self.app, position, acting=acting)}")

    async def press(self, label: str) -> list[Reply]:
        return await self._run(Event(EventKind.PRESS, data=self.button(label)))

    async def press_data(self, data: str) -> list[Reply]:
        return await self._run(Event(EventKind.PRESS, data=data))

    def button(self, label: str) -> str:
        for reply in reversed(self.replies):
            for row in reply.buttons:
                for button in row:
                    if label in button.label:
                        return button.data
        raise AssertionError(f"no button {label!r} in {[r.text for r in self.replies]}")

    async def send_file(
        self, content: bytes, name: str = "bukti.pdf", mime: str = "application/pdf"
    ) -> list[Reply]:
        async def download(path: Path) -> None:
            await asyncio.to_thread(path.write_bytes, content)

        file = IncomingFile(name=name, mime_type=mime, size=len(content), download=download)
        return await self._run(Event(EventKind.FILE, file=file))

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.replies)
