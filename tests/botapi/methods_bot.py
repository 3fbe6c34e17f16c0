"""Bot API methods about the bot itself and its update stream, which send users nothing.

Why it exists: SiCapai polls getUpdates and, at start-up, calls getMe, deleteWebhook and
setMyCommands; getUpdates decides which updates reach the bot and when (offsets, long-poll
timeouts, allowed_updates, the 409 when a second instance polls), which the redelivery and
shutdown tests depend on. Keeping these apart from the sending methods keeps both readable.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from http import HTTPStatus
from typing import Any

from .errors import ApiError, bad
from .params import Params
from .state import DEFAULT_UPDATE_TYPES, BotState, Handler

MAX_COMMANDS = 100


class BotMethods(BotState):
    """getMe, getUpdates, webhooks, getChat, commands and the bot's profile settings."""

    async def _true(self, p: Params) -> bool:
        return True

    def _store_setting(self, method: str) -> Handler:
        async def store(p: Params) -> bool:
            self.settings[method] = dict(p.values)
            return True

        return store

    async def _get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: Params) -> list[dict[str, Any]]:
        if self._webhook_url:
            raise ApiError(
                HTTPStatus.CONFLICT,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset", error="wrong offset specified")
        limit = p.integer("limit", error="wrong limit specified") or 100
        limit = min(max(limit, 1), 100)
        timeout = max(p.number("timeout", error="wrong timeout specified") or 0.0, 0.0)
        allowed = p.json("allowed_updates", error="can't parse allowed_updates JSON object")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        # Telegram ends an older long poll when a newer one arrives (two bot instances).
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    HTTPStatus.CONFLICT,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            ready = self._deliverable(limit)
            remaining = deadline - loop.time()
            if ready or self._stopping or remaining <= 0:
                return ready
            await self._updates_signal.wait(remaining)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        kept: list[dict[str, Any]] = []
        for update in self._updates:
            kind = next(key for key in update if key != "update_id")
            if kind in self._allowed_updates:
                kept.append(update)
        # Updates of types the bot did not ask for are never delivered, as on Telegram.
        self._updates = kept
        return copy.deepcopy(kept[:limit])

    async def _set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if url and not url.lower().startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, p: Params) -> bool:
        self._webhook_url = ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> dict[str, Any]:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_chat(self, p: Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @staticmethod
    def _command_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope", error="can't parse BotCommandScope JSON object")
        scope_key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return scope_key, p.text("language_code") or ""

    async def _set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands", error="can't parse commands JSON object")
        if commands is None:
            commands = []
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise bad("can't parse BotCommand: BotCommand must be an Object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise bad("command description must be non-empty")
            if len(description) > 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self._command_sets[self._command_key(p)] = copy.deepcopy(commands)
        self.commands = {
            "commands": copy.deepcopy(commands),
            "scope": p.json("scope", error="can't parse BotCommandScope JSON object"),
            "language_code": p.text("language_code"),
        }
        return True

    async def _get_my_commands(self, p: Params) -> list[dict[str, Any]]:
        return copy.deepcopy(self._command_sets.get(self._command_key(p), []))

    async def _delete_my_commands(self, p: Params) -> bool:
        self._command_sets.pop(self._command_key(p), None)
        return True
