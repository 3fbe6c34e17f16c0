"""People on more than one channel, and the terminal driven in-process: a person linked only
to the terminal, a second chat of a registered person, a `sicapai chat` session typed from a
string."""

from __future__ import annotations

import io
from pathlib import Path

from sqlmodel import col, select

from sicapai.bot.commands_chat import terminal_identity
from sicapai.bot.terminal import TerminalChannel
from sicapai.handlers.port import Identity
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat

WHILE_AWAY = "Pesan untuk Anda selama Anda tidak membuka SiCapai"


def terminal_person(app: Conversations, position: str) -> Identity:
    """The holder of `position` as `sicapai chat --jabatan` makes them: linked only to the
    terminal (a person is created if nobody holds the position yet)."""
    identity, _ = terminal_identity(app.engine, None, position)
    return identity


def on_terminal(app: Conversations, identity: Identity) -> Chat:
    """A chat driver speaking for a terminal identity (turns as `sicapai chat` runs them)."""
    chat = Chat(app, 0, identity.display_name or "")
    chat.identity = identity
    return chat


def link(app: Conversations, chat: Chat, channel: str, external_id: str) -> Chat:
    """Bind a second chat, on `channel`, to the person behind `chat`; returns its driver."""
    with transaction(app.engine) as session:
        known = session.exec(
            select(ChatIdentity).where(
                ChatIdentity.channel == chat.identity.channel,
                ChatIdentity.external_id == chat.identity.external_id,
            )
        ).one()
        session.add(
            ChatIdentity(
                person_id=known.person_id,
                channel=channel,
                external_id=external_id,
                chat_id=external_id,
            )
        )
    other = Chat(app, 0, chat.identity.display_name or "")
    other.identity = Identity(channel, external_id, external_id, chat.identity.display_name)
    return other


def person_of(app: Conversations, chat: Chat) -> Person:
    with transaction(app.engine) as session:
        return session.exec(
            select(Person)
            .join(ChatIdentity, col(ChatIdentity.person_id) == col(Person.id))
            .where(
                ChatIdentity.channel == chat.identity.channel,
                ChatIdentity.external_id == chat.identity.external_id,
            )
        ).one()


async def terminal_session(
    app: Conversations, identity: Identity, typed: str = "", *, output_dir: Path | None = None
) -> str:
    """One `sicapai chat` session, typed from `typed`; returns everything it printed."""
    out = io.StringIO()
    channel = TerminalChannel(
        app, identity, stdin=io.StringIO(typed), stdout=out, output_dir=output_dir
    )
    await channel.run(identity.display_name or "")
    return out.getvalue()
