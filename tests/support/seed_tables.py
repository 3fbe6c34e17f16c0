"""The seed LKjIP 2025's printed Tabel 3.2 (goal) and Tabel 3.3 rows, keyed by our indicator code.

Values are exactly as printed (Indonesian decimal commas read as dots: "24,06%" -> "24.06",
"101%" -> "101"). Tabel 3.3 orders its rows differently from Tabel 2.3; the IK codes follow
Tabel 2.3 and the comment on each row gives its Tabel 3.3 row number. T.1 comes from
Tabel 3.2, which prints no kriteria: "Sangat Tinggi" is what 98.19 gives by the Tabel 3.1
bands (>= 91).
"""

from decimal import Decimal

TABEL_3_3: dict[str, dict[str, Decimal | str]] = {
    # Tabel 3.2
    "T.1": {
        "target": Decimal("2.71"),
        "realisasi": Decimal("2.76"),
        "capaian": Decimal("98.19"),
        "kriteria": "Sangat Tinggi",
    },
    # Tabel 3.3 row 1
    "IK.01": {
        "target": Decimal("38"),
        "realisasi": Decimal("50.05"),
        "capaian": Decimal("131.71"),
        "kriteria": "Sangat Tinggi",
    },
    # row 2
    "IK.02": {
        "target": Decimal("24.06"),
        "realisasi": Decimal("29.71"),
        "capaian": Decimal("123.48"),
        "kriteria": "Sangat Tinggi",
    },
    # row 3
    "IK.03": {
        "target": Decimal("80.30"),
        "realisasi": Decimal("80.33"),
        "capaian": Decimal("100.04"),
        "kriteria": "Sangat Tinggi",
    },
    # row 18
    "IK.04": {
        "target": Decimal("86"),
        "realisasi": Decimal("91.74"),
        "capaian": Decimal("106"),
        "kriteria": "Sangat Tinggi",
    },
    # row 19
    "IK.05": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 20
    "IK.06": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 21
    "IK.07": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 22
    "IK.08": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 23
    "IK.09": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 24
    "IK.10": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 4
    "IK.11": {
        "target": Decimal("12.5"),
        "realisasi": Decimal("12.5"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 13
    "IK.12": {
        "target": Decimal("18.75"),
        "realisasi": Decimal("18.75"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 5 (Tabel 3.4/3.5 say 80% / 151% instead)
    "IK.13": {
        "target": Decimal("52.8"),
        "realisasi": Decimal("53.6"),
        "capaian": Decimal("101"),
        "kriteria": "Sangat Tinggi",
    },
    # row 6
    "IK.14": {
        "target": Decimal("2.5"),
        "realisasi": Decimal("5.27"),
        "capaian": Decimal("210"),
        "kriteria": "Sangat Tinggi",
    },
    # row 14
    "IK.15": {
        "target": Decimal("6.44"),
        "realisasi": Decimal("6.44"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 7
    "IK.16": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 11
    "IK.17": {
        "target": Decimal("68.42"),
        "realisasi": Decimal("68.42"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 8
    "IK.18": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 9 (Orang)
    "IK.19": {
        "target": Decimal("1000"),
        "realisasi": Decimal("1762"),
        "capaian": Decimal("176"),
        "kriteria": "Sangat Tinggi",
    },
    # row 10
    "IK.20": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 12 (Dokumen)
    "IK.21": {
        "target": Decimal("5"),
        "realisasi": Decimal("5"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
    # row 15
    "IK.22": {
        "target": Decimal("40"),
        "realisasi": Decimal("37"),
        "capaian": Decimal("92.5"),
        "kriteria": "Sangat Tinggi",
    },
    # row 16
    "IK.23": {
        "target": Decimal("45"),
        "realisasi": Decimal("37"),
        "capaian": Decimal("82.22"),
        "kriteria": "Tinggi",
    },
    # row 17
    "IK.24": {
        "target": Decimal("100"),
        "realisasi": Decimal("100"),
        "capaian": Decimal("100"),
        "kriteria": "Sangat Tinggi",
    },
}


# code -> (why the printed capaian is wrong, the capaian the raw figures give)
SEED_INCONSISTENCIES: dict[str, tuple[str, Decimal]] = {
    "IK.04": ("91.74 / 86 = 106.67, printed truncated as 106", Decimal("106.67")),
    "IK.13": ("528 / 985 = 53.60%, / 52.8 = 101.52, printed truncated as 101", Decimal("101.52")),
    "IK.14": ("25 / 474 = 5.27%, / 2.5 = 210.97, printed truncated as 210", Decimal("210.97")),
    "IK.15": ("128 / 1986 = 6.45%, printed truncated as 6.44 and capaian 100", Decimal("100.08")),
    "IK.19": ("1762 / 1000 = 176.20, printed truncated as 176", Decimal("176.20")),
    "IK.22": ("175 / 474 = 36.92%, printed as 37 (capaian 92.5)", Decimal("92.30")),
    "IK.23": ("175 / 474 = 36.92%, printed as 37 (capaian 82.22)", Decimal("82.04")),
}
