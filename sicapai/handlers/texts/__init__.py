"""What the bot says outside any particular flow, gathered for review as Indonesian prose.

Every text is HTML for Telegram's parse_mode=HTML: anything a person typed is escaped with
`esc` before it is echoed.
"""

from __future__ import annotations

import html
import re

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
    "kantor Anda, lalu kirim <code>/start KODE</code>."
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
FILE_TOO_BIG = "Berkas terlalu besar. Ukuran maksimal bukti dukung adalah 20 MB."
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
HELP = (
    "<b>Perintah SiCapai</b>\n"
    "/lapor — laporkan realisasi indikator kinerja triwulan ini\n"
    "/anggaran — laporkan realisasi anggaran (bagi yang bertugas)\n"
    "/pengingat — lihat dan tunda pengingat Anda\n"
    "/capaian — ringkasan capaian per indikator\n"
    "/grafik — grafik capaian, tren, anggaran dan efisiensi\n"
    "/status — siapa yang sudah dan belum melapor (atasan dan admin)\n"
    "/verifikasi — setujui atau kembalikan laporan bawahan\n"
    "/admin, /kunci, /periksa, /ekspor, /impor — khusus admin\n"
    "/batal — hentikan proses yang sedang berjalan\n"
    "/bantuan — tampilkan bantuan ini\n\n"
    "Angka ditulis cara Indonesia: <code>1.762</code> untuk seribu tujuh ratus enam puluh "
    "dua, <code>29,71</code> untuk dua puluh sembilan koma tujuh satu. Angka yang diminta "
    "selalu kumulatif sampai dengan triwulan yang dilaporkan (s.d. TW)."
)

MAX_TEXT = 1000  # characters kept of a narrative answer (kendala, upaya, alasan)


def esc(text: object) -> str:
    """Escape anything a person typed (or a name from data) before it goes into a message.

    The one function every path calls that puts a name or free text into a text: a name like
    "<b>A&B</b>" must reach the reader as written, never as markup the platform refuses.
    """
    return html.escape(str(text), quote=False)


_TAG = re.compile(r"<[^>]+>")


def to_plain(text: str) -> str:
    """A message without its markup, for the terminal and for a platform that refused it."""
    return html.unescape(_TAG.sub("", text))


def too_long(length: int) -> str:
    return (
        f"Teks terlalu panjang ({length:,} karakter). Mohon diringkas menjadi paling banyak "
        f"{MAX_TEXT:,} karakter.".replace(",", ".")
    )
