"""Shared CLI helpers: error printing and config loading."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from ..config import Config, load_config
from ..errors import DocscanError


def fail(err: DocscanError, lang: str = "zh", status: int = 2) -> NoReturn:
    click.echo(f"docscan: {err.code}: {err.message(lang)}", err=True)
    sys.exit(status)


def get_config(config_path: str | None, **options) -> Config:
    try:
        return load_config(config_path).with_options(**options)
    except DocscanError as e:
        fail(e)
