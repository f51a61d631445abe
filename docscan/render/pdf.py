"""Annotated PDF: a copy of the input with a highlight annotation and a popup note per finding.

Each finding span goes back through ``Document.to_source()`` to (page, pdfium char indices), the char
boxes come from :func:`docscan.extract.pdf.char_boxes` (PDF user space), and are merged into one quad per
text row, so a span over several lines gets several quads and a span over a page break one highlight per
page. Tight glyph boxes are padded to the row's glyph width so a flat glyph (一, ，) still gets a full-height
mark. Every highlight carries its own appearance stream (multiply blend), so viewers that do not synthesise
one (some browsers, WPS) still show it.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from ..config import Config
from ..report import Finding, Report
from .common import (
    category_name,
    colors,
    comment_text,
    lang_of,
    report_document,
    sorted_findings,
    summary_line,
)

Box = tuple[float, float, float, float]


def write_pdf(report: Report, path: str | Path, config: Config) -> dict[str, int]:
    """Write the annotated copy; returns {"annotated": n, "unplaced": m}."""
    from pypdf import PdfReader, PdfWriter

    from ..errors import DocscanError

    src = (report.source or {}).get("path")
    if (report.source or {}).get("format") != "pdf" or not src or not Path(src).is_file():
        raise DocscanError("needs_pdf", str(src))
    lang = lang_of(config)
    doc = report_document(report)
    findings = sorted_findings(report)
    wanted = _indices(doc, findings) if doc is not None else {}
    boxes = _boxes(src, wanted)

    reader = PdfReader(src)
    writer = PdfWriter(clone_from=reader)
    placed = 0
    unplaced = []
    for k, f in enumerate(findings, 1):
        per_page = {}
        for page, idx in wanted.get(id(f), {}).items():
            rows = _rows([boxes[page][i] for i in idx if i in boxes.get(page, {})])
            if rows:
                per_page[page] = rows
        if not per_page:
            per_page = _search_rows(src, f)
        if not per_page:
            unplaced.append(f)
            continue
        note = "\n".join(comment_text(f, lang))
        for page, rows in sorted(per_page.items()):
            if 1 <= page <= len(writer.pages):
                _highlight(writer, page - 1, rows, f, note, f"docscan-{k}-{page}", lang)
        placed += 1
    _summary_note(writer, report, lang, unplaced)
    with open(path, "wb") as fh:
        writer.write(fh)
    return {"annotated": placed, "unplaced": len(unplaced)}


def _char_indices(ref: dict[str, Any], raw_start: int, raw_end: int) -> list[int]:
    """pdfium char indices for raw chars [raw_start, raw_end); ``char_index`` is a list of ints or of
    ``(start, count)`` runs (both allowed by the extractor's convention)."""
    ci = ref.get("char_index")
    if not ci:
        return []
    if isinstance(ci[0], (list, tuple)):
        flat: list[int] = []
        for s, n in ci:
            flat.extend(range(s, s + n))
        ci = flat
    return [i for i in ci[raw_start:raw_end] if isinstance(i, int) and i >= 0]


def _indices(doc, findings: list[Finding]) -> dict[int, dict[int, list[int]]]:
    """finding id -> page -> pdfium char indices."""
    out: dict[int, dict[int, list[int]]] = {}
    for f in findings:
        pages: dict[int, list[int]] = {}
        for piece in doc.to_source(f.start, f.end):
            ref = piece.get("ref") or {}
            page = int(ref.get("page") or piece.get("page") or 1)
            idx = _char_indices(ref, piece["raw_start"], piece["raw_end"])
            if idx:
                pages.setdefault(page, []).extend(idx)
        out[id(f)] = pages
    return out


def _boxes(src: str, wanted: dict[int, dict[int, list[int]]]) -> dict[int, dict[int, Box]]:
    """One char_boxes() call per page for every index any finding needs."""
    from ..extract.pdf import char_boxes

    need: dict[int, set[int]] = {}
    for pages in wanted.values():
        for page, idx in pages.items():
            need.setdefault(page, set()).update(idx)
    out: dict[int, dict[int, Box]] = {}
    for page, idx in need.items():
        order = sorted(idx)
        out[page] = {i: b for i, b in zip(order, char_boxes(src, page, order), strict=True) if b[2] > b[0] and b[3] > b[1]}
    return out


def _rows(boxes: list[Box]) -> list[Box]:
    """Merge char boxes (reading order) into one rectangle per text row, padded to full glyph height."""
    rows: list[list[Box]] = []
    for b in boxes:
        if rows:
            last = rows[-1][-1]
            mid_prev, mid = (last[1] + last[3]) / 2, (b[1] + b[3]) / 2
            h = max(last[3] - last[1], b[3] - b[1], last[2] - last[0], b[2] - b[0])
            if abs(mid - mid_prev) < 0.6 * h and b[0] >= last[0] - 0.5 * h:
                rows[-1].append(b)
                continue
        rows.append([b])
    out = []
    for row in rows:
        x0, y0 = min(b[0] for b in row), min(b[1] for b in row)
        x1, y1 = max(b[2] for b in row), max(b[3] for b in row)
        glyph = statistics.median(b[2] - b[0] for b in row)  # CJK glyphs are about as tall as they are wide
        if y1 - y0 < glyph:
            mid, half = (y0 + y1) / 2, glyph / 2
            y0, y1 = mid - half, mid + half
        pad = 0.12 * glyph
        out.append((x0 - 0.5, y0 - pad, x1 + 0.5, y1 + pad))
    return out


def _search_rows(src: str, f: Finding) -> dict[int, list[Box]]:
    """Fallback without char indices: find the flagged words on the finding's page (or any page)."""
    import pypdfium2 as pdfium

    from ..extract.pdf import char_boxes

    if not f.text:
        return {}
    pdf = pdfium.PdfDocument(src)
    try:
        pages = [f.page] if f.page else range(1, len(pdf) + 1)
        for page in pages:
            if not 1 <= page <= len(pdf):
                continue
            tp = pdf[page - 1].get_textpage()
            hit = tp.search(f.text.replace("\n", "")).get_next()
            if hit:
                start, count = hit
                return {page: _rows(list(char_boxes(src, page, list(range(start, start + count)))))}
    finally:
        pdf.close()
    return {}


def _hex(c: str) -> tuple[float, float, float]:
    c = c.lstrip("#")
    return tuple(int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _highlight(writer, page_index: int, rows: list[Box], f: Finding, note: str, name: str, lang: str) -> None:
    from pypdf.annotations import Highlight, Popup
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    light = colors(f.category)[0]
    rect = (min(r[0] for r in rows), min(r[1] for r in rows), max(r[2] for r in rows), max(r[3] for r in rows))
    quads: list[float] = []
    for x0, y0, x1, y1 in rows:  # upper-left, upper-right, lower-left, lower-right (what viewers expect)
        quads += [x0, y1, x1, y1, x0, y0, x1, y0]
    hl = Highlight(rect=rect, quad_points=ArrayObject(FloatObject(round(v, 2)) for v in quads),
                   highlight_color=light.lstrip("#"), printing=True)
    hl[NameObject("/Contents")] = TextStringObject(note)
    hl[NameObject("/T")] = TextStringObject("docscan")
    hl[NameObject("/Subj")] = TextStringObject(category_name(f.category, lang))
    hl[NameObject("/NM")] = TextStringObject(name)

    # Appearance: the quads filled with the category colour, multiplied over the text.
    r, g, b = _hex(light)
    ops = [f"/GS0 gs {r:.3f} {g:.3f} {b:.3f} rg"]
    ops += [f"{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f" for x0, y0, x1, y1 in rows]
    ap = DecodedStreamObject()
    ap.set_data(" ".join(ops).encode("ascii"))
    gs = DictionaryObject({NameObject("/Type"): NameObject("/ExtGState"), NameObject("/BM"): NameObject("/Multiply"),
                           NameObject("/ca"): FloatObject(1), NameObject("/CA"): FloatObject(1)})
    ap.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/FormType"): NumberObject(1),
        NameObject("/BBox"): ArrayObject(FloatObject(round(v, 2)) for v in rect),
        NameObject("/Resources"): DictionaryObject(
            {NameObject("/ExtGState"): DictionaryObject({NameObject("/GS0"): gs})}),
    })
    hl[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(ap)})

    annot = writer.add_annotation(page_number=page_index, annotation=hl)
    page = writer.pages[page_index]
    mb = page.mediabox
    px0 = min(float(mb.right) - 220, rect[2] + 8)
    popup = Popup(rect=(max(float(mb.left), px0), max(float(mb.bottom), rect[3] - 140),
                        max(float(mb.left), px0) + 210, max(float(mb.bottom), rect[3] - 140) + 140),
                  parent=annot, open=False)
    pop = writer.add_annotation(page_number=page_index, annotation=popup)
    annot[NameObject("/Popup")] = pop.indirect_reference


def _summary_note(writer, report: Report, lang: str, unplaced: list[Finding]) -> None:
    """A sticky note on page 1 with the summary (and the notes of findings that could not be placed)."""
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject

    if not writer.pages:
        return
    page = writer.pages[0]
    mb = page.mediabox
    lines = [("docscan 审查摘要：" if lang == "zh" else "docscan review: ") + summary_line(report, lang)]
    for f in unplaced:
        lines += ["", *comment_text(f, lang), f"「{f.text}」"]
    x, y = float(mb.right) - 30, float(mb.top) - 30
    note = Text(rect=(x, y, x + 20, y + 20), text="\n".join(lines), open=False)
    note[NameObject("/T")] = TextStringObject("docscan")
    note[NameObject("/Name")] = NameObject("/Note")
    writer.add_annotation(page_number=0, annotation=note)
