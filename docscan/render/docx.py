"""Annotated Word output: one Word comment per finding, anchored on exactly the flagged words.

DOCX input: a copy of the file. Each finding's span is mapped back through ``Document.to_source()`` to
(paragraph index, raw offsets); the paragraph is found again by that index (``body.iter(w:p)`` order, the
DOCX extractor's convention) and its runs are split at the exact character boundaries — the split copies
the run properties (``w:rPr``) so formatting is unchanged — then ``document.add_comment(runs, ...)``.
The raw block text and the paragraph's run text can differ (a numbering label the extractor prefixed,
tabs, fields), so offsets are carried over by aligning the two strings, not by trusting either blindly.

Other inputs: a new DOCX with the normalized text (one paragraph per block) and the same comments.
A summary paragraph (score, counts, burden) is inserted at the top in both cases.
"""

from __future__ import annotations

import difflib
from copy import deepcopy
from pathlib import Path
from typing import Any

from ..config import Config
from ..report import Finding, Report
from .common import (
    block_ranges,
    comment_text,
    lang_of,
    report_document,
    report_text,
    sorted_findings,
    summary_line,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "docscan"
INITIALS = "DS"


def q(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# characters a run child contributes to the paragraph text (python-docx Run.text conventions)
_ONE_CHAR = {q("tab"): "\t", q("ptab"): "\t", q("br"): "\n", q("cr"): "\n", q("noBreakHyphen"): "-"}


def _child_text(el) -> str:
    if el.tag == q("t"):
        return el.text or ""
    return _ONE_CHAR.get(el.tag, "")


def _run_text(r) -> str:
    return "".join(_child_text(c) for c in r if c.tag != q("rPr"))


def _own_runs(p) -> list:
    """The runs of paragraph ``p`` itself (not those of paragraphs nested in its text boxes)."""
    out = []
    for r in p.iter(q("r")):
        a = r.getparent()
        while a is not None and a.tag != q("p"):
            a = a.getparent()
        if a is p:
            out.append(r)
    return out


def para_text(p) -> str:
    return "".join(_run_text(r) for r in _own_runs(p))


def _split_run(r, k: int) -> None:
    """Split run ``r`` so that its first ``k`` characters stay in ``r`` and the rest move to a new run after it.

    Children are moved, not copied, so anything referencing them (nested text-box paragraphs) stays valid;
    only ``w:rPr`` (formatting) and the straddling ``w:t`` are copied.
    """
    new = r.makeelement(r.tag, dict(r.attrib))
    rpr = r.find(q("rPr"))
    if rpr is not None:
        new.append(deepcopy(rpr))
    pos = 0
    for child in list(r):
        if child.tag == q("rPr"):
            continue
        n = len(_child_text(child))
        s, pos = pos, pos + n
        if s >= k:
            new.append(child)  # lxml append moves the element
        elif s + n > k:  # a w:t straddling the boundary
            tail = deepcopy(child)
            tail.text, child.text = child.text[k - s:], child.text[: k - s]
            for el in (child, tail):
                el.set(XML_SPACE, "preserve")
            new.append(tail)
    r.addnext(new)


def _ensure_boundary(p, k: int) -> None:
    pos = 0
    for r in _own_runs(p):
        n = len(_run_text(r))
        if pos < k < pos + n:
            _split_run(r, k - pos)
            return
        pos += n


def runs_for_span(p, a: int, b: int) -> list:
    """Split runs of ``p`` at ``a`` and ``b`` (paragraph-text offsets) and return the runs covering [a, b)."""
    _ensure_boundary(p, a)
    _ensure_boundary(p, b)
    out, pos = [], 0
    for r in _own_runs(p):
        n = len(_run_text(r))
        if n and a <= pos and pos + n <= b:
            out.append(r)
        pos += n
    return out


def _map_offsets(raw: str, ptext: str, rs: int, re_: int) -> tuple[int, int] | None:
    """Carry the raw-block span [rs, re_) over to paragraph-text offsets."""
    if raw == ptext:
        return rs, re_
    blocks = difflib.SequenceMatcher(None, raw, ptext, autojunk=False).get_matching_blocks()

    def conv(x: int, forward: bool) -> int | None:
        best = None
        for i, j, n in blocks:
            if not n:
                continue
            if i <= x < i + n:
                return j + (x - i)
            if forward and i > x and (best is None or i < best[0]):
                best = (i, j)
            if not forward and i + n <= x and (best is None or i + n > best[0]):
                best = (i + n, j + n - 1)
        return best[1] if best else None

    a, b = conv(rs, True), conv(re_ - 1, False)
    if a is None or b is None or b < a:
        return None
    return a, b + 1


class _Annotator:
    def __init__(self, d, lang: str) -> None:
        self.d = d
        self.lang = lang
        self.anchored = 0
        self.unanchored: list[Finding] = []

    def comment(self, f: Finding, spans: list[tuple[Any, int, int]]) -> bool:
        from docx.text.run import Run

        runs = []
        for p, a, b in spans:
            if b > a:
                runs += runs_for_span(p, a, b)
        if not runs:
            self.unanchored.append(f)
            return False
        self._add(f, [Run(runs[0], None), Run(runs[-1], None)])
        self.anchored += 1
        return True

    def _add(self, f: Finding, runs) -> None:
        lines = comment_text(f, self.lang)
        c = self.d.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
        if c.paragraphs and c.paragraphs[0].runs:
            c.paragraphs[0].runs[0].bold = True
        for line in lines[1:]:
            c.add_paragraph(line)

    def summary(self, report: Report) -> None:
        """Summary paragraph at the very top; findings that could not be anchored get comments on it."""
        from docx.oxml import OxmlElement
        from docx.shared import Pt, RGBColor
        from docx.text.paragraph import Paragraph
        from docx.text.run import Run

        body = self.d.element.body
        p_el = OxmlElement("w:p")
        body.insert(0, p_el)
        para = Paragraph(p_el, self.d._body)
        label = "【docscan 审查摘要】" if self.lang == "zh" else "[docscan review] "
        r1 = para.add_run(label)
        r1.bold = True
        r1.font.color.rgb = RGBColor(0xC0, 0x39, 0x2B)
        r2 = para.add_run(summary_line(report, self.lang))
        if self.unanchored:
            r2.add_text(("；另有 {n} 处问题未能定位到原文，见批注。" if self.lang == "zh"
                         else "; {n} findings could not be placed in the text, see comments.").format(n=len(self.unanchored)))
        for r in (r1, r2):
            r.font.size = Pt(10.5)
        r2.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        for f in self.unanchored:
            self._add(f, [Run(r2._r, para)])


def write_docx(report: Report, path: str | Path, config: Config) -> dict[str, int]:
    """Write the annotated DOCX; returns {"anchored": n, "unanchored": m}."""
    import docx

    lang = lang_of(config)
    src = (report.source or {}).get("path")
    doc_model = report_document(report)
    if (report.source or {}).get("format") == "docx" and src and Path(src).is_file() and doc_model is not None:
        d = docx.Document(src)
        ann = _Annotator(d, lang)
        _annotate_copy(d, doc_model, report, ann)
    else:
        d, ann = _new_document(report, lang)
    ann.summary(report)
    cp = d.core_properties
    cp.comments = summary_line(report, lang)[:250]
    d.save(str(path))
    return {"anchored": ann.anchored, "unanchored": len(ann.unanchored)}


def _annotate_copy(d, doc_model, report: Report, ann: _Annotator) -> None:
    paras = list(d.element.body.iter(q("p")))
    ptexts: dict[int, str] = {}

    def ptext(i: int) -> str:
        if i not in ptexts:
            ptexts[i] = para_text(paras[i])
        return ptexts[i]

    for f in sorted_findings(report):
        spans = []
        for piece in doc_model.to_source(f.start, f.end):
            ref = piece.get("ref") or {}
            if ref.get("part", "body") != "body" or not isinstance(ref.get("para"), int):
                continue
            raw = doc_model.raw_blocks[piece["raw_index"]].text
            rs, re_ = piece["raw_start"], piece["raw_end"]
            target = raw[rs:re_]
            idx = ref["para"]
            ab = _map_offsets(raw, ptext(idx), rs, re_) if 0 <= idx < len(paras) else None
            if ab is None or ptext(idx)[ab[0]:ab[1]] != target:
                # index drifted (e.g. a text box counted differently): nearest paragraph holding the words
                idx, ab = _search(paras, ptext, idx, target, ab)
            if ab is not None:
                spans.append((paras[idx], *ab))
        ann.comment(f, spans)


def _search(paras, ptext, idx: int, target: str, fallback):
    order = sorted(range(len(paras)), key=lambda i: abs(i - idx))
    for i in order[:400]:
        k = ptext(i).find(target) if target else -1
        if k >= 0:
            return i, (k, k + len(target))
    return idx, fallback if 0 <= idx < len(paras) else None


def _new_document(report: Report, lang: str):
    """A fresh DOCX with the normalized text, one paragraph per block, 公文-like typography."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), "仿宋")
    ann = _Annotator(d, lang)
    text = report_text(report) or ""
    ranges = block_ranges(report, text)
    placed = []
    for kind, s, e in ranges:
        para = d.add_paragraph()
        run = para.add_run(text[s:e])
        if kind in ("title", "redhead"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(20 if kind == "title" else 26)
            if kind == "redhead":
                run.font.color.rgb = RGBColor(0xD0, 0x10, 0x10)
        elif kind == "docnum":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            run.bold = True
        elif kind not in ("table_cell", "banji"):
            para.paragraph_format.first_line_indent = Pt(28)
        placed.append((para._p, s, e))
    for f in sorted_findings(report):
        spans = [(p, max(f.start, s) - s, min(f.end, e) - s) for p, s, e in placed if s < f.end and f.start < e]
        ann.comment(f, spans)
    return d, ann
