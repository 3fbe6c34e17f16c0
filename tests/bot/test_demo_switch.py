"""The demo shows the whole cycle in one sitting: the kasi reports, the kabid reviews, the
admin is there too (`/ganti`, `--jabatan admin`), and a kept demo folder carries it over."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli

# IK.19 corrected to 1.800: confirm the >150% warning, give the reason, save
KASI_REPORTS = "/lapor\n2\n1\n1.800\n#1\nKarena salah ketik angka sebelumnya\n#1\n"
KABID = "Kepala Bidang Tenaga Kerja"


def _demo(*args: str, typed: str, cwd: Path) -> str:
    result = run_cli("demo", *args, database_url=None, cwd=cwd, typed=typed)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _reviewed_by_kasi(out: str) -> bool:
    """The kabid's /verifikasi lists IK.19 as the kasi's, no longer as the demo's own data."""
    waiting = out[out.index("Menunggu verifikasi Anda") :]
    line = next(line for line in waiting.splitlines() if line.startswith("• IK.19"))
    return "data contoh" not in line


def test_one_demo_switches_from_the_kasi_to_the_kabid_and_the_admin(tmp_path: Path) -> None:
    typed = (
        KASI_REPORTS
        + "/ganti\n/ganti Kabid Entah\n"
        + f"/ganti {KABID}\n/verifikasi\n"
        + "/ganti admin\n/bantuan\n"
    )
    out = _demo(typed=typed, cwd=tmp_path)
    assert "Laporan tersimpan" in out
    assert "Sebutkan jabatan yang ingin Anda perankan" in out
    assert "Tidak dapat berganti: jabatan 'Kabid Entah' tidak dikenal" in out
    assert f"Sekarang Anda berperan sebagai {KABID}." in out
    assert _reviewed_by_kasi(out)
    assert "Sekarang Anda berperan sebagai admin." in out
    assert "Khusus admin" in out.split("Sekarang Anda berperan sebagai admin.")[1]


def test_a_kept_demo_folder_carries_the_report_to_a_later_demo_as_the_admin(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo-kantor"
    first = _demo("--folder", str(folder), typed=KASI_REPORTS, cwd=tmp_path)
    assert "Laporan tersimpan" in first and (folder / "demo.db").exists()
    later = _demo(
        "--folder",
        str(folder),
        "--jabatan",
        "admin",
        typed=f"/bantuan\n/ganti {KABID}\n/verifikasi\n",
        cwd=tmp_path,
    )
    assert "Basis data demo yang tersimpan dipakai lagi" in later
    assert "chat di terminal sebagai admin" in later and "Khusus admin" in later
    assert _reviewed_by_kasi(later)
    assert list(tmp_path.iterdir()) == [folder]  # nothing else in the current folder


def test_jabatan_has_an_indonesian_help_text(tmp_path: Path) -> None:
    result = run_cli("demo", "--help", database_url=None, cwd=tmp_path)
    assert result.returncode == 0
    assert 'jabatan yang diperankan, atau "admin"' in " ".join(result.stdout.split())
    assert "/ganti JABATAN" in result.stdout
