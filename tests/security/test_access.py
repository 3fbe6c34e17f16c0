"""Who may do what: a stranger, a deactivated person and a person of another unit try every
command and a set of stale or forged buttons, and get nowhere.

Buttons are the sharp edge: callback data comes back from the client, and a modified client
can send any 64 bytes. The forged set copies another person's live menus (verbatim, and with
the attacker's own current version so the version check passes) and aims at another unit's
indicator, another person's submission, the admin menu, a reminder for someone else's
indicator, the whole-office scope, and periods that do not exist. Each attempt must be
answered politely in Indonesian, must not show another unit's data, and must change nothing:
row counts of every table that records work or rights, and the lock of every period.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from sicapai.handlers import registry, texts
from sicapai.handlers.flow import Audience
from sicapai.handlers.texts import admin as admin_texts
from sicapai.handlers.texts import anggaran as anggaran_texts
from sicapai.handlers.texts import lapor as lapor_texts
from sicapai.handlers.texts import verifikasi as verifikasi_texts
from sicapai.models.budget import BudgetLine
from sicapai.models.organisation import Position
from sicapai.models.performance import Period, Submission
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite
from tests.support.data import dialog_state, indicator, person_id_of, snapshot
from tests.support.database import Database

REFUSALS = frozenset(
    {
        texts.STALE_MENU,
        lapor_texts.NOT_YOURS,
        lapor_texts.PERIOD_CLOSED,
        anggaran_texts.NOT_YOURS,
        verifikasi_texts.NOT_YOURS,
        admin_texts.ONLY_ADMIN,
    }
)
ADMIN_ONLY = ("admin", "kunci", "periksa", "ekspor", "impor")
# where an attacker goes first so that a forged button meets its own dialog, not a stale one
PRIMING = {"lp": "/lapor", "ag": "/anggaran", "cp": "/capaian", "vf": "/verifikasi", "ad": "/admin"}
VICTIM_CODES = ("IK.18", "IK.19", "IK.20")


@dataclass
class Office:
    """The people, and the ids a forger would aim at."""

    app: Conversations
    db: Database
    victim: Chat
    victim_menu: list[str]  # the victim's live /lapor menu: lp:<v>:i:<their indicators>
    victim_offer: str  # the receipt's "report the next one" button
    admin_menu: list[str]
    attackers: dict[str, Chat]
    ik18: int
    submission: int
    period: int
    line: int
    victim_person: int
    victim_unit: int


async def build_office(app: Conversations, db: Database) -> Office:
    victim = Chat(app, 3001, "Budi")
    await victim.register("Kasi Penempatan Tenaga Kerja")
    await victim.send("/lapor")
    await victim.press("IK.18")
    await victim.send("100")
    await victim.send("100")
    await victim.press("Simpan")
    assert "Laporan tersimpan" in victim.text
    offer = victim.button("Lapor IK.19")
    await victim.send("/lapor")
    menu = [b.data for r in victim.replies for row in r.buttons for b in row if ":i:" in b.data]
    assert menu

    admin = Chat(app, 3003, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    await admin.send("/admin")
    admin_menu = [b.data for r in admin.replies for row in r.buttons for b in row]
    assert admin_menu

    outsider = Chat(app, 3004, "Tono")
    await outsider.register("Kasi Transmigrasi")
    inactive = Chat(app, 3006, "Wati")
    await inactive.register("Kasi Perencanaan Tenaga Kerja")
    inactive_id = person_id_of(db.engine, 3006)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE person SET active = false WHERE id = {inactive_id}")

    victim_person = person_id_of(db.engine, 3001)
    assert victim_person is not None
    with Session(db.engine) as session:
        submission = session.exec(select(Submission)).one()
        period = session.get(Period, submission.period_id)
        line = session.exec(select(BudgetLine).where(BudgetLine.code == "1.1.1")).one()
        position = session.exec(
            select(Position).where(Position.name == "Kepala Seksi Penempatan Tenaga Kerja")
        ).one()
    assert period is not None and period.id and line.id and position.unit_id
    return Office(
        app=app,
        db=db,
        victim=victim,
        victim_menu=menu,
        victim_offer=offer,
        admin_menu=admin_menu,
        attackers={
            "stranger": Chat(app, 3005, "Asing"),
            "inactive": inactive,
            "outsider": outsider,
        },
        ik18=indicator(db.engine, "IK.18").id or 0,
        submission=submission.id or 0,
        period=period.id,
        line=line.id,
        victim_person=victim_person,
        victim_unit=position.unit_id,
    )


def forged(office: Office) -> list[str]:
    """Button data an attacker sends; "{v}" becomes their own current version at press time."""
    o = office
    copied = [*o.victim_menu, o.victim_offer, *o.admin_menu]
    return [
        *copied,  # verbatim: someone else's live menu
        *(retag(data) for data in copied),  # the same with the attacker's version
        f"lp:{{v}}:i:{o.ik18}",
        f"lp:{{v}}:n:{o.period}:{o.ik18}",
        "lp:{v}:simpan",
        "lp:{v}:ubah",
        f"vf:{{v}}:v:{o.submission}",
        "vf:{v}:ok",
        "ad:{v}:m:undang",
        f"ad:{{v}}:nonaktif:{o.victim_person}",
        "ad:{v}:ya_nonaktif",
        f"ad:{{v}}:kq:{o.period}",
        "ad:{v}:kunci_ya",
        f"ad:{{v}}:target:{o.ik18}",
        f"r:0:n:{o.period}:{o.ik18}",
        f"r:0:a:{o.period}:{o.line}",
        f"r:0:a:999999:{o.line}",
        f"r:0:n:999999:{o.ik18}",
        f"ag:{{v}}:n:999999:{o.line}",
        f"ag:{{v}}:n:{o.period}:{o.line}",
        f"ag:{{v}}:l:{o.line}",
        "cp:{v}:s:semua",
        f"cp:{{v}}:s:unit:{o.victim_unit}",
    ]


def retag(data: str) -> str:
    dialog, _version, action = data.split(":", 2)
    return f"{dialog}:{{v}}:{action}"


def version_of(office: Office, chat: Chat) -> int:
    person = person_id_of(office.db.engine, chat.identity.external_id)
    state = dialog_state(office.db.engine, person) if person else None
    return state.version if state else 0


def expected(role: str) -> frozenset[str]:
    return {
        "stranger": frozenset({texts.STRANGER}),
        "inactive": frozenset({texts.INACTIVE}),
    }.get(role, REFUSALS)


def leaks(chat: Chat) -> list[str]:
    """Another unit's indicators named in what the attacker was shown."""
    return [code for code in VICTIM_CODES if code in chat.text]


@pytest.fixture
async def scene(app: Conversations, office: Database) -> Office:
    return await build_office(app, office)


@pytest.mark.parametrize("role", ["stranger", "inactive", "outsider"])
async def test_forged_and_stale_buttons_are_refused_and_change_nothing(
    scene: Office, role: str
) -> None:
    office = scene
    attacker = office.attackers[role]
    victim_version = version_of(office, office.victim)
    for template in forged(office):
        dialog = template.split(":", 1)[0]
        if dialog in PRIMING and "{v}" in template:
            await attacker.send(PRIMING[dialog])
        data = template.replace("{v}", str(version_of(office, attacker)))
        before = snapshot(office.db.engine)
        replies = await attacker.press_data(data)
        shown = [r.text for r in replies if r.text]
        assert shown, f"{role} pressing {data!r} got no answer"
        assert set(shown) <= expected(role), f"{role} pressing {data!r} got {shown}"
        assert leaks(attacker) == [], f"{role} pressing {data!r} was shown {leaks(attacker)}"
        assert snapshot(office.db.engine) == before, f"{role} pressing {data!r} changed data"
    # the victim's own menu is untouched and still works
    assert version_of(office, office.victim) == victim_version
    await office.victim.press_data(office.victim_menu[0])
    assert "Rumus:" in office.victim.text


@pytest.mark.parametrize("role", ["stranger", "inactive", "outsider"])
async def test_every_command_is_refused_or_harmless(scene: Office, role: str) -> None:
    office = scene
    attacker = office.attackers[role]
    members_and_admins = [
        name
        for name, (_, c) in registry.current().commands.items()
        if c.audience != Audience.ANYONE
    ]
    assert set(ADMIN_ONLY) < set(members_and_admins)
    for command in members_and_admins:
        before = snapshot(office.db.engine)
        replies = await attacker.send(f"/{command}")
        shown = [r.text for r in replies if r.text]
        assert shown, f"{role} /{command} got no answer"
        if role == "outsider":
            # a registered person may use the bot, but never sees another unit's work
            if command in ADMIN_ONLY:
                assert shown == [admin_texts.ONLY_ADMIN], (command, shown)
            assert leaks(attacker) == [], f"/{command} showed {leaks(attacker)}"
        else:
            assert set(shown) == expected(role), (command, shown)
        assert snapshot(office.db.engine) == before, f"{role} /{command} changed data"
