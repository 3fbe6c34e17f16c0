"""Reply markup as the bot sent it, refused the way Telegram refuses bad keyboards.

Why it exists: SiCapai's menus are inline keyboards whose callback_data carries state, and
Telegram rejects a whole message for one button whose callback_data exceeds 64 bytes, for
more than 100 buttons, or for a button without an action. Checking that here means such a
keyboard fails in the tests exactly as it would in production.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import bad

MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100

# An inline button needs one of these; a text-only button belongs to reply keyboards.
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """The reply_markup as a dict, validated the way Telegram refuses bad keyboards."""
    if raw is None or raw == "":
        return None
    markup = raw
    if isinstance(raw, str):
        try:
            markup = json.loads(raw)
        except ValueError:
            raise bad("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array')
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad("reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array')
        return markup
    if "remove_keyboard" in markup or "force_reply" in markup:
        return markup
    raise bad("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    """Refuse one button as Telegram does; one bad button refuses the whole message."""
    if not isinstance(button, dict):
        raise bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(?i)(https?://[^\s/]+|tg://\S+)", url):
            raise bad("BUTTON_URL_INVALID")
    elif not any(action in button for action in _BUTTON_ACTIONS):
        raise bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
