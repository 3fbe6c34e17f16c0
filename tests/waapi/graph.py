"""The Graph side: the endpoints the bot calls, with Meta's stateful sending rules.

Why it exists: `validate` checks the shape of one send; whether Meta accepts it also depends on
state — the recipient's 24-hour window, the number's throughput in the last second (inbound
traffic included), the recipient's pair-rate bucket, the portfolio's messaging limit, the
template registry, the media store, the token. This module answers each endpoint the way the
Cloud API does, records every accepted send (`sent`) and every refusal (`refused`), and holds
the test hooks that shape those answers (`add_template`, `set_unreachable`, `fail_next`,
`delay_next`, `revoke_token`).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .errors import (
    INVALID_PARAMETER,
    MEDIA_UPLOAD,
    PAIR_RATE,
    RE_ENGAGEMENT,
    THROUGHPUT,
    GraphError,
    invalid,
    json_response,
    missing,
    no_such_object,
    unauthorized,
)
from .limits import (
    MAX_QUICK_REPLIES,
    MAX_QUICK_REPLY_TEXT,
    UPLOAD_TTL_SECONDS,
    TokenBucket,
)
from .media import check_upload
from .records import SentMessage, Template, UploadedMedia, check_template_body
from .state import StandInState
from .validate import Outgoing, is_mark_read, normalise_phone, parse_send

TEMPLATE_STATUSES = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "ARCHIVED")


class GraphSide(StandInState):
    """Answers the bot's Graph API calls; see the module docstring."""

    # ------------------------------------------------------------------ test hooks

    def add_template(
        self,
        name: str,
        body: str,
        *,
        language: str = "id",
        category: str = "UTILITY",
        status: str = "APPROVED",
        quick_replies: tuple[str, ...] = (),
    ) -> None:
        """Register a template; `body` uses {{1}}, {{2}} … (its parameter count)."""
        check_template_body(body)
        if category not in ("UTILITY", "MARKETING", "AUTHENTICATION"):
            raise ValueError(f"unknown template category {category!r}")
        if status not in TEMPLATE_STATUSES:
            raise ValueError(f"unknown template status {status!r}")
        if len(quick_replies) > MAX_QUICK_REPLIES:
            raise ValueError(f"at most {MAX_QUICK_REPLIES} quick-reply buttons")
        for text in quick_replies:
            if not 1 <= len(text) <= MAX_QUICK_REPLY_TEXT:
                raise ValueError(f"quick reply {text!r}: 1..{MAX_QUICK_REPLY_TEXT} characters")
        existing = self._templates.get((name, language))
        self._templates[(name, language)] = Template(
            name=name,
            body=body,
            language=language,
            category=category,
            status=status,
            quick_replies=tuple(quick_replies),
            id=existing.id if existing else self.new_template_id(),
        )

    def template(self, name: str, language: str = "id") -> Template:
        """The registry entry (its status changes with `template_status_update`)."""
        return self._templates[(name, language)]

    def set_unreachable(self, wa_id: str) -> None:
        """ "Not on WhatsApp": sends are accepted, then fail by webhook with 131026."""
        self._unreachable.add(wa_id)

    def fail_next(self, code: int, http_status: int = 400, *, times: int = 1) -> None:
        """The next `times` /messages calls fail with this Meta error instead of running."""
        self._faults.append((code, http_status, [times]))

    def delay_next(self, seconds: float) -> None:
        """The next /messages call answers `seconds` late.

        The send itself is carried out first (accepted, recorded, statuses posted), as on the
        real API where a request the client gave up on has usually been executed — so an
        adapter that blindly resends after a timeout sends twice, and the test sees it.
        """
        self._delays.append(seconds)

    def revoke_token(self) -> None:
        """Every call then gets HTTP 401 with code 190."""
        self._token_revoked = True

    def restore_token(self) -> None:
        self._token_revoked = False

    # ------------------------------------------------------------------ auth

    def authorize(self, request: web.Request) -> None:
        header = request.headers.get("Authorization")
        if header is None:
            raise unauthorized("An access token is required to request this resource.")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.token:
            raise unauthorized("Invalid OAuth access token - Cannot parse access token")
        if self._token_revoked:
            raise GraphError(
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                http_status=HTTPStatus.UNAUTHORIZED,
                subcode=460,
            )

    # ------------------------------------------------------------------ POST /messages

    async def handle_messages(self, request: web.Request) -> web.Response:
        delay = self._delays.pop(0) if self._delays else 0.0
        to: str | None = None
        try:
            body = await _json_body(request)
            to = _recipient(body)
            fault = self._take_fault()
            if fault is not None:
                raise fault
            if is_mark_read(body):
                result = self._mark_read(body)
            else:
                outgoing = parse_send(
                    body,
                    templates=self._templates,
                    media=lambda media_id: self._media.get(media_id, self.now()),
                    strict_no_html=self.strict_no_html,
                )
                sent = self._accept(outgoing, body)
                result = {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": sent.to}],
                    "messages": [{"id": sent.wamid}],
                }
                if sent.type == "template":
                    result["messages"][0]["message_status"] = "accepted"
            status: int = HTTPStatus.OK
        except GraphError as error:
            self.refuse(error, to)
            result, status = error.body(), error.http_status
        if delay:
            await self._pause(delay)
        return json_response(result, status)

    def _take_fault(self) -> GraphError | None:
        if not self._faults:
            return None
        code, http_status, left = self._faults[0]
        left[0] -= 1
        if left[0] <= 0:
            self._faults.pop(0)
        return GraphError(code, "injected by the test (fail_next)", http_status=http_status)

    def _mark_read(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("messaging_product") != "whatsapp":
            raise missing("messaging_product")
        message_id = body.get("message_id")
        if not message_id:
            raise missing("message_id")
        if message_id not in self._inbound:
            raise invalid(f"message_id {message_id!r} is not a message this number received")
        self.read_marks.append(str(message_id))
        return {"success": True}

    def _accept(self, out: Outgoing, payload: dict[str, Any]) -> SentMessage:
        """Apply the stateful rules, then record the send and schedule its statuses."""
        rate_now = self.rate_now()
        window_open = self.window_open(out.to)
        if out.type != "template" and not window_open:
            last = self._last_inbound.get(out.to)
            since = (
                "the recipient never wrote"
                if last is None
                else f"the recipient last wrote at {last.isoformat()}"
            )
            raise GraphError(
                RE_ENGAGEMENT,
                "Message failed to send because more than 24 hours have passed since the "
                f"customer last replied to this number ({since}; now {self.now().isoformat()})",
            )
        reach_limited = out.type == "template" and not window_open
        wall = self.now().timestamp()
        if (
            reach_limited
            and self.messaging_limit is not None
            and not self._reached.allows(out.to, wall, self.messaging_limit)
        ):
            raise GraphError(
                self.MESSAGING_LIMIT_CODE,
                f"messaging limit reached: {self.messaging_limit} unique recipients outside "
                "their window in 24 hours",
            )
        if self.mps is not None and self._throughput.count(rate_now) >= self.mps:
            raise GraphError(
                THROUGHPUT,
                f"throughput of {self.mps} messages per second reached (inbound included)",
            )
        if self.pair_rate is not None:
            burst, per = self.pair_rate
            bucket = self._pairs.setdefault(out.to, TokenBucket(burst, per))
            if not bucket.take(rate_now):
                raise GraphError(
                    PAIR_RATE,
                    f"too many messages to {out.to}; next one allowed in {bucket.wait():.1f}s",
                )
        self._throughput.add(rate_now)
        if reach_limited:
            self._reached.add(out.to, wall)
        sent = SentMessage(
            wamid=self.new_wamid(),
            to=out.to,
            type=out.type,
            kind=out.kind,
            text=out.text,
            buttons=out.buttons,
            rows=out.rows,
            list_button=out.list_button,
            media=out.media,
            filename=out.filename,
            template=out.template.name if out.template else None,
            params=out.params,
            at=self.now(),
            payload=payload,
            header=out.header,
            footer=out.footer,
            media_id=out.media_id,
            link=out.link,
            mime_type=out.mime_type,
            language=out.template.language if out.template else None,
        )
        self.sent.append(sent)
        self._fire_sent()
        category = out.template.category.lower() if out.template else "service"
        self._after_send(sent, category)
        return sent

    # ------------------------------------------------------------------ media

    async def handle_upload(self, request: web.Request) -> web.Response:
        try:
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge as exc:
                raise GraphError(MEDIA_UPLOAD, f"the upload is too large: {exc.text}") from None
            product = form.get("messaging_product")
            if product is None:
                raise missing("messaging_product")
            if product != "whatsapp":
                raise invalid(f"messaging_product must be 'whatsapp', got {product!r}")
            file = form.get("file")
            if file is None:
                raise missing("file")
            if not isinstance(file, web.FileField):
                raise invalid("file must be a file part of a multipart/form-data body")
            mime_type = form.get("type")
            if mime_type is None:
                raise missing("type")
            if not isinstance(mime_type, str):
                raise invalid("type must be a MIME type string")
            data = file.file.read()
            check_upload(
                data,
                mime_type,
                max_image=self.MAX_IMAGE_BYTES,
                max_document=self.MAX_DOCUMENT_BYTES,
                check_bytes=self.CHECK_IMAGE_BYTES,
            )
            stored = self._media.add(
                data,
                mime_type,
                file.filename or None,
                now=self.now(),
                ttl_seconds=UPLOAD_TTL_SECONDS,
                inbound=False,
            )
            self.media_uploads[stored.id] = UploadedMedia(data, mime_type, stored.filename)
            return json_response({"id": stored.id})
        except GraphError as error:
            self.refuse(error, None)
            return json_response(error.body(), error.http_status)

    def media_info(self, request: web.Request, media_id: str) -> dict[str, Any]:
        owner = request.query.get("phone_number_id")
        stored = self._media.get(media_id, self.now())
        if stored is None or (owner is not None and owner != self.phone_number_id):
            raise no_such_object("get", media_id)
        token = self._media.url_token(media_id, self.now())
        return {
            "messaging_product": "whatsapp",
            "url": f"{request.scheme}://{request.host}/media-download/{token}",
            "mime_type": stored.mime_type,
            "sha256": stored.sha256,
            "file_size": len(stored.data),
            "id": stored.id,
        }

    def media_delete(self, media_id: str) -> dict[str, Any]:
        if self._media.get(media_id, self.now()) is None or not self._media.delete(media_id):
            raise no_such_object("delete", media_id)
        return {"success": True}

    def download(self, token: str) -> web.Response:
        stored = self._media.by_token(token, self.now())
        if stored is None:
            raise GraphError(
                INVALID_PARAMETER,
                "the download URL is unknown or has expired (URLs last 5 minutes)",
                http_status=HTTPStatus.NOT_FOUND,
            )
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # ------------------------------------------------------------------ registry, number

    def list_templates(self, request: web.Request) -> dict[str, Any]:
        name = request.query.get("name")
        status = request.query.get("status")
        language = request.query.get("language")
        data = [
            template.as_graph()
            for template in self._templates.values()
            if (name is None or template.name == name)
            and (status is None or template.status == status.upper())
            and (language is None or template.language == language)
        ]
        return {"data": data, "paging": {}}

    def phone_info(self) -> dict[str, Any]:
        number = self.DISPLAY_PHONE_NUMBER
        return {
            "verified_name": "SiCapai",
            "display_phone_number": f"+{number[:2]} {number[2:5]}-{number[5:9]}-{number[9:]}",
            "id": self.phone_number_id,
            "quality_rating": "GREEN",
            "code_verification_status": "VERIFIED",
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
        }


async def _json_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise GraphError(INVALID_PARAMETER, "the request body must be a JSON object")
    return body


def _recipient(body: dict[str, Any]) -> str | None:
    """The recipient for the refusal record; never raises (validation reports bad ones)."""
    to = body.get("to")
    if to is None:
        return None
    try:
        return normalise_phone(to)
    except GraphError:
        return str(to)
