"""``--format pdf``: a copy of the PDF with a highlight (and popup note) over each finding's characters."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_render_common import SAMPLE, fake_detector, make_finding, make_report

import docscan
from docscan.cli import cli
from docscan.config import Config

pytest.importorskip("docscan.extract.pdf", reason="PDF extractor not present")

# Lines as drawn (page -> lines). The 2nd paragraph wraps inside page 1, the 3rd runs over the page break.
PAGES = [
    [
        "县关于开展示范检查工作的通知",
        "各村（社区）要建立工作台账，每周五前将工作",
        "进展、影像资料报送镇党政办。",
        "县里每月开展一次督查检查，并进行排名通报，",
        "对排名末位的乡镇进行约谈，各乡镇实行一票否",
        "决，请于当天下班前报送整改材料和工作总结，",
    ],
    [
        "并附现场照片不少于十张。",
        "本通知自印发之日起施行。",
    ],
]
SIZE = 16.0


def make_pdf(path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for lines in PAGES:
        y = 760.0
        for i, line in enumerate(lines):
            c.setFont("STSong-Light", 22 if i == 0 and lines is PAGES[0] else SIZE)
            x = 120.0 if i == 0 and lines is PAGES[0] else 80.0
            c.drawString(x, y, line)
            y -= 30
        c.showPage()
    c.save()


def annotations(path) -> list[tuple[int, dict]]:
    from pypdf import PdfReader

    out = []
    for pno, page in enumerate(PdfReader(str(path)).pages, 1):
        for a in page.get("/Annots") or []:
            out.append((pno, a.get_object()))
    return out


def glyph_boxes(path, page: int, text: str) -> list[tuple[float, float, float, float]]:
    """Boxes of ``text`` found by pdfium's own search — independent of docscan's char indices."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page - 1].get_textpage()
        start, count = tp.search(text).get_next()
        boxes = []
        for i in range(start, start + count):
            left, bottom, right, top = tp.get_charbox(i)
            boxes.append((left, bottom, right, top))
        return boxes
    finally:
        pdf.close()


def overlaps(rect, box) -> bool:
    return rect[0] < box[2] and box[0] < rect[2] and rect[1] < box[3] and box[1] < rect[3]


def quads(annot) -> list[tuple[float, float, float, float]]:
    q = [float(v) for v in annot["/QuadPoints"]]
    out = []
    for k in range(0, len(q), 8):
        xs, ys = q[k:k + 8:2], q[k + 1:k + 8:2]
        out.append((min(xs), min(ys), max(xs), max(ys)))
    return out


@pytest.fixture
def pdf_report(tmp_path):
    src = tmp_path / "in.pdf"
    make_pdf(src)
    doc = docscan.extract(src)
    text = doc.text
    a = text.index("一票否")
    b = text.index("照片不少于十张") + len("照片不少于十张")  # over two lines and the page break
    fs = [
        make_finding(doc, "ledger_demand", "建立工作台账"),
        make_finding(doc, "accountability_pressure", "排名末位的乡镇进行约谈"),
        make_finding(doc, "ledger_demand", "每周五前将工作进展、影像资料报送镇党政办", "medium"),  # wraps
        make_finding(doc, "deadline_pressure", "当天下班前", "low"),
        make_finding(doc, "ledger_demand", "", start=a, end=b),
    ]
    return src, doc, make_report(doc, fs)


def test_highlights_cover_finding_glyphs(tmp_path, pdf_report):
    from docscan.render.pdf import write_pdf

    src, _doc, report = pdf_report
    out = tmp_path / "out.pdf"
    stats = write_pdf(report, out, Config())
    assert stats == {"annotated": 5, "unplaced": 0}
    annots = annotations(out)
    hls = [(p, a) for p, a in annots if a["/Subtype"] == "/Highlight"]
    popups = [a for _, a in annots if a["/Subtype"] == "/Popup"]
    assert len(hls) == 6  # the page-crossing finding has one highlight per page
    assert len(popups) == len(hls)
    assert all("/AP" in a and "/Popup" in a for _, a in hls)

    assert all(str(a["/T"]) == "docscan" for _, a in hls)

    for phrase in ("建立工作台账", "排名末位的乡镇进行约谈", "当天下班前"):
        boxes = glyph_boxes(src, 1, phrase)
        hits = [a for p, a in hls if p == 1 and all(any(overlaps(q, b) for q in quads(a)) for b in boxes)]
        assert hits, phrase
        # the tightest such highlight is this finding's: one row, not spilling beyond the phrase
        q = min((quads(a) for a in hits), key=lambda qs: sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in qs))
        assert len(q) == 1
        assert q[0][0] <= min(b[0] for b in boxes) + 1 and q[0][2] >= max(b[2] for b in boxes) - 1
        assert q[0][2] - q[0][0] < (max(b[2] for b in boxes) - min(b[0] for b in boxes)) + 4

    # the wrapped finding: one quad per line
    line1, line2 = glyph_boxes(src, 1, "每周五前将工作"), glyph_boxes(src, 1, "进展、影像资料报送镇党政办")
    two = [a for p, a in hls if p == 1 and len(quads(a)) == 2
           and any(overlaps(q, line1[0]) for q in quads(a)) and any(overlaps(q, line2[-1]) for q in quads(a))]
    assert two

    # the finding over the page break: highlights on page 1 (一票否/决…) and page 2 (并附…十张)
    p2 = [a for p, a in hls if p == 2]
    assert len(p2) == 1
    assert all(any(overlaps(q, b) for q in quads(p2[0])) for b in glyph_boxes(src, 2, "照片不少于十张"))
    assert not any(overlaps(q, b) for q in quads(p2[0]) for b in glyph_boxes(src, 2, "本通知"))


def test_notes_carry_the_finding(tmp_path, pdf_report):
    from docscan.render.pdf import write_pdf

    _src, _doc, report = pdf_report
    out = tmp_path / "out.pdf"
    write_pdf(report, out, Config())
    notes = [str(a["/Contents"]) for _, a in annotations(out) if a["/Subtype"] == "/Highlight"]
    assert any("【时限加码】" in n and "严重程度：低" in n and "合并同类报表" in n for n in notes)
    summary = [str(a["/Contents"]) for _, a in annotations(out) if a["/Subtype"] == "/Text"]
    assert len(summary) == 1 and "风险分 47.5" in summary[0]


def test_cli_pdf(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "in.pdf"
    make_pdf(src)
    out = tmp_path / "out.pdf"
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "pdf", "-o", str(out)])
    assert res.exit_code == 0, res.output
    hls = [a for _, a in annotations(out) if a["/Subtype"] == "/Highlight"]
    assert len(hls) >= 4  # 建立工作台账, 一票否决 (split over lines), 当天下班前, 排名…


def test_cli_pdf_needs_pdf_input(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "a.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "pdf", "--lang", "en"])
    assert res.exit_code == 2
    assert "--format pdf needs a PDF input" in res.output
    assert "Traceback" not in res.output
    assert not list(tmp_path.glob("*.pdf"))
