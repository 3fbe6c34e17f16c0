"""`menu`: the commands a person may use, as buttons (WhatsApp has no command menu); and what
every flow says about a typed reason that is too short (`handlers.reasons`)."""

from __future__ import annotations

from typing import NamedTuple

from sicapai.handlers.texts import esc

MENU = "Tampilkan perintah sebagai tombol"
HELP = "tampilkan perintah yang dapat Anda gunakan sebagai tombol"
TITLE = "📋 <b>Menu SiCapai</b>"
PICK = (
    "Silakan pilih salah satu tombol di bawah ini, atau ketik nama perintahnya "
    "(misalnya <code>lapor</code>)."
)
BTN_PREV_PAGE = "⬅️ Sebelumnya"
BTN_NEXT_PAGE = "Berikutnya ➡️"


def command_button(name: str, line: str) -> str:
    """A command's button: its name first, so a shortened label still says which it is."""
    return f"{name.capitalize()} — {line}"


def menu(intro: str, page: int, pages: int) -> str:
    """The message above the command buttons; `intro` says why it is shown."""
    parts = [intro, PICK]
    if pages > 1:
        parts.append(f"<i>Halaman {page + 1} dari {pages}</i>")
    return "\n\n".join(parts)


# --- a typed reason (`handlers.reasons`): what it needs, with an example ---------------------


class ReasonKind(NamedTuple):
    """What a kind of reason is called, and an example of a good one."""

    name: str
    example: str


REASON_REVISION = ReasonKind(
    "alasan perubahan", "Salah hitung jumlah pelayanan bulan Agustus, sudah dicek ulang"
)
REASON_RETURN_NOTE = ReasonKind(
    "catatan untuk pelapor", "Lampirkan daftar hadir pelatihan sebagai bukti dukung"
)
REASON_UNLOCK = ReasonKind(
    "alasan membuka kunci", "Ada temuan Inspektorat pada angka IK.18 yang harus diperbaiki"
)


def reason_too_short(kind: ReasonKind) -> str:
    return (
        f"Mohon tuliskan {esc(kind.name)} dalam satu kalimat singkat, paling sedikit dua kata "
        "(sepuluh huruf), supaya jelas bagi yang membacanya nanti. Contoh: "
        f"<i>{esc(kind.example)}</i>"
    )
