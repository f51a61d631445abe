"""HTML extraction: portal chrome removed, article text kept with kinds, 信息公开 key-values lifted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.errors import DocscanError
from docscan.extract import extract_raw

PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="关于开展环境卫生检查的通知">
<meta name="PubDate" content="2025-03-05 10:00">
<title>关于开展环境卫生检查的通知_通知公告_某县人民政府网</title>
<script>var nav = "不应出现的脚本文字";</script>
<style>.x {{ color: red }}</style>
</head>
<body>
<div class="header"><a href="/">首页</a> 某县人民政府门户网站</div>
<div id="nav"><ul><li><a>政务公开</a></li><li><a>政务服务</a></li><li><a>互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<table class="xxgk">
<tr><td>索引号：</td><td>000000-2025-00012</td><td>主题分类：</td><td>城乡建设</td></tr>
<tr><td>发文机关：</td><td>某县人民政府办公室</td><td>成文日期：</td><td>2025年03月02日</td></tr>
<tr><td>发文字号：</td><td>某政办发〔2025〕17号</td><td>发布日期：</td><td>2025年03月05日</td></tr>
</table>
<div class="article">
  <h1>关于开展环境卫生检查的通知</h1>
  <div class="pages-date">发布时间：2025-03-05 来源：县政府办公室</div>
  <div class="share">分享到：微信 微博</div>
  <div id="zoom" class="TRS_Editor">
    <p>各乡镇人民政府，县直各部门：</p>
    <p>为改善人居环境，经研究，决定开展环境卫生检查。现将有关事项通知如下。</p>
    <p><strong>一、工作要求</strong></p>
    <p>各村要建立工作台账，每周五前将<span>工作进展</span>报送县住建局。</p>
    <div>（一）县级每月组织一次督查。<br>（二）结果纳入年度考核。</div>
    <table><tr><th>事项</th><th>频次</th></tr><tr><td>报送台账</td><td>每周</td></tr></table>
    <ul><li>附件一：检查表</li></ul>
    <p style="display:none">隐藏的文字不应出现</p>
    <p>某县人民政府办公室</p>
    <p>2025年3月2日</p>
  </div>
  <div class="related"><h3>相关文件</h3><ul><li>关于另一件事的通知</li><li>关于又一件事的通知</li></ul></div>
</div>
<div class="footer">版权所有：某县人民政府 网站标识码：0000000000 地址：某县某路1号 联系电话：0000-0000000</div>
</body></html>
"""

ARTICLE = ["各乡镇人民政府，县直各部门：", "各村要建立工作台账，每周五前将工作进展报送县住建局。",
           "（一）县级每月组织一次督查。", "（二）结果纳入年度考核。", "2025年3月2日"]
CHROME = ["不应出现的脚本文字", "政务服务", "当前位置", "分享到", "相关文件", "关于另一件事的通知", "版权所有",
          "隐藏的文字", "索引号", "color"]


@pytest.mark.parametrize("charset", ["utf-8", "gb2312"])
def test_portal_page_article_only(tmp_path, charset):
    p = tmp_path / "page.html"
    p.write_bytes(PAGE.format(charset=charset).encode("utf-8" if charset == "utf-8" else "gb18030"))
    raw = extract_raw(p)
    assert raw.source.encoding == ("utf-8" if charset == "utf-8" else "gb18030")
    body = [b for b in raw.iter_blocks() if b.kind not in ("boilerplate", "header", "footer", "page_number")]
    text = "\n".join(b.text for b in body)
    for s in ARTICLE:
        assert s in text
    for s in CHROME:
        assert s not in text, s
    assert body[0].kind == "title" and body[0].text == "关于开展环境卫生检查的通知"
    kinds = {b.text: b for b in body}
    assert kinds["一、工作要求"].kind == "heading" and kinds["一、工作要求"].level == 1
    assert kinds["报送台账"].kind == "table_cell" and kinds["报送台账"].ref["row"] == 1
    assert kinds["附件一：检查表"].kind == "list_item"
    # order kept
    assert text.index("各乡镇") < text.index("一、工作要求") < text.index("（二）") < text.index("2025年3月2日")


def test_portal_kv_block(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    raw = extract_raw(p)
    kv: dict[str, str] = {}
    for b in raw.iter_blocks():
        if b.kind == "boilerplate":
            for k, v in b.style.get("portal_kv", {}).items():
                kv.setdefault(k, v)
    assert kv["索引号"] == "000000-2025-00012"
    assert kv["发文字号"] == "某政办发〔2025〕17号"
    assert kv["成文日期"] == "2025年03月02日"
    assert kv["发文机关"] == "某县人民政府办公室"
    assert "来源" in kv


def test_normalized_text_through_api(tmp_path):
    p = tmp_path / "page.htm"
    p.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    doc = docscan.extract(p)
    assert doc.text.startswith("关于开展环境卫生检查的通知")
    assert "首页" not in doc.text and "微博" not in doc.text


def test_bare_fragment_and_bad_html(tmp_path):
    p = tmp_path / "frag.html"
    p.write_text("<p>各村每周报送台账。</p><p>县里每月检查一次。</p>", encoding="utf-8")
    assert [b.text for b in extract_raw(p).iter_blocks()] == ["各村每周报送台账。", "县里每月检查一次。"]
    b = tmp_path / "bin.html"
    b.write_bytes(b"\x00\x01\x02" * 400)
    with pytest.raises(DocscanError) as e:
        extract_raw(b)
    assert e.value.code == "binary_text"
    res = CliRunner().invoke(cli, ["extract", str(b)])
    assert res.exit_code == 2 and res.output.strip().startswith("docscan: binary_text: ")


def test_lying_meta_charset_and_layout_table(tmp_path):
    page = (
        '<html><head><meta charset="utf-8"><title>通知</title></head><body><table><tr>'
        "<td><a>首页</a><br><a>机构</a></td>"
        "<td><p>关于报送材料的通知</p><p>各村要在每月五日前报送工作台账和影像资料，县里每季度组织一次考核。</p>"
        "<p>各乡镇要切实减轻基层负担，不得层层加码，严禁随意要求基层填报表格。</p></td>"
        "</tr></table></body></html>"
    )
    p = tmp_path / "gbk.html"
    p.write_bytes(page.encode("gbk"))  # declared utf-8, saved as GBK
    raw = extract_raw(p)
    assert raw.source.encoding == "gb18030"
    blocks = list(raw.iter_blocks())
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "paragraph"]
    assert blocks[1].text.startswith("各村要在每月五日前报送")
    assert all("首页" not in b.text for b in blocks)
