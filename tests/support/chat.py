"""Driving conversations in tests: send text, press buttons by label, send files; and the few
walks through `/lapor` that many tests share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from sicapai.handlers.port import Event, EventKind, Identity, IncomingFile, Reply
from sicapai.models.db import transaction
from sicapai.models.performance import Indicator, Period, Revision, Submission
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.turns import TurnResult
from tests.support.data import invite_code

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
    return invite_code(app.engine, position, admin=admin, acting=acting, now=app.clock())


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


# --- walks many tests share -------------------------------------------------------------


async def report_ik18(chat: Chat, numerator: str = "90", denominator: str = "100") -> None:
    await chat.send("/lapor")
    await chat.press("IK.18")
    await chat.send(numerator)
    await chat.send(denominator)


async def report(chat: Chat, code: str, *figures: str, reason: str | None = None) -> None:
    await chat.send("/lapor")
    await chat.press(code)
    if any("Ubah angka" in b.label for r in chat.replies for row in r.buttons for b in row):
        await chat.press("Ubah angka")
    for figure in figures:
        await chat.send(figure)  # on target: the preview follows (or, on a correction, the reason)
    if reason is not None:
        await chat.send(reason)


def slot(
    app: Conversations, code: str, quarter: int = 4
) -> tuple[Submission | None, list[Revision]]:
    with transaction(app.engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == code)).one()
        period = session.exec(select(Period).where(Period.quarter == quarter)).one()
        submission = session.exec(
            select(Submission).where(
                Submission.indicator_id == indicator.id, Submission.period_id == period.id
            )
        ).first()
        revisions = (
            list(session.exec(select(Revision).where(Revision.submission_id == submission.id)))
            if submission
            else []
        )
        return submission, revisions
