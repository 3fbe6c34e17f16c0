"""`/anggaran` → "Isi lewat Excel": the whole quarter's budget realisation in one workbook,
checked as `sicapai impor` checks it, summarised, and saved only on Simpan."""

from __future__ import annotations

import io
from decimal import Decimal as D

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from sicapai.excel.template_writer import build_template
from sicapai.excel.writer import to_bytes
from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.db import transaction
from sicapai.models.organisation import Person, Position
from sicapai.models.performance import Period
from sicapai.models.queries import resolve_organisation
from sicapai.models.reporting import save_budget
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat
from tests.support.data import realisations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Realisasi Anggaran"


def all_realisations(app: Conversations) -> int:
    with transaction(app.engine) as session:
        return len(session.exec(select(BudgetRealisation)).all())


def saved_elsewhere(app: Conversations, code: str, amount: D) -> None:
    """Someone else's save of TW IV 2025 (another chat, another device)."""
    with transaction(app.engine) as session:
        line = session.exec(select(BudgetLine).where(BudgetLine.code == code)).one()
        period = session.exec(select(Period).where(Period.year == 2025, Period.quarter == 4)).one()
        assert line.owner_position_id is not None
        save_budget(
            session=session,
            line=line,
            period=period,
            person_id=_someone(app),
            amount=amount,
            reason=None,
            now=app.clock(),
        )


def _someone(app: Conversations) -> int:
    with transaction(app.engine) as session:
        person = session.exec(select(Person)).first()
        assert person is not None and person.id is not None
        return person.id


async def workbook_from_chat(chat: Chat) -> tuple[Workbook, Worksheet]:
    await chat.send("/anggaran")
    await chat.press("Isi lewat Excel")
    (sent,) = [r for r in chat.replies if r.document is not None]
    assert sent.filename == "realisasi-anggaran-2025-tw4.xlsx"
    assert sent.document is not None
    workbook = load_workbook(io.BytesIO(sent.document))
    return workbook, workbook[SHEET]


def row_of(ws: Worksheet, code: str) -> int:
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if cell.value == code:
            return int(cell.row)
    raise AssertionError(f"no row {code}")


def fill(ws: Worksheet, values: dict[str, int | str | None]) -> None:
    for code, value in values.items():
        ws.cell(row=row_of(ws, code), column=3, value=value)


async def send_back(chat: Chat, workbook: Workbook, name: str = "realisasi.xlsx") -> None:
    await chat.send_file(to_bytes(workbook), name, XLSX)


async def test_the_workbook_comes_prefilled(app: Conversations, keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    await keuangan.send("Rp 21.463.000")
    await keuangan.press("Simpan")
    _, ws = await workbook_from_chat(keuangan)
    assert "Isi kolom <b>realisasi</b>" in keuangan.text
    assert (ws["A2"].value, ws["B2"].value, ws["A3"].value, ws["B3"].value) == (
        "tahun",
        2025,
        "triwulan",
        4,
    )
    assert ws.cell(row=row_of(ws, "1.1.1"), column=3).value == 21463000
    assert ws.cell(row=row_of(ws, "1.1.2"), column=3).value is None
    assert ws.max_row - 6 == 64  # every line of the budget, under the header row


async def test_summary_then_simpan_saves_every_row(app: Conversations, keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    await keuangan.send("21.000.000")
    await keuangan.press("Simpan")
    workbook, ws = await workbook_from_chat(keuangan)
    fill(ws, {"1": 2526926600, "1.1.1": 21463000, "1.1.2": "5.438.700", "1.1.3": None})
    await send_back(keuangan, workbook)
    text = keuangan.text
    assert "Ringkasan berkas realisasi.xlsx" in text
    assert "3 berubah, 0 tidak berubah, 61 baris kosong dilewati" in text
    assert "<b>1</b> Penunjang Urusan" in text and "belum ada → <b>Rp 2.526.926.600</b>" in text
    assert "Rp 21.000.000 → <b>Rp 21.463.000</b>" in text
    assert "belum ada → <b>Rp 5.438.700</b>" in text
    assert len(realisations(app.engine, "1.1.1")) == 1  # nothing saved before Simpan
    assert realisations(app.engine, "1.1.2") == []

    await keuangan.press("Simpan")
    assert "3 realisasi anggaran TW IV 2025 tersimpan" in keuangan.text
    _, second = realisations(app.engine, "1.1.1")
    assert (second.amount, second.number) == (D(21463000), 2)
    assert second.reason == "diisi lewat berkas Excel realisasi.xlsx"
    assert [r.amount for r in realisations(app.engine, "1.1.2")] == [D(5438700)]
    assert [r.amount for r in realisations(app.engine, "1")] == [D(2526926600)]

    # the same workbook again changes nothing
    workbook, ws = await workbook_from_chat(keuangan)
    await send_back(keuangan, workbook)
    assert "tidak ada yang perlu disimpan" in keuangan.text
    assert all_realisations(app) == 4


async def test_one_bad_cell_stores_nothing_and_names_it(app: Conversations, keuangan: Chat) -> None:
    workbook, ws = await workbook_from_chat(keuangan)
    fill(ws, {"1.1.1": 21463000, "1.1.2": "belum tahu"})
    await send_back(keuangan, workbook)
    row = row_of(ws, "1.1.2")
    assert "tidak dimuat: 1 masalah (tidak ada data yang diubah)" in keuangan.text
    assert f"Realisasi Anggaran!C{row} (realisasi): “belum tahu” bukan angka" in keuangan.text
    assert "kirim ulang berkasnya di sini" in keuangan.text
    assert all_realisations(app) == 0
    # the way forward: fix it and send it again
    fill(ws, {"1.1.2": 5000000})
    await send_back(keuangan, workbook)
    assert "2 berubah" in keuangan.text
    await keuangan.press("Simpan")
    assert all_realisations(app) == 2


async def test_batal_stores_nothing(app: Conversations, keuangan: Chat) -> None:
    workbook, ws = await workbook_from_chat(keuangan)
    fill(ws, {"1.1.1": 21463000})
    await send_back(keuangan, workbook)
    assert "1 berubah" in keuangan.text
    await keuangan.press("Batal")
    assert "dibatalkan" in keuangan.text
    assert all_realisations(app) == 0


async def test_wrong_kinds_of_file(app: Conversations, keuangan: Chat) -> None:
    await workbook_from_chat(keuangan)
    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        pk = build_template(session=session, organisation=org, year=2025).workbook
    await keuangan.send_file(to_bytes(pk), "pk-2025.xlsx", XLSX)
    assert "pk-2025.xlsx templat data induk (PK), bukan berkas realisasi anggaran" in keuangan.text
    await keuangan.send_file(to_bytes(Workbook()), "catatan.xlsx", XLSX)
    assert "tidak berisi lembar “Realisasi Anggaran”" in keuangan.text
    await keuangan.send_file(b"%PDF-1.4 laporan", "laporan.pdf", "application/pdf")
    assert "bukan berkas Excel (.xlsx)" in keuangan.text
    await keuangan.send_file(b"kode;realisasi\n1.1.1;5", "realisasi.xlsx", XLSX)
    assert "bukan berkas Excel .xlsx" in keuangan.text
    await keuangan.send("ini angkanya")
    assert "Kami menunggu berkas Excel" in keuangan.text
    assert all_realisations(app) == 0


async def test_saved_meanwhile_refuses_and_shows_fresh_summary(
    app: Conversations, keuangan: Chat
) -> None:
    workbook, ws = await workbook_from_chat(keuangan)
    fill(ws, {"1.1.1": 21463000, "1.1.2": 5000000})
    await send_back(keuangan, workbook)
    saved_elsewhere(app, "1.1.1", D(20000000))
    await keuangan.press("Simpan")
    assert "berkas belum disimpan" in keuangan.text
    assert "Rp 20.000.000 → <b>Rp 21.463.000</b>" in keuangan.text  # the fresh summary
    assert [r.amount for r in realisations(app.engine, "1.1.1")] == [D(20000000)]
    assert realisations(app.engine, "1.1.2") == []  # none of the file, not half of it
    await keuangan.press("Simpan")
    assert "2 realisasi anggaran TW IV 2025 tersimpan" in keuangan.text
    assert [r.amount for r in realisations(app.engine, "1.1.1")] == [D(20000000), D(21463000)]


async def test_lines_of_another_position_are_refused(app: Conversations, keuangan: Chat) -> None:
    with transaction(app.engine) as session:
        other = session.exec(
            select(Position).where(Position.name == "Kepala Seksi Transmigrasi")
        ).one()
        line = session.exec(select(BudgetLine).where(BudgetLine.code == "1.1.2")).one()
        line.owner_position_id = other.id
        session.add(line)
    workbook, ws = await workbook_from_chat(keuangan)
    fill(ws, {"1.1.1": 21463000, "1.1.2": 5000000})
    await send_back(keuangan, workbook)
    assert "bukan tugas Anda" in keuangan.text
    assert f"Realisasi Anggaran!C{row_of(ws, '1.1.2')} (1.1.2)" in keuangan.text
    assert all_realisations(app) == 0


async def test_only_budget_owners_get_the_workbook(app: Conversations) -> None:
    kasi = Chat(app, 1)
    await kasi.register("Kasi Transmigrasi")
    await kasi.send("/anggaran")
    assert "tidak bertugas" in kasi.text
    assert not any(b.label for r in kasi.replies for row in r.buttons for b in row)
    await kasi.send_file(b"PK\x03\x04", "realisasi.xlsx", XLSX)
    assert all_realisations(app) == 0


async def test_the_whole_quarter_in_one_workbook(app: Conversations, keuangan: Chat) -> None:
    workbook, ws = await workbook_from_chat(keuangan)
    with transaction(app.engine) as session:
        ceilings = {line.code: line.ceiling for line in session.exec(select(BudgetLine))}
    fill(ws, {code: int(ceiling // 2) for code, ceiling in ceilings.items()})
    await send_back(keuangan, workbook)
    assert "64 berubah, 0 tidak berubah." in keuangan.text
    assert all(len(r.text) <= 4096 for r in keuangan.replies)
    assert "<b>1.1.1</b> Penyusunan Dokumen Perencanaan" in keuangan.text
    assert "belum ada → <b>Rp 10.866.500</b>" in keuangan.text
    await keuangan.press("Simpan")
    assert "64 realisasi anggaran TW IV 2025 tersimpan" in keuangan.text
    assert all_realisations(app) == 64
    assert [r.amount for r in realisations(app.engine, "1.1.1")] == [D(10866500)]
