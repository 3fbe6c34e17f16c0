"""`/lapor` end to end on a real database: every step, every bad input, every warning."""

from __future__ import annotations

import hashlib
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlmodel import col, select

from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog
from sicapai.models.performance import Evidence, Indicator
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, report_ik18
from tests.support.data import revisions


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 1001, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    return chat


async def test_list_shows_status_and_defaults_to_latest_ended_quarter(kasi: Chat) -> None:
    await kasi.send("/lapor")
    assert "Laporan kinerja TW IV 2025" in kasi.text
    assert "⏳ <b>IK.18</b>" in kasi.text and "belum dilaporkan" in kasi.text
    labels = [b.label for r in kasi.replies for row in r.buttons for b in row]
    assert {"TW I", "TW II", "TW III"} <= set(labels)
    assert all(len(b.data.encode()) <= 64 for r in kasi.replies for row in r.buttons for b in row)


async def test_intro_explains_formula_target_and_last_quarter(kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    assert "Rumus:" in kasi.text and "Target TW IV: 100%" in kasi.text
    assert "Angka triwulan lalu: belum ada" in kasi.text
    assert "<b>Jumlah Pelayanan Antar Kerja" in kasi.text and "s.d. TW IV?" in kasi.text


async def test_full_report_below_target_requires_kendala_and_upaya(
    app: Conversations, kasi: Chat
) -> None:
    await report_ik18(kasi)
    assert "Realisasi 90%, capaian 90%" in kasi.text and "Tinggi" in kasi.text
    assert "kendala" in kasi.text
    await kasi.send("   ")
    assert "kosong" in kasi.text
    await kasi.send("Petugas <terbatas> & sibuk")
    assert "upaya perbaikan" in kasi.text
    await kasi.send("Menambah petugas")  # faktor pendorong and bukti are offered at the preview
    assert "Pratinjau laporan" in kasi.text and "Tambah bukti" in kasi.text
    assert "Petugas &lt;terbatas&gt; &amp; sibuk" in kasi.text  # escaped before echoing
    assert revisions(app.engine, "IK.18") == []  # nothing stored before Simpan
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text and "Revisi ke-1" in kasi.text
    assert "29 November 2026 10.00 WITA" in kasi.text
    (rev,) = revisions(app.engine, "IK.18")
    assert (rev.numerator, rev.denominator, rev.realisation, rev.achievement) == (
        D(90),
        D(100),
        D(90),
        D(90),
    )
    assert rev.kendala == "Petugas <terbatas> & sibuk" and rev.upaya_perbaikan == "Menambah petugas"
    assert rev.person_id is not None and rev.status == "terkirim"
    # the receipt offers the next pending indicator
    assert "Berikutnya yang belum dilaporkan: <b>IK.19</b>" in kasi.text
    await kasi.press("Lapor IK.19")
    assert "IK.19 Jumlah Pencari Kerja" in kasi.text


async def test_double_tap_on_simpan_saves_once(app: Conversations, kasi: Chat) -> None:
    await report_ik18(kasi, "100", "100")
    save = kasi.button("Simpan")
    await kasi.press_data(save)
    await kasi.press_data(save)
    assert "tidak berlaku" in kasi.text
    assert len(revisions(app.engine, "IK.18")) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sembilan puluh", "bukan angka"),
        ("-5", "tidak boleh negatif"),
        ("12,5", "bilangan bulat"),
        ("12%", ""),  # a percent sign in a count field is refused by the parser
    ],
)
async def test_bad_numerator_is_explained_and_asked_again(
    app: Conversations, kasi: Chat, typed: str, expected: str
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send(typed)
    assert expected in kasi.text
    assert "“" in kasi.text or expected
    await kasi.send("90")  # the step was kept: the next number is the numerator
    assert "Total Pelayanan Antar Kerja" in kasi.text


async def test_zero_and_too_small_denominator(kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("90")
    await kasi.send("0")
    assert "Penyebut tidak boleh 0" in kasi.text
    await kasi.send("80")
    assert "lebih besar dari penyebut" in kasi.text
    await kasi.send("120")
    assert "capaian 75%" in kasi.text


async def test_redo_from_numerator_after_numerator_above_denominator(kasi: Chat) -> None:
    await report_ik18(kasi, "90", "80")
    await kasi.press("Ubah angka")
    assert "Jumlah Pelayanan Antar Kerja Yang Sesuai Prosedur" in kasi.text
    await kasi.send("70")
    await kasi.send("80")
    assert "capaian 87,5%" in kasi.text


async def test_ambiguous_number_asks_which_was_meant(kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.19")
    await kasi.send("1,762")
    assert "pilih maksud Anda" in kasi.text
    await kasi.press("1.762")  # the thousands reading
    assert "Realisasi 1.762 Orang, capaian 176,2%" in kasi.text


async def test_file_where_a_number_was_expected(kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send_file(b"%PDF-1.4 bukti")
    assert "yang kami perlukan adalah angka" in kasi.text
    await kasi.send("90")
    assert "Total Pelayanan" in kasi.text


async def test_absurdly_long_text_is_bounded(kasi: Chat) -> None:
    await report_ik18(kasi)
    await kasi.send("x" * 5000)
    assert "terlalu panjang" in kasi.text and "5.000 karakter" in kasi.text
    assert all(len(r.text) < 4096 for r in kasi.replies)


async def test_capaian_above_150_is_confirmed(app: Conversations, kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.19")
    await kasi.send("1.762")
    assert "lebih dari 150%" in kasi.text
    await kasi.press("Ya, angkanya benar")
    assert "Pratinjau laporan" in kasi.text
    await kasi.press("Tambah catatan")
    assert "faktor pendorong" in kasi.text
    await kasi.send("Bursa kerja daring")
    assert "Faktor pendorong: Bursa kerja daring" in kasi.text
    await kasi.press("Simpan")
    (rev,) = revisions(app.engine, "IK.19")
    assert rev.value == D(1762) and rev.faktor_pendorong == "Bursa kerja daring"


async def test_evidence_is_downloaded_with_size_and_checksum(
    app: Conversations, kasi: Chat
) -> None:
    await report_ik18(kasi, "100", "100")
    await kasi.press("Tambah bukti")
    await kasi.send_file(b"%PDF-1.4 daftar hadir", "daftar-hadir.pdf")
    assert "“daftar-hadir.pdf” diterima (1 berkas)" in kasi.text
    await kasi.send_file(b"\x89PNG foto", "foto.png", "image/png")
    await kasi.press("Selesai kirim bukti")
    assert "Bukti dukung: 2 berkas" in kasi.text
    await kasi.press("Simpan")
    with transaction(app.engine) as session:
        files = session.exec(select(Evidence).order_by(col(Evidence.id))).all()
    assert [f.filename for f in files] == ["daftar-hadir.pdf", "foto.png"]
    assert files[0].size == len(b"%PDF-1.4 daftar hadir")
    assert files[0].sha256 == hashlib.sha256(b"%PDF-1.4 daftar hadir").hexdigest()
    assert stored_bytes(files[0].path) == b"%PDF-1.4 daftar hadir"


def stored_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


async def test_wrong_kind_of_file_is_refused(kasi: Chat) -> None:
    await report_ik18(kasi, "100", "100")
    await kasi.press("Tambah bukti")
    await kasi.send_file(b"MZ...", "virus.exe", "application/x-msdownload")
    assert "foto atau PDF" in kasi.text


async def test_correction_needs_a_reason_and_becomes_a_new_revision(
    app: Conversations, kasi: Chat
) -> None:
    await report_ik18(kasi, "100", "100")
    await kasi.press("Simpan")
    await kasi.send("/lapor")
    assert "📤 <b>IK.18</b>" in kasi.text and "terkirim" in kasi.text
    await kasi.press("IK.18")
    assert "Sudah dilaporkan: 100 / 100 = 100%" in kasi.text
    await kasi.press("Ubah angka")
    await kasi.send("95")
    await kasi.send("100")
    await kasi.send("Dua layanan tidak sesuai prosedur")
    await kasi.send("Pelatihan ulang petugas")
    assert "alasan perubahan" in kasi.text
    await kasi.send("Salah hitung sebelumnya")
    assert "Alasan perubahan: Salah hitung sebelumnya" in kasi.text
    await kasi.press("Simpan")
    assert "Revisi ke-2" in kasi.text and "Sebelumnya: 100 / 100 = 100%" in kasi.text
    first, second = revisions(app.engine, "IK.18")
    assert (first.number, first.numerator) == (1, D(100))  # never overwritten
    assert (second.number, second.numerator, second.reason) == (
        2,
        D(95),
        "Salah hitung sebelumnya",
    )
    with transaction(app.engine) as session:
        log = session.exec(select(AuditLog).where(AuditLog.action == "laporan_disimpan")).all()
    assert log[-1].detail["lama"] == "100 / 100 = 100%"
    assert log[-1].detail["baru"] == "95 / 100 = 95%"
    assert log[-1].detail["revisi"] == 2


async def test_cumulative_lower_than_last_quarter_is_allowed_with_a_reason(
    app: Conversations, kasi: Chat
) -> None:
    await kasi.send("/lapor")
    await kasi.press("TW III")
    await kasi.press("IK.19")
    await kasi.send("900")
    await kasi.press("Simpan")
    await kasi.send("/lapor")
    await kasi.press("IK.19")
    assert "Angka triwulan lalu: 900 Orang" in kasi.text
    await kasi.send("850")
    assert "lebih kecil dari TW III (900)" in kasi.text
    await kasi.press("Angka benar, beri alasan")
    await kasi.send("Data ganda dihapus")
    await kasi.send("Pendaftar ganda")  # kendala: 850 of 1.000 is below target
    await kasi.send("Verifikasi data")  # upaya
    assert "Dibanding TW III: 900 Orang → 850 Orang (turun 50)" in kasi.text
    await kasi.press("Simpan")
    last = revisions(app.engine, "IK.19")[-1]
    assert last.value == D(850) and last.reason == "Data ganda dihapus"


async def test_yearly_indicator_is_not_asked_before_tw_iv(app: Conversations) -> None:
    head = Chat(app, 3000, "Kepala")
    await head.register("Kepala Dinas")
    await head.send("/lapor")
    await head.press("TW II")
    assert "🗓 <b>IK.03</b>" in head.text and "tahunan" in head.text
    assert not any("IK.03" in b.label for r in head.replies for row in r.buttons for b in row)


async def test_batal_leaves_the_flow_and_old_buttons_go_stale(
    app: Conversations, kasi: Chat
) -> None:
    await report_ik18(kasi, "100", "100")
    save = kasi.button("Simpan")
    await kasi.send("/batal")
    assert "dibatalkan" in kasi.text
    await kasi.press_data(save)
    assert "Menu ini sudah tidak berlaku" in kasi.text
    assert kasi.replies[0].answer == "Menu ini sudah tidak berlaku."
    assert revisions(app.engine, "IK.18") == []
    await kasi.send("/batal")
    assert "Tidak ada proses" in kasi.text


@pytest.mark.parametrize("data", ["lp:999:simpan", "garbage", "lp:x:y", "zz:1:i:1", ""])
async def test_forged_or_garbage_buttons_never_crash(kasi: Chat, data: str) -> None:
    await kasi.press_data(data)
    assert "tidak berlaku" in kasi.text


async def test_another_persons_indicator_cannot_be_chosen(app: Conversations, kasi: Chat) -> None:
    await kasi.send("/lapor")
    with transaction(app.engine) as session:
        other = session.exec(select(Indicator).where(Indicator.code == "IK.01")).one()
    forged = kasi.button("IK.18").rsplit(":", 1)[0] + f":{other.id}"
    await kasi.press_data(forged)
    assert "bukan tanggung jawab Anda" in kasi.text


async def test_help_unknown_command_and_stray_text(kasi: Chat) -> None:
    await kasi.send("/bantuan")
    assert "/lapor" in kasi.text and "1.762" in kasi.text
    await kasi.send("/entahlah")
    assert "/entahlah tidak dikenal" in kasi.text
    await kasi.send("halo bot")
    assert "/lapor" in kasi.text


async def test_restart_resumes_the_same_step(
    app: Conversations, kasi: Chat, tmp_path: Path
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("90")
    # a new process: a new Conversations on the same database
    fresh = Conversations(app.engine, files_dir=tmp_path / "bukti2", clock=app.clock)
    kasi.app = fresh
    await kasi.send("100")
    assert "Realisasi 90%" in kasi.text
