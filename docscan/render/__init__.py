"""Renderers: each reads Reports (never re-runs detection) and writes one format.

``write(reports, fmt, out, config)``; ``out`` is a file path, a directory (one file per input for
per-document formats) or None for standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Config
from ..report import Report

# formats that make one file per document and so need -o for several documents
PER_DOCUMENT = {"docx", "pdf"}
FORMATS = ("text", "json", "jsonl", "html", "md", "csv", "docx", "pdf")


def write(reports: list[Report], fmt: str, out: str | None, config: Config) -> None:
    if fmt == "json":
        from .json import render_json as fn
    elif fmt == "jsonl":
        from .json import render_jsonl as fn
    elif fmt == "text":
        from .text import render_text as fn
    else:
        raise NotImplementedError(fmt)
    data = fn(reports, config)
    if out is None or out == "-":
        sys.stdout.write(data)
    else:
        Path(out).write_text(data, encoding="utf-8")
