"""``docscan extract PATH``: the normalized text that finding offsets index."""

from __future__ import annotations

import json
import sys

import click

from ..errors import DocscanError
from .common import fail, get_config


@click.command()
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the normalized text; json: plus metadata, pages, blocks and sentences.")
@click.option("--no-t2s", is_flag=True, help="Keep Traditional characters (default converts to Simplified).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="docscan.toml to use.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of messages.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def extract(path: str, fmt: str, no_t2s: bool, config_path: str | None, lang: str | None, debug: bool) -> None:
    """Print the normalized text of PATH (``-`` reads standard input)."""
    from ..pipeline import extract_document

    cfg = get_config(config_path, lang=lang, debug=debug or None, traditional_to_simplified=False if no_t2s else None)
    try:
        if path == "-":
            doc = extract_document("-", cfg, text=sys.stdin.read())
        else:
            doc = extract_document(path, cfg)
    except DocscanError as e:
        if debug:
            raise
        fail(e, cfg.lang)
    if fmt == "text":
        sys.stdout.write(doc.text)
        if not doc.text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        sys.stdout.write(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n")
