"""Inputs at the edge of what a person can send, pinned down after the property test in
test_properties.py and reading around it showed what they break: very long answers, odd file
names, and characters the database cannot store. Each must end in a stored report, or in a
clear refusal, never in an exception or an endless "sedang ada gangguan"."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import Session, select

from sicapai.handlers import texts
from sicapai.models.performance import Evidence
from sicapai.runtime.conversations import Conversations
from tests.botapi.entities import format_text as _format_text
from tests.support.chat import Chat
from tests.support.data import check_whole, revisions
from tests.support.database import Database


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 7001, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    return chat


async def report_ik18(chat: Chat, numerator: str, denominator: str) -> None:
    await chat.send("/lapor")
    await chat.press("IK.18")
    await chat.send(numerator)
    await chat.send(denominator)


def visible_length(html: str) -> int:
    """Characters as Telegram counts them: after the HTML is parsed."""
    return len(_format_text(html, "HTML", None, strict_html=True)[0])


async def test_a_correction_with_five_long_answers_still_gets_a_sendable_preview(
    app: Conversations, office: Database, kasi: Chat
) -> None:
    await report_ik18(kasi, "100", "100")
    await kasi.press("Simpan")
    long = {name: name[0] * texts.MAX_TEXT for name in ("kendala", "upaya", "pendorong")}
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("50")  # below target: kendala and upaya are asked for
    await kasi.send("100")
    for name in ("kendala", "upaya"):
        await kasi.send(long[name])
    await kasi.send("ab " * (texts.MAX_TEXT // 3))  # the reason for the correction
    await kasi.press("Tambah catatan")  # the pendorong, from the preview
    await kasi.send(long["pendorong"])
    preview = kasi.replies[-1].text
    assert preview.startswith("<b>Pratinjau laporan</b>")
    assert visible_length(preview) <= 4096
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text
    latest = revisions(office.engine, "IK.18")[-1]
    assert (latest.kendala, latest.upaya_perbaikan, latest.faktor_pendorong) == (
        long["kendala"],
        long["upaya"],
        long["pendorong"],
    )  # shortened on screen, stored whole


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("scan.\x00pdf", id="nul-in-suffix"),
        pytest.param("scan." + "x" * 300, id="300-character-suffix"),
        pytest.param("laporan " * 40 + ".pdf", id="320-character-name"),
    ],
)
async def test_odd_file_names_are_kept_as_evidence(
    app: Conversations, office: Database, kasi: Chat, name: str
) -> None:
    await report_ik18(kasi, "100", "100")
    await kasi.press("Tambah bukti")
    await kasi.send_file(b"%PDF-1.4 bukti", name, "application/pdf")
    assert "diterima (1 berkas)" in kasi.text
    await kasi.press("Selesai kirim bukti")
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text
    with Session(office.engine) as session:
        (evidence,) = session.exec(select(Evidence)).all()
    assert len(evidence.filename) <= 255
    assert await asyncio.to_thread(Path(evidence.path).exists)
    assert check_whole(office.engine).problems == []


async def test_a_nul_character_in_an_answer_does_not_block_the_save(
    app: Conversations, office: Database, kasi: Chat
) -> None:
    await report_ik18(kasi, "50", "100")
    await kasi.send("Petugas\x00 terbatas")
    await kasi.send("Menambah\x00 petugas")
    await kasi.press("Simpan")
    assert texts.DATABASE_DOWN not in kasi.text
    assert "Laporan tersimpan" in kasi.text
    (revision,) = revisions(office.engine, "IK.18")
    assert revision.kendala is not None and "terbatas" in revision.kendala
