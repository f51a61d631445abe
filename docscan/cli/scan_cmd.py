"""``docscan scan PATH...``: per the contract."""

from __future__ import annotations

import sys

import click

from ..errors import DocscanError
from ..render import FORMATS
from ..report import SEVERITIES, SEVERITY_RANK
from .common import fail, get_config


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Scan directories recursively.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", "out", default=None, help="Output file (or directory for docx/pdf/html with several inputs).")
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--db", default=None, help="SQLite file: store each report as it finishes; rerun resumes.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Exit 1 if a finding at or above this severity is found.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default=None, help="Report only findings at or above this severity.")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra or overriding rule pack (YAML); repeatable.")
@click.option("--disable", multiple=True, help="Rule id, rule-id prefix or category to switch off; repeatable.")
@click.option("--model", default=None, help="Model directory, or 'none' for rules only.")
@click.option("--duty-list", default=None, type=click.Path(exists=True, dir_okay=False), help="准入 list (YAML/CSV) of tasks grassroots units may be assigned.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language.")
@click.option("--no-t2s", is_flag=True, help="Keep Traditional characters.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="docscan.toml to use.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal with several files).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def scan(paths, recursive, fmt, out, jobs, db, engine, scheduler, fail_on, min_severity, rules_files, disable,
         model, duty_list, lang, no_t2s, config_path, progress, debug) -> None:
    """Scan documents (PDF, DOCX, TXT/MD, HTML, OFD, DOC/WPS) for formalism burdens. ``-`` reads standard input.

    Exit status: 0 ok; 1 with --fail-on when a finding reaches that severity; 2 usage error or unreadable input.
    """
    from ..batch.inputs import discover
    from ..render import write
    from .batch_cmd import run_batch

    cfg = get_config(
        config_path,
        lang=lang,
        min_severity=min_severity,
        debug=debug or None,
        traditional_to_simplified=False if no_t2s else None,
        duty_list=duty_list,
    )
    if rules_files:
        cfg = cfg.with_options(rules_files=tuple(cfg.rules_files) + tuple(rules_files))
    if disable:
        cfg = cfg.with_options(disable=tuple(cfg.disable) + tuple(disable))
    if model is not None:
        cfg = cfg.with_options(model=model, use_model=model.lower() != "none")

    inputs = discover(list(paths), recursive)
    if not inputs:
        click.echo("docscan: no supported files found / 未找到可扫描的文件", err=True)
        sys.exit(2)
    # progress: on a terminal, or as log lines when storing an archive scan (--db)
    show_progress = progress if progress is not None else ((sys.stderr.isatty() or bool(db)) and len(inputs) > 1)
    # the batch driver streams jsonl as reports arrive and handles Ctrl-C (exit 130 with a summary)
    reports, written = run_batch(inputs, cfg, fmt=fmt, out=out, jobs=jobs, db=db, engine=engine,
                                 scheduler=scheduler, progress=show_progress)
    try:
        if not written:
            write(reports, fmt, out, cfg)
    except DocscanError as e:  # e.g. --format pdf on a non-PDF input, or an unwritable -o
        if debug:
            raise
        fail(e, cfg.lang)

    if any(not r.ok for r in reports):
        sys.exit(2)
    if fail_on:
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for r in reports for f in r.findings):
            sys.exit(1)
