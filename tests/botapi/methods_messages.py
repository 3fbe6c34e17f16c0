"""Bot API methods that send, edit and delete text messages and answer button presses.

Why it exists: these are the calls behind nearly everything SiCapai says, and the ones whose
refusals the bot must survive — text too long or empty after parsing, "message is not
modified", "message to edit not found", editing someone else's message, a callback query
answered twice or too late. The file-carrying sends live in `methods_files`.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from .errors import bad
from .markup import parse_reply_markup
from .params import Params
from .state import BotState

MAX_CALLBACK_ANSWER_LENGTH = 200

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class MessageMethods(BotState):
    """sendMessage, sendChatAction, the three edits, deleteMessage and answerCallbackQuery."""

    async def _send_message(self, p: Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        raw, text, entities = self._message_text(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        content = self._content("text", text, entities, markup)
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record("sendMessage", message, p, reply_markup=markup, raw_text=raw)
        return copy.deepcopy(message)

    async def _send_chat_action(self, p: Params) -> bool:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        action = p.text("action")
        if action not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    def _editable(self, p: Params) -> dict[str, Any]:
        """The bot's own message named by chat_id + message_id, or Telegram's refusal."""
        if p.values.get("inline_message_id") and p.values.get("chat_id") is None:
            raise bad("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(p)
        message_id = p.integer("message_id", error="message to edit not found")
        if message_id is None:
            raise bad("message identifier is not specified")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            raise bad("message to edit not found")
        if not message["from"].get("is_bot") or message["from"]["id"] != self.bot_id:
            raise bad("message can't be edited")
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        return message

    async def _edit_message_text(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        raw, text, entities = self._message_text(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        unchanged = (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == inline
        )
        if unchanged:
            raise bad(NOT_MODIFIED)
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        self._set_markup(message, inline)
        message["edit_date"] = int(time.time())
        self._record("editMessageText", message, p, reply_markup=inline, raw_text=raw, edited=True)
        return copy.deepcopy(message)

    async def _edit_message_caption(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        if not any(key in message for key in ("photo", "document")):
            raise bad("there is no caption in the message to edit")
        raw, caption, entities = self._caption(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        unchanged = (
            message.get("caption", "") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == inline
        )
        if unchanged:
            raise bad(NOT_MODIFIED)
        message.pop("caption", None)
        message.pop("caption_entities", None)
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        self._set_markup(message, inline)
        message["edit_date"] = int(time.time())
        self._record(
            "editMessageCaption", message, p, reply_markup=inline, raw_text=raw, edited=True
        )
        return copy.deepcopy(message)

    async def _edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad("inline keyboard expected")
        if message.get("reply_markup") == markup:
            raise bad(NOT_MODIFIED)
        self._set_markup(message, markup)
        message["edit_date"] = int(time.time())
        self._record(
            "editMessageReplyMarkup", message, p, reply_markup=markup, raw_text=None, edited=True
        )
        return copy.deepcopy(message)

    @staticmethod
    def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
        """Edits without reply_markup drop the inline keyboard, exactly as on Telegram."""
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = copy.deepcopy(markup)

    async def _delete_message(self, p: Params) -> bool:
        chat = self._resolve_chat(p)
        message_id = p.integer("message_id", error="message to delete not found")
        if message_id is None:
            raise bad("message identifier is not specified")
        if self._messages.pop((chat["id"], message_id), None) is None:
            raise bad("message to delete not found")
        self.deleted.append((chat["id"], message_id))
        return True

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.text("callback_query_id")
        if not query_id or query_id not in self._open_queries:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        text = p.text("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(dict(p.values))
        self._sent_signal.fire()  # wakes wait_for_answers (and rescans of sent, harmlessly)
        return True
