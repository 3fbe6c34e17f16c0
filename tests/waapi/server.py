"""The HTTP side of the stand-in: an aiohttp server on 127.0.0.1 that routes Graph API paths.

Why it exists: the real SiCapai WhatsApp adapter — its httpx client, configured with
WHATSAPP_API_URL=<base_url> — must reach the stand-in over HTTP exactly as it reaches
graph.facebook.com: `/{version}/{phone_number_id}/messages`, `/media`, `/{media_id}`,
`/{waba_id}/message_templates`, a bearer token on every call, Meta's error shapes for anything
else. `CloudApiStandIn` is that server plus, through its two sides, Meta calling the bot's
webhook (`users`) and the rules it answers sends with (`graph`).
"""

from __future__ import annotations

from http import HTTPStatus

from aiohttp import web

from .errors import UNKNOWN_PATH, GraphError, json_response, no_such_object
from .graph import GraphSide
from .users import UserSide

__all__ = ["CloudApiStandIn"]


class CloudApiStandIn(GraphSide, UserSide):
    """Meta's WhatsApp Business Cloud API for one business phone number, on loopback.

    Deliberate simplifications: one phone number and one WABA; media sent by `link` is never
    fetched; templates have a body (text parameters only) and quick-reply buttons, no header;
    statuses carry `pricing` but no `conversation`; unknown users are reachable unless
    `set_unreachable` says otherwise; `status: "failed"` webhooks are posted even with
    `statuses=False` (only sent/delivered/read are switched off).
    """

    # Set by start(); class-level defaults keep StandInState's __init__ signature the only one.
    _runner: web.AppRunner | None = None
    _port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the stand-in is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What WHATSAPP_API_URL takes: `http://127.0.0.1:PORT/v23.0`."""
        return f"http://127.0.0.1:{self.port}/{self.version}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        self._stop_event = None
        app = web.Application(
            client_max_size=max(self.MAX_IMAGE_BYTES, self.MAX_DOCUMENT_BYTES) + 1024 * 1024
        )
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
        self._port = int(runner.addresses[0][1])
        await self._poster.open()

    async def stop(self) -> None:
        """Stop serving; background deliveries are cancelled, delayed answers return at once."""
        if self._stop_event is not None:
            self._stop_event.set()
        self._fire_sent()
        await self._poster.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> CloudApiStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _route(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._dispatch(request)
        except GraphError as error:
            self.refuse(error, None)
            return json_response(error.body(), error.http_status)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        parts = [part for part in request.path.split("/") if part]
        method = request.method
        if len(parts) == 2 and parts[0] == "media-download" and method == "GET":
            self.authorize(request)
            return self.download(parts[1])
        if not parts or parts[0] != self.version:
            asked = parts[0] if parts else "/"
            raise _unknown(
                f"{method} {request.path}: this stand-in serves /{self.version}/ ({asked!r})"
            )
        self.authorize(request)
        rest = parts[1:]
        if len(rest) == 2 and method == "POST" and rest[1] in ("messages", "media"):
            if rest[0] != self.phone_number_id:
                raise no_such_object("post", rest[0])
            if rest[1] == "messages":
                return await self.handle_messages(request)
            return await self.handle_upload(request)
        if len(rest) == 2 and method == "GET" and rest[1] == "message_templates":
            if rest[0] != self.waba_id:
                raise no_such_object("get", rest[0])
            return json_response(self.list_templates(request))
        if len(rest) == 1 and method == "GET":
            if rest[0] == self.phone_number_id:
                return json_response(self.phone_info())
            return json_response(self.media_info(request, rest[0]))
        if len(rest) == 1 and method == "DELETE":
            return json_response(self.media_delete(rest[0]))
        raise _unknown(f"{method} {request.path} is not an endpoint of the stand-in")


def _unknown(details: str) -> GraphError:
    return GraphError(UNKNOWN_PATH, details, http_status=HTTPStatus.NOT_FOUND)
