"""The Cloud API stand-in in a process of its own, for the broadcast.

Meta's servers do not run in SiCapai's process. In the replies parts the stand-in shares the
benchmark's event loop, which is what lets a person's wait be timed to the message; for the
broadcast, whose figure is messages a second, sharing the process would charge SiCapai for
Meta's work too: accepting each send, and signing and posting three status webhooks for it,
on the same GIL as the channel (one Python process runs Python on one core at a time). Here
the stand-in runs in a child process on its own loop; the parent drives it over a pipe and
reads back, at the end, what it accepted and refused. The child times each accepted send with
`time.monotonic()`, the system-wide clock the parent reads too.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from tests.support.whatsapp import add_templates
from tests.waapi import CloudApiStandIn


class StandInProcess:
    """What `tests.support.whatsapp.config` and `WhatsAppBot` read of a stand-in."""

    def __init__(self, *, clock: datetime, **options: Any) -> None:
        self._clock = clock
        self._options = options
        self._conn: Connection | None = None
        self._process: Any = None
        self.base_url = ""
        self.token = self.phone_number_id = self.waba_id = ""
        self.app_secret = self.verify_token = ""

    async def __aenter__(self) -> StandInProcess:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=serve, args=(child, self._clock, self._options), daemon=True
        )
        self._process.start()
        self._conn = parent
        facts = await asyncio.to_thread(parent.recv)
        for name, value in facts.items():
            setattr(self, name, value)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._call("stop")
        await asyncio.to_thread(self._process.join, 10)

    async def subscribe(self, callback_url: str) -> bool:
        return bool(await self._call("subscribe", callback_url))

    async def results(self) -> dict[str, Any]:
        """Accepted sends' times, templates' times, refusals by code, status webhooks."""
        return dict(await self._call("results"))

    async def _call(self, *command: Any) -> Any:
        assert self._conn is not None
        conn = self._conn

        def roundtrip() -> Any:
            conn.send(command)
            return conn.recv()

        return await asyncio.to_thread(roundtrip)


def serve(conn: Connection, clock: datetime, options: dict[str, Any]) -> None:
    asyncio.run(_serve(conn, clock, options))


async def _serve(conn: Connection, clock: datetime, options: dict[str, Any]) -> None:
    api = CloudApiStandIn(clock=lambda: clock, **options)
    async with api:
        add_templates(api)
        times: list[float] = []
        templates: list[float] = []
        sent = api.sent

        class Timed(list[Any]):
            def append(self, message: Any) -> None:
                now = asyncio.get_running_loop().time()
                times.append(now)
                if message.type == "template":
                    templates.append(now)
                super().append(message)

        api.sent = Timed(sent)
        conn.send(
            {
                "base_url": api.base_url,
                "token": api.token,
                "phone_number_id": api.phone_number_id,
                "waba_id": api.waba_id,
                "app_secret": api.app_secret,
                "verify_token": api.verify_token,
            }
        )
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command[0] == "subscribe":
                conn.send(await api.subscribe(command[1]))
            elif command[0] == "results":
                conn.send(
                    {
                        "times": times,
                        "templates": templates,
                        "refused": dict(Counter(r.code for r in api.refused)),
                        "status_webhooks": len(api.status_log),
                    }
                )
            else:
                conn.send(None)
                return
