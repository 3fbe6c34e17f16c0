"""A TCP proxy on 127.0.0.1 that a test can cut and restore, to take a database "off the
network" without touching the database server itself.

Why: stopping the shared PostgreSQL would break every other test; a proxy in front of it
lets one test see exactly what the bot sees when the network to the database fails — open
connections die at once and new ones are refused — and then comes back on the same port.
It can also cut at a precise moment of the PostgreSQL wire conversation: just before a
statement reaches the server, or just after the server has committed but before the client
hears so (the ambiguous commit).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


@dataclass
class Trigger:
    """Cut once `marker` is seen going `upstream` (client → server) or downstream."""

    marker: bytes
    upstream: bool
    fired: bool = False


class CuttableProxy:
    """Forward 127.0.0.1:<port> to target; `cut()` drops everything, `restore()` reopens."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.connections = 0
        self.trigger: Trigger | None = None
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def up(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        """Listen (again) on the same port; the first start picks a free one."""
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and kill every open one, as a broken network would."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await asyncio.sleep(0)

    async def restore(self) -> None:
        await self.start()

    def cut_when(self, marker: bytes, *, upstream: bool) -> Trigger:
        """Arm a one-shot cut at a moment of the wire conversation (see the module docstring)."""
        self.trigger = Trigger(marker, upstream)
        return self.trigger

    async def close(self) -> None:
        await self.cut()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._writers.update((writer, up_writer))
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, upstream=True),
                self._pipe(up_reader, writer, upstream=False),
            )
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            for end in (writer, up_writer):
                self._writers.discard(end)
                end.transport.abort()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                trigger = self.trigger
                if (
                    trigger is not None
                    and not trigger.fired
                    and trigger.upstream == upstream
                    and trigger.marker in data
                ):
                    trigger.fired = True
                    self.trigger = None
                    await self.cut()  # the data that carried the marker never arrives
                    return
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()
