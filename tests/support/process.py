"""`sicapai run` as a separate process against the Bot API stand-in, killable like a real one.

Why its own process group: the bot spawns chart workers; a power cut (SIGKILL) takes them all
down at once, and a test must never leave one of them running. Output goes to files so a
chatty process can never block on a full pipe, and a failing test can show what it logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from tests.botapi import BotApiStandIn


def bot_environment(
    *, database_url: str, token: str, base_url: str, files_dir: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))}
    env.update(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_BASE_URL=base_url,
        SICAPAI_FILES_DIR=str(files_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


class BotProcess:
    """One run of `python -m sicapai.bot.cli run [args]`, started in its own process group."""

    def __init__(
        self,
        *,
        database_url: str,
        token: str,
        base_url: str,
        workdir: Path,
        name: str,
        args: tuple[str, ...] = (),
        lean: bool = False,
    ) -> None:
        """`lean` runs turns and charts in threads of the bot's own process: the same code
        paths, without the worker processes a test about something else would wait for."""
        self.workdir = workdir
        self.args = args
        self.env = bot_environment(
            database_url=database_url,
            token=token,
            base_url=base_url,
            files_dir=workdir / "bukti",
        )
        if lean:
            self.env.update(SICAPAI_TURN_WORKERS="0", SICAPAI_CHART_WORKERS="0")
        self.stdout_path = workdir / f"{name}.out"
        self.stderr_path = workdir / f"{name}.err"
        self.process: asyncio.subprocess.Process | None = None

    @classmethod
    def against(
        cls,
        api: BotApiStandIn,
        *,
        database_url: str,
        token: str,
        workdir: Path,
        name: str,
        lean: bool = False,
    ) -> BotProcess:
        return cls(
            database_url=database_url,
            token=token,
            base_url=api.base_url,
            workdir=workdir,
            name=name,
            lean=lean,
        )

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "sicapai.bot.cli",
                "run",
                *self.args,
                env=self.env,
                cwd=self.workdir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, chart workers included
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def wait(self, timeout: float = 30) -> int:  # noqa: ASYNC109 - a bounded test helper
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def kill(self) -> int:
        """SIGKILL the whole group at once: no shutdown code runs, as in a power cut."""
        self._signal_group(signal.SIGKILL)
        return await self.wait()

    async def terminate(self, timeout: float = 30) -> int:  # noqa: ASYNC109
        """SIGTERM to the bot (the operator's Ctrl-C); whatever is left after it exits, or
        after `timeout`, is killed so no worker outlives the test."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await self.wait(timeout)
        except TimeoutError:
            self._signal_group(signal.SIGKILL)
            code = await self.wait()
        self._signal_group(signal.SIGKILL)  # stragglers of the group, if any
        return code

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    def output(self) -> str:
        """Everything the process wrote, stdout then stderr."""
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)
