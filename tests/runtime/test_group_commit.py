"""The group commit: concurrent writes share transactions, and one bad write fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from sicapai.runtime.group_commit import GroupCommit


class Ledger:
    """A stand-in for a transaction: all of a batch or nothing of it."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.transactions = 0

    def write(self, items: Sequence[str]) -> list[int]:
        self.transactions += 1
        if any(item == "bad" for item in items):
            raise ValueError("constraint")
        self.rows += items
        return [len(item) for item in items]


async def test_concurrent_writes_share_transactions_and_get_their_own_results() -> None:
    ledger = Ledger()
    commit: GroupCommit[str, int] = GroupCommit(ledger.write, name="test")
    words = [f"w{i:0{i % 3 + 1}d}" for i in range(40)]
    results = await asyncio.gather(*(commit.submit(w) for w in words))
    assert results == [len(w) for w in words]
    assert sorted(ledger.rows) == sorted(words)
    # the first write goes alone; everything that queued meanwhile goes in the next one
    assert ledger.transactions <= 3


async def test_one_bad_write_fails_alone() -> None:
    ledger = Ledger()
    commit: GroupCommit[str, int] = GroupCommit(ledger.write, name="test")
    outcomes = await asyncio.gather(
        *(commit.submit(w) for w in ["first", "a", "bad", "bcd"]), return_exceptions=True
    )
    assert outcomes[0] == 5 and outcomes[1] == 1 and outcomes[3] == 3
    assert isinstance(outcomes[2], ValueError)
    assert sorted(ledger.rows) == ["a", "bcd", "first"]


async def test_posted_writes_are_written_by_flush_and_failures_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ledger = Ledger()
    commit: GroupCommit[str, int] = GroupCommit(ledger.write, name="sent records")
    for word in ("x", "bad", "y"):
        commit.post(word)
    await commit.flush()
    assert sorted(ledger.rows) == ["x", "y"]
    assert "sent records: a write failed (ValueError)" in caplog.text
    assert "constraint" not in caplog.text  # the error's text could quote what was written
