"""The fixed-seed household generator as a script: ``python benchmarks/households_gen.py ...``.

The generator itself is :mod:`geo.demo.households` (tests and benchmarks import it from there).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.demo.households import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
