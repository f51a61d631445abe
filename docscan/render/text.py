"""Terminal report. (Placeholder: plain lines.)"""

from __future__ import annotations

from ..config import Config
from ..report import CATEGORIES, Report


def render_text(reports: list[Report], config: Config) -> str:
    lines: list[str] = []
    for r in reports:
        if not r.ok:
            lines.append(f"{r.source.get('path')}: {r.error['code']}: {r.error['message']}")
            continue
        lines.append(f"{r.source.get('path')}: score {r.score}, {len(r.findings)} findings")
        for f in r.findings:
            name = CATEGORIES[f.category][0 if config.lang == "zh" else 1]
            lines.append(f"  [{f.severity}] {name} {f.start}-{f.end}: {f.text}")
    return "\n".join(lines) + "\n"
