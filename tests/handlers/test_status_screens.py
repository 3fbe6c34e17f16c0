"""The screens a superior and the admin read: `/status` (marks, legend, who holds what),
`/verifikasi` (the reporter, the admin's grouped and paged list), `/grafik`'s labels, and the
placeholder names of people the terminal created."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlmodel import col, select

from sicapai.handlers.texts.lapor import STATUS_MARK
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.models.people import is_placeholder_name, shown_name
from sicapai.models.performance import Indicator, Period
from sicapai.models.reporting import NewRevision
from sicapai.models.review import request_change
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, invite, report, report_ik18
from tests.support.database import Database
from tests.support.terminal import on_terminal, terminal_person

MARKS = set(STATUS_MARK.values())


@pytest.fixture
async def demo(seeded: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Conversations]:
    """The bundled office with its 2025 demo figures (sent for review, typed by nobody)."""
    conversations = Conversations(seeded.engine, files_dir=tmp_path / "bukti", clock=clock)
    yield conversations
    await conversations.close()


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.replies for row in r.buttons for b in row]


def blocks(text: str) -> dict[str, str]:
    """The status page's blocks by their position's heading line."""
    found = {}
    for block in text.split("\n\n"):
        head, _, marks = block.partition("\n")
        if head.startswith("<b>") and any(mark in marks for mark in MARKS):
            found[head] = marks
    return found


# --- /status -----------------------------------------------------------------------------


async def test_status_marks_sent_weaker_than_approved_and_the_legend_names_every_mark(
    app: Conversations,
) -> None:
    kasi, kabid = Chat(app, 21, "Budi"), Chat(app, 22, "Rahmat")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kabid.register("Kabid Tenaga Kerja")
    await report_ik18(kasi, "100", "100")
    while "Simpan" not in " ".join(labels(kasi)):
        await kasi.press("Lewati")
    await kasi.press("Simpan")

    await kabid.send("/status")
    assert "📤 IK.18" in kabid.text  # sent, waiting for review
    legend = kabid.text.split("Tanda: ")[1]
    for mark in ("⏳", "📝", "📤", "↩️", "✅"):
        assert mark in legend
    assert "☑️" not in kabid.text
    assert "✅ disetujui" in legend and "📤 terkirim" in legend and "↩️ dikembalikan" in legend

    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    await kabid.press("Setujui")
    await kabid.send("/status")
    assert "✅ IK.18" in kabid.text  # approved: the same mark as the Setujui button's


async def test_status_says_belum_terdaftar_only_where_a_report_is_owed(
    demo: Conversations,
) -> None:
    kadis = Chat(demo, 23, "Kepala")
    await kadis.register("Kepala Dinas")
    await kadis.send("/status")  # TW IV: the demo reported every item, nobody holds most
    done = blocks(kadis.text)
    assert len(done) > 10 and all(set(m.split()) & MARKS == {"📤"} for m in done.values())
    assert "belum terdaftar" not in kadis.text
    assert "<b>Kepala Dinas</b> (Kepala)" in kadis.text
    await kadis.press("TW III")  # nothing reported: whoever should report it is named
    owing = blocks(kadis.text)
    assert "<b>Kepala Seksi Transmigrasi</b> (<i>belum terdaftar</i>)" in owing
    assert "<b>Kepala Dinas</b> (Kepala)" in owing


async def test_placeholder_holders_show_as_their_position(app: Conversations) -> None:
    identity = terminal_person(app, "Kasi Penempatan Tenaga Kerja")
    assert identity.display_name == "Pemegang Kepala Seksi Penempatan Tenaga Kerja"
    kabid = Chat(app, 22, "Rahmat")
    await kabid.register("Kabid Tenaga Kerja")
    await kabid.send("/status")
    assert "<b>Kepala Seksi Penempatan Tenaga Kerja</b>\n" in kabid.text
    assert "Pemegang" not in kabid.text

    terminal = on_terminal(app, identity)
    await terminal.send("/start")
    assert "Selamat datang, <b>Kepala Seksi Penempatan Tenaga Kerja</b>!" in terminal.text
    assert "Pemegang" not in terminal.text


def test_a_placeholder_name_is_told_from_a_real_one() -> None:
    assert is_placeholder_name("Pemegang Kepala Bidang Tenaga Kerja")
    assert is_placeholder_name("  pemegang Kepala Dinas")
    assert not is_placeholder_name("Budi Pemegang")
    assert not is_placeholder_name("Pemegangan")  # no space: a name, not the prefix
    assert shown_name("Pemegang Kepala Dinas") == "Kepala Dinas"
    assert shown_name("Siti Rahmah") == "Siti Rahmah"


# --- /verifikasi -------------------------------------------------------------------------


async def test_verifikasi_names_who_saved_the_figures(demo: Conversations) -> None:
    kabid = Chat(demo, 22, "Rahmat")
    await kabid.register("Kabid Tenaga Kerja")
    await kabid.send("/verifikasi")
    assert "data contoh (demo)" in kabid.text  # in the list, beside each item
    await kabid.press("IK.18")
    assert "Pelapor: data contoh (demo)" in kabid.text and "Pelapor: -" not in kabid.text

    kasi = Chat(demo, 21, "Budi Santoso")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await report(kasi, "IK.18", "100", "100")  # a correction of the demo's figures
    while "alasan perubahan" not in kasi.text:
        await kasi.press("Lewati")  # pendorong, bukti: wherever this flow asks them
    await kasi.send("Angka demo diganti dengan rekap seksi")
    await kasi.press("Simpan")
    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    assert "Pelapor: Budi Santoso" in kabid.text


async def test_admins_verifikasi_puts_change_requests_first_and_pages_the_rest(
    demo: Conversations,
) -> None:
    admin = Chat(demo, 24, "Admin")
    await admin.send(f"/start {invite(demo, None, admin=True)}")
    kasi = Chat(demo, 21, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    with transaction(demo.engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == "IK.19")).one()
        period = session.exec(select(Period).where(Period.quarter == 4)).one()
        period.locked = True
        session.add(period)
        person_id = session.exec(
            select(ChatIdentity.person_id).where(ChatIdentity.external_id == "21")
        ).one()
        request_change(
            session=session,
            indicator=indicator,
            period=period,
            person_id=person_id,
            figures=NewRevision(None, None, D(1800), D(1800), None, reason="Salah ketik rekap"),
            evidence=[],
            now=demo.clock(),
        )

    await admin.send("/verifikasi")
    (reply,) = [r for r in admin.replies if r.buttons]
    shown = labels(admin)
    assert shown[0].startswith("Perubahan #")  # the change request first
    assert len([label for label in shown if label.startswith("IK.")]) <= 8
    assert reply.text.index("Permintaan perubahan") < reply.text.index("<b>TW IV 2025</b>")
    assert "Budi" in reply.text.split("<b>TW IV 2025</b>")[0]  # who asked for the change
    counted = re.search(r"Menunggu verifikasi Anda</b> \((\d+)\)", reply.text)
    assert counted is not None
    total = int(counted[1])
    assert total > 9 and "Halaman 1 dari" in reply.text

    seen = {label for label in shown if label.startswith("IK.")}
    await admin.press("Berikutnya")
    assert "Halaman 2 dari" in admin.text and "Permintaan perubahan #" not in admin.text
    second = {label for label in labels(admin) if label.startswith("IK.")}
    assert second and not second & seen
    await admin.press(sorted(second)[0])
    assert "Pelapor:" in admin.text
    await admin.press("Daftar")
    assert "Halaman 2 dari" in admin.text  # back to the page it came from


# --- /grafik's labels --------------------------------------------------------------------


async def test_grafik_trend_labels_are_shortened_with_an_ellipsis(app: Conversations) -> None:
    kadis = Chat(app, 23, "Kepala")
    await kadis.register("Kepala Dinas")
    await kadis.send("/grafik")
    await kadis.press("Tren")
    if not any(label.startswith("IK.") for label in labels(kadis)):
        await kadis.press(labels(kadis)[-1])  # a scope to choose first: the widest
    shown = [label for label in labels(kadis) if label.startswith("IK.")]
    assert shown and all(not label.endswith(" ") for label in shown)
    with transaction(app.engine) as session:
        names = {
            i.code: i.name for i in session.exec(select(Indicator).order_by(col(Indicator.id)))
        }
    for label in shown:
        code, _, name = label.partition(" ")
        assert name == names[code] or (name.endswith("…") and names[code].startswith(name[:-1]))
    assert any(label.endswith("…") for label in shown)
