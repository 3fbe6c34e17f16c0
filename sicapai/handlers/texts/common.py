"""`menu`: the commands a person may use, as buttons (WhatsApp has no command menu)."""

from __future__ import annotations

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
