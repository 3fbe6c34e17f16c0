"""`python -m bench NAME [args]`: run one benchmark by name.

Each benchmark is a module with `main(argv: list[str] | None) -> int`; add yours to BENCHMARKS.
Modules are imported only when chosen, so one benchmark's imports never slow another down.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: dict[str, str] = {
    "broadcast": "bench.broadcast",
    "charts": "bench.charts",
    "conversations": "bench.conversations",
    "imports": "bench.imports",
    "lookups": "bench.lookups",
    "memory": "bench.memory",
    "whatsapp": "bench.whatsapp",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m bench NAME [args...]   (NAME: {names})", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[args[0]])
    result: int = module.main(args[1:])
    return result


if __name__ == "__main__":
    sys.exit(main())
