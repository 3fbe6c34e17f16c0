"""The operator's tools: `sicapai cek`, and the backup-and-restore steps of docs/operations.md."""

from __future__ import annotations

import json
import subprocess
import tarfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.botapi import BotApiStandIn
from tests.support.cli import run_cli
from tests.support.database import Database

TOKEN = "987654:OPERATOR-secret-token"


async def test_cek_passes_with_a_reachable_bot_api(seeded: Database, tmp_path: Path) -> None:
    import asyncio

    async with BotApiStandIn(token=TOKEN) as api:
        result = await asyncio.to_thread(
            run_cli,
            "cek",
            database_url=seeded.url,
            env={
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "SICAPAI_FILES_DIR": str(tmp_path / "bukti"),
            },
        )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line[:2] for line in lines] == ["OK", "OK", "OK", "OK", "- ", "- "], lines
    assert "@sicapai_test_bot" in result.stdout
    assert "WhatsApp tidak dipakai" in lines[-1]


async def test_cek_reports_each_failure_without_leaking_the_token(tmp_path: Path) -> None:
    import asyncio

    async with BotApiStandIn(token="111:OTHER") as api:
        result = await asyncio.to_thread(
            run_cli,
            "cek",
            database_url=f"sqlite:///{tmp_path / 'tidak-ada.db'}",
            env={
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "SICAPAI_FILES_DIR": "/proc/tidak-bisa",
            },
        )
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("GAGAL")]
    assert [line.split(":")[0] for line in failed] == [
        "GAGAL  basis data",
        "GAGAL  folder bukti",
        "GAGAL  Bot API",
    ]
    assert TOKEN not in result.stdout + result.stderr


def _table(url: str) -> list[dict[str, object]]:
    result = run_cli(
        "capaian", "--tahun", "2025", "--triwulan", "4", "--format", "json", database_url=url
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_backup_and_restore_as_documented(seeded: Database, tmp_path: Path) -> None:
    evidence = tmp_path / "bukti"
    evidence.mkdir()
    (evidence / "daftar-hadir.pdf").write_bytes(b"%PDF-1.4 bukti")
    before = _table(seeded.url)
    archive = tmp_path / "bukti.tar.gz"
    subprocess.run(["tar", "-czf", str(archive), "-C", str(evidence), "."], check=True, timeout=60)
    if seeded.backend == "postgresql":
        dump = tmp_path / "sicapai.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", seeded.url], check=True, timeout=120
        )
        name = f"sicapai_pulih_{uuid.uuid4().hex[:8]}"
        admin = create_engine(
            make_url(seeded.url).set(drivername="postgresql+psycopg", database="postgres"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        restored = make_url(seeded.url).set(database=name).render_as_string(hide_password=False)
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", f"--dbname={restored}", str(dump)],
                check=True,
                timeout=120,
            )
            assert run_cli("db", "upgrade", database_url=restored).returncode == 0
            assert _table(restored) == before
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        source = make_url(seeded.url).database
        copy = tmp_path / "cadangan.db"
        subprocess.run(["sqlite3", source, f".backup '{copy}'"], check=True, timeout=60)
        assert _table(f"sqlite:///{copy}") == before
    restored_files = tmp_path / "pulih"
    restored_files.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(restored_files, filter="data")
    assert (restored_files / "daftar-hadir.pdf").read_bytes() == b"%PDF-1.4 bukti"
