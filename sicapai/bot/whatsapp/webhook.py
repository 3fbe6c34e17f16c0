"""SiCapai's own small web server: the WhatsApp webhook and a health check, nothing else.

aiohttp serves it: it is already what the tests' platform stand-ins run on, it is well kept,
and it runs on the bot's own event loop beside python-telegram-bot, so one `sicapai run`
serves both channels without a second framework or thread. The server is public (Meta calls
it through the office's reverse proxy), so it answers only `GET/POST /webhook/whatsapp` and
`GET /healthz`, refuses bodies over 4 MB (Meta's stay under 3 MB), gives a slow client ten
seconds to send its body, checks every POST's `X-Hub-Signature-256` on the raw bytes in
constant time before reading anything in it, and logs no token, signature or message body.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

PATH = "/webhook/whatsapp"
HEALTH = "/healthz"
MAX_BODY = 4 * 1024 * 1024
READ_TIMEOUT = 10.0
KEEPALIVE = 15.0


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(expected.encode(), header.encode())


@dataclass
class WebhookConfig:
    app_secret: str
    verify_token: str


# takes the parsed body; returns once everything in it is recorded (then Meta gets its 200);
# raises to have Meta deliver it again later
PayloadHandler = Callable[[dict[str, Any]], Awaitable[None]]


class WebServer:
    def __init__(
        self,
        config: WebhookConfig | None,
        on_payload: PayloadHandler | None,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
    ) -> None:
        self.config = config
        self.on_payload = on_payload
        self.host, self.port = host, port
        self.ready = False  # /healthz says 200 once the channels are up
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(HEALTH, self.health)
        if self.config is not None:
            app.router.add_get(PATH, self.verify)
            app.router.add_post(PATH, self.receive)
        return app

    async def start(self) -> None:
        # no access log: a verification request's query string carries the verify token
        self._runner = web.AppRunner(
            self.application(), access_log=None, keepalive_timeout=KEEPALIVE, shutdown_timeout=5.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self, request: web.Request) -> web.Response:
        if self.ready:
            return web.Response(text="ok")
        return web.Response(status=503, text="starting")

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: the challenge back only for our verify token."""
        assert self.config is not None
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self.config.verify_token.encode()
        ):
            log.info("WhatsApp webhook verified")
            return web.Response(text=query.get("hub.challenge", ""))
        log.warning("WhatsApp webhook verification refused (wrong verify token)")
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        assert self.config is not None and self.on_payload is not None
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                body = await request.read()
        except TimeoutError:
            return web.Response(status=408, text="timeout")
        header = request.headers.get("X-Hub-Signature-256")
        if header is None:
            log.warning("a webhook without a signature was refused")
            return web.Response(status=401, text="signature missing")
        if not signature_ok(self.config.app_secret, body, header):
            log.warning("a webhook with a wrong signature was refused")
            return web.Response(status=403, text="signature wrong")
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not json")
        if not isinstance(payload, dict):
            return web.Response(status=400, text="not an object")
        try:
            await self.on_payload(payload)
        except Exception:  # not recorded: Meta delivers it again later
            log.exception("a webhook could not be recorded; Meta will deliver it again")
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")
