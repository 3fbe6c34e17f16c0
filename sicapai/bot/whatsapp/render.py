"""A port `Reply` as Cloud API messages, within WhatsApp's limits.

WhatsApp has no keyboards: 1–3 choices become reply buttons (titles of at most 20
characters, unique in a message, body at most 1024), 4–10 an interactive list (rows of at most
24 characters with a 72-character description, body at most 4096); the core never asks for more
than `CAPABILITIES.buttons_per_message` in one message (`handlers.shaping`). A label that did
not fit was shortened by the core; its whole text goes in the row's description. Texts are the
core's markup rendered as WhatsApp's (`*bold*`, `_italic_`, never HTML). A chart or a workbook
is uploaded and sent with its caption; choices that belong with it follow in the next message,
since a media message carries none. A toast (`Reply.answer`) has no WhatsApp equivalent and is
dropped: every toast in the product comes with a reply that says the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sicapai.handlers.capabilities import Capabilities
from sicapai.handlers.port import Button, Reply
from sicapai.handlers.texts import whatsapp as texts
from sicapai.handlers.texts.markup import MarkupError, to_plain, to_whatsapp, truncate

CHANNEL = "whatsapp"
TEXT_LENGTH = 4096
CAPTION_LENGTH = 1024
BUTTON_BODY_LENGTH = 1024
BUTTON_TITLE = 20
MAX_BUTTONS = 3
LIST_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID_BYTES = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CAPABILITIES = Capabilities(
    channel=CHANNEL,
    message_length=TEXT_LENGTH,
    caption_length=CAPTION_LENGTH,
    buttons_per_message=LIST_ROWS,  # a list's rows in all
    buttons_per_row=LIST_ROWS,  # WhatsApp has no rows: they become the list's order
    label_length=ROW_TITLE,
    button_data_bytes=ROW_ID_BYTES,  # a list row's id (a reply button's may be 256)
    file_bytes=100 * 1024 * 1024,  # a document a person sends
    markup="whatsapp",
)


@dataclass(frozen=True)
class Outgoing:
    """One Cloud API message: `body` without `to`; `media` is uploaded first and its id
    put into `body[type]["id"]`."""

    body: dict[str, Any]
    media: bytes | None = None
    mime_type: str | None = None
    filename: str | None = None
    buttons: tuple[Button, ...] = field(default=())

    @property
    def kind(self) -> str:
        return str(self.body.get("type", ""))


def render(reply: Reply) -> list[Outgoing]:
    """The messages that carry one reply, in order."""
    choices = [b for row in reply.buttons for b in row]
    if reply.photo is not None or reply.document is not None:
        media = _media(reply)
        rest = [_choices(texts.CHOOSE, choices[i : i + LIST_ROWS]) for i in _starts(choices)]
        return [media, *rest]
    if not choices:
        body = _text(reply.text, TEXT_LENGTH)
        return [Outgoing({"type": "text", "text": {"body": body}})] if body else []
    return [
        _choices(reply.text if i == 0 else texts.CHOOSE, choices[i : i + LIST_ROWS])
        for i in _starts(choices)
    ]


def _starts(choices: list[Button]) -> range:
    return range(0, len(choices), LIST_ROWS)


def _text(text: str, limit: int) -> str:
    """The core's markup as WhatsApp's, at most `limit` characters (a text outside the
    markup, which would be a bug, still goes out as plain words)."""
    try:
        rendered = to_whatsapp(text)
    except MarkupError:
        return to_plain(text, lenient=True)[:limit]
    if len(rendered) <= limit:
        return rendered
    return to_whatsapp(truncate(text, limit))


def _media(reply: Reply) -> Outgoing:
    caption = _text(reply.text, CAPTION_LENGTH)
    if reply.photo is not None:
        image: dict[str, Any] = {"caption": caption} if caption else {}
        return Outgoing(
            {"type": "image", "image": image},
            media=reply.photo,
            mime_type="image/png",
            filename=texts.IMAGE_NAME,
        )
    filename = reply.filename or "berkas.xlsx"
    document: dict[str, Any] = {"filename": filename}
    if caption:
        document["caption"] = caption
    mime = XLSX if filename.lower().endswith(".xlsx") else "application/octet-stream"
    return Outgoing({"type": "document", "document": document}, reply.document, mime, filename)


def _choices(text: str, choices: list[Button]) -> Outgoing:
    if len(choices) <= MAX_BUTTONS and all(len(b.label) <= BUTTON_TITLE for b in choices):
        body = _text(text or texts.CHOOSE, TEXT_LENGTH)
        if len(body) <= BUTTON_BODY_LENGTH:
            return _reply_buttons(body, choices)
    return _list(_text(text or texts.CHOOSE, TEXT_LENGTH), choices)


def _reply_buttons(body: str, choices: list[Button]) -> Outgoing:
    titles = _unique([b.label for b in choices], BUTTON_TITLE)
    buttons = [
        {"type": "reply", "reply": {"id": b.data, "title": title}}
        for b, title in zip(choices, titles, strict=True)
    ]
    return Outgoing(
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {"buttons": buttons},
            },
        },
        buttons=tuple(choices),
    )


def _list(body: str, choices: list[Button]) -> Outgoing:
    rows = []
    for button, title in zip(choices, _unique([b.label for b in choices], ROW_TITLE), strict=True):
        row: dict[str, Any] = {"id": button.data, "title": title}
        if button.full:
            row["description"] = _description(button.full)
        rows.append(row)
    return Outgoing(
        {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body},
                "action": {"button": texts.LIST_BUTTON, "sections": [{"rows": rows}]},
            },
        },
        buttons=tuple(choices),
    )


def _description(full: str) -> str:
    """The whole label, or as much of it as a row's description holds."""
    return full if len(full) <= ROW_DESCRIPTION else full[: ROW_DESCRIPTION - 1].rstrip() + "…"


def _unique(labels: list[str], limit: int) -> list[str]:
    """WhatsApp refuses two equal titles in one message: the second becomes "… (2)"."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        title = label[:limit]
        count = seen.get(title, 0) + 1
        seen[title] = count
        if count > 1:
            suffix = f" ({count})"
            title = label[: limit - len(suffix)].rstrip() + suffix
        result.append(title)
    return result


def template(
    name: str, language: str, params: tuple[str, ...], *, quick_reply: str | None = None
) -> dict[str, Any]:
    """An approved template with its body parameters (and the payload its quick-reply button
    carries back, which opens the conversation again)."""
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": _param(p)} for p in params]}
    ]
    if quick_reply is not None:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": quick_reply}],
            }
        )
    return {
        "type": "template",
        "template": {"name": name, "language": {"code": language}, "components": components},
    }


def _param(value: str) -> str:
    """Meta refuses a parameter with a new line, a tab or more than four spaces in a row."""
    return " ".join(value.split())[:1000] or "-"
