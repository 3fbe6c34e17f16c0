"""The master-data template's sheets and columns: the file format's own vocabulary.

Sheet names, column headers, the help text each column carries into the Petunjuk sheet and
the allowed values of the choice columns are what a planner sees in Excel, and what the import
looks for when it reads the file back; the writer and the reader take them from here, so the
two cannot disagree. They are Indonesian because the file is, and they are the format, not
messages: what SiCapai says about a file is in `sicapai.handlers.texts.excel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sicapai.excel.writer import CellKind, Column
from sicapai.models.performance import Frequency, Kind, NegativeFormula, Polarity

ORG_SHEET: Final = "Organisasi"
UNIT_SHEET: Final = "Unit"
POSITION_SHEET: Final = "Jabatan"
GOAL_SHEET: Final = "Tujuan"
INDICATOR_SHEET: Final = "Indikator"
BUDGET_SHEET: Final = "Anggaran"
SPENDING_SHEET: Final = "Jenis Belanja"
PAST_SHEET: Final = "Realisasi Lalu"
GUIDE_SHEET: Final = "Petunjuk"
REALISATION_SHEET: Final = "Realisasi Anggaran"

SHEET_ORDER: Final = (
    ORG_SHEET,
    UNIT_SHEET,
    POSITION_SHEET,
    GOAL_SHEET,
    INDICATOR_SHEET,
    BUDGET_SHEET,
    SPENDING_SHEET,
    PAST_SHEET,
    REALISATION_SHEET,
)

UNIT_KINDS: Final = ("dinas", "sekretariat", "bidang", "subbag", "seksi")
BUDGET_KINDS: Final = ("program", "kegiatan", "subkegiatan")
YES: Final = "ya"
NO: Final = "tidak"
YES_WORDS: Final = frozenset({"ya", "y", "yes", "true", "benar", "1", "v", "x", "✓"})
NO_WORDS: Final = frozenset({"tidak", "t", "tdk", "no", "false", "salah", "0", "-"})


@dataclass(frozen=True)
class Col:
    """A column of a template sheet: header, cell kind, the Petunjuk text, allowed values."""

    key: str
    header: str
    kind: CellKind = CellKind.TEXT
    help: str = ""
    choices: tuple[str, ...] = ()
    width: int | None = None

    def column(self) -> Column:
        wrap = self.width is not None and self.width >= 30
        return Column(self.header, self.kind, self.width, wrap)


ORG_FIELDS: Final = (
    Col(
        "kode",
        "kode organisasi",
        CellKind.CODE,
        "Kode singkat organisasi, unik, mis. "
        "disnakertrans-banjar. Dipakai untuk mencocokkan organisasi yang sudah ada.",
    ),
    Col("nama", "nama organisasi", help="Nama lengkap organisasi (OPD)."),
    Col(
        "zona_waktu",
        "zona waktu",
        help="Zona waktu kantor: Asia/Jakarta (WIB), "
        "Asia/Makassar (WITA) atau Asia/Jayapura (WIT). Kosong = Asia/Makassar.",
    ),
    Col(
        "tahun",
        "tahun",
        CellKind.YEAR,
        help="Tahun Perjanjian Kinerja yang dimuat. "
        "Boleh kosong bila tahun diberikan dengan --tahun.",
    ),
)

UNIT_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode unit, unik, mis. SEKSI-PENEMPATAN.", width=30),
    Col("nama", "nama", help="Nama unit kerja.", width=45),
    Col("jenis", "jenis", help="Jenis unit.", choices=UNIT_KINDS),
    Col("induk", "induk", CellKind.CODE, "Kode unit atasan; kosong untuk dinas.", width=30),
)

POSITION_COLUMNS: Final = (
    Col(
        "nama",
        "nama",
        help="Nama jabatan, mis. Kepala Seksi Penempatan Tenaga Kerja. "
        "Tanpa 'Plt': Plt adalah sifat pemegang jabatan, bukan jabatannya.",
        width=45,
    ),
    Col(
        "unit",
        "unit",
        CellKind.CODE,
        "Kode unit (lembar Unit) yang dipimpin jabatan ini.",
        width=30,
    ),
    Col(
        "atasan",
        "atasan",
        help="Nama jabatan atasan langsung; kosong untuk Kepala Dinas.",
        width=45,
    ),
    Col(
        "tugas_anggaran",
        "tugas anggaran",
        help="ya bila jabatan ini melaporkan realisasi anggaran (subbagian keuangan).",
        choices=(YES, NO),
    ),
)

GOAL_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode tujuan, mis. T.1."),
    Col("nama", "nama", help="Rumusan tujuan.", width=45),
)

QUARTER_KEYS: Final = ("tw1", "tw2", "tw3", "tw4")

INDICATOR_COLUMNS: Final = (
    Col(
        "kode",
        "kode",
        CellKind.CODE,
        "Kode indikator, unik dalam satu tahun: T.1 untuk "
        "indikator tujuan, IK.01 dst. untuk indikator PK.",
    ),
    Col(
        "sasaran_kode",
        "sasaran kode",
        CellKind.CODE,
        "Kode sasaran, mis. S.01; kosong untuk indikator tujuan.",
    ),
    Col(
        "sasaran",
        "sasaran",
        help="Rumusan sasaran; sama untuk setiap baris dengan kode sasaran yang sama.",
        width=40,
    ),
    Col(
        "tujuan",
        "tujuan",
        CellKind.CODE,
        "Kode tujuan (lembar Tujuan): tujuan dari sasaran, "
        "atau tujuan yang diukur indikator tujuan.",
    ),
    Col(
        "urutan_laporan",
        "urutan laporan",
        CellKind.INTEGER,
        "Nomor baris indikator di Tabel 3.3 laporan; 0 untuk indikator tujuan.",
    ),
    Col("nama", "indikator", help="Nama indikator kinerja.", width=50),
    Col("formula", "formula", help="Formulasi, mis. 'Jumlah ... : Jumlah ... x 100'.", width=40),
    Col(
        "label_pembilang",
        "label pembilang",
        help="Untuk jenis rasio: nama pembilang yang ditanyakan bot.",
        width=30,
    ),
    Col("label_penyebut", "label penyebut", help="Untuk jenis rasio: nama penyebut.", width=30),
    Col("satuan", "satuan", help="Persen, Orang, Dokumen, Nilai, Nilai Indeks, ..."),
    Col(
        "jenis",
        "jenis",
        help="rasio = pembilang : penyebut x 100; jumlah = dihitung "
        "(bertambah tiap triwulan); nilai = skor/indeks apa adanya.",
        choices=tuple(k.value for k in Kind),
    ),
    Col(
        "polaritas",
        "polaritas",
        help="positif = makin tinggi makin baik; negatif = makin "
        "rendah makin baik. Kosong = positif.",
        choices=tuple(p.value for p in Polarity),
    ),
    Col(
        "rumus_negatif",
        "rumus negatif",
        help="Untuk polaritas negatif: target_per_realisasi "
        "(target / realisasi x 100) atau dua_minus_rasio ((2 - realisasi / target) x 100). "
        "Kosong = target_per_realisasi.",
        choices=tuple(n.value for n in NegativeFormula),
    ),
    Col(
        "frekuensi",
        "frekuensi",
        help="triwulanan atau tahunan (ditanyakan di TW IV saja). Kosong = triwulanan.",
        choices=tuple(f.value for f in Frequency),
    ),
    Col(
        "target",
        "target tahunan",
        CellKind.NUMBER,
        "Target tahun ini dalam satuannya (38 untuk 38%).",
    ),
    Col(
        "tw1",
        "target TW I",
        CellKind.NUMBER,
        "Rencana Aksi: target kumulatif s.d. TW I. "
        "Kosong = pembagian baku (jumlah 25/50/75/100% dari target tahunan; rasio dan nilai "
        "sama dengan target tahunan).",
    ),
    Col("tw2", "target TW II", CellKind.NUMBER, "Rencana Aksi s.d. TW II; kosong = baku."),
    Col("tw3", "target TW III", CellKind.NUMBER, "Rencana Aksi s.d. TW III; kosong = baku."),
    Col("tw4", "target TW IV", CellKind.NUMBER, "Rencana Aksi s.d. TW IV; kosong = baku."),
    Col(
        "penanggung_jawab",
        "penanggung jawab",
        help="Nama jabatan pemilik indikator (lembar "
        "Jabatan); singkatan seperti Kasi, Kabid, Kasubag dikenali.",
        width=40,
    ),
    Col(
        "plt",
        "plt",
        help="Keterangan saja: ya bila jabatan penanggung jawab saat ini dipegang "
        "Plt. Tidak disimpan: status Plt diatur pada pemegang jabatan.",
        choices=(YES, NO),
    ),
    Col(
        "bisa_lebih_100",
        "bisa lebih 100",
        help="Untuk rasio: ya bila pembilang boleh melebihi penyebut. Kosong = tidak.",
        choices=(YES, NO),
    ),
    Col(
        "kode_anggaran",
        "kode anggaran",
        CellKind.CODE,
        "Kode program/kegiatan (lembar "
        "Anggaran) yang mendukung indikator; dipakai untuk efisiensi (Tabel 3.7).",
    ),
    Col(
        "anggaran_pk",
        "anggaran PK",
        CellKind.RUPIAH,
        "Anggaran sebagaimana tercetak di PK (rupiah).",
    ),
    Col(
        "renstra_target",
        "target akhir renstra",
        CellKind.NUMBER,
        "Target akhir periode Renstra (Tabel 3.5); isi bersama tahunnya, atau kosongkan keduanya.",
    ),
    Col("renstra_tahun", "tahun akhir renstra", CellKind.YEAR, "Tahun akhir Renstra, mis. 2030."),
)

BUDGET_COLUMNS: Final = (
    Col(
        "kode",
        "kode",
        CellKind.CODE,
        "Kode mata anggaran, unik dalam satu tahun, mis. 1, 1.1, 1.1.1.",
    ),
    Col("jenis", "jenis", help="program, kegiatan atau subkegiatan.", choices=BUDGET_KINDS),
    Col("nama", "nama", help="Nama program/kegiatan/sub kegiatan.", width=50),
    Col("induk", "induk", CellKind.CODE, "Kode mata anggaran induk; kosong untuk program."),
    Col("pagu", "pagu", CellKind.RUPIAH, "Pagu anggaran (rupiah)."),
    Col(
        "penanggung_jawab",
        "penanggung jawab",
        help="Jabatan yang melaporkan realisasinya.",
        width=40,
    ),
)

SPENDING_COLUMNS: Final = (
    Col("nama", "nama", help="Jenis belanja (Tabel 3.10), mis. Belanja Pegawai.", width=40),
    Col("induk", "induk", help="Nama jenis belanja induk; kosong untuk baris utama.", width=30),
    Col("pagu", "pagu", CellKind.RUPIAH, "Anggaran (rupiah)."),
    Col("realisasi", "realisasi", CellKind.RUPIAH, "Realisasi tahunan (rupiah); boleh kosong."),
)

PAST_COLUMNS: Final = (
    Col("kode", "kode indikator", CellKind.CODE, "Kode indikator (lembar Indikator)."),
    Col("tahun", "tahun", CellKind.YEAR, "Tahun realisasi, mis. 2024."),
    Col("realisasi", "realisasi", CellKind.NUMBER, "Realisasi tahun itu, dalam satuannya."),
    Col("capaian", "capaian", CellKind.PERCENT, "Capaian (%) tahun itu; boleh kosong."),
)

REALISATION_COLUMNS: Final = (
    Col("kode", "kode", CellKind.CODE, "Kode mata anggaran."),
    Col("nama", "nama", help="Nama mata anggaran (keterangan saja, tidak dibaca).", width=60),
    Col(
        "realisasi",
        "realisasi",
        CellKind.RUPIAH,
        "Realisasi kumulatif s.d. triwulan ini (rupiah). Kosong = tidak dilaporkan.",
    ),
)

INFORMATIONAL: Final = frozenset({(INDICATOR_SHEET, "plt"), (REALISATION_SHEET, "nama")})

TABLE_SHEETS: Final[tuple[tuple[str, tuple[Col, ...], str], ...]] = (
    (
        UNIT_SHEET,
        UNIT_COLUMNS,
        "Unit kerja dalam pohon organisasi. Unit yang sudah ada tidak dihapus.",
    ),
    (
        POSITION_SHEET,
        POSITION_COLUMNS,
        "Jabatan. Jabatan yang sudah ada dan pemegangnya "
        "tetap; baris di sini memperbarui unit, atasan dan tugas anggarannya.",
    ),
    (GOAL_SHEET, GOAL_COLUMNS, "Tujuan Perjanjian Kinerja tahun ini."),
    (
        INDICATOR_SHEET,
        INDICATOR_COLUMNS,
        "Satu baris per indikator PK (Tabel 2.3), ditambah "
        "indikator tujuan. Indikator yang ada di basis data tetapi tidak di sini tidak dihapus.",
    ),
    (
        BUDGET_SHEET,
        BUDGET_COLUMNS,
        "Pohon anggaran (Tabel 3.11): program > kegiatan > sub "
        "kegiatan, dengan pagunya. Urutan baris menjadi urutan laporan.",
    ),
    (SPENDING_SHEET, SPENDING_COLUMNS, "Realisasi menurut jenis belanja (Tabel 3.10)."),
    (PAST_SHEET, PAST_COLUMNS, "Realisasi dan capaian tahun-tahun sebelumnya (Tabel 3.4)."),
)
