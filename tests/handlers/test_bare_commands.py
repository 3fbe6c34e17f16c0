"""Commands typed without the slash (WhatsApp has no command menu), `DAFTAR KODE`, and the
`menu` of commands as buttons, also offered when someone writes while nothing is open."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from sicapai.handlers.capabilities import GENERIC
from sicapai.handlers.port import Identity
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Holding
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite, report_ik18
from tests.support.data import revisions

# a platform that takes ten choices in one message, as WhatsApp does
FEW_BUTTONS = replace(
    GENERIC, channel="whatsapp", buttons_per_message=10, buttons_per_row=3, label_length=24
)


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.replies for row in r.buttons for b in row]


async def test_lapor_without_the_slash_starts_lapor_in_any_case(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/lapor")
    with_slash = kasi.text
    assert "Laporan kinerja TW IV 2025" in with_slash
    for typed in ("lapor", "LAPOR", "  Lapor  "):
        await kasi.send("/batal")
        await kasi.send(typed)
        assert kasi.text == with_slash, typed
    await kasi.press("IK.18")  # the list it opened is live
    assert "Rumus:" in kasi.text


async def test_a_command_word_at_a_button_step_runs_the_command(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/lapor")  # the list waits for a button, not for typing
    await kasi.send("BANTUAN")
    assert "<b>Perintah SiCapai</b>" in kasi.text
    await kasi.send("batal")
    assert "dibatalkan" in kasi.text


async def test_lapor_typed_as_a_kendala_stays_the_kendala(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await report_ik18(kasi)  # 90 of 100: below target, so the kendala is asked
    assert "kendala" in kasi.text
    await kasi.send("lapor dari desa terlambat masuk")
    assert "upaya perbaikan" in kasi.text
    await kasi.send("Menu pelaporan disederhanakan")  # "menu …" is an answer here too
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text
    (rev,) = revisions(app.engine, "IK.18")
    assert rev.kendala == "lapor dari desa terlambat masuk"
    assert rev.upaya_perbaikan == "Menu pelaporan disederhanakan"


async def test_daftar_with_a_code_registers_a_stranger(app: Conversations) -> None:
    stranger = Chat(app, 0, "Budi")
    stranger.identity = Identity("whatsapp", "628123", "628123", "Budi")
    await stranger.send("halo")
    assert "belum terdaftar" in stranger.text
    assert "<code>DAFTAR KODE</code>" in stranger.text
    await stranger.send(f"DAFTAR {invite(app, 'Kasi Penempatan Tenaga Kerja')}")
    assert "Selamat datang, <b>Budi</b>" in stranger.text
    assert "IK.18" in stranger.text
    other = Chat(app, 0, "Sari")
    other.identity = Identity("whatsapp", "628777", "628777", "Sari")
    await other.send(f"daftar {invite(app, 'Kasi Transmigrasi')}")
    assert "Selamat datang, <b>Sari</b>" in other.text
    await other.send("daftar salahkode")
    assert "tidak dikenal" in other.text
    with transaction(app.engine) as session:
        chats = session.exec(select(ChatIdentity).where(ChatIdentity.channel == "whatsapp")).all()
        assert sorted(c.external_id for c in chats) == ["628123", "628777"]
        holdings = session.exec(select(Holding)).all()
        assert {h.person_id for h in holdings} == {c.person_id for c in chats}


async def test_menu_lists_admin_commands_for_an_admin_only(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    admin = Chat(app, 1002, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    await kasi.send("menu")
    assert "Menu SiCapai" in kasi.text
    mine = labels(kasi)
    assert any(label.startswith("Lapor — ") for label in mine)
    assert any(label.startswith("Hubungkan — ") for label in mine)
    assert not any(label.startswith(("Kunci", "Impor", "Admin")) for label in mine)
    assert not any(label.startswith("Menu") for label in mine)  # the menu itself is not on it
    await admin.send("MENU")
    theirs = labels(admin)
    assert any(label.startswith("Kunci — ") for label in theirs)
    assert any(label.startswith("Impor — ") for label in theirs)
    assert set(mine) < set(theirs)

    await kasi.press("Lapor")  # a button starts its command
    assert "Laporan kinerja TW IV 2025" in kasi.text
    await kasi.send("/batal")
    await kasi.send("/menu")
    lapor = kasi.button("Lapor")
    await kasi.press_data(lapor.replace(":k:lapor", ":k:kunci"))  # forged: not on their menu
    assert "khusus untuk admin" in kasi.text
    await kasi.press_data(lapor.replace(":k:lapor", ":k:tidakada"))
    assert "Menu ini sudah tidak berlaku" in kasi.text


async def test_text_with_nothing_open_offers_the_commands_as_buttons(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("selamat pagi")
    assert "tidak sedang mengisi apa pun" in kasi.text
    assert any(label.startswith("Anggaran — ") for label in labels(kasi))
    await kasi.press("Lapor")
    assert "Laporan kinerja TW IV 2025" in kasi.text


async def test_the_menu_is_paged_where_a_message_takes_ten_choices(app: Conversations) -> None:
    budi = Chat(app, 0, "Budi")
    budi.identity = Identity("whatsapp", "628123", "628123", "Budi", capabilities=FEW_BUTTONS)
    await budi.send(f"DAFTAR {invite(app, 'Kasi Penempatan Tenaga Kerja')}")
    await budi.send("apa kabar")
    assert "tidak sedang mengisi apa pun" in budi.text
    assert "Halaman 1 dari 2" in budi.text
    assert all(sum(len(row) for row in r.buttons) <= 10 for r in budi.replies)
    first = [label for label in labels(budi) if "—" in label]
    assert first[0].startswith("Lapor — ") and len(first) < 10
    await budi.press("Berikutnya")
    assert "Halaman 2 dari 2" in budi.text
    assert all(sum(len(row) for row in r.buttons) <= 10 for r in budi.replies)
    second = [label for label in labels(budi) if "—" in label]
    assert second and not set(first) & set(second)
    # every command of a member is on one of the two pages, the menu itself on none
    names = {label.split(" — ")[0] for label in first + second}
    assert names == {
        "Lapor",
        "Anggaran",
        "Pengingat",
        "Capaian",
        "Grafik",
        "Status",
        "Verifikasi",
        "Saluran",
        "Hubungkan",
        "Batal",
        "Bantuan",
    }
    await budi.press("Sebelumnya")
    assert "Halaman 1 dari 2" in budi.text
    await budi.send("hmm")  # typed at the menu: still nothing open, the first page again
    assert "tidak sedang mengisi apa pun" in budi.text and "Halaman 1 dari 2" in budi.text
    await budi.press("Lapor")
    assert "Laporan kinerja TW IV 2025" in budi.text
