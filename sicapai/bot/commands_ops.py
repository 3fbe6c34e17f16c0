"""`sicapai cek`: the operator's health check, one line per check, non-zero on any failure."""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy.exc import DBAPIError

from sicapai.bot.cli_common import Subcommands, UserError, describe_connection_error, open_engine
from sicapai.bot.settings import Settings
from sicapai.models.migrate import current_revision, head_revision

Check = Callable[[Settings], str]


class Failed(Exception):
    """A check that did not pass; the message says what to do."""


def check_settings(settings: Settings) -> str:
    if not settings.telegram_base_url.startswith(("http://", "https://")):
        raise Failed(f"TELEGRAM_BASE_URL bukan alamat http(s): {settings.telegram_base_url!r}")
    return f"pengaturan terbaca (zona waktu {settings.sicapai_tz})"


def check_database(settings: Settings) -> str:
    try:
        engine = open_engine(settings.database_url)
    except UserError as exc:
        raise Failed(str(exc)) from exc
    try:
        at = current_revision(engine)
    except DBAPIError as exc:
        raise Failed(f"basis data tidak dapat dihubungi: {describe_connection_error(exc)}") from exc
    finally:
        engine.dispose()
    return f"basis data terhubung dan mutakhir (skema {at} = {head_revision()})"


def check_files(settings: Settings) -> str:
    folder = Path(settings.sicapai_files_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".cek-{secrets.token_hex(4)}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise Failed(f"folder bukti {folder} tidak dapat ditulisi: {exc.strerror}") from exc
    return f"folder bukti {folder.resolve()} dapat ditulisi"


def check_bot_api(settings: Settings) -> str:
    token = settings.token
    if not token:
        raise Failed("TELEGRAM_BOT_TOKEN belum diisi")
    try:
        response = httpx.get(f"{settings.telegram_base_url}{token}/getMe", timeout=10)
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        # the exception text may contain the URL, and so the token: never print it
        raise Failed(f"Bot API tidak dapat dihubungi ({type(exc).__name__})") from exc
    if not data.get("ok"):
        description = str(data.get("description", "ditolak")).replace(token, "<TOKEN>")
        raise Failed(f"Bot API menolak token: {description}")
    return f"Bot API terhubung sebagai @{data['result'].get('username', '?')}"


CHECKS: list[tuple[str, Check]] = [
    ("pengaturan", check_settings),
    ("basis data", check_database),
    ("folder bukti", check_files),
    ("Bot API", check_bot_api),
]


def cmd_cek(args: argparse.Namespace, settings: Settings) -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            print(f"OK     {name}: {check(settings)}")
        except Failed as exc:
            failures += 1
            print(f"GAGAL  {name}: {exc}")
    return 1 if failures else 0


def add_commands(sub: Subcommands) -> None:
    sub.add_parser("cek", help="periksa kesiapan: basis data, folder bukti, Bot API").set_defaults(
        handler=cmd_cek
    )
