"""Worker processes end when the bot that spawned them is gone.

A pool's workers block waiting for the next job, and a spawned worker holds both ends of its
job queue, so a bot killed with SIGKILL (or by the out-of-memory killer) would leave them
running for good — each with its own database connections. Every worker therefore checks, once
a second, that its parent is still the process that started it, and exits if not.
"""

from __future__ import annotations

import os
import threading
import time

CHECK_SECONDS = 1.0


def exit_with_parent(parent_pid: int) -> None:
    """Start the check in this (worker) process; call it from the pool's initializer."""
    threading.Thread(
        target=_watch, args=(parent_pid,), name="sicapai-parent-watch", daemon=True
    ).start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(CHECK_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(0)
