"""What an office trips over in `/lapor` (issue 17): a correction that erased the narrative, a
figure for an earlier quarter above a later one, and too many steps for a figure on target."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.writer import to_bytes
from sicapai.handlers.port import Event, Reply
from sicapai.models.db import transaction
from sicapai.models.performance import Evidence
from sicapai.models.queries import resolve_organisation
from sicapai.models.review import lock
from sicapai.models.seeding import ensure_periods
from sicapai.reports.capaian import Figures
from sicapai.reports.consistency import Neighbour, against_neighbours
from sicapai.reports.domain import Kind
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat
from tests.support.data import revisions


class CountingChat(Chat):
    """A chat that counts what the person sends: each message, tap or file is one
    interaction."""

    def __init__(self, app: Conversations, user_id: int = 1001, name: str = "Budi") -> None:
        super().__init__(app, user_id, name)
        self.sent = 0

    async def _run(self, event: Event) -> list[Reply]:
        self.sent += 1
        return await super()._run(event)


@pytest.fixture
async def kasi(app: Conversations) -> CountingChat:
    chat = CountingChat(app, 1001, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    chat.sent = 0
    return chat


def evidence(app: Conversations) -> list[Evidence]:
    with transaction(app.engine) as session:
        return list(session.exec(select(Evidence).order_by(col(Evidence.id))))


def narrative_rows(app: Conversations) -> list[tuple[object, ...]]:
    """The export's Narasi sheet for 2025 TW IV, as a person opening the workbook reads it."""
    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        data = gather_export(session=session, organisation=org, year=2025, quarter=4)
        workbook = load_workbook(io.BytesIO(to_bytes(build_export(data))))
    sheet = workbook["Narasi"]
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]


async def save_ik18_below_target_with_everything(kasi: Chat) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("90")
    await kasi.send("100")
    await kasi.send("Petugas terbatas")  # kendala
    await kasi.send("Menambah petugas")  # upaya
    await kasi.press("Tambah catatan")
    await kasi.send("Dukungan aplikasi SIAPkerja")  # pendorong
    await kasi.press("Tambah bukti")
    await kasi.send_file(b"%PDF-1.4 daftar hadir", "daftar-hadir.pdf")
    await kasi.press("Selesai kirim bukti")
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text


# --- item 1: a correction keeps the narrative and the evidence ----------------------------


async def test_a_corrected_figure_keeps_the_narrative_evidence_and_the_narasi_sheet(
    app: Conversations, kasi: CountingChat
) -> None:
    await save_ik18_below_target_with_everything(kasi)
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("92")
    await kasi.send("100")  # still below target: kendala and upaya are asked, the saved shown
    assert "<b>Kendala</b> yang tersimpan: Petugas terbatas" in kasi.text
    await kasi.press("Tetap")
    assert "<b>Upaya perbaikan</b> yang tersimpan: Menambah petugas" in kasi.text
    await kasi.press("Tetap")
    assert "alasan perubahan" in kasi.text
    await kasi.send("Salah hitung pelayanan")
    assert "Kendala: Petugas terbatas" in kasi.text
    assert "Upaya perbaikan: Menambah petugas" in kasi.text
    assert "Faktor pendorong: Dukungan aplikasi SIAPkerja" in kasi.text
    assert "Bukti dukung: 1 berkas tersimpan" in kasi.text
    await kasi.press("Simpan")
    first, second = revisions(app.engine, "IK.18")
    assert second.numerator == D(92) and second.reason == "Salah hitung pelayanan"
    assert (second.kendala, second.upaya_perbaikan, second.faktor_pendorong) == (
        first.kendala,
        first.upaya_perbaikan,
        first.faktor_pendorong,
    )
    assert [e.filename for e in evidence(app)] == ["daftar-hadir.pdf"]
    (row,) = narrative_rows(app)
    assert row[0] == "IK.18" and row[2] == "TW IV"
    assert row[3:] == ("Petugas terbatas", "Dukungan aplikasi SIAPkerja", "Menambah petugas")


async def test_lewati_on_a_correction_keeps_the_saved_pendorong(
    app: Conversations, kasi: CountingChat
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("100")
    await kasi.send("100")
    await kasi.press("Tambah catatan")
    await kasi.send("Layanan daring")
    await kasi.press("Simpan")
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("120")
    await kasi.send("120")
    await kasi.send("Ada pelayanan yang belum tercatat")
    assert "Faktor pendorong: Layanan daring" in kasi.text
    await kasi.press("Tambah catatan")
    assert "<b>Faktor pendorong</b> saat ini: Layanan daring" in kasi.text
    await kasi.press("Lewati")
    assert "Faktor pendorong: Layanan daring" in kasi.text
    await kasi.press("Simpan")
    assert revisions(app.engine, "IK.18")[-1].faktor_pendorong == "Layanan daring"
    (row,) = narrative_rows(app)
    assert row[4] == "Layanan daring"


async def test_a_correction_may_replace_the_saved_kendala(
    app: Conversations, kasi: CountingChat
) -> None:
    await save_ik18_below_target_with_everything(kasi)
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("91")
    await kasi.send("100")
    await kasi.press("Ubah")
    assert "kendala</b> (faktor penghambat) yang baru" in kasi.text
    await kasi.send("Jaringan terputus")
    await kasi.press("Tetap")  # the upaya stays
    await kasi.send("Angka dikoreksi")
    await kasi.press("Simpan")
    last = revisions(app.engine, "IK.18")[-1]
    assert (last.kendala, last.upaya_perbaikan) == ("Jaringan terputus", "Menambah petugas")


# --- item 3: a figure for an earlier quarter against the later one -----------------------


async def report_ik19(kasi: Chat, quarter: str, figure: str) -> None:
    await kasi.send("/lapor")
    await kasi.press(quarter)
    await kasi.press("IK.19")
    await kasi.send(figure)


async def test_an_earlier_quarter_above_the_later_one_is_caught(
    app: Conversations, kasi: CountingChat
) -> None:
    await report_ik19(kasi, "TW III", "800")
    await kasi.press("Simpan")
    await report_ik19(kasi, "TW II", "900")
    assert (
        "Realisasi kumulatif s.d. TW II (900) lebih besar dari angka TW III yang sudah "
        "tersimpan (800)" in kasi.text
    )
    assert "perbaiki dulu angka TW III" in kasi.text
    assert not any("Simpan" in b.label for r in kasi.replies for row in r.buttons for b in row)
    assert revisions(app.engine, "IK.19", quarter=2) == []
    await kasi.press("Perbaiki TW III dulu")
    assert "Periode: TW III 2025" in kasi.text and "Sudah dilaporkan: 800 Orang" in kasi.text


async def test_an_earlier_quarter_above_the_later_one_may_be_kept_with_a_reason(
    app: Conversations, kasi: CountingChat
) -> None:
    await report_ik19(kasi, "TW III", "800")
    await kasi.press("Simpan")
    await report_ik19(kasi, "TW II", "900")
    await kasi.press("Angka benar, beri alasan")
    assert "lebih besar dari angka triwulan berikutnya" in kasi.text
    await kasi.send("TW III akan dikoreksi")
    await kasi.press("Ya, angkanya benar")  # 900 of a TW II target of 500 is far above it
    await kasi.press("Simpan")
    (saved,) = revisions(app.engine, "IK.19", quarter=2)
    assert saved.value == D(900) and saved.reason == "TW III akan dikoreksi"


async def test_a_figure_between_its_neighbours_passes(
    app: Conversations, kasi: CountingChat
) -> None:
    await report_ik19(kasi, "TW III", "800")
    await kasi.press("Simpan")
    await report_ik19(kasi, "TW II", "600")
    assert "lebih besar dari angka" not in kasi.text and "Pratinjau laporan" in kasi.text


def test_the_check_against_both_neighbours_is_pure() -> None:
    entered = Figures(numerator=D(50), denominator=D(80))
    slips = against_neighbours(
        Kind.RATIO,
        entered,
        earlier=(1, Figures(numerator=D(60), denominator=D(70))),
        later=(3, Figures(numerator=D(70), denominator=D(75))),
    )
    assert [(s.code, s.part, s.quarter, s.stored) for s in slips] == [
        (Neighbour.BELOW_EARLIER, "numerator", 1, D(60)),
        (Neighbour.ABOVE_LATER, "denominator", 3, D(75)),
    ]
    assert not against_neighbours(Kind.VALUE, Figures(value=D(1)), later=(4, Figures(value=D(0))))


# --- item 16: a figure on target in five interactions -------------------------------------


async def test_an_on_target_ratio_is_saved_in_five_interactions(
    app: Conversations, kasi: CountingChat
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("100")
    await kasi.send("100")
    assert "Pratinjau laporan" in kasi.text and "Capaian: <b>100%</b>" in kasi.text
    labels = [b.label for r in kasi.replies for row in r.buttons for b in row]
    assert "📝 Tambah catatan" in labels and "📎 Tambah bukti" in labels
    assert revisions(app.engine, "IK.18") == []  # nothing stored before Simpan
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text and "Revisi ke-1" in kasi.text
    assert kasi.sent == 5
    (saved,) = revisions(app.engine, "IK.18")
    assert (saved.numerator, saved.denominator, saved.faktor_pendorong) == (D(100), D(100), None)


async def test_a_correction_on_target_takes_two_interactions_more(
    app: Conversations, kasi: CountingChat
) -> None:
    for step in ("/lapor", "IK.18", "100", "100", "Simpan"):
        await (kasi.press(step) if step in ("IK.18", "Simpan") else kasi.send(step))
    kasi.sent = 0
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("120")
    await kasi.send("120")
    await kasi.send("Pelayanan bulan Desember belum masuk")
    assert "Alasan perubahan: Pelayanan bulan Desember belum masuk" in kasi.text
    await kasi.press("Simpan")
    assert "Revisi ke-2" in kasi.text
    assert kasi.sent == 7
    assert revisions(app.engine, "IK.18")[-1].denominator == D(120)


async def test_below_target_still_asks_kendala_and_upaya_but_nothing_optional(
    app: Conversations, kasi: CountingChat
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("80")
    await kasi.send("100")
    assert "<b>kendala</b>" in kasi.text
    await kasi.send("Petugas cuti")
    assert "<b>upaya perbaikan</b>" in kasi.text
    await kasi.send("Petugas pengganti")
    assert "Pratinjau laporan" in kasi.text
    await kasi.press("Simpan")
    assert kasi.sent == 7
    last = revisions(app.engine, "IK.18")[-1]
    assert (last.kendala, last.upaya_perbaikan) == ("Petugas cuti", "Petugas pengganti")


async def test_a_file_sent_at_the_preview_is_taken_as_evidence(
    app: Conversations, kasi: CountingChat
) -> None:
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.send("100")
    await kasi.send("100")
    await kasi.send_file(b"%PDF-1.4 foto kegiatan", "foto.pdf")
    assert "“foto.pdf” diterima (1 berkas)" in kasi.text
    await kasi.press("Selesai kirim bukti")
    assert "Bukti dukung: 1 berkas" in kasi.text
    await kasi.press("Simpan")
    assert [e.filename for e in evidence(app)] == ["foto.pdf"]


# --- item 15: /lapor and /capaian open on the same quarter --------------------------------


async def test_lapor_opens_on_the_locked_current_quarter_and_names_the_open_one(
    app: Conversations, kasi: CountingChat
) -> None:
    """TW III and IV locked, TW I and II still open: /lapor used to jump back to TW II while
    /capaian showed TW IV. Both now open on TW IV; /lapor says it is locked and where the
    person still has indicators to report."""
    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        periods = ensure_periods(session, org, 2025)
        for quarter in (3, 4):
            lock(session=session, period=periods[quarter], person_id=None, now=app.clock())
    await kasi.send("/lapor")
    assert "Laporan kinerja TW IV 2025" in kasi.text
    assert "TW IV sudah dikunci" in kasi.text and "permintaan perubahan" in kasi.text
    assert "TW II masih terbuka: 3 indikator belum dilaporkan" in kasi.text
    assert "TW I masih terbuka" in kasi.text
    await kasi.press("TW II")
    assert "Laporan kinerja TW II 2025" in kasi.text and "dikunci" not in kasi.text
    await kasi.send("/capaian")
    assert "TW IV 2025" in kasi.text
