"""What the bot says when a typed figure cannot be read (or can be read two ways)."""

from __future__ import annotations

from sicapai.reports.numbers import (
    MAX_INPUT_LENGTH,
    PERCENT_PLAUSIBLE_MAX,
    Field,
    ParsedNumber,
    Problem,
    spell_exact,
)

EXAMPLE = "Contoh penulisan: 1.762 atau 29,71."


def explain(parsed: ParsedNumber) -> str:
    """Why `parsed` is not a figure, or the question that picks one of its two readings
    (plain text: the caller escapes it for a chat)."""
    shown, field = parsed.shown, parsed.field
    match parsed.problem:
        case None:
            return ""
        case Problem.EMPTY:
            return f"Belum ada angka yang ditulis. {EXAMPLE}"
        case Problem.TOO_LONG:
            return (
                f"“{shown}” terlalu panjang (lebih dari {MAX_INPUT_LENGTH} karakter). "
                f"Tulis satu angka saja. {EXAMPLE}"
            )
        case Problem.LONE_DASH:
            return f"“{shown}” saja bukan angka. Jika nilainya nol, tulis 0."
        case Problem.SEVERAL:
            return f"“{shown}” berisi lebih dari satu angka. Tulis satu angka saja."
        case Problem.NOT_A_NUMBER:
            return f"“{shown}” bukan angka. {EXAMPLE}"
        case Problem.PERCENT_SIGN:
            if field is Field.RUPIAH:
                hint = "isian ini dalam rupiah. Tulis jumlahnya saja, misalnya Rp 2.526.926.600."
            else:
                hint = "isian ini bukan persentase. Tulis angkanya saja, misalnya 1.762."
            return f"“{shown}” memakai tanda %, padahal {hint}"
        case Problem.RUPIAH_SIGN:
            if field is Field.PERCENT:
                hint = "isian ini persentase. Tulis persentasenya, misalnya 29,71%."
            else:
                hint = "isian ini bukan jumlah uang. Tulis angkanya saja, misalnya 1.762."
            return f"“{shown}” memakai Rp, padahal {hint}"
        case Problem.TOO_MANY_CENTS:
            return (
                f"“{shown}”: rupiah paling banyak dua angka di belakang koma (sen), "
                "misalnya Rp 1.762,50."
            )
        case Problem.MALFORMED:
            return (
                f"“{shown}” tidak bisa dibaca sebagai angka. Titik dipakai untuk ribuan, tiap "
                "tiga angka (1.762), dan koma untuk desimal (29,71)."
            )
        case Problem.ENGLISH:
            meant = spell_exact(parsed.meant, field) if parsed.meant is not None else ""
            return (
                f"“{shown}” ditulis dengan cara Inggris (koma untuk ribuan, titik untuk "
                f"desimal). Tulis dengan titik untuk ribuan dan koma untuk desimal, misalnya "
                f"{meant}."
            )
        case Problem.SCALE_ON_PERCENT:
            return (
                f"“{shown}”: persentase tidak memakai ribu, juta atau miliar. Tulis "
                "persentasenya saja, misalnya 29,71%."
            )
        case Problem.AMBIGUOUS:
            as_decimal, as_thousands = parsed.choices[0], parsed.choices[1]
            name = "koma" if parsed.mark == "," else "titik"
            question = "Mana yang dimaksud?"
            if field is Field.PERCENT and as_thousands.copy_abs() > PERCENT_PLAUSIBLE_MAX:
                question = (
                    f"{spell_exact(as_thousands, field)} tidak lazim untuk persentase. " + question
                )
            return (
                f"“{shown}” bisa berarti {spell_exact(as_decimal, field, strip=True)} "
                f"({name} sebagai tanda desimal) atau {spell_exact(as_thousands, field)} "
                f"({name} sebagai pemisah ribuan). {question}"
            )


def read_as(parsed: ParsedNumber) -> str:
    """The full figure a scale word stood for ("25 juta" → "Rp 25.000.000"), for the
    confirmation; empty when the person typed the figure in full."""
    if not parsed.scaled or parsed.value is None:
        return ""
    return f"“{parsed.shown}” dibaca sebagai {spell_exact(parsed.value, parsed.field, strip=True)}."
