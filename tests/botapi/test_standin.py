"""The Bot API stand-in, tested with the real python-telegram-bot against it.

If the stand-in were more lenient than Telegram, the bot's tests would pass while the bot
fails in production; if it answered in shapes PTB cannot parse, every bot test would fail
for the wrong reason. So these tests drive it with PTB itself (an `Application` polling it,
or a plain `telegram.Bot`) and, where PTB would hide the wire format, with raw HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from .server import BotApiStandIn

TOKEN = "123456:TEST-token-for-the-stand-in"
USER = 5001
OTHER_USER = 5002

E = TypeVar("E", bound=BaseException)

# PTB itself reads RetryAfter.retry_after while building the exception; its int-vs-timedelta
# deprecation is PTB's affair, not something these tests can or should fix.
ignore_retry_after_deprecation = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after`:telegram.warnings.PTBDeprecationWarning"
)


def make_png(width: int = 4, height: int = 3) -> bytes:
    """A real (tiny) PNG, because the stand-in refuses photos that are not images."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = make_png()
MENU = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Capaian triwulan", callback_data="menu:capaian")],
        [InlineKeyboardButton("Sama saja", callback_data="menu:same")],
    ]
)


def seconds(value: int | timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB's settings."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# --------------------------------------------------------------------------- a tiny bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Selamat datang di SiCapai", reply_markup=MENU)


async def too_long(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("x" * 4097)


async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_photo(PNG, caption="<b>Grafik</b> capaian", parse_mode="HTML")


async def receive_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.document is not None
    file = await context.bot.get_file(update.message.document.file_id)
    data = await file.download_as_bytearray()
    digest = hashlib.sha256(bytes(data)).hexdigest()[:12]
    await update.message.reply_text(f"Diterima {len(data)} byte {digest}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer("Oke")
    if query.data == "menu:same":
        # The same text and keyboard again: Telegram refuses with "message is not modified".
        await query.edit_message_text("Selamat datang di SiCapai", reply_markup=MENU)
    else:
        await query.edit_message_text(f"Dipilih: {query.data}")


@dataclass
class RunningBot:
    """An Application polling the stand-in, and the errors its handlers raised."""

    api: BotApiStandIn
    app: Application[Any, Any, Any, Any, Any, Any]
    errors: list[BaseException] = field(default_factory=list)
    seen: asyncio.Event = field(default_factory=asyncio.Event)

    async def error(self, kind: type[E], timeout: float = 2.0) -> E:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                for error in self.errors:
                    if isinstance(error, kind):
                        return error
                self.seen.clear()
                await self.seen.wait()


def build_application(api: BotApiStandIn) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("panjang", too_long))
    app.add_handler(CommandHandler("grafik", chart))
    app.add_handler(MessageHandler(filters.Document.ALL, receive_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(on_button))
    return app


@asynccontextmanager
async def running(api: BotApiStandIn, *, poll_timeout: float = 1.0) -> AsyncIterator[RunningBot]:
    """Start the Application as `sicapai run` would, and stop it in the documented order."""
    app = build_application(api)
    bot = RunningBot(api, app)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        bot.errors.append(context.error)
        bot.seen.set()

    app.add_error_handler(on_error)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=poll_timeout))
    try:
        yield bot
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


@pytest.fixture
async def running_bot(api: BotApiStandIn) -> AsyncIterator[RunningBot]:
    async with running(api) as bot:
        yield bot


@asynccontextmanager
async def plain_bot(api: BotApiStandIn, **request: float) -> AsyncIterator[Bot]:
    """A bare telegram.Bot, for checks that need no handlers around them."""
    kwargs: dict[str, Any] = {}
    if request:
        kwargs["request"] = HTTPXRequest(**request)
    async with Bot(
        api.token, base_url=api.base_url, base_file_url=api.base_file_url, **kwargs
    ) as bot:
        yield bot


@pytest.fixture
async def tg(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with plain_bot(api) as bot:
        yield bot


# --------------------------------------------------------------------------- delivery


async def test_update_is_delivered_and_the_reply_recorded(running_bot: RunningBot) -> None:
    api = running_bot.api
    update = api.user_message(USER, "halo SiCapai")

    reply = await api.wait_for(lambda m: m.chat_id == USER)

    assert update["message"]["text"] == "halo SiCapai"
    assert reply.method == "sendMessage"
    assert reply.text == "halo SiCapai"
    assert reply.message["from"] == {
        "id": 123456,
        "is_bot": True,
        "first_name": "SiCapai Test",
        "username": "sicapai_test_bot",
    }
    assert reply.message["chat"] == {"id": USER, "first_name": "Budi", "type": "private"}
    assert reply.message_id > update["message"]["message_id"]
    assert api.messages_to(USER) == [reply]
    call = api.calls_to("sendMessage")[-1]
    assert (call.params["chat_id"], call.params["text"], call.status) == (USER, "halo SiCapai", 200)
    methods = {call.method for call in api.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods
    assert running_bot.errors == []


async def test_commands_carry_a_bot_command_entity(running_bot: RunningBot) -> None:
    api = running_bot.api
    update = api.user_message(USER, "/start")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    menu = await api.wait_for(lambda m: m.text == "Selamat datang di SiCapai")

    assert menu.buttons == [("Capaian triwulan", "menu:capaian"), ("Sama saja", "menu:same")]
    assert menu.button("Capaian") == "menu:capaian"
    assert menu.message["reply_markup"] == menu.reply_markup
    with pytest.raises(LookupError):
        menu.button("Tidak ada")


async def test_group_commands_may_name_the_bot(running_bot: RunningBot) -> None:
    api = running_bot.api
    group = -1001234567890
    update = api.user_message(
        USER, "/start@sicapai_test_bot", chat_type="supergroup", chat_id=group
    )
    assert update["message"]["entities"][0]["length"] == len("/start@sicapai_test_bot")

    reply = await api.wait_for(lambda m: m.chat_id == group)

    assert reply.message["chat"]["type"] == "supergroup"
    assert reply.message["reply_to_message"]["message_id"] == update["message"]["message_id"]
    assert api.messages_to(USER) == []


async def test_get_updates_long_polls_and_honours_offset_limit_allowed_updates(
    api: BotApiStandIn,
) -> None:
    url = f"{api.base_url}{api.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"timeout": 0}) as response:
            assert await response.json() == {"ok": True, "result": []}

        started = time.monotonic()
        poll = asyncio.ensure_future(http.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.1)
        first = api.user_message(USER, "satu")
        async with await poll as response:
            body = await response.json()
        assert time.monotonic() - started < 1.0, "a queued update must wake the long poll"
        assert [u["update_id"] for u in body["result"]] == [first["update_id"]]

        second = api.user_message(USER, "dua")
        third = api.user_message(USER, "tiga")
        async with http.post(url, data={"offset": str(first["update_id"] + 1), "limit": "1"}) as r:
            result = (await r.json())["result"]
        assert [u["update_id"] for u in result] == [second["update_id"]]
        assert [u["update_id"] for u in api.pending_updates] == [
            second["update_id"],
            third["update_id"],
        ]

        button_message = await _send_with_menu(api)
        api.press_button(USER, button_message, "menu:capaian")
        params = {"offset": third["update_id"] + 1, "allowed_updates": ["callback_query"]}
        async with http.post(url, json=params) as response:
            result = (await response.json())["result"]
        assert [next(k for k in u if k != "update_id") for u in result] == ["callback_query"]

        started = time.monotonic()
        async with http.post(url, json={"timeout": 0.3, "offset": -1}) as response:
            assert len((await response.json())["result"]) == 1
        async with http.post(url, json={"timeout": 0.3, "offset": 10**10}) as response:
            assert (await response.json())["result"] == []
        assert time.monotonic() - started >= 0.3


async def _send_with_menu(api: BotApiStandIn) -> int:
    async with plain_bot(api) as bot:
        message = await bot.send_message(USER, "Pilih", reply_markup=MENU)
    return message.message_id


async def test_a_second_long_poll_ends_the_first_with_409(api: BotApiStandIn) -> None:
    url = f"{api.base_url}{api.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        first = asyncio.ensure_future(http.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.1)
        async with http.post(url, json={"timeout": 0}) as response:
            assert response.status == 200
        async with await first as response:
            body = await response.json()
    assert response.status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")


# --------------------------------------------------------------------------- limits


async def test_a_too_long_message_is_a_bad_request_in_the_bot(running_bot: RunningBot) -> None:
    api = running_bot.api
    api.user_message(USER, "/panjang")

    error = await running_bot.error(BadRequest)

    assert error.message == "Message is too long"
    assert api.sent == []
    failed = api.calls_to("sendMessage")[-1]
    assert (failed.status, failed.description) == (400, "Bad Request: message is too long")


async def test_text_length_is_counted_after_entity_parsing(tg: Bot, api: BotApiStandIn) -> None:
    await tg.send_message(USER, "x" * 4096)
    await tg.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    sent = await tg.send_message(USER, "&amp;" * 4096, parse_mode=ParseMode.HTML)
    assert sent.text == "&" * 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await tg.send_message(USER, "<i>" + "x" * 4097 + "</i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await tg.send_message(USER, "<b> </b>\n", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await tg.send_photo(USER, PNG, caption="c" * 1025)
    assert len(api.sent) == 3


async def test_valid_html_becomes_entities(tg: Bot, api: BotApiStandIn) -> None:
    html = (
        "<b>Capaian</b> &lt;100% &amp; <i>naik</i>\n"
        '<a href="https://sakip.example.id/?a=1&amp;b=2">tautan</a> '
        '<span class="tg-spoiler">r</span> <tg-spoiler>s</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>kutipan</blockquote> &#128200; &quot;ok&quot;"
    )
    message = await tg.send_message(USER, html, parse_mode=ParseMode.HTML)

    assert message.text == 'Capaian <100% & naik\ntautan r s x = 1 kutipan \U0001f4c8 "ok"'
    kinds = [(e.type, e.offset, e.length) for e in message.entities]
    assert kinds == [
        ("bold", 0, 7),
        ("italic", 16, 4),
        ("text_link", 21, 6),
        ("spoiler", 28, 1),
        ("spoiler", 30, 1),
        ("pre", 32, 5),
        ("expandable_blockquote", 38, 7),
    ]
    assert message.entities[2].url == "https://sakip.example.id/?a=1&b=2"
    assert message.entities[5].language == "python"
    assert api.sent[-1].raw_text == html


@pytest.mark.parametrize(
    ("html", "complaint"),
    [
        ("capaian < 100", 'unsupported start tag "" at byte offset 8'),
        ("AT&T", 'character "&" must be escaped'),
        ("&nbsp;", 'character "&" must be escaped'),
        ("baris<br>baru", 'unsupported start tag "br" at byte offset 5'),
        ("<b>tebal", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("<b", "unclosed start tag at byte offset 0"),
        ('<a href="x>y</a>', "unclosed start tag at byte offset 0"),
        ("<p>x</p>", 'unsupported start tag "p"'),
    ],
)
async def test_invalid_html_is_refused(
    tg: Bot, api: BotApiStandIn, html: str, complaint: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await tg.send_message(USER, html, parse_mode=ParseMode.HTML)
    assert caught.value.message.lower().startswith("can't parse entities: ")
    assert complaint in caught.value.message.lower()
    assert api.sent == []


@pytest.mark.parametrize("mode", ["MarkdownV2", "Markdown"])
async def test_markdown_modes_are_refused_as_not_implemented(
    tg: Bot, api: BotApiStandIn, mode: str
) -> None:
    # SiCapai sends HTML only; the first use of another mode must fail loudly rather than
    # pass against a parser nobody checked against Telegram — even with nothing to parse.
    refusal = rf"(?i)stand-in does not implement parse_mode {mode}\b"
    with pytest.raises(BadRequest, match=refusal):
        await tg.send_message(USER, "Capaian *95\\.5%*", parse_mode=mode)
    with pytest.raises(BadRequest, match=refusal):
        await tg.send_photo(USER, PNG, parse_mode=mode)
    assert api.sent == []


async def test_callback_data_is_limited_to_64_bytes(tg: Bot, api: BotApiStandIn) -> None:
    def keyboard(*data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(str(i), callback_data=d)] for i, d in enumerate(data)]
        )

    await tg.send_message(USER, "ok", reply_markup=keyboard("a" * 64, "é" * 32))
    for data in ("a" * 65, "é" * 33):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await tg.send_message(USER, "terlalu panjang", reply_markup=keyboard("ok", data))
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await tg.send_message(USER, "banyak", reply_markup=keyboard(*[str(i) for i in range(101)]))
    assert len(api.sent) == 1


# --------------------------------------------------------------------------- buttons, edits


async def test_a_button_press_is_answered_and_edits_the_message(running_bot: RunningBot) -> None:
    api = running_bot.api
    api.user_message(USER, "/start")
    menu = await api.wait_for(lambda m: m.buttons != [])

    update = api.press_button(USER, menu.message_id, menu.button("Capaian"))
    edited = await api.wait_for(lambda m: m.edited)

    assert update["callback_query"]["message"]["message_id"] == menu.message_id
    assert update["callback_query"]["message"]["from"]["is_bot"] is True
    assert edited.method == "editMessageText"
    assert (edited.chat_id, edited.message_id) == (USER, menu.message_id)
    assert edited.text == "Dipilih: menu:capaian"
    assert edited.reply_markup is None, "an edit without reply_markup drops the keyboard"
    assert api.callback_answers == [
        {"callback_query_id": update["callback_query"]["id"], "text": "Oke"}
    ]
    stored = api.stored_message(USER, menu.message_id)
    assert stored is not None and stored["text"] == "Dipilih: menu:capaian"
    assert "reply_markup" not in stored and "edit_date" in stored
    with pytest.raises(ValueError, match="no button"):
        api.press_button(USER, menu.message_id, "menu:capaian")


async def test_editing_to_the_same_content_is_not_modified(running_bot: RunningBot) -> None:
    api = running_bot.api
    api.user_message(USER, "/start")
    menu = await api.wait_for(lambda m: m.buttons != [])

    api.press_button(USER, menu.message_id, "menu:same")
    error = await running_bot.error(BadRequest)

    assert error.message.startswith("Message is not modified: specified new message content")
    assert [m.edited for m in api.sent] == [False]


async def test_edits_of_unknown_or_foreign_messages_are_refused(
    tg: Bot, api: BotApiStandIn
) -> None:
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await tg.edit_message_text("baru", chat_id=USER, message_id=999)
    users = api.user_message(USER, "pesan pengguna")["message"]["message_id"]
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await tg.edit_message_text("baru", chat_id=USER, message_id=users)
    with pytest.raises(ValueError, match="no message 999"):
        api.press_button(USER, 999, "menu:capaian")
    message = await tg.send_message(USER, "Pilih", reply_markup=MENU)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await tg.edit_message_reply_markup(USER, message.message_id, reply_markup=MENU)
    assert await tg.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await tg.edit_message_text("baru", chat_id=USER, message_id=message.message_id)
    assert api.deleted == [(USER, message.message_id)]


async def test_callback_answers_are_limited_and_single(tg: Bot, api: BotApiStandIn) -> None:
    message = await tg.send_message(USER, "Pilih", reply_markup=MENU)
    query = api.press_button(USER, message.message_id, "menu:capaian")["callback_query"]

    with pytest.raises(BadRequest, match="Message_too_long"):
        await tg.answer_callback_query(query["id"], text="x" * 201)
    assert await tg.answer_callback_query(query["id"], text="x" * 200)
    with pytest.raises(BadRequest, match="Query is too old"):
        await tg.answer_callback_query(query["id"])
    assert len(api.callback_answers) == 1


# --------------------------------------------------------------------------- files


async def test_photos_are_sent_and_documents_downloaded(running_bot: RunningBot) -> None:
    api = running_bot.api
    api.user_message(USER, "/grafik")
    photo = await api.wait_for(lambda m: m.method == "sendPhoto")

    assert photo.photo == PNG
    assert photo.text == "Grafik capaian"
    assert photo.message["caption_entities"] == [{"type": "bold", "offset": 0, "length": 6}]
    assert photo.message["photo"][-1]["width"] == 4

    pdf = b"%PDF-1.4\n% bukti dukung triwulan I\n%%EOF\n"
    api.user_document(USER, pdf, caption="bukti")
    digest = hashlib.sha256(pdf).hexdigest()[:12]
    reply = await api.wait_for(lambda m: (m.text or "").startswith("Diterima"))

    assert reply.text == f"Diterima {len(pdf)} byte {digest}"
    assert api.downloads and api.downloads[0].startswith("documents/")
    assert running_bot.errors == []


async def test_uploads_round_trip_and_are_checked(tg: Bot, api: BotApiStandIn) -> None:
    document = await tg.send_document(USER, b"a,b\n1,2\n", filename="capaian.csv", caption="CSV")
    assert document.document is not None
    assert document.document.file_name == "capaian.csv"
    assert api.sent[-1].document == b"a,b\n1,2\n"
    assert api.sent[-1].filename == "capaian.csv"
    file = await tg.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"

    again = await tg.send_document(USER, document.document.file_id)
    assert again.document is not None and again.document.file_id == document.document.file_id

    user_photo = api.user_photo(USER, PNG)["message"]["photo"]
    resent = await tg.send_photo(USER, user_photo[-1]["file_id"])
    assert [p.file_id for p in resent.photo] == [p["file_id"] for p in user_photo]
    assert api.sent[-1].photo == PNG

    with pytest.raises(BadRequest, match="Image_process_failed"):
        await tg.send_photo(USER, b"bukan gambar", filename="x.png")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await tg.send_document(USER, "BQACtidakada")
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await tg.send_photo(USER, document.document.file_id)


# --------------------------------------------------------------------------- faults


@ignore_retry_after_deprecation
async def test_429_reaches_the_bot_as_retry_after(running_bot: RunningBot) -> None:
    api = running_bot.api
    api.fail_next("sendMessage", status=429, retry_after=7)
    api.user_message(USER, "halo")

    error = await running_bot.error(RetryAfter)

    assert seconds(error.retry_after) == 7
    assert api.too_many_requests == 1
    assert api.sent == []
    api.user_message(USER, "lagi")
    assert (await api.wait_for(lambda m: True)).text == "lagi"


@ignore_retry_after_deprecation
async def test_rate_limit_window_is_counted_across_chats() -> None:
    async with BotApiStandIn(TOKEN, rate_limit_per_second=3) as api, plain_bot(api) as tg:
        outcomes: list[str] = []
        for i in range(5):
            try:
                await tg.send_message(USER if i % 2 else OTHER_USER, f"pesan {i}")
                outcomes.append("ok")
            except RetryAfter as exc:
                assert seconds(exc.retry_after) == 1
                outcomes.append("429")
        assert outcomes == ["ok", "ok", "ok", "429", "429"]
        assert api.too_many_requests == 2
        assert api.max_sends_in_any_second() == 3

        await asyncio.sleep(1.05)
        await tg.send_message(USER, "setelah jeda")
        assert api.max_sends_in_any_second() == 3
        assert len(api.sent) == 4


@ignore_retry_after_deprecation
async def test_per_chat_rate_limit() -> None:
    async with BotApiStandIn(TOKEN, per_chat_per_second=1) as api, plain_bot(api) as tg:
        await tg.send_message(USER, "satu")
        with pytest.raises(RetryAfter):
            await tg.send_message(USER, "dua")
        await tg.send_message(OTHER_USER, "untuk orang lain")
        assert api.max_sends_in_any_second(USER) == 1
        assert api.max_sends_in_any_second() == 2


async def test_blocked_users_answer_403(tg: Bot, api: BotApiStandIn) -> None:
    api.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg.send_message(USER, "halo")
    api.user_message(USER, "/start")  # writing to the bot again unblocks it
    await tg.send_message(USER, "halo")


async def test_a_delayed_answer_times_the_client_out_but_the_call_happened(
    api: BotApiStandIn,
) -> None:
    async with plain_bot(api, read_timeout=0.3) as tg:
        api.delay_next("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await tg.send_message(USER, "lambat")
        assert [m.text for m in api.sent] == ["lambat"]
        await tg.send_message(USER, "cepat")


async def test_injected_server_errors_are_network_errors(tg: Bot, api: BotApiStandIn) -> None:
    api.fail_next("sendmessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(TelegramError, match="Bad Gateway"):
            await tg.send_message(USER, "x")
    await tg.send_message(USER, "x")
    assert [c.status for c in api.calls_to("sendMessage")] == [502, 502, 200]
    with pytest.raises(ValueError, match="does not implement"):
        api.fail_next("sendMesage")


# --------------------------------------------------------------------------- wire format


async def test_wire_format_of_answers(api: BotApiStandIn) -> None:
    base = f"{api.base_url}{api.token}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/GETME") as response:
            me = await response.json()
        assert me["ok"] is True and me["result"]["id"] == 123456
        assert me["result"]["is_bot"] is True and me["result"]["can_join_groups"] is True

        async with http.post(f"{base}/sendPigeon", json={}) as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.get(f"{api.base_url}999:wrong/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"

        markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
        form = {"chat_id": str(USER), "text": "form", "reply_markup": markup}
        async with http.post(f"{base}/sendMessage", data=form) as response:
            sent = (await response.json())["result"]
        assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}

        async with http.post(f"{base}/sendMessage", json={"chat_id": USER}) as response:
            assert response.status == 400
            assert await response.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
        api.fail_next("sendMessage", status=429, retry_after=3)
        async with http.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "x"}) as r:
            assert await r.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            }
        async with http.get(f"{api.base_file_url}{api.token}/documents/none.pdf") as response:
            assert response.status == 404


async def test_commands_are_recorded(tg: Bot, api: BotApiStandIn) -> None:
    commands = [BotCommand("start", "Mulai"), BotCommand("capaian", "Isi capaian triwulan")]
    assert await tg.set_my_commands(commands)
    assert api.commands is not None
    assert api.commands["commands"] == [
        {"command": "start", "description": "Mulai"},
        {"command": "capaian", "description": "Isi capaian triwulan"},
    ]
    assert await tg.get_my_commands() == tuple(commands)
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await tg.set_my_commands([BotCommand("Capaian", "huruf besar")])
    assert await tg.delete_my_commands()
    assert await tg.get_my_commands() == ()


async def test_each_token_is_a_separate_bot(api: BotApiStandIn) -> None:
    other = api.add_bot("777:OTHER", username="sicapai_lain_bot")
    async with Bot(other.token, base_url=api.base_url) as second:
        assert second.username == "sicapai_lain_bot"
        await second.send_message(USER, "dari bot lain")
    assert [m.text for m in other.sent] == ["dari bot lain"]
    assert api.sent == []


# --------------------------------------------------------------------------- shutdown


async def test_stop_ends_a_pending_long_poll_at_once(api: BotApiStandIn) -> None:
    url = f"{api.base_url}{api.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        poll = asyncio.ensure_future(http.post(url, json={"timeout": 30}))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await api.stop()
        assert time.monotonic() - started < 0.5
        async with await poll as response:
            assert await response.json() == {"ok": True, "result": []}


async def test_the_application_stops_cleanly() -> None:
    # A long poll far longer than the test: stopping must not wait for it to run out.
    async with BotApiStandIn(TOKEN) as api:
        async with running(api, poll_timeout=30) as bot:
            api.user_message(USER, "halo")
            await api.wait_for(lambda m: m.text == "halo")
            await asyncio.sleep(0.05)  # let the Updater settle into its next long poll
            stopping = time.monotonic()
        # Updater.stop() confirmed what it fetched, so a restart would not see it again.
        assert api.pending_updates == []
        assert bot.errors == []
    assert time.monotonic() - stopping < 1.5
    await asyncio.sleep(0)
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftovers == []
