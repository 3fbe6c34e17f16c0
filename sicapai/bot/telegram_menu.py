"""Telegram's command menu, from the flows' declarations (`handlers.registry.menu`).

Everyone's commands go in the default scope; each admin's private chat gets its own scope with
the admin commands after them. That is one call for the default, plus one per admin added or
removed: the menus applied are remembered, and each sync sends only the difference. A sync runs
when the bot starts, after a turn that changed who is an admin, and every few minutes for
changes made from the command line.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from sicapai.handlers import registry
from sicapai.models.people import admin_chats

log = logging.getLogger(__name__)

SYNC_SECONDS = 600  # how soon an admin added from the command line gets their menu


class CommandMenus:
    def __init__(self, engine: Engine, channel: str) -> None:
        self.engine = engine
        self.channel = channel
        self._applied: set[str] | None = None  # admin chats whose menu is set, once known
        self._lock = asyncio.Lock()

    def _chats(self) -> tuple[set[str], set[str]]:
        with Session(self.engine) as session:
            return admin_chats(session=session, channel=self.channel)

    async def sync(self, bot: Any) -> int:
        """Bring the menus in line with today's admins; the number of Bot API calls made."""
        async with self._lock:
            admins, former = await asyncio.to_thread(self._chats)
            calls = 0
            if self._applied is None:  # first sync of this process: default scope, and
                await bot.set_my_commands(_commands(admin=False))  # menus left by a past run
                calls += 1
                added, removed = admins, former
            else:
                added, removed = admins - self._applied, self._applied - admins
            applied = set(self._applied or ())
            for chat in sorted(added):
                if await _call(bot.set_my_commands, _commands(admin=True), chat):
                    applied.add(chat)
                calls += 1
            for chat in sorted(removed):
                if await _call(bot.delete_my_commands, None, chat):
                    applied.discard(chat)
                calls += 1
            self._applied = applied
            return calls


def _commands(*, admin: bool) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in registry.menu(admin=admin)]


async def _call(method: Any, commands: list[BotCommand] | None, chat: str) -> bool:
    """One chat's menu; a chat the bot cannot reach (never started, blocked) is skipped."""
    scope = BotCommandScopeChat(int(chat))
    try:
        if commands is None:
            await method(scope=scope)
        else:
            await method(commands, scope=scope)
    except TelegramError as exc:
        log.warning("could not set the command menu of a chat: %s", type(exc).__name__)
        return False
    return True
