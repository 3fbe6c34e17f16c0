"""`sicapai run` whose Bot API cannot be reached ends with one Indonesian line, no tracebacks."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.database import Database
from tests.support.telegram import TOKEN


def _closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on: bound, then released before the bot dials it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_unreachable_bot_api_is_one_line_and_a_non_zero_exit(
    office: Database, tmp_path: Path
) -> None:
    base_url = f"http://127.0.0.1:{_closed_port()}/bot"
    result = run_cli(
        "run",
        database_url=office.url,
        cwd=tmp_path,
        env={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": base_url,
            "SICAPAI_FILES_DIR": str(tmp_path / "bukti"),
            "SICAPAI_TURN_WORKERS": "0",
            "SICAPAI_CHART_WORKERS": "0",
        },
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"sicapai: Bot API di {base_url} tidak dapat dihubungi; periksa jaringan server dan "
        "TELEGRAM_BASE_URL"
    ]
    assert TOKEN not in result.stderr + result.stdout
