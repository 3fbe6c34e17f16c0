"""The bot process dies (SIGKILL, as in a power cut) while eight people press Simpan at once.

What must hold, whatever the moment of death:

* whoever read "Laporan tersimpan" has exactly one revision: a receipt is only ever sent after
  the turn's transaction committed;
* nobody has two revisions, even though the restarted bot receives again the updates the dead
  one had fetched but not confirmed, and people tap Simpan again when no receipt came;
* no save is half written: every submission's current_revision is its newest revision number,
  numbers run 1..n, every revision has its submission and its audit row;
* whoever got no receipt can finish after the restart (their step resumed, or they start again)
  and ends with exactly one revision.

The kill point is a random 0-300 ms after the burst; the seed is printed (and can be fixed
with SICAPAI_KILL_SEED) so a failure can be replayed. Each backend gets two kill points: the
restarted bot of one round is the one killed in the next.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sicapai.reports.periods import quarter_name
from tests.botapi import BotApiStandIn, SentMessage
from tests.support.data import check_whole, indicator, invite_code, revisions
from tests.support.database import Database
from tests.support.process import BotProcess
from tests.support.telegram import TOKEN

# Eight positions with a percentage indicator each, none the superior of another, so the
# burst is eight independent saves.
PEOPLE = (
    ("Kepala Sub Bagian Perencanaan", "IK.05"),
    ("Kepala Sub Bagian Keuangan", "IK.06"),
    ("Kepala Sub Bagian Umum dan Kepegawaian", "IK.07"),
    ("Kepala Seksi Pelatihan Kerja Dan Produktivitas Tenaga Kerja", "IK.13"),
    ("Kepala Seksi Transmigrasi", "IK.15"),
    ("Kepala Seksi Penempatan Tenaga Kerja", "IK.18"),
    ("Kepala Seksi Persyaratan Kerja Dan Jaminan Sosial", "IK.23"),
    ("Kepala Seksi Penyelesaian Perselisihan Hubungan Industrial", "IK.24"),
)
ROUNDS = (4, 3)  # one kill point per quarter reported, each on a fresh slot
MAX_KILL_DELAY = 0.3
STARTUP_WAIT = 60.0  # the first answer of a fresh process (imports, chart workers)
STEP_WAIT = 20.0
RECEIPT = "Laporan tersimpan"
ALREADY = "Indikator ini sudah dilaporkan"


@dataclass
class Reporter:
    """One person on their phone, reporting one indicator."""

    api: BotApiStandIn
    user_id: int
    position: str
    code: str
    numerator: str  # realisation equal to the target: no kendala, no "above 150%" check
    denominator: str

    def _matches(self, wanted: Callable[[str], bool]) -> Callable[[SentMessage], bool]:
        return lambda m: m.chat_id == self.user_id and wanted(m.text or "")

    async def say(self, text: str, expect: str, wait: float = STEP_WAIT) -> SentMessage:
        since = len(self.api.sent)
        self.api.user_message(self.user_id, text)
        return await self.api.wait_for(self._matches(lambda t: expect in t), wait, since=since)

    def message_with(self, accept: Callable[[str], bool]) -> tuple[SentMessage, str]:
        """The newest message to this person with a button whose label passes `accept`."""
        for message in reversed(self.api.messages_to(self.user_id)):
            for label, data in message.buttons:
                if accept(label):
                    return message, data
        raise AssertionError(f"no button for {self.user_id}")

    def press(self, accept: Callable[[str], bool]) -> None:
        message, data = self.message_with(accept)
        self.api.press_button(self.user_id, message.message_id, data)

    async def tap(
        self, accept: Callable[[str], bool], expect: Callable[[str], bool], wait: float = STEP_WAIT
    ) -> SentMessage:
        since = len(self.api.sent)
        self.press(accept)
        return await self.api.wait_for(self._matches(expect), wait, since=since)

    def received(self, since: int, fragment: str) -> int:
        return sum(
            fragment in (m.text or "") for m in self.api.sent[since:] if m.chat_id == self.user_id
        )

    async def open_indicator(self, quarter: int) -> str:
        """/lapor, the quarter, the indicator: "fresh" when asked for figures, else "done"."""
        await self.say("/lapor", "Laporan kinerja TW IV 2025")
        label = quarter_name(quarter)
        if quarter != 4:
            await self.tap(
                lambda b: b.removeprefix("🔒 ") == label,
                lambda t: f"Laporan kinerja {label} 2025" in t,
            )
        shown = await self.tap(
            lambda b: self.code in b, lambda t: "Ketik angkanya" in t or ALREADY in t
        )
        return "done" if ALREADY in (shown.text or "") else "fresh"

    async def fill_in(self) -> None:
        """From the first figure to the preview."""
        await self.say(self.numerator, "Ketik angkanya")
        await self.say(self.denominator, "Pratinjau laporan")

    async def to_preview(self, quarter: int) -> None:
        assert await self.open_indicator(quarter) == "fresh"
        await self.fill_in()

    def press_save(self) -> None:
        self.press(lambda b: "Simpan" in b)

    async def finish_after_restart(self, quarter: int, restart: int) -> None:
        """What a person without a receipt does: tap Simpan again; if that does not save,
        open the indicator again and either see it reported or report it once more."""
        outcome = await self.tap(
            lambda b: "Simpan" in b,
            lambda t: RECEIPT in t or "tidak berlaku" in t,
            wait=STARTUP_WAIT,
        )
        if RECEIPT in (outcome.text or "") or self.received(restart, RECEIPT):
            return
        if await self.open_indicator(quarter) == "done":
            return
        await self.fill_in()
        await self.tap(lambda b: "Simpan" in b, lambda t: RECEIPT in t)


def reporters(office: Database, api: BotApiStandIn) -> list[Reporter]:
    people = []
    for n, (position, code) in enumerate(PEOPLE):
        target = indicator(office.engine, code).target
        numerator = (target * 100).to_integral_exact()
        assert numerator == target * 100 and Decimal(0) < numerator <= 10000
        people.append(Reporter(api, 9100 + n, position, code, str(numerator), "10000"))
    return people


def check_round(office: Database, people: list[Reporter], quarter: int, since: int) -> None:
    """Receipt ⇒ exactly one revision; never more than one; nothing half written."""
    whole = check_whole(office.engine)
    assert whole.problems == [], whole.problems
    for person in people:
        stored = revisions(office.engine, person.code, quarter)
        assert len(stored) <= 1, f"{person.code}: {len(stored)} revisions"
        receipts = person.received(since, RECEIPT)
        assert receipts <= 1, f"{person.code}: {receipts} receipts"
        if receipts:
            assert len(stored) == 1, f"{person.code} got a receipt but has no revision"
        for revision in stored:
            assert revision.numerator == Decimal(person.numerator)
            assert revision.denominator == Decimal(person.denominator)


async def test_sigkill_in_a_burst_of_saves_loses_nothing_confirmed_and_doubles_nothing(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    seed = int(os.environ.get("SICAPAI_KILL_SEED") or secrets.randbits(32))
    print(f"SIGKILL test seed: {seed} (SICAPAI_KILL_SEED={seed} replays it)")
    rng = random.Random(seed)
    people = reporters(office, standin)
    codes = [invite_code(office.engine, person.position) for person in people]
    runs = 0

    def new_process() -> BotProcess:
        nonlocal runs
        runs += 1
        return BotProcess.against(
            standin, database_url=office.url, token=TOKEN, workdir=tmp_path, name=f"run{runs}"
        )

    bot = new_process()
    await bot.start()
    try:
        await asyncio.gather(
            *(
                p.say(f"/start {c}", "Selamat datang", STARTUP_WAIT)
                for p, c in zip(people, codes, strict=True)
            )
        )
        for quarter in ROUNDS:
            await asyncio.gather(*(person.to_preview(quarter) for person in people))
            since = len(standin.sent)
            kill_after = rng.uniform(0, MAX_KILL_DELAY)
            for person in people:
                person.press_save()
            await asyncio.sleep(kill_after)
            await bot.kill()
            saved = [p for p in people if p.received(since, RECEIPT)]
            stored = [p for p in people if revisions(office.engine, p.code, quarter)]
            print(
                f"{quarter_name(quarter)}: killed {kill_after * 1000:.0f} ms after the burst; "
                f"{len(saved)} receipts, {len(stored)} stored"
            )
            check_round(office, people, quarter, since)

            bot = new_process()
            await bot.start()
            restart = len(standin.sent)
            await asyncio.gather(
                *(p.finish_after_restart(quarter, restart) for p in people if p not in saved)
            )
            check_round(office, people, quarter, since)
            for person in people:
                assert len(revisions(office.engine, person.code, quarter)) == 1, person.code
    except BaseException:
        print(bot.output()[-4000:])
        raise
    finally:
        await bot.terminate()
