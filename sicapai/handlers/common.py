"""Commands that belong to no conversation: leaving one, the help, and the menu of commands.

`menu` puts the person's commands on buttons. Telegram shows its own command menu; WhatsApp
has none, so there the buttons (also offered when someone writes while nothing is open) are
how a person finds `lapor` without knowing its name. A channel that takes few buttons in one
message gets the list in pages.
"""

from __future__ import annotations

from enum import StrEnum

from sicapai.handlers import registry, texts
from sicapai.handlers.flow import (
    PAGE,
    Action,
    Audience,
    Command,
    Flow,
    Step,
    cancel,
    listing,
)
from sicapai.handlers.texts import admin as admin_texts
from sicapai.handlers.texts import common as t
from sicapai.handlers.turn import Turn


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    MENU = "menu"  # only while the menu is paged: the page buttons come back here


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    RUN = "k"  # k:<command>


def help_(turn: Turn, args: str = "") -> None:
    """`/bantuan`: what this person may use, as the flows declare it."""
    turn.say(registry.help_text(admin=turn.is_admin()))


def _menu_commands(turn: Turn) -> list[Command]:
    """The commands on the menu's buttons: those with a menu line, the admin's after the
    person's own, the menu itself left out."""
    own = [c for c in registry.own_commands() if c.menu]
    admin = [c for c in registry.ranked(Audience.ADMINS) if c.menu] if turn.is_admin() else []
    return [c for c in (*own, *admin) if c.name != MENU_COMMAND]


def open_menu(turn: Turn, args: str = "") -> None:
    show_menu(turn, t.TITLE, page=0)


def show_menu(turn: Turn, intro: str = t.TITLE, *, page: int | None = None) -> None:
    """The commands as buttons. When they do not all fit in one message on this channel,
    the menu becomes a step, so that its page buttons have somewhere to come back to."""
    commands = _menu_commands(turn)
    if page is None:
        page = int(turn.data.get("page", 0)) if turn.dialog == FLOW.code else 0
    if len(commands) <= turn.list_size(len(commands), reserved=0):
        shown, pages, page = commands, 1, 0
    else:
        size = turn.list_size(len(commands))
        pages = -(-len(commands) // size)
        page = max(0, min(page, pages - 1))
        shown = commands[page * size : (page + 1) * size]
        if turn.dialog == FLOW.code:
            turn.set_step(S.MENU, page=page)
        else:
            turn.goto(FLOW.code, S.MENU, page=page)
    buttons = [[(t.command_button(c.name, c.menu or ""), f"{A.RUN}:{c.name}")] for c in shown]
    nav = []
    if page > 0:
        nav.append((t.BTN_PREV_PAGE, f"{PAGE}:{page - 1}"))
    if page < pages - 1:
        nav.append((t.BTN_NEXT_PAGE, f"{PAGE}:{page + 1}"))
    if nav:
        buttons.append(nav)
    turn.say(t.menu(intro, page, pages), buttons, dialog=FLOW.code)


def nothing_open(turn: Turn) -> None:
    """Typed text while no flow waits for it: say so, and offer the commands."""
    show_menu(turn, texts.NOTHING_OPEN, page=0)


def command_name(arg: str) -> bool:
    """A menu button's argument: a command some flow still declares."""
    return registry.command(arg) is not None


def run_command(turn: Turn, arg: str) -> None:
    """A menu button: the same as typing its command without anything after it."""
    found = registry.command(arg)
    assert found is not None  # `command_name` checked it
    command = found[1]
    if command.audience == Audience.ADMINS and not turn.is_admin():
        turn.say(admin_texts.ONLY_ADMIN)
        return
    if turn.dialog == FLOW.code:
        turn.clear()  # the menu's pages are done with
    command.start(turn, "")


MENU_COMMAND = "menu"

FLOW = Flow(
    code="m",  # the owner of buttons sent outside any flow, and of the menu's buttons
    commands=(
        Command(MENU_COMMAND, open_menu, menu=t.MENU, help=t.HELP, rank=93),
        Command("batal", cancel, menu=texts.MENU_BATAL, help=texts.HELP_BATAL, rank=90),
        Command("bantuan", help_, menu=texts.MENU_BANTUAN, help=texts.HELP_BANTUAN, rank=95),
        Command("help", help_),
    ),
    steps=(Step(S.MENU),),
    actions=(
        *listing(S.MENU, show_menu),
        Action(A.RUN, run_command, arg=command_name, outside=True),
    ),
    stray_text=nothing_open,
)
