"""Build DOCX fixtures with python-docx, plus the raw XML python-docx has no API for (text boxes, numbering
definitions, fields). Other tests may import it::

    from docxgen import DocxBuilder
    b = DocxBuilder()
    b.para("各村要建立台账。")
    b.save(tmp_path / "a.docx")

``b.expected`` collects the body text in reading order (with numbering labels), for comparisons.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _txbx(lines: list[str]) -> str:
    paras = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_esc(t)}</w:t></w:r></w:p>' for t in lines)
    return f"<w:txbxContent>{paras}</w:txbxContent>"


class DocxBuilder:
    def __init__(self) -> None:
        self.doc = Document()
        self.expected: list[str] = []
        self._next_num = 90

    # -- body -------------------------------------------------------------------------------------
    def para(self, text: str | list[str], *, style: str | None = None, color: str | None = None,
             size: float | None = None, bold_runs: tuple[int, ...] = ()):
        """A paragraph; a list of strings makes one run per string (``bold_runs`` indexes bold ones)."""
        runs = [text] if isinstance(text, str) else text
        p = self.doc.add_paragraph(style=style)
        for i, t in enumerate(runs):
            r = p.add_run(t)
            if color:
                r.font.color.rgb = RGBColor.from_string(color)
            if size:
                r.font.size = Pt(size)
            if i in bold_runs:
                r.bold = True
        self.expected.append("".join(runs))
        return p

    def heading(self, text: str, level: int = 1):
        p = self.doc.add_heading(text, level)
        self.expected.append(text)
        return p

    def table(self, rows: list[list[str]], *, merge: list[tuple[int, int, int, int]] = (), nested: dict | None = None):
        """A table; ``merge`` = (r0, c0, r1, c1) spans (text of the top-left cell is kept);
        ``nested`` = {(r, c): [[...]]} puts a table inside a cell."""
        t = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        covered = set()
        for r0, c0, r1, c1 in merge:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered.add((r, c))
        for r0, c0, r1, c1 in merge:
            t.cell(r0, c0).merge(t.cell(r1, c1))
        seen: list = []  # merged cells: python-docx returns the same w:tc for every grid position
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                cell = t.cell(r, c)
                if any(cell._tc is tc for tc in seen):
                    continue
                seen.append(cell._tc)
                cell.paragraphs[0].text = text
                self.expected.append(text)
                if nested and (r, c) in nested:
                    inner = cell.add_table(rows=len(nested[(r, c)]), cols=len(nested[(r, c)][0]))
                    for ir, irow in enumerate(nested[(r, c)]):
                        for ic, itext in enumerate(irow):
                            inner.cell(ir, ic).paragraphs[0].text = itext
                            self.expected.append(itext)
        return t

    def textbox(self, host_text: str, box_lines: list[str], *, fallback: bool = True):
        """A paragraph anchoring a text box (DrawingML choice + VML fallback holding the same text)."""
        p = self.doc.add_paragraph()
        p.add_run(host_text)
        fb = f"<mc:Fallback><w:pict><v:rect><v:textbox>{_txbx(box_lines)}</v:textbox></v:rect></w:pict></mc:Fallback>"
        xml = (
            f"<w:r {_NS}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic>"
            '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:txbx>{_txbx(box_lines)}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
            f"</w:drawing></mc:Choice>{fb if fallback else ''}</mc:AlternateContent></w:r>"
        )
        p._p.append(parse_xml(xml))
        self.expected.append(host_text)
        self.expected.extend(box_lines)
        return p

    def numbered(self, items: list[tuple[int, str]], levels: list[tuple[str, str]]):
        """A numbered list: ``levels`` = [(numFmt, lvlText)] per ilvl, ``items`` = [(ilvl, text)].
        Expected text gets the labels Word would show (computed here independently, for the few formats used)."""
        num_id = self._add_numbering(levels)
        counters = [0] * len(levels)
        for ilvl, text in items:
            counters[ilvl] += 1
            for d in range(ilvl + 1, len(levels)):
                counters[d] = 0
            fmt, lvl_text = levels[ilvl]
            label = lvl_text.replace(f"%{ilvl + 1}", _fmt(counters[ilvl], fmt))
            p = self.doc.add_paragraph()
            p.add_run(text)
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:numPr {_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
            self.expected.append(label + text)
        return num_id

    def page_break(self) -> None:
        self.doc.add_page_break()

    def _add_numbering(self, levels: list[tuple[str, str]]) -> int:
        numbering = self.doc.part.numbering_part.element
        self._next_num += 1
        n = self._next_num
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
            f'<w:suff w:val="nothing"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        abstract = parse_xml(f'<w:abstractNum {_NS} w:abstractNumId="{n}">{lvls}</w:abstractNum>')
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(parse_xml(f'<w:num {_NS} w:numId="{n}"><w:abstractNumId w:val="{n}"/></w:num>'))
        return n

    # -- header / footer --------------------------------------------------------------------------
    def header(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].text = text

    def footer_page_number(self, cached: str = "1") -> None:
        """A footer ``— PAGE —`` built from a complex field (begin / instr / separate / result / end)."""
        p = self.doc.sections[0].footer.paragraphs[0]._p
        for xml in (
            '<w:r><w:t xml:space="preserve">— </w:t></w:r>',
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            f"<w:r><w:t>{cached}</w:t></w:r>",
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r>',
        ):
            p.append(parse_xml(xml.replace("<w:r>", f"<w:r {_NS}>", 1)))

    def save(self, path: str | Path) -> Path:
        self.doc.save(str(path))
        return Path(path)


def _fmt(n: int, fmt: str) -> str:
    zh = "零一二三四五六七八九十"
    if fmt == "chineseCounting":
        return zh[n] if n <= 10 else "十" + zh[n - 10]
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    return str(n)
