"""The bot token never appears in what `sicapai run` prints, whatever goes wrong.

The Bot API puts the token in every URL, so any log line with a URL, any exception that
quotes a request, and python-telegram-bot's own "the token ... was rejected" message are all
ways for it to leak into a log file that many people can read. `sicapai run` is started as
a real process (with --verbose, so that every request URL is logged and must be redacted)
while the stand-in fails calls in several ways; then it is started against a Bot API that
cannot be reached and against one that rejects the token: each exits with one error line.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from sicapai.bot.logs import REDACTED
from sicapai.models.db import make_engine, transaction
from sicapai.models.migrate import upgrade
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from tests.botapi import BotApiStandIn
from tests.support.data import invite_code
from tests.support.process import BotProcess

SECRET = "AAH-sicapai_SeCrEt-7f3Kq9ZxW2"
TOKEN = f"735190:{SECRET}"
USER = 6001
SUPERIOR = 6002


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A migrated SQLite database with the bundled office: the token does not care which
    backend is behind the bot, so this runs once rather than per backend."""
    url = f"sqlite:///{tmp_path / 'sicapai.db'}"
    engine = make_engine(url)
    upgrade(engine, url)
    with transaction(engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
    engine.dispose()
    return url


def assert_no_token(output: str) -> None:
    assert TOKEN not in output
    assert SECRET not in output


async def wait_for_text(api: BotApiStandIn, fragment: str, since: int, wait: float = 20) -> None:
    await api.wait_for(
        lambda m: m.chat_id == USER and fragment in (m.text or ""), wait, since=since
    )


async def say(api: BotApiStandIn, text: str, expect: str, wait: float = 20) -> None:
    since = len(api.sent)
    api.user_message(USER, text)
    await wait_for_text(api, expect, since, wait)


async def tap(api: BotApiStandIn, label: str, expect: str) -> None:
    message = next(
        m for m in reversed(api.messages_to(USER)) if any(label in text for text, _ in m.buttons)
    )
    since = len(api.sent)
    api.press_button(USER, message.message_id, message.button(label))
    await wait_for_text(api, expect, since)


async def until(condition: Callable[[], bool], wait: float = 20) -> None:
    """Poll a condition on the stand-in's records (the bot runs in another process)."""
    async with asyncio.timeout(wait):
        while not condition():  # noqa: ASYNC110 - nothing to await on: the bot is elsewhere
            await asyncio.sleep(0.05)


async def test_failures_while_running_never_print_the_token(database: str, tmp_path: Path) -> None:
    async with BotApiStandIn(token=TOKEN) as api:
        engine = make_engine(database)
        code = invite_code(engine, "Kasi Penempatan Tenaga Kerja")
        superior_code = invite_code(engine, "Kepala Bidang Tenaga Kerja")
        engine.dispose()
        bot = BotProcess(
            database_url=database,
            token=TOKEN,
            base_url=api.base_url,
            workdir=tmp_path,
            name="run",
            args=("--verbose",),
        )
        await bot.start()
        try:
            await say(api, f"/start {code}", "Selamat datang", wait=60)
            since = len(api.sent)
            api.user_message(SUPERIOR, f"/start {superior_code}")
            await api.wait_for(lambda m: m.chat_id == SUPERIOR, 20, since=since)
            api.block_user(SUPERIOR)  # the review notice after Simpan will get a 403
            api.fail_next("getUpdates", status=500)  # polling fails once
            await say(api, "/lapor", "Laporan kinerja")
            api.fail_next(
                "answerCallbackQuery", status=400, description="Bad Request: query is too old"
            )
            await tap(api, "IK.18", "s.d. TW IV")
            await say(api, "100", "Ketik angkanya")
            await say(api, "100", "faktor pendorong")
            await tap(api, "Tambah bukti", "bukti dukung")
            api.fail_next("getFile", status=500)  # the evidence cannot be fetched: logged
            since = len(api.sent)
            api.user_document(USER, b"%PDF-1.4 bukti", file_name="bukti.pdf")
            await wait_for_text(api, "gagal diunduh", since)
            await tap(api, "Lewati", "Pratinjau laporan")
            api.fail_next("sendMessage", status=500)  # retried
            await tap(api, "Simpan", "Laporan tersimpan")
            await until(lambda: any(c.status == 403 for c in api.calls_to("sendMessage")))
            # a message Telegram refuses outright: logged, not retried
            api.fail_next(
                "sendMessage",
                status=400,
                description="Bad Request: can't parse entities: Unsupported start tag",
            )
            since = len(api.sent)
            api.user_message(USER, "/bantuan")
            api.user_message(USER, "/batal")
            await wait_for_text(api, "Tidak ada proses", since)
        finally:
            code_at_exit = await bot.terminate()
        output = bot.output()
    assert code_at_exit == 0, output[-3000:]
    assert_no_token(output)
    assert REDACTED in output  # URLs were logged, and redacted
    for logged in ("Telegram refused a message", "evidence download failed", "blocked the bot"):
        assert logged in output, logged


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("where", ["unreachable", "rejected"])
async def test_a_bot_that_cannot_start_says_so_in_one_line_without_the_token(
    database: str, tmp_path: Path, where: str
) -> None:
    async with BotApiStandIn(token="111:another-bots-token") as api:
        base_url = (
            f"http://127.0.0.1:{closed_port()}/bot" if where == "unreachable" else api.base_url
        )
        bot = BotProcess(
            database_url=database, token=TOKEN, base_url=base_url, workdir=tmp_path, name=where
        )
        await bot.start()
        try:
            code = await bot.wait(60)
        finally:
            await bot.terminate()
        output = bot.output()
    assert_no_token(output)
    assert code == 2, output[-3000:]
    last = output.strip().splitlines()[-1]
    assert last.startswith("sicapai: "), output[-3000:]  # not an unhandled traceback
    reason = "tidak dapat dihubungi" if where == "unreachable" else "TELEGRAM_BOT_TOKEN ditolak"
    assert reason in last, last
