"""Tiered review, the quarter lock with change requests, and the admin's chat commands."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog
from sicapai.models.performance import (
    QuarterTarget,
)
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite, report, slot


def notices_to(chat: Chat, target: Chat) -> list[str]:
    assert chat.result is not None
    return [
        reply.text
        for identity, reply in chat.result.notices
        if identity is not None and identity.chat_id == target.identity.chat_id
    ]


@pytest.fixture
async def team(app: Conversations) -> dict[str, Chat]:
    chats = {
        "kasi": Chat(app, 21, "Budi"),
        "kabid": Chat(app, 22, "Rahmat"),
        "kadis": Chat(app, 23, "Kepala"),
        "admin": Chat(app, 24, "Admin"),
    }
    await chats["kasi"].register("Kasi Penempatan Tenaga Kerja")
    await chats["kabid"].register("Kabid Tenaga Kerja")
    await chats["kadis"].register("Kepala Dinas")
    await chats["admin"].send(f"/start {invite(app, None, admin=True)}")
    return chats


async def test_review_round_trip(app: Conversations, team: dict[str, Chat]) -> None:
    kasi, kabid = team["kasi"], team["kabid"]
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    (notice,) = notices_to(kasi, kabid)
    assert "menunggu verifikasi" in notice and "IK.18" in notice and "Budi" in notice

    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    assert "Pelapor: Budi" in kabid.text and "100 / 100 = 100%" in kabid.text
    await kabid.press("Kembalikan")
    await kabid.send("Lampirkan daftar pelayanan")
    assert "dikembalikan kepada pelapor" in kabid.text
    (back,) = notices_to(kabid, kasi)
    assert "dikembalikan" in back and "Lampirkan daftar pelayanan" in back
    assert slot(app, "IK.18")[0].status == "dikembalikan"

    await kasi.send("/lapor")
    assert "↩️ <b>IK.18</b>" in kasi.text and "dikembalikan" in kasi.text
    await kasi.press("IK.18")
    assert "Lampirkan daftar pelayanan" in kasi.text
    for figure in ("98", "100", "Dua berkas tertinggal", "Melengkapi berkas"):
        await kasi.send(figure)
    await kasi.send("Perbaikan sesuai catatan atasan")
    await kasi.press("Simpan")
    assert notices_to(kasi, kabid)

    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    await kabid.press("Setujui")
    (approved,) = notices_to(kabid, kasi)
    assert "disetujui" in approved
    submission, revisions = slot(app, "IK.18")
    assert submission.status == "disetujui" and len(revisions) == 2
    with transaction(app.engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("laporan_disimpan") == 2
    assert "dikembalikan" in actions and "disetujui" in actions


async def test_head_of_office_items_go_to_the_admin(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kadis, admin = team["kadis"], team["admin"]
    await report(kadis, "IK.01", "500", "1.000")
    await kadis.press("Simpan")
    assert notices_to(kadis, admin)
    await team["kabid"].send("/verifikasi")
    assert "IK.01" not in team["kabid"].text
    await admin.send("/verifikasi")
    await admin.press("IK.01")
    await admin.press("Setujui")
    assert slot(app, "IK.01")[0].status == "disetujui"


async def test_a_superior_cannot_verify_another_units_items(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi = team["kasi"]
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    other = Chat(app, 25, "Lain")
    await other.register("Kabid Hubungan Industrial")
    await other.send("/verifikasi")
    assert "Tidak ada laporan" in other.text
    submission, _ = slot(app, "IK.18")
    await other.press_data(f"vf:{0}:v:{submission.id}")
    assert slot(app, "IK.18")[0].status == "terkirim"


async def test_locked_period_refuses_silent_changes(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi, admin = team["kasi"], team["admin"]
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await admin.send("/kunci")
    await admin.press("TW IV 2025")
    assert "Belum dilaporkan" in admin.text and "Belum diverifikasi (1): IK.18" in admin.text
    await admin.press("Kunci sekarang")
    assert "sudah dikunci" in admin.text

    await kasi.send("/lapor")  # TW IV is locked, and still the quarter /lapor opens on
    assert "Laporan kinerja TW IV 2025" in kasi.text and "TW IV sudah dikunci" in kasi.text
    await kasi.press("IK.18")
    assert "dikunci" in kasi.text
    await kasi.press("Ubah angka")
    for figure in ("90", "100", "Kendala", "Upaya"):
        await kasi.send(figure)
    assert "alasan perubahan" in kasi.text
    await kasi.send("Temuan inspektorat")
    await kasi.press("Simpan")
    assert "dikirim ke admin" in kasi.text
    assert notices_to(kasi, admin)
    _, revisions = slot(app, "IK.18")
    assert len(revisions) == 1 and revisions[0].numerator == D(100)  # nothing changed silently

    await admin.send("/verifikasi")
    await admin.press("Perubahan #")
    assert "Angka baru: 90 / 100 = 90%" in admin.text and "Temuan inspektorat" in admin.text
    await admin.press("Setujui perubahan")
    _, revisions = slot(app, "IK.18")
    assert [r.numerator for r in sorted(revisions, key=lambda r: r.number)] == [D(100), D(90)]
    assert any("disetujui admin" in n for n in notices_to(admin, kasi))
    with transaction(app.engine) as session:
        actions = {a.action for a in session.exec(select(AuditLog))}
    assert {"periode_dikunci", "perubahan_diajukan", "perubahan_disetujui"} <= actions


async def test_admin_menu_invite_targets_audit_delegation_deactivation(
    app: Conversations, team: dict[str, Chat]
) -> None:
    admin, kasi = team["admin"], team["kasi"]
    await team["kabid"].send("/admin")
    assert "khusus untuk admin" in team["kabid"].text

    await admin.send("/admin")
    await admin.press("Buat undangan")
    await admin.press("Kepala Seksi Transmigrasi")
    await admin.press("Plt")
    code = admin.text.split("<code>")[1].split("</code>")[0]
    plt = Chat(app, 26, "Sari")
    await plt.send(f"/start {code}")
    assert "Plt Kepala Seksi Transmigrasi" in plt.text

    await admin.send("/admin")
    await admin.press("Target triwulan")
    while not any("IK.19" in b.label for r in admin.replies for row in r.buttons for b in row):
        await admin.press("Berikutnya")
    await admin.press("IK.19")
    await admin.send("200; 450; 700")
    assert "empat angka" in admin.text
    await admin.send("200; 450; 700; 1.000")
    assert "disimpan: 200; 450; 700; 1.000" in admin.text
    with transaction(app.engine) as session:
        targets = session.exec(select(QuarterTarget).order_by(QuarterTarget.quarter)).all()
    assert [t.target for t in targets] == [D(200), D(450), D(700), D(1000)]

    await admin.send("/admin")
    await admin.press("Log audit")
    while not any("IK.19" in b.label for r in admin.replies for row in r.buttons for b in row):
        await admin.press("Berikutnya")
    await admin.press("IK.19")
    assert "target_triwulan_diubah" in admin.text and "Admin" in admin.text

    await admin.send("/admin")
    await admin.press("Delegasi")
    await admin.press("Kepala Dinas")
    await admin.press("Kepala Sub Bagian Perencanaan")
    assert "dapat mengisi indikator Kepala Dinas" in admin.text
    planner = Chat(app, 27, "Perencana")
    await planner.register("Kasubag Perencanaan")
    await planner.send("/lapor")
    assert "IK.01" in planner.text and "IK.05" in planner.text

    await admin.send("/admin")
    await admin.press("Daftar orang")
    assert "Budi" in admin.text and "Kepala Seksi Penempatan Tenaga Kerja" in admin.text
    await admin.send("/admin")
    await admin.press("Nonaktifkan")
    await admin.press("Budi")
    await admin.press("Ya, nonaktifkan")
    await kasi.send("/lapor")
    assert "tidak aktif" in kasi.text


async def test_periksa_in_chat_for_the_admin(app: Conversations, team: dict[str, Chat]) -> None:
    await team["admin"].send("/periksa")
    assert "Pemeriksaan 2025" in team["admin"].text
    await team["kasi"].send("/periksa")
    assert "khusus untuk admin" in team["kasi"].text


async def test_ekspor_sends_the_workbook_as_a_document(
    app: Conversations, team: dict[str, Chat]
) -> None:
    import io

    from openpyxl import load_workbook

    admin = team["admin"]
    await report(team["kasi"], "IK.18", "100", "100")
    await team["kasi"].press("Simpan")
    await admin.send("/ekspor")
    await admin.press("TW IV 2025")
    (document,) = [r for r in admin.replies if r.document is not None]
    assert document.filename == "lkjip-2025-tw4.xlsx" and len(document.text) <= 1024
    workbook = load_workbook(io.BytesIO(document.document), data_only=True)
    assert "Tabel 3.3" in workbook.sheetnames


async def test_impor_by_chat_refuses_other_files_and_loads_a_workbook(
    app: Conversations, team: dict[str, Chat], tmp_path
) -> None:
    admin = team["admin"]
    await admin.send("/impor")
    assert "berkas Excel" in admin.text
    await admin.send_file(b"%PDF-1.4 bukan excel", "laporan.pdf", "application/pdf")
    assert "bukan berkas Excel" in admin.text
    await admin.send_file(b"PK\x03\x04 rusak", "rusak.xlsx", XLSX)
    assert "rusak atau bukan berkas Excel" in admin.text

    from sicapai.excel.template_writer import build_realisation_template
    from sicapai.excel.writer import to_bytes
    from sicapai.models.queries import resolve_organisation

    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        template = build_realisation_template(
            session=session, organisation=org, year=2025, quarter=3
        )
    workbook = template.workbook
    sheet = workbook["Realisasi Anggaran"]
    for row in sheet.iter_rows(min_row=1):
        if row[0].value == "1.1.1":
            row[2].value = 15000000
            break
    await admin.send_file(to_bytes(workbook), "realisasi-tw3.xlsx", XLSX)
    assert "✅" in admin.text, admin.text
    from sicapai.models.budget import BudgetLine, BudgetRealisation

    with transaction(app.engine) as session:
        line = session.exec(select(BudgetLine).where(BudgetLine.code == "1.1.1")).one()
        (row,) = session.exec(
            select(BudgetRealisation).where(BudgetRealisation.budget_line_id == line.id)
        ).all()
    assert row.amount == D(15000000) and row.source == "impor"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
