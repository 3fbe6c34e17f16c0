"""The terminal channel: the same conversations, typed in a terminal.

Buttons are shown as numbered choices: type the number (or `#N`) to press one, `/berkas PATH`
to send a file. Photos and documents the bot sends are saved as files and their paths printed.
Ends cleanly at end of input, whether stdin is a terminal, a pipe, or closed.

Charts and exports land in the session's output folder, numbered, and a file already there is
never overwritten: a second session (or a second demo) takes the next free number.

In the demo, `/ganti JABATAN` (or `/ganti admin`) plays another person in the same database,
so a kasi's report reaches the kabid's review within one sitting.

Nobody receives on the terminal while no session runs, so notices and reminders for a
terminal chat wait in the outbox (pending, not an attempt). A session registers its sender
with the outbox while it runs and, before the first prompt (and after each turn), shows what
waited for its person, then marks it sent.
"""

from __future__ import annotations

import asyncio
import mimetypes
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sicapai.handlers.capabilities import Capabilities
from sicapai.handlers.port import Button, Event, EventKind, Identity, IncomingFile, Reply
from sicapai.handlers.texts import saluran as st
from sicapai.handlers.texts.markup import to_plain
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from sicapai.runtime.outbox import OutboxSender

CHANNEL = "terminal"
# a terminal prints whatever it gets: no platform limit but a readable screen
CAPABILITIES = Capabilities(
    channel=CHANNEL,
    message_length=20_000,
    caption_length=1000,
    buttons_per_message=100,
    buttons_per_row=8,
    label_length=80,
    button_data_bytes=64,
    file_bytes=100 * 1024 * 1024,
    markup="plain",
)

INTRO = (
    "SiCapai — chat di terminal sebagai {who}.\n"
    "Ketik /bantuan untuk daftar perintah, /lapor untuk melapor. Tombol ditampilkan sebagai\n"
    "[1], [2], …: ketik nomornya (atau #1) untuk memilih. /berkas PATH mengirim berkas.\n"
    "Akhiri dengan Ctrl-D.\n"
)
OUTPUT_FOLDER = "Grafik dan berkas dari bot disimpan di {folder}\n"
SWITCH_HINT = (
    "Ketik /ganti NAMA JABATAN untuk berganti orang, mis. /ganti Kepala Bidang Tenaga Kerja\n"
    "atau /ganti admin.\n"
)
SWITCH_COMMAND = "/ganti"
SWITCH_USAGE = (
    "Sebutkan jabatan yang ingin Anda perankan, mis. /ganti Kepala Bidang Tenaga Kerja atau\n"
    "/ganti admin.\n"
)
SWITCHED = "Sekarang Anda berperan sebagai {who}.\n"


class SwitchRefused(Exception):
    """The position asked for with /ganti is not known; the message says why, in Indonesian."""


Switch = Callable[[str], tuple[Identity, str]]
"""From what was typed after /ganti to the identity to play and its readable name."""


class TerminalChannel:
    def __init__(
        self,
        conversations: Conversations,
        identity: Identity,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        output_dir: Path | None = None,
        outbox: OutboxSender | None = None,
        switch: Switch | None = None,
    ) -> None:
        self.conversations = conversations
        self.identity = identity
        # what waited for the person: this session is the terminal's only receiver
        self.outbox = outbox or OutboxSender(conversations.engine, clock=conversations.clock)
        self._heading: str | None = None
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.output_dir = output_dir or Path("sicapai-keluaran")
        self.buttons: list[Button] = []
        self._saved = 0
        self.switch = switch  # only the demo plays several people

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    async def run(self, who: str) -> None:
        self.write(INTRO.format(who=who))
        self.write(OUTPUT_FOLDER.format(folder=self.output_dir.resolve()))
        if self.switch is not None:
            self.write(SWITCH_HINT)
        self.outbox.register(CHANNEL, self.receive)  # the terminal receives while this runs
        try:
            await self.catch_up(st.WHILE_AWAY)
            await self._chat()
        finally:
            self.outbox.unregister(CHANNEL)

    async def catch_up(self, heading: str) -> None:
        """Show what waits for this person (notices, reminders) under `heading`; each is
        marked sent as it is shown."""
        if self.identity.channel != CHANNEL:
            return
        self._heading = heading
        try:
            await self.outbox.drain_waiting(self.identity)
        finally:
            self._heading = None

    async def receive(self, identity: Identity, reply: Reply) -> Delivery:
        """The terminal's sender: only this session's person is here to read it."""
        if identity.channel != CHANNEL or identity.external_id != self.identity.external_id:
            return Delivery(ok=False, held=True)
        if self._heading is not None:
            self.write(self._heading)
            self._heading = None
        self.show([reply])
        return Delivery(ok=True)

    async def _chat(self) -> None:
        while True:
            self.write("> ")
            line = await asyncio.to_thread(self._readline)
            if line is None:
                self.write("\nSampai jumpa.\n")
                return
            line = line.strip()
            if not self._interactive():
                self.write(line + "\n")  # piped input is not echoed: show what was "typed"
            if not line:
                continue
            if self.switch is not None and line.split(" ", 1)[0].lower() == SWITCH_COMMAND:
                await self.switch_to(line[len(SWITCH_COMMAND) :].strip())
                continue
            event = self.event_for(line)
            if event is None:
                continue
            result = await self.conversations.handle(self.identity, event)
            self.show(result.replies)
            await self.catch_up(st.MEANWHILE)  # what came for the person meanwhile

    async def switch_to(self, wanted: str) -> None:
        """Play another person from the next line on; what waited for them is shown first, so
        the kabid sees the kasi's report the moment the demo switches to them."""
        if self.switch is None:
            return
        if not wanted:
            self.write(SWITCH_USAGE)
            return
        try:
            identity, who = await asyncio.to_thread(self.switch, wanted)
        except SwitchRefused as refused:
            self.write(f"{refused}\n")
            return
        self.identity = identity
        self.buttons = []  # the previous person's menu is not this person's to press
        self.write(SWITCHED.format(who=who))
        await self.catch_up(st.WHILE_AWAY)

    def _interactive(self) -> bool:
        try:
            return self.stdin.isatty()
        except (OSError, ValueError):
            return False

    def _readline(self) -> str | None:
        try:
            line = self.stdin.readline()
        except (OSError, ValueError):  # closed or unreadable stdin ends the chat
            return None
        return line if line else None

    def event_for(self, line: str) -> Event | None:
        choice = line[1:] if line.startswith("#") else line
        if choice.isdigit() and self.buttons and (line.startswith("#") or self._menu_only()):
            index = int(choice) - 1
            if 0 <= index < len(self.buttons):
                return Event(EventKind.PRESS, data=self.buttons[index].data)
            self.write(f"Pilihan {choice} tidak ada. Pilih 1 sampai {len(self.buttons)}.\n")
            return None
        if line.startswith("/berkas"):
            return self.file_event(line[len("/berkas") :].strip())
        return Event.from_text(line)

    def _menu_only(self) -> bool:
        """A bare number presses a button unless the bot is asking for a typed figure."""
        return self.conversations.expects_menu_choice(self.identity)

    def file_event(self, raw: str) -> Event | None:
        path = Path(raw).expanduser()
        if not raw or not path.is_file():
            self.write("Berkas tidak ditemukan. Contoh: /berkas /home/saya/bukti.pdf\n")
            return None
        mime = mimetypes.guess_type(path.name)[0]

        async def copy(target: Path) -> None:
            await asyncio.to_thread(shutil.copyfile, path, target)

        return Event(
            EventKind.FILE,
            file=IncomingFile(
                name=path.name,
                mime_type=mime,
                size=path.stat().st_size,
                download=copy,
                is_photo=bool(mime and mime.startswith("image/")),
            ),
        )

    def show(self, replies: list[Reply]) -> None:
        numbered: list[Button] = []
        for reply in replies:
            if reply.photo is not None or reply.document is not None:
                self.write(f"[berkas disimpan: {self.save(reply)}]\n")
            if reply.text:
                # the core's markup as plain words; a text outside it is still shown
                self.write(to_plain(reply.text, lenient=True) + "\n")
            elif reply.answer:
                self.write(to_plain(reply.answer, lenient=True) + "\n")
            for row in reply.buttons:
                for button in row:
                    numbered.append(button)
                    self.write(f"  [{len(numbered)}] {button.label}\n")
            self.write("\n")
        if numbered:
            # like a chat app, older buttons stay pressable until new ones appear
            self.buttons = numbered

    def save(self, reply: Reply) -> Path:
        """Write under the next free number; exclusive creation, so an earlier chart (or
        another session's, at the same moment) is never overwritten."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        name = reply.filename or ("grafik.png" if reply.photo is not None else "berkas")
        content = reply.photo if reply.photo is not None else reply.document or b""
        while True:
            self._saved += 1
            target = self.output_dir / f"{self._saved:02d}-{name}"
            try:
                with target.open("xb") as out:
                    out.write(content)
            except FileExistsError:
                continue
            return target.resolve()
