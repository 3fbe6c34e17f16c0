"""What the bot says when someone registers with an invite code."""

from __future__ import annotations

from sicapai.handlers.texts import esc

CODE_UNKNOWN = (
    "Mohon maaf, kode undangan itu tidak dikenal. Periksa kembali kodenya (huruf besar dan "
    "kecil dibedakan), atau mintalah kode baru kepada admin."
)
CODE_USED = (
    "Mohon maaf, kode undangan itu sudah pernah dipakai. Setiap kode hanya berlaku sekali; "
    "mintalah kode baru kepada admin."
)
CODE_EXPIRED = (
    "Mohon maaf, kode undangan itu sudah kedaluwarsa (berlaku 7 hari). Mintalah kode baru "
    "kepada admin."
)
TOO_MANY_ATTEMPTS = (
    "Terlalu banyak percobaan kode yang keliru dari chat ini. Silakan coba lagi setelah "
    "satu jam, atau hubungi admin."
)
NEED_CODE = (
    "Selamat datang di SiCapai. Untuk mendaftar, kirim <code>DAFTAR KODE</code> (atau "
    "<code>/start KODE</code>) dengan kode undangan dari admin kantor Anda."
)


def welcome(name: str, positions: list[tuple[str, bool]], admin: bool, owned: list[str]) -> str:
    lines = [f"Selamat datang, <b>{esc(name)}</b>!"]
    if positions:
        held = ", ".join(f"{'Plt ' if acting else ''}{esc(p)}" for p, acting in positions)
        lines.append(f"Anda terdaftar sebagai <b>{held}</b>.")
    if admin:
        lines.append("Anda juga memegang peran <b>admin</b> kantor ini.")
    if owned:
        lines.append("\nIndikator yang menjadi tanggung jawab Anda:")
        lines += [f"• {esc(item)}" for item in owned]
        lines.append("\nKetik /lapor untuk mulai melaporkan capaian.")
    elif positions:
        lines.append("Jabatan Anda belum memiliki indikator untuk dilaporkan.")
    lines.append("Ketik /bantuan untuk melihat semua perintah.")
    return "\n".join(lines)
