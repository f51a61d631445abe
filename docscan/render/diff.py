"""Renderers for ``docscan diff``: text (rich), JSON, and a self-contained HTML page."""

from __future__ import annotations

import io
import json
import os
import shutil
from typing import Any

from ..config import Config
from ..diff import ReportDiff
from ..report import Finding
from .common import (
    burden_label,
    burden_value,
    category_name,
    colors,
    lang_of,
    severity_name,
    t,
)

LABELS = {
    "title": ("docscan 修订对比", "docscan revision diff"),
    "removed": ("已删除的问题", "Removed findings"),
    "added": ("新增的问题", "Added findings"),
    "kept": ("仍存在的问题", "Kept findings"),
    "old": ("原稿", "Old"),
    "new": ("修改稿", "New"),
    "none": ("无", "none"),
    "summary": ("删除 {r} 处，新增 {a} 处，保留 {k} 处", "{r} removed, {a} added, {k} kept"),
    "changed": ("（措辞有变化）", " (reworded)"),
}


def L(key: str, lang: str, **kw: Any) -> str:
    zh, en = LABELS[key]
    s = zh if lang == "zh" else en
    return s.format(**kw) if kw else s


def render_diff(d: ReportDiff, fmt: str, config: Config, *, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(d.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html(d, config)
    return _text(d, config, color=color)


def _change_rows(d: ReportDiff, lang: str) -> list[tuple[str, str, str]]:
    rows = [(t("score", lang), f"{d.old.score:g}", f"{d.new.score:g}"),
            (t("findings", lang), str(len(d.old.findings)), str(len(d.new.findings)))]
    for k, (a, b) in d.burden_change().items():
        rows.append((burden_label(k, lang), burden_value(k, a, lang), burden_value(k, b, lang)))
    for c, (a, b) in d.counts_change().items():
        rows.append((category_name(c, lang), str(a), str(b)))
    return rows


def _text(d: ReportDiff, config: Config, *, color: bool) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    lang = lang_of(config)
    if os.environ.get("NO_COLOR"):
        color = False
    width = shutil.get_terminal_size((100, 24)).columns if color else 100
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, color_system="truecolor" if color else None,
                  width=width, highlight=False, emoji=False)
    con.print(Text(L("title", lang), style="bold"))
    con.print(Text(f"{L('old', lang)}：{d.old.source.get('path')}" if lang == "zh" else f"old: {d.old.source.get('path')}"))
    con.print(Text(f"{L('new', lang)}：{d.new.source.get('path')}" if lang == "zh" else f"new: {d.new.source.get('path')}"))
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column("")
    table.add_column(L("old", lang), justify="right")
    table.add_column("→")
    table.add_column(L("new", lang), justify="right")
    for label, a, b in _change_rows(d, lang):
        style = "" if a == b else "bold"
        table.add_row(label, a, "→", Text(b, style=style))
    con.print(table)
    con.print(Text(L("summary", lang, r=len(d.removed), a=len(d.added), k=len(d.kept)), style="bold"))

    def block(title: str, fs: list[Finding], mark: str, style: str) -> None:
        con.print()
        con.print(Text(f"{title}（{len(fs)}）" if lang == "zh" else f"{title} ({len(fs)})", style=f"bold {style}"))
        if not fs:
            con.print(f"  {L('none', lang)}", style="dim")
        for f in fs:
            line = Text(f"  {mark} ")
            line.append(f"[{category_name(f.category, lang)} · {severity_name(f.severity, lang)}] ",
                        style=colors(f.category)[1] if color else "")
            line.append(_marked(f, color))
            con.print(line)

    block(L("removed", lang), d.removed, "-", "green")
    block(L("added", lang), d.added, "+", "red")
    con.print()
    con.print(Text(f"{L('kept', lang)}（{len(d.kept)}）" if lang == "zh" else f"{L('kept', lang)} ({len(d.kept)})",
                   style="bold"))
    if not d.kept:
        con.print(f"  {L('none', lang)}", style="dim")
    for k in d.kept:
        line = Text("  = ")
        line.append(f"[{category_name(k.new.category, lang)} · {severity_name(k.new.severity, lang)}] ")
        line.append(_marked(k.new, color))
        if k.changed:
            line.append(L("changed", lang), style="dim")
        con.print(line)
    return buf.getvalue()


def _marked(f: Finding, color: bool):
    from rich.text import Text

    sent = f.sentence or f.text
    i = sent.find(f.text) if f.text else -1
    out = Text()
    if i < 0:
        out.append(sent)
        return out
    out.append(sent[:i])
    if color:
        out.append(f.text, style=f"bold black on {colors(f.category)[0]}")
    else:
        out.append(f"【{f.text}】")
    out.append(sent[i + len(f.text):])
    return out


def _html(d: ReportDiff, config: Config) -> str:
    from .. import __version__
    from .html import _css, _env

    lang = lang_of(config)

    def fv(f: Finding) -> dict[str, Any]:
        sent = f.sentence or f.text
        i = sent.find(f.text) if f.text else -1
        before, flagged, after = (sent, "", "") if i < 0 else (sent[:i], f.text, sent[i + len(f.text):])
        return {"cat": f.category, "cat_name": category_name(f.category, lang), "severity": f.severity,
                "severity_name": severity_name(f.severity, lang), "before": before, "flagged": flagged,
                "after": after, "message": f.message, "page": f.page, "changed": False, "old_sentence": ""}

    return _env().get_template("diff.html.j2").render(
        lang=lang, L=lambda key, **kw: L(key, lang, **kw), T=lambda key, **kw: t(key, lang, **kw), version=__version__,
        old=d.old, new=d.new, rows=_change_rows(d, lang), css=_css(),
        removed=[fv(f) for f in d.removed], added=[fv(f) for f in d.added],
        kept=[{**fv(k.new), "changed": k.changed, "old_sentence": k.old.sentence} for k in d.kept],
    )
