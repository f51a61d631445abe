"""PDF extraction with pypdfium2: faithful raw blocks with kinds, heading levels and pdfium char indices.

Speed matters (the bench holds us to ≥ 0.8× a bare ``get_text_range`` loop), so per page we read the text
once and ask pdfium for geometry only at line ends: first/last glyph box, font size and, on page 1's top
lines, fill colour (for the red 发文机关标志). Paragraphs are rebuilt from those line facts:

* a line ending in 。！？：；; or clearly shorter than a full line ends a paragraph;
* an indented line (≈ 2 CJK chars), a font-size/colour change, a large vertical gap or a heading
  marker after a short line starts one;
* lines of big type (a wrapped title) stay together even when centred.

Furniture: page numbers (``— 3 —``, ``第3页 共5页``, ``3/5``) among a page's outermost lines, and running
headers/footers (the same digit-blind text as outermost line on ≥ half the pages). 版记 lines (抄送：…, …印发)
become kind ``banji``.

``RawBlock.ref = {"page": n, "char_index": [pdfium char index for each char of text]}``; the ``\\n``
between lines maps to pdfium's generated line-break char. :func:`char_boxes` / :func:`span_rects` turn
indices back into boxes for annotated output. ``ref["continues"] = True`` marks a page's first block that
looks like the continuation of the previous page's last paragraph (a hint for normalize).

Ruled tables (考核细则 score tables, 任务分工表): a page whose pdfium path objects draw at least
``_RULING_SEGMENTS`` straight segments goes to pdfplumber ``find_tables()`` (opened once, only for those
pages; text-only PDFs never import it). Each cell becomes a ``table_cell`` block (lines inside a cell kept,
reading order) with ``ref`` ``{"page", "char_index", "table", "row", "cell"}``: pdfium chars are assigned to
cells by glyph centre, so highlights still work, and the lines they came from lose them. When the mapped text
disagrees with pdfplumber's own cell text (offset media boxes, odd encodings) the table stays as lines.
"""

from __future__ import annotations

import ctypes
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import RawBlock, RawDocument, RawPage, SourceInfo
from ..errors import DocscanError

_SPACE = " \t\u3000\xa0\u2002\u2003\ufeff"
_TERMINAL = tuple("。！？：；;!?:")
_LINE_RX = re.compile(r"[^\r\n]+")

# heading markers -> level (GB/T 9704: 一、 / （一） / 1. / （1）)
_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING_RX = (
    (1, re.compile(rf"^[{_CN_NUM}]+\s*、")),
    (1, re.compile(rf"^第[{_CN_NUM}\d]+[章编部分]")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]")),
    (2, re.compile(rf"^第[{_CN_NUM}\d]+节")),
    (3, re.compile(r"^\d{1,2}\s*[.．、](?![\d.．])")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
)
_ARTICLE_RX = re.compile(rf"^第[{_CN_NUM}\d]+条")

_DASH = r"\-—–－―~～_·•"
_PAGE_NO_RX = re.compile(
    rf"^(?:[{_DASH}\s]*\d{{1,4}}[{_DASH}\s]*"
    r"|(?:共\s*\d+\s*页\s*[,，]?\s*)?第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?i:page)\s*\d+(?:\s*(?:/|of)\s*\d+)?)$"
)
_CHAOSONG_RX = re.compile(r"^抄\s*送\s*[：:]")
_YINFA_RX = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*印\s*发$")


@dataclass(slots=True)
class Line:
    """One text row as read from the page; y grows upwards (PDF convention)."""

    text: str
    idx: list[int]  # pdfium char index of each char of text
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    red: bool = False


@dataclass(slots=True)
class Table:
    """A ruled table found by pdfplumber, its cells already turned into ``table_cell`` blocks (row order)."""

    top: float  # PDF units, y up
    bottom: float
    blocks: list[RawBlock]


class _Geom:
    """Reused ctypes out-params: pdfium geometry calls without per-call allocations."""

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        self.c = pdfium_c
        self.d = [ctypes.c_double() for _ in range(4)]
        self.dref = [ctypes.byref(x) for x in self.d]
        self.u = [ctypes.c_uint() for _ in range(4)]
        self.uref = [ctypes.byref(x) for x in self.u]

    def box(self, tp: Any, i: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of char ``i`` in PDF units (origin bottom-left)."""
        d = self.d
        self.c.FPDFText_GetCharBox(tp, i, *self.dref)  # left, right, bottom, top
        return d[0].value, d[2].value, d[1].value, d[3].value

    def size(self, tp: Any, i: int) -> float:
        return float(self.c.FPDFText_GetFontSize(tp, i))

    def is_red(self, tp: Any, i: int) -> bool:
        if not self.c.FPDFText_GetFillColor(tp, i, *self.uref):
            return False
        r, g, b = self.u[0].value, self.u[1].value, self.u[2].value
        return r >= 150 and g < 110 and b < 110


def _version() -> str:
    try:
        from pypdfium2.version import PYPDFIUM_INFO

        return f"pypdfium2 {PYPDFIUM_INFO}"
    except Exception:  # pragma: no cover - version info is cosmetic
        return "pypdfium2"


def _open(path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == 4 or "password" in str(e).lower():  # FPDF_ERR_PASSWORD
            raise DocscanError("pdf_encrypted", path.name) from e
        if code == 6:  # FPDF_ERR_SECURITY: unsupported security handler
            raise DocscanError("pdf_encrypted", f"{path.name} (unsupported security handler)") from e
        raise DocscanError("pdf_corrupt", f"{path.name}: {e}") from e


def _page_text(tp: Any) -> str:
    """The page text, one char per pdfium char index (so text position == char index)."""
    n = tp.count_chars()
    if n <= 0:
        return ""
    text = tp.get_text_range()
    if len(text) == n:
        return text
    # rare: FPDFText_GetText skipped or inserted chars; rebuild char by char (slow path)
    import pypdfium2.raw as pdfium_c

    chars: list[str] = []
    for i in range(n):
        u = pdfium_c.FPDFText_GetUnicode(tp, i)
        chars.append(chr(u) if 0 < u < 0x110000 and not 0xD800 <= u < 0xE000 else "\ufffd")
    return "".join(chars)


def _read_lines(tp: Any, geom: _Geom, page_height: float, want_color: bool) -> list[Line]:
    text = _page_text(tp)
    lines: list[Line] = []
    for m in _LINE_RX.finditer(text):
        s = m.start()
        seg = m.group()
        stripped = seg.strip(_SPACE)
        if not stripped:
            continue
        a = s + (len(seg) - len(seg.lstrip(_SPACE)))
        b = a + len(stripped)
        # soft hyphen inside a line is a dash the font mapped oddly (2014\xad2020); keep 1:1 length
        if "\xad" in stripped or "\x02" in stripped:
            stripped = stripped.replace("\xad", "-").replace("\x02", "-")
        x0, bot0, _, top0 = geom.box(tp, a)
        _, bot1, x1, top1 = geom.box(tp, b - 1)
        size = geom.size(tp, a)
        red = want_color and top0 > page_height * 0.55 and geom.is_red(tp, a)
        lines.append(Line(stripped, list(range(a, b)), x0, x1, max(top0, top1), min(bot0, bot1), size, red))
    return lines


def _mode(values: list[float], bucket: float) -> float | None:
    if not values:
        return None
    c = Counter(round(v / bucket) for v in values)
    best = max(c.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best * bucket


@dataclass(slots=True)
class _Layout:
    left: float
    right: float
    em: float
    pitch: float
    indents: bool  # paragraphs are marked by a first-line indent (so a full line ending 。 may continue)


def _layout(pages: list[list[Line]]) -> _Layout:
    lines = [ln for p in pages for ln in p]
    sizes = [round(ln.size * 2) / 2 for ln in lines if ln.size > 0]
    em = _mode(sizes, 0.5) or 12.0
    body = [ln for ln in lines if abs(ln.size - em) < 0.15 * em] or lines
    left = _mode([ln.x0 for ln in body], 2.0) or 0.0
    x1s = sorted(ln.x1 for ln in body)
    right_mode = Counter(round(x / 2.0) for x in x1s).most_common(1)
    if right_mode and right_mode[0][1] >= 3:
        right = right_mode[0][0] * 2.0
    else:
        right = x1s[int(0.9 * (len(x1s) - 1))] if x1s else left + 28 * em
    pitches = []
    for p in pages:
        for prev, cur in pairwise(p):
            d = prev.bottom - cur.bottom
            if 0.8 * em < d < 4 * em:
                pitches.append(d)
    pitches.sort()
    pitch = pitches[len(pitches) // 2] if pitches else 1.5 * em
    indented = sum(1 for ln in body if 1.5 * em < ln.x0 - left < 2.6 * em)
    indents = indented >= 3 and indented >= 0.04 * len(body)
    return _Layout(left=left, right=right, em=em, pitch=pitch, indents=indents)


def _norm_furniture(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(rf"[{_SPACE}]", "", text))


def _classify_furniture(pages: list[list[Line]]) -> list[dict[int, str]]:
    """For each page: {line position: furniture kind} for page numbers and running headers/footers."""
    out: list[dict[int, str]] = [{} for _ in pages]
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    edges: list[tuple[list[int], list[int]]] = []
    for pi, lines in enumerate(pages):
        if not lines:
            edges.append(([], []))
            continue
        order = sorted(range(len(lines)), key=lambda i: -lines[i].top)
        top_ids, bottom_ids = order[:2], order[-2:][::-1]
        for i in set(top_ids + bottom_ids):
            if _PAGE_NO_RX.match(lines[i].text.replace(" ", "")):
                out[pi][i] = "page_number"
        top = [i for i in order if i not in out[pi]][:1]
        bottom = [i for i in order if i not in out[pi]][-1:]
        edges.append((top, bottom))
        for i in top:
            tops[_norm_furniture(lines[i].text)] += 1
        for i in bottom:
            bottoms[_norm_furniture(lines[i].text)] += 1
    n = sum(1 for p in pages if p)
    need = max(2, (n + 1) // 2)
    for pi, (top, bottom) in enumerate(edges):
        for i in top:
            if tops[_norm_furniture(pages[pi][i].text)] >= need:
                out[pi][i] = "header"
        for i in bottom:
            if bottoms[_norm_furniture(pages[pi][i].text)] >= need and i not in out[pi]:
                out[pi][i] = "footer"
    return out


def _heading_level(text: str) -> int | None:
    for level, rx in _HEADING_RX:
        if rx.match(text):
            return level
    return None


def _group(lines: list[Line], lay: _Layout) -> list[list[Line]]:
    """Lines of one page (furniture removed) → paragraphs."""
    em = lay.em
    groups: list[list[Line]] = []
    prev: Line | None = None
    for ln in lines:
        start = prev is None
        if prev is not None:
            same_row = abs(prev.bottom - ln.bottom) < 0.3 * em
            big = prev.size > 1.2 * em and abs(prev.size - ln.size) < 0.1 * prev.size
            gap = prev.bottom - ln.bottom
            terminal = prev.text.endswith(_TERMINAL)
            if same_row:
                start = False
            elif gap < -0.3 * em or gap > max(1.7 * lay.pitch, 2.2 * em):
                start = True  # went up (new column / out-of-order object) or a blank gap
            elif prev.red != ln.red or abs(prev.size - ln.size) > 0.15 * max(prev.size, ln.size, 1.0):
                start = True
            elif big:
                start = terminal  # a wrapped title: centred lines of big type stay together
            elif prev.x1 < lay.right - 1.6 * em:
                start = True  # the previous line is clearly short: its paragraph ended
            elif ln.x0 > lay.left + 1.5 * em:
                start = True  # first-line indent
            elif _CHAOSONG_RX.match(ln.text) or _YINFA_RX.search(ln.text) or _ARTICLE_RX.match(ln.text):
                start = True
            elif terminal:
                # a full line that happens to end in 。 continues its paragraph when the document marks
                # paragraphs by indenting (公文 do) and this line is not indented; a heading still starts
                start = not lay.indents or _heading_level(ln.text) is not None
        if start:
            groups.append([ln])
        else:
            groups[-1].append(ln)
        prev = ln
    return groups


def _ref(page_no: int, idx: list[int], with_index: bool) -> dict[str, Any]:
    return {"page": page_no, "char_index": list(idx)} if with_index else {"page": page_no}


def _block(group: list[Line], page_no: int, lay: _Layout, with_index: bool) -> RawBlock:
    text = "\n".join(ln.text for ln in group)
    idx: list[int] = []
    if with_index:
        for k, ln in enumerate(group):
            if k:
                # the "\n" maps to the char just before this line (pdfium's generated line break)
                idx.append(ln.idx[0] - 1 if ln.idx[0] > 0 else ln.idx[0])
            idx.extend(ln.idx)
    first = group[0]
    flat = text.replace("\n", "")
    kind, level = "paragraph", None
    if _CHAOSONG_RX.match(flat) or _YINFA_RX.search(flat):
        kind = "banji"
    else:
        level = _heading_level(first.text)
        if level is not None:
            short = len(group) == 1 and first.x1 < lay.right - 1.6 * lay.em and len(flat) <= 40
            kind = "heading" if short else "list_item"
    style: dict[str, Any] = {"size": round(first.size, 1)}
    if first.red:
        style["color"] = "red"
    return RawBlock(
        kind=kind, text=text, page=page_no, level=level, ref=_ref(page_no, idx, with_index), style=style
    )


def layout_pages(
    pages: list[list[Line]],
    sizes: list[tuple[float, float]],
    *,
    with_index: bool = True,
    tables: dict[int, list[Table]] | None = None,
) -> list[RawPage]:
    """Lines of every page (y up: ``top > bottom``) → RawPages of paragraph blocks and furniture.

    Shared with the OFD extractor, which has no char indices (``with_index=False``: ref is ``{"page": n}``).
    ``tables`` (page index → tables whose chars were taken out of that page's lines) puts each table's
    cell blocks where the table sits: lines above it and lines below it are grouped apart.
    """
    lay = _layout(pages)
    furniture = _classify_furniture(pages)
    raw_pages: list[RawPage] = []
    last_body: RawBlock | None = None
    for pi, lines in enumerate(pages):
        page_no = pi + 1
        fur = furniture[pi]
        blocks: list[RawBlock] = []
        tail: list[RawBlock] = []
        body = [ln for k, ln in enumerate(lines) if k not in fur]
        # furniture in reading position: headers before the body, footers and page numbers after it
        for k in sorted(fur, key=lambda k: -lines[k].top):
            ln = lines[k]
            fb = RawBlock(
                kind=fur[k],
                text=ln.text,
                page=page_no,
                ref=_ref(page_no, ln.idx, with_index),
                style={"size": round(ln.size, 1)},
            )
            (blocks if ln.top > sizes[pi][1] / 2 else tail).append(fb)
        first_body = True
        page_tables = sorted((tables or {}).get(pi, []), key=lambda t: -t.top)
        segments: list[list[Line]] = [[] for _ in range(len(page_tables) + 1)]
        for ln in body:
            mid = (ln.top + ln.bottom) / 2
            segments[sum(1 for t in page_tables if (t.top + t.bottom) / 2 > mid)].append(ln)
        for si, seg in enumerate(segments):
            if si:
                blocks.extend(page_tables[si - 1].blocks)
                first_body = False
                last_body = page_tables[si - 1].blocks[-1]
            for g in _group(seg, lay):
                b = _block(g, page_no, lay, with_index)
                if (
                    first_body
                    and last_body is not None
                    and last_body.kind != "table_cell"
                    and b.kind == "paragraph"
                    and not b.style.get("color")
                    and g[0].x0 <= lay.left + 1.5 * lay.em
                    and not last_body.text.endswith(_TERMINAL)
                ):
                    b.ref["continues"] = True
                first_body = False
                blocks.append(b)
                last_body = b
        blocks.extend(tail)
        w, h = sizes[pi]
        raw_pages.append(RawPage(number=page_no, blocks=blocks, width=w, height=h))
    return raw_pages


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    pdf = _open(path)
    try:
        return _extract(pdf, path, info, config)
    except DocscanError:
        raise
    except Exception as e:  # pdfium refuses a damaged page, ctypes trouble...: never a traceback
        raise DocscanError("pdf_corrupt", f"{path.name}: {e}") from e
    finally:
        pdf.close()


def _extract(pdf: Any, path: Path, info: SourceInfo, config: Config) -> RawDocument:
    n_pages = len(pdf)
    warnings: list[str] = []
    if n_pages == 0:
        raise DocscanError("pdf_corrupt", f"{path.name}: no pages")
    n_read = n_pages
    if n_pages > config.max_pages:
        n_read = config.max_pages
        warnings.append(f"pdf has {n_pages} pages; only the first {n_read} were read (max_pages)")
    info.pages = n_pages
    info.extractor = _version()
    geom = _Geom()

    pages: list[list[Line]] = []
    sizes: list[tuple[float, float]] = []
    ruled: list[int] = []  # pages whose drawing has enough straight segments to hold a table
    import pypdfium2 as pdfium

    for i in range(n_read):
        try:
            page = pdf[i]
        except pdfium.PdfiumError as e:  # one damaged page: keep the others
            warnings.append(f"page {i + 1} could not be read: {e}")
            pages.append([])
            sizes.append((0.0, 0.0))
            continue
        try:
            w, h = page.get_size()
            tp = page.get_textpage()
            try:
                pages.append(_read_lines(tp, geom, h, want_color=(i == 0)))
            finally:
                tp.close()
            if pages[-1] and _has_rulings(page.raw):
                ruled.append(i)
        finally:
            page.close()
        sizes.append((w, h))

    if all(sum(len(ln.text) for ln in p) < 10 for p in pages):
        raise DocscanError("pdf_no_text", f"{path.name}: {_image_note(pdf, n_read)}")

    tables = _tables(pdf, path, ruled, pages, sizes, geom, warnings) if ruled else {}
    return RawDocument(source=info, pages=layout_pages(pages, sizes, tables=tables), warnings=warnings)


# -- ruled tables (pdfplumber, only on pages that draw rulings) -------------------------------------

# straight path segments a page must draw before pdfplumber is asked about it: a 2×2 grid of lines has 12
# (6 lines, move + line each) and four boxed cells 16, while a 公文's red separator or 版记 rules stay below
_RULING_SEGMENTS = 12
_TABLE_FIDELITY = 0.97  # pdfium cell text vs pdfplumber cell text (whitespace-blind) below this: keep lines


def _has_rulings(page_raw: Any) -> bool:
    """Cheap check on pdfium page objects (no pdfplumber): enough straight segments for a table?"""
    import pypdfium2.raw as c

    count = 0

    def walk(n: int, get: Any, parent: Any, depth: int) -> bool:
        nonlocal count
        for k in range(n):
            obj = get(parent, k)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_PATH:
                for j in range(c.FPDFPath_CountSegments(obj)):
                    seg = c.FPDFPath_GetPathSegment(obj, j)
                    if c.FPDFPathSegment_GetType(seg) != c.FPDF_SEGMENT_BEZIERTO:
                        count += 1
                if count >= _RULING_SEGMENTS:
                    return True
            elif (
                kind == c.FPDF_PAGEOBJ_FORM
                and depth < 2
                and walk(c.FPDFFormObj_CountObjects(obj), c.FPDFFormObj_GetObject, obj, depth + 1)
            ):
                return True
        return False

    return walk(c.FPDFPage_CountObjects(page_raw), c.FPDFPage_GetObject, page_raw, 0)


def _tables(
    pdf: Any,
    path: Path,
    ruled: list[int],
    pages: list[list[Line]],
    sizes: list[tuple[float, float]],
    geom: _Geom,
    warnings: list[str],
) -> dict[int, list[Table]]:
    """Tables on the ``ruled`` pages; their chars leave ``pages[i]`` (lines rebuilt from what remains)."""
    try:
        import pdfplumber

        plumber = pdfplumber.open(str(path), pages=[i + 1 for i in ruled])
    except Exception as e:  # pdfminer refuses what pdfium read: tables stay as lines
        warnings.append(f"table detection skipped: {type(e).__name__}: {e}")
        return {}
    out: dict[int, list[Table]] = {}
    n_tables = 0
    try:
        for i, ppage in zip(ruled, plumber.pages, strict=False):
            try:
                found = [
                    (t.bbox, [list(r.cells) for r in t.rows], t.extract())
                    for t in ppage.find_tables()
                    if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2
                ]
            except Exception as e:  # a malformed page: keep its lines
                warnings.append(f"page {i + 1}: table detection failed: {type(e).__name__}: {e}")
                found = []
            finally:
                ppage.close()
            if not found:
                continue
            page = pdf[i]
            tp = page.get_textpage()
            try:
                text = _page_text(tp)
                for bbox, rows, expected in found:
                    table = _map_table(tp, geom, text, i, pages, sizes[i][1], bbox, rows, expected, n_tables)
                    if table is None:
                        warnings.append(f"page {i + 1}: a table's cells could not be mapped; kept as lines")
                        continue
                    out.setdefault(i, []).append(table)
                    n_tables += 1
            finally:
                tp.close()
                page.close()
    finally:
        plumber.close()
    return out


_Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF units, y up)


def _map_table(
    tp: Any,
    geom: _Geom,
    text: str,
    pi: int,
    pages: list[list[Line]],
    height: float,
    bbox: tuple[float, float, float, float],
    rows: list[list[Any]],
    expected: list[list[str | None]],
    t_index: int,
) -> Table | None:
    """pdfplumber cells (top-left origin) → pdfium chars by glyph centre; None when the texts disagree."""
    x0, y0, x1, y1 = bbox[0], height - bbox[3], bbox[2], height - bbox[1]
    cells: list[tuple[int, int, _Box]] = [
        (r, c, (cb[0], height - cb[3], cb[2], height - cb[1]))
        for r, row in enumerate(rows)
        for c, cb in enumerate(row)
        if cb is not None
    ]

    def cell_of(b: _Box) -> int | None:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            return None
        for k, (_, _, cb) in enumerate(cells):
            if cb[0] <= cx <= cb[2] and cb[1] <= cy <= cb[3]:
                return k
        return None

    # per cell: (pdfium index, char, the line's baseline and size); lines keep chars outside every cell
    got: dict[int, list[tuple[int, str, float, float]]] = {}
    kept: list[Line] = []
    for ln in pages[pi]:
        if ln.bottom > y1 or ln.top < y0 or ln.x1 < x0 or ln.x0 > x1:
            kept.append(ln)
            continue
        boxes = [geom.box(tp, j) for j in ln.idx]
        owner: list[int | None] = [
            None if ch.isspace() else cell_of(b) for ch, b in zip(ln.text, boxes, strict=True)
        ]
        # a space belongs to a cell when the chars on both sides do (else it separated two cells)
        for k, ch in enumerate(ln.text):
            if ch.isspace():
                left = next((owner[j] for j in range(k - 1, -1, -1) if not ln.text[j].isspace()), None)
                right = next((owner[j] for j in range(k + 1, len(ln.text)) if not ln.text[j].isspace()), None)
                owner[k] = left if left is not None and left == right else None
        run: list[int] = []
        for k, o in enumerate(owner):
            if o is None:
                run.append(k)
                continue
            got.setdefault(o, []).append((ln.idx[k], ln.text[k], ln.bottom, ln.size))
            _keep_run(ln, run, boxes, kept)
            run = []
        _keep_run(ln, run, boxes, kept)
    if not got:
        return None

    blocks: list[RawBlock] = []
    mine: list[str] = []
    theirs: list[str] = []
    for k, (r, c, _) in enumerate(cells):
        want = expected[r][c] if r < len(expected) and c < len(expected[r]) else None
        theirs.append(re.sub(r"\s+", "", want or ""))
        chars = sorted(got.get(k, []))
        parts: list[str] = []
        idx: list[int] = []
        prev: float | None = None
        for j, ch, base, size in chars:
            if prev is not None and abs(base - prev) > 0.3 * max(size, 1.0):
                # the char sits on another text row: a new line inside the cell
                parts.append("\n")
                idx.append(j - 1 if j > 0 and text[j - 1] in "\r\n " else idx[-1])
            parts.append(ch)
            idx.append(j)
            prev = base
        cell_text = "".join(parts).strip(_SPACE + "\n")
        mine.append(re.sub(r"\s+", "", cell_text))
        if not cell_text:
            continue
        lead = len("".join(parts)) - len("".join(parts).lstrip(_SPACE + "\n"))
        idx = idx[lead : lead + len(cell_text)]
        blocks.append(
            RawBlock(
                kind="table_cell",
                text=cell_text,
                page=pi + 1,
                ref={"page": pi + 1, "char_index": idx, "table": t_index, "row": r, "cell": c},
                style={"size": round(geom.size(tp, idx[0]), 1)},
            )
        )
    a, b = "".join(mine), "".join(theirs)
    if not blocks or (
        a != b and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() < _TABLE_FIDELITY
    ):
        return None
    pages[pi] = kept
    return Table(top=y1, bottom=y0, blocks=blocks)


def _keep_run(ln: Line, run: list[int], boxes: list[_Box], kept: list[Line]) -> None:
    """Chars ``run`` of line ``ln`` lie outside the table's cells: keep them as a line of their own."""
    while run and ln.text[run[0]].isspace():
        run.pop(0)
    while run and ln.text[run[-1]].isspace():
        run.pop()
    if not run:
        return
    a, b = run[0], run[-1]
    kept.append(
        Line(
            ln.text[a : b + 1],
            ln.idx[a : b + 1],
            boxes[a][0],
            boxes[b][2],
            max(boxes[a][3], boxes[b][3]),
            min(boxes[a][1], boxes[b][1]),
            ln.size,
            ln.red,
        )
    )


def _image_note(pdf: Any, n_read: int) -> str:
    """How many pages carry images: tells a scan (OCR needed) from an empty PDF."""
    try:
        import pypdfium2.raw as pdfium_c

        with_images = 0
        for i in range(min(n_read, 50)):
            page = pdf[i]
            try:
                if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)):
                    with_images += 1
            finally:
                page.close()
        return f"{n_read} pages, {with_images} with images, no text layer"
    except Exception:
        return f"{n_read} pages, no text layer"


# -- for renderers ---------------------------------------------------------------------------------


def char_boxes(path: str | Path, page: int, indices: list[int]) -> list[tuple[float, float, float, float]]:
    """Boxes ``(x0, y0, x1, y1)`` in PDF units (origin bottom-left) of pdfium chars ``indices`` on 1-based
    ``page``; generated chars (line breaks, inserted spaces) give ``(0, 0, 0, 0)``-like boxes."""
    pdf = _open(Path(path))
    try:
        pg = pdf[page - 1]
        tp = pg.get_textpage()
        geom = _Geom()
        n = tp.count_chars()
        return [geom.box(tp, i) if 0 <= i < n else (0.0, 0.0, 0.0, 0.0) for i in indices]
    finally:
        pdf.close()


def span_rects(path: str | Path, page: int, indices: list[int]) -> list[tuple[float, float, float, float]]:
    """Like :func:`char_boxes` but merged into one rectangle per text row: what a highlight needs."""
    rects: list[list[float]] = []
    for x0, y0, x1, y1 in char_boxes(path, page, indices):
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            continue
        if rects:
            r = rects[-1]
            mid_prev, mid = (r[1] + r[3]) / 2, (y0 + y1) / 2
            if abs(mid - mid_prev) < 0.5 * max(r[3] - r[1], y1 - y0) and x0 >= r[0] - 1:
                r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)
                continue
        rects.append([x0, y0, x1, y1])
    return [(r[0], r[1], r[2], r[3]) for r in rects]
