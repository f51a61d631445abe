"""Renderers: each reads Reports (never re-runs detection) and writes one format.

``write(reports, fmt, out, config)``; ``out`` is a file path, a directory, or None for standard output.

Output-path rules:
- text, json, jsonl, md, csv: ``out`` file, else standard output. If ``out`` is an existing directory the
  file is ``<stem>.docscan.<ext>`` (one document) or ``docscan-report.<ext>`` (several) inside it.
- html: the same, except that with no ``out`` on a terminal the page is written to the current directory
  (``<stem>.docscan.html``) and its path printed — nobody wants a page of HTML in a terminal.
- docx, pdf (PER_DOCUMENT): one file per document. One document: ``out`` (a file) or
  ``<stem>.docscan.<ext>`` in the current directory; several: inside ``out`` (a directory, created) or the
  current directory. Each written path is printed on standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Config
from ..errors import DocscanError
from ..report import Report

# formats that make one file per document and so need -o for several documents
PER_DOCUMENT = {"docx", "pdf"}
FORMATS = ("text", "json", "jsonl", "html", "md", "csv", "docx", "pdf")
EXTENSIONS = {"text": ".txt", "json": ".json", "jsonl": ".jsonl", "html": ".html", "md": ".md", "csv": ".csv",
              "docx": ".docx", "pdf": ".pdf"}


def render(reports: list[Report], fmt: str, config: Config, *, color: bool = False) -> str:
    """A text format as a string (what ``write`` prints or saves)."""
    if fmt == "json":
        from .json import render_json

        return render_json(reports, config)
    if fmt == "jsonl":
        from .json import render_jsonl

        return render_jsonl(reports, config)
    if fmt == "text":
        from .text import render_text

        return render_text(reports, config, color=color)
    if fmt == "html":
        from .html import render_html

        return render_html(reports, config)
    if fmt == "md":
        from .md import render_md

        return render_md(reports, config)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(reports, config)
    raise ValueError(f"not a text format: {fmt}")


def write(reports: list[Report], fmt: str, out: str | None, config: Config) -> list[Path]:
    """Render and write; returns the files written (empty when printed to standard output)."""
    if fmt in PER_DOCUMENT:
        return _write_per_document(reports, fmt, out, config)
    to_stdout = out is None or out == "-"
    if to_stdout and fmt == "html" and _isatty(sys.stdout):
        from .common import source_stem

        out = f"{source_stem(reports[0])}.docscan.html" if len(reports) == 1 else "docscan-report.html"
        to_stdout = False
    data = render(reports, fmt, config, color=to_stdout and fmt == "text" and _isatty(sys.stdout))
    if to_stdout:
        sys.stdout.write(data)
        return []
    path = Path(out)
    if path.is_dir():
        from .common import source_stem

        name = f"{source_stem(reports[0])}.docscan" if len(reports) == 1 else "docscan-report"
        path = path / (name + EXTENSIONS[fmt])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data, encoding="utf-8", newline="")
    except OSError as e:
        raise DocscanError("output_failed", f"{path}: {e.strerror or e}") from e
    if fmt == "html":
        print(path)
    return [path]


def _write_per_document(reports: list[Report], fmt: str, out: str | None, config: Config) -> list[Path]:
    from .common import output_paths

    if out == "-":
        raise DocscanError("output_failed", f"--format {fmt} writes files; give -o FILE or a directory")
    ok = [r for r in reports if r.ok]
    wrong = [r for r in ok if fmt == "pdf" and (r.source or {}).get("format") != "pdf"]
    todo = [r for r in ok if r not in wrong]
    for r in reports:
        if not r.ok:
            err = r.error or {}
            print(f"docscan: {(r.source or {}).get('path')}: {err.get('code')}: {err.get('message')}", file=sys.stderr)
    written: list[Path] = []
    if todo:
        if fmt == "docx":
            from .docx import write_docx as fn
        else:
            from .pdf import write_pdf as fn
        for r, path in zip(todo, output_paths(todo, out, EXTENSIONS[fmt]), strict=True):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fn(r, path, config)
            except OSError as e:
                raise DocscanError("output_failed", f"{path}: {e.strerror or e}") from e
            print(path)
            written.append(path)
    if wrong:
        raise DocscanError("needs_pdf", ", ".join(str((r.source or {}).get("path")) for r in wrong))
    return written


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
