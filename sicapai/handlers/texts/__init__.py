"""What the bot says outside any particular flow, gathered for review as Indonesian prose.

Every text is written in the core's neutral markup (`<b>`, `<i>`, `<code>` and the escapes
`esc` writes; `texts/markup.py` defines it and renders it for each channel): anything a person
typed is escaped with `esc` before it is echoed.
"""

from __future__ import annotations

import html

from sicapai.handlers.texts.markup import to_plain as to_plain  # kept importable from here

DATABASE_DOWN = (
    "Mohon maaf, sedang ada gangguan pada sistem sehingga pesan Anda belum dapat diproses. "
    "Langkah Anda tetap tersimpan; silakan kirim ulang beberapa saat lagi."
)
STALE_MENU = (
    "Menu ini sudah tidak berlaku. Silakan gunakan pesan terbaru, atau ketik /lapor "
    "untuk memulai lagi."
)
STALE_TOAST = "Menu ini sudah tidak berlaku."
STRANGER = (
    "Mohon maaf, Anda belum terdaftar di SiCapai. Mintalah kode undangan kepada admin "
    "kantor Anda, lalu kirim <code>DAFTAR KODE</code> (atau <code>/start KODE</code>).\n\n"
    "Sudah terdaftar lewat aplikasi lain (Telegram atau WhatsApp)? Kirim "
    "<code>HUBUNGKAN</code> di sana untuk mendapatkan kode penghubung chat ini."
)
INACTIVE = (
    "Mohon maaf, akun Anda sudah tidak aktif di SiCapai. Bila ini keliru, silakan hubungi "
    "admin kantor Anda."
)
GROUP_ONLY_PRIVATE = (
    "Terima kasih. Pelaporan kinerja di SiCapai dilakukan lewat chat pribadi dengan bot ini, "
    "bukan di grup. Silakan buka chat pribadi dengan saya."
)
UNKNOWN_COMMAND = "Perintah /{command} tidak dikenal. Ketik /bantuan untuk melihat daftar perintah."
NOTHING_OPEN = (
    "Saat ini Anda tidak sedang mengisi apa pun. Ketik /lapor untuk melaporkan capaian, "
    "atau /bantuan untuk melihat perintah yang tersedia."
)
CANCELLED = "Baik, dibatalkan. Tidak ada yang disimpan dari langkah tadi."
NOTHING_TO_CANCEL = "Tidak ada proses yang sedang berjalan."
FILE_NOT_EXPECTED = (
    "Terima kasih, tetapi saat ini kami tidak sedang meminta berkas. Bukti dukung dapat "
    "dikirim pada langkah bukti dukung di /lapor."
)


def file_too_big(limit_bytes: int) -> str:
    return (
        "Berkas terlalu besar. Ukuran maksimal bukti dukung adalah "
        f"{limit_bytes // (1024 * 1024)} MB."
    )


FILE_WRONG_TYPE = (
    "Jenis berkas ini tidak dapat diterima. Kirimkan bukti dukung berupa foto atau PDF."
)
FILE_EMPTY = (
    "Berkas itu kosong (0 byte), jadi tidak dapat dipakai sebagai bukti. Silakan kirim ulang."
)
CHANGED_MEANWHILE = (
    "Mohon maaf, data ini baru saja diubah oleh orang lain, jadi permintaan Anda belum "
    "dijalankan. Silakan periksa keadaan terbarunya di bawah ini."
)
RACED = (
    "Mohon maaf, pesan Anda bersamaan dengan pesan lain dari akun Anda sehingga belum "
    "diproses. Silakan kirim ulang."
)
RESEND_DOCUMENT = (
    "(Berkas yang menyertai pesan ini tidak terkirim karena gangguan; silakan minta lagi.)"
)
FILE_DOWNLOAD_FAILED = "Mohon maaf, berkas gagal diunduh. Silakan kirim ulang, atau tekan Lewati."
EVIDENCE_MIME_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"}
)
MENU_BATAL = "Hentikan proses yang sedang berjalan"
HELP_BATAL = "hentikan proses yang sedang berjalan"
MENU_BANTUAN = "Daftar perintah dan cara menulis angka"
HELP_BANTUAN = "tampilkan bantuan ini"
HELP_TITLE = "<b>Perintah SiCapai</b>"
HELP_ADMIN = "<b>Khusus admin</b>"
HELP_NUMBERS = (
    "Angka ditulis cara Indonesia: <code>1.762</code> untuk seribu tujuh ratus enam puluh "
    "dua, <code>29,71</code> untuk dua puluh sembilan koma tujuh satu. Angka yang diminta "
    "selalu kumulatif sampai dengan triwulan yang dilaporkan (s.d. TW)."
)


def help_line(command: str, words: str) -> str:
    return f"/{command} — {words}"


def help_page(lines: list[str]) -> str:
    """`/bantuan`, from the commands the flows declare (`handlers.registry.help_text`)."""
    return "\n".join([HELP_TITLE, *lines]) + "\n\n" + HELP_NUMBERS


MORE_CHOICES = "Pilihan lainnya:"
DELAYED = "Pesan Anda tertunda karena gangguan; silakan ulangi."
STEP_GONE = "Maaf, langkah sebelumnya sudah tidak tersedia; silakan mulai lagi dengan {command}."

MAX_TEXT = 1000  # characters kept of a narrative answer (kendala, upaya, alasan)


def esc(text: object) -> str:
    """Escape anything a person typed (or a name from data) before it goes into a message.

    The one function every path calls that puts a name or free text into a text: a name like
    "<b>A&B</b>" must reach the reader as written, never as markup the platform refuses.
    """
    return html.escape(str(text), quote=False)


def too_long(length: int) -> str:
    return (
        f"Teks terlalu panjang ({length:,} karakter). Mohon diringkas menjadi paling banyak "
        f"{MAX_TEXT:,} karakter.".replace(",", ".")
    )
