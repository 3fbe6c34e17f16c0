"""`sicapai cek` for WhatsApp: the token, both templates APPROVED, the Graph API version."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from sicapai.bot.commands_ops import check_whatsapp_version
from sicapai.bot.settings import Settings
from sicapai.handlers.texts import whatsapp as texts
from tests.support.cli import run_cli
from tests.support.database import Database
from tests.support.whatsapp import NOTICE_TEMPLATE, REMINDER_TEMPLATE, add_templates
from tests.waapi import CloudApiStandIn


def env(api: CloudApiStandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    values = {
        "WHATSAPP_TOKEN": api.token,
        "WHATSAPP_PHONE_NUMBER_ID": api.phone_number_id,
        "WHATSAPP_BUSINESS_ACCOUNT_ID": api.waba_id,
        "WHATSAPP_APP_SECRET": api.app_secret,
        "WHATSAPP_VERIFY_TOKEN": api.verify_token,
        "WHATSAPP_API_URL": api.base_url,
        "WHATSAPP_REMINDER_TEMPLATE": REMINDER_TEMPLATE,
        "WHATSAPP_NOTICE_TEMPLATE": NOTICE_TEMPLATE,
        "SICAPAI_FILES_DIR": str(tmp_path / "bukti"),
    }
    values.update(extra)
    return values


async def test_cek_passes_for_a_whatsapp_only_deployment(seeded: Database, tmp_path: Path) -> None:
    async with CloudApiStandIn() as api:
        add_templates(api)
        result = await asyncio.to_thread(
            run_cli, "cek", database_url=seeded.url, env=env(api, tmp_path)
        )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[3].startswith("-      Bot API: Telegram tidak dipakai"), lines
    assert lines[-1].startswith("OK     WhatsApp: API WhatsApp terhubung"), lines
    assert api.token not in result.stdout + result.stderr


async def test_cek_names_a_paused_or_missing_template_and_a_refused_token(tmp_path: Path) -> None:
    # WhatsApp's checks do not read the database: one run on a file that is not one
    url = f"sqlite:///{tmp_path / 'kosong.db'}"
    async with CloudApiStandIn() as api:
        add_templates(api)
        api.add_template(NOTICE_TEMPLATE, texts.NOTICE_TEMPLATE, status="PAUSED")
        paused = await asyncio.to_thread(run_cli, "cek", database_url=url, env=env(api, tmp_path))
        missing = await asyncio.to_thread(
            run_cli,
            "cek",
            database_url=url,
            env=env(api, tmp_path, WHATSAPP_REMINDER_TEMPLATE="tidak_ada"),
        )
        api.revoke_token()
        refused = await asyncio.to_thread(run_cli, "cek", database_url=url, env=env(api, tmp_path))
    assert paused.returncode == 1
    assert f"templat '{NOTICE_TEMPLATE}' berstatus PAUSED" in paused.stdout
    assert "templat 'tidak_ada' (id) tidak ada" in missing.stdout
    assert "WHATSAPP_TOKEN ditolak oleh Meta" in refused.stdout
    assert api.token not in refused.stdout + refused.stderr


def test_the_graph_api_version_is_watched() -> None:
    def verdict(url: str, today: date) -> str:
        settings = Settings(whatsapp_token="x", whatsapp_api_url=url)  # type: ignore[arg-type]
        try:
            return "OK " + check_whatsapp_version(settings, today)
        except Exception as exc:
            return "GAGAL " + str(exc)

    assert verdict("https://graph.facebook.com/v24.0", date(2026, 12, 2)).startswith("OK")
    near = verdict("https://graph.facebook.com/v24.0", date(2027, 9, 1))
    assert near.startswith("GAGAL") and "berakhir sekitar 08-10-2027" in near
    assert "sudah tidak didukung" in verdict("https://graph.facebook.com/v21.0", date(2026, 12, 2))
    assert "tidak diakhiri versi" in verdict("https://graph.facebook.com", date(2026, 12, 2))
    assert "belum dikenal" in verdict("https://graph.facebook.com/v30.0", date(2026, 12, 2))
