"""Run configuration: defaults, overridden by ``docscan.toml`` / ``[tool.docscan]`` and by CLI options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import DocscanError


@dataclass(frozen=True, slots=True)
class Config:
    lang: str = "zh"  # report language: zh | en
    traditional_to_simplified: bool = True
    rules_files: tuple[str, ...] = ()  # extra/override rule packs (YAML)
    disable: tuple[str, ...] = ()  # rule ids, rule-id prefixes ("ledger.") or category ids
    min_severity: str = "low"
    model: str | None = None  # path to a model dir; None = default model when present; "none" = rules only
    use_model: bool = True
    duty_list: str | None = None  # 准入 list (YAML/CSV) of tasks grassroots units may be assigned
    max_file_mb: float = 200.0  # refuse bigger inputs
    max_chars: int = 5_000_000  # truncate normalized text beyond this (with a warning)
    max_pages: int = 2000
    timeout_s: float = 120.0  # per file (batch runner)
    memory_mb: int = 1500  # per worker (batch runner)
    debug: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def with_options(self, **opts: Any) -> Config:
        """Return a copy with the non-None options applied (CLI flags)."""
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in opts.items() if v is not None and k in known}
        return replace(self, **clean)


def _find_config(start: Path) -> Path | None:
    for d in [start, *start.parents]:
        for name in ("docscan.toml", "pyproject.toml"):
            p = d / name
            if p.is_file():
                if name == "pyproject.toml":
                    try:
                        data = tomllib.loads(p.read_text(encoding="utf-8"))
                    except (OSError, tomllib.TOMLDecodeError):
                        continue
                    if "docscan" not in data.get("tool", {}):
                        continue
                return p
    return None


def load_config(path: str | Path | None = None, *, search_from: Path | None = None) -> Config:
    """Load ``docscan.toml`` (or ``[tool.docscan]`` in pyproject.toml); defaults when none is found."""
    p = Path(path) if path else _find_config(search_from or Path.cwd())
    if p is None:
        return Config()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise DocscanError("bad_config", f"{p}: {e}") from e
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("docscan", {})
    known = {f.name for f in fields(Config)}
    kwargs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for k, v in data.items():
        key = k.replace("-", "_")
        if key in known:
            kwargs[key] = tuple(v) if isinstance(v, list) else v
        else:
            extra[key] = v
    # relative rule files are relative to the config file
    if "rules_files" in kwargs:
        kwargs["rules_files"] = tuple(str((p.parent / r).resolve()) for r in kwargs["rules_files"])
    try:
        return Config(**kwargs, extra=extra)
    except TypeError as e:
        raise DocscanError("bad_config", f"{p}: {e}") from e
