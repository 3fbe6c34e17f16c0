"""The webhook side's test API: play WhatsApp users, statuses and Meta's delivery quirks.

Why it exists: a test needs to act as a user (write, press a button it received, send a
document or a photo) and to see the bot cope with what Meta really does — redeliveries,
duplicates, several messages in one POST, a webhook that never came, statuses out of order, a
`failed` status after `delivered`, a template paused by Meta. Each action builds Meta's payload,
updates the state the Graph side checks (the user's window, the throughput budget, the media
store) and posts it through the `WebhookPoster`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .errors import TITLES, UNDELIVERABLE
from .limits import INBOUND_MEDIA_TTL_SECONDS
from .records import SentMessage
from .state import StandInState
from .webhooks import encode, envelope, messages_value, statuses_value, timestamp

_WA_ID = re.compile(r"\d{6,15}")
_ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
_TEMPLATE_EVENTS = {
    "APPROVED": "APPROVED",
    "REINSTATED": "APPROVED",
    "PENDING": "PENDING",
    "REJECTED": "REJECTED",
    "PAUSED": "PAUSED",
    "DISABLED": "DISABLED",
    "ARCHIVED": "ARCHIVED",
    "FLAGGED": "",  # a warning: the status does not change
}


class UserSide(StandInState):
    """Posts what Meta posts to the bot; see the module docstring."""

    # ------------------------------------------------------------------ subscription

    async def subscribe(self, callback_url: str, verify_token: str | None = None) -> bool:
        """Meta's verification GET; True (and the URL remembered) only on 200 + the challenge."""
        token = self.verify_token if verify_token is None else verify_token
        return await self._poster.verify(callback_url, token)

    # ------------------------------------------------------------------ users

    async def user_sends_text(
        self, wa_id: str, text: str, *, name: str = "Budi", bsuid: str | None = None
    ) -> str:
        """A user's text message; returns its wamid once the first delivery was answered."""
        if not text.strip():
            raise ValueError("WhatsApp clients do not send empty messages")
        return await self._user_message(
            wa_id, {"type": "text", "text": {"body": text}}, name=name, bsuid=bsuid
        )

    async def user_presses(self, wa_id: str, label: str) -> str:
        """Press the button (or list row, or template quick reply) titled `label`.

        Only what the user received can be pressed: the most recent message sent to `wa_id`
        with a button or row whose title contains `label`, else AssertionError.
        """
        for sent in reversed(self.messages_to(wa_id)):
            if sent.kind not in ("button", "list", "template"):
                continue
            for index, (button_id, title) in enumerate(sent.buttons):
                if label in title:
                    return await self._user_message(
                        wa_id, _press(sent, index, button_id, title, self.DISPLAY_PHONE_NUMBER)
                    )
        offered = [
            title
            for sent in self.messages_to(wa_id)
            if sent.kind in ("button", "list", "template")
            for _, title in sent.buttons
        ]
        raise AssertionError(
            f"{wa_id} never received a button or row titled like {label!r}; it received: {offered}"
        )

    async def user_sends_document(
        self,
        wa_id: str,
        content: bytes,
        filename: str,
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> str:
        """A user's document; its media id (7 days) is downloadable via the Graph endpoints."""
        stored = self._media.add(
            content,
            mime_type,
            filename,
            now=self.now(),
            ttl_seconds=INBOUND_MEDIA_TTL_SECONDS,
            inbound=True,
        )
        document: dict[str, Any] = {
            "id": stored.id,
            "mime_type": mime_type,
            "sha256": stored.sha256,
            "filename": filename,
        }
        if caption:
            document["caption"] = caption
        return await self._user_message(wa_id, {"type": "document", "document": document})

    async def user_sends_image(
        self,
        wa_id: str,
        content: bytes,
        mime_type: str = "image/jpeg",
        caption: str | None = None,
    ) -> str:
        """A user's photo; its media id (7 days) is downloadable via the Graph endpoints."""
        stored = self._media.add(
            content,
            mime_type,
            None,
            now=self.now(),
            ttl_seconds=INBOUND_MEDIA_TTL_SECONDS,
            inbound=True,
        )
        image: dict[str, Any] = {"id": stored.id, "mime_type": mime_type, "sha256": stored.sha256}
        if caption:
            image["caption"] = caption
        return await self._user_message(wa_id, {"type": "image", "image": image})

    async def _user_message(
        self,
        wa_id: str,
        content: dict[str, Any],
        *,
        name: str | None = None,
        bsuid: str | None = None,
    ) -> str:
        if not _WA_ID.fullmatch(wa_id):
            raise ValueError(f"a wa_id is the user's phone number in digits, got {wa_id!r}")
        self._poster.require()
        known_name, known_bsuid = self._profiles.get(wa_id, ("Budi", None))
        profile = (name or known_name, bsuid or known_bsuid)
        self._profiles[wa_id] = profile
        contact: dict[str, Any] = {"profile": {"name": profile[0]}, "wa_id": wa_id}
        if profile[1]:
            contact["user_id"] = profile[1]
        wamid = self.new_wamid()
        message = {"from": wa_id, "id": wamid, "timestamp": timestamp(self.now()), **content}
        self.note_inbound(wa_id)
        self._inbound[wamid] = message
        if self._batch_left > 0:
            self._batch.append((contact, message))
            self._batch_left -= 1
            if self._batch_left == 0:
                await self.flush_batch()
            return wamid
        await self._post_messages([(contact, message)])
        return wamid

    async def _post_messages(
        self, items: list[tuple[dict[str, Any], dict[str, Any]]]
    ) -> int | None:
        """One POST carrying these messages; the first answer's status (None if dropped)."""
        contacts: dict[str, dict[str, Any]] = {}
        for contact, _ in items:
            contacts.setdefault(contact["wa_id"], contact)
        value = messages_value(
            self.phone_number_id,
            self.DISPLAY_PHONE_NUMBER,
            list(contacts.values()),
            [message for _, message in items],
        )
        body = encode(envelope(self.waba_id, "messages", value))
        for _, message in items:
            self._bodies[message["id"]] = body
        if self._drop_next:
            self._drop_next = False
            self._poster.spawn(self._poster.redeliver_later(body))
            return None
        status = await self._poster.deliver(body)
        if self._duplicate_next:
            self._duplicate_next = False
            await self._poster.post_signed(body)
        return status

    # ------------------------------------------------------------------ delivery quirks

    def duplicate_next_webhook(self) -> None:
        """The next user message is posted twice, the second right after the first answer
        (both before `user_sends_*` returns)."""
        self._duplicate_next = True

    def drop_next_webhook(self) -> None:
        """The next user message is not posted at first; it comes after the first delay."""
        self._drop_next = True

    def batch_next(self, n: int) -> None:
        """The next `n` user messages go in ONE POST, made when the n-th is sent (or at
        `flush_batch`); the earlier `user_sends_*` calls return without posting."""
        if n < 1:
            raise ValueError("batch at least one message")
        self._batch_left = n

    async def flush_batch(self) -> int | None:
        """Post the messages collected so far in one POST; its status, None if none."""
        items, self._batch = self._batch, []
        self._batch_left = 0
        if not items:
            return None
        return await self._post_messages(items)

    async def redeliver(self, wamid: str) -> int:
        """POST the exact body that carried this user message again (re-signed)."""
        body = self._bodies.get(wamid)
        if body is None:
            raise ValueError(f"no user message {wamid!r} was posted")
        return await self._poster.post_signed(body)

    async def post_webhook(self, body: bytes, signature: str | None) -> int:
        """A raw POST with this X-Hub-Signature-256 value (None: no header); the status."""
        return await self._poster.post(body, signature)

    async def settle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - a test helper
        """Wait until every background delivery (statuses, redeliveries) has finished."""
        await self._poster.settle(timeout)

    # ------------------------------------------------------------------ templates

    async def template_status_update(
        self, name: str, language: str, event: str, reason: str | None = None
    ) -> int:
        """Meta changed a template's status: update the registry and post the webhook."""
        template = self._templates.get((name, language))
        if template is None:
            raise ValueError(f"no template {name!r} in {language!r}")
        if event not in _TEMPLATE_EVENTS:
            raise ValueError(f"unknown template event {event!r}")
        if _TEMPLATE_EVENTS[event]:
            template.status = _TEMPLATE_EVENTS[event]
        value = {
            "event": event,
            "message_template_id": int(template.id),
            "message_template_name": name,
            "message_template_language": language,
            "reason": reason or "NONE",
        }
        body = encode(envelope(self.waba_id, "message_template_status_update", value))
        return await self._poster.deliver(body)

    # ------------------------------------------------------------------ statuses

    def reorder_statuses(self) -> None:
        """The next accepted send gets "delivered" before "sent"."""
        self._reorder_next = True

    def fail_after_delivered(self, code: int) -> None:
        """The next accepted send gets sent, delivered, then "failed" with this error."""
        self._fail_after_delivered = code

    def _after_send(self, sent: SentMessage, category: str) -> None:
        if sent.to in self._unreachable:
            plan: list[tuple[str, int | None]] = [("failed", UNDELIVERABLE)]
        else:
            first: list[tuple[str, int | None]] = [("sent", None), ("delivered", None)]
            if self._reorder_next:
                first.reverse()
            last: tuple[str, int | None] = ("read", None)
            if self._fail_after_delivered is not None:
                last = ("failed", self._fail_after_delivered)
            self._reorder_next, self._fail_after_delivered = False, None
            plan = [*first, last]
        if not self.statuses:
            plan = [step for step in plan if step[0] == "failed"]
        if plan and self._poster.ready:
            self._poster.spawn(self._post_statuses(sent, category, plan))

    async def _post_statuses(
        self, sent: SentMessage, category: str, plan: list[tuple[str, int | None]]
    ) -> None:
        await asyncio.sleep(self.STATUS_DELAY)
        for status, code in plan:
            entry: dict[str, Any] = {
                "id": sent.wamid,
                "status": status,
                "timestamp": timestamp(self.now()),
                "recipient_id": sent.to,
            }
            if code is not None:
                title = TITLES.get(code, "Stand-in injected error")
                details = (
                    f"{sent.to} is not on WhatsApp (set_unreachable)"
                    if code == UNDELIVERABLE
                    else "injected by the test (fail_after_delivered)"
                )
                entry["errors"] = [
                    {
                        "code": code,
                        "title": title,
                        "message": title,
                        "error_data": {"details": details},
                        "href": _ERROR_HREF,
                    }
                ]
            elif status in ("sent", "delivered"):
                entry["pricing"] = {
                    "billable": category != "service",
                    "pricing_model": "PMP",
                    "category": category,
                }
            value = statuses_value(self.phone_number_id, self.DISPLAY_PHONE_NUMBER, [entry])
            self.status_log.append(entry)
            await self._poster.deliver(encode(envelope(self.waba_id, "messages", value)))


def _press(
    sent: SentMessage, index: int, button_id: str, title: str, business: str
) -> dict[str, Any]:
    """The message a tap on button `index` of `sent` produces."""
    context = {"from": business, "id": sent.wamid}
    if sent.kind == "template":
        return {
            "type": "button",
            "button": {"payload": button_id, "text": title},
            "context": context,
        }
    if sent.kind == "list":
        reply: dict[str, Any] = {"id": button_id, "title": title}
        description = sent.rows[index][2]
        if description:
            reply["description"] = description
        return {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": reply},
            "context": context,
        }
    return {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
        "context": context,
    }
