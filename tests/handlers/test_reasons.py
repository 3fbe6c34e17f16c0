"""A typed reason must be a short sentence (`handlers.reasons`): a correction's reason, a
reviewer's return note, the admin's reason to unlock — "ok" and "x" are refused with a
message that says what is needed and gives an example."""

from __future__ import annotations

import pytest

from sicapai.handlers.reasons import is_sentence
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, report, report_ik18, slot


@pytest.mark.parametrize(
    ("text", "enough"),
    [
        ("ok", False),
        ("x", False),
        ("salah", False),
        ("ok ok", False),
        ("12 34 56", False),  # figures are no reason
        ("Salah ketik", True),
        ("Temuan inspektorat", True),
        ("Lampirkan daftar hadir pelatihan", True),
        ("Revisi IK.18 sesuai BA", True),
    ],
)
def test_a_reason_is_at_least_two_words_and_ten_letters(text: str, enough: bool) -> None:
    assert is_sentence(text) is enough


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.replies for row in r.buttons for b in row]


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 21, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    return chat


def status(app: Conversations) -> str:
    submission, _ = slot(app, "IK.18")
    assert submission is not None
    return submission.status


async def _send_ik18(kasi: Chat) -> None:
    await report_ik18(kasi, "100", "100")
    while "Simpan" not in " ".join(labels(kasi)):
        await kasi.press("Lewati")
    await kasi.press("Simpan")


async def test_a_correction_refuses_ok_as_its_reason(app: Conversations, kasi: Chat) -> None:
    await _send_ik18(kasi)
    await report(kasi, "IK.18", "100", "100")
    while "alasan perubahan" not in kasi.text:
        await kasi.press("Lewati")
    await kasi.send("ok")
    assert "paling sedikit dua kata" in kasi.text and "Contoh: <i>Salah hitung" in kasi.text
    assert "Alasan perubahan: ok" not in kasi.text
    await kasi.send("Salah hitung jumlah pelayanan")
    assert "Alasan perubahan: Salah hitung jumlah pelayanan" in kasi.text
    await kasi.press("Simpan")
    _, revisions = slot(app, "IK.18")
    assert sorted(r.reason or "" for r in revisions) == ["", "Salah hitung jumlah pelayanan"]


async def test_a_return_note_refuses_x(app: Conversations, kasi: Chat) -> None:
    kabid = Chat(app, 22, "Rahmat")
    await kabid.register("Kabid Tenaga Kerja")
    await _send_ik18(kasi)
    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    await kabid.press("Kembalikan")
    await kabid.send("x")
    assert "catatan untuk pelapor" in kabid.text and "Contoh: <i>Lampirkan" in kabid.text
    assert status(app) == "terkirim"  # nothing returned yet
    await kabid.send("Lampirkan daftar hadir pelatihan")
    assert "dikembalikan kepada pelapor" in kabid.text
    assert status(app) == "dikembalikan"
