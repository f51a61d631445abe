"""Shared fixtures for the renderer tests, plus the text / Markdown / CSV formats.

Reports are built from a real extraction (``docscan.extract``) with findings placed on known phrases, so
these tests do not depend on the detection rules; the CLI tests swap in a tiny phrase detector for the same
reason (``fake_detector``).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.config import Config
from docscan.report import Finding, Report

HOSTILE_SCRIPT = "<script>document.title='PWNED'</script>"
HOSTILE_IMG = "<img src=x onerror=\"document.title='PWNED2'\">"

# phrase -> (category, severity) for the fake detector and the synthetic reports
PHRASES = {
    "建立工作台账": ("ledger_demand", "high"),
    "每周五前将工作进展、影像资料报送镇党政办": ("ledger_demand", "medium"),
    "每月开展一次督查检查": ("repeated_inspection", "high"),
    "排名通报": ("repeated_inspection", "medium"),
    "一票否决": ("accountability_pressure", "high"),
    "当天下班前": ("deadline_pressure", "low"),
}

SAMPLE = (
    "县关于开展示范检查工作的通知\n"
    "各村（社区）要建立工作台账，每周五前将工作进展、影像资料报送镇党政办。\n"
    "县里每月开展一次督查检查，并进行排名通报。\n"
    "各乡镇实行一票否决，请于当天下班前报送材料。\n"
)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(c, 0, start) for c in "。！？；\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0]
    e = min(ends) + 1 if ends else len(text)
    return s, min(e, len(text))


def make_finding(doc, category: str, phrase: str, severity: str = "high", *, occurrence: int = 0,
                 message: str | None = None, start: int | None = None, end: int | None = None) -> Finding:
    text = doc.text
    if start is None:
        hits = [m.start() for m in re.finditer(re.escape(phrase), text)]
        assert len(hits) > occurrence, f"{phrase!r} not in text"
        start = hits[occurrence]
        end = start + len(phrase)
    ss, se = _sentence_bounds(text, start, end)
    return Finding(
        category=category, severity=severity, confidence=0.87, start=start, end=end, text=text[start:end],
        sentence=text[ss:se], sentence_start=ss, sentence_end=se, rule=f"test.{category}",
        message=message or f"要求基层{text[start:end]}，增加负担。", suggestion="合并同类报表，减少报送频次。",
        reference="《整治形式主义为基层减负若干规定》", page=doc.page_at(start),
        frequency={"text": "每周", "per_year": 52} if "每周" in text[start:end] else None,
    )


def make_report(doc, findings: list[Finding], **kw) -> Report:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.category] = counts.get(f.category, 0) + 1
    base = {
        "status": "ok", "source": doc.source.to_dict(), "metadata": doc.metadata.to_dict(),
        "findings": findings, "score": 47.5, "counts": counts,
        "burden": {"reports_per_year": 52, "inspections_per_year": 12}, "text": doc.text, "document": doc,
    }
    base.update(kw)
    return Report(**base)


def phrase_report(doc, phrases=PHRASES, **kw) -> Report:
    fs = [make_finding(doc, cat, p, sev) for p, (cat, sev) in phrases.items() if p in doc.text]
    return make_report(doc, fs, **kw)


def fake_detector(monkeypatch, phrases=PHRASES) -> None:
    """Make ``scan_document`` find exactly ``phrases`` (whatever the real rules do)."""
    import docscan.detect as detect_mod

    def detect(doc, config):
        fs = []
        for p, (cat, sev) in phrases.items():
            for m in re.finditer(re.escape(p), doc.text):
                fs.append(make_finding(doc, cat, p, sev, start=m.start(), end=m.end()))
        return detect_mod.Detection(findings=fs)

    monkeypatch.setattr(detect_mod, "detect", detect)


@pytest.fixture
def sample_report():
    doc = docscan.extract(text=SAMPLE)
    return phrase_report(doc)


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_parses_back_one_row_per_finding(sample_report):
    from docscan.render.csv import COLUMNS, render_csv

    r = sample_report
    r.findings[0].message = '含逗号,引号"和\n换行'
    r.findings[1].suggestion = "=HYPERLINK(\"http://x\")"
    data = render_csv([r], Config())
    assert data.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"), newline="")))
    assert len(rows) == len(r.findings) == 6
    assert tuple(rows[0]) == COLUMNS
    by_text = {row["text"]: row for row in rows}
    for f in r.findings:
        row = by_text[f.text]
        assert (row["category"], row["severity"], int(row["start"]), int(row["end"])) == (f.category, f.severity, f.start, f.end)
    assert any(row["message"] == '含逗号,引号"和\n换行' for row in rows)
    assert any(row["suggestion"].startswith("'=") for row in rows)  # formula neutralised


def test_csv_cli_writes_utf8_bom_file(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "a.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0, res.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(PHRASES)
    assert {row["path"] for row in rows} == {str(src)}


def test_csv_lists_unreadable_inputs(sample_report, tmp_path):
    from docscan.errors import DocscanError
    from docscan.render.csv import render_csv
    from docscan.report import error_report

    bad = error_report(str(tmp_path / "gone.pdf"), DocscanError("not_found", "gone.pdf"))
    rows = list(csv.DictReader(io.StringIO(render_csv([sample_report, bad], Config()).lstrip("\ufeff"), newline="")))
    assert len(rows) == len(sample_report.findings) + 1
    assert [(r["category"], r["rule"]) for r in rows if r["path"].endswith("gone.pdf")] == [("error", "not_found")]


# -- Markdown ----------------------------------------------------------------------------------------


def test_md_contains_each_finding_and_escapes_html(sample_report):
    from docscan.render.md import render_md

    r = sample_report
    r.metadata["title"] = HOSTILE_SCRIPT + "通知"
    r.findings[2].message = HOSTILE_IMG
    md = render_md([r], Config())
    for f in r.findings:
        assert f"**{f.text}**" in md
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md and "&lt;img" in md
    assert "过度留痕 / 台账报表（2）" in md
    assert "每年报送 | 52 次" in md


def test_md_renders_analysis_tables(sample_report):
    from docscan.render.md import render_md

    sample_report.analysis = {"duties": [{"actor": "各村", "duty": "报送台账"}, {"actor": "县农业农村局", "duty": "加强指导"}]}
    md = render_md([sample_report], Config())
    assert "### 职责矩阵" in md
    assert "| actor | duty |" in md and "| 县农业农村局 | 加强指导 |" in md


# -- terminal text -------------------------------------------------------------------------------------


def test_text_plain_when_piped_colour_on_terminal(sample_report):
    from docscan.render.text import render_text

    plain = render_text([sample_report], Config(), color=False)
    assert "\x1b[" not in plain
    for f in sample_report.findings:
        assert f"【{f.text}】" in plain
    assert "风险分 47.5" in plain and "每年报送 52 次" in plain
    coloured = render_text([sample_report], Config(), color=True)
    assert "\x1b[" in coloured


def test_text_cli_piped_has_no_ansi(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "a.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(src), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "\x1b[" not in res.output
    assert "ledgers, forms and proof-of-work (2)" in res.output
    assert "【一票否决】" in res.output


def test_output_into_existing_directory(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "通知.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    outdir = tmp_path / "out"
    outdir.mkdir()
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "md", "-o", str(outdir)])
    assert res.exit_code == 0, res.output
    assert "一票否决" in (outdir / "通知.docscan.md").read_text(encoding="utf-8")
