"""Run scans over many documents. (Placeholder: sequential, in-process, no store.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from ..config import Config
from ..pipeline import scan_safe
from ..report import Report


def run(inputs: list[str], config: Config, *, jobs: int = 1, db: str | None = None, engine: str = "local",
        scheduler: str | None = None, progress: bool = False) -> Iterator[Report]:
    """Yield one report per input, in input order."""
    for p in inputs:
        if p == "-":
            yield scan_safe("-", config, text=sys.stdin.read())
        else:
            yield scan_safe(p, config)
