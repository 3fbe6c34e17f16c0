"""`/anggaran`: the finance subsection reports budget realisation line by line."""

from __future__ import annotations

from decimal import Decimal as D

from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat
from tests.support.data import realisations


async def test_only_positions_with_budget_duty_may_report(app: Conversations) -> None:
    kasi = Chat(app, 1)
    await kasi.register("Kasi Transmigrasi")
    await kasi.send("/anggaran")
    assert "tidak bertugas" in kasi.text


async def test_report_a_line_with_serapan(app: Conversations, keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    assert "Realisasi anggaran TW IV 2025" in keuangan.text
    assert "Halaman 1 dari" in keuangan.text  # 43 sub kegiatan are paged
    assert all(len(r.text) <= 4096 for r in keuangan.replies)
    await keuangan.press("1.1.1")
    assert "Pagu: Rp 21.733.000" in keuangan.text
    await keuangan.send("Rp 21.463.000")
    assert "Serapan: <b>98,76%</b>" in keuangan.text
    await keuangan.press("Simpan")
    assert "Realisasi anggaran tersimpan" in keuangan.text
    (row,) = realisations(app.engine, "1.1.1")
    assert row.amount == D(21463000) and row.number == 1
    assert "Berikutnya yang belum dilaporkan: <b>1.1.2</b>" in keuangan.text


async def test_above_pagu_is_warned_and_confirmed(app: Conversations, keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    await keuangan.send("25.000.000")
    assert "melebihi pagu Rp 21.733.000" in keuangan.text
    await keuangan.press("Ya, angkanya benar")
    assert "Serapan: <b>115,03%</b>" in keuangan.text and "melebihi pagu" in keuangan.text
    await keuangan.press("Simpan")
    assert realisations(app.engine, "1.1.1")[0].amount == D(25000000)


async def test_bad_amounts(keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    await keuangan.send("dua juta")
    assert "bukan angka" in keuangan.text
    await keuangan.send("-5")
    assert "tidak boleh negatif" in keuangan.text
    await keuangan.send("12%")
    assert "%" in keuangan.text


async def test_correction_needs_reason(app: Conversations, keuangan: Chat) -> None:
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    await keuangan.send("21.000.000")
    await keuangan.press("Simpan")
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    assert "Sudah dilaporkan: Rp 21.000.000" in keuangan.text
    await keuangan.send("21.463.000")
    assert "alasan perubahan" in keuangan.text
    await keuangan.send("SP2D terakhir belum masuk")
    await keuangan.press("Simpan")
    first, second = realisations(app.engine, "1.1.1")
    assert (first.amount, second.amount, second.number) == (D(21000000), D(21463000), 2)
    assert second.reason == "SP2D terakhir belum masuk"
