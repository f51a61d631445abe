"""TXT/MD extraction: encodings, binary and empty files, line endings, Markdown structure."""

from __future__ import annotations

import codecs

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.errors import DocscanError
from docscan.extract import extract_raw

SIMPLIFIED = "关于开展农村环境整治工作的通知\n各村（社区）：\n请于每周五前报送工作台账和影像资料。\n"
TRADITIONAL = "關於開展農村環境整治工作的通知\n各村（社區）：\n請於每週五前報送工作臺賬和影像資料。\n"
LONG_SIMPLIFIED = "".join(
    f"{i}. 各乡镇要落实属地责任，第{i}次会议后三日内上报整改清单，县里将组织督查考核并通报排名。\n" for i in range(1, 60)
)
LONG_TRADITIONAL = "".join(
    f"{i}. 各鄉鎮要落實屬地責任，第{i}次會議後三日內上報整改清單，縣裡將組織督查考核並通報排名。\n" for i in range(1, 60)
)


def _write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _text(raw) -> str:
    return "\n".join(b.text for b in raw.iter_blocks())


@pytest.mark.parametrize(
    ("label", "text", "data", "encoding"),
    [
        ("utf8", SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
        ("utf8-bom", SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        ("utf16le-bom", SIMPLIFIED, codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
        ("utf16be-bom", SIMPLIFIED, codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
        ("utf32le-bom", SIMPLIFIED, codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"), "utf-32-le"),
        ("gbk-short", "各村报送台账。", "各村报送台账。".encode("gbk"), "gb18030"),
        ("gbk", SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
        ("gbk-long", LONG_SIMPLIFIED, LONG_SIMPLIFIED.encode("gbk"), "gb18030"),
        ("gb18030-ext", SIMPLIFIED + "㐀€\n", (SIMPLIFIED + "㐀€\n").encode("gb18030"), "gb18030"),
        ("gbk-traditional", TRADITIONAL, TRADITIONAL.encode("gbk"), "gb18030"),
        ("big5-short", "請報送臺賬。", "請報送臺賬。".encode("big5"), "big5"),
        ("big5", TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
        ("big5-long", LONG_TRADITIONAL, LONG_TRADITIONAL.encode("big5"), "big5"),
    ],
)
def test_encodings(tmp_path, label, text, data, encoding):
    raw = extract_raw(_write(tmp_path, f"{label}.txt", data))
    assert raw.source.encoding == encoding
    assert _text(raw) == "\n".join(line for line in text.splitlines() if line.strip())


def test_binary_and_empty_are_errors(tmp_path):
    with pytest.raises(DocscanError) as e:
        extract_raw(_write(tmp_path, "bin.txt", bytes(range(256)) * 40))
    assert e.value.code == "binary_text"
    with pytest.raises(DocscanError) as e:
        extract_raw(_write(tmp_path, "png.txt", b"\x89PNG\r\n\x1a\n" + b"\x01\x02" * 100))
    assert e.value.code == "binary_text"
    for name, data in (("empty.txt", b""), ("blank.txt", b" \r\n\t\n\xe3\x80\x80\n")):
        with pytest.raises(DocscanError) as e:
            extract_raw(_write(tmp_path, name, data))
        assert e.value.code == "empty_file"


def test_cli_binary_txt_one_line_error(tmp_path):
    p = _write(tmp_path, "bin.txt", b"\x00\x01\x02\x03" * 300)
    res = CliRunner().invoke(cli, ["extract", str(p)])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("docscan: binary_text: ")


def test_mixed_line_endings_and_form_feed(tmp_path):
    raw = extract_raw(_write(tmp_path, "mixed.txt", "第一行\r\n第二行\r第三行\n第四行\f第五行\n".encode()))
    blocks = list(raw.iter_blocks())
    assert [b.text for b in blocks] == ["第一行", "第二行", "第三行", "第四行", "第五行"]
    assert [b.ref["line"] for b in blocks] == [1, 2, 3, 4, 4]
    assert raw.source.pages == 2 and blocks[-1].page == 2


def test_text_kinds(tmp_path):
    raw = extract_raw(_write(tmp_path, "k.txt", "一、总体要求\n（二）工作目标\n各村要报送台账。\n抄送：县委办公室。\n".encode()))
    kinds = [(b.kind, b.level) for b in raw.iter_blocks()]
    assert kinds == [("heading", 1), ("heading", 2), ("paragraph", None), ("banji", None)]


MD = """---
标题: 关于开展检查的通知
文号: X办发〔2025〕3号
---

# 关于开展检查的通知

各村要**每周**报送[工作台账](https://example.org/a)，见 __附件__。

## 一、工作要求

- 建立台账
- 按月报送

| 事项 | 频次 |
|---|---|
| 报表 | 每周 |
| 检查 | 每月 |

正文最后一段。
"""


def test_markdown_structure(tmp_path):
    raw = extract_raw(_write(tmp_path, "a.md", MD.encode()))
    blocks = list(raw.iter_blocks())
    fm = blocks[0]
    assert fm.kind == "boilerplate" and fm.style["front_matter"]["文号"] == "X办发〔2025〕3号"
    h = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert h == [("关于开展检查的通知", 1), ("一、工作要求", 2)]
    assert "各村要每周报送工作台账，见 附件。" in [b.text for b in blocks]
    assert [b.text for b in blocks if b.kind == "list_item"] == ["建立台账", "按月报送"]
    cells = [(b.text, b.ref["row"], b.ref["cell"]) for b in blocks if b.kind == "table_cell"]
    assert cells == [("事项", 0, 0), ("频次", 0, 1), ("报表", 1, 0), ("每周", 1, 1), ("检查", 2, 0), ("每月", 2, 1)]
    doc = docscan.extract(tmp_path / "a.md")
    assert "文号" not in doc.text and "|" not in doc.text and "**" not in doc.text


def test_from_string_api():
    doc = docscan.extract(text="一、总体要求\r\n各村每周报送台账。")
    assert "各村每周报送台账。" in doc.text
