"""`sicapai run` with WhatsApp: every configured channel in one process, on one event loop.

Telegram polls (python-telegram-bot's Application driven by hand instead of `run_polling`,
so it shares the loop), WhatsApp is served by SiCapai's own web server, and both share one
outbox, one reminder service and one scheduler (APScheduler on the same loop, as PTB's
JobQueue is). A channel that cannot start — its API unreachable, its token refused — is
reported in one line and tried again with a growing pause while the other runs. A Telegram-only
deployment keeps PTB's own `run_polling` (`commands_chat.cmd_run`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC
from typing import Any

# APScheduler 3 ships no type information (PTB's JobQueue uses the same scheduler)
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from sicapai.bot.reminders import ReminderService
from sicapai.bot.whatsapp.channel import WhatsAppChannel, WhatsAppConfig
from sicapai.bot.whatsapp.errors import CloudApiError
from sicapai.bot.whatsapp.render import CHANNEL as WHATSAPP
from sicapai.bot.whatsapp.webhook import WebhookConfig, WebServer
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.outbox import OutboxSender, prune_records

log = logging.getLogger(__name__)

BACKOFF = (5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
REMINDER_TICK_SECONDS = 120
OUTBOX_SECONDS = 30
PRUNE_SECONDS = 3600


class ChannelsRunner:
    def __init__(
        self,
        conversations: Conversations,
        *,
        whatsapp: WhatsAppConfig | None,
        telegram_token: str | None = None,
        telegram_base_url: str = "",
        http_host: str = "127.0.0.1",
        http_port: int = 8080,
        reminders: bool = True,
    ) -> None:
        self.conversations = conversations
        engine, clock = conversations.engine, conversations.clock
        self.outbox = OutboxSender(engine, clock=clock)
        self.reminders = ReminderService(engine, {}, clock=clock)
        self.run_jobs = reminders
        self.whatsapp: WhatsAppChannel | None = None
        self.web: WebServer | None = None
        if whatsapp is not None:
            self.whatsapp = WhatsAppChannel(conversations, whatsapp, outbox_sender=self.outbox)
            self.outbox.register(WHATSAPP, self.whatsapp.sender(background=False))
            self.reminders.register(WHATSAPP, self.whatsapp.sender(background=True))
            self.reminders.pace(WHATSAPP, None)  # the channel's send budget paces it
            self.web = WebServer(
                WebhookConfig(whatsapp.app_secret, whatsapp.verify_token),
                self.whatsapp.on_payload,
                host=http_host,
                port=http_port,
            )
        self.telegram: Any = None
        if telegram_token:
            from sicapai.bot.telegram import build_application  # heavy: only when used

            self.telegram = build_application(
                conversations,
                token=telegram_token,
                base_url=telegram_base_url,
                outbox=self.outbox,
                reminder_service=self.reminders,
                reminders=reminders,
            )
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def run(self) -> None:
        """Until SIGTERM or SIGINT (or `stop()`)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self._stop.set)
        await self.conversations.start()
        if self.conversations.charts is not None:
            await self.conversations.charts.start()
        try:
            if self.web is not None:
                await self.web.start()  # OSError (port taken) ends the run in one line
            if self.whatsapp is not None:
                await self.whatsapp.start()
                self._tasks.append(asyncio.create_task(self._keep_trying("WhatsApp", self._wa)))
            if self.telegram is not None:
                self._tasks.append(asyncio.create_task(self._keep_trying("Telegram", self._tg)))
            if self.run_jobs:
                self._schedule()
            if self.web is not None:
                self.web.ready = True
            log.info("SiCapai berjalan; hentikan dengan Ctrl-C")
            await self._stop.wait()
        finally:
            await self._shutdown()

    def stop(self) -> None:
        self._stop.set()

    # --- channels ---------------------------------------------------------------------------
    async def _keep_trying(self, name: str, start: Callable[[], Awaitable[None]]) -> None:
        pauses = list(BACKOFF)
        while not self._stop.is_set():
            try:
                await start()
                log.info("%s siap", name)
                return
            except Exception as exc:  # reported in one line; the other channel keeps running
                pause = pauses.pop(0) if len(pauses) > 1 else pauses[0]
                log.error(
                    "%s belum dapat dimulai (%s); dicoba lagi dalam %d detik",
                    name,
                    _reason(exc),
                    pause,
                )
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), pause)

    async def _wa(self) -> None:
        """The Cloud API answers with this token (its templates are listed)."""
        assert self.whatsapp is not None
        if self.whatsapp.config.business_account_id:
            await self.whatsapp.client.templates()

    async def _tg(self) -> None:
        application = self.telegram
        if not application._initialized:
            await application.initialize()
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(
            allowed_updates=["message", "callback_query"], drop_pending_updates=False
        )

    # --- jobs -------------------------------------------------------------------------------
    def _schedule(self) -> None:
        options: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
        self.scheduler.add_job(self._tick, "interval", seconds=REMINDER_TICK_SECONDS, **options)
        self.scheduler.add_job(self._drain, "interval", seconds=OUTBOX_SECONDS, **options)
        self.scheduler.add_job(self._prune, "interval", seconds=PRUNE_SECONDS, **options)
        self.scheduler.start()
        self._tasks.append(asyncio.create_task(self._first_round()))

    async def _first_round(self) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), 3)
        if not self._stop.is_set():
            await self._drain()
            await self._tick()

    async def _tick(self) -> None:
        try:
            report = await self.reminders.tick()
        except Exception:  # one failed tick must not stop the next ones
            log.exception("reminder tick failed")
            return
        if report.sent or report.failed:
            log.info("reminders: %s sent, %s failed", report.sent, report.failed)

    async def _drain(self) -> None:
        try:
            await self.outbox.drain()
        except Exception:
            log.exception("outbox round failed")

    async def _prune(self) -> None:
        try:
            await asyncio.to_thread(
                prune_records, self.conversations.engine, self.conversations.clock()
            )
        except Exception:
            log.exception("pruning failed")

    async def _shutdown(self) -> None:
        if self.web is not None:
            self.web.ready = False
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.telegram is not None:
            application = self.telegram
            with suppress(Exception):
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
                if application._initialized:
                    await application.shutdown()
        if self.web is not None:
            await self.web.stop()
        if self.whatsapp is not None:
            await self.whatsapp.idle()
            await self.whatsapp.close()
        await self.conversations.close()


def _reason(exc: BaseException) -> str:
    """One line that names the trouble, never a token (exception texts may quote URLs)."""
    if isinstance(exc, CloudApiError):
        if exc.code == 190 or exc.http_status == 401:
            return "token ditolak oleh Meta"
        if exc.code == 0:
            return "API WhatsApp tidak dapat dihubungi"
        return f"kode galat {exc.code}"
    name = type(exc).__name__
    if name == "InvalidToken":
        return "token ditolak oleh Bot API"
    if name in ("NetworkError", "TimedOut"):
        return "Bot API tidak dapat dihubungi"
    return name
