"""``docscan train``, ``docscan evaluate``, ``docscan corpus …``, ``docscan annotate``: the research workbench."""

from __future__ import annotations

import json
import sys

import click

from ..errors import DocscanError
from .common import fail

SPLITS = ("train", "dev", "test", "calib", "heldout", "all")


@click.command()
@click.argument("corpus_dir", type=click.Path(exists=True))
@click.option("--backend", type=click.Choice(["sklearn", "spacy"]), default="sklearn", show_default=True)
@click.option("-o", "--output", "out", required=True, help="Model directory to write (e.g. models/default).")
@click.option("--seed", type=int, default=13, show_default=True, help="Same seed, same corpus → same model.")
@click.option("--show-test", is_flag=True,
              help="Also print test and held-out figures (always written to metrics.json and MODEL_CARD.md).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def train(corpus_dir, backend, out, seed, show_test, debug) -> None:
    """Train a model on CORPUS_DIR's train split, tune fusion thresholds on dev, evaluate, write MODEL_CARD.md.

    Writes OUT/meta.json, model.npz + model.skops (sklearn) or spacy/ (spacy), metrics.json, MODEL_CARD.md.
    """
    from ..learn.evaluate import format_table
    from ..learn.train import train as do_train

    try:
        metrics = do_train(corpus_dir, out, backend, seed, log=lambda s: click.echo(s, err=True),
                           show_test=show_test)
    except DocscanError as e:
        if debug:
            raise
        fail(e)
    shown = {k: v for k, v in metrics["splits"].items() if show_test or k in ("dev", "calib")}
    click.echo(format_table(shown))
    click.echo(f"\nwrote {out}/ (meta.json, metrics.json, MODEL_CARD.md)"
               + ("" if show_test else "; test and held-out figures: metrics.json, make eval"), err=True)


@click.command()
@click.option("--model", "model_dir", default="models/default", show_default=True, help="Model directory.")
@click.argument("split", type=click.Choice(SPLITS), default="test")
@click.option("--corpus", default="corpora", show_default=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--mode", type=click.Choice(["rules", "model", "fusion", "all"]), default="all", show_default=True)
@click.option("--errors", "n_errors", type=int, default=10, show_default=True, help="Worst errors to list.")
@click.option("--debug", is_flag=True)
def evaluate(model_dir, split, corpus, fmt, mode, n_errors, debug) -> None:
    """Score rules / model / fusion on a corpus SPLIT (train, dev, test, heldout, all): P/R/F1 per category,
    macro/micro and core macro-F1, TP/FP/FN, negatives flagged, worst errors."""
    from ..learn.evaluate import MODES, evaluate_model, format_text

    modes = MODES if mode == "all" else (mode,)
    try:
        res = evaluate_model(None if mode == "rules" else model_dir, corpus, split, modes, n_errors=n_errors)
    except DocscanError as e:
        if debug:
            raise
        fail(e)
    click.echo(json.dumps(res, ensure_ascii=False, indent=2) if fmt == "json" else format_text(res))


@click.group()
def corpus() -> None:
    """Check, count, import and export the labelled corpus (JSONL, corpora/data/*.jsonl)."""


@corpus.command("check")
@click.argument("path", default="corpora", type=click.Path(exists=True))
def corpus_check(path) -> None:
    """Validate every line: JSON, fields, labels, span offsets and labels, duplicate ids, dev/test texts in train.

    Prints file:line: problem for each; exit status 1 when any is found."""
    from ..learn.corpus import check_corpus

    try:
        res = check_corpus(path)
    except DocscanError as e:
        fail(e)
    for p in res.problems:
        click.echo(p)
    click.echo(f"{res.files} files, {res.lines} lines, {len(res.items)} good items, {len(res.problems)} problems",
               err=True)
    sys.exit(1 if res.problems else 0)


@corpus.command("stats")
@click.argument("path", default="corpora", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def corpus_stats(path, fmt) -> None:
    """Counts per label, kind, split, topic, register, level, script."""
    from ..learn.corpus import load_corpus, stats

    try:
        st = stats(load_corpus(path))
    except DocscanError as e:
        fail(e)
    if fmt == "json":
        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
        return
    for k, v in st.items():
        if isinstance(v, dict):
            click.echo(f"{k}:")
            for kk, vv in v.items():
                click.echo(f"  {kk}: {vv}" if not isinstance(vv, dict) else f"  {kk}: {json.dumps(vv, ensure_ascii=False)}")
        else:
            click.echo(f"{k}: {v}")


@corpus.command("export")
@click.argument("path", default="corpora", type=click.Path(exists=True))
@click.option("--to", "fmt", type=click.Choice(["labelstudio", "doccano", "spacy"]), required=True)
@click.option("--split", type=click.Choice(SPLITS), default="all", show_default=True)
@click.option("-o", "--output", "out", default=None, help="Output file (stdout when omitted; required for spacy).")
def corpus_export(path, fmt, split, out) -> None:
    """Export the corpus as Label Studio JSON, doccano JSONL or a spaCy DocBin (.spacy)."""
    from ..learn.corpus import load_corpus
    from ..learn.interop import export_items

    try:
        text = export_items(load_corpus(path, split), fmt, out)
    except DocscanError as e:
        fail(e)
    if text is not None:
        click.echo(text)


@corpus.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--from", "fmt", type=click.Choice(["labelstudio", "doccano", "spacy"]), required=True)
@click.option("-o", "--output", "out", default=None, help="JSONL to write (stdout when omitted).")
def corpus_import(file, fmt, out) -> None:
    """Convert a Label Studio / doccano / DocBin file into corpus JSONL lines (then run corpus check)."""
    from ..learn.interop import import_file

    try:
        items = import_file(file, fmt)
    except DocscanError as e:
        fail(e)
    text = "\n".join(json.dumps(it, ensure_ascii=False) for it in items)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        click.echo(f"wrote {len(items)} items to {out}", err=True)
    else:
        click.echo(text)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", required=True, help="Output file (.json for Label Studio, .jsonl doccano).")
@click.option("--to", "fmt", type=click.Choice(["labelstudio", "doccano"]), default="labelstudio", show_default=True)
@click.option("--model", default=None, help="Model directory, or 'none' for rules only (default: the default model).")
@click.option("--debug", is_flag=True)
def annotate(files, out, fmt, model, debug) -> None:
    """Pre-annotate documents, one task per sentence, with rule findings and model predictions."""
    from ..config import Config
    from ..learn.annotate import annotate_paths, write

    cfg = Config()
    if model is not None:
        cfg = cfg.with_options(model=model, use_model=model.lower() != "none")
    try:
        records = annotate_paths(list(files), cfg)
        write(records, fmt, out)
    except DocscanError as e:
        if debug:
            raise
        fail(e)
    click.echo(f"wrote {len(records)} sentences to {out}", err=True)


COMMANDS = [train, evaluate, corpus, annotate]
