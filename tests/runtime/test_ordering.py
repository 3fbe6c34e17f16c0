"""One person's turns run in arrival order across channels; nobody waits behind a flood."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

from sicapai.handlers import texts
from sicapai.handlers.port import Event, EventKind, Identity, Reply
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.ordering import LocalTurnRunner
from sicapai.runtime.turns import TurnResult
from tests.support.chat import Chat, Clock
from tests.support.data import dialog_state, indicator, person_id_of, revisions
from tests.support.database import Database

TERMINAL = Identity("terminal", "budi-di-terminal", "budi-di-terminal", "Budi")


async def _kasi_on_two_channels(app: Conversations) -> tuple[Chat, int]:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    person_id = person_id_of(app.engine, 1001)
    assert person_id is not None
    with transaction(app.engine) as session:
        session.add(
            ChatIdentity(
                person_id=person_id,
                channel=TERMINAL.channel,
                external_id=TERMINAL.external_id,
                chat_id=TERMINAL.chat_id,
            )
        )
    return kasi, person_id


async def test_one_person_on_two_channels_at_once_keeps_every_step(app: Conversations) -> None:
    kasi, person_id = await _kasi_on_two_channels(app)
    state = dialog_state(app.engine, person_id)
    v = state.version if state else 0
    ik18 = indicator(app.engine, "IK.18").id
    press = EventKind.PRESS
    # the whole report, sent at once, alternating channels; each button carries the version
    # it would have if every earlier update was handled first, in order
    script: list[tuple[Identity, Event]] = [
        (kasi.identity, Event.from_text("/lapor")),
        (TERMINAL, Event(press, data=f"lp:{v + 1}:i:{ik18}")),
        (kasi.identity, Event.from_text("95")),
        (TERMINAL, Event.from_text("95")),  # on target: the preview
        (kasi.identity, Event(press, data=f"lp:{v + 4}:simpan")),
    ]
    seen: list[tuple[int, list[Reply]]] = []

    def responder(n: int):  # type: ignore[no-untyped-def]
        async def respond(result: TurnResult) -> None:
            await asyncio.sleep(0)  # a channel's send yields to the loop
            seen.append((n, result.replies))

        return respond

    await asyncio.gather(
        *[app.serve(identity, event, responder(n)) for n, (identity, event) in enumerate(script)]
    )
    assert [n for n, _ in seen] == list(range(len(script)))  # replies in arrival order
    shown = ["\n".join(r.text for r in replies) for _, replies in seen]
    assert not any(texts.STALE_MENU in text for text in shown), shown
    assert "s.d. TW IV?" in shown[2] and "Pratinjau laporan" in shown[3]
    assert "Laporan tersimpan" in shown[4]
    (revision,) = revisions(app.engine, "IK.18")  # saved once, with both figures
    assert (revision.numerator, revision.denominator) == (D(95), D(95))
    state = dialog_state(app.engine, person_id)
    assert state is not None and state.version == v + 5 and state.dialog is None
    assert isinstance(app.runner, LocalTurnRunner) and app.runner.active_lanes == 0


async def test_a_flooding_person_does_not_delay_another(office: Database, tmp_path: Path) -> None:
    app = Conversations(
        office.engine, files_dir=tmp_path, clock=Clock(), runner=LocalTurnRunner(slots=2)
    )
    try:
        flooder, other = Chat(app, 2001, "Ani"), Chat(app, 2002, "Sari")
        await flooder.register("Kasi Penempatan Tenaga Kerja")
        await other.register("Kasi Transmigrasi")
        done: list[str] = []

        def responder(who: str):  # type: ignore[no-untyped-def]
            async def respond(result: TurnResult) -> None:
                done.append(who)

            return respond

        flood = [
            asyncio.create_task(
                app.serve(flooder.identity, Event.from_text("/bantuan"), responder("ani"))
            )
            for _ in range(30)
        ]
        await asyncio.sleep(0)  # the flood is queued first
        await app.serve(other.identity, Event.from_text("/bantuan"), responder("sari"))
        await asyncio.gather(*flood)
        # Sari's one update took the free slot beside Ani's lane, not a place behind all 30
        # (with the slot taken before the lane, as before, it came last)
        assert done.index("sari") < 10, done
        assert isinstance(app.runner, LocalTurnRunner) and app.runner.active_lanes == 0
    finally:
        await app.close()


async def test_a_held_up_update_is_answered_not_replayed(app: Conversations) -> None:
    kasi = Chat(app, 1001, "Budi")
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    person_id = person_id_of(app.engine, 1001)
    assert person_id is not None
    before = dialog_state(app.engine, person_id)
    old = Event.from_text("95")
    sent = app.clock() - timedelta(hours=2)
    result = await app.handle(kasi.identity, Event(old.kind, text=old.text, sent_at=sent))
    assert [r.text for r in result.replies] == [texts.DELAYED]
    after = dialog_state(app.engine, person_id)
    assert before is not None and after is not None
    assert (after.step, after.data) == (before.step, before.data)  # the figure was not taken
    recent = app.clock() - timedelta(minutes=5)
    result = await app.handle(kasi.identity, Event(old.kind, text="95", sent_at=recent))
    assert "s.d. TW IV?" in "\n".join(r.text for r in result.replies)
