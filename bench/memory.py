"""Benchmark: how much memory does `sicapai run` hold with a whole office (1,000 people) on it?

An office's bot runs for months on a small VM, so what matters is the resident memory of the
real process, not of a test harness: this starts `sicapai run` as a subprocess (exactly as an
operator would, against the Bot API stand-in on 127.0.0.1), with 1,000 registered people,
and reads `/proc/<pid>/status` (VmRSS now, VmHWM the peak) at these moments:

1. idle after start: polling, the command menu set, the two chart worker processes warmed
   up, and the first reminder tick (5 s after start) done;
2. during a reporting burst: a few hundred of those people complete /lapor at once (the
   same six steps as the `conversations` benchmark), sampled every half second;
3. right after the burst, and again after a quiet spell;
4. the same after a second burst by as many other people: memory that keeps growing with
   every new person would show here, memory that is a one-time warm-up would not.

The chart workers are child processes; their memory is listed separately (RSS, and PSS for
the whole tree, which counts shared pages once, so it is the honest total).

People are registered before the process starts, with the same rows /start writes (the
subject here is memory, not registration). SICAPAI_TAHUN=2025; the process uses the real
clock, so the reminder tick plans for everyone but (outside working hours) sends nothing.

Run with `python -m bench memory [--quick] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    TOKEN,
    ReplyWatch,
    Reporter,
    machine,
    markdown_table,
    office_with_reporters,
    register_directly,
    temporary_database,
)
from bench.conversations import act, sicapai_steps
from tests.botapi import BotApiStandIn

IDLE_S = 20.0
QUICK_IDLE_S = 5.0
SAMPLE_S = 0.5


# --------------------------------------------------------------------------- /proc


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, ... in kB."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Vm"):
                key, _, rest = line.partition(":")
                values[key] = int(rest.split()[0])
    return values


def _pss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (chart workers, multiprocessing's resource tracker)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Snapshot:
    moment: str
    rss_kb: int
    hwm_kb: int
    children: int
    children_rss_kb: int
    tree_pss_kb: int


def snapshot(pid: int, moment: str) -> Snapshot:
    main = _status(pid)
    kids = descendants(pid)
    return Snapshot(
        moment,
        main.get("VmRSS", 0),
        main.get("VmHWM", 0),
        len(kids),
        sum(_status(k).get("VmRSS", 0) for k in kids),
        _pss(pid) + sum(_pss(k) for k in kids),
    )


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    backend: str
    people: int
    burst: int
    started_s: float = math.nan
    burst_s: list[float] = field(default_factory=list)
    finished: int = 0
    exit_code: int | None = None
    snapshots: list[Snapshot] = field(default_factory=list)
    log_tail: str = ""


async def wait_until_ready(api: BotApiStandIn, process: asyncio.subprocess.Process) -> None:
    """Until the bot has set its menu (after the chart warm-up) and is long-polling."""
    while True:
        methods = {c.method for c in api.calls}
        if {"setMyCommands", "getUpdates"} <= methods:
            return
        if process.returncode is not None:
            raise RuntimeError(f"sicapai run exited with {process.returncode}")
        await asyncio.sleep(0.1)


async def burst(
    api: BotApiStandIn, watch: ReplyWatch, people: list[Reporter], pid: int, result: Result
) -> None:
    label = f"peak during burst {len(result.burst_s) + 1}"
    peak: Snapshot | None = None
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            now = snapshot(pid, label)
            if peak is None or now.rss_kb > peak.rss_kb:
                peak = now
            await asyncio.sleep(SAMPLE_S)

    sampler = asyncio.create_task(sample())
    began = time.monotonic()
    outcomes = await asyncio.gather(
        *(act(api, watch, p.user_id, sicapai_steps(p.indicator_code), 600.0) for p in people)
    )
    result.burst_s.append(time.monotonic() - began)
    done.set()
    await sampler
    result.finished += sum(1 for o in outcomes if o.finished)
    if peak is not None:
        result.snapshots.append(peak)


async def run(backend: str, people: int, burst_people: int, idle_s: float) -> Result:
    result = Result(backend, people, burst_people)
    with temporary_database(backend) as db, tempfile.TemporaryDirectory() as folder:
        reporters = await asyncio.to_thread(office_with_reporters, db.engine, people)
        await asyncio.to_thread(register_directly, db.engine, reporters)
        db.engine.dispose()  # the bot process opens its own connections
        async with BotApiStandIn(token=TOKEN) as api:
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))
            }
            env.update(
                DATABASE_URL=db.url,
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_BASE_URL=api.base_url,
                SICAPAI_FILES_DIR=str(Path(folder) / "bukti"),
                SICAPAI_TAHUN="2025",
            )
            log_path = Path(folder) / "sicapai-run.log"
            with log_path.open("wb") as log:
                began = time.monotonic()
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "sicapai.bot.cli",
                    "run",
                    env=env,
                    cwd=folder,
                    stdout=log,
                    stderr=log,
                )
                try:
                    await wait_until_ready(api, process)
                    result.started_s = time.monotonic() - began
                    await asyncio.sleep(idle_s)
                    moment = f"idle, {idle_s:.0f} s after start"
                    result.snapshots.append(snapshot(process.pid, moment))
                    watch = ReplyWatch(api)
                    for n in (1, 2):
                        crowd = reporters[(n - 1) * burst_people : n * burst_people]
                        await burst(api, watch, crowd, process.pid, result)
                        result.snapshots.append(snapshot(process.pid, f"right after burst {n}"))
                        await asyncio.sleep(idle_s)
                        moment = f"idle, {idle_s:.0f} s after burst {n}"
                        result.snapshots.append(snapshot(process.pid, moment))
                finally:
                    if process.returncode is None:
                        process.send_signal(signal.SIGTERM)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(process.wait(), 30)
                    if process.returncode is None:
                        process.kill()
                        await process.wait()
                    result.exit_code = process.returncode
            result.log_tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-5:])
    return result


# --------------------------------------------------------------------------- the report


def mib(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def report(results: list[Result], host: str) -> str:
    rows = []
    for r in results:
        for s in r.snapshots:
            rows.append(
                [
                    r.backend,
                    s.moment,
                    mib(s.rss_kb),
                    mib(s.hwm_kb),
                    f"{s.children}: {mib(s.children_rss_kb)}",
                    mib(s.tree_pss_kb),
                ]
            )
    parts = [
        f"Machine: {host}",
        "",
        markdown_table(
            [
                "database",
                "moment",
                "main VmRSS MiB",
                "main VmHWM MiB",
                "children: VmRSS MiB",
                "whole tree PSS MiB",
            ],
            rows,
            "llrrrr",
        ),
        "",
    ]
    for r in results:
        parts.append(
            f"- {r.backend}: {r.people} registered; ready (menu set, polling) "
            f"{r.started_s:.1f} s after launch; two bursts: {r.finished}/{2 * r.burst} people "
            f"completed /lapor (in {' and '.join(f'{s:.1f}' for s in r.burst_s)} s); "
            f"exit status {r.exit_code}"
        )
        if r.exit_code not in (0, None):
            parts.append(f"  log tail: {r.log_tail}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="200 people, bursts of 30")
    parser.add_argument("--people", type=int, help="registered people (default 1000)")
    parser.add_argument(
        "--burst", type=int, help="people completing /lapor in each of two bursts (default 300)"
    )
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    people = args.people or (200 if args.quick else 1000)
    burst_people = args.burst or (30 if args.quick else 300)
    idle_s = QUICK_IDLE_S if args.quick else IDLE_S
    backends = ["postgresql"] if args.quick else args.backends
    logging.basicConfig(level=logging.WARNING)
    host = machine()
    results = [asyncio.run(run(b, people, burst_people, idle_s)) for b in backends]
    text = report(results, host)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
