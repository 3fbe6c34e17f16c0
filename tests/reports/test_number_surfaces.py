"""One rule per surface (domain brief, "How numbers are printed"), as a reader sees it; and
how figures are read back ("25 juta") and how the consistency check words what it found.

Chat and charts trim trailing zeros, tables keep two decimals on percentages, counts are whole
everywhere, rupiah has no decimals: the CLI table, the chat summary and the XLSX export of the
same demo data, side by side.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.writer import to_bytes
from sicapai.handlers.texts.numbers import explain, read_as
from sicapai.handlers.texts.periksa import finding
from sicapai.models.db import transaction
from sicapai.models.queries import resolve_organisation
from sicapai.reports.consistency import Check, Finding, Slip
from sicapai.reports.numbers import (
    Field,
    Problem,
    chat_figure,
    chat_percent,
    count,
    parse_number,
    rupiah,
    spell_exact,
    table_figure,
    table_percent,
)
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat
from tests.support.cli import run_cli
from tests.support.data import realisations
from tests.support.database import Database

D = Decimal


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        (chat_percent(D("176.20")), "176,2%"),
        (chat_percent(D("100.00")), "100%"),
        (table_percent(D("100")), "100,00%"),
        (table_percent(D("131.7105")), "131,71%"),
        (count(D("1762.00")), "1.762"),
        (count(D("3.75")), "3,75"),  # a split yearly target keeps its fraction
        (rupiah(D("2526926600.00")), "Rp 2.526.926.600"),
        (table_figure(D("1762.00"), "jumlah"), "1.762"),
        (table_figure(D("50.06"), "rasio"), "50,06%"),
        (table_figure(D("80.3"), "nilai"), "80,30"),
        (chat_figure(D("80.30"), "nilai"), "80,3"),
    ],
)
def test_named_printers(printed: str, expected: str) -> None:
    assert printed == expected


def _row(stdout: str, code: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith(f"{code} "))
    return [cell.strip() for cell in line.split("|")]


def test_capaian_table_prints_counts_whole_and_percentages_with_two_decimals(
    seeded: Database,
) -> None:
    result = run_cli("capaian", "--tahun", "2025", "--triwulan", "4", database_url=seeded.url)
    assert result.returncode == 0, result.stderr
    assert "1.762,00" not in result.stdout
    jobseekers = _row(result.stdout, "IK.19")  # Orang: a count
    assert jobseekers[4:7] == ["1.000", "1.762", "176,20%"]
    placed = _row(result.stdout, "IK.01")  # Persen: a ratio
    assert placed[4:7] == ["38,00%", "50,06%", "131,73%"]
    index = _row(result.stdout, "IK.03")  # Nilai: a score
    assert index[4:7] == ["80,30", "80,33", "100,04%"]

    csv = run_cli(
        "capaian",
        "--tahun",
        "2025",
        "--triwulan",
        "4",
        "--format",
        "csv",
        database_url=seeded.url,
    )
    ik19 = next(line for line in csv.stdout.splitlines() if line.startswith("IK.19;"))
    assert ik19.split(";")[4:7] == ["1000", "1762", "176,20"]


async def test_chat_summary_trims_and_says_what_the_renstra_percentage_is(
    seeded: Database, tmp_path: Path
) -> None:
    app = Conversations(seeded.engine, files_dir=tmp_path / "bukti")
    try:
        kadis = Chat(app, 3001, "Kepala")
        await kadis.register("Kepala Dinas")
        await kadis.send("/capaian")
        await kadis.press("Seluruh kantor")
        pages = [kadis.text]
        while any("Berikutnya" in b.label for r in kadis.replies for row in r.buttons for b in row):
            await kadis.press("Berikutnya")
            pages.append(kadis.text)
    finally:
        await app.close()
    text = "\n".join(pages)
    block = text[text.index("<b>IK.19</b>") :].split("\n")[1]
    assert "1.762 Orang" in block and "<b>176,2%</b>" in block
    assert "1.762,00" not in text and "176,20%" not in text
    assert "(tercapai 83,43% dari target Renstra)" in text


def test_export_formats_percentages_with_two_decimals_and_counts_whole(
    seeded: Database,
) -> None:
    with transaction(seeded.engine) as session:
        org = resolve_organisation(session=session)
        data = gather_export(session=session, organisation=org, year=2025, quarter=4)
    workbook = load_workbook(io.BytesIO(to_bytes(build_export(data))))
    ws = workbook["Tabel 3.3"]
    by_name = {
        ws.cell(row=r, column=3).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value
    }
    ik01 = next(r for name, r in by_name.items() if str(name).startswith("Persentase Pencari"))
    ik19 = next(r for name, r in by_name.items() if str(name).startswith("Jumlah Pencari Kerja"))
    # target (D), realisasi (F), capaian (G)
    assert [ws[f"{c}{ik01}"].number_format for c in "DFG"] == ['0.00"%"'] * 3
    assert ws[f"F{ik19}"].value == 1762
    assert [ws[f"{c}{ik19}"].number_format for c in "DF"] == ["#,##0", "#,##0"]
    assert ws[f"G{ik19}"].number_format == '0.00"%"'
    budget = workbook["Tabel 3.11"]
    assert budget["F4"].number_format == '0.00"%"' and budget["D4"].number_format == "#,##0"


@pytest.mark.parametrize(
    ("typed", "field", "value"),
    [
        ("25 juta", Field.RUPIAH, D(25_000_000)),
        ("Rp 2,5 M", Field.RUPIAH, D(2_500_000_000)),
        ("500 rb", Field.RUPIAH, D(500_000)),
        ("25jt", Field.RUPIAH, D(25_000_000)),
        ("3 ribu", Field.NUMBER, D(3000)),
    ],
)
def test_scale_words_are_read_and_flagged_for_an_echo(
    typed: str, field: Field, value: Decimal
) -> None:
    parsed = parse_number(typed, field=field)
    assert parsed.value == value and parsed.scaled
    assert read_as(parsed) == f"“{typed}” dibaca sebagai {spell_exact(value, field)}."


def test_scale_words_that_cannot_be_meant_are_refused_with_a_reason() -> None:
    on_percent = parse_number("5 juta", field=Field.PERCENT)
    assert on_percent.problem is Problem.SCALE_ON_PERCENT
    assert "persentase tidak memakai ribu, juta atau miliar" in explain(on_percent)
    assert parse_number("25 m", field=Field.NUMBER).problem is Problem.NOT_A_NUMBER  # metres?
    both = parse_number("1,234 juta", field=Field.RUPIAH)  # 1,234 juta or 1.234 juta
    assert both.choices == (D(1_234_000), D(1_234_000_000))


async def test_budget_amount_in_juta_is_echoed_in_full_and_saved(app: Conversations) -> None:
    keuangan = Chat(app, 2001, "Sari")
    await keuangan.register("Kasubag Keuangan")
    await keuangan.send("/anggaran")
    await keuangan.press("1.1.1")
    replies = await keuangan.send("20 juta")
    assert "“20 juta” dibaca sebagai Rp 20.000.000." in replies[0].text
    assert "Rp 20.000.000" in keuangan.text  # the preview
    await keuangan.press("Simpan")
    assert "Realisasi anggaran tersimpan" in keuangan.text
    (row,) = realisations(app.engine, "1.1.1")
    assert row.amount == D(20_000_000)


def test_periksa_findings_are_sentences_with_table_and_row() -> None:
    budget = Finding(
        Check.PRINTED_MISMATCH,
        "1.2",
        "1.2 Administrasi Keuangan Perangkat Daerah",
        Slip.PRINTED_ABSORPTION,
        D("88.88"),
        D("73.95"),
    )
    assert finding(budget) == (
        "Tabel 3.11 (realisasi anggaran), baris 1.2 Administrasi Keuangan Perangkat Daerah: "
        "serapan yang tertulis 88,88%, padahal realisasi dibagi pagu menghasilkan 73,95%."
    )
    printed = Finding(
        Check.PRINTED_MISMATCH,
        "IK.22",
        "IK.22 Persentase perusahaan",
        Slip.PRINTED_ACHIEVEMENT,
        D("92.5"),
        D("92.30"),
        quarters=(4,),
    )
    assert finding(printed).startswith("Tabel 3.3 (realisasi kinerja), baris IK.22 ")
    assert "capaian yang tertulis 92,5%, padahal hasil hitung" in finding(printed)


def test_periksa_prints_no_internal_codes(seeded: Database) -> None:
    result = run_cli("periksa", "--tahun", "2025", database_url=seeded.url)
    findings = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert findings and not any("[" in line or "_" in line for line in findings)
    assert all((line.endswith(".") and "baris" in line) or "indikator" in line for line in findings)
