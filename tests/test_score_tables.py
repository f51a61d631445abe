"""Score tables (考核评分表): a content or evidence cell is read by its column, in a real DOCX table and in text
where every cell became its own line."""

from __future__ import annotations

import docscan
from docscan.config import Config

CFG = Config(use_model=False)
HEADER = ["序号", "考核项目", "考核内容", "分值", "评分标准", "佐证材料"]
ROWS = [
    ["1", "走访服务", "网格员每周走访包联户不少于一次", "10", "未按要求走访的，每户扣0.5分", "走访记录本、走访照片"],
    ["2", "群众满意度", "群众满意度达到90%以上", "10", "低于90%的，扣2分", "第三方测评报告"],
]
INTRO = "关于印发《2026年度网格化工作考核评分表》的通知\n各街道、镇：\n现将《2026年度网格化工作考核评分表》印发给你们，请对照执行。\n"


def _by_cell(rep, cell: str) -> set[str]:
    return {f.category for f in rep.findings if f.text and f.text in cell}


def test_docx_score_table_cells_take_their_column(tmp_path):
    from docx import Document

    d = Document()
    for line in INTRO.splitlines():
        d.add_paragraph(line)
    t = d.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for r, row in enumerate([HEADER, *ROWS]):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
    path = tmp_path / "score.docx"
    d.save(path)
    rep = docscan.scan(path, config=CFG)
    assert _by_cell(rep, "网格员每周走访包联户不少于一次") >= {"repeated_inspection"}
    assert _by_cell(rep, "走访记录本、走访照片") >= {"ledger_demand", "repeated_inspection"}
    # evidence someone else produces is not the unit's paperwork
    assert not _by_cell(rep, "第三方测评报告")


def test_flattened_score_table_rows_realign_on_serials():
    cells = [c for row in ROWS for c in row]
    text = INTRO + "\n".join(HEADER + cells) + "\n"
    rep = docscan.scan(text=text, config=CFG)
    assert "ledger_demand" in _by_cell(rep, "走访记录本、走访照片")
    assert "repeated_inspection" in _by_cell(rep, "网格员每周走访包联户不少于一次")
    # a row whose cells do not line up (one cell wrapped over two lines) is not trusted
    broken = [*ROWS[0][:2], "网格员每周走访包联户", "不少于一次", *ROWS[0][3:]]
    rep = docscan.scan(text=INTRO + "\n".join(HEADER + broken) + "\n", config=CFG)
    assert not [f for f in rep.findings if f.rule in ("ledger.score_table_evidence", "inspection.score_table_cell")]


def test_a_table_without_score_columns_is_no_score_table():
    text = INTRO + "\n".join(["序号", "项目名称", "建设内容", "资金来源", "1", "村道硬化", "硬化村道3公里", "县级财政"])
    rep = docscan.scan(text=text, config=CFG)
    assert not [f for f in rep.findings if "score_table" in (f.rule or "")]
