"""A readable Markdown report: summary, burden, findings grouped by category, analysis tables.

Document strings are escaped so a hostile text cannot inject HTML or break tables when the Markdown is
rendered (GitHub, GitLab, VS Code all pass inline HTML through).
"""

from __future__ import annotations

import re
from typing import Any

from ..config import Config
from ..report import SEVERITIES, Report
from .common import (
    analysis_title,
    burden_items,
    category_name,
    deadline_text,
    findings_by_category,
    fmt_value,
    frequency_text,
    is_table,
    lang_of,
    metadata_items,
    report_text,
    sentence_parts,
    severity_name,
    t,
    table_columns,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def esc(s: Any) -> str:
    """Escape Markdown and HTML syntax; newlines become spaces (one finding per list item)."""
    s = "" if s is None else str(s)
    s = s.replace("&", "&amp;")
    s = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), s)
    return re.sub(r"\s*\n\s*", " ", s)


def render_md(reports: list[Report], config: Config) -> str:
    lang = lang_of(config)
    out: list[str] = [f"# {t('report_title', lang)}", ""]
    if len(reports) > 1:
        out += [f"## {t('documents', lang)}", ""]
        for i, r in enumerate(reports, 1):
            name = (r.metadata or {}).get("title") or (r.source or {}).get("path")
            state = f"{t('score', lang)} {r.score:g}，{len(r.findings)}" if r.ok else t("error", lang)
            out.append(f"{i}. {esc(name)} — {esc(state)}")
        out.append("")
    for r in reports:
        out += _one(r, lang, level=2)
    return "\n".join(out).rstrip() + "\n"


def _one(r: Report, lang: str, level: int) -> list[str]:
    h = "#" * level
    path = (r.source or {}).get("path", "")
    title = (r.metadata or {}).get("title") if r.ok else None
    out = [f"{h} {esc(title or path)}", ""]
    if title:
        out += [f"*{esc(path)}*", ""]
    if not r.ok:
        err = r.error or {}
        out += [f"**{t('error', lang)}**：{esc(err.get('code'))} — {esc(err.get('message'))}", ""]
        return out
    rows = [(t("score", lang), f"{r.score:g}"), (t("findings", lang), str(len(r.findings)))]
    rows += metadata_items(r, lang)
    rows += burden_items(r, lang)
    out += [f"| {t('summary', lang)} | |", "|---|---|"]
    out += [f"| {esc(k)} | {esc(v)} |" for k, v in rows]
    out.append("")
    for w in r.warnings:
        out.append(f"> ⚠ {esc(w)}")
    if r.warnings:
        out.append("")
    if not r.findings:
        return [*out, t("no_findings", lang), ""]
    groups = findings_by_category(r)
    out += [f"| {t('category', lang)} | " + " | ".join(severity_name(s, lang) for s in reversed(SEVERITIES))
            + f" | {t('count', lang)} |", "|---|" + "---:|" * (len(SEVERITIES) + 1)]
    for cat, fs in groups:
        by = [sum(1 for f in fs if f.severity == s) for s in reversed(SEVERITIES)]
        out.append(f"| {esc(category_name(cat, lang))} | " + " | ".join(map(str, by)) + f" | {len(fs)} |")
    out.append("")
    text = report_text(r)
    colon = "：" if lang == "zh" else ": "
    n = 0
    for cat, fs in groups:
        out += [f"{h}# {esc(category_name(cat, lang))}（{len(fs)}）", ""]
        for f in fs:
            n += 1
            before, flagged, after = sentence_parts(f, text)
            where = f"第{f.page}页，" if (f.page and lang == "zh") else (f"p. {f.page}, " if f.page else "")
            out.append(f"{n}. **{severity_name(f.severity, lang)}**（{where}{t('confidence', lang)} {f.confidence:.2f}，"
                       f"`{f.rule}`）" if lang == "zh" else
                       f"{n}. **{severity_name(f.severity, lang)}** ({where}{t('confidence', lang)} {f.confidence:.2f}, "
                       f"`{f.rule}`)")
            out.append(f"   > {esc(before)}**{esc(flagged)}**{esc(after)}" if flagged else f"   > {esc(before)}")
            for key, val in (("why", f.message), ("suggestion", f.suggestion), ("reference", f.reference)):
                if val:
                    out.append(f"   - {t(key, lang)}{colon}{esc(val)}")
            extra = [x for x in (frequency_text(f, lang), deadline_text(f, lang)) if x]
            if extra:
                out.append(f"   - {esc('；'.join(extra))}")
            out.append("")
    for key, val in (r.analysis or {}).items():
        if not val:
            continue
        out += [f"{h}# {esc(analysis_title(key, lang))}", ""]
        out += _md_value(val)
        out.append("")
    return out


def _md_value(val: Any) -> list[str]:
    if is_table(val):
        cols = table_columns(val)
        lines = ["| " + " | ".join(esc(c) for c in cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(esc(fmt_value(row.get(c))) for c in cols) + " |" for row in val]
        return lines
    if isinstance(val, dict):
        return [f"- **{esc(k)}**：{esc(fmt_value(v))}" for k, v in val.items()]
    if isinstance(val, list):
        return [f"- {esc(fmt_value(v))}" for v in val]
    return [esc(fmt_value(val))]
