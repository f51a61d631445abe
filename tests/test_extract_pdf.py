"""PDF extraction through the public API and CLI, on PDFs generated with reportlab (STSong-Light)."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pytest
from click.testing import CliRunner
from pdfgen import gongwen_pdf, lines_pdf, shapes_pdf

import docscan
from docscan.cli import cli
from docscan.config import Config
from docscan.extract import extract_raw
from docscan.extract.pdf import char_boxes, span_rects

ISSUER = "某某县人民政府文件"
TITLE = "关于进一步规范村级工作事项切实减轻基层负担的通知"
LONG = (
    "各乡镇要对照本通知要求，逐项梳理近三年来向村级组织布置的工作事项，凡是没有法律法规依据、"
    "没有经过县级统筹的，一律予以清理；确需保留的，要明确责任主体、工作标准和完成时限，"
    "并在2025年6月30日前形成清单报县委办公室备案。"
) * 10  # long enough to wrap over many lines and across a page break
PARAS = [
    "各乡镇人民政府，县直各部门：",
    "为切实解决基层反映强烈的材料多、检查多、会议多等问题，经县人民政府同意，现就有关事项通知如下。",
    "一、总体要求",
    "坚持问题导向，聚焦基层所急所盼，以减负增效为目标，推动各项工作落到实处，让基层干部有更多时间和精力抓落实。",
    "二、主要任务",
    "（一）精简文件会议",
    LONG,
    "（二）规范督查检查",
    "县级各部门开展督查检查，原则上每年不超过一次，能合并的合并，能联合的联合，不得重复检查。",
    "1.统筹年度计划。",
    "2.各村（社区）不再单独报送纸质材料，已有数据不得要求重复填报。",
    "三、工作要求",
    "各单位要高度重视，加强组织领导，确保各项措施落地见效。",
]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@pytest.fixture(scope="module")
def gongwen(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "通知.pdf"
    expected = gongwen_pdf(path, PARAS, title=TITLE, issuer=ISSUER, header="某某县政府办公室编印")
    return path, ISSUER + "\n" + expected


def test_text_matches_source(gongwen):
    path, expected = gongwen
    doc = docscan.extract(path)
    assert doc.source.format == "pdf"
    assert doc.source.pages == 3
    assert doc.source.extractor.startswith("pypdfium2 ")
    ratio = difflib.SequenceMatcher(None, _flat(expected), _flat(doc.text), autojunk=False).ratio()
    assert ratio >= 0.99, ratio


def test_page_numbers_and_running_header_are_furniture(gongwen):
    path, _ = gongwen
    doc = docscan.extract(path)
    assert "—" not in doc.text
    assert "编印" not in doc.text
    kinds = {(b.kind, _flat(b.text)) for b in doc.furniture}
    for n in (1, 2, 3):
        assert ("page_number", f"—{n}—") in kinds
    assert sum(1 for b in doc.furniture if b.kind == "header") == 3


def test_blocks_kinds_levels_and_red_issuer(gongwen):
    path, _ = gongwen
    raw = extract_raw(path)
    blocks = [b for b in raw.iter_blocks() if b.kind not in ("header", "footer", "page_number")]
    assert blocks[0].text == ISSUER
    assert blocks[0].style.get("color") == "red"
    assert _flat(blocks[1].text) == TITLE  # the wrapped title is one block
    assert "color" not in blocks[1].style
    by_text = {_flat(b.text): b for b in blocks}
    h1, h2, h3 = (
        by_text[_flat("一、总体要求")],
        by_text[_flat("（一）精简文件会议")],
        by_text[_flat("1.统筹年度计划。")],
    )
    assert (h1.kind, h1.level) == ("heading", 1)
    assert (h2.kind, h2.level) == ("heading", 2)
    assert (h3.kind, h3.level) == ("heading", 3)
    item = by_text[_flat(PARAS[10])]
    assert (item.kind, item.level) == ("list_item", 3)
    assert by_text[_flat(PARAS[1])].kind == "paragraph"  # a paragraph wrapping over lines is one block
    # the long paragraph crosses a page break: its pieces are whole, the later one marked as a continuation
    pieces = [b for b in blocks if b.text.startswith(("各乡镇要对照",)) or b.ref.get("continues")]
    assert any(b.ref.get("continues") for b in pieces)
    assert _flat("".join(b.text for b in pieces)) == _flat(LONG)
    assert len({b.page for b in pieces}) >= 2


def test_char_index_maps_to_glyphs(gongwen):
    import pypdfium2 as pdfium

    path, _ = gongwen
    raw = extract_raw(path)
    pdf = pdfium.PdfDocument(str(path))
    checked = 0
    try:
        for b in raw.iter_blocks():
            idx = b.ref["char_index"]
            assert len(idx) == len(b.text)
            positions = [k for k, ch in enumerate(b.text) if not ch.isspace()][:: max(1, len(b.text) // 7)]
            boxes = char_boxes(path, b.page, [idx[k] for k in positions])
            tp = pdf[b.page - 1].get_textpage()
            for k, (x0, y0, x1, y1) in zip(positions, boxes, strict=True):
                assert x1 > x0 and y1 > y0
                hit = tp.get_index((x0 + x1) / 2, (y0 + y1) / 2, 0.5, 0.5)
                assert hit is not None and tp.get_text_range(hit, 1) == b.text[k]
                checked += 1
    finally:
        pdf.close()
    assert checked > 50
    # span_rects merges a multi-line block into one rectangle per row
    para = next(b for b in raw.iter_blocks() if b.text.count("\n") >= 2)
    rects = span_rects(path, para.page, para.ref["char_index"])
    assert len(rects) == para.text.count("\n") + 1


def test_banji_lines(tmp_path):
    path = tmp_path / "banji.pdf"
    gongwen_pdf(
        path,
        [
            *PARAS[:4],
            "抄送：县委各部门，县人大常委会办公室，县政协办公室。",
            "某某县人民政府办公室2025年3月2日印发",
        ],
    )
    raw = extract_raw(path)
    kinds = {_flat(b.text): b.kind for b in raw.iter_blocks()}
    assert kinds[_flat("抄送：县委各部门，县人大常委会办公室，县政协办公室。")] == "banji"
    assert kinds[_flat("某某县人民政府办公室2025年3月2日印发")] == "banji"
    assert kinds[_flat(PARAS[3])] == "paragraph"


def test_max_pages_warns_and_reads_first_pages(tmp_path):
    path = tmp_path / "pages.pdf"
    lines_pdf(
        path, [["第一页的正文内容，用于测试页数上限。"], ["第二页的正文内容。"], ["第三页的正文内容。"]]
    )
    doc = docscan.extract(path, config=Config(max_pages=2))
    assert "第二页" in doc.text and "第三页" not in doc.text
    assert doc.source.pages == 3
    assert any("max_pages" in w for w in doc.warnings)


def _cli_error(path) -> str:
    res = CliRunner().invoke(cli, ["extract", str(path)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return res.stderr


def test_encrypted_pdf_error(tmp_path):
    path = tmp_path / "enc.pdf"
    gongwen_pdf(path, PARAS[:3], encrypt="secret")
    assert "pdf_encrypted" in _cli_error(path)
    res = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
    assert res.exit_code == 2 and '"pdf_encrypted"' in res.stdout


def test_truncated_pdf_error(tmp_path):
    good = tmp_path / "good.pdf"
    gongwen_pdf(good, PARAS)
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    assert "pdf_corrupt" in _cli_error(bad)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    assert "pdf_corrupt" in _cli_error(junk)


def test_scanned_pdf_error(tmp_path):
    path = tmp_path / "scan.pdf"
    shapes_pdf(path)
    err = _cli_error(path)
    assert "pdf_no_text" in err and "OCR" in err


# -- ruled tables ----------------------------------------------------------------------------------

SCORE_ROWS = [
    ["考核内容", "分值", "评分标准", "佐证材料", "责任单位"],
    [
        "建立工作台账",
        "10",
        "未建立台账扣2分；台账内容不完整的每处扣0.5分，扣完为止",
        "工作台账、会议记录",
        "各乡镇人民政府",
    ],
    ["开展入户走访", "20", "每月走访不少于一次，未按要求走访的扣1分", "走访照片和签字记录表", "各村（社区）"],
    ["信息报送", "5", "未按时报送扣1分", "", "县直各部门"],
]
BEFORE = ["附件", "某某县基层治理工作考核细则", "为规范考核工作，制定本细则，各单位按下表执行。"]
AFTER = ["本细则由县考核办负责解释，自印发之日起施行。"]


@pytest.fixture(scope="module")
def score_table(tmp_path_factory):
    from pdfgen import table_pdf

    path = tmp_path_factory.mktemp("pdf") / "考核细则.pdf"
    table_pdf(path, SCORE_ROWS, widths=[90, 40, 160, 100, 80], before=BEFORE, after=AFTER)
    return path


def test_ruled_table_gives_one_block_per_cell(score_table):
    raw = extract_raw(score_table)
    cells = [b for b in raw.iter_blocks() if b.kind == "table_cell"]
    got = {(b.ref["row"], b.ref["cell"]): _flat(b.text) for b in cells}
    want = {(r, c): _flat(t) for r, row in enumerate(SCORE_ROWS) for c, t in enumerate(row) if t}
    assert got == want
    assert len({b.ref["table"] for b in cells}) == 1
    # multi-line cells keep their line breaks, in reading order
    assert next(b for b in cells if b.ref["row"] == 1 and b.ref["cell"] == 2).text.count("\n") == 2
    # cells sit between the paragraphs above and below the table; no cell text is left in a paragraph
    kinds = [b.kind for b in raw.iter_blocks()]
    assert kinds == ["paragraph"] * 3 + ["table_cell"] * len(want) + ["paragraph"]
    paras = "".join(b.text for b in raw.iter_blocks() if b.kind == "paragraph")
    assert "台账" not in paras and "走访" not in paras


def test_table_text_fidelity_and_char_index(score_table):
    import pypdfium2 as pdfium

    doc = docscan.extract(score_table)
    expected = "".join(BEFORE) + "".join(t for row in SCORE_ROWS for t in row) + "".join(AFTER)
    ratio = difflib.SequenceMatcher(None, _flat(expected), _flat(doc.text), autojunk=False).ratio()
    assert ratio >= 0.99, ratio
    assert doc.text.count("未建立台账扣2分") == 1  # nothing duplicated
    raw = extract_raw(score_table)
    pdf = pdfium.PdfDocument(str(score_table))
    try:
        tp = pdf[0].get_textpage()
        for b in raw.iter_blocks():
            idx = b.ref["char_index"]
            assert len(idx) == len(b.text)
            for k, ch in enumerate(b.text):
                if not ch.isspace():
                    assert tp.get_text_range(idx[k], 1) == ch
        cell = next(b for b in raw.iter_blocks() if b.text.startswith("走访照片"))
        assert len(span_rects(score_table, 1, cell.ref["char_index"])) == 2  # one rectangle per cell line
    finally:
        pdf.close()


def test_score_row_is_flagged(score_table):
    rep = docscan.scan(score_table)
    doc = docscan.extract(score_table)
    cell = next(
        b for b in doc.blocks if b.kind == "table_cell" and "未建立台账扣2分" in doc.text[b.start : b.end]
    )
    hits = [f for f in rep.findings if f.category == "ledger_demand" and cell.start <= f.start < cell.end]
    assert hits, [(f.category, f.text) for f in rep.findings]


def test_pdfplumber_only_opens_for_ruled_pages(tmp_path, monkeypatch, score_table):
    import pdfplumber

    calls: list[str] = []
    real_open = pdfplumber.open

    def spy(path, *args, **kwargs):
        calls.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pdfplumber, "open", spy)
    text_only = tmp_path / "long.pdf"
    stems = "甲乙丙丁戊己庚辛壬癸"
    pages = [
        [f"{stems[i % 10]}{stems[i // 10]}组：{PARAS[3 + i % 3]}"[:28], PARAS[1][: 10 + i % 17]]
        for i in range(100)
    ]
    lines_pdf(text_only, pages)
    doc = docscan.extract(text_only)
    assert doc.source.pages == 100 and "癸癸组" in doc.text
    assert calls == []
    extract_raw(score_table)
    assert calls == [str(score_table)]
