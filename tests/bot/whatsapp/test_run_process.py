"""End to end: `sicapai run` as a real process serving WhatsApp against the Cloud API stand-in.

A kasi registers with `DAFTAR <code>` from the wa.me link `sicapai undang` prints and reports
one indicator — a slip, the process restarted in the middle, the preview with the capaian,
the save — with nothing over WhatsApp's limits and no HTML (the stand-in refuses both); a
redelivered webhook stores nothing twice and is not answered again; an unsigned one is refused.
"""

from __future__ import annotations

import asyncio
import socket
from decimal import Decimal as D
from pathlib import Path

import httpx

from sicapai.bot.whatsapp.webhook import PATH
from tests.bot.whatsapp.test_reporting import KASI, revisions_in
from tests.support.cli import run_cli
from tests.support.database import Database
from tests.support.process import BotProcess
from tests.support.whatsapp import Phone, add_templates
from tests.waapi import CloudApiStandIn

NUMBER = "6281100000000"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def whatsapp_process(
    api: CloudApiStandIn, database_url: str, workdir: Path, name: str, port: int
) -> BotProcess:
    process = BotProcess(
        database_url=database_url, token="", base_url="", workdir=workdir, name=name, lean=True
    )
    process.env.update(
        WHATSAPP_TOKEN=api.token,
        WHATSAPP_PHONE_NUMBER_ID=api.phone_number_id,
        WHATSAPP_BUSINESS_ACCOUNT_ID=api.waba_id,
        WHATSAPP_APP_SECRET=api.app_secret,
        WHATSAPP_VERIFY_TOKEN=api.verify_token,
        WHATSAPP_API_URL=api.base_url,
        WHATSAPP_REMINDER_TEMPLATE="pengingat_laporan",
        WHATSAPP_NOTICE_TEMPLATE="pemberitahuan_baru",
        SICAPAI_HTTP_PORT=str(port),
    )
    return process


async def ready(port: int, process: BotProcess) -> None:
    """Until /healthz says 200 (the process is up and serving)."""
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert process.process is not None and process.process.returncode is None, (
                process.output()[-3000:]
            )
            await asyncio.sleep(0.1)
    raise AssertionError("sicapai run never became ready: " + process.output()[-3000:])


async def test_sicapai_run_serves_a_whole_report_over_whatsapp(
    office: Database, tmp_path: Path
) -> None:
    invite = await asyncio.to_thread(
        run_cli,
        "undang",
        "--jabatan",
        KASI,
        database_url=office.url,
        env={"WHATSAPP_BUSINESS_NUMBER": "+62 811-0000-0000"},
    )
    assert invite.returncode == 0, invite.stderr
    lines = invite.stdout.strip().splitlines()
    code = lines[-1]  # the code stays the last line printed
    assert f"https://wa.me/{NUMBER}?text=DAFTAR%20{code}" in lines

    port = free_port()
    async with CloudApiStandIn(redelivery_delays=(0.1, 0.3)) as api:
        add_templates(api)
        budi = Phone(api)
        first = whatsapp_process(api, office.url, tmp_path, "first", port)
        await first.start()
        try:
            await ready(port, first)
            assert await api.subscribe(f"http://127.0.0.1:{port}{PATH}")
            await budi.say(f"daftar {code}", "Selamat datang", wait=30)
            await budi.say("lapor", "Laporan kinerja TW IV 2025")
            await budi.tap("IK.19", "s.d. TW IV")
            await budi.say("1.00O", "bukan angka")  # a slip: the letter O
        finally:
            assert await first.terminate() == 0, first.output()[-3000:]
        second = whatsapp_process(api, office.url, tmp_path, "second", port)
        await second.start()
        try:
            await ready(port, second)
            since = len(api.sent)
            wamid = await api.user_sends_text(budi.wa_id, "1.000")
            await budi.expect("faktor pendorong", since, 30)
            answered = len(api.sent)
            assert await api.redeliver(wamid) == 200  # Meta delivers it again
            unsigned = await api.post_webhook(b'{"object":"whatsapp_business_account"}', None)
            assert unsigned == 401
            await budi.tap("Tambah bukti", "bukti dukung")  # at the preview
            assert len(api.sent) == answered + 1  # the repeat got no answer
            preview = await budi.tap("Lewati", "Pratinjau")
            assert "capaian 100%" in preview.text.lower() or "100%" in preview.text
            await budi.tap("Simpan", "Laporan tersimpan")
        finally:
            assert await second.terminate() == 0, second.output()[-3000:]
        output = first.output() + second.output()
        assert api.token not in output and api.app_secret not in output
        assert not api.refused, api.refused
    (revision,) = revisions_in(office.engine, "IK.19")
    assert revision.value == D(1000)
