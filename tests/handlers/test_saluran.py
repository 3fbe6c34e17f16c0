"""`/saluran`: a person sees their linked channels and where notices go, and chooses one."""

from __future__ import annotations

from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat
from tests.support.terminal import link, person_of


async def test_saluran_shows_the_channels_and_changes_the_preference(app: Conversations) -> None:
    kabid = Chat(app, 42, "Rahmat")
    await kabid.register("Kabid Tenaga Kerja")
    link(app, kabid, "terminal", "person-kabid")
    await kabid.send("/saluran")
    assert "• Telegram — yang terakhir Anda pakai" in kabid.text
    assert "• Terminal (sicapai chat)" in kabid.text
    assert "saat ini dikirim ke <b>Telegram</b>" in kabid.text
    assert "Pilihan Anda: <b>otomatis</b>" in kabid.text
    assert "ditampilkan saat Anda membuka <code>sicapai chat</code>" in kabid.text
    assert kabid.button("✅ Otomatis")

    await kabid.press("Terminal")
    assert "mulai sekarang pemberitahuan dan pengingat dikirim ke <b>Terminal" in kabid.text
    assert person_of(app, kabid).preferred_channel == "terminal"
    await kabid.send("/saluran")
    assert "saat ini dikirim ke <b>Terminal (sicapai chat)</b>" in kabid.text
    assert "Pilihan Anda: <b>Terminal (sicapai chat)</b>" in kabid.text
    assert kabid.button("✅ Terminal")

    await kabid.press("Otomatis")
    assert "saluran yang terakhir Anda pakai (saat ini <b>Telegram</b>)" in kabid.text
    assert person_of(app, kabid).preferred_channel is None
    with transaction(app.engine) as session:
        chosen = [
            a.detail
            for a in session.exec(select(AuditLog).where(AuditLog.action == "saluran_dipilih"))
        ]
    assert [d["saluran"] for d in chosen] == ["terminal", "otomatis"]


async def test_saluran_refuses_a_channel_the_person_is_not_linked_to(app: Conversations) -> None:
    kasi = Chat(app, 41, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/saluran")
    assert "baru terhubung dengan satu saluran" in kasi.text
    forged = kasi.button("Telegram").replace(":c:telegram", ":c:whatsapp")
    await kasi.press_data(forged)
    assert "tidak terhubung dengan akun Anda" in kasi.text
    assert person_of(app, kasi).preferred_channel is None
    await kasi.send("halo")  # typed text closes the view politely
    assert "/saluran" in kasi.text
    await kasi.send("/bantuan")
    assert "/saluran" in kasi.text
