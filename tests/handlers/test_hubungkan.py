"""`/hubungkan`: a registered person links a second app with a short single-use code."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import col, select

from sicapai.handlers.port import Identity
from sicapai.handlers.registrasi import MAX_FAILED_ATTEMPTS
from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog
from sicapai.models.organisation import ChatIdentity
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, invite
from tests.support.terminal import person_of


def on_whatsapp(app: Conversations, number: str, name: str = "Budi") -> Chat:
    chat = Chat(app, 0, name)
    chat.identity = Identity("whatsapp", number, number, name)
    return chat


async def code_for(chat: Chat) -> str:
    await chat.send("/hubungkan")
    found = re.search(r"HUBUNGKAN ([A-Z0-9]{6})", chat.text)
    assert found, chat.text
    return found.group(1)


def notices_to(chat: Chat, target: Chat) -> list[str]:
    assert chat.result is not None
    return [
        reply.text
        for identity, reply in chat.result.notices
        if identity is not None
        and identity.channel == target.identity.channel
        and identity.chat_id == target.identity.chat_id
    ]


def chats(app: Conversations) -> list[tuple[int, str, str]]:
    with transaction(app.engine) as session:
        rows = session.exec(select(ChatIdentity).order_by(col(ChatIdentity.id))).all()
        return [(r.person_id, r.channel, r.external_id) for r in rows]


async def test_a_code_links_whatsapp_to_the_same_person(app: Conversations) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    code = await code_for(budi)
    assert "10 menit" in budi.text and "hanya dapat dipakai sekali" in budi.text
    wa = on_whatsapp(app, "628123")
    await wa.send(f"hubungkan {code.lower()}")  # typed in any case
    assert "Chat WhatsApp ini sekarang terhubung" in wa.text
    assert "Selamat datang, <b>Budi</b>" in wa.text and "IK.18" in wa.text
    (notice,) = notices_to(wa, budi)  # the Telegram chat hears of it at once
    assert "WhatsApp" in notice and "628123" in notice and "baru saja dihubungkan" in notice
    assert person_of(app, wa).id == person_of(app, budi).id
    await wa.send("/lapor")
    assert "Laporan kinerja TW IV 2025" in wa.text and "IK.18" in wa.text
    with transaction(app.engine) as session:
        (linked,) = session.exec(
            select(AuditLog).where(AuditLog.action == "saluran_dihubungkan")
        ).all()
        assert linked.person_id == person_of(app, budi).id
        assert linked.detail["saluran"] == "whatsapp" and linked.detail["dari"] == "telegram"
    # used once: a second chat with the same code is refused
    other = on_whatsapp(app, "628999", "Orang Lain")
    await other.send(f"HUBUNGKAN {code}")
    assert "sudah pernah dipakai" in other.text
    assert [c[1:] for c in chats(app)] == [("telegram", "1001"), ("whatsapp", "628123")]


async def test_a_wrong_or_expired_code_links_nothing(app: Conversations, clock: Clock) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    wa = on_whatsapp(app, "628123")
    await wa.send("HUBUNGKAN ZZZZZZ")
    assert "kode penghubung itu tidak dikenal" in wa.text
    await wa.send("HUBUNGKAN <b>&")
    assert "tidak dikenal" in wa.text
    code = await code_for(budi)
    clock.now += timedelta(minutes=11)
    await wa.send(f"HUBUNGKAN {code}")
    assert "sudah kedaluwarsa (berlaku 10 menit)" in wa.text
    await wa.send("/lapor")
    assert "belum terdaftar" in wa.text
    assert chats(app) == [(person_of(app, budi).id, "telegram", "1001")]


async def test_a_new_code_replaces_the_previous_one(app: Conversations) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    old = await code_for(budi)
    new = await code_for(budi)
    wa = on_whatsapp(app, "628123")
    assert old != new  # one in a billion they match
    await wa.send(f"HUBUNGKAN {old}")
    assert "tidak dikenal" in wa.text
    await wa.send(f"HUBUNGKAN {new}")
    assert "sekarang terhubung" in wa.text


async def test_guessing_link_codes_is_limited_per_chat(app: Conversations) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    guesser = on_whatsapp(app, "628555", "Penebak")
    for n in range(MAX_FAILED_ATTEMPTS):
        await guesser.send(f"HUBUNGKAN SALAH{n}")
        assert "tidak dikenal" in guesser.text
    code = await code_for(budi)
    await guesser.send(f"HUBUNGKAN {code}")
    assert "Terlalu banyak percobaan" in guesser.text
    await guesser.send(f"DAFTAR {invite(app, 'Kasi Transmigrasi')}")  # one limit for both
    assert "Terlalu banyak percobaan" in guesser.text
    assert [c[1] for c in chats(app)] == ["telegram"]
    wa = on_whatsapp(app, "628123")  # another chat is not held back, and the code still works
    await wa.send(f"HUBUNGKAN {code}")
    assert "sekarang terhubung" in wa.text


async def test_a_chat_held_by_someone_else_is_refused_and_the_admins_told(
    app: Conversations,
) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    sari = Chat(app, 1002, "Sari")
    await sari.register("Kasi Transmigrasi")
    admin = Chat(app, 1003, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    before = chats(app)
    code = await code_for(budi)
    await sari.send(f"/hubungkan {code}")
    assert "sudah terhubung dengan akun SiCapai orang lain" in sari.text
    (warning,) = notices_to(sari, admin)
    assert "<b>Sari</b>" in warning and "<b>Budi</b>" in warning and "Telegram" in warning
    assert notices_to(sari, budi) == []
    assert chats(app) == before
    await sari.send("/lapor")
    assert "IK.15" in sari.text and "IK.18" not in sari.text  # still Sari's own chat
    wa = on_whatsapp(app, "628123")  # the code was not spent by the refusal
    await wa.send(f"HUBUNGKAN {code}")
    assert "sekarang terhubung" in wa.text


async def test_a_chat_already_linked_is_told_so(app: Conversations) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    code = await code_for(budi)
    await budi.send(f"HUBUNGKAN {code}")
    assert "Chat ini sudah terhubung dengan akun SiCapai Anda" in budi.text
    wa = on_whatsapp(app, "628123")
    await wa.send(f"HUBUNGKAN {code}")
    assert "sekarang terhubung" in wa.text
    await wa.send(f"HUBUNGKAN {await code_for(budi)}")
    assert "Chat ini sudah terhubung dengan akun SiCapai Anda" in wa.text
    assert len(chats(app)) == 2


async def test_a_stranger_without_a_code_is_told_how_to_get_one(app: Conversations) -> None:
    stranger = on_whatsapp(app, "628123")
    await stranger.send("HUBUNGKAN")
    assert "dari aplikasi yang sudah terdaftar" in stranger.text
    assert "<code>DAFTAR KODE</code>" in stranger.text
    await stranger.send("/lapor")
    assert "belum terdaftar" in stranger.text and "HUBUNGKAN" in stranger.text
    assert chats(app) == []


async def test_hubungkan_is_in_the_help_and_the_menu(app: Conversations) -> None:
    budi = Chat(app, 1001, "Budi")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    await budi.send("/bantuan")
    assert "/hubungkan — hubungkan akun Anda dengan aplikasi lain" in budi.text
    assert budi.text.index("/saluran") < budi.text.index("/hubungkan") < budi.text.index("/batal")
    await budi.send("menu")
    await budi.press("Hubungkan")
    assert re.search(r"HUBUNGKAN [A-Z0-9]{6}", budi.text)
