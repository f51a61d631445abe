"""normalize(): text hygiene with an offset map back to the raw blocks."""

from __future__ import annotations

import unicodedata

import pytest

import docscan
from docscan.config import Config
from docscan.document import RawBlock, RawDocument, RawPage, SourceInfo
from docscan.normalize import normalize


def _raw(pages: list[list[RawBlock]], fmt: str = "pdf") -> RawDocument:
    info = SourceInfo(path=f"x.{fmt}", format=fmt, pages=len(pages))
    return RawDocument(source=info, pages=[RawPage(number=i + 1, blocks=bs) for i, bs in enumerate(pages)])


def _p(text: str, page: int = 1, kind: str = "paragraph") -> RawBlock:
    return RawBlock(kind=kind, text=text, page=page)


def _t2s(ch: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(ch)


def assert_map_consistent(doc) -> None:
    """Every output char comes from its mapped raw char (same, or a 1:1 hygiene replacement)."""
    assert doc.source.chars == len(doc.text)
    assert len(doc.offset_map) == len(doc.text)
    prev_end = 0
    for b in doc.blocks:
        assert prev_end <= b.start < b.end <= len(doc.text)
        prev_end = b.end
        raw = doc.raw_blocks[b.raw_index].text
        last = -1
        for i in range(b.start, b.end):
            k = doc.offset_map[i]
            assert k > last, "raw offsets increase inside a block"
            last = k
            r, c = raw[k], doc.text[i]
            assert (r == c or (c in " \n" and (r.isspace() or r == "\n"))
                    or unicodedata.normalize("NFKC", r) == c or _t2s(r) == c), (i, r, c)
    outside = set(range(len(doc.text))) - {i for b in doc.blocks for i in range(b.start, b.end)}
    for i in outside:  # only inserted separators live between blocks
        assert doc.offset_map[i] == -1 and doc.text[i] == "\n"


def test_spaces_between_cjk_and_digits_removed_latin_kept():
    doc = docscan.extract(text="到 2020 年 底完成 ， 各村 使用 APP 打卡\n参见 World  Bank 报告 2 3。\n")
    assert doc.text.split("\n") == ["到2020年底完成，各村使用APP打卡", "参见World Bank报告2 3。"]
    assert_map_consistent(doc)


def test_fullwidth_letters_digits_to_ascii_cjk_punctuation_kept():
    doc = docscan.extract(text="各村下载ＡＰＰ，完成率１００％，见《办法》“一表通”〔2025〕：（一）；")
    assert doc.text == "各村下载APP，完成率100%，见《办法》“一表通”〔2025〕：（一）；"
    assert_map_consistent(doc)


def test_traditional_to_simplified_keeps_length_and_can_be_disabled():
    t = "基層治理存問題和對策，層層簽責任狀。"
    doc = docscan.extract(text=t)
    assert doc.text == "基层治理存问题和对策，层层签责任状。"
    assert_map_consistent(doc)
    kept = docscan.extract(text=t, config=Config(traditional_to_simplified=False))
    assert kept.text == t


def test_pinyin_annotations_stripped_but_latin_in_brackets_kept():
    doc = docscan.extract(text="現(xiàn)在的對策_(dá)是精簡應用程序(APP)和平台(GPS)。")
    assert doc.text == "现在的对策是精简应用程序(APP)和平台(GPS)。"
    assert_map_consistent(doc)


def test_mojibake_island_dropped_and_quality_lowered():
    doc = docscan.extract(text="属地管理的问题?睂俚毓芾韼韺俚貑栘?zé)依然存在，基层不堪重负。")
    assert doc.text == "属地管理的问题依然存在，基层不堪重负。"
    assert doc.quality < 1.0
    assert any("mojibake" in w for w in doc.warnings)
    assert_map_consistent(doc)


def test_rare_but_real_words_are_not_mojibake():
    text = "推进铌酸锂、钽酸锂薄膜产业化，发展金鲳、海鲈、生蚝养殖。怎么办???"
    doc = docscan.extract(text=text)
    assert doc.text == text
    assert doc.quality == 1.0 and not doc.warnings


def test_portal_boilerplate_and_page_numbers_become_furniture():
    lines = ["下载", "打印本页", "【字号：大 中 小】", "上传人：张三", "— 3 —", "第 3 页 共 5 页", "京ICP备12345678号",
             "Powered By XX CMS", "关闭窗口", "各村不得强制要求群众下载政务App。", "相关资源："]
    doc = docscan.extract(text="\n".join(lines) + "\n")
    assert doc.text == "各村不得强制要求群众下载政务App。"
    kinds = {f.text: f.kind for f in doc.furniture}
    assert kinds["— 3 —"] == "page_number"
    assert kinds["第 3 页 共 5 页"] == "page_number"
    assert kinds["下载"] == "boilerplate"
    assert kinds["京ICP备12345678号"] == "boilerplate"
    assert len(doc.furniture) == len(lines) - 1  # nothing lost: every removed line is kept as furniture


def test_zero_width_nbsp_and_ideographic_indent_removed():
    doc = docscan.extract(text="\u3000\u3000各村\u200b要建立\u00a0台账，\ufeff按月报送。\u3000\n")
    assert doc.text == "各村要建立台账，按月报送。"
    assert_map_consistent(doc)


def test_pdf_lines_joined_mid_sentence_but_kept_after_stops_and_before_headings():
    block = ("各村（社区）要建立人居环境整治台账，做到一户一档，每\n月底前将纸质版和电子版报镇农业服务中心备查。\n"
             "（一）强化信息报送\n请各乡镇于每周五前填报周报表。")
    doc = normalize(_raw([[_p(block)]]))
    assert doc.text == ("各村（社区）要建立人居环境整治台账，做到一户一档，每月底前将纸质版和电子版报镇农业服务中心备查。\n"
                        "（一）强化信息报送\n请各乡镇于每周五前填报周报表。")
    assert_map_consistent(doc)


def test_short_title_line_keeps_its_break():
    doc = normalize(_raw([[_p("关于开展检查的通知\n各乡镇人民政府、街道办事处，县直各部门，各有关单位：")]]))
    assert doc.text == "关于开展检查的通知\n各乡镇人民政府、街道办事处，县直各部门，各有关单位："


def test_paragraph_over_a_page_break_is_joined_and_page_number_dropped():
    pages = [[_p("各村要建立人居环境整治台账，每月底前将纸质版和电\n— 1 —"), _p("— 1 —", kind="page_number")],
             [_p("子版报镇农业服务中心备查。", page=2), _p("二、工作要求", page=2, kind="heading")]]
    doc = normalize(_raw(pages))
    assert doc.text == "各村要建立人居环境整治台账，每月底前将纸质版和电子版报镇农业服务中心备查。\n二、工作要求"
    assert [b.page for b in doc.blocks] == [1, 2, 2]
    assert doc.page_at(doc.text.index("子版")) == 2
    assert sum(f.kind == "page_number" for f in doc.furniture) == 2
    assert_map_consistent(doc)


def test_txt_blocks_are_not_joined_across_lines():
    doc = docscan.extract(text="各村要建立台账\n每月报送\n")
    assert doc.text == "各村要建立台账\n每月报送"


def test_running_header_repeated_on_pages_is_furniture():
    pages = [[_p("某某县人民政府办公室", page=n), _p(f"第{n}段内容，各村要按时完成工作。", page=n)] for n in range(1, 5)]
    doc = normalize(_raw(pages))
    assert "某某县人民政府办公室" not in doc.text
    assert doc.text.count("各村要按时完成工作") == 4
    assert sum(f.kind == "header" for f in doc.furniture) == 4


def test_to_source_maps_a_span_back_to_raw_offsets():
    pages = [[_p("　　各村要建立 台账，每月底前将纸质版和电\n— 1 —")], [_p("子版报镇农业服务中心备查。", page=2)]]
    doc = normalize(_raw(pages))
    s = doc.text.index("台账")
    e = doc.text.index("备查") + 2
    pieces = doc.to_source(s, e)
    assert [p["page"] for p in pieces] == [1, 2]
    first = doc.raw_blocks[pieces[0]["raw_index"]].text[pieces[0]["raw_start"]:pieces[0]["raw_end"]]
    second = doc.raw_blocks[pieces[1]["raw_index"]].text[pieces[1]["raw_start"]:pieces[1]["raw_end"]]
    assert first == "台账，每月底前将纸质版和电"
    assert second == "子版报镇农业服务中心备查"


def test_to_source_on_a_real_pdf_across_pages(tmp_path):
    pytest.importorskip("reportlab")
    from pdfgen import gongwen_pdf

    para = "各村（社区）要建立人居环境整治台账，做到一户一档，每月底前将纸质版和电子版报镇农业服务中心备查，"
    paras = ["一、总体要求"] + [para * 3 + f"第{i}项逾期未报的予以通报。" for i in range(8)]
    gongwen_pdf(tmp_path / "a.pdf", paras, title="关于开展整治工作的通知")
    doc = docscan.extract(tmp_path / "a.pdf")
    assert "— 1 —" not in doc.text and "某某县人民政府办公室" not in doc.text
    crossing = [(a, b) for a, b in zip(doc.blocks, doc.blocks[1:], strict=False) if a.page != b.page and a.end == b.start]
    assert crossing, "a paragraph running over a page break is joined without a separator"
    a, b = crossing[0]
    pieces = doc.to_source(a.end - 5, b.start + 5)
    assert [p["page"] for p in pieces] == [a.page, b.page]
    got = "".join(doc.raw_blocks[p["raw_index"]].text[p["raw_start"]:p["raw_end"]] for p in pieces)
    assert got.replace("\n", "").replace(" ", "") == doc.text[a.end - 5:b.start + 5]
    assert_map_consistent(doc)


def test_docx_runs_map_back(tmp_path):
    from docx import Document as Docx

    d = Docx()
    d.add_paragraph("关于开展检查的通知")
    d.add_paragraph("\u3000\u3000到 2020 年底，各村要建立台账。")
    d.save(tmp_path / "a.docx")
    doc = docscan.extract(tmp_path / "a.docx")
    s = doc.text.index("2020年底")
    (piece,) = doc.to_source(s, s + len("2020年底"))
    assert doc.raw_blocks[piece["raw_index"]].text[piece["raw_start"]:piece["raw_end"]] == "2020 年底"
    assert piece["ref"].get("para") == 1
    assert_map_consistent(doc)


def test_one_megabyte_line_without_punctuation_normalizes():
    line = "各村要建立台账并按时报送材料" * 25000  # ~1 MB of UTF-8, one line, no punctuation
    doc = normalize(_raw([[_p(line)]], fmt="txt"))
    assert doc.text == line
    spaced = " ".join("各村要建立台账") * 40000
    assert normalize(_raw([[_p(spaced)]], fmt="txt")).text == "各村要建立台账" * 40000


def test_max_chars_truncates_with_warning():
    doc = normalize(_raw([[_p("各村要建立台账。" * 100)]], fmt="txt"), Config(max_chars=50))
    assert len(doc.text) == 50
    assert any("truncated" in w for w in doc.warnings)


def test_qr_code_instruction_is_body_text_but_portal_qr_line_is_furniture():
    body = ["动员居民扫描二维码填写问卷", "各村要组织群众扫描二维码关注公众号，每周上报关注人数。"]
    portal = ["扫描二维码关注我们", "微信扫描二维码 在手机上阅读本文"]
    doc = docscan.extract(text="\n".join(body + portal) + "\n")
    assert doc.text.split("\n") == body
    assert sorted(f.text for f in doc.furniture) == sorted(portal)
