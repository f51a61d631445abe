"""DOCX extraction: reading order with tables/text boxes, numbering labels, furniture, refs, bad inputs."""

from __future__ import annotations

import difflib
import re
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document as OpenDocx
from docx.oxml.ns import qn
from docxgen import DocxBuilder

import docscan
import docscan.errors
from docscan.cli import cli
from docscan.extract import extract_raw
from docscan.extract.docx import W_NS, body_paragraphs, own_runs

CN = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    b = DocxBuilder()
    b.para("XX县人民政府办公室文件", color="E00000", size=26)
    b.para("关于开展环境整治专项行动的通知")
    b.para("各乡镇人民政府，县直各部门：")
    b.para(["各村要建立", "工作台账", "，每周五前报送进展。"], bold_runs=(1,))
    b.heading("工作安排", 1)
    b.numbered([(0, "工作目标"), (1, "完善收运体系"), (1, "开展村庄清洁"), (0, "保障措施")], CN)
    b.numbered([(0, "甲项任务由镇负责。"), (0, "乙项任务由村负责。")], [("ideographTraditional", "%1、")])
    b.table([["项目", "责任单位", "时限"], ["垃圾治理", "镇政府", "每月"], ["厕所改造", "", "每季度"]],
            merge=[(1, 1, 2, 1)], nested={(0, 2): [["内一", "内二"]]})
    b.textbox("正文中的锚定段落。", ["文本框第一行", "文本框第二行"])
    b.page_break()
    b.para("第二页的内容：请于三日内上报。")
    b.para("抄送：县委办公室。")
    b.para("XX县人民政府办公室    2025年3月2日印发")
    b.header("XX县人民政府办公室")
    b.footer_page_number("1")
    path = b.save(tmp_path_factory.mktemp("docx") / "sample.docx")
    return path, b.expected, extract_raw(path)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_text_complete_and_in_order(sample):
    _, expected, raw = sample
    body = [b for b in raw.iter_blocks() if b.kind not in ("header", "footer", "page_number", "boilerplate")]
    got = _squash("".join(b.text for b in body))
    want = _squash("".join(expected))
    assert difflib.SequenceMatcher(None, got, want, autojunk=False).ratio() >= 0.99
    # order: a few landmarks in sequence
    pos = [got.index(s) for s in ("XX县人民政府办公室文件", "工作台账", "一、工作目标", "（二）开展村庄清洁",
                                  "二、保障措施", "甲、甲项任务", "内一", "垃圾治理", "文本框第一行", "第二页的内容")]
    assert pos == sorted(pos)


def test_tables_merged_cells_and_nested(sample):
    _, _, raw = sample
    cells = [b for b in raw.iter_blocks() if b.kind == "table_cell"]
    texts = [c.text for c in cells]
    assert texts.count("镇政府") == 1  # vertically merged cell read once
    assert "内二" in texts
    outer = next(c for c in cells if c.text == "每季度")
    assert (outer.ref["table"], outer.ref["row"], outer.ref["cell"]) == (0, 2, 2)
    inner = next(c for c in cells if c.text == "内二")
    assert inner.ref["table"] == 1 and inner.ref["cell"] == 1


def test_textbox_once_not_duplicated_by_fallback(sample):
    _, _, raw = sample
    texts = [b.text for b in raw.iter_blocks()]
    assert texts.count("文本框第一行") == 1
    tb = next(b for b in raw.iter_blocks() if b.text == "文本框第二行")
    assert tb.ref.get("textbox") is True


def test_numbering_labels_and_kinds(sample):
    _, _, raw = sample
    by_text = {b.text: b for b in raw.iter_blocks()}
    assert by_text["一、工作目标"].kind == "heading" and by_text["一、工作目标"].level == 1
    assert by_text["一、工作目标"].style["numbering"] == "一、"
    assert by_text["（二）开展村庄清洁"].level == 2
    assert by_text["二、保障措施"].style["numbering"] == "二、"  # counter continued after level 2
    assert by_text["乙、乙项任务由村负责。"].style["numbering"] == "乙、"
    assert by_text["工作安排"].kind == "heading"  # Heading 1 style
    assert by_text["抄送：县委办公室。"].kind == "banji"
    assert by_text["XX县人民政府办公室    2025年3月2日印发"].kind == "banji"
    assert by_text["XX县人民政府办公室文件"].style.get("color") == "red"
    assert "color" not in by_text["关于开展环境整治专项行动的通知"].style


def test_furniture_and_pages(sample):
    _, _, raw = sample
    kinds = {b.kind: b for b in raw.iter_blocks()}
    assert kinds["header"].text == "XX县人民政府办公室"
    assert "page_number" in kinds and "1" in kinds["page_number"].text
    assert raw.source.pages == 2
    assert next(b for b in raw.iter_blocks() if b.text.startswith("第二页")).page == 2
    doc = docscan.extract(sample[0])
    assert "— 1 —" not in doc.text and "第二页的内容" in doc.text


def test_refs_find_paragraph_and_runs(sample):
    path, _, raw = sample
    paras = body_paragraphs(OpenDocx(str(path)).element.body)
    checked = 0
    for b in raw.iter_blocks():
        if b.ref.get("part") != "body":
            continue
        p = paras[b.ref["para"]]
        runs = own_runs(p)
        assert len(runs) == len(b.ref["runs"])
        for r, (s, e) in zip(runs, b.ref["runs"], strict=True):
            run_text = "".join(t.text or "" for t in r.findall(qn("w:t")))
            if s < e:
                assert b.text[s:e] == run_text
        label = b.style.get("numbering", "")
        own = "".join(t.text or "" for r in runs for t in r.findall(qn("w:t")))
        assert b.text == label + own or "\n" in b.text
        checked += 1
    assert checked > 20
    three = next(b for b in raw.iter_blocks() if b.text.startswith("各村要建立"))
    assert three.ref["runs"] == [[0, 5], [5, 9], [9, 19]]


def _bad(tmp_path, name: str, data: bytes) -> tuple[int, str]:
    p = tmp_path / name
    p.write_bytes(data)
    res = CliRunner().invoke(cli, ["extract", str(p)])
    return res.exit_code, res.output


def _zip(entries: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in entries.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_bad_docx_inputs(tmp_path, sample):
    good = sample[0].read_bytes()
    cases = {
        "text.docx": (b"this is not a zip at all", "docx_corrupt"),
        "trunc.docx": (good[: len(good) // 2], "docx_corrupt"),
        "nodoc.docx": (_zip({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}), "docx_corrupt"),
        "bomb.docx": (_zip({"word/document.xml": b"<a/>", "word/media/x.bin": b"\0" * (6 << 20)}), "zip_bomb"),
        "dtd.docx": (_zip({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
                                              b"<d>&a;&a;</d>"}), "docx_corrupt"),
        "badxml.docx": (_zip({"word/document.xml": b"<w:document><w:body>"}), "docx_corrupt"),
        "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le"),
                        "docx_corrupt"),
    }
    for name, (data, code) in cases.items():
        status, out = _bad(tmp_path, name, data)
        lines = out.strip().splitlines()
        assert status == 2, (name, out)
        assert len(lines) == 1 and lines[0].startswith(f"docscan: {code}: "), (name, out)
    assert "加密" in _bad(tmp_path, "locked.docx", cases["locked.docx"][0])[1]


def test_scan_json_on_docx(tmp_path, sample):
    res = CliRunner().invoke(cli, ["scan", str(sample[0]), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert '"format": "docx"' in res.output


def test_rendered_and_hard_page_breaks_count_once(tmp_path):
    from docx.oxml import parse_xml

    b = DocxBuilder()
    b.para("第一页正文。")
    b.page_break()  # hard break ...
    p = b.para("第二页正文。")
    # ... and Word's own marker of the same page start: one page, not two
    p.runs[0]._r.insert(0, parse_xml(f'<w:lastRenderedPageBreak xmlns:w="{W_NS}"/>'))
    p3 = b.para(["第二页末尾，", "第三页开头。"])
    p3.runs[1]._r.insert(0, parse_xml(f'<w:lastRenderedPageBreak xmlns:w="{W_NS}"/>'))
    b.para("第三页正文。")
    raw = extract_raw(b.save(tmp_path / "pages.docx"))
    assert raw.source.pages == 3
    pages = {blk.text: blk.page for blk in raw.iter_blocks()}
    assert pages == {"第一页正文。": 1, "第二页正文。": 2, "第二页末尾，第三页开头。": 2, "第三页正文。": 3}


def test_zip_bomb_by_total_size(tmp_path, sample, monkeypatch):
    from docscan.extract import docx as docx_mod

    monkeypatch.setattr(docx_mod, "MAX_UNCOMPRESSED", 10_000)  # a real 200 MB fixture would be slow to build
    with pytest.raises(docscan.errors.DocscanError) as e:
        extract_raw(sample[0])
    assert e.value.code == "zip_bomb"
