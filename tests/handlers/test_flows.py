"""Flows declare themselves: one declaration reaches the router, the command menus, `/bantuan`
and the terminal; conversations stored by an earlier release keep working or end politely."""

from __future__ import annotations

import asyncio
import importlib
import io
import pkgutil
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Bot

import sicapai.handlers as handlers
from sicapai.bot.telegram_menu import CommandMenus
from sicapai.bot.terminal import TerminalChannel
from sicapai.handlers import registry
from sicapai.handlers.flow import Action, Command, Flow, Step, one_of
from sicapai.handlers.turn import Turn
from sicapai.models.db import transaction
from sicapai.models.operations import DialogState
from sicapai.models.organisation import AdminGrant
from sicapai.models.performance import Indicator
from sicapai.runtime.conversations import Conversations
from tests.botapi import BotApiStandIn
from tests.support.chat import Chat, invite
from tests.support.data import dialog_state, indicator, person_id_of, revisions
from tests.support.database import Database
from tests.support.telegram import TOKEN, User, conversations, start_bot, stop_bot

# --- a throw-away flow, declared in this one place ----------------------------------------


class S(StrEnum):
    TANYA = "tanya"
    UKURAN = "ukuran"


def _start(turn: Turn, args: str) -> None:
    turn.goto("zz", S.TANYA)
    turn.say("Berapa cangkir kopi Anda hari ini?", [[("Tidak minum", "nol")]])


def _cups(turn: Turn, text: str) -> None:
    turn.set_step(S.UKURAN, cups=text)
    turn.say(f"Tercatat {text} cangkir. Ukurannya?", [[("Kecil", "u:k"), ("Besar", "u:b")]])


def _none(turn: Turn, arg: str) -> None:
    turn.clear()
    turn.say("Tidak minum kopi, dicatat.")


def _size(turn: Turn, arg: str) -> None:
    cups = turn.data.get("cups")
    turn.clear()
    turn.say(f"Dicatat: {cups} cangkir ukuran {'besar' if arg == 'b' else 'kecil'}.")


COFFEE = Flow(
    code="zz",
    commands=(
        Command("kopi", _start, menu="Catat kopi hari ini", help="catat kopi Anda", rank=45),
    ),
    steps=(
        Step(S.TANYA, on_text=_cups, typing=True, presses=(Action("nol", _none),)),
        Step(S.UKURAN, presses=(Action("u", _size, arg=one_of("k", "b")),)),
    ),
)


@pytest.fixture
def coffee() -> Iterator[Flow]:
    with registry.registered(COFFEE) as flow:
        yield flow


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 1001, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    return chat


async def test_a_declared_flow_is_routed_and_in_the_help(coffee: Flow, kasi: Chat) -> None:
    await kasi.send("/kopi")
    assert "Berapa cangkir kopi" in kasi.text
    await kasi.send("3")
    assert "Tercatat 3 cangkir" in kasi.text
    await kasi.press("Besar")
    assert kasi.text == "Dicatat: 3 cangkir ukuran besar."
    await kasi.send("/bantuan")
    lines = kasi.text.splitlines()
    assert "/kopi — catat kopi Anda" in lines
    # ranked between /capaian (40) and /grafik (50), as declared
    names = [line.split(" ")[0] for line in lines if line.startswith("/")]
    assert names.index("/capaian") < names.index("/kopi") < names.index("/grafik")


async def test_without_the_declaration_the_command_is_unknown(kasi: Chat) -> None:
    await kasi.send("/kopi")
    assert "tidak dikenal" in kasi.text.lower() or "/bantuan" in kasi.text
    await kasi.send("/bantuan")
    assert "/kopi" not in kasi.text


async def test_the_terminal_reads_numbers_by_the_declared_step(
    coffee: Flow, app: Conversations, kasi: Chat, tmp_path: Path
) -> None:
    # at "tanya" (typing) a bare 2 is two cups; at "ukuran" it is the second button
    out = io.StringIO()
    terminal = TerminalChannel(
        app, kasi.identity, stdin=io.StringIO("/kopi\n2\n2\n"), stdout=out, output_dir=tmp_path
    )
    await terminal.run("Budi")
    shown = out.getvalue()
    assert "[1] Tidak minum" in shown and "Tercatat 2 cangkir" in shown
    assert "Dicatat: 2 cangkir ukuran besar." in shown


async def test_the_command_menu_comes_from_the_declarations(
    coffee: Flow, office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    app = conversations(office, tmp_path)
    application = await start_bot(app, standin)
    try:
        menu = standin.command_menu()
        assert menu["kopi"] == "Catat kopi hari ini"
        assert menu["lapor"] == "Laporkan realisasi indikator kinerja"
        assert "admin" not in menu and "start" not in menu and "help" not in menu
        # an admin who registers gets the admin commands in their own chat's menu at once
        admin = User(standin, 777, "Ani")
        await admin.say(f"/start {invite(app, None, admin=True)}", "Selamat datang")
        for _ in range(50):
            if standin.has_own_menu(777):
                break
            await asyncio.sleep(0.05)
        own = standin.command_menu(777)
        assert {"kopi", "lapor", "admin", "kunci", "impor"} <= set(own)
        assert "admin" not in standin.command_menu(555)  # anyone else: the default menu
    finally:
        await stop_bot(application)
        await app.close()


async def test_menus_sync_sends_only_what_changed(
    office: Database, standin: BotApiStandIn, tmp_path: Path
) -> None:
    app = conversations(office, tmp_path)
    for user_id in (701, 702):
        chat = Chat(app, user_id, f"Admin {user_id}")
        await chat.send(f"/start {invite(app, None, admin=True)}")
    bot = Bot(TOKEN, base_url=standin.base_url)
    menus = CommandMenus(office.engine, "telegram")
    async with bot:
        assert await menus.sync(bot) == 3  # the default scope and two admins' chats
        assert await menus.sync(bot) == 0  # nothing changed, nothing sent
        with transaction(office.engine) as session:
            session.execute(
                update(AdminGrant)
                .where(AdminGrant.person_id == person_id_of(office.engine, 702))
                .values(active=False)
            )
        assert await menus.sync(bot) == 1
        assert not standin.has_own_menu(702) and standin.has_own_menu(701)
        # a new process does not know what an earlier one set: it clears former admins too
        assert await CommandMenus(office.engine, "telegram").sync(bot) == 3
    await app.close()


# --- conversations stored by an earlier release --------------------------------------------

WHEN = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def _store(engine: Engine, person_id: int, dialog: str, step: str, data: dict[str, Any]) -> int:
    """A dialog_state row as the schema stores it, written with Core statements."""
    with Session(engine) as session:
        session.execute(
            update(DialogState)
            .where(DialogState.person_id == person_id)
            .values(dialog=dialog, step=step, data=data, version=41, updated_at=WHEN)
        )
        if session.get(DialogState, person_id) is None:
            session.execute(
                insert(DialogState).values(
                    person_id=person_id,
                    dialog=dialog,
                    step=step,
                    data=data,
                    version=41,
                    updated_at=WHEN,
                )
            )
        session.commit()
    return 41


def _ik18(engine: Engine) -> Indicator:
    return indicator(engine, "IK.18")


async def test_a_stored_step_continues_after_the_change(app: Conversations, kasi: Chat) -> None:
    await kasi.send("/lapor")  # learns the period the list shows
    period_id = dialog_state(app.engine, _pid(app)).data["period_id"]  # type: ignore[union-attr]
    ik18 = _ik18(app.engine)
    data = {
        "period_id": period_id,
        "indicator_id": ik18.id,
        "correction": False,
        "old": None,
        "seen_revision": 0,
        "locked": False,
        "numerator": None,
        "denominator": None,
        "value": None,
    }
    _store(app.engine, _pid(app), "lp", "pembilang", data)
    await kasi.send("95")
    assert "s.d. TW IV?" in kasi.text  # asked for the denominator next
    await kasi.send("95")
    await kasi.press("Simpan")
    assert "Laporan tersimpan" in kasi.text
    (revision,) = revisions(app.engine, "IK.18")
    assert (revision.numerator, revision.denominator) == (95, 95)


async def test_a_stored_step_that_no_longer_exists_resets_politely(
    app: Conversations, kasi: Chat
) -> None:
    _store(app.engine, _pid(app), "lp", "konfirmasi_lama", {"period_id": 1})
    await kasi.send("90")
    assert kasi.text == (
        "Maaf, langkah sebelumnya sudah tidak tersedia; silakan mulai lagi dengan /lapor."
    )
    state = dialog_state(app.engine, _pid(app))
    assert state is not None and state.dialog is None and state.data == {}
    await kasi.send("/lapor")  # and the flow starts afresh
    assert "Laporan kinerja TW IV 2025" in kasi.text


async def test_a_stored_flow_that_no_longer_exists_resets_politely(
    app: Conversations, kasi: Chat
) -> None:
    _store(app.engine, _pid(app), "xx", "apa_saja", {})
    await kasi.send("halo")
    assert "langkah sebelumnya sudah tidak tersedia" in kasi.text
    assert dialog_state(app.engine, _pid(app)).dialog is None  # type: ignore[union-attr]


async def test_a_button_as_sent_by_the_earlier_release_still_works(
    app: Conversations, kasi: Chat
) -> None:
    version = await _at_the_list_as_stored_before(app, kasi)
    await kasi.press_data(f"lp:{version}:i:{_ik18(app.engine).id}")
    assert "Rumus:" in kasi.text and "IK.18" in kasi.text


async def test_a_button_whose_action_is_gone_is_a_stale_menu(
    app: Conversations, kasi: Chat
) -> None:
    version = await _at_the_list_as_stored_before(app, kasi)
    await kasi.press_data(f"lp:{version}:arsip:3")
    assert kasi.text.startswith("Menu ini sudah tidak berlaku")
    assert (
        kasi.result is not None and kasi.result.replies[0].answer == "Menu ini sudah tidak berlaku."
    )
    state = dialog_state(app.engine, _pid(app))
    assert state is not None and (state.dialog, state.step, state.version) == ("lp", "pilih", 41)


async def _at_the_list_as_stored_before(app: Conversations, kasi: Chat) -> int:
    """/lapor's list, its state row rewritten as the earlier release stored it; the version."""
    await kasi.send("/lapor")
    period_id = dialog_state(app.engine, _pid(app)).data["period_id"]  # type: ignore[union-attr]
    return _store(app.engine, _pid(app), "lp", "pilih", {"period_id": period_id, "page": 0})


def _pid(app: Conversations) -> int:
    found = person_id_of(app.engine, 1001)
    assert found is not None
    return found


def test_flows_are_declarations_not_conventions() -> None:
    """The router reads `FLOW` alone: no flow module keeps the names it once read by
    convention, and every flow module's commands are found in the registry."""
    conventional = {"CODE", "FIGURE_STEPS", "accepts_file", "start", "on_text", "on_press"}
    conventional |= {"on_file", "FILE_RULE"}
    modules = [
        importlib.import_module(f"sicapai.handlers.{info.name}")
        for info in pkgutil.iter_modules(handlers.__path__)
        if not info.ispkg
    ]
    flows = [m for m in modules if isinstance(getattr(m, "FLOW", None), Flow)]
    assert len(flows) >= 10
    for module in flows:
        assert not conventional & set(vars(module)), module.__name__
    declared = {c.name for m in flows for c in m.FLOW.commands}
    assert declared == set(registry.current().commands)
    assert {"lapor", "anggaran", "admin", "impor", "batal", "bantuan", "start"} <= declared
