"""Results databases of batch scans: ``docscan export`` and ``docscan stats``; plus the batch driver of ``scan``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import DocscanError
from .common import fail


def run_batch(inputs: list[str], cfg: Any, *, fmt: str, out: str | None, **run_options: Any) -> tuple[list, bool]:
    """Run ``docscan scan``'s batch; returns ``(reports, written)``.

    ``--format jsonl`` is written line by line as reports arrive in input order (``written`` is then True and the
    reports kept are trimmed to status + worst finding: enough for the exit status, not a whole archive in
    memory). Ctrl-C: the reports done so far are written, a one-line summary is printed, exit status 130.
    """
    from ..batch.runner import BatchInterrupted, run
    from ..render import render, write
    from ..report import SEVERITY_RANK, Report

    stream = fmt == "jsonl" and (out is None or out == "-" or not Path(out).is_dir())
    reports: list[Report] = []
    fh = None
    try:
        if stream:
            fh = sys.stdout if out in (None, "-") else open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        for r in run(inputs, cfg, **run_options):
            if fh is not None:
                fh.write(render([r], "jsonl", cfg))
                fh.flush()
                worst = max(r.findings, key=lambda f: SEVERITY_RANK.get(f.severity, 0), default=None)
                r = Report(status=r.status, source={"path": (r.source or {}).get("path")}, error=r.error,
                           findings=[worst] if worst else [])
            reports.append(r)
    except BatchInterrupted as e:
        if not stream and reports:
            write(reports, fmt, out, cfg)
        click.echo(e.summary, err=True)
        sys.exit(130)
    except DocscanError as e:
        if cfg.debug:
            raise
        fail(e, cfg.lang)
    except OSError as e:
        fail(DocscanError("output_failed", f"{out}: {e.strerror or e}"), cfg.lang)
    finally:
        if fh is not None and fh is not sys.stdout:
            fh.close()
    return reports, stream


@click.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), required=True,
              help="parquet (pyarrow), csv (UTF-8 with BOM, opens in Excel) or jsonl.")
@click.option("--table", type=click.Choice(["findings", "documents", "errors", "reports"]), default="findings",
              show_default=True, help="findings: one row per finding with its document's path, issuer, date; "
              "documents: one row per document; reports: the contract JSON reports.")
@click.option("-o", "--output", "out", default=None,
              help="Output file (default: standard output; for parquet DB.TABLE.parquet next to DB).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
def export(db: str, fmt: str, table: str, out: str | None, lang: str) -> None:
    """Export a results database made by ``docscan scan --db DB``.

    \b
    docscan export results.sqlite --format parquet -o findings.parquet
    docscan export results.sqlite --format csv --table documents -o documents.csv
    docscan export results.sqlite --format jsonl --table reports > reports.jsonl
    """
    from ..batch.export import default_output
    from ..batch.export import export as do_export

    try:
        n = do_export(db, fmt, table, out)
    except DocscanError as e:
        fail(e, lang)
    target = out or (default_output(db, table, fmt) if fmt == "parquet" else None)
    if target and target != "-":
        click.echo(f"docscan: {n} rows → {target}", err=True)


@click.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--html", "html_out", default=None, type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML dashboard (inline SVG charts) to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True,
              help="Rows in the issuer, rule and worst-document lists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def stats(db: str, html_out: str | None, as_json: bool, top: int, lang: str) -> None:
    """Dashboard of a results database: counts by category, issuer, year and kind; top rules; burden
    distributions; the worst documents; errors by code.

    \b
    docscan stats results.sqlite
    docscan stats results.sqlite --html dashboard.html
    """
    import json

    from ..batch import stats as st

    try:
        figures = st.compute(db, top=top)
    except DocscanError as e:
        fail(e, lang)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        st.render_terminal(figures, lang)
    if html_out:
        try:
            Path(html_out).write_text(st.render_html(figures, lang, source=str(db)), encoding="utf-8")
        except OSError as e:
            fail(DocscanError("output_failed", f"{html_out}: {e.strerror or e}"), lang)
        click.echo(f"docscan: → {html_out}", err=True)


COMMANDS = [export, stats]
