"""The ``docscan`` command. Commands are thin: parse options, call the API, pick a renderer, set the exit code.

Each command group lives in its own module; heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import sys

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="docscan")
def cli() -> None:
    """docscan — 找出公文中给基层增负的形式主义（台账报表、督查检查、责任下压……）。

    Find the formalism that burdens grassroots units in Chinese official documents.
    """


def _register() -> None:
    from . import extract_cmd, scan_cmd

    cli.add_command(extract_cmd.extract)
    cli.add_command(scan_cmd.scan)
    # optional command modules: present once their issue lands
    import importlib

    for name in ("learn_cmd", "batch_cmd", "diff_cmd"):
        try:
            mod = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name and e.name.endswith(name):
                continue
            raise
        for cmd in getattr(mod, "COMMANDS", []):
            cli.add_command(cmd)


_register()


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
