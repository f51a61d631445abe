"""``docscan diff OLD NEW``: what a redraft removed, added or kept, and how score and burden moved."""

from __future__ import annotations

import sys

import click

from ..errors import DocscanError
from .common import fail, get_config


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", "out", default=None, help="Output file (default: standard output).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.6, show_default=True,
              help="Sentence similarity (difflib ratio) for two findings of one category to count as the same.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="docscan.toml to use.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def diff(old: str, new: str, fmt: str, out: str | None, threshold: float, lang: str | None,
         config_path: str | None, debug: bool) -> None:
    """Compare two versions of a document: findings removed / added / kept, score and burden before → after.

    Findings match by category and sentence similarity, so a reworded demand still counts as kept.
    """
    from pathlib import Path

    from ..diff import diff_reports
    from ..pipeline import scan_document
    from ..render.diff import render_diff

    cfg = get_config(config_path, lang=lang, debug=debug or None)
    try:
        a = scan_document(old, cfg)
        b = scan_document(new, cfg)
    except DocscanError as e:
        if debug:
            raise
        fail(e, cfg.lang)
    d = diff_reports(a, b, threshold)
    to_stdout = out is None or out == "-"
    data = render_diff(d, fmt, cfg, color=to_stdout and fmt == "text" and sys.stdout.isatty())
    if to_stdout:
        sys.stdout.write(data)
        return
    try:
        Path(out).write_text(data, encoding="utf-8")
    except OSError as e:
        fail(DocscanError("output_failed", f"{out}: {e.strerror or e}"), cfg.lang)


COMMANDS = [diff]
