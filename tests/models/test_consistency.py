"""`sicapai periksa` finds the seed's own slips, and the kinds of slip people make later."""

from __future__ import annotations

from decimal import Decimal as D

from sqlmodel import select

from sicapai.handlers.texts.periksa import finding
from sicapai.models.db import transaction
from sicapai.models.performance import Indicator
from sicapai.models.queries import get_period, resolve_organisation
from sicapai.models.reporting import NewRevision, save_revision
from sicapai.models.types import utcnow
from sicapai.reports.capaian import Figures
from sicapai.reports.consistency import check_cumulative
from tests.support.cli import run_cli
from tests.support.database import Database


def _periksa(db: Database) -> list[str]:
    result = run_cli("periksa", "--tahun", "2025", database_url=db.url)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_finds_the_seed_budget_errors(seeded: Database) -> None:
    lines = _periksa(seeded)
    text = "\n".join(lines)
    # Administrasi Keuangan: pagu 5.954.732.500 in Tabel 3.11, its lines add up to 4.951.107.500
    assert any(
        "Administrasi Keuangan" in line and "Rp 5.954.732.500" in line and "jumlah pagu" in line
        for line in lines
    ), text
    # ... and the PK says 4.954.732.500
    assert any(
        "Rp 4.954.732.500" in line and "Perjanjian Kinerja, indikator IK.06" in line
        for line in lines
    )
    # Penatausahaan: realisasi 170.025.000 above pagu 166.400.000, printed as 97,87%
    assert any(
        "Penatausahaan" in line and "melebihi pagu" in line and "Rp 170.025.000" in line
        for line in lines
    ), text
    assert any("Penatausahaan" in line and "97,87%" in line for line in lines), text
    # Program 1 pagu is not the sum of its kegiatan (because of the 5.954.732.500 typo)
    program = "- Tabel 3.11 (realisasi anggaran), baris 1 "
    assert any(line.startswith(program) for line in lines), text


def test_finds_printed_percentages_that_do_not_match_their_figures(seeded: Database) -> None:
    lines = _periksa(seeded)
    # 882 / 1762 = 50.056..% printed as 50.05
    assert any(
        line.startswith("- Tabel 3.3 (realisasi kinerja), baris IK.01") and "50,05" in line
        for line in lines
    )
    # Hubungan Industrial: 175 / 474 = 36.92% printed as 37, its capaian 92.5 from the 37
    assert any(
        line.startswith("- Tabel 3.3 (realisasi kinerja), baris IK.22")
        and "capaian yang tertulis 92,5%" in line
        and "92,30%" in line
        for line in lines
    )


def test_finds_ratio_above_denominator_and_cumulative_going_down(seeded: Database) -> None:
    with transaction(seeded.engine) as session:
        org = resolve_organisation(session=session)
        ik01 = session.exec(select(Indicator).where(Indicator.code == "IK.01")).one()
        for quarter, (n, d) in {1: (300, 500), 2: (250, 700), 3: (800, 600)}.items():
            period = get_period(session=session, organisation_id=org.id, year=2025, quarter=quarter)
            save_revision(
                session=session,
                indicator=ik01,
                period=period,
                person_id=None,  # type: ignore[arg-type]
                figures=NewRevision(D(n), D(d), None, None, None),
                evidence=[],
                now=utcnow(),
            )
    lines = _periksa(seeded)
    assert any("TW III, indikator IK.01" in line and "pembilang" in line for line in lines)
    assert any("indikator IK.01" in line and "kumulatif TW II" in line for line in lines)


def test_cumulative_check_ignores_values_and_reads_each_part() -> None:
    series = {1: Figures(value=D("80")), 2: Figures(value=D("70"))}
    assert check_cumulative("IK.03", "Nilai SAKIP", "nilai", series) == []
    counts = {1: Figures(value=D(10)), 2: Figures(value=D(8))}
    (found,) = check_cumulative("IK.19", "Jumlah", "jumlah", counts)
    assert "TW II" in finding(found) and "(8)" in finding(found)


def test_strict_mode_exits_non_zero_on_findings(seeded: Database) -> None:
    result = run_cli("periksa", "--tahun", "2025", "--ketat", database_url=seeded.url)
    assert result.returncode == 1
