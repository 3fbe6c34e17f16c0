"""The webhook side: Meta calling the bot, signed, with Meta's payload shapes and redelivery.

Why it exists: on WhatsApp the bot does not poll; Meta POSTs every user message and every
status to the bot's callback URL, signs the raw body with the app secret
(`X-Hub-Signature-256`), and redelivers whatever was not answered 200 in time — so duplicates
are normal. `WebhookPoster` does exactly that over real HTTP: one place that signs, posts with
a timeout, logs what the bot answered, and retries in background tasks that `close()` cancels.
The payload builders give every POST the `whatsapp_business_account` envelope.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

import aiohttp

USER_AGENT = "facebookexternalua"


def sign(app_secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256(app_secret, body)>`, the X-Hub-Signature-256 header value."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def timestamp(now: datetime) -> str:
    """Meta's timestamps: epoch seconds, as a string."""
    return str(int(now.timestamp()))


def envelope(waba_id: str, field: str, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"field": field, "value": value}]}],
    }


def messages_value(
    phone_number_id: str,
    display_phone_number: str,
    contacts: list[dict[str, Any]],
    messages: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
        "contacts": contacts,
        "messages": messages,
    }


def statuses_value(
    phone_number_id: str, display_phone_number: str, statuses: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
        "statuses": statuses,
    }


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed); kept so a redelivery is byte-for-byte the same."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def decode(body: bytes) -> dict[str, Any]:
    """What `webhook_log` shows of a body: the JSON, or the raw text if it is not JSON."""
    try:
        value = json.loads(body)
    except ValueError:
        return {"_raw": body.decode(errors="replace")}
    return value if isinstance(value, dict) else {"_raw": value}


class WebhookPoster:
    """Posts to the bot's callback URL, logs the answers, and redelivers in the background."""

    def __init__(self, app_secret: str, timeout: float, delays: tuple[float, ...]) -> None:
        self.app_secret = app_secret
        self.timeout = timeout
        self.delays = delays
        self.callback_url: str | None = None
        # (HTTP status the bot answered, payload); status 0 = no answer (timeout, refused).
        self.log: list[tuple[int, dict[str, Any]]] = []
        # Payloads given up on after the last redelivery.
        self.undelivered: list[dict[str, Any]] = []
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def open(self) -> None:
        self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def require(self) -> tuple[aiohttp.ClientSession, str]:
        if self._session is None:
            raise RuntimeError("the stand-in is not started")
        if self.callback_url is None:
            raise RuntimeError("no callback URL: call subscribe(callback_url) first")
        return self._session, self.callback_url

    @property
    def ready(self) -> bool:
        return self._session is not None and self.callback_url is not None

    async def verify(self, callback_url: str, verify_token: str) -> bool:
        """Meta's subscription handshake: GET with hub.* parameters, 200 + the challenge."""
        if self._session is None:
            raise RuntimeError("the stand-in is not started")
        challenge = str(secrets.randbelow(10**9) + 10**9)
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token,
            "hub.challenge": challenge,
        }
        try:
            async with self._session.get(
                callback_url, params=params, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                text = await response.text()
                ok = response.status == 200 and text == challenge
        except (TimeoutError, aiohttp.ClientError):
            ok = False
        if ok:
            self.callback_url = callback_url
        return ok

    async def post(self, body: bytes, signature: str | None) -> int:
        """One POST of raw bytes; the HTTP status the bot answered, 0 if it did not answer."""
        session, url = self.require()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        try:
            async with session.post(
                url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError):
            status = 0
        self.log.append((status, decode(body)))
        return status

    async def post_signed(self, body: bytes) -> int:
        return await self.post(body, sign(self.app_secret, body))

    async def deliver(self, body: bytes) -> int:
        """Post once now; if that is not a 200, keep redelivering in the background."""
        status = await self.post_signed(body)
        if status != 200:
            self.spawn(self.redeliver_later(body))
        return status

    async def redeliver_later(self, body: bytes) -> None:
        """Retry after each of the delays until a 200; record the payload if all fail."""
        for delay in self.delays:
            await asyncio.sleep(delay)
            if await self.post_signed(body) == 200:
                return
        self.undelivered.append(decode(body))

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def settle(self, timeout: float) -> None:  # noqa: ASYNC109 - a test helper
        """Wait until no background delivery (status, retry) is left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{len(self._tasks)} webhook deliveries still running")
            await asyncio.wait(set(self._tasks), timeout=remaining)
