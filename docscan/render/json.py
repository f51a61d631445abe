"""JSON (one object, or an array for several documents) and JSON Lines (one object per document)."""

from __future__ import annotations

import json

from ..config import Config
from ..report import Report


def render_json(reports: list[Report], config: Config) -> str:
    if len(reports) == 1:
        return reports[0].to_json() + "\n"
    return json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2) + "\n"


def render_jsonl(reports: list[Report], config: Config) -> str:
    return "".join(r.to_json(indent=None) + "\n" for r in reports)
