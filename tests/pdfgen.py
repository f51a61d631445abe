"""Make small Chinese PDFs for tests with reportlab's built-in ``STSong-Light`` CID font (nothing embedded).

``gongwen_pdf`` lays text out roughly like GB/T 9704: A4, 16 pt body, 28 chars a line (justified with
char spacing), 2-char first-line indent, a red 发文机关标志, a running header and ``— N —`` page numbers.
It returns the body text it drew (title and paragraphs joined by newlines) so tests can compare.

    from pdfgen import gongwen_pdf   # tests/ is on sys.path under pytest
    expected = gongwen_pdf(tmp_path / "a.pdf", ["一、总体要求", "各村要……。"], title="关于……的通知")
"""

from __future__ import annotations

from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0
LEFT = 79.0
BODY = 16.0
CHARS = 28
WIDTH = CHARS * BODY
PITCH = 28.0
TOP = PAGE_H - 110.0
BOTTOM = 110.0
FONT = "STSong-Light"
_NO_LINE_START = set("，。、；：！？）》”’」』】〕")


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, first_width: float, width: float, size: float = BODY) -> list[str]:
    """Greedy wrap by glyph width; closing punctuation never starts a line."""
    lines: list[str] = []
    cur = ""
    limit = first_width
    for ch in text:
        if cur and _width(cur + ch, size) > limit + 0.01 and ch not in _NO_LINE_START:
            lines.append(cur)
            cur = ""
            limit = width
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def _draw_justified(c, x: float, y: float, line: str, width: float, size: float) -> None:
    extra = width - _width(line, size)
    space = extra / (len(line) - 1) if len(line) > 1 else 0.0
    c.drawString(x, y, line, charSpace=space)


def gongwen_pdf(
    path: str | Path,
    paragraphs: list[str],
    *,
    title: str | None = None,
    issuer: str | None = "某某县人民政府文件",
    header: str | None = "某某县人民政府办公室",
    page_numbers: bool = True,
    headings: tuple[str, ...] = ("一、", "二、", "三、", "四、", "五、", "（", "1.", "2.", "3."),
    encrypt: str | None = None,
) -> str:
    """Write a 公文-like PDF; return the body text drawn (title + paragraphs, newline-joined)."""
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt=encrypt)
    page = 1
    y = TOP

    def furniture() -> None:
        c.setFillColorRGB(0, 0, 0)
        if header:
            c.setFont(FONT, 10.5)
            c.drawString(LEFT, PAGE_H - 50, header)
        if page_numbers:
            c.setFont(FONT, 14)
            c.drawCentredString(PAGE_W / 2, 50, f"— {page} —")

    def new_page() -> None:
        nonlocal page, y
        furniture()
        c.showPage()
        page += 1
        y = TOP

    drawn: list[str] = []
    if issuer:
        c.setFillColorRGB(0.9, 0.05, 0.05)
        c.setFont(FONT, 28)
        c.drawCentredString(PAGE_W / 2, y, issuer)
        c.setFillColorRGB(0, 0, 0)
        y -= 2.5 * PITCH
    if title:
        c.setFont(FONT, 22)
        for line in wrap(title, 20 * 22, 20 * 22, 22):
            c.drawCentredString(PAGE_W / 2, y, line)
            y -= 1.4 * PITCH
        y -= 0.6 * PITCH
        drawn.append(title)
    c.setFont(FONT, BODY)
    for para in paragraphs:
        is_heading = para.startswith(headings) and len(para) <= 30
        indent = 2 * BODY
        lines = wrap(para, WIDTH - indent, WIDTH)
        for k, line in enumerate(lines):
            if y < BOTTOM:
                new_page()
                c.setFont(FONT, BODY)
            x = LEFT + (indent if k == 0 else 0)
            last = k == len(lines) - 1
            if last or is_heading:
                c.drawString(x, y, line)
            else:
                _draw_justified(c, x, y, line, WIDTH - (indent if k == 0 else 0), BODY)
            y -= PITCH
        drawn.append(para)
    furniture()
    c.showPage()
    c.save()
    return "\n".join(drawn)


def lines_pdf(path: str | Path, pages: list[list[str]], *, size: float = BODY) -> None:
    """One left-aligned line per string, one list per page: for small targeted cases."""
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for lines in pages:
        c.setFont(FONT, size)
        y = TOP
        for line in lines:
            c.drawString(LEFT, y, line)
            y -= PITCH
        c.showPage()
    c.save()


def shapes_pdf(path: str | Path, n_pages: int = 2) -> None:
    """Pages that hold only a filled rectangle: no text layer (like a scan)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for _ in range(n_pages):
        c.rect(100, 100, 300, 500, fill=1)
        c.showPage()
    c.save()


def table_pdf(
    path: str | Path,
    rows: list[list[str]],
    *,
    widths: list[float],
    before: list[str] = (),
    after: list[str] = (),
    size: float = 12.0,
) -> None:
    """A page with paragraphs ``before``, a ruled table (every cell boxed; text wrapped inside its cell, one
    drawString per cell line, top-aligned) and paragraphs ``after``. ``rows[0]`` is the header row."""
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    y = TOP

    def para(text: str) -> None:
        nonlocal y
        c.setFont(FONT, BODY)
        for k, line in enumerate(wrap(text, WIDTH - 2 * BODY, WIDTH)):
            c.drawString(LEFT + (2 * BODY if k == 0 else 0), y, line)
            y -= PITCH

    for p in before:
        para(p)
    pad, lead = 4.0, size * 1.4
    top = y + BODY - 4  # the table starts just under the last baseline's descent
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    c.setFont(FONT, size)
    c.setLineWidth(0.8)
    for row in rows:
        wrapped = [
            wrap(t, w - 2 * pad, w - 2 * pad, size) if t else [] for t, w in zip(row, widths, strict=True)
        ]
        height = max(1, *(len(w) for w in wrapped)) * lead + 2 * pad
        bottom = top - height
        for k, lines in enumerate(wrapped):
            c.rect(xs[k], bottom, widths[k], height, stroke=1, fill=0)
            for j, line in enumerate(lines):
                c.drawString(xs[k] + pad, top - pad - size - j * lead, line)
        top = bottom
    y = top - PITCH
    for p in after:
        para(p)
    c.showPage()
    c.save()
