"""Run one benchmark by name: ``.venv/bin/python -m bench screening --quality``."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    names = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print(f"usage: python -m bench NAME [options]; NAME is one of: {', '.join(names)}", file=sys.stderr)
        raise SystemExit(2)
    name = sys.argv[1]
    sys.argv = [str(HERE / f"{name}.py"), *sys.argv[2:]]
    runpy.run_module(f"bench.{name}", run_name="__main__")


if __name__ == "__main__":
    main()
