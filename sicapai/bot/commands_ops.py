"""`sicapai cek`: the operator's health check, one line per check, non-zero on any failure."""

from __future__ import annotations

import argparse
import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta
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


class Skipped(Exception):
    """A check for a channel this deployment does not use."""


def check_bot_api(settings: Settings) -> str:
    token = settings.token
    if not token:
        if settings.whatsapp:
            raise Skipped("Telegram tidak dipakai (TELEGRAM_BOT_TOKEN kosong)")
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


# Graph API versions and when Meta released them; each is supported for about two years
GRAPH_VERSIONS = {
    "v21.0": date(2024, 10, 2),
    "v22.0": date(2025, 1, 21),
    "v23.0": date(2025, 5, 29),
    "v24.0": date(2025, 10, 8),
}
GRAPH_LIFETIME = timedelta(days=730)
GRAPH_WARN = timedelta(days=90)
GRAPH_VERSION = re.compile(r"/(v\d+\.\d+)/?$")


def check_whatsapp_version(settings: Settings, today: date | None = None) -> str:
    if not settings.whatsapp:
        raise Skipped("WhatsApp tidak dipakai (WHATSAPP_TOKEN kosong)")
    url = settings.whatsapp_api_url
    if not url.startswith(("http://", "https://")):
        raise Failed(f"WHATSAPP_API_URL bukan alamat http(s): {url!r}")
    found = GRAPH_VERSION.search(url)
    if found is None:
        raise Failed(f"WHATSAPP_API_URL tidak diakhiri versi Graph API (mis. /v24.0): {url!r}")
    version = found.group(1)
    released = GRAPH_VERSIONS.get(version)
    if released is None:
        return f"Graph API {version} (tanggal berakhirnya belum dikenal; periksa changelog Meta)"
    ends = released + GRAPH_LIFETIME
    today = today or date.today()
    if today >= ends:
        raise Failed(f"Graph API {version} sudah tidak didukung sejak sekitar {ends:%d-%m-%Y}")
    if ends - today <= GRAPH_WARN:
        raise Failed(
            f"Graph API {version} berakhir sekitar {ends:%d-%m-%Y}; naikkan WHATSAPP_API_URL "
            "ke versi yang lebih baru"
        )
    return f"Graph API {version}, didukung sampai sekitar {ends:%d-%m-%Y}"


def check_whatsapp(settings: Settings) -> str:
    """The token works and both templates exist in the language, APPROVED."""
    token = settings.whatsapp
    if not token:
        raise Skipped("WhatsApp tidak dipakai (WHATSAPP_TOKEN kosong)")
    needed = {
        "WHATSAPP_PHONE_NUMBER_ID": settings.whatsapp_phone_number_id,
        "WHATSAPP_BUSINESS_ACCOUNT_ID": settings.whatsapp_business_account_id,
        "WHATSAPP_APP_SECRET": settings.whatsapp_app_secret,
        "WHATSAPP_VERIFY_TOKEN": settings.whatsapp_verify_token,
        "WHATSAPP_REMINDER_TEMPLATE": settings.whatsapp_reminder_template,
        "WHATSAPP_NOTICE_TEMPLATE": settings.whatsapp_notice_template,
    }
    missing = [name for name, value in needed.items() if not value]
    if missing:
        raise Failed(f"belum diisi: {', '.join(missing)}")
    url = f"{settings.whatsapp_api_url.rstrip('/')}/{settings.whatsapp_business_account_id}"
    try:
        response = httpx.get(
            f"{url}/message_templates",
            headers={"Authorization": f"Bearer {token}"},
            params={"limit": 200},
            timeout=10,
        )
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise Failed(f"API WhatsApp tidak dapat dihubungi ({type(exc).__name__})") from exc
    if response.status_code != 200 or not isinstance(data, dict) or "error" in data:
        error = data.get("error", {}) if isinstance(data, dict) else {}
        code = error.get("code") if isinstance(error, dict) else None
        if code == 190 or response.status_code == 401:
            raise Failed("WHATSAPP_TOKEN ditolak oleh Meta (kedaluwarsa atau dicabut)")
        raise Failed(f"API WhatsApp menolak permintaan (kode {code or response.status_code})")
    language = settings.whatsapp_template_language
    found = {
        str(t.get("name")): str(t.get("status"))
        for t in data.get("data") or []
        if isinstance(t, dict) and t.get("language") == language
    }
    problems = []
    for name in (settings.whatsapp_reminder_template, settings.whatsapp_notice_template):
        status = found.get(name)
        if status is None:
            problems.append(f"templat {name!r} ({language}) tidak ada")
        elif status != "APPROVED":
            problems.append(f"templat {name!r} berstatus {status}")
    if problems:
        raise Failed("; ".join(problems))
    return "API WhatsApp terhubung; templat pengingat dan pemberitahuan APPROVED"


CHECKS: list[tuple[str, Check]] = [
    ("pengaturan", check_settings),
    ("basis data", check_database),
    ("folder bukti", check_files),
    ("Bot API", check_bot_api),
    ("versi Graph API", check_whatsapp_version),
    ("WhatsApp", check_whatsapp),
]


def cmd_cek(args: argparse.Namespace, settings: Settings) -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            print(f"OK     {name}: {check(settings)}")
        except Skipped as exc:
            print(f"-      {name}: {exc}")
        except Failed as exc:
            failures += 1
            print(f"GAGAL  {name}: {exc}")
    return 1 if failures else 0


def add_commands(sub: Subcommands) -> None:
    cek = sub.add_parser(
        "cek", help="periksa kesiapan: basis data, folder bukti, Bot API, WhatsApp"
    )
    cek.set_defaults(handler=cmd_cek)
