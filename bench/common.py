"""What the bot benchmarks share: throw-away databases, an office with many reporters, a way to
see each reply the moment the Bot API stand-in records it, and honest numbers about the machine.

Kept apart from the benchmarks so that `conversations`, `broadcast` and `memory` measure the
same office the same way, and so that each benchmark file says only what it measures.
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import resource
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import select

from sicapai.models.db import make_engine, transaction
from sicapai.models.invites import create_invite, redeem
from sicapai.models.migrate import upgrade
from sicapai.models.organisation import Position
from sicapai.models.performance import Indicator
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master

POSTGRES_URL = os.environ.get(
    "SICAPAI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TOKEN = "123456:BENCH-token-never-printed"
# 29 November 2026, 10:00 WITA: TW IV 2025 is the default period, as in the tests
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
# The indicator every benchmark reporter owns a copy of: a count with target 1.000, so that
# "1.000" gives capaian 100% (no "below target" questions, no "above 150%" warning).
TEMPLATE_INDICATOR = "IK.19"
TEMPLATE_OWNER = "Kepala Seksi Penempatan Tenaga Kerja"
FIRST_USER_ID = 700_001

T = TypeVar("T")


# --------------------------------------------------------------------------- numbers


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    """Milliseconds for a table: whole numbers from 10 ms up, one decimal below."""
    if math.isnan(seconds):
        return "–"
    value = seconds * 1000.0
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


# --------------------------------------------------------------------------- the machine


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def postgres_version(url: str = POSTGRES_URL) -> str:
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            version = str(conn.execute(text("show server_version")).scalar())
        engine.dispose()
        return f"PostgreSQL {version}"
    except Exception as exc:  # unreachable: say so rather than fail the report
        return f"PostgreSQL unreachable ({str(exc).splitlines()[0][:80]})"


def machine(with_postgres: bool = True) -> str:
    """One line naming the machine, so a table is never read without its context."""
    import sqlite3

    model = _first("/proc/cpuinfo", "model name") or "unknown CPU"
    memory = _first("/proc/meminfo", "MemTotal") or "? kB"
    gib = int(memory.split()[0]) / 1024 / 1024 if memory.split()[0].isdigit() else math.nan
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    parts = [
        f"nproc {os.cpu_count()} ({model})",
        f"{gib:.1f} GiB RAM",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if with_postgres:
        parts.append(postgres_version())
    parts.append(f"{platform.system()} {platform.release()}")
    parts.append(f"load average before the run: {load}")
    return "; ".join(parts)


@dataclass
class CpuMeter:
    """CPU used over a span: by this process's event-loop thread, by its other threads and
    worker processes (where conversation turns run), and by the whole machine.

    Figures are in cores: on two cores "loop 1.00" means the event loop never waited, which
    under the GIL is the ceiling for everything that runs on it (here: the bot's Telegram
    side, the stand-in and the simulated people). "machine" is the busy fraction of both
    cores, PostgreSQL's backends and other users of the machine included.
    """

    _wall: float = 0.0
    _loop: float = 0.0
    _proc: float = 0.0
    _busy: float = 0.0
    _total: float = 0.0
    loop_cores: float = math.nan
    worker_cores: float = math.nan
    machine_busy: float = math.nan

    @staticmethod
    def _stat() -> tuple[float, float]:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        numbers = [float(x) for x in fields]
        idle = numbers[3] + (numbers[4] if len(numbers) > 4 else 0.0)
        return sum(numbers) - idle, sum(numbers)

    @staticmethod
    def _process() -> float:
        """This process and its live children (the turn and chart worker processes)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime + CpuMeter._children()

    @staticmethod
    def _children() -> float:
        total = 0.0
        for task in Path("/proc/self/task").iterdir():
            try:
                pids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    @staticmethod
    def _main_thread() -> float:
        """CPU seconds of the main thread (the event loop), from /proc."""
        tid = threading.main_thread().native_id
        try:
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self._wall = time.monotonic()
        self._loop = self._main_thread()
        self._proc = self._process()
        self._busy, self._total = self._stat()

    def stop(self) -> None:
        wall = time.monotonic() - self._wall
        busy, total = self._stat()
        if wall > 0:
            loop = self._main_thread() - self._loop
            self.loop_cores = loop / wall
            # clock-tick rounding can make the difference a hair below zero
            self.worker_cores = max(0.0, self._process() - self._proc - loop) / wall
        spent = total - self._total
        self.machine_busy = (busy - self._busy) / spent if spent > 0 else math.nan

    def describe(self) -> str:
        return f"{self.loop_cores:.2f} / {self.worker_cores:.2f} / {self.machine_busy:.0%}"


# --------------------------------------------------------------------------- databases


@dataclass
class BenchDatabase:
    """A migrated, empty database that exists only for one benchmark run."""

    backend: str
    url: str
    engine: Engine


@contextmanager
def temporary_database(backend: str) -> Iterator[BenchDatabase]:
    """SQLite in a temporary folder, or a new PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sicapai-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = make_engine(url)
            upgrade(engine, url)
            try:
                yield BenchDatabase(backend, url, engine)
            finally:
                engine.dispose()
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}")
    name = f"sicapai_bench_{secrets.token_hex(5)}"
    admin = create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine, url)
        yield BenchDatabase(backend, url, engine)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --------------------------------------------------------------------------- the office


@dataclass(frozen=True)
class Reporter:
    """One benchmark person: a Telegram user id, their own position and indicator, an invite."""

    user_id: int
    position: str
    indicator_code: str
    invite: str


def office_with_reporters(engine: Engine, n: int, *, now: datetime = NOW) -> list[Reporter]:
    """The bundled office plus `n` extra sections, each with one person-to-be and one indicator.

    Each reporter gets a position of their own ("Seksi Uji 0001", under the Kabid Penempatan,
    whom nobody holds, so a save sends no review notice) owning one copy of IK.19. This is how
    a real office looks from one person's side (one position, a handful of indicators), so
    /lapor lists one indicator and "what is still pending" stays one query per person. Giving
    everyone the same position would make every person own all N indicators.
    """
    with transaction(engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
        org = resolve_organisation(session=session)
        assert org.id is not None
        template = session.exec(select(Indicator).where(Indicator.code == TEMPLATE_INDICATOR)).one()
        owner = session.exec(select(Position).where(Position.name == TEMPLATE_OWNER)).one()
        positions = [
            Position(
                organisation_id=org.id,
                unit_id=owner.unit_id,
                name=f"Seksi Uji {i:04d}",
                superior_id=owner.superior_id,
            )
            for i in range(1, n + 1)
        ]
        session.add_all(positions)
        session.flush()
        base = template.model_dump(exclude={"id", "code", "owner_position_id"})
        session.add_all(
            Indicator(**base, code=f"{TEMPLATE_INDICATOR}.{i:04d}", owner_position_id=p.id)
            for i, p in enumerate(positions, start=1)
        )
        session.flush()
        reporters = []
        for i, position in enumerate(positions, start=1):
            assert position.id is not None
            code = create_invite(
                session=session,
                organisation_id=org.id,
                position_id=position.id,
                admin=False,
                acting=False,
                now=now,
            )
            reporters.append(
                Reporter(FIRST_USER_ID + i, position.name, f"{TEMPLATE_INDICATOR}.{i:04d}", code)
            )
    return reporters


def register_directly(engine: Engine, reporters: list[Reporter], *, now: datetime = NOW) -> None:
    """Redeem every invite as /start would (same rows), without a chat: for benchmarks whose
    subject is not registration."""
    with transaction(engine) as session:
        for person in reporters:
            result = redeem(
                session=session,
                code=person.invite,
                channel="telegram",
                external_id=str(person.user_id),
                chat_id=str(person.user_id),
                display_name=f"Uji {person.user_id}",
                now=now,
            )
            assert result.refusal is None, result.refusal


# --------------------------------------------------------------------------- seeing replies


class _Notifying(list[T]):
    """A list that tells someone about every append: how replies are seen without polling."""

    def __init__(self, on_append: Callable[[T], None]) -> None:
        super().__init__()
        self._on_append = on_append

    def append(self, item: T) -> None:
        super().append(item)
        self._on_append(item)


@dataclass
class Seen:
    """What a person was waiting for, and when the stand-in recorded it."""

    needle: str
    at: float  # time.monotonic(), the stand-in's clock for `SentMessage.time`
    message: Any = None  # the SentMessage, None for a callback answer


@dataclass
class _Expectation:
    needles: tuple[str, ...]
    future: asyncio.Future[Seen]
    answer: bool


@dataclass
class ReplyWatch:
    """Resolves each person's expectation the moment the stand-in records a matching send.

    The stand-in's own `wait_for` wakes every waiter on every send and rescans the messages,
    which with hundreds of people waiting costs more than the bot being measured. Here the
    stand-in's public `sent` and `callback_answers` lists are swapped for lists that call back
    on append, and each chat has at most one expectation, so a send costs one dict lookup.
    """

    api: Any
    _expect: dict[int, _Expectation] = field(default_factory=dict)
    _queries: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.api.sent = _Notifying(self._on_sent)
        self.api.callback_answers = _Notifying(self._on_answer)

    def expect(self, chat_id: int, *needles: str, answer: bool = False) -> asyncio.Future[Seen]:
        """The next message to `chat_id` containing any needle (or, with `answer`, the next
        callback answer for it)."""
        future: asyncio.Future[Seen] = asyncio.get_running_loop().create_future()
        self._expect[chat_id] = _Expectation(needles, future, answer)
        return future

    def forget(self, chat_id: int) -> None:
        self._expect.pop(chat_id, None)

    def pressed(self, update: dict[str, Any], chat_id: int) -> None:
        """Remember whose callback query this is, to route its answer."""
        self._queries[update["callback_query"]["id"]] = chat_id

    def _on_sent(self, message: Any) -> None:
        expectation = self._expect.get(message.chat_id)
        if expectation is None or expectation.answer:
            return
        body = message.text or ""
        for needle in expectation.needles:
            if needle in body:
                del self._expect[message.chat_id]
                if not expectation.future.done():
                    expectation.future.set_result(Seen(needle, message.time, message))
                return

    def _on_answer(self, values: dict[str, Any]) -> None:
        chat_id = self._queries.pop(str(values.get("callback_query_id")), None)
        if chat_id is None:
            return
        expectation = self._expect.get(chat_id)
        if expectation is None or not expectation.answer:
            return
        del self._expect[chat_id]
        if not expectation.future.done():
            expectation.future.set_result(Seen("answer", time.monotonic()))


def markdown_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; `align` is one character per column, "l" or "r" (default: l then r)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
