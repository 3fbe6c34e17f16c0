"""Evidence hygiene: only the chat that waits for a file gets it, never empty, never twice,
and only ever under a safe base name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from sicapai.handlers.port import Identity
from sicapai.models.db import transaction
from sicapai.models.performance import Evidence
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, report_ik18
from tests.support.database import Database


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 1001, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    await report_ik18(chat, "100", "100")
    await chat.press("Tambah bukti")  # at the preview
    assert "bukti dukung" in chat.text
    return chat


def evidence(app: Conversations) -> list[Evidence]:
    with transaction(app.engine) as session:
        return list(session.exec(select(Evidence).order_by(col(Evidence.id))))


def stored_files(app: Conversations) -> list[Path]:
    folder = app.files_dir
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_a_file_shared_in_a_group_is_never_downloaded(app: Conversations, kasi: Chat) -> None:
    in_group = Chat(app, 1001, "Budi")
    in_group.identity = Identity("telegram", "1001", "-100777", "Budi", private=False)
    await in_group.send_file(b"%PDF-1.4 rapat", "notulen.pdf")
    assert "chat pribadi" in in_group.text
    assert stored_files(app) == []
    await kasi.send_file(b"%PDF-1.4 bukti", "bukti.pdf")  # the private chat still waits
    assert "“bukti.pdf” diterima (1 berkas)" in kasi.text


async def test_an_empty_file_is_refused(app: Conversations, kasi: Chat) -> None:
    skip = kasi.button("Lewati")  # the evidence step's button, still there in the chat
    await kasi.send_file(b"", "kosong.pdf")
    assert "kosong (0 byte)" in kasi.text
    assert stored_files(app) == []
    await kasi.press_data(skip)
    await kasi.press("Simpan")
    assert evidence(app) == []


async def test_the_same_file_twice_is_kept_once(app: Conversations, kasi: Chat) -> None:
    await kasi.send_file(b"%PDF-1.4 daftar hadir", "daftar-hadir.pdf")
    await kasi.send_file(b"%PDF-1.4 daftar hadir", "daftar-hadir (1).pdf")
    assert "sudah dilampirkan" in kasi.text and "(1 berkas)" in kasi.text
    assert len(stored_files(app)) == 1
    await kasi.press("Selesai kirim bukti")
    await kasi.press("Simpan")
    assert [e.filename for e in evidence(app)] == ["daftar-hadir.pdf"]
    # a correction with the same file again: still one row for that file
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    await kasi.send("100")
    await kasi.send("100")
    await kasi.send("Menambah bukti")  # the reason; the preview follows
    assert "Bukti dukung: 1 berkas tersimpan" in kasi.text
    await kasi.press("Tambah bukti")
    assert "1 berkas bukti dukung sudah tersimpan dan tetap dilampirkan" in kasi.text
    await kasi.send_file(b"%PDF-1.4 daftar hadir", "lagi.pdf")
    assert "sudah dilampirkan" in kasi.text
    await kasi.send_file(b"%PDF-1.4 foto lain", "baru.pdf")
    await kasi.press("Selesai kirim bukti")
    assert "Bukti dukung: 2 berkas (1 tersimpan, 1 baru)" in kasi.text
    await kasi.press("Simpan")
    rows = evidence(app)
    assert [e.filename for e in rows] == ["daftar-hadir.pdf", "baru.pdf"]
    assert len({e.sha256 for e in rows}) == len(rows)


async def test_a_path_in_a_file_name_is_reduced_to_its_base_name(
    app: Conversations, kasi: Chat
) -> None:
    await kasi.send_file(b"%PDF-1.4 x", "../../../etc/passwd.pdf")
    assert "“passwd.pdf” diterima" in kasi.text
    await kasi.send_file(b"%PDF-1.4 y", "..\\..\\windows\\\x07system.pdf")
    assert "“system.pdf” diterima" in kasi.text
    await kasi.press("Selesai kirim bukti")
    await kasi.press("Simpan")
    assert [e.filename for e in evidence(app)] == ["passwd.pdf", "system.pdf"]
    assert all(Path(e.path).parent == app.files_dir for e in evidence(app))


async def test_the_evidence_prompt_names_the_limit_in_force(
    office: Database, clock: Clock, tmp_path: Path
) -> None:
    strict = Conversations(
        office.engine, files_dir=tmp_path, clock=clock, evidence_bytes=5 * 1024 * 1024
    )
    try:
        chat = Chat(strict, 1002, "Sari")
        await chat.register("Kasi Penempatan Tenaga Kerja")
        await report_ik18(chat, "100", "100")
        await chat.press("Tambah bukti")
        assert "maksimal 5 MB" in chat.text
    finally:
        await strict.close()
