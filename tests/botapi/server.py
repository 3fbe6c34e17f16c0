"""A stand-in for the Telegram Bot API (https://api.telegram.org) that SiCapai's tests run against.

Why it exists: the bot can never reach Telegram from here, and mocking python-telegram-bot's
methods would only test our own assumptions about Telegram. This server speaks the Bot API
over HTTP instead, so the real `telegram.ext.Application` (polling, sending, editing,
uploading, downloading) — or a separate `sicapai run` process started with
TELEGRAM_BASE_URL=<base_url> — runs against it unchanged, and tests can act as users and
inspect what the bot sent.

What it checks, answering like Telegram does and with Telegram's own error descriptions
(python-telegram-bot turns those into `BadRequest`, `Forbidden`, `RetryAfter`, ...):

- message text 1..4096 characters after entity parsing, captions up to 1024;
- `parse_mode` HTML (MarkdownV2 and Markdown too), parsed the way Telegram's parser does:
  supported tags only, every tag closed and properly nested, `<` and `&` escaped;
- inline keyboards: callback_data 1..64 bytes per button, at most 100 buttons;
- edits: "message is not modified", "message to edit not found", only the bot's own messages;
- answerCallbackQuery: text up to 200 characters, each query answered at most once;
- flood control: optional global and per-chat send limits, answered with 429 + retry_after;
- blocked users (403), long polls that conflict with each other (409), and whatever faults a
  test injects (`fail_next`, `delay_next`).

Deliberate simplifications are listed on `BotApiStandIn`.
"""

from __future__ import annotations

import asyncio
import bisect
import copy
import hashlib
import json
import math
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiStandIn",
    "SentMessage",
    "StandInBot",
    "UploadedFile",
]

DEFAULT_TOKEN = "123:ABC"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
FIRST_UPDATE_ID = 700_000_000

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)

# Methods whose successful calls land in `sent` and count against the flood limits.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)

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

_DEFAULT_UPDATE_TYPES = frozenset(
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


# --------------------------------------------------------------------------- records


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


# --------------------------------------------------------------------------- errors


class _ApiError(Exception):
    """A Bot API failure answer; raised inside method handlers, turned into JSON once."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = int(status)
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> _ApiError:
    return _ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


def _entity_error(detail: str) -> _ApiError:
    return _bad(f"can't parse entities: {detail}")


def _too_many(retry_after: int) -> _ApiError:
    return _ApiError(
        HTTPStatus.TOO_MANY_REQUESTS,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
    )


def _json_response(body: dict[str, Any], status: int = HTTPStatus.OK) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


# --------------------------------------------------------------------------- formatting


@dataclass
class _Span:
    """An entity in code-point indices of the visible text; converted to UTF-16 at the end."""

    kind: str
    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Open:
    """An entity whose end has not been seen yet, with where it began for error messages."""

    kind: str
    start: int
    byte_offset: int
    extra: dict[str, Any] = field(default_factory=dict)


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports parse errors in UTF-8 byte offsets of the source text."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _utf16_prefix(text: str) -> list[int]:
    """UTF-16 position of every code-point index; entity offsets are counted in UTF-16."""
    positions = [0]
    total = 0
    for char in text:
        total += 2 if ord(char) > 0xFFFF else 1
        positions.append(total)
    return positions


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"


def _decode_html_entity(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """The character an entity at `pos` stands for and the index after it, else None.

    Mirrors Telegram's decoder (only lt, gt, amp, quot and numeric references); in strict
    mode the closing ';' is required, which Telegram itself does not insist on.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] in "xX"
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = _HEX_DIGITS if hexadecimal else _DIGITS
        while end < n and text[end] in allowed:
            end += 1
        digits = text[digits_start:end]
        if not digits or end - pos >= 10:
            return None
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char_or_none = _HTML_ENTITIES.get(text[pos + 1 : end])
        if char_or_none is None:
            return None
        char = char_or_none
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


def _parse_html(text: str, *, strict_entities: bool) -> tuple[str, list[_Span]]:
    """Telegram's HTML parse mode: visible text and entities, or Telegram's error."""
    out: list[str] = []
    stack: list[_Open] = []
    spans: list[_Span] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i, strict=strict_entities)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
            if strict_entities:
                raise _entity_error(
                    f'Character "&" must be escaped as "&amp;" (it does not start one of '
                    f"&lt; &gt; &amp; &quot; or a numeric entity) at byte offset "
                    f"{_byte_offset(text, i)}"
                )
        if char != "<":
            out.append(char)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise _entity_error(f"Unclosed end tag at byte offset {begin}")
            if not stack:
                raise _entity_error(f"Unexpected end tag at byte offset {begin}")
            top = stack[-1]
            if end_name and end_name != top.kind:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.kind}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            spans.extend(_html_spans(top, len(out), stack))
            i = j + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {begin}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAGS:
            raise _entity_error(f'Unsupported start tag "{name}" at byte offset {begin}')
        attributes, j = _html_attributes(text, j, name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise _entity_error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}'
            )
        stack.append(_Open(name, len(out), begin, attributes))
        i = j
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].kind}"')
    return "".join(out), spans


def _html_attributes(text: str, j: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Attributes of a start tag from just after its name; returns them and the index after '>'."""
    n = len(text)
    attributes: dict[str, str] = {}
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] == ">":
            return attributes, j + 1
        name_start = j
        while j < n and not text[j].isspace() and text[j] not in "=>":
            j += 1
        attribute = text[name_start:j].lower()
        if not attribute:
            raise _entity_error(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] != "=":
            if tag == "blockquote" and attribute == "expandable":
                attributes[attribute] = ""
                continue
            raise _entity_error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte '
                f"offset {begin}"
            )
        j += 1
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] in "'\"":
            quote = text[j]
            j += 1
            value: list[str] = []
            while j < n and text[j] != quote:
                if text[j] == "&":
                    decoded = _decode_html_entity(text, j, strict=False)
                    if decoded is not None:
                        value.append(decoded[0])
                        j = decoded[1]
                        continue
                value.append(text[j])
                j += 1
            if j >= n:
                raise _entity_error(f"Unclosed start tag at byte offset {begin}")
            j += 1
            attributes[attribute] = "".join(value)
        else:
            token_start = j
            while j < n and (text[j].isalnum() or text[j] in ".-"):
                j += 1
            if j >= n or (not text[j].isspace() and text[j] != ">"):
                raise _entity_error(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
                )
            attributes[attribute] = text[token_start:j].lower()


def _html_spans(tag: _Open, end: int, outer: list[_Open]) -> list[_Span]:
    """The entity a closed HTML tag produces (none when empty or meaningless)."""
    if end <= tag.start:
        return []
    attributes = tag.extra
    if tag.kind == "a":
        href = attributes.get("href")
        return [_Span("text_link", tag.start, end, {"url": href})] if href else []
    if tag.kind == "code":
        if outer and outer[-1].kind == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, not two.
            language = attributes.get("class", "")
            if language.startswith("language-"):
                outer[-1].extra["language"] = language.removeprefix("language-")
            return []
        return [_Span("code", tag.start, end)]
    if tag.kind == "pre":
        language = attributes.get("language")
        return [_Span("pre", tag.start, end, {"language": language} if language else {})]
    if tag.kind == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attributes else "blockquote"
        return [_Span(kind, tag.start, end)]
    if tag.kind == "tg-emoji":
        return [_Span("custom_emoji", tag.start, end, {"custom_emoji_id": attributes["emoji-id"]})]
    return [_Span(_HTML_TAGS[tag.kind], tag.start, end)]


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MD_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _mdv2_closes(kind: str, text: str, i: int) -> bool:
    char = text[i]
    following = text[i + 1] if i + 1 < len(text) else ""
    return {
        "bold": char == "*",
        "italic": char == "_" and following != "_",
        "underline": text.startswith("__", i),
        "strikethrough": char == "~",
        "spoiler": text.startswith("||", i),
        "code": char == "`",
        "pre": text.startswith("```", i),
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }[kind]


def _skip_pre_header(text: str, i: int, extra: dict[str, Any]) -> int:
    """After an opening ```: the optional language and one line break belong to the markup."""
    n = len(text)
    language_end = i
    while language_end < n and not text[language_end].isspace() and text[language_end] != "`":
        language_end += 1
    if language_end > i and language_end < n and text[language_end] != "`":
        extra["language"] = text[i:language_end]
        i = language_end
    if i < n and text[i] in "\r\n":
        pair = i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i]
        i += 2 if pair else 1
    return i


def _parse_markdown_v2(text: str) -> tuple[str, list[_Span]]:
    """Telegram's MarkdownV2: every reserved character outside markup must be escaped."""
    out: list[str] = []
    stack: list[_Open] = []
    spans: list[_Span] = []
    quote: _Open | None = None
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        top = stack[-1].kind if stack else None
        in_code = top in ("code", "pre")
        if not in_code and (i == 0 or text[i - 1] == "\n"):
            expandable = text.startswith("**>", i)
            if expandable or char == ">":
                if quote is None:
                    kind = "expandable_blockquote" if expandable else "blockquote"
                    quote = _Open(kind, len(out), _byte_offset(text, i))
                i += 3 if expandable else 1
                continue
            if quote is not None:
                end = len(out) - 1 if out and out[-1] == "\n" else len(out)
                if end > quote.start:
                    spans.append(_Span(quote.kind, quote.start, end))
                quote = None
        if (
            quote is not None
            and quote.kind == "expandable_blockquote"
            and top != "spoiler"
            and text.startswith("||", i)
            and (i + 2 == n or text[i + 2] == "\n")
        ):
            spans.append(_Span(quote.kind, quote.start, len(out)))
            quote = None
            i += 2
            continue
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        if char not in ("`" if in_code else _MDV2_RESERVED):
            out.append(char)
            i += 1
            continue
        if top is not None and _mdv2_closes(top, text, i):
            entity = stack.pop()
            i += {"underline": 2, "spoiler": 2, "pre": 3}.get(entity.kind, 1)
            if entity.kind in ("text_link", "custom_emoji"):
                url: str | None = None
                if i < n and text[i] == "(":
                    i += 1
                    url_start = i
                    chars: list[str] = []
                    while i < n and text[i] != ")":
                        if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                            chars.append(text[i + 1])
                            i += 2
                            continue
                        chars.append(text[i])
                        i += 1
                    if i >= n:
                        where = _byte_offset(text, url_start)
                        raise _entity_error(f"Can't find end of a URL at byte offset {where}")
                    i += 1
                    url = "".join(chars)
                if entity.kind == "custom_emoji":
                    emoji_id = (url or "").removeprefix("tg://emoji?id=")
                    if not url or emoji_id == url or not emoji_id:
                        raise _entity_error("Custom emoji entity must contain a tg://emoji URL")
                    entity.extra["custom_emoji_id"] = emoji_id
                else:
                    entity.extra["url"] = url if url is not None else "".join(out[entity.start :])
            if len(out) > entity.start:
                spans.append(_Span(entity.kind, entity.start, len(out), entity.extra))
            continue
        begin = _byte_offset(text, i)
        extra: dict[str, Any] = {}
        following = text[i + 1] if i + 1 < n else ""
        if char == "_":
            kind = "underline" if following == "_" else "italic"
            i += 2 if following == "_" else 1
        elif char == "*":
            kind, i = "bold", i + 1
        elif char == "~":
            kind, i = "strikethrough", i + 1
        elif char == "|" and following == "|":
            kind, i = "spoiler", i + 2
        elif char == "[":
            kind, i = "text_link", i + 1
        elif char == "!" and following == "[":
            kind, i = "custom_emoji", i + 2
        elif char == "`" and text.startswith("```", i):
            kind = "pre"
            i = _skip_pre_header(text, i + 3, extra)
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise _entity_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(_Open(kind, len(out), begin, extra))
    if stack:
        entity = stack[-1]
        raise _entity_error(
            f"Can't find end of {_MD_TYPE_NAMES[entity.kind]} entity at byte offset "
            f"{entity.byte_offset}"
        )
    if quote is not None and len(out) > quote.start:
        spans.append(_Span(quote.kind, quote.start, len(out)))
    return "".join(out), spans


def _parse_markdown(text: str) -> tuple[str, list[_Span]]:
    """Telegram's legacy Markdown: no nesting, only _ * ` [ are special."""
    out: list[str] = []
    spans: list[_Span] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        is_pre = char == "`" and text.startswith("```", i)
        extra: dict[str, Any] = {}
        i = _skip_pre_header(text, i + 3, extra) if is_pre else i + 1
        start = len(out)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            i += 1
        if i >= n:
            raise _entity_error(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        if char == "[":
            url = text[begin + 1 : i]
            i += 1
            if i < n and text[i] == "(":
                close = text.find(")", i)
                url = text[i + 1 :] if close < 0 else text[i + 1 : close]
                i = n if close < 0 else close + 1
            extra["url"] = url
        else:
            i += 3 if is_pre else 1
        kind = {"_": "italic", "*": "bold", "[": "text_link"}.get(char)
        if kind is None:
            kind = "pre" if is_pre else "code"
        if len(out) > start:
            spans.append(_Span(kind, start, len(out), extra))
    return "".join(out), spans


def _spans_from_entities(text: str, entities: Any) -> list[_Span]:
    """Explicit `entities` (UTF-16 offsets) as code-point spans, so stripping works the same."""
    if not isinstance(entities, list):
        raise _bad("can't parse entities JSON object")
    prefix = _utf16_prefix(text)
    spans: list[_Span] = []
    for entity in entities:
        if not isinstance(entity, dict):
            raise _bad("can't parse MessageEntity: MessageEntity must be an Object")
        kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
        if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
            raise _bad("can't parse MessageEntity: wrong field types")
        start = bisect.bisect_left(prefix, offset)
        end = bisect.bisect_left(prefix, offset + length)
        extra = {k: v for k, v in entity.items() if k not in ("type", "offset", "length")}
        spans.append(_Span(kind, start, end, extra))
    return spans


def _format_text(
    text: str, parse_mode: str | None, entities: Any, *, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and its entities as Telegram would store them, or Telegram's 400.

    Like Telegram, leading and trailing white space is trimmed after parsing, which is why a
    message of only tags and blanks is "empty".
    """
    mode = (parse_mode or "").lower()
    if entities is not None:
        visible, spans = text, _spans_from_entities(text, entities)
    elif mode == "":
        visible, spans = text, []
    elif mode == "html":
        visible, spans = _parse_html(text, strict_entities=strict_html)
    elif mode == "markdownv2":
        visible, spans = _parse_markdown_v2(text)
    elif mode == "markdown":
        visible, spans = _parse_markdown(text)
    else:
        raise _bad("unsupported parse_mode")
    left = len(visible) - len(visible.lstrip())
    visible = visible.strip()
    prefix = _utf16_prefix(visible)
    result: list[dict[str, Any]] = []
    for span in spans:
        start = max(span.start - left, 0)
        end = min(span.end - left, len(visible))
        if end <= start:
            continue
        entity: dict[str, Any] = {
            "type": span.kind,
            "offset": prefix[start],
            "length": prefix[end] - prefix[start],
        }
        entity.update(span.extra)
        result.append(entity)
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return visible, result


_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram attaches to a user's text; CommandHandler needs them."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


# --------------------------------------------------------------------------- markup and files


def _parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """The reply_markup as a dict, validated the way Telegram refuses bad keyboards."""
    if raw is None or raw == "":
        return None
    markup = raw
    if isinstance(raw, str):
        try:
            markup = json.loads(raw)
        except ValueError:
            raise _bad("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array')
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise _bad("reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array')
        return markup
    if "remove_keyboard" in markup or "force_reply" in markup:
        return markup
    raise _bad("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(?i)(https?://[^\s/]+|tg://\S+)", url):
            raise _bad("BUTTON_URL_INVALID")
    elif not any(action in button for action in _BUTTON_ACTIONS):
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG or BMP, None for a WebP; raise if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return None
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    raise _bad("IMAGE_PROCESS_FAILED")


@dataclass
class _StoredFile:
    """A file the stand-in holds, reachable by file_id and, after getFile, by file_path."""

    file_id: str
    file_unique_id: str
    data: bytes | None
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    file_path: str | None = None

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int

    def error(self) -> _ApiError:
        return _ApiError(self.status, self.description, retry_after=self.retry_after)


def _default_description(status: int, retry_after: int | None) -> str:
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return f"Too Many Requests: retry after {retry_after}"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


class _Signal:
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


class _Params:
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
            raise _bad(error)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise _bad(error) from None

    def number(self, name: str, *, error: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad(error) from None

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
                raise _bad(error) from None
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


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
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
                raise _bad("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise _bad("JSON encoded request body must be an Object")
            values.update(body)
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            elif isinstance(value, str):
                values[key] = _typed(key, value)
    return values, files


# --------------------------------------------------------------------------- one bot


class StandInBot:
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
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._webhook_url = ""
        self._files: dict[str, _StoredFile] = {}
        self._photo_sizes: dict[str, list[_StoredFile]] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._open_queries: set[str] = set()
        self._blocked: set[int] = set()
        self._command_sets: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[list[float]]] = {}
        self._updates_signal = _Signal()
        self._sent_signal = _Signal()
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._handlers: dict[str, Callable[[_Params], Awaitable[Any]]] = {
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
        entities = _command_entities(text)
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
        stored = self._store_file(file_bytes, "document", file_name=file_name, mime_type=mime_type)
        content: dict[str, Any] = {"document": self._document_dict(stored)}
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
            size = _image_size(file_bytes) or (800, 600)
        except _ApiError:
            size = (800, 600)
        sizes = self._store_photo(file_bytes, size)
        content: dict[str, Any] = {"photo": [self._photo_dict(s) for s in sizes]}
        if caption:
            content["caption"] = caption
        return self._user_sends(user_id, content, first_name, chat_type, chat_id, None)

    def block_user(self, chat_id: int) -> None:
        """From now on sends to this chat answer 403, as when the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    # ------------------------------------------------------------------ inspecting

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

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
            call.params, call.files = await _read_params(request)
            if canonical is None:
                raise _ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            fault = self._take_fault(canonical)
            if fault is not None:
                raise fault.error()
            result = await self._handlers[canonical](_Params(call.params, call.files))
            body: dict[str, Any] = {"ok": True, "result": result}
            status: int = HTTPStatus.OK
        except _ApiError as exc:
            body, status = exc.body(), exc.status
            call.status, call.description = exc.status, exc.description
            if status == HTTPStatus.TOO_MANY_REQUESTS:
                self.too_many_requests += 1
        if delay:
            await self._pause(delay)
        return _json_response(body, status)

    def file_response(self, file_path: str) -> web.Response:
        stored = self._files_by_path.get(file_path)
        if stored is None or stored.data is None:
            return _json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, HTTPStatus.NOT_FOUND
            )
        self.downloads.append(file_path)
        return web.Response(body=stored.data, content_type="application/octet-stream")

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
        self._stopping = False
        self._stop_event = None
        self._updates_signal = _Signal()
        self._sent_signal = _Signal()
        self._updates_signal.loop = loop
        self._sent_signal.loop = loop

    # ------------------------------------------------------------------ state helpers

    def _remember_user(self, user_id: int, first_name: str | None) -> dict[str, Any]:
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

    def _user_sends(
        self,
        user_id: int,
        content: dict[str, Any],
        first_name: str | None,
        chat_type: str,
        chat_id: int | None,
        reply_to_message_id: int | None,
    ) -> dict[str, Any]:
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

    def _new_message(
        self, chat: dict[str, Any], sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
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

    def _resolve_chat(self, p: _Params) -> dict[str, Any]:
        raw = p.values.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat_id: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat_id = raw
        elif isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
            chat_id = int(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username") == raw[1:]:
                    return chat
        if chat_id is None:
            raise _bad("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise _bad("chat not found")
            chat = self._make_chat(chat_id)
            self._chats[chat_id] = chat
        return chat

    @staticmethod
    def _make_chat(chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "first_name": f"User{chat_id}", "type": "private"}
        if chat_id <= -1_000_000_000_000:
            return {"id": chat_id, "title": "Grup SiCapai", "type": "supergroup"}
        return {"id": chat_id, "title": "Grup SiCapai", "type": "group"}

    def _check_reachable(self, chat_id: int) -> None:
        if chat_id in self._blocked:
            raise _ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")

    def _check_flood(self, chat_id: int) -> None:
        """Answer 429 when one more send would exceed a configured limit, like flood control."""
        now = time.monotonic()
        if self.rate_limit_per_second is not None:
            recent = self._recent_send_times(now, 1.0, None)
            if len(recent) >= self.rate_limit_per_second:
                raise _too_many(max(1, math.ceil(recent[0] + 1.0 - now)))
        if self.per_chat_per_second is not None:
            rate = self.per_chat_per_second
            window = max(1.0, 1.0 / rate)
            allowed = max(1, math.floor(rate * window))
            recent = self._recent_send_times(now, window, chat_id)
            if len(recent) >= allowed:
                raise _too_many(max(1, math.ceil(recent[0] + window - now)))

    def _recent_send_times(self, now: float, window: float, chat_id: int | None) -> list[float]:
        times: list[float] = []
        for message in reversed(self.sent):
            if now - message.time >= window:
                break
            if chat_id is None or message.chat_id == chat_id:
                times.append(message.time)
        times.reverse()
        return times

    def _format(self, text: str, p: _Params) -> tuple[str, list[dict[str, Any]]]:
        entities = p.json("entities", error="can't parse entities JSON object")
        if entities is None:
            entities = p.json("caption_entities", error="can't parse entities JSON object")
        return _format_text(
            text, p.text("parse_mode"), entities, strict_html=self.strict_html_entities
        )

    def _message_text(self, p: _Params) -> tuple[str, str, list[dict[str, Any]]]:
        raw = p.text("text")
        if raw is None or not raw.strip():
            raise _bad("message text is empty")
        visible, entities = self._format(raw, p)
        if not visible:
            raise _bad("message text is empty")
        if len(visible) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        return raw, visible, entities

    def _caption(self, p: _Params) -> tuple[str | None, str, list[dict[str, Any]]]:
        raw = p.text("caption")
        if not raw:
            return raw, "", []
        visible, entities = self._format(raw, p)
        if len(visible) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        return raw, visible, entities

    def _reply_target(self, p: _Params, chat_id: int) -> dict[str, Any] | None:
        parameters = p.json("reply_parameters", error="can't parse reply parameters JSON object")
        allow = p.flag("allow_sending_without_reply")
        message_id: Any = None
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow = bool(parameters.get("allow_sending_without_reply"))
        elif parameters is not None:
            raise _bad("can't parse reply parameters JSON object")
        else:
            message_id = p.integer("reply_to_message_id", error="message to be replied not found")
        if message_id is None:
            return None
        target = self._messages.get((chat_id, int(message_id)))
        if target is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        reply = copy.deepcopy(target)
        reply.pop("reply_to_message", None)
        return reply

    @staticmethod
    def _content(
        text_key: str, text: str, entities: list[dict[str, Any]], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
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
        p: _Params,
        *,
        reply_markup: dict[str, Any] | None,
        raw_text: str | None,
        edited: bool = False,
        photo: bytes | None = None,
        document: bytes | None = None,
        filename: str | None = None,
    ) -> None:
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

    def _summary(self, messages: list[SentMessage]) -> str:
        shown = [f"{m.method}->{m.chat_id}: {(m.text or '')[:60]!r}" for m in messages[-8:]]
        return "; ".join(shown) or "nothing"

    # ------------------------------------------------------------------ files

    def _store_file(
        self,
        data: bytes | None,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> _StoredFile:
        self._file_counter += 1
        prefix = "AgAC" if kind == "photo" else "BQAC"
        unique_seed = data if data is not None else secrets.token_bytes(8)
        unique = hashlib.sha1(unique_seed + f"{width}x{height}".encode()).hexdigest()[:16]
        stored = _StoredFile(
            file_id=f"{prefix}{self._file_counter:04d}{secrets.token_urlsafe(18)}",
            file_unique_id=f"AQAD{unique}",
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        return stored

    def _store_photo(self, data: bytes | None, size: tuple[int, int]) -> list[_StoredFile]:
        """The sizes Telegram would make of one photo (all serving the original bytes)."""
        width, height = size
        longest = max(width, height, 1)
        targets = [t for t in (90, 320, 800, 1280) if t < longest] + [min(longest, 2560)]
        sizes: list[_StoredFile] = []
        for target in targets:
            scale = target / longest
            sizes.append(
                self._store_file(
                    data,
                    "photo",
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                )
            )
        for stored in sizes:
            self._photo_sizes[stored.file_id] = sizes
        return sizes

    @staticmethod
    def _photo_dict(stored: _StoredFile) -> dict[str, Any]:
        result: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
        }
        if stored.size is not None:
            result["file_size"] = stored.size
        return result

    @staticmethod
    def _document_dict(stored: _StoredFile) -> dict[str, Any]:
        result: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.file_name:
            result["file_name"] = stored.file_name
        if stored.mime_type:
            result["mime_type"] = stored.mime_type
        if stored.size is not None:
            result["file_size"] = stored.size
        return result

    def _input_file(self, p: _Params, name: str, kind: str) -> tuple[Any, UploadedFile | None]:
        """The file behind a photo/document parameter: an upload, a file_id or a URL."""
        upload = p.files.get(name)
        raw = p.values.get(name)
        if upload is None and isinstance(raw, str) and raw.startswith("attach://"):
            upload = p.files.get(raw.removeprefix("attach://"))
            if upload is None:
                raise _bad(f"wrong HTTP URL specified: no file attached as {raw!r}")
        if upload is not None:
            if not upload.data:
                raise _bad("file must be non-empty")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                raise _ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
            return None, upload
        if raw is None or raw == "":
            raise _bad(f"there is no {name} in the request")
        if not isinstance(raw, str):
            raise _bad("wrong file identifier/HTTP URL specified")
        if re.match(r"(?i)https?://", raw):
            return raw, None
        stored = self._files.get(raw)
        if stored is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise _bad("type of file mismatch")
        return stored, None

    # ------------------------------------------------------------------ Bot API methods

    async def _true(self, p: _Params) -> bool:
        return True

    def _store_setting(self, method: str) -> Callable[[_Params], Awaitable[Any]]:
        async def store(p: _Params) -> bool:
            self.settings[method] = dict(p.values)
            return True

        return store

    async def _get_me(self, p: _Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: _Params) -> list[dict[str, Any]]:
        if self._webhook_url:
            raise _ApiError(
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
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
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
                raise _ApiError(
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

    async def _set_webhook(self, p: _Params) -> bool:
        url = p.text("url") or ""
        if url and not url.lower().startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, p: _Params) -> bool:
        self._webhook_url = ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: _Params) -> dict[str, Any]:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _send_message(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        raw, text, entities = self._message_text(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        content = self._content("text", text, entities, markup)
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record("sendMessage", message, p, reply_markup=markup, raw_text=raw)
        return copy.deepcopy(message)

    async def _send_photo(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        source, upload = self._input_file(p, "photo", "photo")
        raw, caption, entities = self._caption(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        if upload is not None:
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise _bad("PHOTO_SAVE_FILE_INVALID")
            size = _image_size(upload.data)
            if size is not None:
                width, height = size
                if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                    raise _bad("PHOTO_INVALID_DIMENSIONS")
            sizes = self._store_photo(upload.data, size or (800, 600))
        elif isinstance(source, _StoredFile):
            sizes = self._photo_sizes.get(source.file_id, [source])
        else:
            sizes = self._store_photo(None, (800, 600))
        content = {"photo": [self._photo_dict(s) for s in sizes]}
        content.update(self._content("caption", caption, entities, markup))
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record(
            "sendPhoto",
            message,
            p,
            reply_markup=markup,
            raw_text=raw,
            photo=sizes[-1].data,
            filename=upload.filename if upload is not None else None,
        )
        return copy.deepcopy(message)

    async def _send_document(self, p: _Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        source, upload = self._input_file(p, "document", "document")
        raw, caption, entities = self._caption(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        if upload is not None:
            name = upload.filename or "document"
            mime = (
                mimetypes.guess_type(name)[0] or upload.content_type or "application/octet-stream"
            )
            stored = self._store_file(upload.data, "document", file_name=name, mime_type=mime)
        elif isinstance(source, _StoredFile):
            stored = source
        else:
            name = str(source).rstrip("/").rsplit("/", 1)[-1] or "document"
            stored = self._store_file(None, "document", file_name=name)
        content = {"document": self._document_dict(stored)}
        content.update(self._content("caption", caption, entities, markup))
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record(
            "sendDocument",
            message,
            p,
            reply_markup=markup,
            raw_text=raw,
            document=stored.data,
            filename=stored.file_name,
        )
        return copy.deepcopy(message)

    async def _send_chat_action(self, p: _Params) -> bool:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        action = p.text("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    def _editable(self, p: _Params) -> dict[str, Any]:
        """The bot's own message named by chat_id + message_id, or Telegram's refusal."""
        if p.values.get("inline_message_id") and p.values.get("chat_id") is None:
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(p)
        message_id = p.integer("message_id", error="message to edit not found")
        if message_id is None:
            raise _bad("message identifier is not specified")
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            raise _bad("message to edit not found")
        if not message["from"].get("is_bot") or message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        return message

    async def _edit_message_text(self, p: _Params) -> dict[str, Any]:
        message = self._editable(p)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        raw, text, entities = self._message_text(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        unchanged = (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == inline
        )
        if unchanged:
            raise _bad(NOT_MODIFIED)
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        self._set_markup(message, inline)
        message["edit_date"] = int(time.time())
        self._record("editMessageText", message, p, reply_markup=inline, raw_text=raw, edited=True)
        return copy.deepcopy(message)

    async def _edit_message_caption(self, p: _Params) -> dict[str, Any]:
        message = self._editable(p)
        if not any(key in message for key in ("photo", "document")):
            raise _bad("there is no caption in the message to edit")
        raw, caption, entities = self._caption(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        unchanged = (
            message.get("caption", "") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == inline
        )
        if unchanged:
            raise _bad(NOT_MODIFIED)
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

    async def _edit_message_reply_markup(self, p: _Params) -> dict[str, Any]:
        message = self._editable(p)
        markup = _parse_reply_markup(p.values.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        if message.get("reply_markup") == markup:
            raise _bad(NOT_MODIFIED)
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

    async def _delete_message(self, p: _Params) -> bool:
        chat = self._resolve_chat(p)
        message_id = p.integer("message_id", error="message to delete not found")
        if message_id is None:
            raise _bad("message identifier is not specified")
        if self._messages.pop((chat["id"], message_id), None) is None:
            raise _bad("message to delete not found")
        self.deleted.append((chat["id"], message_id))
        return True

    async def _answer_callback_query(self, p: _Params) -> bool:
        query_id = p.text("callback_query_id")
        if not query_id or query_id not in self._open_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.text("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(dict(p.values))
        self._sent_signal.fire()  # wakes wait_for_answers (and rescans of sent, harmlessly)
        return True

    async def _get_file(self, p: _Params) -> dict[str, Any]:
        file_id = p.text("file_id")
        stored = self._files.get(file_id or "")
        if stored is None or stored.data is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        if stored.file_path is None:
            folder = "photos" if stored.kind == "photo" else "documents"
            suffix = ".jpg" if stored.kind == "photo" else ""
            if stored.file_name and "." in stored.file_name:
                suffix = "." + stored.file_name.rsplit(".", 1)[-1]
            stored.file_path = f"{folder}/file_{len(self._files_by_path)}{suffix}"
            self._files_by_path[stored.file_path] = stored
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _get_chat(self, p: _Params) -> dict[str, Any]:
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
    def _command_key(p: _Params) -> tuple[str, str]:
        scope = p.json("scope", error="can't parse BotCommandScope JSON object")
        scope_key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return scope_key, p.text("language_code") or ""

    async def _set_my_commands(self, p: _Params) -> bool:
        commands = p.json("commands", error="can't parse commands JSON object")
        if commands is None:
            commands = []
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand: BotCommand must be an Object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise _bad("command description must be non-empty")
            if len(description) > 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self._command_sets[self._command_key(p)] = copy.deepcopy(commands)
        self.commands = {
            "commands": copy.deepcopy(commands),
            "scope": p.json("scope", error="can't parse BotCommandScope JSON object"),
            "language_code": p.text("language_code"),
        }
        return True

    async def _get_my_commands(self, p: _Params) -> list[dict[str, Any]]:
        return copy.deepcopy(self._command_sets.get(self._command_key(p), []))

    async def _delete_my_commands(self, p: _Params) -> bool:
        self._command_sets.pop(self._command_key(p), None)
        return True


# --------------------------------------------------------------------------- the server


class BotApiStandIn(StandInBot):
    """The HTTP server, and the first bot it serves (more via `add_bot`).

    Deliberate simplifications: photos are not resized (every size serves the original
    bytes); file URLs given to sendPhoto/sendDocument are accepted without fetching; no
    webhooks are delivered; only bot_command entities are detected in users' messages;
    message length is counted in code points.
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
        self._bots: dict[str, StandInBot] = {token: self}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def add_bot(
        self,
        token: str,
        *,
        first_name: str = "SiCapai Test",
        username: str | None = None,
        rate_limit_per_second: int | None = None,
        per_chat_per_second: float | None = None,
    ) -> StandInBot:
        """Serve one more token, with its own chats, updates and records."""
        if token in self._bots:
            raise ValueError(f"token {token!r} is already served")
        bot = StandInBot(
            token,
            rate_limit_per_second=rate_limit_per_second,
            per_chat_per_second=per_chat_per_second,
            first_name=first_name,
            username=username or f"sicapai_test_{token.partition(':')[0]}_bot",
            strict_chats=self.strict_chats,
            strict_html_entities=self.strict_html_entities,
        )
        if self._runner is not None:
            bot.reset_lifecycle(asyncio.get_running_loop())
        self._bots[token] = bot
        return bot

    def bot(self, token: str) -> StandInBot:
        return self._bots[token]

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the stand-in is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What `ApplicationBuilder.base_url` and TELEGRAM_BASE_URL take (the token follows)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        loop = asyncio.get_running_loop()
        for bot in self._bots.values():
            bot.reset_lifecycle(loop)
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._route)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])

    async def stop(self) -> None:
        """Stop serving; pending long polls and delayed answers return at once."""
        for bot in self._bots.values():
            bot.begin_shutdown()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            token, _slash, file_path = path.removeprefix("/file/bot").partition("/")
            bot = self._bots.get(token)
            if bot is None:
                return _json_response(_ApiError(401, "Unauthorized").body(), 401)
            return bot.file_response(file_path)
        if not path.startswith("/bot"):
            return _json_response(_ApiError(404, "Not Found").body(), 404)
        token, slash, method = path.removeprefix("/bot").partition("/")
        bot = self._bots.get(token)
        if bot is None:
            return _json_response(_ApiError(401, "Unauthorized").body(), 401)
        if not slash or not method or "/" in method:
            return _json_response(_ApiError(404, "Not Found").body(), 404)
        return await bot.handle_call(method, request)
