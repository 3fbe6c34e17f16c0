"""Property: whatever a person sends, at whatever step of /lapor or /anggaran (or as a
stranger), the conversation stays sound.

Hypothesis plays a person who mixes sensible answers ("advance": what the current step asks
for) with junk: any text (HTML-ish, very long), numbers in Indonesian and English spellings,
button data made up, button data from the last reply with a wrong version or another id, and
files of any bytes, type and name. After every single event:

* no exception escapes `Conversations.handle`;
* every reply is HTML that Telegram accepts (the stand-in's parser, which mirrors Telegram's),
  at most 4096 characters once parsed, using only b, i, u, s, code, pre and a, properly
  nested; every button's callback data is 1-64 bytes of UTF-8; a toast is at most 200
  characters;
* a revision (or budget realisation) appears only when the event was a press of the Simpan
  button of the latest preview, and its figures are exactly those the preview showed;
* "sedang ada gangguan" never appears: the database is up, so a database error could only come
  from input it refuses, and that would fail again at every retry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from sicapai.handlers import texts
from sicapai.handlers.port import Reply
from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.texts import registrasi as rt
from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.db import transaction
from sicapai.models.organisation import Person
from sicapai.models.performance import Indicator, Revision, Submission
from sicapai.models.queries import resolve_organisation
from sicapai.models.reporting import NewRevision, save_budget, save_revision
from sicapai.models.seeding import ensure_periods
from sicapai.reports.numbers import format_number, format_rupiah
from sicapai.runtime.conversations import Conversations
from tests.botapi.entities import format_text as _format_text
from tests.botapi.errors import ApiError as _ApiError
from tests.support.chat import NOW, Chat
from tests.support.data import dialog_state, person_id_of
from tests.support.database import Database

EXAMPLES = 40
POSITIONS = {"lapor": "Kasi Penempatan Tenaga Kerja", "anggaran": "Kasubag Keuangan"}
ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a"})
STRANGER_REPLIES = frozenset({texts.STRANGER, rt.NEED_CODE, rt.CODE_UNKNOWN, rt.TOO_MANY_ATTEMPTS})
USER_IDS = count(50_000)

# --- what a person may send -------------------------------------------------------------

HTMLISH = st.text(alphabet=st.sampled_from(list("<>&;#/\"'= abiusprecode0123456789x\n")))
LONG = st.builds(
    lambda chunk, n: chunk * n,
    st.sampled_from(["x", "<b>", "&", "é", "🙂", "kata "]),
    st.integers(200, 1200),
)
TEXTS = st.one_of(st.text(max_size=60), HTMLISH, LONG, st.sampled_from(["", " ", "\n", "​"]))


@st.composite
def typed_numbers(draw: st.DrawFn) -> str:
    """A figure as people type it: Indonesian, English or bare, with or without decoration."""
    whole = draw(st.one_of(st.integers(0, 200), st.integers(0, 10**12)))
    fraction = draw(st.sampled_from(["", "", "5", "25", "762", "0001"]))
    style = draw(st.sampled_from(["id", "en", "plain", "space"]))
    grouped = f"{whole:,}"
    if style == "id":
        body = grouped.replace(",", ".") + ("," + fraction if fraction else "")
    elif style == "en":
        body = grouped + ("." + fraction if fraction else "")
    elif style == "space":
        body = grouped.replace(",", " ") + ("," + fraction if fraction else "")
    else:
        body = str(whole) + ("." + fraction if fraction else "")
    prefix = draw(st.sampled_from(["", "", "Rp ", "Rp", "-", "+", "±"]))
    suffix = draw(st.sampled_from(["", "", "%", " %", " orang", ",-"]))
    return prefix + body + suffix


NUMBERS = st.one_of(
    typed_numbers(),
    st.sampled_from(
        ["90", "100", "0", "1,762", "1.762", "2.760", "29,71", "1e3", "NaN", "-0", "0,0000001"]
    ),
)
COMMANDS = st.sampled_from(
    ["/lapor", "/anggaran", "/batal", "/bantuan", "/start", "/start x<y", "/tidakada", "/"]
)
MIME_TYPES = st.sampled_from(
    [
        None,
        "",
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/html",
        "application/x-msdownload",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
)
FILE_NAMES = st.builds(
    lambda stem, suffix: stem + suffix,
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            ".pdf",
            ".PDF",
            ".png",
            ".jpg",
            ".exe",
            ".xlsx",
            ".pdf.exe",
            ".",
            ".p\x00df",
            "." + "a" * 250,
        ]
    ),
)

JUNK = st.one_of(
    st.tuples(st.just("text"), TEXTS),
    st.tuples(st.just("number"), NUMBERS),
    st.tuples(st.just("command"), COMMANDS),
    st.tuples(st.just("press"), st.integers(0, 30)),
    st.tuples(st.just("press_raw"), st.text(max_size=70)),
    st.tuples(
        st.just("press_forged"),
        st.tuples(
            st.integers(0, 30),
            st.sampled_from(["newer", "older", "other_id"]),
            st.one_of(st.integers(0, 60), st.integers(0, 10**9)),
        ),
    ),
    st.tuples(st.just("file"), st.tuples(st.binary(max_size=64), MIME_TYPES, FILE_NAMES)),
)
# Each junk event is followed by a few cooperative ones, so that junk lands on every step
# of the flow and not only on its first menu.
SCRIPTS = st.lists(
    st.tuples(JUNK, st.lists(st.integers(0, 7), max_size=4)), min_size=2, max_size=10
).map(
    lambda script: [
        e for junk, advances in script for e in [junk, *(("advance", a) for a in advances)]
    ]
)


# --- checks on every reply ---------------------------------------------------------------


class TagChecker(HTMLParser):
    """Only Telegram's basic tags, each closed in the order it was opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
        else:
            self.stack.pop()


def check_reply(reply: Reply) -> None:
    """Telegram's limits, counted as Telegram counts them: 4096 characters of visible text
    after the HTML is parsed (an escaped "&amp;" is one character)."""
    if reply.text:
        try:
            visible, _ = _format_text(reply.text, "HTML", None, strict_html=True)
        except _ApiError as exc:
            raise AssertionError(f"Telegram would refuse {reply.text!r}: {exc}") from exc
        assert visible, f"empty after parsing: {reply.text!r}"
        assert len(visible) <= 4096, f"{len(visible)} characters: {reply.text[:200]!r}"
        checker = TagChecker()
        checker.feed(reply.text)
        checker.close()
        assert not checker.problems and not checker.stack, (checker.problems, reply.text)
    elif reply.buttons:
        raise AssertionError("buttons without text are never shown")
    for row in reply.buttons:
        for button in row:
            assert button.label.strip(), reply.buttons
            assert 1 <= len(button.data.encode("utf-8")) <= 64, button.data
    assert reply.answer is None or len(reply.answer) <= 200


# --- the person --------------------------------------------------------------------------


@dataclass
class Preview:
    """The latest preview shown: its text, its Simpan button, and the figures behind it."""

    text: str
    save_data: str
    figures: dict[str, Any]


PREVIEW_HEADS = {"lp": "<b>Pratinjau laporan</b>", "ag": "<b>Pratinjau realisasi anggaran</b>"}
MODELS: dict[str, Any] = {"lp": Revision, "ag": BudgetRealisation}


@dataclass
class Player:
    flow: str  # "lapor", "anggaran" or "stranger": what "advance" steers towards
    chat: Chat
    db: Database
    person_id: int | None = None
    buttons: list[str] = field(default_factory=list)  # the newest menu's callback data
    previews: dict[str, Preview] = field(default_factory=dict)  # the latest, per dialog

    @property
    def code(self) -> str:
        return "lp" if self.flow == "lapor" else "ag"

    def remember(self, replies: list[Reply]) -> None:
        data = [b.data for r in replies for row in r.buttons for b in row]
        if data:
            self.buttons = data
        for reply in replies:
            for dialog, head in PREVIEW_HEADS.items():
                if head in reply.text:  # the figures' capaian may come first, in one message
                    save = next(b.data for row in reply.buttons for b in row if "simpan" in b.data)
                    state = dialog_state(self.db.engine, self.person_id or 0)
                    assert state is not None
                    self.previews[dialog] = Preview(reply.text, save, dict(state.data or {}))

    def stored(self) -> dict[str, list[Any]]:
        """This person's revisions and budget realisations, oldest first."""
        with Session(self.db.engine) as session:
            return {
                dialog: list(
                    session.exec(
                        select(model)
                        .where(model.person_id == self.person_id)
                        .order_by(col(model.id))
                    )
                )
                for dialog, model in MODELS.items()
            }

    async def act(self, kind: str, value: Any) -> tuple[list[Reply], str | None]:
        """Send one event; returns the replies and, for a press, the data pressed."""
        chat = self.chat
        if kind == "advance":
            return await self.advance(value)
        if kind in ("text", "number", "command"):
            return await chat.send(value), None
        if kind == "file":
            content, mime, name = value
            return await chat.send_file(content, name, mime), None
        if kind == "press_raw":
            return await chat.press_data(value), value
        if kind == "press" and self.buttons:
            data = self.buttons[value % len(self.buttons)]
            return await chat.press_data(data), data
        if kind == "press_forged" and self.buttons:
            index, how, number = value
            data = forge(self.buttons[index % len(self.buttons)], how, number)
            return await chat.press_data(data), data
        return await chat.send("/bantuan"), None

    async def advance(self, choice: int) -> tuple[list[Reply], str | None]:
        """What the current step asks for, as a cooperative person would answer it."""
        if self.flow == "stranger":
            return await self.chat.send(f"/start kode{choice}"), None
        state = dialog_state(self.db.engine, self.person_id or 0)
        step = state.step if state is not None and state.dialog == self.code else None
        version = state.version if state is not None else 0

        async def press(action: str) -> tuple[list[Reply], str]:
            data = f"{self.code}:{version}:{action}"
            return await self.chat.press_data(data), data

        if step is None:
            return await self.chat.send(f"/{self.flow}"), None
        if step == "pilih":
            picks = [d for d in self.buttons if re.fullmatch(rf"{self.code}:\d+:[il]:\d+", d)]
            if picks:
                return await press(picks[choice % len(picks)].split(":", 2)[2])
            return await self.chat.send(f"/{self.flow}"), None
        typed = {
            "pembilang": ["90", "100", "1,762", "5"],
            "penyebut": ["100", "90", "0", "1.000"],
            "nilai": ["1.000", "100", "1,762", "2000"],
            "jumlah": ["21.463.000", "Rp 25.000.000", "1.000", "0"],
        }
        if step in typed:
            return await self.chat.send(typed[step][choice % 4]), None
        pressed = {
            "lihat": "ubah",
            "pilih_angka": f"c:{choice % 2}",
            "turun": "ok_turun",
            "tinggi": "ok_tinggi",
            "lebih": "ok_lebih",
            "bukti": "selesai_bukti" if choice % 2 else "lewat",
            "pratinjau": "simpan",
        }
        if step in pressed:
            return await press(pressed[step])
        if step == "pendorong" and choice % 2:
            return await press("lewat")
        return await self.chat.send(f"Catatan <b>{choice}</b> & sebagainya"), None


def forge(data: str, how: str, number: int) -> str:
    """Button data from a real menu, but with a version it does not have or another id."""
    dialog, version, action = [*data.split(":", 2), "", ""][:3]
    if how == "newer" and version.isdigit():
        return f"{dialog}:{int(version) + 1 + number % 5}:{action}"
    if how == "older" and version.isdigit():
        return f"{dialog}:{max(0, int(version) - 1 - number % 5)}:{action}"
    forged = re.sub(r"\d+", str(number), action) if re.search(r"\d", action) else action
    return f"{dialog}:{version}:{forged}"


def check_figures(db: Database, dialog: str, preview: Preview, row: Any) -> None:
    """The stored row carries exactly the figures behind the preview, and shows as it did."""
    figures = preview.figures
    if dialog == "ag":
        assert row.amount == Decimal(figures["amount"])
        assert f"Realisasi: <b>{format_rupiah(row.amount)}</b>" in preview.text
        return
    for name in ("numerator", "denominator", "value"):
        expected = figures.get(name)
        assert getattr(row, name) == (Decimal(expected) if expected is not None else None), name
    with Session(db.engine) as session:
        submission = session.get(Submission, row.submission_id)
        assert submission is not None
        indicator = session.get(Indicator, submission.indicator_id)
        assert indicator is not None
    shown = lt.show_figure(indicator.kind, indicator.unit_label, row.realisation)
    assert f"Realisasi: <b>{shown}</b>" in preview.text
    if row.numerator is not None:
        assert f": {format_number(row.numerator)}\n" in preview.text
        assert f": {format_number(row.denominator)}\n" in preview.text


def total_rows(db: Database) -> tuple[int, int]:
    with Session(db.engine) as session:
        return (
            len(session.exec(select(Revision.id)).all()),
            len(session.exec(select(BudgetRealisation.id)).all()),
        )


async def new_player(app: Conversations, db: Database, flow: str) -> Player:
    chat = Chat(app, next(USER_IDS), "Penguji <b>&</b>")
    player = Player(flow, chat, db)
    if flow != "stranger":
        await chat.register(POSITIONS[flow])
        assert "Selamat datang" in chat.text
        player.person_id = person_id_of(db.engine, chat.identity.external_id)
    return player


@pytest.fixture
def earlier_quarter(office: Database) -> None:
    """TW III figures for what the flows report in TW IV, stored by someone else, so that the
    "lower than last quarter" step can be reached too."""
    ratio = {"IK.18": (90, 100), "IK.20": (50, 100)}
    with transaction(office.engine) as session:
        org = resolve_organisation(session=session)
        period = ensure_periods(session, org, 2025)[3]
        someone = Person(name="Pelapor TW III")
        session.add(someone)
        session.flush()
        assert someone.id is not None
        for code in ("IK.18", "IK.19", "IK.20"):
            item = session.exec(select(Indicator).where(Indicator.code == code)).one()
            top, bottom = ratio.get(code, (None, None))
            value = None if top else Decimal(900)
            realisation = Decimal(top * 100 // bottom) if top and bottom else value
            figures = NewRevision(
                Decimal(top) if top else None,
                Decimal(bottom) if bottom else None,
                value,
                realisation,
                None,
            )
            save_revision(
                session=session,
                indicator=item,
                period=period,
                person_id=someone.id,
                figures=figures,
                evidence=[],
                now=NOW,
            )
        for line in session.exec(select(BudgetLine).where(BudgetLine.kind == "subkegiatan")):
            save_budget(
                session=session,
                line=line,
                period=period,
                person_id=someone.id,
                amount=Decimal(20_000_000),
                reason=None,
                now=NOW,
            )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    flow=st.sampled_from(["lapor", "lapor", "anggaran", "stranger"]),
    actions=SCRIPTS,
)
async def test_any_input_at_any_step_keeps_the_conversation_sound(
    app: Conversations,
    office: Database,
    earlier_quarter: None,
    flow: str,
    actions: list[tuple[str, Any]],
) -> None:
    """The examples share one database on purpose: each registers a new person, who takes
    the position over and meets the reports earlier examples stored (corrections included)."""
    player = await new_player(app, office, flow)
    for kind, value in actions:
        before_mine = {d: len(rows) for d, rows in player.stored().items()}
        before_all = total_rows(office)
        previews = dict(player.previews)
        replies, pressed = await player.act(kind, value)
        for reply in replies:
            check_reply(reply)
        # the database is up all along: "sedang ada gangguan" here would mean that some input
        # makes every attempt fail (data the database refuses), leaving the person stuck
        assert texts.DATABASE_DOWN not in [r.text for r in replies], (kind, value)
        if flow == "stranger":
            assert {r.text for r in replies} <= STRANGER_REPLIES, [r.text for r in replies]
            assert total_rows(office) == before_all
            assert person_id_of(office.engine, player.chat.identity.external_id) is None
            continue
        mine = player.stored()
        added = {d: len(rows) - before_mine[d] for d, rows in mine.items()}
        assert sum(total_rows(office)) - sum(before_all) == sum(added.values()), "not theirs"
        for dialog, count_added in added.items():
            if not count_added:
                continue
            assert count_added == 1, f"{count_added} rows from one event"
            preview = previews.get(dialog)
            assert preview is not None and pressed == preview.save_data, (
                f"stored without pressing the preview's Simpan: {kind} {value!r} -> {pressed!r}"
            )
            check_figures(office, dialog, preview, mine[dialog][-1])
            event(f"{flow}: saved")
        player.remember(replies)
        state = dialog_state(office.engine, player.person_id or 0)
        event(f"{flow} reached step {state.step if state else None}")
