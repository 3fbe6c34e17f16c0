"""`StandInBot`: one bot token's Bot API, and the handle a test holds to play its users.

Why it exists: a test needs one object that both answers the bot's HTTP calls and lets the
test act (`user_message`, `press_button`, `user_document`, `redeliver`), look (`sent`,
`calls`, `wait_for`) and break things (`fail_next`, `delay_next`, `block_user`). This module
puts the method handlers of the `methods_*` modules behind one dispatch that records every
call, injects the faults a test asked for, and answers in Telegram's shape.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .entities import command_entities
from .errors import ApiError, json_response
from .files import document_dict, image_size, photo_dict
from .methods_bot import BotMethods
from .methods_files import FileMethods
from .methods_messages import MessageMethods
from .params import Params, read_params
from .records import ApiCall, SentMessage
from .state import DEFAULT_TOKEN, MAX_TEXT_LENGTH, Handler, Signal

# Every method the stand-in answers; any other name gets Telegram's 404 "Not Found".
_METHODS = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "getFile",
    "getChat",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "close",
    "logOut",
)
# Telegram matches method names case-insensitively.
_METHOD_NAMES = {name.lower(): name for name in _METHODS}


@dataclass
class _Fault:
    """An answer `fail_next` queued for a method, used up after `times` calls."""

    status: int
    description: str
    retry_after: int | None
    times: int

    def error(self) -> ApiError:
        return ApiError(self.status, self.description, retry_after=self.retry_after)


def _default_description(status: int, retry_after: int | None) -> str:
    """What Telegram would say for a status, so an injected fault reads like a real one."""
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return f"Too Many Requests: retry after {retry_after}"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


class StandInBot(MessageMethods, FileMethods, BotMethods):
    """Everything Telegram keeps for one bot token: chats, messages, updates, files.

    It is also the test's handle: act as users (`user_message`, `press_button`, ...), inspect
    what the bot did (`sent`, `calls`, ...), and inject faults (`fail_next`, ...).
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
        super().__init__(
            token,
            rate_limit_per_second=rate_limit_per_second,
            per_chat_per_second=per_chat_per_second,
            first_name=first_name,
            username=username,
            strict_chats=strict_chats,
            strict_html_entities=strict_html_entities,
        )
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[list[float]]] = {}
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._store_setting("setMyDescription"),
            "setMyShortDescription": self._store_setting("setMyShortDescription"),
            "setMyName": self._store_setting("setMyName"),
            "setChatMenuButton": self._store_setting("setChatMenuButton"),
            "close": self._true,
            "logOut": self._true,
        }

    # ------------------------------------------------------------------ simulating users

    def user_message(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Budi",
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user, with bot_command entities as Telegram adds them."""
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError("Telegram clients split messages longer than 4096 characters")
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_sends(
            user_id, content, first_name, chat_type, chat_id, reply_to_message_id
        )

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        first_name: str | None = None,
        check_data: bool = True,
    ) -> dict[str, Any]:
        """Queue a callback_query for a button on a message the stand-in holds.

        A real client can only press a button that is on the message, so by default `data`
        must be one of its callback_data values (`check_data=False` forges one).
        """
        chat = chat_id if chat_id is not None else user_id
        message = self._messages.get((chat, message_id))
        if message is None:
            known = sorted(mid for (cid, mid) in self._messages if cid == chat)
            raise ValueError(f"no message {message_id} in chat {chat}; known ids: {known}")
        if check_data:
            markup = message.get("reply_markup") or {}
            offered = [
                button.get("callback_data")
                for row in markup.get("inline_keyboard", [])
                for button in row
            ]
            if data not in offered:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"it offers {[d for d in offered if d is not None]}"
                )
        user = self._remember_user(user_id, first_name)
        query_id = str(secrets.randbits(62))
        self._open_queries.add(query_id)
        digest = hashlib.sha1(f"{self.bot_id}:{chat}".encode()).hexdigest()
        query = {
            "id": query_id,
            "from": user,
            "message": copy.deepcopy(message),
            "chat_instance": str(int(digest[:15], 16)),
            "data": data,
        }
        return self._queue("callback_query", query)

    def user_document(
        self,
        user_id: int,
        file_bytes: bytes,
        *,
        file_name: str = "bukti.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        first_name: str = "Budi",
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a document from a user; getFile and the download URL then serve its bytes."""
        stored = self._files.store(file_bytes, "document", file_name=file_name, mime_type=mime_type)
        content: dict[str, Any] = {"document": document_dict(stored)}
        if caption:
            content["caption"] = caption
        return self._user_sends(user_id, content, first_name, chat_type, chat_id, None)

    def user_photo(
        self,
        user_id: int,
        file_bytes: bytes,
        *,
        caption: str | None = None,
        first_name: str = "Budi",
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a photo from a user, as the array of sizes Telegram delivers."""
        try:
            size = image_size(file_bytes) or (800, 600)
        except ApiError:
            size = (800, 600)
        sizes = self._files.store_photo(file_bytes, size)
        content: dict[str, Any] = {"photo": [photo_dict(s) for s in sizes]}
        if caption:
            content["caption"] = caption
        return self._user_sends(user_id, content, first_name, chat_type, chat_id, None)

    def block_user(self, chat_id: int) -> None:
        """From now on sends to this chat answer 403, as when the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def _user_sends(
        self,
        user_id: int,
        content: dict[str, Any],
        first_name: str | None,
        chat_type: str,
        chat_id: int | None,
        reply_to_message_id: int | None,
    ) -> dict[str, Any]:
        """Queue a user's message in the chat it would come from, as clients allow it."""
        user = self._remember_user(user_id, first_name)
        if chat_type == "private":
            if chat_id not in (None, user_id):
                raise ValueError("a private chat's id is the user's id")
            chat = {"id": user_id, "first_name": user["first_name"], "type": "private"}
            # Writing to the bot means the user has (re)started it.
            self._blocked.discard(user_id)
        elif chat_type in ("group", "supergroup"):
            if chat_id is None:
                raise ValueError(f"a {chat_type} message needs the group's chat_id")
            known = self._chats.get(chat_id)
            chat = known or {"id": chat_id, "title": "Grup SiCapai", "type": chat_type}
        else:
            raise ValueError(f"unsupported chat_type {chat_type!r}")
        self._chats[chat["id"]] = chat
        if reply_to_message_id is not None:
            target = self._messages.get((chat["id"], reply_to_message_id))
            if target is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat['id']}")
            reply = copy.deepcopy(target)
            reply.pop("reply_to_message", None)
            content = {**content, "reply_to_message": reply}
        message = self._new_message(chat, user, content)
        return self._queue("message", copy.deepcopy(message))

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Make an update for getUpdates, kept in the history too so it can be redelivered."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._updates.append(update)
        self._history[self._last_update_id] = copy.deepcopy(update)
        self._updates_signal.fire()
        return copy.deepcopy(update)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again under its original `update_id`, as Telegram does when the
        bot died after handling it but before the next getUpdates acknowledged it.

        A bot that restarts polls from a low offset and receives it; one that keeps polling
        has acknowledged past it, as on Telegram, and never sees it again.
        """
        update = self._history.get(update_id)
        if update is None:
            raise ValueError(f"no update {update_id} was ever queued")
        if not any(u["update_id"] == update_id for u in self._updates):
            self._updates.append(copy.deepcopy(update))
            self._updates.sort(key=lambda u: int(u["update_id"]))
        self._updates_signal.fire()

    # ------------------------------------------------------------------ inspecting

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def command_menu(self, chat_id: int | None = None) -> dict[str, str]:
        """The command menu a chat sees: its own scope's if one was set, else the default's
        (what Telegram shows a private chat; language codes aside)."""
        default = json.dumps({"type": "default"}, sort_keys=True)
        own = json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True)
        commands = self._command_sets.get((own, ""), self._command_sets.get((default, ""), []))
        return {c["command"]: c["description"] for c in commands}

    def has_own_menu(self, chat_id: int) -> bool:
        return (json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True), "") in (
            self._command_sets
        )

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def stored_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as it stands now (after edits), None if unknown or deleted."""
        message = self._messages.get((chat_id, message_id))
        return copy.deepcopy(message) if message is not None else None

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-helper signature
        *,
        since: int = 0,
    ) -> SentMessage:
        """The first sent message from index `since` on that matches, waiting if need be."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.sent):
                message = self.sent[index]
                index += 1
                if predicate(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"no matching message within {timeout}s; sent since #{since}: "
                    f"{self._summary(self.sent[since:])}"
                )
            await self._sent_signal.wait(remaining)

    async def wait_for_count(
        self,
        chat_id: int,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-helper signature
        *,
        since: int = 0,
    ) -> list[SentMessage]:
        """All messages to `chat_id` (from index `since`) once there are at least `n`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [m for m in self.sent[since:] if m.chat_id == chat_id]
            if len(found) >= n:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"{len(found)} of {n} messages to chat {chat_id} within {timeout}s: "
                    f"{self._summary(found)}"
                )
            await self._sent_signal.wait(remaining)

    async def wait_for_answers(
        self,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-helper signature
    ) -> list[dict[str, Any]]:
        """The callback answers once there are at least `n`. A bot may answer a pressed
        button beside its reply rather than before it, so the answer can arrive second."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.callback_answers) < n:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{len(self.callback_answers)} of {n} callback answers")
            await self._sent_signal.wait(remaining)
        return list(self.callback_answers)

    def max_sends_in_any_second(self, chat_id: int | None = None) -> int:
        """The most successful sends (and edits) inside any one-second window."""
        times = sorted(m.time for m in self.sent if chat_id is None or m.chat_id == chat_id)
        best = 0
        first = 0
        for last, moment in enumerate(times):
            while moment - times[first] >= 1.0:
                first += 1
            best = max(best, last - first + 1)
        return best

    def _summary(self, messages: list[SentMessage]) -> str:
        shown = [f"{m.method}->{m.chat_id}: {(m.text or '')[:60]!r}" for m in messages[-8:]]
        return "; ".join(shown) or "nothing"

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with this error instead of running them."""
        canonical = self._canonical(method)
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        fault = _Fault(
            status,
            description or _default_description(status, retry_after),
            retry_after,
            times,
        )
        self._faults.setdefault(canonical, []).append(fault)

    def clear_faults(self) -> None:
        """Forget every fault still waiting to be injected."""
        self._faults.clear()

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold back the answer to the next `times` calls of `method` by `seconds`.

        The call itself is carried out first — as on Telegram, where a request the client gave
        up on has usually been executed — so a client that retries after its timeout sends
        twice, and the test can see it.
        """
        self._delays.setdefault(self._canonical(method), []).append([seconds, times])

    @staticmethod
    def _canonical(method: str) -> str:
        canonical = _METHOD_NAMES.get(method.lower())
        if canonical is None:
            raise ValueError(f"the stand-in does not implement {method!r}")
        return canonical

    # ------------------------------------------------------------------ HTTP entry point

    async def handle_call(self, method_name: str, request: web.Request) -> web.Response:
        """Run one Bot API call and answer it the way Telegram would."""
        canonical = _METHOD_NAMES.get(method_name.lower())
        call = ApiCall(method=canonical or method_name, params={}, time=time.monotonic())
        self.calls.append(call)
        delay = self._take_delay(canonical)
        try:
            call.params, call.files = await read_params(request)
            if canonical is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            fault = self._take_fault(canonical)
            if fault is not None:
                raise fault.error()
            result = await self._handlers[canonical](Params(call.params, call.files))
            body: dict[str, Any] = {"ok": True, "result": result}
            status: int = HTTPStatus.OK
        except ApiError as exc:
            body, status = exc.body(), exc.status
            call.status, call.description = exc.status, exc.description
            if status == HTTPStatus.TOO_MANY_REQUESTS:
                self.too_many_requests += 1
        if delay:
            await self._pause(delay)
        return json_response(body, status)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _take_delay(self, method: str | None) -> float:
        queue = self._delays.get(method or "")
        if not queue:
            return 0.0
        entry = queue[0]
        entry[1] -= 1
        if entry[1] <= 0:
            queue.pop(0)
        return entry[0]

    async def _pause(self, seconds: float) -> None:
        """Sleep, but not past the server's stop, so shutdown never waits on a delay."""
        if self._stop_event is None:
            self._stop_event = asyncio.Event()
            if self._stopping:
                self._stop_event.set()
        try:
            await asyncio.wait_for(self._stop_event.wait(), seconds)
        except TimeoutError:
            pass

    def begin_shutdown(self) -> None:
        """Let long polls and delayed answers return now; the server is going away."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()
        self._updates_signal.fire()
        self._sent_signal.fire()

    def reset_lifecycle(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve again on `loop`; test helpers on other threads wake waiters through it."""
        self._stopping = False
        self._stop_event = None
        self._updates_signal = Signal()
        self._sent_signal = Signal()
        self._updates_signal.loop = loop
        self._sent_signal.loop = loop
