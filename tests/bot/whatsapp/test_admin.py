"""The admin's and the superiors' flows on WhatsApp: the workbook arrives as a document, and
every command answers within WhatsApp's limits."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sicapai.models.db import transaction
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import DEMO_FILE, bundled_path, load_demo
from sicapai.runtime.conversations import Conversations
from tests.support.chat import invite
from tests.support.whatsapp import Phone, WhatsAppBot
from tests.waapi import CloudApiStandIn


@pytest.fixture
def demo(app: Conversations) -> Conversations:
    with transaction(app.engine) as session:
        load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
    return app


async def test_the_admin_gets_the_lkjip_workbook_as_a_document(
    demo: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    admin = Phone(wa, "6281200000024", "Admin")
    await admin.say(f"DAFTAR {invite(demo, None, admin=True)}", "Selamat datang")
    await admin.say("ekspor", "TW IV 2025")
    since = len(wa.sent)
    await wa.user_presses(admin.wa_id, "TW IV 2025")
    document = await wa.wait_for(lambda m: m.kind == "document", 30, since=since)
    assert document.filename == "lkjip-2025-tw4.xlsx" and len(document.text) <= 1024
    assert document.media is not None
    workbook = load_workbook(io.BytesIO(document.media), data_only=True)
    assert "Tabel 3.3" in workbook.sheetnames
    assert not wa.refused, wa.refused


@pytest.mark.parametrize(
    ("position", "command"),
    [
        ("Kabid Tenaga Kerja", "status"),
        ("Kasubag Keuangan", "anggaran"),
        ("Kasi Penempatan Tenaga Kerja", "pengingat"),
        ("Kasi Penempatan Tenaga Kerja", "saluran"),
        ("Kepala Dinas", "capaian"),
        ("Kepala Dinas", "grafik"),
        ("admin", "admin"),
        ("admin", "periksa"),
        ("admin", "kunci"),
        ("Kabid Tenaga Kerja", "verifikasi"),
    ],
)
async def test_every_command_answers_within_whatsapps_limits(
    demo: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot, position: str, command: str
) -> None:
    phone = Phone(wa, "6281200000099", "Rahmat")
    code = invite(demo, None, admin=True) if position == "admin" else invite(demo, position)
    await phone.say(f"DAFTAR {code}", "Selamat datang")
    since = len(wa.sent)
    await wa.user_sends_text(phone.wa_id, command)
    await wabot.channel.idle()
    answers = wa.sent[since:]
    assert answers, f"no answer to {command}"
    assert not any("tidak dikenal" in m.text for m in answers)
    assert not wa.refused, wa.refused  # the stand-in refuses anything over the limits, and HTML
