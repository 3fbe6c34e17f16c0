"""How a conversation declares itself: its commands, its steps, its buttons, in one table.

Every flow module ends with one `FLOW = Flow(...)`. The registry (`handlers.registry`) finds
them, and from it come the router's dispatch, the platform's command menu, `/bantuan` and
whether the terminal reads "2" as a figure or as button 2. Reading a flow's declaration tells
what each step does with typed text, a file or a press — the way `ConversationHandler`'s
`states={}` table does in python-telegram-bot's examples — while the turn stays one database
transaction run by `sicapai.runtime`.

Step and action names are `StrEnum`s whose values are what the dialog state and the buttons
already carry ("pembilang", "i:12"), so a conversation in progress survives a new release; a
stored step that is no longer declared is reset politely, a button whose action is gone is
answered as a stale menu.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sicapai.handlers import texts
from sicapai.handlers.port import StoredFile
from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.turn import FileRule, Turn
from sicapai.models.guards import Conflict

TextHandler = Callable[[Turn, str], None]
FileHandler = Callable[[Turn, StoredFile | None], None]
Run = Callable[[Turn, str], None]  # an action gets the text after its name ("i:12" -> "12")
Show = Callable[[Turn], None]


class Audience(StrEnum):
    """Who may use a command, and so in which command menu it is listed."""

    ANYONE = "siapa saja"  # strangers too: `/start KODE` is how one registers
    MEMBERS = "anggota"  # every registered, active person
    ADMINS = "admin"  # the office's admins (listed in their own chat's menu)


# --- what an action's argument may be (anything else is a menu we never made) ----------------


def no_arg(arg: str) -> bool:
    return True


def number(arg: str) -> bool:
    return arg.isdigit()


def two_numbers(arg: str) -> bool:
    first, _, second = arg.partition(":")
    return first.isdigit() and second.isdigit()


def quarter(arg: str) -> bool:
    return arg in {"1", "2", "3", "4"}


def one_of(*choices: str) -> Callable[[str], bool]:
    allowed = frozenset(choices)
    return lambda arg: arg in allowed


@dataclass(frozen=True)
class Command:
    """A slash command that starts (or, for `/batal`, leaves) a flow."""

    name: str  # without the slash, lower case, as Telegram allows: [a-z0-9_]{1,32}
    start: TextHandler  # gets what was typed after the command
    menu: str | None = None  # the command menu's line; None keeps it out of the menu
    help: str | None = None  # the `/bantuan` line; None keeps it out of the help
    audience: Audience = Audience.MEMBERS
    rank: int = 50  # order in the menu and in the help, lowest first


@dataclass(frozen=True)
class Action:
    """A button's action: `<name>` or `<name>:<argument>`, where `arg` says what the
    argument may be. `outside` buttons also work once the flow has ended (the "report the next
    one" offer under a receipt); `clears` is the data forgotten before the action runs.
    """

    name: str
    run: Run
    arg: Callable[[str], bool] = no_arg
    outside: bool = False
    clears: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One place a person can be in a flow, and what each kind of input does there.

    Input a step does not take gets the flow's stray reply; `presses` are the buttons live at
    this step alone (the flow's own `actions` are live at every step). `clears` names the data
    a step starts without: moving into it with `turn.set_step` forgets those values, so a
    figure typed on a previous pass can never leak into this one.
    """

    name: str
    on_text: TextHandler | None = None
    on_file: FileHandler | None = None  # gets None for a file the step does not download
    files: FileRule | None = None  # which files are downloaded for `on_file`
    typing: bool = False  # a bare number typed here is a figure, not a button's number
    presses: tuple[Action, ...] = ()
    clears: tuple[str, ...] = ()


def say_and_stay(text: str) -> Show:
    def reply(turn: Turn) -> None:
        turn.say(text)

    return reply


def press_a_button(turn: Turn) -> None:
    """Text typed where a step waits for a button."""
    turn.say(lt.PRESS_A_BUTTON)


def file_not_expected(turn: Turn) -> None:
    turn.say(texts.FILE_NOT_EXPECTED)


def typed_answer(turn: Turn, text: str) -> str | None:
    """A typed kendala, upaya, reason or note as kept, or None (and the person told why)."""
    answer = text.strip()
    if not answer:
        turn.say(lt.EMPTY_TEXT)
        return None
    if len(answer) > texts.MAX_TEXT:
        turn.say(texts.too_long(len(answer)))
        return None
    return answer


def leave_with(text: str) -> Show:
    """For a view-only flow: anything typed closes the view and says how to use it."""

    def reply(turn: Turn) -> None:
        turn.clear()
        turn.say(text)

    return reply


@dataclass(frozen=True)
class Flow:
    """One conversation: its two-letter code (the first part of its buttons and of the
    stored dialog), its commands, its steps and its actions."""

    code: str
    commands: tuple[Command, ...] = ()
    steps: tuple[Step, ...] = ()
    actions: tuple[Action, ...] = ()
    stray_text: Show = press_a_button
    stray_file: Show = file_not_expected
    on_conflict: Callable[[Turn, Conflict], None] | None = None
    versioned: bool = True  # False: buttons outside any menu (reminders) carry version 0
    allowed: Callable[[Turn], bool] | None = None  # checked before every press (the admin's)
    step_table: Mapping[str, Step] = field(init=False, repr=False, compare=False)
    action_table: Mapping[str, Action] = field(init=False, repr=False, compare=False)
    known_actions: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = {str(s.name): s for s in self.steps}
        if len(steps) != len(self.steps):
            raise ValueError(f"flow {self.code!r} declares a step twice")
        names = [a.name for a in self.actions]
        if len(set(names)) != len(names):
            raise ValueError(f"flow {self.code!r} declares an action twice")
        actions = {a.name: a for a in (*SHARED_ACTIONS, *self.actions)}  # a flow's own wins
        on_steps = {a.name for s in self.steps for a in s.presses}
        object.__setattr__(self, "step_table", steps)
        object.__setattr__(self, "action_table", actions)
        object.__setattr__(self, "known_actions", frozenset(actions) | on_steps)

    @property
    def entry(self) -> str:
        """The command to start this flow again, for the polite reset ("/lapor")."""
        return f"/{self.commands[0].name}" if self.commands else "/bantuan"

    def step(self, name: str | None) -> Step | None:
        return self.step_table.get(name or "")

    def action(self, step: Step | None, name: str) -> Action | None:
        """The action a button names, as live at `step`: the step's own, else the flow's."""
        for action in step.presses if step else ():
            if action.name == name:
                return action
        return self.action_table.get(name)


# --- shared actions and paging: declared once, every flow has them --------------------------


def cancel(turn: Turn, arg: str = "") -> None:
    """`/batal` and every Batal button: nothing unconfirmed is kept."""
    if turn.dialog is None:
        turn.say(texts.NOTHING_TO_CANCEL)
        return
    turn.clear()
    turn.say(texts.CANCELLED)


def finished(turn: Turn, arg: str) -> None:
    """ "Selesai" under a receipt: the flow has ended, a thank-you is all that is left."""
    if turn.dialog is None:
        turn.toast = lt.THANKS
    else:
        turn.say(texts.STALE_MENU)


SHARED_ACTIONS: tuple[Action, ...] = (
    Action("batal", cancel),
    Action("selesai", finished, outside=True),
)


PAGE = "pg"  # pg:<page>
BACK_TO_LIST = "daftar"


def listing(step: str, show: Show) -> tuple[Action, ...]:
    """The paging of a flow's list and the button back to it: "pg:<page>" and "daftar"."""

    def page(turn: Turn, arg: str) -> None:
        turn.set_step(step, page=int(arg))
        show(turn)

    def back(turn: Turn, arg: str) -> None:
        turn.set_step(step)
        show(turn)

    return Action(PAGE, page, arg=number), Action(BACK_TO_LIST, back)
