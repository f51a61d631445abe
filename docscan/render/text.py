"""Terminal report (rich): grouped by category, flagged words highlighted, a summary table, burden figures.

Colour only on a terminal: piped output is plain text (no ANSI codes), and the flagged words are then
marked with 【】 instead of a background colour.
"""

from __future__ import annotations

import io
import os
import shutil

from ..config import Config
from ..report import SEVERITIES, Report
from .common import (
    burden_items,
    category_name,
    colors,
    counts_line,
    deadline_text,
    findings_by_category,
    frequency_text,
    lang_of,
    metadata_items,
    report_text,
    sentence_parts,
    severity_name,
    t,
)

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def render_text(reports: list[Report], config: Config, *, color: bool = False, width: int | None = None) -> str:
    from rich.console import Console

    if os.environ.get("NO_COLOR"):
        color = False
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns if color else 100
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, color_system="truecolor" if color else None,
                      width=width, highlight=False, emoji=False, soft_wrap=False)
    lang = lang_of(config)
    for i, r in enumerate(reports):
        if i:
            console.print()
        _render_one(console, r, lang, color)
    if len(reports) > 1:
        _render_overall(console, reports, lang)
    out = buf.getvalue()
    # rich pads wrapped lines to the width; trailing blanks only get in the way of pipes and diffs
    return out if color else "\n".join(line.rstrip() for line in out.split("\n"))


def _render_one(console, r: Report, lang: str, color: bool) -> None:
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    path = str((r.source or {}).get("path", ""))
    if not r.ok:
        err = r.error or {}
        console.print(Text.assemble((path, "bold"), ": ", (f"{err.get('code', 'error')}", "red"), ": ",
                                    str(err.get("message", ""))))
        return
    title = (r.metadata or {}).get("title")
    console.print(Rule(Text(path, style="bold"), align="left", style="cyan"))
    if title:
        console.print(Text(title, style="bold"))
    md = [f"{k}：{v}" if lang == "zh" else f"{k}: {v}" for k, v in metadata_items(r, lang) if k not in ("标题", "Title")]
    if md:
        console.print(Text("  ".join(md), style="dim"))

    head = Text()
    head.append(f"{t('score', lang)} ", style="bold")
    head.append(f"{r.score:g}", style=_score_style(r.score))
    head.append("  ·  " + t("n_findings", lang, n=len(r.findings)))
    for label, value in burden_items(r, lang):
        head.append(f"  ·  {label} ")
        head.append(value, style="bold")
    console.print(head)
    if r.warnings:
        for w in r.warnings:
            console.print(Text(f"! {w}", style="yellow"))
    if not r.findings:
        console.print(t("no_findings", lang), style="green")
        return

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column(t("category", lang))
    for s in reversed(SEVERITIES):
        table.add_column(severity_name(s, lang), justify="right")
    table.add_column(t("count", lang), justify="right")
    text = report_text(r)
    groups = findings_by_category(r)
    for cat, fs in groups:
        by = {s: sum(1 for f in fs if f.severity == s) for s in SEVERITIES}
        table.add_row(Text(category_name(cat, lang), style=f"bold {colors(cat)[1]}"),
                      *[str(by[s]) if by[s] else "·" for s in reversed(SEVERITIES)], str(len(fs)))
    console.print(table)

    n = 0
    for cat, fs in groups:
        console.print()
        console.print(Text(f"■ {category_name(cat, lang)}（{len(fs)}）" if lang == "zh"
                           else f"■ {category_name(cat, lang)} ({len(fs)})", style=f"bold {colors(cat)[1]}"))
        for f in fs:
            n += 1
            line = Text(f"{n:>3}. ")
            line.append(f"[{severity_name(f.severity, lang)} {f.confidence:.2f}]", style=SEVERITY_STYLE.get(f.severity, ""))
            if f.page:
                line.append(f" {t('page', lang)}{f.page}" if lang == "en" else f" 第{f.page}页", style="dim")
            line.append(f"  {f.start}–{f.end}", style="dim")
            console.print(line)
            before, flagged, after = sentence_parts(f, text)
            sent = Text()
            sent.append(before)
            if color:
                sent.append(flagged, style=f"bold black on {colors(cat)[0]}")
            else:
                sent.append(f"【{flagged}】" if flagged else "")
            sent.append(after)
            console.print(Padding(sent, (0, 0, 0, 5), expand=False))
            colon = "：" if lang == "zh" else ": "
            for key, val in (("why", f.message), ("suggestion", f.suggestion), ("reference", f.reference)):
                if val:
                    console.print(Padding(Text.assemble((f"{t(key, lang)}{colon}", "bold"), val), (0, 0, 0, 5), expand=False))
            extra = [x for x in (frequency_text(f, lang), deadline_text(f, lang)) if x]
            if extra:
                console.print(Padding(Text("；".join(extra), style="dim"), (0, 0, 0, 5), expand=False))


def _render_overall(console, reports: list[Report], lang: str) -> None:
    from rich.rule import Rule

    ok = [r for r in reports if r.ok]
    n = sum(len(r.findings) for r in ok)
    console.print()
    console.print(Rule(style="cyan"))
    msg = (f"{len(reports)} 个文件，{len(reports) - len(ok)} 个无法读取，共 {n} 处问题" if lang == "zh"
           else f"{len(reports)} files, {len(reports) - len(ok)} unreadable, {n} findings")
    console.print(msg, style="bold")
    total = Report(status="ok", source={}, findings=[f for r in ok for f in r.findings])
    cl = counts_line(total, lang)
    if cl:
        console.print(cl)


def _score_style(score: float) -> str:
    if score >= 60:
        return "bold red"
    if score >= 30:
        return "bold yellow"
    return "bold green"
