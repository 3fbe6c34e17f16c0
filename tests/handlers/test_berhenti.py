"""`BERHENTI` / `STOP` and `MULAI`: reminders stop on one chat and start again."""

from __future__ import annotations

from sqlmodel import select

from sicapai.handlers.port import Identity
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite
from tests.support.terminal import link


def stopped(app: Conversations, chat: Chat) -> bool:
    with transaction(app.engine) as session:
        row = session.exec(
            select(ChatIdentity).where(
                ChatIdentity.channel == chat.identity.channel,
                ChatIdentity.external_id == chat.identity.external_id,
            )
        ).one()
        return row.reminders_stopped_at is not None


def admin_notices(chat: Chat, admin: Chat) -> list[str]:
    assert chat.result is not None
    return [
        reply.text
        for identity, reply in chat.result.notices
        if identity is not None and identity.chat_id == admin.identity.chat_id
    ]


async def test_berhenti_and_mulai_round_trip(app: Conversations) -> None:
    admin = Chat(app, 1003, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    budi = Chat(app, 0, "Budi")
    budi.identity = Identity("whatsapp", "628123", "628123", "Budi")
    await budi.send(f"DAFTAR {invite(app, 'Kasi Penempatan Tenaga Kerja')}")

    await budi.send("BERHENTI")
    assert "tidak akan menerima pengingat lagi di saluran ini" in budi.text
    assert "<code>MULAI</code>" in budi.text and "Laporan tetap dapat dikirim" in budi.text
    assert "Tidak ada saluran lain Anda yang menerima pengingat" in budi.text
    assert stopped(app, budi)
    (notice,) = admin_notices(budi, admin)
    assert "<b>Budi</b>" in notice and "WhatsApp" in notice

    for again in ("berhenti", "STOP", "/stop"):  # harmless, and the admins are not told again
        await budi.send(again)
        assert "memang sudah dihentikan" in budi.text, again
        assert admin_notices(budi, admin) == []
    assert stopped(app, budi)
    await budi.send("lapor")  # reporting goes on as before
    assert "Laporan kinerja TW IV 2025" in budi.text
    await budi.send("/batal")

    await budi.send("MULAI")
    assert "pengingat kembali dikirim ke saluran ini" in budi.text
    assert not stopped(app, budi)
    await budi.send("mulai")
    assert "sudah aktif" in budi.text
    assert not stopped(app, budi)


async def test_berhenti_names_the_channel_reminders_go_to_instead(app: Conversations) -> None:
    sari = Chat(app, 12, "Sari")
    await sari.register("Kasi Transmigrasi")
    wa = link(app, sari, "whatsapp", "6281200000012")
    await wa.send("Berhenti")
    assert "Pengingat berikutnya dikirim ke <b>Telegram</b>" in wa.text
    assert stopped(app, wa) and not stopped(app, sari)  # a mark on this chat alone
    await sari.send("/berhenti")  # her other chat is stopped already: reminders go nowhere
    assert "Tidak ada saluran lain Anda yang menerima pengingat" in sari.text


async def test_a_stranger_cannot_stop_anything(app: Conversations) -> None:
    stranger = Chat(app, 0, "Siapa")
    stranger.identity = Identity("whatsapp", "628000", "628000", "Siapa")
    await stranger.send("STOP")
    assert "belum terdaftar" in stranger.text
    with transaction(app.engine) as session:
        assert session.exec(select(ChatIdentity)).all() == []
