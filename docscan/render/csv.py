"""CSV: one row per finding, UTF-8 with BOM so Excel and WPS open the Chinese text correctly.

A document that could not be read gets one row with ``category`` = ``error`` and the error in ``message``,
so a spreadsheet of a batch still lists every input that needs attention.
"""

from __future__ import annotations

import csv
import io

from ..config import Config
from ..report import Report
from .common import sorted_findings

COLUMNS = ("path", "category", "severity", "confidence", "start", "end", "page", "rule", "text", "sentence",
           "message", "suggestion", "reference")


def render_csv(reports: list[Report], config: Config) -> str:
    buf = io.StringIO()
    # "\r\n" is what the csv module and Excel expect; QUOTE_MINIMAL still quotes commas, quotes and newlines.
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in reports:
        path = (r.source or {}).get("path", "")
        if not r.ok:
            err = r.error or {}
            w.writerow([path, "error", "", "", "", "", "", err.get("code", ""), "", "", err.get("message", ""), "", ""])
            continue
        for f in sorted_findings(r):
            w.writerow([path, f.category, f.severity, f"{f.confidence:.3f}", f.start, f.end,
                        "" if f.page is None else f.page, f.rule, _cell(f.text), _cell(f.sentence),
                        _cell(f.message), _cell(f.suggestion), _cell(f.reference)])
    return "\ufeff" + buf.getvalue()


def _cell(s: str | None) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is prefixed with ' (CSV injection)."""
    s = s or ""
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
