"""``--format docx``: one Word comment per finding, anchored on exactly the flagged words."""

from __future__ import annotations

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.shared import RGBColor
from test_render_common import PHRASES, SAMPLE, fake_detector, make_finding, make_report, phrase_report

import docscan
from docscan.cli import cli
from docscan.config import Config
from docscan.document import RawBlock, RawDocument, RawPage, SourceInfo
from docscan.normalize import normalize
from docscan.render.docx import para_text, write_docx


def anchored_texts(path) -> dict[str, str]:
    """comment id -> the text between its commentRangeStart and commentRangeEnd (what Word highlights)."""
    body = docx.Document(str(path)).element.body
    active: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for el in body.iter():
        if el.tag == qn("w:commentRangeStart"):
            active[el.get(qn("w:id"))] = []
        elif el.tag == qn("w:commentRangeEnd"):
            out[el.get(qn("w:id"))] = "".join(active.pop(el.get(qn("w:id"))))
        elif el.tag == qn("w:t"):
            for buf in active.values():
                buf.append(el.text or "")
    return out


def comments(path) -> dict[str, str]:
    return {str(c.comment_id): c.text for c in docx.Document(str(path)).comments}


def make_docx(path) -> None:
    d = docx.Document()
    d.add_heading("县关于开展示范检查工作的通知", level=1)
    p = d.add_paragraph()
    r = p.add_run("各村（社区）要建立工作")
    r.bold = True
    r = p.add_run("台账，每周五前将工作进展、影像资料报送镇党政办。")
    r.italic = True
    r.font.color.rgb = RGBColor(0x11, 0x22, 0x33)
    p = d.add_paragraph("县里每月开展一次督查检查，")
    p.add_run("并进行排名通报。")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "责任要求"
    t.cell(0, 1).text = "各乡镇实行一票否决，请于当天下班前报送材料。"
    d.save(str(path))


def _expect(report) -> dict[str, str]:
    return {f.text: f.category for f in report.findings}


def test_comments_anchor_exactly_on_findings_without_extractor(tmp_path):
    """Renderer alone: blocks built by hand the way the DOCX extractor refers to paragraphs (with a
    numbering label prefixed to one block, which is in no run)."""
    src = tmp_path / "in.docx"
    make_docx(src)
    paras = list(docx.Document(str(src)).element.body.iter(qn("w:p")))
    blocks = []
    for i, p in enumerate(paras):
        text = para_text(p)
        if text.strip():
            blocks.append(RawBlock(kind="paragraph", text=("一、" if i == 2 else "") + text, ref={"part": "body", "para": i}))
    doc = normalize(RawDocument(source=SourceInfo(path=str(src), format="docx"), pages=[RawPage(1, blocks)]))
    report = phrase_report(doc)
    out = tmp_path / "out.docx"
    stats = write_docx(report, out, Config())
    assert stats == {"anchored": len(PHRASES), "unanchored": 0}
    anchors = anchored_texts(out)
    assert sorted(anchors.values()) == sorted(f.text for f in report.findings)
    # formatting kept on both sides of a split: "工作台账" spans a bold run and an italic coloured one
    d = docx.Document(str(out))
    body_p = next(p for p in d.paragraphs if p.text.startswith("各村"))
    fmt = {r.text: (r.bold, r.italic, r.font.color.rgb) for r in body_p.runs if r.text}
    assert fmt["建立工作"] == (True, None, None)
    assert fmt["台账"] == (None, True, RGBColor(0x11, 0x22, 0x33))
    assert body_p.text == "各村（社区）要建立工作台账，每周五前将工作进展、影像资料报送镇党政办。"


def test_docx_copy_via_extractor(tmp_path):
    pytest.importorskip("docscan.extract.docx", reason="DOCX extractor not present")
    src = tmp_path / "in.docx"
    make_docx(src)
    doc = docscan.extract(src)
    report = phrase_report(doc)
    out = tmp_path / "out.docx"
    write_docx(report, out, Config())
    anchors = anchored_texts(out)
    assert sorted(anchors.values()) == sorted(f.text for f in report.findings)
    texts = comments(out)
    by_anchor = {anchors[i]: texts[i] for i in anchors}
    assert "【问责泛化 / 一票否决】" in by_anchor["一票否决"]
    assert "严重程度：高" in by_anchor["一票否决"]
    assert "《整治形式主义为基层减负若干规定》" in by_anchor["一票否决"]
    assert "合并同类报表" in by_anchor["一票否决"]
    first = docx.Document(str(out)).paragraphs[0].text
    assert first.startswith("【docscan 审查摘要】") and "风险分 47.5" in first
    # the original is untouched
    assert not docx.Document(str(src)).comments


def test_overlapping_and_cross_paragraph_findings(tmp_path):
    pytest.importorskip("docscan.extract.docx", reason="DOCX extractor not present")
    src = tmp_path / "in.docx"
    make_docx(src)
    doc = docscan.extract(src)
    text = doc.text
    a = text.index("影像资料报送")
    b = text.index("县里每月") + len("县里每月")  # crosses a paragraph boundary
    fs = [
        make_finding(doc, "ledger_demand", "每周五前将工作进展、影像资料报送镇党政办"),
        make_finding(doc, "deadline_pressure", "每周五前", "low"),  # nested in the one above
        make_finding(doc, "repeated_inspection", "", start=a, end=b),
    ]
    out = tmp_path / "out.docx"
    stats = write_docx(make_report(doc, fs), out, Config())
    assert stats["anchored"] == 3
    anchors = sorted(anchored_texts(out).values())
    assert anchors == sorted(["每周五前将工作进展、影像资料报送镇党政办", "每周五前", text[a:b].replace("\n", "")])


def test_non_docx_input_gets_new_document(tmp_path):
    doc = docscan.extract(text=SAMPLE)
    report = phrase_report(doc)
    out = tmp_path / "out.docx"
    stats = write_docx(report, out, Config())
    assert stats["unanchored"] == 0
    assert sorted(anchored_texts(out).values()) == sorted(f.text for f in report.findings)
    paras = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paras[0].startswith("【docscan 审查摘要】")
    assert "县里每月开展一次督查检查，并进行排名通报。" in paras


def test_cli_docx_default_output_path(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "src" / "通知.txt"
    src.parent.mkdir()
    src.write_text(SAMPLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "docx"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "通知.docscan.docx"
    assert out.is_file()
    assert str(out.name) in res.output
    assert len(comments(out)) == len(PHRASES)


def test_cli_docx_explicit_output(tmp_path, monkeypatch):
    pytest.importorskip("docscan.extract.docx", reason="DOCX extractor not present")
    fake_detector(monkeypatch)
    src = tmp_path / "in.docx"
    make_docx(src)
    out = tmp_path / "annotated.docx"
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(anchored_texts(out).values()) == sorted(PHRASES)
