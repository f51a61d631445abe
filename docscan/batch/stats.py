"""The dashboard of a results database: ``docscan stats DB [--html out.html]``.

``compute(db)`` reads the store (SQL aggregates, nothing re-scanned) into plain dicts; ``render_terminal``
prints rich tables; ``render_html`` writes one self-contained page (Jinja2 with autoescape, charts as inline SVG
drawn by template macros: no scripts, no CDN).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..report import CATEGORIES
from .store import connect

# Burden bins: yearly, quarterly, monthly, fortnightly, weekly, several times a week, daily or more.
BURDEN_BINS: list[tuple[float, float, str]] = [
    (0, 1, "0"),
    (1, 5, "1–4"),
    (5, 13, "5–12"),
    (13, 27, "13–26"),
    (27, 53, "27–52"),
    (53, 105, "53–104"),
    (105, 366, "105–365"),
    (366, float("inf"), "≥366"),
]

LABELS = {
    "zh": {
        "title": "docscan 批量扫描统计", "totals": "总览", "documents": "文件", "ok": "成功", "errors": "出错",
        "findings": "问题", "pages": "页", "categories": "问题类别", "category": "类别", "issuers": "发文机关",
        "issuer": "发文机关", "years": "年份", "year": "年份", "genres": "文种", "genre": "文种", "rules": "命中最多的规则",
        "rule": "规则", "count": "次数", "burden": "基层负担分布（每个基层单位每年）", "reports_per_year": "报送次数/年",
        "inspections_per_year": "检查次数/年", "unknown": "未识别", "worst": "问题最突出的文件", "score": "得分",
        "path": "路径", "date": "日期", "error_codes": "错误类型", "code": "代码", "example": "示例",
        "mean_score": "平均得分", "severity": "严重程度", "docs_with": "涉及文件", "none": "（未识别）",
        "pipeline": "分析版本", "bins": "区间", "doc_title": "标题",
    },
    "en": {
        "title": "docscan batch statistics", "totals": "Overview", "documents": "documents", "ok": "ok",
        "errors": "errors", "findings": "findings", "pages": "pages", "categories": "Categories",
        "category": "category", "issuers": "Issuers", "issuer": "issuer", "years": "Years", "year": "year",
        "genres": "Document kinds", "genre": "kind", "rules": "Top rules", "rule": "rule", "count": "count",
        "burden": "Burden per grassroots unit per year", "reports_per_year": "reports / year",
        "inspections_per_year": "inspections / year", "unknown": "unknown", "worst": "Worst documents",
        "score": "score", "path": "path", "date": "date", "error_codes": "Errors by code", "code": "code",
        "example": "example", "mean_score": "mean score", "severity": "severity", "docs_with": "documents",
        "none": "(unknown)", "pipeline": "pipeline", "bins": "range", "doc_title": "title",
    },
}


def compute(db: str | Path, *, top: int = 15) -> dict[str, Any]:
    con = connect(db)
    try:
        return _compute(con, top)
    except sqlite3.DatabaseError as e:
        from ..errors import DocscanError

        raise DocscanError("bad_db", f"{db}: {e}") from e
    finally:
        con.close()


def _rows(con: sqlite3.Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in con.execute(sql, params)]


def _compute(con: sqlite3.Connection, top: int) -> dict[str, Any]:
    q = con.execute
    totals = dict(q(
        "SELECT count(*) AS documents, coalesce(sum(status = 'ok'), 0) AS ok, coalesce(sum(status != 'ok'), 0) AS "
        "errors, coalesce(sum(n_findings), 0) AS findings, coalesce(sum(pages), 0) AS pages FROM documents"
    ).fetchone())
    cat_rows = {r["category"]: r for r in _rows(con,
        "SELECT category, count(*) AS findings, count(DISTINCT document_id) AS documents FROM findings "
        "GROUP BY category")}
    categories = []
    for cid, (zh, en) in CATEGORIES.items():  # contract order; every category shown, zero or not
        r = cat_rows.pop(cid, {"findings": 0, "documents": 0})
        categories.append({"category": cid, "zh": zh, "en": en, "findings": r["findings"], "documents": r["documents"]})
    for cid, r in sorted(cat_rows.items()):  # ids outside the contract (should not happen): still counted
        categories.append({"category": cid, "zh": cid, "en": cid, "findings": r["findings"], "documents": r["documents"]})
    per_doc = ("count(*) AS documents, coalesce(sum(n_findings), 0) AS findings, "
               "round(avg(CASE WHEN status = 'ok' THEN score END), 1) AS mean_score")
    issuers = _rows(con, f"SELECT issuer, {per_doc} FROM documents GROUP BY issuer "
                         "ORDER BY findings DESC, documents DESC, issuer LIMIT ?", (top,))
    years = _rows(con, f"SELECT year, {per_doc} FROM documents GROUP BY year ORDER BY year IS NULL, year")
    genres = _rows(con, f"SELECT genre, {per_doc} FROM documents GROUP BY genre ORDER BY documents DESC, genre")
    rules = _rows(con, "SELECT rule, category, count(*) AS count FROM findings GROUP BY rule, category "
                       "ORDER BY count DESC, rule LIMIT ?", (top,))
    severity = _rows(con, "SELECT severity, count(*) AS count FROM findings GROUP BY severity ORDER BY count DESC")
    burden = {key: _histogram(con, key) for key in ("reports_per_year", "inspections_per_year")}
    worst = _rows(con, "SELECT path, title, issuer, date, score, n_findings FROM documents "
                       "WHERE status = 'ok' AND n_findings > 0 ORDER BY score DESC, n_findings DESC, path LIMIT ?",
                  (top,))
    errors = _rows(con, "SELECT e.code, count(*) AS count, min(d.path) AS example FROM errors e "
                        "JOIN documents d ON d.id = e.document_id GROUP BY e.code ORDER BY count DESC, e.code")
    versions = [r[0] for r in q("SELECT DISTINCT pipeline_version FROM documents ORDER BY 1")]
    return {"totals": totals, "categories": categories, "severity": severity, "issuers": issuers, "years": years,
            "genres": genres, "rules": rules, "burden": burden, "worst": worst, "errors": errors,
            "pipeline_versions": versions}


def _histogram(con: sqlite3.Connection, column: str) -> dict[str, Any]:
    assert column in ("reports_per_year", "inspections_per_year")
    values = [r[0] for r in con.execute(f"SELECT {column} FROM documents WHERE status = 'ok'")]
    bins = [{"label": label, "lo": lo, "hi": hi, "count": 0} for lo, hi, label in BURDEN_BINS]
    unknown = 0
    known: list[float] = []
    for v in values:
        if v is None:
            unknown += 1
            continue
        known.append(v)
        for b in bins:
            if b["lo"] <= v < b["hi"]:
                b["count"] += 1
                break
    known.sort()
    median = known[len(known) // 2] if known else None
    return {"bins": [{"label": b["label"], "count": b["count"]} for b in bins], "unknown": unknown,
            "median": median, "max": known[-1] if known else None}


# -- terminal -------------------------------------------------------------------------------------------
def render_terminal(stats: dict[str, Any], lang: str = "zh", console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    L = LABELS.get(lang, LABELS["zh"])
    console = console or Console()
    none = L["none"]

    def table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
        t = Table(title=title, title_justify="left", show_edge=False)
        for i, h in enumerate(headers):
            numeric = all(isinstance(row[i], int | float) or row[i] is None for row in rows)
            t.add_column(h, justify="right" if numeric and i else "left")
        for row in rows:
            t.add_row(*["" if v is None else str(v) for v in row])
        console.print(t)
        console.print()

    tot = stats["totals"]
    table(L["totals"], [L["documents"], L["ok"], L["errors"], L["findings"], L["pages"]],
          [[tot["documents"], tot["ok"], tot["errors"], tot["findings"], tot["pages"]]])
    table(L["categories"], [L["category"], L["findings"], L["docs_with"]],
          [[f"{c['zh'] if lang == 'zh' else c['en']} ({c['category']})", c["findings"], c["documents"]]
           for c in stats["categories"]])
    if stats["severity"]:
        table(L["severity"], [L["severity"], L["count"]], [[s["severity"], s["count"]] for s in stats["severity"]])
    for key, col in (("issuers", "issuer"), ("years", "year"), ("genres", "genre")):
        table(L[key], [L[col], L["documents"], L["findings"], L["mean_score"]],
              [[r[col] if r[col] is not None else none, r["documents"], r["findings"], r["mean_score"]]
               for r in stats[key]])
    if stats["rules"]:
        table(L["rules"], [L["rule"], L["category"], L["count"]],
              [[r["rule"], r["category"], r["count"]] for r in stats["rules"]])
    for key in ("reports_per_year", "inspections_per_year"):
        h = stats["burden"][key]
        rows = [[b["label"], b["count"]] for b in h["bins"]] + [[L["unknown"], h["unknown"]]]
        table(f"{L['burden']}\n{L[key]}", [L["bins"], L["documents"]], rows)
    if stats["worst"]:
        table(L["worst"], [L["path"], L["doc_title"], L["issuer"], L["date"], L["score"], L["findings"]],
              [[w["path"], w["title"], w["issuer"], w["date"], w["score"], w["n_findings"]] for w in stats["worst"]])
    if stats["errors"]:
        table(L["error_codes"], [L["code"], L["count"], L["example"]],
              [[e["code"], e["count"], e["example"]] for e in stats["errors"]])


# -- HTML -----------------------------------------------------------------------------------------------
def render_html(stats: dict[str, Any], lang: str = "zh", *, source: str = "") -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("docscan.batch", "templates"),
        autoescape=True,  # every label comes from documents: escape all of it
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from .. import __version__

    L = LABELS.get(lang, LABELS["zh"])
    return env.get_template("stats.html.j2").render(
        s=stats, L=L, lang=lang, source=source, version=__version__, charts=_charts(stats, L, lang)
    )


def _charts(stats: dict[str, Any], L: dict[str, str], lang: str) -> dict[str, list[dict[str, Any]]]:
    """Bar-chart series (label, value) for the template's SVG macros."""

    def series(rows: list[dict[str, Any]], col: str, value: str = "findings") -> list[dict[str, Any]]:
        return [{"label": str(r[col]) if r[col] is not None else L["none"], "value": r[value]} for r in rows]

    out = {
        "categories": [{"label": c["zh"] if lang == "zh" else c["en"], "value": c["findings"]}
                       for c in stats["categories"]],
        "issuers": series(stats["issuers"], "issuer"),
        "years": series(stats["years"], "year", "documents"),
        "genres": series(stats["genres"], "genre", "documents"),
        "rules": series(stats["rules"], "rule", "count"),
    }
    for key in ("reports_per_year", "inspections_per_year"):
        out[key] = [{"label": b["label"], "value": b["count"]} for b in stats["burden"][key]["bins"]]
    return out
