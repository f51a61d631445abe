"""Lexicons as data: ``docscan/data/lexicons/*.txt`` (one term a line, ``#`` comments) and the YAML files next to
them (polarity markers) plus ``docscan/data/actors.yaml``. Loaded once per process, lazily."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from ..errors import DocscanError

DATA = Path(__file__).resolve().parent.parent / "data"
LEXICON_DIR = DATA / "lexicons"


def read_terms(path: Path) -> list[str]:
    terms: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            terms.append(line)
    return terms


@functools.cache
def lexicons() -> dict[str, tuple[str, ...]]:
    """All named trigger lexicons: file stem → terms."""
    return {p.stem: tuple(read_terms(p)) for p in sorted(LEXICON_DIR.glob("*.txt"))}


def _yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise DocscanError("bad_rules", f"{path.name}: {e}") from e
    if not isinstance(data, dict):
        raise DocscanError("bad_rules", f"{path.name}: expected a mapping")
    return data


@functools.cache
def polarity_markers() -> dict[str, Any]:
    return _yaml(LEXICON_DIR / "polarity.yaml")


@functools.cache
def actor_data() -> dict[str, Any]:
    return _yaml(DATA / "actors.yaml")


@functools.cache
def data_digest() -> str:
    """Hash of every lexicon/actor file: part of the rule fingerprint."""
    h = hashlib.sha256()
    for p in [*sorted(LEXICON_DIR.glob("*")), DATA / "actors.yaml", DATA / "provisions.yaml"]:
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()
