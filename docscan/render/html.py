"""One self-contained HTML file (inline CSS/JS, no CDN) for one or several reports.

The text is cut into segments at every finding boundary, so overlapping findings are shown exactly: each
segment knows every finding that covers it, is coloured by the most severe (then innermost) one and links
to its card. Everything from a document goes through Jinja2 autoescaping; no document string is ever put
inside the script (the JS reads only ids and class names it set itself).
"""

from __future__ import annotations

import datetime as _dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..config import Config
from ..report import CATEGORIES, SEVERITIES, SEVERITY_RANK, Finding, Report
from .common import (
    CATEGORY_COLORS,
    analysis_title,
    block_ranges,
    burden_items,
    category_name,
    colors,
    deadline_text,
    fmt_value,
    frequency_text,
    is_table,
    lang_of,
    metadata_items,
    report_text,
    sentence_parts,
    severity_name,
    sorted_findings,
    t,
    table_columns,
)


@dataclass
class Segment:
    text: str
    fids: list[str] = field(default_factory=list)  # covering findings, primary first
    cat: str | None = None
    severity: str | None = None
    anchors: list[str] = field(default_factory=list)  # finding ids whose span starts here
    title: str = ""


@dataclass
class Paragraph:
    kind: str
    segments: list[Segment]


def render_html(reports: list[Report], config: Config) -> str:
    env = _env()
    lang = lang_of(config)
    docs = [_doc_view(i, r, lang) for i, r in enumerate(reports)]
    title = docs[0]["title"] if len(docs) == 1 else t("report_title", lang)
    return env.get_template("report.html.j2").render(
        docs=docs, lang=lang, page_title=title, L=lambda key, **kw: t(key, lang, **kw),
        categories=[(c, category_name(c, lang), *colors(c)) for c in CATEGORIES],
        severities=[(s, severity_name(s, lang)) for s in reversed(SEVERITIES)],
        version=__version__, generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), css=_css(),
    )


def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    # autoescape for .j2 as well: every template here produces HTML
    return Environment(loader=PackageLoader("docscan.render", "templates"),
                       autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _doc_view(i: int, r: Report, lang: str) -> dict[str, Any]:
    did = f"d{i}"
    path = str((r.source or {}).get("path", ""))
    view: dict[str, Any] = {"id": did, "path": path, "ok": r.ok, "title": path}
    if not r.ok:
        view["error"] = r.error or {}
        return view
    fs = sorted_findings(r)
    ids = {id(f): f"{did}-f{k + 1}" for k, f in enumerate(fs)}
    view.update(
        title=(r.metadata or {}).get("title") or path,
        score=r.score,
        score_level="high" if r.score >= 60 else "medium" if r.score >= 30 else "low",
        metadata=metadata_items(r, lang),
        source_info=_source_info(r, lang),
        burden=burden_items(r, lang),
        warnings=list(r.warnings),
        counts=_counts(fs, lang),
    )
    text = report_text(r)
    view.update(
        findings=[_finding_view(f, ids[id(f)], k + 1, lang, text) for k, f in enumerate(fs)],
        analysis=[_analysis_view(k, v, lang) for k, v in (r.analysis or {}).items() if v],
    )
    view["paragraphs"] = _paragraphs(r, text, fs, ids, lang) if text is not None else None
    return view


def _source_info(r: Report, lang: str) -> list[tuple[str, str]]:
    s = r.source or {}
    out = [("路径" if lang == "zh" else "Path", str(s.get("path", "")))]
    if s.get("format"):
        out.append(("格式" if lang == "zh" else "Format", str(s["format"])))
    if s.get("pages"):
        out.append(("页数" if lang == "zh" else "Pages", str(s["pages"])))
    if s.get("chars"):
        out.append(("字数" if lang == "zh" else "Characters", str(s["chars"])))
    return out


def _counts(fs: list[Finding], lang: str) -> list[dict[str, Any]]:
    out = []
    for c in CATEGORIES:
        n = sum(1 for f in fs if f.category == c)
        if n:
            out.append({"cat": c, "name": category_name(c, lang), "n": n, "color": colors(c)[1]})
    for c in sorted({f.category for f in fs} - set(CATEGORIES)):
        out.append({"cat": c, "name": c, "n": sum(1 for f in fs if f.category == c), "color": colors(c)[1]})
    top = max((x["n"] for x in out), default=1)
    for x in out:
        x["pct"] = round(100 * x["n"] / top)
    return out


def _finding_view(f: Finding, fid: str, n: int, lang: str, text: str | None) -> dict[str, Any]:
    before, flagged, after = sentence_parts(f, text)
    extra = []
    if fr := frequency_text(f, lang):
        extra.append((t("frequency", lang), fr))
    if dl := deadline_text(f, lang):
        extra.append((t("deadline", lang), dl))
    if f.actor:
        extra.append((t("actor", lang), f.actor))
    return {
        "id": fid, "n": n, "cat": f.category, "cat_name": category_name(f.category, lang),
        "severity": f.severity, "severity_name": severity_name(f.severity, lang),
        "confidence": f"{f.confidence:.2f}", "page": f.page, "text": flagged, "sentence": f.sentence,
        "sentence_before": before, "sentence_after": after,
        "message": f.message, "suggestion": f.suggestion, "reference": f.reference, "rule": f.rule,
        "source": f.source, "extra": extra, "start": f.start, "end": f.end,
        "color": colors(f.category)[0], "border": colors(f.category)[1],
    }


def _analysis_view(key: str, val: Any, lang: str) -> dict[str, Any]:
    v: dict[str, Any] = {"key": key, "title": analysis_title(key, lang)}
    if is_table(val):
        cols = table_columns(val)
        v.update(kind="table", columns=cols, rows=[[fmt_value(row.get(c)) for c in cols] for row in val])
    elif isinstance(val, dict):
        v.update(kind="dict", items=[(k, fmt_value(x)) for k, x in val.items()])
    elif isinstance(val, list):
        v.update(kind="list", items=[fmt_value(x) for x in val])
    else:
        v.update(kind="scalar", value=fmt_value(val))
    return v


def _paragraphs(r: Report, text: str, fs: list[Finding], ids: dict[int, str], lang: str) -> list[Paragraph]:
    spans = [(max(0, f.start), min(len(text), f.end), f) for f in fs if f.end > f.start and f.start < len(text)]
    bounds = sorted({b for s, e, _ in spans for b in (s, e)})
    starts: dict[int, list[str]] = {}
    for s, _, f in spans:
        starts.setdefault(s, []).append(ids[id(f)])
    # Primary finding of a segment: most severe, then innermost (shortest), then earliest.
    rank = {id(f): (-SEVERITY_RANK.get(f.severity, 0), e - s, s) for s, e, f in spans}
    paras: list[Paragraph] = []
    for kind, ps, pe in block_ranges(r, text):
        cuts = [ps] + [b for b in bounds if ps < b < pe] + [pe]
        segs: list[Segment] = []
        for a, b in itertools.pairwise(cuts):
            if a >= b:
                continue
            cover = sorted((f for s, e, f in spans if s <= a and e >= b), key=lambda f: rank[id(f)])
            seg = Segment(text=text[a:b], anchors=starts.pop(a, []) if cover else [])
            if cover:
                seg.fids = [ids[id(f)] for f in cover]
                seg.cat, seg.severity = cover[0].category, cover[0].severity
                seg.title = " / ".join(f"{category_name(f.category, lang)}（{severity_name(f.severity, lang)}）"
                                       for f in cover)
            segs.append(seg)
        paras.append(Paragraph(kind=kind, segments=segs))
    return paras


def _css() -> str:
    rules = []
    for c, (light, dark) in CATEGORY_COLORS.items():
        rules.append(f".hl.c-{c}{{background:{light};border-bottom:2px solid {dark}}}")
        rules.append(f".card.c-{c}{{border-left-color:{dark}}}")
        rules.append(f".tag.c-{c}{{background:{light};color:#222;border:1px solid {dark}}}")
        rules.append(f".card.c-{c} .quote mark{{background:{light}}}")
    return "\n".join(rules)
