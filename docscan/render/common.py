"""What every renderer shares: labels in zh/en, category colours, summary lines, output paths.

Renderers only read a :class:`~docscan.report.Report`; the helpers here never re-run detection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config
from ..report import CATEGORIES, SEVERITY_RANK, Finding, Report

# Highlight colours per category: light fill for text, a stronger tone for borders/labels.
# Chosen to stay distinguishable when printed in greyscale-ish office printers (different lightness).
CATEGORY_COLORS: dict[str, tuple[str, str]] = {
    "ledger_demand": ("#ffe08a", "#b07d00"),
    "repeated_inspection": ("#ffb3a7", "#c0392b"),
    "vague_duty": ("#c7d7ff", "#2f5fc4"),
    "meeting_overload": ("#d9c7f0", "#7446a8"),
    "accountability_pressure": ("#f5b3d7", "#b0306f"),
    "digital_formalism": ("#b8ead2", "#1e8a5a"),
    "deadline_pressure": ("#ffd1a3", "#c8650a"),
}
DEFAULT_COLOR = ("#e0e0e0", "#666666")

SEVERITY_LABELS = {"zh": {"high": "高", "medium": "中", "low": "低"}, "en": {"high": "high", "medium": "medium", "low": "low"}}

# burden key -> (zh label, en label, zh unit, en unit); figures are per grassroots unit per year (contract)
BURDEN_LABELS = {
    "reports_per_year": ("每年报送", "submissions a year", "次", ""),
    "inspections_per_year": ("每年迎检", "inspections a year", "次", ""),
    "meetings_per_year": ("每年会议", "meetings a year", "次", ""),
    "ledgers": ("台账", "ledgers", "种", ""),
    "hours_per_year": ("每年耗时", "hours a year", "小时", "h"),
}
METADATA_LABELS = {
    "title": ("标题", "Title"),
    "doc_number": ("发文字号", "Document number"),
    "issuer": ("发文机关", "Issuer"),
    "date": ("成文日期", "Date"),
    "genre": ("文种", "Genre"),
    "signer": ("签发人", "Signer"),
}
ANALYSIS_TITLES = {
    "duties": ("职责矩阵", "Duty matrix"),
    "burden_items": ("负担测算明细", "Burden arithmetic"),
    "regulation_checks": ("对照中央规定", "Regulation checks"),
}

# UI strings; one place so every format says the same thing.
TEXTS: dict[str, tuple[str, str]] = {
    "report_title": ("docscan 公文形式主义审查报告", "docscan formalism review"),
    "score": ("风险分", "Score"),
    "findings": ("问题", "Findings"),
    "n_findings": ("共发现 {n} 处问题", "{n} findings"),
    "no_findings": ("未发现问题。", "No findings."),
    "category": ("类别", "Category"),
    "severity": ("严重程度", "Severity"),
    "confidence": ("置信度", "Confidence"),
    "count": ("数量", "Count"),
    "why": ("问题", "Why"),
    "suggestion": ("建议", "Suggestion"),
    "reference": ("依据", "Reference"),
    "sentence": ("原句", "Sentence"),
    "page": ("页", "page"),
    "frequency": ("频次", "Frequency"),
    "deadline": ("时限", "Deadline"),
    "actor": ("承担主体", "Borne by"),
    "burden": ("基层负担（每个基层单位）", "Burden per grassroots unit"),
    "unknown": ("未识别", "not found"),
    "error": ("无法读取", "could not be read"),
    "metadata": ("公文信息", "Metadata"),
    "summary": ("摘要", "Summary"),
    "documents": ("文件", "Documents"),
    "text": ("正文", "Text"),
    "filters": ("筛选", "Filter"),
    "per_year": ("次/年", "/year"),
    "days": ("天", "days"),
    "rule": ("规则", "Rule"),
}


def t(key: str, lang: str, **kw: Any) -> str:
    zh, en = TEXTS[key]
    s = zh if lang == "zh" else en
    return s.format(**kw) if kw else s


def lang_of(config: Config | None) -> str:
    return "en" if config is not None and config.lang == "en" else "zh"


def category_name(cat: str, lang: str) -> str:
    names = CATEGORIES.get(cat)
    if names is None:
        return cat
    return names[0] if lang == "zh" else names[1]


def severity_name(sev: str, lang: str) -> str:
    return SEVERITY_LABELS["zh" if lang == "zh" else "en"].get(sev, sev)


def burden_label(key: str, lang: str) -> str:
    zh, en, _, _ = BURDEN_LABELS.get(key, (key, key.replace("_", " "), "", ""))
    return zh if lang == "zh" else en


def burden_value(key: str, value: Any, lang: str) -> str:
    if value is None:
        return t("unknown", lang)
    _, _, uzh, uen = BURDEN_LABELS.get(key, ("", "", "", ""))
    unit = uzh if lang == "zh" else uen
    return f"{fmt_value(value)} {unit}".rstrip()


def metadata_label(key: str, lang: str) -> str:
    zh, en = METADATA_LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def analysis_title(key: str, lang: str) -> str:
    zh, en = ANALYSIS_TITLES.get(key, (key, key.replace("_", " ")))
    return zh if lang == "zh" else en


def colors(cat: str) -> tuple[str, str]:
    return CATEGORY_COLORS.get(cat, DEFAULT_COLOR)


def sorted_findings(report: Report) -> list[Finding]:
    """Findings in reading order (then the longer span first, so outer spans precede nested ones)."""
    return sorted(report.findings, key=lambda f: (f.start, -(f.end - f.start), f.category))


def findings_by_category(report: Report) -> list[tuple[str, list[Finding]]]:
    """Groups in the contract's category order (unknown categories last), each in reading order."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    groups: dict[str, list[Finding]] = {}
    for f in sorted_findings(report):
        groups.setdefault(f.category, []).append(f)
    return sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))


def worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), -f.confidence, f.start))


def burden_items(report: Report, lang: str) -> list[tuple[str, str]]:
    """(label, value) pairs for the burden panel; ``None`` figures read as 'not found'."""
    out = []
    for k, v in (report.burden or {}).items():
        out.append((burden_label(k, lang), burden_value(k, v, lang)))
    return out


def metadata_items(report: Report, lang: str) -> list[tuple[str, str]]:
    md = report.metadata or {}
    return [(metadata_label(k, lang), str(md[k])) for k in METADATA_LABELS if md.get(k)]


def fmt_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "、".join(fmt_value(x) for x in v)
    if isinstance(v, dict):
        return "；".join(f"{k}: {fmt_value(x)}" for k, x in v.items())
    return str(v)


def frequency_text(f: Finding, lang: str) -> str | None:
    fr = f.frequency
    if not fr:
        return None
    s = str(fr.get("text") or "")
    if fr.get("per_year") is not None:
        s += f"（≈{fmt_value(fr['per_year'])} {t('per_year', lang)}）" if lang == "zh" else f" (≈{fmt_value(fr['per_year'])}{t('per_year', lang)})"
    return s or None


def deadline_text(f: Finding, lang: str) -> str | None:
    dl = f.deadline
    if not dl:
        return None
    s = str(dl.get("text") or "")
    if dl.get("days") is not None:
        s += f"（{fmt_value(dl['days'])} {t('days', lang)}）" if lang == "zh" else f" ({fmt_value(dl['days'])} {t('days', lang)})"
    return s or None


def counts_line(report: Report, lang: str) -> str:
    """'过度留痕 / 台账报表 4，督查检查考核过多过频 2' in category order."""
    sep = "，" if lang == "zh" else ", "
    counts = report.counts or {}
    if not counts:
        counts = {}
        for f in report.findings:
            counts[f.category] = counts.get(f.category, 0) + 1
    order = list(CATEGORIES)
    keys = sorted(counts, key=lambda c: order.index(c) if c in order else len(order))
    return sep.join(f"{category_name(c, lang)} {counts[c]}" for c in keys)


def summary_line(report: Report, lang: str) -> str:
    """One line: score, counts, burden — used at the top of DOCX copies and in comments."""
    sep = "；" if lang == "zh" else "; "
    parts = [f"{t('score', lang)} {report.score:g}", t("n_findings", lang, n=len(report.findings))]
    cl = counts_line(report, lang)
    if cl:
        parts[-1] += f"（{cl}）" if lang == "zh" else f" ({cl})"
    for label, value in burden_items(report, lang):
        parts.append(f"{label} {value}")
    return sep.join(parts)


def comment_text(f: Finding, lang: str) -> list[str]:
    """The lines of a note attached to a finding (DOCX comment, PDF popup)."""
    head = f"【{category_name(f.category, lang)}】{t('severity', lang)}：{severity_name(f.severity, lang)}" if lang == "zh" \
        else f"[{category_name(f.category, lang)}] {t('severity', lang)}: {severity_name(f.severity, lang)}"
    colon = "：" if lang == "zh" else ": "
    head += f"{'，' if lang == 'zh' else ', '}{t('confidence', lang)}{colon}{f.confidence:.2f}"
    lines = [head]
    if f.message:
        lines.append(f"{t('why', lang)}{colon}{f.message}")
    if f.suggestion:
        lines.append(f"{t('suggestion', lang)}{colon}{f.suggestion}")
    if f.reference:
        lines.append(f"{t('reference', lang)}{colon}{f.reference}")
    extra = [x for x in (frequency_text(f, lang), deadline_text(f, lang)) if x]
    if extra:
        lines.append(("；" if lang == "zh" else "; ").join(extra))
    lines.append(f"{t('rule', lang)}{colon}{f.rule}")
    return lines


def report_text(report: Report) -> str | None:
    """The normalized text the offsets index: kept on the report, else re-extracted (no detection)."""
    if report.text is not None:
        return report.text
    doc = report_document(report)
    return doc.text if doc is not None else None


def report_document(report: Report):
    """The in-memory Document; for a report loaded from JSON, re-extract the source file if it still exists."""
    if report.document is not None:
        return report.document
    path = (report.source or {}).get("path")
    if not path or not Path(path).is_file():
        return None
    try:
        from ..pipeline import extract_document

        doc = extract_document(path)
    except Exception:  # the file changed or vanished: render without the text
        return None
    if report.source.get("sha256") and doc.source.sha256 != report.source.get("sha256"):
        return None  # offsets would point at the wrong characters
    report.document = doc
    if report.text is None:
        report.text = doc.text
    return doc


def block_ranges(report: Report, text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) per paragraph of ``text`` for layout: the Document's blocks when they tile the text
    (kind refined: the 公文 title, the red 发文机关标志 as ``redhead``), else one paragraph per line."""
    doc = report.document
    if doc is not None and doc.blocks and getattr(doc, "text", None) == text:
        title = (report.metadata or {}).get("title")
        out, pos = [], 0
        for b in doc.blocks:
            if b.start < pos or text[pos:b.start].strip():
                out = []
                break
            kind = b.kind
            raw = doc.raw_blocks[b.raw_index] if 0 <= b.raw_index < len(doc.raw_blocks) else None
            if title and text[b.start:b.end] == title:
                kind = "title"
            elif (report.metadata or {}).get("doc_number") and text[b.start:b.end].strip() == report.metadata["doc_number"]:
                kind = "docnum"
            elif raw is not None and (raw.style or {}).get("color") == "red" and b.start < 200:
                kind = "redhead"
            if out and b.start == pos:  # normalize joined it to the previous block (a page-crossing paragraph)
                out[-1] = (out[-1][0], out[-1][1], b.end)
            else:
                out.append((kind, b.start, b.end))
            pos = b.end
        if out and not text[pos:].strip():
            return out
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(("paragraph", pos, pos + len(line)))
        pos += len(line) + 1
    return out


def sentence_parts(f: Finding, text: str | None) -> tuple[str, str, str]:
    """(before, flagged, after) of the finding's sentence, for highlighting the flagged words."""
    if text is not None and f.sentence_start is not None and f.sentence_end is not None \
            and f.sentence_start <= f.start <= f.end <= f.sentence_end <= len(text):
        return text[f.sentence_start:f.start], text[f.start:f.end], text[f.end:f.sentence_end]
    sent = f.sentence or f.text
    i = sent.find(f.text) if f.text else -1
    if i < 0:
        return sent, "", ""
    return sent[:i], f.text, sent[i + len(f.text):]


def source_stem(report: Report) -> str:
    path = (report.source or {}).get("path") or "document"
    if path in ("-", "<text>"):
        return "stdin"
    return Path(path).stem or "document"


def output_paths(reports: list[Report], out: str | None, suffix: str) -> list[Path]:
    """Where per-document outputs go.

    One report and ``out`` not a directory: ``out`` itself. Otherwise ``<stem>.docscan<suffix>`` in ``out``
    (a directory, created) or in the current directory; same stems get ``-2``, ``-3``…
    """
    if len(reports) == 1 and out and not out.endswith(("/", "\\")) and not Path(out).is_dir():
        return [Path(out)]
    base = Path(out) if out else Path.cwd()
    base.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    paths = []
    for r in reports:
        stem = source_stem(r)
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        paths.append(base / (f"{stem}.docscan{suffix}" if n == 1 else f"{stem}-{n}.docscan{suffix}"))
    return paths


def table_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Union of keys in first-seen order (a list of dicts rendered as one table)."""
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def is_table(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)
