"""The command line as an office's admin meets it in the first quarter: Indonesian throughout
(argparse's own words too), `kunci` that asks before locking, `buka` with a reason, `pengingat`
for a year without a PK, and an audit trail an Inspektorat reviewer can read (and open in Excel).

The commands run in-process through `sicapai.bot.cli.main`, as the `sicapai` script does."""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from sicapai.bot.cli import main
from sicapai.handlers.texts.cli import ARGPARSE
from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog, record_audit
from sicapai.models.organisation import Holding, Person, Position
from sicapai.models.performance import ChangeRequest, Indicator, Period
from sicapai.models.queries import get_period, resolve_organisation
from sicapai.models.reporting import NewRevision, save_revision
from sicapai.models.review import request_change
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from tests.support.database import Database

ENGLISH = re.compile(
    r"\b(usage|error|options|optional|positional|required|invalid|unrecognized|expected|"
    r"argument|arguments|choose|show this help|No such file|must be)\b",
    re.IGNORECASE,
)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CLI:
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "SICAPAI_", "WHATSAPP_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    return CLI(monkeypatch, capsys)


class CLI:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def run(self, *argv: str, url: str | None = None, stdin: str | None = None) -> Result:
        if url:
            self.monkeypatch.setenv("DATABASE_URL", url)
        if stdin is not None:
            self.monkeypatch.setattr("sys.stdin", _Terminal(stdin))
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return Result(status, out, err)


class Result:
    def __init__(self, status: int, out: str, err: str) -> None:
        self.status, self.out, self.err = status, out, err


class _Terminal(io.StringIO):
    """Typed answers, from a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _indonesian(text: str) -> None:
    assert text.strip()
    assert not ENGLISH.search(text), text
    assert "Traceback" not in text


# --- item 10: argparse and the settings in Indonesian --------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("--bogus",),
        ("bogus",),
        ("kunci",),
        ("kunci", "--tahun"),
        ("kunci", "--tahun", "2025", "--triwulan", "1", "--lebih"),
        ("capaian", "--tahun", "2025", "--triwulan", "1", "--format", "x"),
        ("nonaktifkan", "--orang", "dua"),
        ("buka", "--tahun", "2025", "--triwulan", "1"),
    ],
)
def test_argparse_complains_in_indonesian_on_one_line(cli: CLI, argv: tuple[str, ...]) -> None:
    result = cli.run(*argv)
    assert result.status == 2
    _indonesian(result.err)
    assert len(result.err.strip().splitlines()) == 1
    assert result.err.startswith("sicapai: ") and "--help" in result.err


def test_required_arguments_are_named(cli: CLI) -> None:
    result = cli.run("kunci")
    assert "wajib: --tahun, --triwulan" in result.err
    assert "`sicapai kunci --help`" in result.err


@pytest.mark.parametrize("argv", [("--help",), ("ekspor", "--help"), ("buka", "-h")])
def test_help_is_indonesian_and_every_option_explained(cli: CLI, argv: tuple[str, ...]) -> None:
    result = cli.run(*argv)
    assert result.status == 0
    _indonesian(result.out)
    assert result.out.startswith("penggunaan: sicapai")
    assert "tampilkan bantuan ini lalu keluar" in result.out
    if argv[0] == "ekspor":
        assert "--tahun TAHUN        tahun PK" in result.out
        assert "--out BERKAS" in result.out


def test_help_of_every_subcommand_is_indonesian(cli: CLI) -> None:
    from sicapai.bot.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        text = command.format_help()
        assert not re.search(r"\b(usage|options|show this help)\b", text), (name, text)


def test_every_argparse_template_of_this_python_is_translated() -> None:
    """A new Python that adds a sentence to argparse fails here, not in front of an office."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    templates = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }
    assert templates - ARGPARSE.keys() == set()
    for english in templates:
        placeholders = set(re.findall(r"%\((\w+)\)", english))
        assert set(re.findall(r"%\((\w+)\)", ARGPARSE[english])) <= placeholders


def test_other_argparse_users_keep_their_language(cli: CLI) -> None:
    cli.run("kunci")
    plain = argparse.ArgumentParser(prog="lain")
    assert plain.format_usage().startswith("usage: ")


def test_missing_file_is_said_in_indonesian(cli: CLI, tmp_path: Path) -> None:
    result = cli.run("impor", str(tmp_path / "tidak-ada.xlsx"))
    assert result.status == 2
    _indonesian(result.err)
    assert "tidak-ada.xlsx tidak dapat dibaca: berkas atau folder itu tidak ada" in result.err
    seed = cli.run("seed", "--berkas", str(tmp_path / "induk.yaml"))
    assert seed.status == 2
    _indonesian(seed.err)


@pytest.mark.parametrize(
    ("url", "words"),
    [("mysql://root@localhost/x", "hanya mendukung SQLite"), ("bukan alamat", "bukan alamat")],
)
def test_bad_database_url_is_said_in_indonesian(cli: CLI, url: str, words: str) -> None:
    result = cli.run("orang", url=url)
    assert result.status == 2
    _indonesian(result.err)
    assert "DATABASE_URL" in result.err and words in result.err


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SICAPAI_TURN_WORKERS", "dua", "harus bilangan bulat"),
        ("SICAPAI_TURN_WORKERS", "99", "paling besar 32"),
        ("SICAPAI_TZ", "Mars/Olympus", "zona waktu 'Mars/Olympus' tidak dikenal"),
    ],
)
def test_bad_setting_is_said_in_indonesian(
    cli: CLI, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    result = cli.run("orang")
    assert result.status == 2
    _indonesian(result.err)
    assert f"pengaturan {name} tidak sah: {words}" in result.err


# --- item 5: pengingat for a year without a PK ---------------------------------------------


def test_pengingat_for_a_year_without_pk_says_so(cli: CLI, office: Database) -> None:
    result = cli.run("pengingat", "--dari", "2030-04-01", "--sampai", "2030-04-30", url=office.url)
    assert result.status == 2
    assert "tidak ada PK tahun 2030 (tahun yang tersedia: 2025)" in result.err
    assert "semua sudah melapor" not in result.out + result.err


# --- item 2: kunci asks, buka unlocks with a reason ----------------------------------------


def _locked(db: Database, quarter: int = 1) -> bool:
    with Session(db.engine) as session:
        org = resolve_organisation(session=session)
        period = get_period(session=session, organisation_id=ident(org), year=2025, quarter=quarter)
        assert period is not None
        return period.locked


KUNCI = ("kunci", "--tahun", "2025", "--triwulan", "1")


def test_kunci_without_a_terminal_only_lists_and_says_how(cli: CLI, office: Database) -> None:
    result = cli.run(*KUNCI, url=office.url, stdin=None)
    assert result.status == 1
    assert "Sebelum mengunci TW I 2025:" in result.out and "IK.18 (belum)" in result.out
    assert "--ya" in result.err
    assert not _locked(office)


def test_kunci_asks_and_t_cancels(cli: CLI, office: Database) -> None:
    result = cli.run(*KUNCI, url=office.url, stdin="mungkin\nt\n")
    assert result.status == 1
    assert "[y/t]" in result.out and "Jawab y (kunci) atau t (batal)" in result.out
    assert "Batal: TW I 2025 tidak dikunci." in result.out
    assert not _locked(office)


def test_kunci_asks_and_y_locks(cli: CLI, office: Database) -> None:
    result = cli.run(*KUNCI, url=office.url, stdin="y\n")
    assert result.status == 0
    assert "TW I 2025 dikunci." in result.out
    assert _locked(office)


def test_kunci_with_ya_locks_at_once(cli: CLI, office: Database) -> None:
    result = cli.run(*KUNCI, "--ya", url=office.url)
    assert result.status == 0 and _locked(office)
    again = cli.run(*KUNCI, "--ya", url=office.url)
    assert again.status == 0 and "sudah terkunci" in again.out


BUKA = ("buka", "--tahun", "2025", "--triwulan", "1")
TW1_REMINDERS = ("pengingat", "--dari", "2025-04-01", "--sampai", "2025-04-30")


def test_buka_refuses_a_trivial_reason_and_an_open_quarter(cli: CLI, office: Database) -> None:
    open_one = cli.run(*BUKA, "--alasan", "Koreksi data dari BPS", url=office.url)
    assert open_one.status == 2 and "tidak sedang terkunci" in open_one.err
    cli.run(*KUNCI, "--ya")
    trivial = cli.run(*BUKA, "--alasan", "ok")
    assert trivial.status == 2 and "paling sedikit dua kata" in trivial.err
    assert _locked(office)


def test_buka_unlocks_audits_keeps_requests_and_resumes_reminders(
    cli: CLI, office: Database
) -> None:
    before = cli.run(*TW1_REMINDERS, url=office.url)
    assert "IK.18" in before.out
    assert cli.run(*KUNCI, "--ya").status == 0
    assert "Tidak ada pengingat" in cli.run(*TW1_REMINDERS).out  # a locked quarter is quiet
    with transaction(office.engine) as session:
        indicator, period = _ik18(session, 2025, 1)
        person = _someone(session, indicator)
        request_change(
            session=session,
            indicator=indicator,
            period=period,
            person_id=person,
            figures=_figures(reason="Data BPS terlambat masuk"),
            evidence=[],
            now=datetime(2025, 4, 20, tzinfo=UTC),
        )

    result = cli.run(*BUKA, "--alasan", "Koreksi data TW I dari BPS")

    assert result.status == 0, result.err
    assert "TW I 2025 dibuka kembali" in result.out
    assert "1 permintaan perubahan tetap menunggu" in result.out
    assert not _locked(office)
    with Session(office.engine) as session:
        (entry,) = session.exec(select(AuditLog).where(AuditLog.action == "periode_dibuka")).all()
        assert entry.detail["alasan"] == "Koreksi data TW I dari BPS"
        (request,) = session.exec(select(ChangeRequest)).all()
        assert request.status == "menunggu"
    after = cli.run(*TW1_REMINDERS)
    assert "IK.18" in after.out  # the quarter's reminders are planned again


# --- item 7: the audit trail ---------------------------------------------------------------


def _figures(reason: str | None) -> NewRevision:
    return NewRevision(
        numerator=None,
        denominator=None,
        value=Decimal(1762),
        realisation=Decimal(1762),
        achievement=None,
        reason=reason,
    )


def _ik18(session: Session, year: int, quarter: int) -> tuple[Indicator, Period]:
    org = resolve_organisation(session=session)
    indicator = session.exec(
        select(Indicator).where(Indicator.code == "IK.18", Indicator.year == year)
    ).one()
    return indicator, ensure_periods(session, org, year)[quarter]


def _someone(session: Session, indicator: Indicator) -> int:
    """A person holding the indicator's position since 2024 (the master data has none)."""
    assert indicator.owner_position_id is not None
    person = Person(name="Budi Santoso")
    session.add(person)
    session.flush()
    session.add(
        Holding(
            person_id=ident(person),
            position_id=indicator.owner_position_id,
            started_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
    )
    session.flush()
    return ident(person)


def _next_year(session: Session, indicator: Indicator) -> Indicator:
    """IK.18 in the 2026 PK: the same code, another row."""
    copy = Indicator(
        **indicator.model_dump(exclude={"id", "year"}),
        year=2026,
    )
    session.add(copy)
    session.flush()
    return copy


def _saved(
    session: Session, indicator: Indicator, period: Period, person: int, at: datetime, **kw: str
) -> None:
    """A save, audited as `/lapor` audits it."""
    submission, revision = save_revision(
        session=session,
        indicator=indicator,
        period=period,
        person_id=person,
        figures=_figures(reason=kw.get("alasan")),
        evidence=[],
        now=at,
    )
    record_audit(
        session,
        indicator.organisation_id,
        person,
        "laporan_disimpan",
        "submission",
        submission.id,
        at,
        indikator=indicator.code,
        periode=f"{period.year}-TW{period.quarter}",
        revisi=revision.number,
        lama=kw.get("lama"),
        baru=kw["baru"],
        alasan=kw.get("alasan"),
    )


def test_audit_is_the_year_asked_readable_and_in_excel(
    cli: CLI, office: Database, tmp_path: Path
) -> None:
    with transaction(office.engine) as session:
        indicator, period = _ik18(session, 2025, 1)
        budi = _someone(session, indicator)
        position = session.get(Position, indicator.owner_position_id)
        assert position is not None
        _saved(
            session,
            indicator,
            period,
            budi,
            datetime(2025, 4, 12, 1, 14, tzinfo=UTC),
            baru="29,71%",
        )
        _saved(
            session,
            indicator,
            period,
            budi,
            datetime(2025, 4, 13, 2, 0, tzinfo=UTC),
            lama="29,71%",
            baru="31,20%",
            alasan="Salah ketik angka pencari kerja",
        )
        later = _next_year(session, indicator)
        org = resolve_organisation(session=session)
        _saved(
            session,
            later,
            ensure_periods(session, org, 2026)[1],
            budi,
            datetime(2026, 4, 10, 1, 0, tzinfo=UTC),
            baru="999",
        )
    target = cli.run(
        "target",
        "--tahun",
        "2025",
        "--indikator",
        "IK.18",
        "--target",
        "7,5; 15; 22,5; 30",
        url=office.url,
    )
    assert target.status == 0, target.err
    out = tmp_path / "audit.xlsx"

    result = cli.run("audit", "--tahun", "2025", "--indikator", "IK.18", "--xlsx", str(out))

    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Log audit IK.18 tahun 2025 (6 catatan):"
    who = f"Budi Santoso ({position.name})"
    assert lines[1] == (
        f"12 Apr 2025 09.14 WITA · {who} · IK.18 TW I · laporan disimpan · lama – → baru 29,71%"
    )
    assert lines[2] == (
        f"13 Apr 2025 10.00 WITA · {who} · IK.18 TW I · laporan disimpan · "
        "lama 29,71% → baru 31,20% · alasan: Salah ketik angka pencari kerja"
    )
    assert (
        " · admin (baris perintah) · IK.18 TW I · target triwulan diubah · lama – → baru 7,5"
        in lines[3]
    )
    assert "IK.18 TW IV · target triwulan diubah · lama – → baru 30" in result.out
    assert "10 Apr 2026" not in result.out and "999" not in result.out  # the 2026 PK's IK.18
    trail = "\n".join(lines[1:7])
    assert "None" not in trail and "_" not in trail and "=" not in trail

    sheet = load_workbook(out)["Log audit"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Waktu (WITA)",
        "Pelaku",
        "Jabatan",
        "Indikator",
        "Periode",
        "Tindakan",
        "Nilai lama",
        "Nilai baru",
        "Alasan",
    ]
    assert rows[1] == [
        datetime(2025, 4, 12, 9, 14),
        "Budi Santoso",
        position.name,
        "IK.18",
        "TW I 2025",
        "laporan disimpan",
        None,
        "29,71%",
        None,
    ]
    assert rows[2][6:] == ["29,71%", "31,20%", "Salah ketik angka pencari kerja"]
    assert rows[3][1:3] == ["admin (baris perintah)", None]
    assert rows[3][5:8] == ["target triwulan diubah", None, "7,5"]
    assert len(rows) == 7
    assert all(cell != "None" for row in rows for cell in row)
