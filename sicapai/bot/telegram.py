"""The Telegram channel: a python-telegram-bot `Application` that plays the conversations.

One `TypeHandler` turns every update into a port `Event`; the replies come back as port
`Reply` objects and are sent here. Per-person order comes from `PerPersonUpdateProcessor`;
nothing about a dialog is kept in memory (no ConversationHandler, no PTB persistence).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
    TypeHandler,
)

from sicapai.bot.reminders import ReminderService
from sicapai.bot.send_gate import BACKGROUND, SendGate, retry_after_seconds
from sicapai.bot.telegram_menu import SYNC_SECONDS, CommandMenus
from sicapai.handlers.capabilities import Capabilities
from sicapai.handlers.port import Event, EventKind, Identity, IncomingFile, Reply
from sicapai.handlers.texts.markup import MarkupError, to_plain, to_telegram_html
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery, Sender
from sicapai.runtime.outbox import OutboxSender, prune_records
from sicapai.runtime.turns import TurnResult

log = logging.getLogger(__name__)

# PTB's Application is generic in its bot, context and data types; SiCapai uses the defaults
App = Application[Any, Any, Any, Any, Any, Any]

CHANNEL = "telegram"
# what the Bot API accepts: 4096 characters a message, 1024 a caption, 100 buttons in an
# inline keyboard (8 a row), 64 bytes of callback data, and files a bot may fetch up to 20 MB
CAPABILITIES = Capabilities(
    channel=CHANNEL,
    message_length=4096,
    caption_length=1024,
    buttons_per_message=100,
    buttons_per_row=8,
    label_length=64,
    button_data_bytes=64,
    file_bytes=20 * 1024 * 1024,
    markup="html",
)


# PTB hands every update over at once; the conversation service orders them per person and
# bounds how many run (`runtime.ordering`), so PTB's own bound must not be the smaller one: a
# person who floods would otherwise park their updates in PTB's slots.
CONCURRENT_UPDATES = 100_000


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


def event_from(update: Update) -> Event | None:
    """The port event for an update (carrying its `update_id`, so a redelivery is known), or
    None for updates the product ignores."""
    event = _event_from(update)
    if event is None:
        return None
    # a message carries when it was sent (a held-up one is answered, not replayed); a
    # button press does not: its message's date is when the button was sent
    sent_at = update.message.date if update.message is not None else None
    return replace(event, inbound_id=str(update.update_id), sent_at=sent_at)


def _event_from(update: Update) -> Event | None:
    if update.callback_query is not None:
        return Event(EventKind.PRESS, data=update.callback_query.data or "")
    message = update.message
    if message is None:
        return None
    if message.document is not None:
        document = message.document

        async def fetch_document(path: Path) -> None:
            file = await document.get_file()
            await file.download_to_drive(path)

        return Event(
            EventKind.FILE,
            file=IncomingFile(
                name=document.file_name or "berkas",
                mime_type=document.mime_type,
                size=document.file_size,
                download=fetch_document,
            ),
        )
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram offers

        async def fetch_photo(path: Path) -> None:
            file = await photo.get_file()
            await file.download_to_drive(path)

        return Event(
            EventKind.FILE,
            file=IncomingFile(
                name=f"foto-{photo.file_unique_id}.jpg",
                mime_type="image/jpeg",
                size=photo.file_size,
                download=fetch_photo,
                is_photo=True,
            ),
        )
    if message.text is not None:
        return Event.from_text(message.text)
    return Event(EventKind.TEXT, text="")


class TelegramChannel:
    """Wires the conversations to a PTB Application."""

    def __init__(
        self,
        conversations: Conversations,
        outbox: OutboxSender | None = None,
        account: str = "",
        menus: CommandMenus | None = None,
    ) -> None:
        self.conversations = conversations
        self.outbox = outbox
        self.account = account  # the bot's id: two bots number their updates independently
        self.menus = menus

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or user.is_bot:
            return
        event = event_from(update)
        if event is None:
            return
        identity = Identity(
            channel=CHANNEL,
            external_id=str(user.id),
            chat_id=str(chat.id),
            display_name=user.full_name,
            private=chat.type == ChatType.PRIVATE,
            account=self.account,
            capabilities=CAPABILITIES,
        )
        query = update.callback_query

        async def respond(result: TurnResult) -> None:
            # the answer to a pressed button goes out beside the first reply, not before it:
            # one round trip less before the person sees the next step
            answering = (
                asyncio.create_task(self.answer(query, result.replies))
                if query is not None
                else None
            )
            delivered = True
            for reply in result.replies:
                outcome = await self.send(context.bot, chat.id, reply)
                delivered = delivered and (outcome.ok or outcome.unknown)
            if answering is not None:
                await answering
            if delivered:
                await self.conversations.replied(result)

        result = await self.conversations.serve(identity, event, respond)
        if result.notice_ids and self.outbox is not None:
            await self.outbox.drain(result.notice_ids)
        if result.menu_changed and self.menus is not None:
            await self.menus.sync(context.bot)  # a new admin sees the admin commands at once

    @staticmethod
    async def answer(query: CallbackQuery, replies: list[Reply]) -> None:
        toast = next((r.answer for r in replies if r.answer), None)
        try:
            await query.answer(toast)
        except TelegramError:
            log.warning("could not answer a callback query")

    async def send(self, bot: Any, chat_id: int, reply: Reply) -> Delivery:
        return await deliver(bot, chat_id, reply)


RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)


async def _send_once(
    bot: Any, chat_id: int, reply: Reply, background: bool, *, plain: bool = False
) -> None:
    # only the Application's ExtBot has a rate limiter to pass the priority to
    queued_last = background and isinstance(bot, ExtBot)
    extra: dict[str, Any] = {"rate_limit_args": BACKGROUND} if queued_last else {}
    if plain:  # Telegram (or the markup check) refused the markup: the same words without it
        reply = replace(reply, text=to_plain(reply.text, lenient=True))
        extra["parse_mode"] = None
    else:  # the core's markup, checked, as Telegram's HTML (parse_mode HTML by default)
        reply = replace(reply, text=to_telegram_html(reply.text))
    if reply.photo is not None:
        await bot.send_photo(
            chat_id, reply.photo, caption=reply.text or None, reply_markup=keyboard(reply), **extra
        )
    elif reply.document is not None:
        await bot.send_document(
            chat_id,
            reply.document,
            filename=reply.filename,
            caption=reply.text or None,
            reply_markup=keyboard(reply),
            **extra,
        )
    elif reply.text:
        await bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply), **extra)


async def deliver(bot: Any, chat_id: int, reply: Reply, *, background: bool = False) -> Delivery:
    """Send once, retrying what is safe to retry.

    429 (after the rate limiter's own retries), 5xx answers and failed connections are
    retried with a growing pause. A timeout is not: Telegram has most likely carried the
    message out already, and sending it again would make the person read it twice.
    `background` sends (reminders) wait in the send gate until replies have gone.
    """
    plain = False
    for pause in (*RETRY_DELAYS, None):
        try:
            await _send_once(bot, chat_id, reply, background, plain=plain)
            return Delivery(ok=True)
        except MarkupError as exc:  # a text outside the core's markup: a bug, not the person's
            log.error("a message is not valid markup (%s); sending it as plain text", exc)
            plain = True
            continue
        except Forbidden:
            log.warning("chat %s blocked the bot", chat_id)
            return Delivery(ok=False, blocked=True, error="diblokir")
        except BadRequest as exc:
            text = str(exc).lower()
            if "can't parse entities" in text and not plain:
                # a markup slip must not cost the person the message: send it as plain text
                log.error("Telegram refused a message's markup (%s); sending it as plain text", exc)
                plain = True
                continue
            # "chat not found": the person never started the bot or deleted the chat
            log.warning("Telegram refused a message: %s", exc)
            return Delivery(ok=False, blocked="not found" in text, error=str(exc)[:200])
        except TimedOut:
            log.warning("sending to chat %s timed out; not resending to avoid a duplicate", chat_id)
            return Delivery(ok=False, temporary=True, unknown=True, error="waktu habis")
        except RetryAfter as exc:
            if pause is None:
                return Delivery(ok=False, temporary=True)
            await asyncio.sleep(retry_after_seconds(exc))
        except TelegramError as exc:  # NetworkError: 5xx or no connection
            if pause is None:
                log.warning("giving up sending to chat %s: %s", chat_id, exc)
                return Delivery(ok=False, temporary=True)
            await asyncio.sleep(pause)
    return Delivery(ok=False, temporary=True)


def reminder_sender(bot: Any, *, background: bool = True) -> Sender:
    """Delivery to Telegram chats, with what went wrong told apart; reminders (background)
    wait in the send gate until replies have gone, notices to other people do not."""

    async def send(identity: Identity, reply: Reply) -> Delivery:
        if identity.channel != CHANNEL:
            return Delivery(ok=False)
        return await deliver(bot, int(identity.chat_id), reply, background=background)

    return send


REMINDER_TICK_SECONDS = 120
TELEGRAM_PACE = 28.5  # 95% of Telegram's 30 a second, measured in bench/broadcast
OUTBOX_SECONDS = 30
PRUNE_SECONDS = 3600


def schedule_outbox(
    application: App,
    conversations: Conversations,
    sender: OutboxSender,
) -> None:
    """Retry what the turns could not send at once, and forget what no platform redelivers."""

    async def drain(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await sender.drain()
        except Exception:  # one failed round must not stop the next ones
            log.exception("outbox round failed")

    async def prune(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await asyncio.to_thread(prune_records, conversations.engine, conversations.clock())
        except Exception:
            log.exception("pruning the inbox, the outbox and the chat marks failed")

    assert application.job_queue is not None
    options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    application.job_queue.run_repeating(
        drain, interval=OUTBOX_SECONDS, first=3, name="outbox", job_kwargs=options
    )
    application.job_queue.run_repeating(
        prune, interval=PRUNE_SECONDS, first=60, name="pangkas", job_kwargs=options
    )


def schedule_menus(application: App, menus: CommandMenus) -> None:
    """Admins added or removed from the command line get their menu within minutes."""

    async def sync(context: ContextTypes.DEFAULT_TYPE) -> None:
        await menus.sync(context.bot)

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        sync,
        interval=SYNC_SECONDS,
        first=SYNC_SECONDS,
        name="menu_perintah",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


def schedule_reminders(application: App, conversations: Conversations) -> None:
    """One periodic tick on PTB's JobQueue (APScheduler on the bot's own event loop)."""
    service = ReminderService(
        conversations.engine,
        {CHANNEL: reminder_sender(application.bot)},
        clock=conversations.clock,
    )
    service.pace(CHANNEL, TELEGRAM_PACE)

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            report = await service.tick()
        except Exception:  # one failed tick must not stop the next ones
            log.exception("reminder tick failed")
            return
        if report.sent or report.failed:
            log.info(
                "reminders: %s sent, %s failed, %s deferred",
                report.sent,
                report.failed,
                report.deferred,
            )

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        tick,
        interval=REMINDER_TICK_SECONDS,
        first=5,
        name="pengingat",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 60},
    )


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context (never the token) and keep the bot running."""
    log.error(
        "error while handling an update: %s", type(context.error).__name__, exc_info=context.error
    )


async def on_start(application: App, conversations: Conversations, menus: CommandMenus) -> None:
    """Register the Indonesian command menus and warm the turn and chart workers up."""
    await menus.sync(application.bot)
    await conversations.start()
    if conversations.charts is not None:
        await conversations.charts.start()


def build_application(
    conversations: Conversations,
    *,
    token: str,
    base_url: str,
    base_file_url: str | None = None,
    rate_limit_retries: int = 3,
    reminders: bool = True,
    read_timeout: float | None = None,
    write_timeout: float | None = None,
    outbox: OutboxSender | None = None,
    reminder_service: ReminderService | None = None,
) -> App:
    """A polling Application against the given Bot API (Telegram, self-hosted, or a stand-in).

    `read_timeout`/`write_timeout` (seconds) override python-telegram-bot's defaults for every
    call but getUpdates; the fault tests shorten them to provoke a timed-out send quickly.
    """
    shared = outbox is not None  # another runner owns the outbox and reminder jobs
    sender = outbox or OutboxSender(conversations.engine, clock=conversations.clock)
    account = token.partition(":")[0]  # the bot's id, public and stable for the token
    menus = CommandMenus(conversations.engine, CHANNEL)
    channel = TelegramChannel(conversations, sender, account=account, menus=menus)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url or base_url.replace("/bot", "/file/bot"))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(conversations.default_timezone))
        )
        .rate_limiter(SendGate(max_retries=rate_limit_retries))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(lambda app: on_start(app, conversations, menus))
        .post_shutdown(lambda _: conversations.close())
    )
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout)
    if write_timeout is not None:
        builder = builder.write_timeout(write_timeout)
    application = builder.build()
    application.add_handler(TypeHandler(Update, channel.on_update))
    application.add_error_handler(error_handler)
    sender.register(CHANNEL, reminder_sender(application.bot, background=False))
    if reminder_service is not None:
        reminder_service.register(CHANNEL, reminder_sender(application.bot))
        reminder_service.pace(CHANNEL, TELEGRAM_PACE)
    if reminders and not shared:
        schedule_reminders(application, conversations)
        schedule_outbox(application, conversations, sender)
    if reminders:
        schedule_menus(application, menus)
    return application
