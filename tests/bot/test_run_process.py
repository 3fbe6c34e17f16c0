"""End to end: `sicapai run` as a real process against the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from decimal import Decimal as D
from pathlib import Path

from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.performance import Indicator, Revision, Submission
from tests.botapi import BotApiStandIn
from tests.support.cli import run_cli
from tests.support.database import Database
from tests.support.telegram import TOKEN, User


async def test_sicapai_run_registers_and_stores_a_report(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    invite = await asyncio.to_thread(
        run_cli, "undang", "--jabatan", "Kasi Penempatan TK", database_url=office.url
    )
    assert invite.returncode == 0, invite.stderr
    code = invite.stdout.strip().splitlines()[-1]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))}
    env.update(
        DATABASE_URL=office.url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=standin.base_url,
        SICAPAI_FILES_DIR=str(tmp_path / "bukti"),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sicapai.bot.cli",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        budi = User(standin, 777, "Budi")
        await budi.say(f"/start {code}", "Selamat datang", wait=30)
        await budi.say("/lapor", "Laporan kinerja TW IV 2025")
        await budi.tap("IK.19", "s.d. TW IV")
        await budi.say("1.000", "faktor pendorong")
        await budi.tap("Simpan", "Laporan tersimpan")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert TOKEN not in stderr.decode()  # the token never appears in logs
    with transaction(office.engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == "IK.19")).one()
        (revision,) = session.exec(
            select(Revision)
            .join(Submission, Submission.id == Revision.submission_id)
            .where(Submission.indicator_id == indicator.id)
        ).all()
    assert revision.value == D(1000) and revision.number == 1


async def test_run_without_token_says_so_in_one_line(office: Database) -> None:
    result = await asyncio.to_thread(run_cli, "run", database_url=office.url)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in result.stderr
