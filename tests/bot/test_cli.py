"""The command line on a fresh database and with bad input: one clear line, non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.database import Database


def test_fresh_database_upgrade_seed_and_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sicapai.db'}"
    assert run_cli("db", "upgrade", database_url=url).returncode == 0
    first = run_cli("seed", "--demo", database_url=url)
    assert first.returncode == 0, first.stderr
    assert "25 indikator" in first.stdout
    again = run_cli("seed", "--demo", database_url=url)  # idempotent
    assert again.returncode == 0 and "tidak diubah" in again.stdout
    result = run_cli(
        "capaian", "--tahun", "2025", "--triwulan", "4", "--format", "json", database_url=url
    )
    assert len(json.loads(result.stdout)) == 25


def test_default_database_is_sicapai_db_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "sicapai.bot.cli", "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sicapai.db").exists()


def _one_line_error(result: object) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return lines[0]


def test_unknown_year(seeded: Database) -> None:
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2019", "--triwulan", "1", database_url=seeded.url)
    )
    assert "2019" in line and "2025" in line


@pytest.mark.parametrize("quarter", ["5", "0", "IV"])
def test_bad_quarter(quarter: str) -> None:
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2025", "--triwulan", quarter, database_url="sqlite://")
    )
    assert "triwulan" in line


@pytest.mark.parametrize(
    "url", ["not a url", "mysql://root@localhost/x", "postgresql://postgres@127.0.0.1:1/test"]
)
def test_bad_database_url(url: str) -> None:
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2025", "--triwulan", "4", database_url=url)
    )
    assert "DATABASE_URL" in line or "basis data" in line


def test_database_that_does_not_exist(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nope.db'}"
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2025", "--triwulan", "4", database_url=missing)
    )
    assert "sicapai db upgrade" in line
    assert not (tmp_path / "nope.db").exists()


def test_postgres_database_that_does_not_exist(db: Database) -> None:
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL-only case")
    from sqlalchemy.engine import make_url

    url = make_url(db.url).set(database="sicapai_no_such_db").render_as_string(hide_password=False)
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2025", "--triwulan", "4", database_url=url)
    )
    assert "sicapai_no_such_db" in line


def test_unmigrated_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    line = _one_line_error(
        run_cli("capaian", "--tahun", "2025", "--triwulan", "4", database_url=f"sqlite:///{path}")
    )
    assert "db upgrade" in line


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    line = _one_line_error(
        run_cli(
            "db",
            "upgrade",
            database_url=f"sqlite:///{tmp_path / 'x.db'}",
            env={"SICAPAI_TZ": "Mars/Olympus"},
        )
    )
    assert "SICAPAI_TZ" in line
