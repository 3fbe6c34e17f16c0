"""Every flow of the bot, found once, and what is derived from them: the commands the router
knows, the command menus, the `/bantuan` text, which steps take typing and which take files.

A flow is a module of `sicapai.handlers` that ends with `FLOW = Flow(...)`; adding a module is
all it takes to add a flow or a command. Tests add a throw-away flow with `registered(flow)`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sicapai.handlers as package
from sicapai.handlers import texts
from sicapai.handlers.flow import Audience, Command, Flow, Step
from sicapai.handlers.turn import FileRule
from sicapai.models.operations import DialogState


@dataclass(frozen=True)
class Registry:
    flows: dict[str, Flow]
    commands: dict[str, tuple[Flow, Command]]


_found: list[Flow] | None = None
_added: list[Flow] = []
_current: Registry | None = None


def _discover() -> list[Flow]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        flow = getattr(module, "FLOW", None)
        if isinstance(flow, Flow):
            found.append(flow)
    return found


def _build(flows: list[Flow]) -> Registry:
    by_code: dict[str, Flow] = {}
    commands: dict[str, tuple[Flow, Command]] = {}
    for flow in flows:
        if flow.code in by_code:
            raise ValueError(f"two flows use the code {flow.code!r}")
        by_code[flow.code] = flow
        for command in flow.commands:
            if command.name in commands:
                raise ValueError(f"two flows declare /{command.name}")
            commands[command.name] = (flow, command)
    return Registry(by_code, commands)


def current() -> Registry:
    global _found, _current
    if _current is None:
        if _found is None:
            _found = _discover()
        _current = _build([*_found, *_added])
    return _current


@contextmanager
def registered(flow: Flow) -> Iterator[Flow]:
    """A flow known to the router, the menus and the help while the block runs (tests)."""
    global _current
    _added.append(flow)
    _current = None
    try:
        current()  # a clash with a real flow fails here, not in the first turn
        yield flow
    finally:
        _added.remove(flow)
        _current = None


def flow(code: str | None) -> Flow | None:
    return current().flows.get(code or "")


def command(name: str) -> tuple[Flow, Command] | None:
    return current().commands.get(name)


def ranked(audience: Audience) -> list[Command]:
    """The commands of one audience, in the order menus and help show them."""
    listed = [c for _, c in current().commands.values() if c.audience == audience]
    return sorted(listed, key=lambda c: (c.rank, c.name))


def own_commands() -> list[Command]:
    """Every registered person's commands, in rank order: the members' and those strangers
    may use too (`/hubungkan`) once they are worded for a menu or the help."""
    listed = [
        *ranked(Audience.MEMBERS),
        *(c for c in ranked(Audience.ANYONE) if c.menu or c.help),
    ]
    return sorted(listed, key=lambda c: (c.rank, c.name))


def menu(*, admin: bool) -> list[tuple[str, str]]:
    """(command, description) for the platform's command menu: everyone's, and for an
    admin's own chat the admin commands after them."""
    own = [(c.name, c.menu) for c in own_commands() if c.menu]
    extra = [(c.name, c.menu) for c in ranked(Audience.ADMINS) if c.menu] if admin else []
    return own + extra


def help_text(*, admin: bool) -> str:
    """`/bantuan`: the person's own commands, one line each, then how to write numbers."""
    lines = [texts.help_line(c.name, c.help) for c in own_commands() if c.help]
    if admin:
        admin_lines = [texts.help_line(c.name, c.help) for c in ranked(Audience.ADMINS) if c.help]
        lines += ["", texts.HELP_ADMIN, *admin_lines]
    return texts.help_page(lines)


def step_of(state: DialogState | None) -> Step | None:
    if state is None:
        return None
    found = flow(state.dialog)
    return found.step(state.step) if found else None


def file_rule(state: DialogState | None) -> FileRule | None:
    """The files the person's current step downloads, or None when it takes none."""
    step = step_of(state)
    return step.files if step else None


def expects_typing(state: DialogState | None) -> bool:
    """Whether the current step waits for a typed figure, so "2" means 2, not button 2."""
    step = step_of(state)
    return step.typing if step else False


def clears(dialog: str | None, step: str | None) -> tuple[str, ...]:
    """What entering a step forgets (its declaration's `clears`)."""
    found = flow(dialog)
    declared = found.step(step) if found else None
    return declared.clears if declared else ()
