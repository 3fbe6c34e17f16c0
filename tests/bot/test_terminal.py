"""The terminal channel: `sicapai chat` and `sicapai demo` end cleanly whatever stdin is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.database import Database


def _run(
    args: list[str], *, stdin: object, env: dict[str, str], cwd: Path, data: str | None = None
):
    return subprocess.run(
        [sys.executable, "-m", "sicapai.bot.cli", *args],
        input=data,
        stdin=None if data is not None else stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _env(url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))}
    if url:
        env["DATABASE_URL"] = url
    return env


def test_demo_reports_an_indicator_from_piped_input(tmp_path: Path) -> None:
    # IK.19: change the demo figure to 1.800, confirm the >150% warning, skip pendorong and
    # evidence, give the reason a correction needs, and save
    typed = "/lapor\n2\n1\n1.800\n#1\n#1\n#1\nSalah ketik\n#1\n"
    result = _run(["demo"], stdin=None, env=_env(), cwd=tmp_path, data=typed)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "Laporan kinerja TW IV 2025" in out and "Sudah dilaporkan: 1.762 Orang" in out
    assert "Laporan tersimpan" in out and "Revisi ke-2" in out
    assert "Sampai jumpa." in out
    assert not (tmp_path / "sicapai.db").exists()  # never the database at DATABASE_URL


def test_demo_with_closed_stdin_ends_cleanly(tmp_path: Path) -> None:
    result = _run(["demo"], stdin=subprocess.DEVNULL, env=_env(), cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "Sampai jumpa." in result.stdout


def test_chat_plays_a_position_on_the_configured_database(seeded: Database, tmp_path: Path) -> None:
    typed = "/capaian\n/grafik\n1\n"
    result = _run(
        ["chat", "--jabatan", "kasi penempatan tk"],
        stdin=None,
        env={**_env(seeded.url), "SICAPAI_FILES_DIR": str(tmp_path / "bukti")},
        cwd=tmp_path,
        data=typed,
    )
    assert result.returncode == 0, result.stderr
    assert "sebagai Kepala Seksi Penempatan Tenaga Kerja" in result.stdout
    assert "IK.19" in result.stdout
    saved = next(line for line in result.stdout.splitlines() if "berkas disimpan" in line)
    path = Path(saved.split("berkas disimpan: ")[1].rstrip("]"))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    unknown = run_cli("chat", "--jabatan", "Kasi Entah", database_url=seeded.url)
    assert unknown.returncode == 2 and "yang mirip" in unknown.stderr


def test_undang_prints_the_deep_link_then_the_code(seeded: Database) -> None:
    result = run_cli(
        "undang",
        "--jabatan",
        "Kabid Tenaga Kerja",
        "--plt",
        database_url=seeded.url,
        env={"TELEGRAM_BOT_USERNAME": "sicapai_banjar_bot"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    code = lines[-1]
    assert lines[-2] == f"https://t.me/sicapai_banjar_bot?start={code}"
    assert "Plt Kepala Bidang Tenaga Kerja" in lines[0]
    assert 16 <= len(code) <= 64 and all(c.isalnum() or c in "-_" for c in code)
    admin = run_cli("undang", "--admin", database_url=seeded.url)
    assert admin.returncode == 0 and "admin" in admin.stdout


def test_jadwal_shows_and_edits_the_calendar(seeded: Database) -> None:
    shown = run_cli("jadwal", "--tahun", "2025", database_url=seeded.url)
    assert "TW I: tenggat Kamis, 10 April 2025 23.59 WITA" in shown.stdout
    assert "Cuti Bersama Hari Raya Idul Fitri" in shown.stdout
    edited = run_cli(
        "jadwal",
        "--tahun",
        "2025",
        "--tenggat",
        "1=2025-04-14",
        "--libur",
        "2025-10-09",
        "--jam-kerja",
        "07:30-15:30",
        "--pengingat",
        "5,2",
        database_url=seeded.url,
    )
    assert edited.returncode == 0, edited.stderr
    out = edited.stdout
    assert "TW I: tenggat Senin, 14 April 2025 23.59 WITA (diatur admin)" in out
    assert "Jam kerja 07.30–15.30 WITA, Senin, Selasa" in out and "pengingat 5, 2 hari" in out
    assert "Libur kantor: 9 Oktober 2025" in out
    bad = run_cli(
        "jadwal", "--tahun", "2025", "--jam-kerja", "16:00-08:00", database_url=seeded.url
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
