"""Turn CLI paths into the ordered list of documents to scan."""

from __future__ import annotations

import os
from pathlib import Path

from ..extract import SUPPORTED_SUFFIXES


def discover(paths: list[str], recursive: bool) -> list[str]:
    """Files in input order; directories expand (sorted) to their supported files (recursively with -r).

    Explicitly named files are kept whatever their suffix, so an unsupported one gets its own error record.
    """
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            if recursive:
                found = []
                for root, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    found.extend(os.path.join(root, f) for f in files if Path(f).suffix.lower() in SUPPORTED_SUFFIXES and not f.startswith("~$"))
                out.extend(sorted(found))
            else:
                out.extend(sorted(str(c) for c in path.iterdir() if c.is_file() and c.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out
