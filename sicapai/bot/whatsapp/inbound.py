"""A webhook's contents as what the rest of SiCapai understands.

One POST may carry several entries, changes, messages and statuses (Meta batches them); each
message becomes an `InboundMessage` keyed by its `wamid` (the inbox key that makes a
redelivery harmless), each delivery report a `StatusReport`, each template review a
`TemplateStatus`. Anything else (reactions, system notices, other fields) is ignored.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sicapai.handlers.port import Event, EventKind, IncomingFile

IGNORED_TYPES = frozenset({"reaction", "system", "unsupported", "ephemeral", "request_welcome"})


@dataclass(frozen=True)
class InboundMessage:
    account: str  # the business phone number id it was sent to
    wa_id: str  # the person's WhatsApp id (their phone number)
    name: str
    business_id: str | None  # Meta's business-scoped user id, when the webhook has one
    wamid: str
    sent_at: datetime | None
    message: dict[str, Any]  # as Meta sent it (kept in the inbox, handled after a restart)


@dataclass(frozen=True)
class StatusReport:
    account: str
    message_id: str
    recipient: str
    status: str  # sent, delivered, read, failed
    at: datetime | None
    error_code: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class TemplateStatus:
    name: str
    language: str
    event: str  # APPROVED, REJECTED, PAUSED, DISABLED, … (Meta's word)
    reason: str | None


Item = InboundMessage | StatusReport | TemplateStatus


def parse(payload: object) -> list[Item]:
    """Every item of a webhook body, in the order Meta put them; malformed parts skipped."""
    items: list[Item] = []
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return items
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            if change.get("field") == "message_template_status_update":
                items.append(
                    TemplateStatus(
                        str(value.get("message_template_name") or ""),
                        str(value.get("message_template_language") or ""),
                        str(value.get("event") or ""),
                        str(value["reason"]) if value.get("reason") else None,
                    )
                )
                continue
            if change.get("field") not in (None, "messages"):
                continue
            items += _messages(value)
    return items


def _messages(value: dict[str, Any]) -> list[Item]:
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    account = str((metadata or {}).get("phone_number_id") or "")
    contacts = {str(c.get("wa_id")): c for c in _dicts(value.get("contacts"))}
    items: list[Item] = []
    for message in _dicts(value.get("messages")):
        sender, wamid = str(message.get("from") or ""), str(message.get("id") or "")
        if not sender or not wamid or message.get("type") in IGNORED_TYPES:
            continue
        contact = contacts.get(sender, {})
        profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        business_id = contact.get("user_id")
        items.append(
            InboundMessage(
                account=account,
                wa_id=sender,
                name=str((profile or {}).get("name") or "")[:200],
                business_id=str(business_id)[:128] if business_id else None,
                wamid=wamid[:128],
                sent_at=moment(message.get("timestamp")),
                message=message,
            )
        )
    for status in _dicts(value.get("statuses")):
        errors = list(_dicts(status.get("errors")))
        first = errors[0] if errors else {}
        code = first.get("code")
        items.append(
            StatusReport(
                account=account,
                message_id=str(status.get("id") or "")[:128],
                recipient=str(status.get("recipient_id") or "")[:64],
                status=str(status.get("status") or ""),
                at=moment(status.get("timestamp")),
                error_code=int(code)
                if isinstance(code, int | str) and str(code).isdigit()
                else None,
                error=str(first.get("title") or first.get("message") or "")[:300] or None,
            )
        )
    return items


Download = Callable[[str, Path], Awaitable[None]]  # (media id, path)


def event_for(message: dict[str, Any], download: Download) -> Event:
    """The port event of one message; its `inbound_id` and `sent_at` are set by the caller."""
    kind = message.get("type")
    if kind == "text":
        body = message.get("text") if isinstance(message.get("text"), dict) else {}
        return Event.from_text(str((body or {}).get("body") or ""))
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return Event(EventKind.PRESS, data=str(reply.get("id") or ""))
    if kind == "button":  # a template's quick reply
        button = message.get("button") or {}
        payload = str(button.get("payload") or "")
        if payload:
            return Event(EventKind.PRESS, data=payload)
        return Event.from_text(str(button.get("text") or ""))
    if kind in ("document", "image"):
        media = message.get(kind) or {}
        media_id = str(media.get("id") or "")
        mime = str(media.get("mime_type") or "") or None

        async def fetch(path: Path) -> None:
            await download(media_id, path)

        if kind == "image":
            suffix = mimetypes.guess_extension(mime or "image/jpeg") or ".jpg"
            name = f"foto-{media_id[-12:] or 'wa'}{suffix}"
        else:
            name = str(media.get("filename") or "berkas")
        return Event(
            EventKind.FILE,
            file=IncomingFile(name, mime, None, fetch, is_photo=kind == "image"),
        )
    return Event(EventKind.TEXT, text="")  # a voice note, a sticker, a location: not read


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def moment(value: object) -> datetime | None:
    """Meta's timestamps: seconds since the epoch, as a string."""
    try:
        return datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
