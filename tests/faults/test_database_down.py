"""The network to PostgreSQL fails in the middle of a report.

The bot reaches the database through `CuttableProxy`, which the test cuts (open connections
die, new ones are refused) and restores. Promises checked: while the database is unreachable
every message — text, button or file — is answered with the clear "sedang ada gangguan" text
and nothing crashes; the person's step is untouched, so after the restore they carry on where
they were; and a save cut in half is either wholly stored or not at all, never twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from sicapai.handlers import texts
from sicapai.models.db import make_engine, transaction
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock
from tests.support.data import (
    check_whole,
    dialog_state,
    invite_code,
    person_id_of,
    revisions,
)
from tests.support.database import POSTGRES_URL, Database
from tests.support.pgproxy import CuttableProxy

USER = 901


@dataclass
class Setup:
    db: Database
    app: Conversations
    proxy: CuttableProxy


@pytest.fixture(params=[0, 2], ids=["turn-threads", "turn-processes"])
async def behind_proxy(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Setup]:
    """Conversations whose every database connection goes through a proxy the test controls;
    turns run in threads (as in `sicapai chat`) or in worker processes (as in `sicapai run`).

    Test code itself uses `db.engine` (direct), never the proxied engine from the event loop:
    a blocking call there would stall the proxy that runs on the same loop.
    """
    if db.backend != "postgresql":
        pytest.skip("a network between the bot and its database exists only for PostgreSQL")
    with transaction(db.engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
    server = make_url(POSTGRES_URL)
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    url = make_url(db.url).set(host="127.0.0.1", port=proxy.port)
    engine = make_engine(url.render_as_string(hide_password=False))
    app = Conversations(
        engine, files_dir=tmp_path / "bukti", clock=Clock(), turn_processes=request.param
    )
    try:
        await app.start()
        assert (app.workers is not None) == bool(request.param)
        yield Setup(db, app, proxy)
    finally:
        await app.close()
        await proxy.close()
        await asyncio.to_thread(engine.dispose)


async def registered(setup: Setup) -> Chat:
    chat = Chat(setup.app, USER, "Budi")
    await chat.send(f"/start {invite_code(setup.db.engine, 'Kasi Penempatan Tenaga Kerja')}")
    assert "Selamat datang" in chat.text
    return chat


def only_down(replies: list[object]) -> bool:
    return [getattr(r, "text", None) for r in replies] == [texts.DATABASE_DOWN]


async def test_outage_between_steps_then_the_person_carries_on(behind_proxy: Setup) -> None:
    setup = behind_proxy
    budi = await registered(setup)
    await budi.send("/lapor")
    await budi.press("IK.18")
    await budi.send("90")
    assert "Total Pelayanan Antar Kerja" in budi.text  # now asking for the denominator
    person = person_id_of(setup.db.engine, USER)
    assert person is not None
    before = dialog_state(setup.db.engine, person)
    assert before is not None and before.step == "penyebut"

    await setup.proxy.cut()
    assert only_down(await budi.send("100"))
    assert only_down(await budi.send("/lapor"))
    # a button that would cancel the report if it were acted on
    assert only_down(await budi.press_data(f"lp:{before.version}:batal"))
    assert only_down(await budi.send_file(b"%PDF-1.4 bukti", "bukti.pdf"))

    after = dialog_state(setup.db.engine, person)
    assert after is not None
    assert (after.dialog, after.step, after.version, after.data) == (
        before.dialog,
        before.step,
        before.version,
        before.data,
    )

    await setup.proxy.restore()
    assert setup.proxy.connections > 0  # the bot really went through the proxy
    await budi.send("100")  # the denominator, at the very step the outage interrupted
    assert "Realisasi 90%, capaian 90%" in budi.text and "kendala" in budi.text
    await budi.send("Petugas terbatas")
    await budi.send("Menambah petugas")
    assert "Pratinjau laporan" in budi.text
    await budi.press("Simpan")
    assert "Laporan tersimpan" in budi.text

    (revision,) = revisions(setup.db.engine, "IK.18")
    assert (revision.numerator, revision.denominator, revision.realisation) == (
        D(90),
        D(100),
        D(90),
    )
    assert revision.kendala == "Petugas terbatas"
    assert check_whole(setup.db.engine).problems == []


@pytest.mark.parametrize(
    ("moment", "marker", "upstream"),
    [
        # the INSERT never reaches the server: the transaction dies, nothing is stored
        pytest.param("before-insert", b"INSERT INTO revision", True, id="before-insert"),
        # the server has committed, the bot never hears so (an ambiguous commit)
        pytest.param("after-commit", b"COMMIT\x00", False, id="after-commit"),
    ],
)
async def test_outage_inside_the_save_stores_it_once(
    behind_proxy: Setup, moment: str, marker: bytes, upstream: bool
) -> None:
    setup = behind_proxy
    budi = await registered(setup)
    await budi.send("/lapor")
    await budi.press("IK.18")
    await budi.send("100")
    await budi.send("100")
    assert "Pratinjau laporan" in budi.text
    save = budi.button("Simpan")

    trigger = setup.proxy.cut_when(marker, upstream=upstream)
    assert only_down(await budi.press_data(save))
    assert trigger.fired
    await setup.proxy.restore()

    # the person, told to try again, taps the same Simpan once more
    await budi.press_data(save)
    if moment == "before-insert":
        assert "Laporan tersimpan" in budi.text and "Revisi ke-1" in budi.text
    else:
        assert "tidak berlaku" in budi.text  # already saved: the menu moved on
        await budi.send("/lapor")
        assert "📤 <b>IK.18</b>" in budi.text and "terkirim" in budi.text

    (revision,) = revisions(setup.db.engine, "IK.18")
    assert (revision.numerator, revision.denominator, revision.number) == (D(100), D(100), 1)
    assert check_whole(setup.db.engine).problems == []
