"""What Telegram keeps for one bot token, and the helpers every method handler shares.

Why it exists: the method handlers (split by concern into the `methods_*` modules) and the
test hooks on `StandInBot` all read and change the same chats, messages, update queue and
records. `BotState` owns that state and the checks several methods apply alike — which chat
a call names, blocked users, flood limits, text and caption limits, reply targets, and the
`SentMessage` record of each send — so each method module can subclass it without importing
any other.
"""

from __future__ import annotations

import asyncio
import copy
import math
import re
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from .entities import check_parse_mode, format_text
from .errors import ApiError, bad, too_many
from .files import FileStore
from .params import Params
from .records import ApiCall, SentMessage

DEFAULT_TOKEN = "123:ABC"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
FIRST_UPDATE_ID = 700_000_000

# A Bot API method: the call's parameters in, the JSON `result` out (or an ApiError raised).
Handler = Callable[[Params], Awaitable[Any]]

# What getUpdates delivers until the bot names allowed_updates: Telegram's default, which
# leaves out chat_member, message_reaction and message_reaction_count.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class Signal:
    """Wakes every current waiter at once; callable from plain (non-async) test helpers."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def fire(self) -> None:
        event, self._event = self._event, None
        if event is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self.loop is not None and running is not self.loop:
            self.loop.call_soon_threadsafe(event.set)
        else:
            event.set()

    async def wait(self, seconds: float) -> None:
        """Until the next fire() or `seconds`, whichever is first; never raises on timeout."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            pass


class BotState:
    """Everything Telegram keeps for one bot token: chats, messages, updates, files.

    The public attributes are the records tests inspect (`sent`, `calls`, ...); the rest is
    Telegram's side of the conversation, changed only through Bot API calls and test hooks.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        rate_limit_per_second: int | None = None,
        per_chat_per_second: float | None = None,
        first_name: str = "SiCapai Test",
        username: str = "sicapai_test_bot",
        strict_chats: bool = False,
        strict_html_entities: bool = True,
    ) -> None:
        prefix, colon, _secret = token.partition(":")
        if not colon or not prefix.isdigit():
            raise ValueError(f"a bot token looks like '<digits>:<secret>', not {token!r}")
        if per_chat_per_second is not None and per_chat_per_second <= 0:
            raise ValueError("per_chat_per_second must be positive")
        self.token = token
        self.bot_id = int(prefix)
        self.first_name = first_name
        self.username = username
        self.rate_limit_per_second = rate_limit_per_second
        self.per_chat_per_second = per_chat_per_second
        self.strict_chats = strict_chats
        self.strict_html_entities = strict_html_entities

        self.sent: list[SentMessage] = []
        self.calls: list[ApiCall] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, Any] | None = None
        self.chat_actions: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, int]] = []
        self.downloads: list[str] = []
        self.settings: dict[str, dict[str, Any]] = {}
        self.too_many_requests = 0

        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._history: dict[int, dict[str, Any]] = {}  # every update ever queued, for redelivery
        self._last_update_id = FIRST_UPDATE_ID
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._webhook_url = ""
        self._files = FileStore()
        self._open_queries: set[str] = set()
        self._blocked: set[int] = set()
        self._command_sets: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._updates_signal = Signal()
        self._sent_signal = Signal()
        self._stopping = False
        self._stop_event: asyncio.Event | None = None

    # ------------------------------------------------------------------ identity

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as the `from` of its own messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    # ------------------------------------------------------------ shared by handlers and hooks

    def _remember_user(self, user_id: int, first_name: str | None) -> dict[str, Any]:
        """The user as the `from` of updates; a later name wins, as after a profile change."""
        user = self._users.get(user_id)
        if user is None:
            user = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name or "Budi",
                "language_code": "id",
            }
            self._users[user_id] = user
        elif first_name:
            user["first_name"] = first_name
        return dict(user)

    def _new_message(
        self, chat: dict[str, Any], sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a message under the next id of its chat; ids count per chat, as on Telegram."""
        chat_id = chat["id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message = {
            "message_id": message_id,
            "from": dict(sender),
            "chat": dict(chat),
            "date": int(time.time()),
            **content,
        }
        self._messages[(chat_id, message_id)] = message
        return message

    def _resolve_chat(self, p: Params) -> dict[str, Any]:
        """The chat a call's chat_id names; unknown ids become chats unless `strict_chats`."""
        raw = p.values.get("chat_id")
        if raw is None or raw == "":
            raise bad("chat_id is empty")
        chat_id: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat_id = raw
        elif isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
            chat_id = int(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            for known in self._chats.values():
                if known.get("username") == raw[1:]:
                    return known
        if chat_id is None:
            raise bad("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise bad("chat not found")
            chat = self._make_chat(chat_id)
            self._chats[chat_id] = chat
        return chat

    @staticmethod
    def _make_chat(chat_id: int) -> dict[str, Any]:
        """A chat for an id never seen, typed by Telegram's id ranges (groups are negative)."""
        if chat_id > 0:
            return {"id": chat_id, "first_name": f"User{chat_id}", "type": "private"}
        if chat_id <= -1_000_000_000_000:
            return {"id": chat_id, "title": "Grup SiCapai", "type": "supergroup"}
        return {"id": chat_id, "title": "Grup SiCapai", "type": "group"}

    def _check_reachable(self, chat_id: int) -> None:
        if chat_id in self._blocked:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")

    def _check_flood(self, chat_id: int) -> None:
        """Answer 429 when one more send would exceed a configured limit, like flood control."""
        now = time.monotonic()
        if self.rate_limit_per_second is not None:
            recent = self._recent_send_times(now, 1.0, None)
            if len(recent) >= self.rate_limit_per_second:
                raise too_many(max(1, math.ceil(recent[0] + 1.0 - now)))
        if self.per_chat_per_second is not None:
            rate = self.per_chat_per_second
            window = max(1.0, 1.0 / rate)
            allowed = max(1, math.floor(rate * window))
            recent = self._recent_send_times(now, window, chat_id)
            if len(recent) >= allowed:
                raise too_many(max(1, math.ceil(recent[0] + window - now)))

    def _recent_send_times(self, now: float, window: float, chat_id: int | None) -> list[float]:
        times: list[float] = []
        for message in reversed(self.sent):
            if now - message.time >= window:
                break
            if chat_id is None or message.chat_id == chat_id:
                times.append(message.time)
        times.reverse()
        return times

    def _format(self, text: str, p: Params) -> tuple[str, list[dict[str, Any]]]:
        """Text or caption with whichever of entities/caption_entities the call gave."""
        entities = p.json("entities", error="can't parse entities JSON object")
        if entities is None:
            entities = p.json("caption_entities", error="can't parse entities JSON object")
        return format_text(
            text, p.text("parse_mode"), entities, strict_html=self.strict_html_entities
        )

    def _message_text(self, p: Params) -> tuple[str, str, list[dict[str, Any]]]:
        raw = p.text("text")
        if raw is None or not raw.strip():
            raise bad("message text is empty")
        visible, entities = self._format(raw, p)
        if not visible:
            raise bad("message text is empty")
        if len(visible) > MAX_TEXT_LENGTH:
            raise bad("message is too long")
        return raw, visible, entities

    def _caption(self, p: Params) -> tuple[str | None, str, list[dict[str, Any]]]:
        raw = p.text("caption")
        if not raw:
            check_parse_mode(p.text("parse_mode"))
            return raw, "", []
        visible, entities = self._format(raw, p)
        if len(visible) > MAX_CAPTION_LENGTH:
            raise bad("message caption is too long")
        return raw, visible, entities

    def _reply_target(self, p: Params, chat_id: int) -> dict[str, Any] | None:
        """The message replied to, from reply_parameters or the older reply_to_message_id."""
        parameters = p.json("reply_parameters", error="can't parse reply parameters JSON object")
        allow = p.flag("allow_sending_without_reply")
        message_id: Any = None
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow = bool(parameters.get("allow_sending_without_reply"))
        elif parameters is not None:
            raise bad("can't parse reply parameters JSON object")
        else:
            message_id = p.integer("reply_to_message_id", error="message to be replied not found")
        if message_id is None:
            return None
        target = self._messages.get((chat_id, int(message_id)))
        if target is None:
            if allow:
                return None
            raise bad("message to be replied not found")
        reply = copy.deepcopy(target)
        reply.pop("reply_to_message", None)
        return reply

    @staticmethod
    def _content(
        text_key: str, text: str, entities: list[dict[str, Any]], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Message fields for a text or caption; only inline keyboards stay on the message."""
        entity_key = "entities" if text_key == "text" else "caption_entities"
        content: dict[str, Any] = {}
        if text:
            content[text_key] = text
            if entities:
                content[entity_key] = entities
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        return content

    def _record(
        self,
        method: str,
        message: dict[str, Any],
        p: Params,
        *,
        reply_markup: dict[str, Any] | None,
        raw_text: str | None,
        edited: bool = False,
        photo: bytes | None = None,
        document: bytes | None = None,
        filename: str | None = None,
    ) -> None:
        """Note a successful send or edit for the tests, and wake whoever waits for one."""
        text = message.get("text", message.get("caption"))
        entities = message.get("entities", message.get("caption_entities", []))
        self.sent.append(
            SentMessage(
                method=method,
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                text=text,
                parse_mode=p.text("parse_mode"),
                reply_markup=copy.deepcopy(reply_markup),
                photo=photo,
                document=document,
                filename=filename,
                time=time.monotonic(),
                edited=edited,
                entities=copy.deepcopy(entities),
                raw_text=raw_text,
                message=copy.deepcopy(message),
            )
        )
        self._sent_signal.fire()
