"""The chat port: what a conversation receives and what it answers, whatever the channel.

Flows never import `telegram`; the Telegram adapter, the terminal adapter and the tests all
translate to and from these few types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sicapai.handlers.capabilities import GENERIC, Capabilities
from sicapai.reports.chart_specs import Chart


@dataclass(frozen=True)
class Identity:
    """Who is talking, as a channel knows them."""

    channel: str  # "telegram" | "terminal" | ...
    external_id: str  # the channel's user id
    chat_id: str  # where replies and reminders go
    display_name: str = ""
    private: bool = True  # False for group chats
    account: str = ""  # which account of the channel (a Telegram bot's id); "" by default
    capabilities: Capabilities = field(default=GENERIC, compare=False)  # its platform's limits


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    PRESS = "press"
    FILE = "file"


@dataclass(frozen=True)
class IncomingFile:
    """A file the person sent; `download` saves it to a path (only done when a step wants it)."""

    name: str
    mime_type: str | None
    size: int | None
    download: Callable[[Path], Awaitable[None]]
    is_photo: bool = False


@dataclass(frozen=True)
class StoredFile:
    """A downloaded file, ready to be recorded as evidence."""

    path: str
    name: str
    mime_type: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class Event:
    kind: EventKind
    text: str = ""
    command: str = ""  # without the slash, lower case
    args: str = ""
    data: str = ""  # callback data of a pressed button
    file: IncomingFile | None = None
    stored: StoredFile | None = None
    # the channel's own id of the incoming update (Telegram update_id, WhatsApp wamid): a
    # redelivered update carries the same id and is handled at most once; "" where the
    # channel cannot deliver twice (the terminal)
    inbound_id: str = ""
    # when the person sent it, if the channel says (a Telegram message's date); an update
    # older than the service's limit is answered politely instead of replayed into a flow
    sent_at: datetime | None = None
    delayed: bool = False

    @staticmethod
    def from_text(text: str, inbound_id: str = "") -> Event:
        """Text starting with "/" is a command ("/start abc" -> start, "abc")."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            name = head.split("@", 1)[0].lower()
            return Event(
                EventKind.COMMAND,
                text=stripped,
                command=name,
                args=rest.strip(),
                inbound_id=inbound_id,
            )
        return Event(EventKind.TEXT, text=text, inbound_id=inbound_id)


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # what the button carries back, within the channel's button_data_bytes
    # the whole label when `label` was shortened to the channel's length (WhatsApp shows it
    # as a list row's description)
    full: str = ""


@dataclass(frozen=True)
class Gist:
    """A proactive message in a few fields, for channels that may only send pre-approved
    forms to someone who has not written lately (WhatsApp templates outside the 24 hours)."""

    kind: str  # "reminder"
    params: tuple[str, ...]  # in the form's order: name, period, deadline, pending count


@dataclass
class Reply:
    """One message to send: text in the core's markup (`texts/markup.py`, rendered by each
    channel) with optional buttons, or a photo/document."""

    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    answer: str | None = None  # short notice for a pressed button (toast)
    chart: Chart | None = None  # chart data; the runtime renders it into `photo`
    gist: Gist | None = None  # the message as a template's fields (reminders)
