"""Running the real `sicapai` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str,
    database_url: str | None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    typed: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`database_url=None`: no DATABASE_URL at all (the demo makes its own); `typed`: what
    the operator types on stdin."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))
    }
    environment.pop("DATABASE_URL", None)
    if database_url is not None:
        environment["DATABASE_URL"] = database_url
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sicapai.bot.cli", *args],
        input=typed,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )
