"""A Bot API call's parameters, read the way Telegram accepts them.

Why it exists: python-telegram-bot sends JSON for plain calls and multipart forms for
uploads, and a `sicapai run` process or a test may use a query string or urlencoded form;
Telegram accepts all four, with every value possibly a string. Reading them here, into one
typed shape, keeps the method handlers free of transport details and makes `ApiCall.params`
look the same whichever way a call arrived.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from .errors import bad
from .records import UploadedFile


class Params:
    """Call parameters from JSON, a form or a query string, where every value may be a string."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, *, error: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad(error)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad(error) from None

    def number(self, name: str, *, error: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad(error) from None

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str, *, error: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad(error) from None
        return value


_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
    }
)
_NUMBER_FIELDS = frozenset({"timeout"})
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "disable_content_type_detection",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
    }
)


def _typed(name: str, value: str) -> Any:
    """A form or query value as the JSON value it encodes, so `calls` read the same either way.

    Only well-known fields are converted, and a value that does not parse stays a string for
    the method to refuse with Telegram's own description.
    """
    try:
        if name in _INT_FIELDS and re.fullmatch(r"\s*-?\d+\s*", value):
            return int(value)
        if name in _NUMBER_FIELDS:
            number = float(value)
            return int(number) if number.is_integer() else number
        if name in _BOOL_FIELDS and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if name in _JSON_FIELDS:
            return json.loads(value)
    except ValueError:
        pass
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters the way Telegram accepts them: query string, JSON, urlencoded or multipart."""
    values: dict[str, Any] = {key: _typed(key, value) for key, value in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return values, files
    if request.content_type == "application/json":
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                raise bad("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise bad("JSON encoded request body must be an Object")
            values.update(body)
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            elif isinstance(value, str):
                values[key] = _typed(key, value)
    return values, files
