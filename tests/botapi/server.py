"""The HTTP side of the stand-in: an aiohttp server on 127.0.0.1 that routes to its bots.

Why it exists: the real `telegram.ext.Application` — or a separate `sicapai run` process
started with TELEGRAM_BASE_URL=<base_url> — must reach the stand-in over HTTP exactly as it
reaches api.telegram.org: `/bot<token>/<method>` for calls, `/file/bot<token>/<path>` for
downloads, 401 for an unknown token. `BotApiStandIn` is that server and, for convenience,
also the first bot it serves, so most tests need only the one object.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from .bot import StandInBot
from .errors import ApiError, json_response
from .files import MAX_UPLOAD_BYTES
from .state import DEFAULT_TOKEN

__all__ = ["BotApiStandIn"]


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
                return json_response(ApiError(401, "Unauthorized").body(), 401)
            return bot.file_response(file_path)
        if not path.startswith("/bot"):
            return json_response(ApiError(404, "Not Found").body(), 404)
        token, slash, method = path.removeprefix("/bot").partition("/")
        bot = self._bots.get(token)
        if bot is None:
            return json_response(ApiError(401, "Unauthorized").body(), 401)
        if not slash or not method or "/" in method:
            return json_response(ApiError(404, "Not Found").body(), 404)
        return await bot.handle_call(method, request)
