"""What the stand-in records of the bot's calls and sends, in the shape tests assert on.

Why it exists: these dataclasses are the stand-in's public vocabulary (exported from
`tests.botapi`); tests and benchmarks read them, while the request parsing and the method
handlers produce them. Keeping them apart from both lets either side change freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, kept whole so a test can compare the bytes."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One HTTP call to a Bot API method, failed ones included, so tests can see retries."""

    method: str
    params: dict[str, Any]
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK


@dataclass
class SentMessage:
    """What a user would see after one successful send or edit by the bot.

    `text` is the visible text (or caption) after entity parsing — tags removed, entities
    decoded — because that is what Telegram stores; `raw_text` is what the bot sent.
    `reply_markup` is the markup as the bot sent it (reply keyboards included), `message`
    the Message object the stand-in answered with.
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    time: float = 0.0
    edited: bool = False
    entities: list[dict[str, Any]] = field(default_factory=list)
    raw_text: str | None = None
    message: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of every callback button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            (button["text"], button["callback_data"])
            for row in rows
            for button in row
            if isinstance(button, dict) and "callback_data" in button
        ]

    def button(self, text_substring: str) -> str:
        """The callback_data of the first button whose text contains `text_substring`."""
        for text, data in self.buttons:
            if text_substring in text:
                return data
        raise LookupError(
            f"no button containing {text_substring!r} in message {self.message_id}; "
            f"buttons: {[text for text, _ in self.buttons]}"
        )
