"""What the command line says when master data cannot be loaded or an office cannot be found."""

from __future__ import annotations

from sicapai.models.queries import Missing, NotFound
from sicapai.models.seeding import SeedError, SeedProblem


def seed_error(error: SeedError) -> str:
    """One line for the operator: which file or entry, and what is wrong with it."""
    d = error.detail
    match error.problem:
        case SeedProblem.UNREADABLE:
            return f"berkas {d['path']} tidak dapat dibaca: {d['why']}"
        case SeedProblem.NOT_YAML:
            return f"berkas {d['path']} bukan YAML yang sah: {d['why']}"
        case SeedProblem.UNKNOWN_SHAPE:
            return f"berkas {d['path']} tidak berisi data yang dikenal"
        case SeedProblem.MISSING_VALUE:
            return f"angka {d['value']!r} kosong, padahal wajib diisi"
        case SeedProblem.FLOAT:
            return f"angka {d['value']!r} harus ditulis sebagai teks agar tetap tepat"
        case SeedProblem.UNKNOWN_SUPERIOR:
            return f"atasan {d['superior']!r} dari {d['position']!r} belum didefinisikan"
        case SeedProblem.MISSING_KEY:
            return f"berkas {d['path']}: kolom {d['key']!r} tidak ada"
        case SeedProblem.UNKNOWN_OWNER:
            return f"penanggung jawab {d['owner']!r} dari {d['code']} tidak dikenal"
        case SeedProblem.INDICATOR_NOT_LOADED:
            return f"indikator {d['code']} belum dimuat; jalankan seed tanpa --demo dulu"
        case SeedProblem.LINE_NOT_LOADED:
            return f"mata anggaran {d['code']} belum dimuat"


def not_found(error: NotFound) -> str:
    listed = error.detail.get("known")
    known = ", ".join(map(str, listed)) if isinstance(listed, list) and listed else "belum ada"
    match error.missing:
        case Missing.UNKNOWN_ORGANISATION:
            return f"organisasi {error.detail['code']!r} tidak dikenal (yang ada: {known})"
        case Missing.NO_ORGANISATION:
            return "belum ada data organisasi; jalankan `sicapai seed` dulu"
        case Missing.SEVERAL_ORGANISATIONS:
            return f"ada beberapa organisasi; pilih dengan --organisasi ({known})"
