"""DOCX: the body in reading order — paragraphs, tables (nested too), text boxes — plus headers and footers.

Read with ``zipfile`` + a hardened lxml parser rather than python-docx: we need what python-docx's
``Document.paragraphs`` skips (tables, text boxes, field results), we must check the zip directory for bombs
before anything is inflated, and a bare zipfile + lxml read is several times faster than python-docx.

Reference convention (what the DOCX-comment renderer relies on; see :class:`docscan.document.RawBlock`):

* ``para``: index of the block's ``w:p`` among ``body.iter(w:p)`` of ``word/document.xml`` — every paragraph
  of the body in document order, those inside tables and text boxes (both ``mc:Choice`` and ``mc:Fallback``
  copies) included. Use :func:`body_paragraphs` to get the same list.
* ``runs``: one ``[start, end]`` per element of :func:`own_runs` of that paragraph (``w:r`` whose nearest
  ``w:p`` ancestor is the paragraph, in document order): the characters of the block text the run produced.
  Runs that show nothing (deleted, hidden, field codes, fallback copies) get an empty range. A numbering
  label (``一、``) prefixed to the text belongs to no run.
* table cells add ``table`` (index among ``body.iter(w:tbl)``), ``row`` (``w:tr`` index in that table),
  ``cell`` (``w:tc`` index in that row) and ``col`` (grid column, counting ``gridSpan``).
* text-box paragraphs add ``"textbox": True``; headers/footers use ``part`` "header"/"footer", ``name``
  (the zip member) and ``para`` counted within that part.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..config import Config
from ..document import RawBlock, RawDocument, RawPage, SourceInfo
from ..errors import DocscanError
from . import blockkind

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Clark-notation tag names, computed once (the walker compares tags in its inner loop)
w = SimpleNamespace(**{n: _w(n) for n in (
    "abstractNum", "abstractNumId", "b", "basedOn", "body", "br", "char", "color", "cr", "customXml",
    "default", "drawing", "fldChar", "fldCharType", "fldSimple", "footerReference", "gridSpan",
    "headerReference", "ilvl", "instr", "instrText", "isLgl", "jc", "lastRenderedPageBreak", "lvl",
    "lvlOverride", "name", "noBreakHyphen", "num", "numId", "numPr", "object", "outlineLvl", "p", "pPr",
    "pStyle", "pageBreakBefore", "pict", "ptab", "r", "rPr", "sdt", "sdtContent", "sectPr", "specVanish",
    "startOverride", "style", "styleId", "sym", "sz", "t", "tab", "tbl", "tc", "tcPr", "tr",
    "txbxContent", "type", "val", "vanish",
)})
W_P, W_R, W_T, W_TBL, W_TR, W_TC = w.p, w.r, w.t, w.tbl, w.tr, w.tc
W_TXBX = w.txbxContent
W_VAL = w.val
MC_AC, MC_CHOICE, MC_FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"

# zip-bomb limits, checked on the zip directory before anything is inflated
MAX_UNCOMPRESSED = 200 * 1024 * 1024
BIG_MEMBER = 5 * 1024 * 1024
MAX_RATIO = 100
EARLY_PARAS = 15  # red 版头 text is looked for in the first paragraphs only

# inline containers whose runs are part of the paragraph text
_INLINE_WRAPPERS = {_w(t) for t in ("hyperlink", "ins", "smartTag", "customXml", "moveTo", "dir", "bdo", "fldSimple",
                                    "del", "moveFrom")}
_STYLE_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_STYLE_TITLE = re.compile(r"^(?:title|标题)$", re.I)
_FIELD_PAGE = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES)\b", re.I)


# -- public helpers for annotators ------------------------------------------------------------------
def body_paragraphs(body: Any) -> list[Any]:
    """All ``w:p`` of a ``w:body`` element in the order ``ref["para"]`` counts them."""
    return list(body.iter(W_P))


def own_runs(p: Any) -> list[Any]:
    """The ``w:r`` elements ``ref["runs"]`` describes: those whose nearest ``w:p`` ancestor is ``p``."""
    out = []
    for r in p.iter(W_R):
        anc = r.getparent()
        while anc is not None and anc.tag != W_P:
            anc = anc.getparent()
        if anc is p:
            out.append(r)
    return out


# -- zip and XML safety -----------------------------------------------------------------------------
def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise DocscanError("docx_corrupt", f"{path.name}: not a zip archive ({e})") from e
    infos = z.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        z.close()
        raise DocscanError("zip_bomb", f"{path.name}: {total / 1e6:.0f} MB uncompressed")
    for i in infos:
        if i.file_size > BIG_MEMBER and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            z.close()
            raise DocscanError("zip_bomb", f"{path.name}: {i.filename} inflates {i.file_size // max(i.compress_size, 1)}×")
    return z


def _read(z: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        return z.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as e:
        raise DocscanError("docx_corrupt", f"{path.name}: {name}: {e}") from e


def _parse(data: bytes, name: str, path: Path) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise DocscanError("docx_corrupt", f"{path.name}: {name}: {e}") from e
    if root.getroottree().docinfo.doctype:  # OOXML never has a DTD; one here is an entity attack
        raise DocscanError("docx_corrupt", f"{path.name}: {name}: DTD not allowed")
    return root


def _rels(z: zipfile.ZipFile, part: str, path: Path) -> dict[str, str]:
    """rId → zip member name for the relationships of ``part``."""
    d, base = posixpath.split(part)
    rels_name = posixpath.join(d, "_rels", base + ".rels")
    if rels_name not in z.NameToInfo:
        return {}
    out = {}
    for rel in _parse(_read(z, rels_name, path), rels_name, path):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(d, target))
        out[rel.get("Id", "")] = name
    return out


def _main_part(z: zipfile.ZipFile, path: Path) -> str:
    if "_rels/.rels" in z.NameToInfo:
        for rel in _parse(_read(z, "_rels/.rels", path), "_rels/.rels", path):
            if rel.get("Type", "").endswith("/officeDocument"):
                name = rel.get("Target", "").lstrip("/")
                if name in z.NameToInfo:
                    return name
    if "word/document.xml" in z.NameToInfo:
        return "word/document.xml"
    raise DocscanError("docx_corrupt", f"{path.name}: no word/document.xml")


# -- styles and numbering ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Style:
    name: str = ""
    based_on: str | None = None
    num: tuple[str | None, int | None] = (None, None)  # numId, ilvl
    outline: int | None = None
    color: str | None = None
    size: float | None = None
    bold: bool | None = None


def _rpr_props(rpr: Any) -> tuple[str | None, float | None, bool | None]:
    if rpr is None:
        return None, None, None
    color = size = bold = None
    c = rpr.find(w.color)
    if c is not None:
        color = c.get(W_VAL)
    s = rpr.find(w.sz)
    if s is not None:
        try:
            size = int(s.get(W_VAL, "0")) / 2
        except ValueError:
            size = None
    b = rpr.find(w.b)
    if b is not None:
        bold = b.get(W_VAL, "true") not in ("0", "false", "off")
    return color, size, bold


class _Styles:
    def __init__(self, root: Any | None) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.default_rpr: tuple[str | None, float | None, bool | None] = (None, None, None)
        self._cache: dict[str, _Style] = {}
        if root is None:
            return
        dd = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_rpr = _rpr_props(dd)
        for s in root.iter(w.style):
            sid = s.get(w.styleId, "")
            st = _Style()
            n = s.find(w.name)
            st.name = n.get(W_VAL, "") if n is not None else sid
            b = s.find(w.basedOn)
            st.based_on = b.get(W_VAL) if b is not None else None
            ppr = s.find(w.pPr)
            if ppr is not None:
                st.num = _num_pr(ppr)
                ol = ppr.find(w.outlineLvl)
                if ol is not None and ol.get(W_VAL, "").isdigit():
                    st.outline = int(ol.get(W_VAL))
            st.color, st.size, st.bold = _rpr_props(s.find(w.rPr))
            self.styles[sid] = st
            if s.get(w.type) == "paragraph" and s.get(w.default) in ("1", "true"):
                self.default_para = sid

    def resolve(self, sid: str | None) -> _Style:
        """A paragraph style with its basedOn chain folded in (cached)."""
        sid = sid or self.default_para or ""
        if sid in self._cache:
            return self._cache[sid]
        chain = []
        cur: str | None = sid
        while cur and cur in self.styles and len(chain) < 20 and cur not in chain:
            chain.append(cur)
            cur = self.styles[cur].based_on
        out = _Style(name=self.styles[sid].name if sid in self.styles else "")
        out.color, out.size, out.bold = self.default_rpr
        for c in reversed(chain):  # base first, derived overrides
            st = self.styles[c]
            if st.num != (None, None):
                out.num = st.num
            if st.outline is not None:
                out.outline = st.outline
            out.color = st.color or out.color
            out.size = st.size or out.size
            out.bold = st.bold if st.bold is not None else out.bold
        self._cache[sid] = out
        return out


def _num_pr(ppr: Any) -> tuple[str | None, int | None]:
    np_ = ppr.find(w.numPr)
    if np_ is None:
        return None, None
    nid = np_.find(w.numId)
    il = np_.find(w.ilvl)
    ilvl = il.get(W_VAL) if il is not None else None
    return (nid.get(W_VAL) if nid is not None else None), (int(ilvl) if ilvl and ilvl.isdigit() else None)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suff: str = "tab"
    is_lgl: bool = False


def _parse_level(lvl: Any) -> _Level:
    out = _Level()
    for tag, attr in (("start", "start"), ("numFmt", "fmt"), ("lvlText", "text"), ("suff", "suff")):
        e = lvl.find(_w(tag))
        if e is not None and e.get(W_VAL) is not None:
            v = e.get(W_VAL)
            setattr(out, attr, int(v) if attr == "start" and v.lstrip("-").isdigit() else v)
    out.is_lgl = lvl.find(w.isLgl) is not None
    if not isinstance(out.start, int):
        out.start = 1
    return out


_DIGITS = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _zh_number(n: int, digits: str = "零一二三四五六七八九", units: str = "十百千") -> str:
    """Chinese counting: 1→一, 10→十, 11→十一, 20→二十, 105→一百零五 (n < 10000)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return units[0] + (digits[n % 10] if n % 10 else "")
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d:
            if zero and out:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        else:
            zero = bool(out)
    return out


def _roman(n: int) -> str:
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    """One numbering value in an OOXML ``numFmt`` (the common ones; others fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _zh_number(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _zh_number(n, _LEGAL, "拾佰仟")
    if fmt == "ideographDigital" or fmt == "taiwaneseDigital":
        return "".join(_DIGITS[int(c)] for c in str(n))
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _DIZHI[(n - 1) % 12]
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Computes list labels (``一、`` ``（一）`` ``1.``) as Word would, counting in document order."""

    def __init__(self, root: Any | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        for a in root.iter(w.abstractNum):
            levels = {}
            for lvl in a.iter(w.lvl):
                il = lvl.get(w.ilvl, "0")
                if il.isdigit():
                    levels[int(il)] = _parse_level(lvl)
            self.abstract[a.get(w.abstractNumId, "")] = levels
        for n in root.iter(w.num):
            aid = n.find(w.abstractNumId)
            overrides: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for ov in n.iter(w.lvlOverride):
                il = ov.get(w.ilvl, "0")
                if not il.isdigit():
                    continue
                so = ov.find(w.startOverride)
                if so is not None and so.get(W_VAL, "").isdigit():
                    starts[int(il)] = int(so.get(W_VAL))
                lv = ov.find(w.lvl)
                if lv is not None:
                    overrides[int(il)] = _parse_level(lv)
            self.nums[n.get(w.numId, "")] = (aid.get(W_VAL, "") if aid is not None else "", overrides, starts)

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        aid, overrides, starts = self.nums[num_id]
        lvl = overrides.get(ilvl) or self.abstract.get(aid, {}).get(ilvl)
        if lvl is not None and ilvl in starts:
            lvl = _Level(starts[ilvl], lvl.fmt, lvl.text, lvl.suff, lvl.is_lgl)
        return lvl

    def next_label(self, num_id: str | None, ilvl: int | None) -> tuple[str, str, str] | None:
        """(label, numFmt, suffix) for the next paragraph of list ``num_id`` at ``ilvl``; None if unnumbered."""
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        ilvl = ilvl or 0
        lvl = self._level(num_id, ilvl)
        if lvl is None:
            return None
        aid, overrides, starts = self.nums[num_id]
        # Word continues a list across w:num instances of one abstractNum unless the instance restarts it
        key = f"num:{num_id}" if starts or overrides else f"abs:{aid}"
        ctr = self.counters.setdefault(key, [None] * 9)
        if ilvl >= 9:
            return None
        ctr[ilvl] = lvl.start if ctr[ilvl] is None else ctr[ilvl] + 1  # type: ignore[operator]
        for d in range(ilvl + 1, 9):
            ctr[d] = None
        if lvl.fmt == "bullet":
            return lvl.text, "bullet", lvl.suff

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lk = self._level(num_id, k) if k != ilvl else lvl
            value = ctr[k] if ctr[k] is not None else (lk.start if lk else 1)
            fmt = "decimal" if (lvl.is_lgl and k != ilvl) else (lk.fmt if lk else "decimal")
            return format_number(value, fmt)  # type: ignore[arg-type]

        return re.sub(r"%([1-9])", sub, lvl.text), lvl.fmt, lvl.suff


# -- the walker -------------------------------------------------------------------------------------
_CJK_PUNCT_END = tuple("、）)．.：:】〕」")


def _is_red(color: str | None) -> bool:
    if not color or len(color) != 6:
        return False
    try:
        r, g, b = int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


@dataclass(slots=True)
class _Para:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    runs: dict[Any, tuple[int, int]] = field(default_factory=dict)
    page: int | None = None
    textboxes: list[Any] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    red: int = 0
    ink: int = 0
    size: float | None = None
    bold: int = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)


class _Walker:
    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.page = 1
        self.page_has_text = False
        self.blocks: list[RawBlock] = []
        self.fields: list[list[Any]] = []  # complex-field stack: [instr, phase]
        self.pindex: dict[Any, int] = {}
        self.tindex: dict[Any, int] = {}
        self.part = "body"
        self.part_name = ""
        self.body_paras_seen = 0

    # page accounting: a break counts only if text came since the last one (hard + rendered breaks coincide)
    def page_break(self) -> None:
        if self.page_has_text:
            self.page += 1
            self.page_has_text = False

    def walk_part(self, root: Any, part: str, name: str) -> None:
        self.part, self.part_name = part, name
        self.pindex = {p: i for i, p in enumerate(root.iter(W_P))}
        self.tindex = {t: i for i, t in enumerate(root.iter(W_TBL))}
        self.fields = []
        self._blocks(root, {})

    def _blocks(self, container: Any, ctx: dict[str, Any]) -> None:
        for el in container:
            tag = el.tag
            if tag == W_P:
                self._paragraph(el, ctx)
            elif tag == W_TBL:
                self._table(el, ctx)
            elif tag in (w.sdt, w.customXml):
                content = el.find(w.sdtContent) if tag == w.sdt else el
                if content is not None:
                    self._blocks(content, ctx)
            elif tag == MC_AC:
                branch = _branch(el)
                if branch is not None:
                    self._blocks(branch, ctx)

    def _table(self, tbl: Any, ctx: dict[str, Any]) -> None:
        t = self.tindex.get(tbl, -1)
        for r, tr in enumerate(_children(tbl, W_TR)):
            col = 0
            for c, tc in enumerate(_children(tr, W_TC)):
                span = 1
                tcpr = tc.find(w.tcPr)
                if tcpr is not None:
                    gs = tcpr.find(w.gridSpan)
                    if gs is not None and gs.get(W_VAL, "").isdigit():
                        span = max(1, int(gs.get(W_VAL)))
                self._blocks(tc, {**ctx, "table": t, "row": r, "cell": c, "col": col})
                col += span

    def _paragraph(self, p: Any, ctx: dict[str, Any]) -> None:
        ppr = p.find(w.pPr)
        style_id = None
        num: tuple[str | None, int | None] = (None, None)
        align = None
        section_break = False
        if ppr is not None:
            ps = ppr.find(w.pStyle)
            style_id = ps.get(W_VAL) if ps is not None else None
            num = _num_pr(ppr)
            if ppr.find(w.pageBreakBefore) is not None:
                self.page_break()
            jc = ppr.find(w.jc)
            align = jc.get(W_VAL) if jc is not None else None
            sect = ppr.find(w.sectPr)
            if sect is not None:
                st = sect.find(w.type)
                section_break = st is None or st.get(W_VAL) in ("nextPage", "oddPage", "evenPage")
        style = self.styles.resolve(style_id)
        if num == (None, None) or num[0] is None:
            num = (num[0] or style.num[0], num[1] if num[1] is not None else style.num[1])
        acc = _Para()
        label = self.numbering.next_label(*num) if num[0] else None
        prefix = ""
        if label and label[1] != "bullet" and label[0]:
            sep = "" if label[2] == "nothing" or label[0].endswith(_CJK_PUNCT_END) else " "
            prefix = label[0] + sep
            acc.add(prefix)
        self._inline(p, acc, style)
        text = "".join(acc.parts)
        idx = self.pindex.get(p, -1)
        page = acc.page or self.page
        if text.strip():
            if self.part == "body":
                self.body_paras_seen += 1
            kind, level = self._kind(text, style, label, ctx)
            ref: dict[str, Any] = {"part": self.part, "para": idx}
            if self.part != "body":
                ref["name"] = self.part_name
            ref.update(ctx)
            ref["runs"] = _run_ranges(p, acc.runs)
            st: dict[str, Any] = {}
            if label:
                st["numbering"] = label[0] if label[1] != "bullet" else "bullet"
            if self.part == "body" and self.body_paras_seen <= EARLY_PARAS and acc.ink and acc.red * 2 >= acc.ink:
                st["color"] = "red"
            if acc.size:
                st["size"] = acc.size
            if acc.ink and acc.bold * 2 >= acc.ink:
                st["bold"] = True
            if align in ("center", "right", "both", "distribute"):
                st["align"] = align
            if acc.fields:
                st["fields"] = acc.fields
            self.blocks.append(RawBlock(kind=kind, text=text, page=page, level=level, ref=ref, style=st))
        for txbx in acc.textboxes:
            self._blocks(txbx, {**ctx, "textbox": True})
        if section_break:
            self.page_break()

    def _kind(self, text: str, style: _Style, label: tuple[str, str, str] | None, ctx: dict[str, Any]) -> tuple[str, int | None]:
        if self.part in ("header", "footer"):
            return self.part, None
        if "table" in ctx:
            return "table_cell", None
        m = _STYLE_HEADING.match(style.name)
        if m:
            return "heading", min(int(m.group(1)), 4)
        if _STYLE_TITLE.match(style.name):
            return "title", None
        if style.outline is not None and style.outline < 9:
            return "heading", min(style.outline + 1, 4)
        kind, level = blockkind.classify(text)
        if kind == "paragraph" and label:
            kind = "list_item"
        return kind, level

    def _inline(self, el: Any, acc: _Para, style: _Style) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                self._run(child, acc, style)
            elif tag in _INLINE_WRAPPERS:
                if tag == w.fldSimple:
                    instr = child.get(w.instr, "")
                    acc.fields.append(instr.strip().split(" ")[0].upper() if instr.strip() else "")
                self._inline(child, acc, style)
            elif tag == w.sdt:
                content = child.find(w.sdtContent)
                if content is not None:
                    self._inline(content, acc, style)
            elif tag == MC_AC:
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, acc, style)

    def _run(self, r: Any, acc: _Para, style: _Style) -> None:
        start = acc.length
        rpr = r.find(w.rPr)
        hidden = rpr is not None and (rpr.find(w.vanish) is not None or rpr.find(w.specVanish) is not None)
        color, size, bold = _rpr_props(rpr)
        color = color or style.color
        size = size or style.size
        bold = bold if bold is not None else style.bold
        for c in r:
            tag = c.tag
            if tag == W_T:
                if hidden or self._in_field_code() or not c.text:
                    continue
                t = c.text
                acc.add(t)
                ink = len(t) - t.count(" ") - t.count("\u3000")
                if ink:
                    if acc.page is None:
                        acc.page = self.page
                    self.page_has_text = True
                    acc.ink += ink
                    if _is_red(color):
                        acc.red += ink
                    if bold:
                        acc.bold += ink
                    if size and (acc.size is None or size > acc.size):
                        acc.size = size
            elif tag in (w.tab, w.ptab):
                if not hidden and not self._in_field_code():
                    acc.add("\t")
            elif tag == w.br:
                if c.get(w.type) == "page":
                    self.page_break()
                if not hidden:
                    acc.add("\n")
            elif tag == w.cr:
                if not hidden:
                    acc.add("\n")
            elif tag == w.lastRenderedPageBreak:
                self.page_break()
            elif tag == w.noBreakHyphen:
                if not hidden:
                    acc.add("-")
            elif tag == w.sym:
                ch = c.get(w.char, "")
                try:
                    code = int(ch, 16)
                except ValueError:
                    continue
                if not hidden and not 0xF000 <= code <= 0xF0FF:  # symbol-font glyphs have no Unicode meaning
                    acc.add(chr(code))
            elif tag == w.fldChar:
                kind = c.get(w.fldCharType)
                if kind == "begin":
                    self.fields.append(["", "instr"])
                elif kind == "separate" and self.fields:
                    self.fields[-1][1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif tag == w.instrText:
                if self.fields and c.text:
                    self.fields[-1][0] += c.text
                    m = _FIELD_PAGE.match(self.fields[-1][0])
                    if m and m.group(1).upper() not in acc.fields:
                        acc.fields.append(m.group(1).upper())
            elif tag in (w.drawing, w.pict, MC_AC, w.object):
                acc.textboxes.extend(_find_txbx(c))
        acc.runs[r] = (start, acc.length)

    def _in_field_code(self) -> bool:
        return any(f[1] == "instr" for f in self.fields)


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    for c in el:
        if c.tag == tag:
            yield c
        elif c.tag == w.sdt:
            content = c.find(w.sdtContent)
            if content is not None:
                yield from _children(content, tag)
        elif c.tag == w.customXml:
            yield from _children(c, tag)


def _branch(ac: Any) -> Any | None:
    """The one branch of an ``mc:AlternateContent`` to read: the first Choice (else the Fallback)."""
    choice = ac.find(MC_CHOICE)
    return choice if choice is not None else ac.find(MC_FALLBACK)


def _find_txbx(el: Any) -> list[Any]:
    """Text-box contents at or under ``el`` (a drawing/pict/AlternateContent), not descending into them and
    reading one AlternateContent branch only (the Choice, unless only the VML Fallback holds a text box)."""
    if el.tag == W_TXBX:
        return [el]
    if el.tag == MC_AC:
        choice = el.find(MC_CHOICE)
        found = _find_txbx(choice) if choice is not None else []
        if not found:
            fb = el.find(MC_FALLBACK)
            found = _find_txbx(fb) if fb is not None else []
        return found
    out: list[Any] = []
    for c in el:
        out.extend(_find_txbx(c))
    return out


def _run_ranges(p: Any, seen: dict[Any, tuple[int, int]]) -> list[list[int]]:
    out = []
    last = 0
    for r in own_runs(p):
        if r in seen:
            s, e = seen[r]
            last = e
        else:
            s = e = last
        out.append([s, e])
    return out


# -- entry point -------------------------------------------------------------------------------------
def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    import lxml

    with path.open("rb") as f:
        if f.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            return _ole2(path, info, config)
    with _open_zip(path) as z:
        main = _main_part(z, path)
        root = _parse(_read(z, main, path), main, path)
        body = root.find(w.body)
        if body is None:
            raise DocscanError("docx_corrupt", f"{path.name}: {main} has no w:body")
        rels = _rels(z, main, path)
        related = {}
        for rel_name in ("styles", "numbering"):
            member = posixpath.join(posixpath.dirname(main), f"{rel_name}.xml")
            related[rel_name] = _parse(_read(z, member, path), member, path) if member in z.NameToInfo else None
        walker = _Walker(_Styles(related["styles"]), _Numbering(related["numbering"]))
        walker.walk_part(body, "body", main)
        body_blocks = walker.blocks
        n_pages = walker.page if walker.page_has_text else max(1, walker.page - 1)
        furniture = {"header": [], "footer": []}
        seen_parts: set[str] = set()
        for sect in body.iter(w.sectPr):
            for ref_el in sect:
                part = {w.headerReference: "header", w.footerReference: "footer"}.get(ref_el.tag)
                if part is None:
                    continue
                member = rels.get(ref_el.get(f"{{{R_NS}}}id", ""))
                if not member or member in seen_parts or member not in z.NameToInfo:
                    continue
                seen_parts.add(member)
                walker.blocks = []
                walker.walk_part(_parse(_read(z, member, path), member, path), part, member)
                for b in walker.blocks:
                    b.page = 1
                    if "PAGE" in b.style.get("fields", ()) or blockkind.is_page_number(b.text):
                        b.kind = "page_number"
                furniture[part].extend(walker.blocks)
    pages = [RawPage(number=i) for i in range(1, max(1, n_pages) + 1)]
    pages[0].blocks.extend(furniture["header"])
    for b in body_blocks:
        b.page = min(b.page, len(pages))
        pages[b.page - 1].blocks.append(b)
    pages[0].blocks.extend(furniture["footer"])
    info.pages = len(pages)
    info.extractor = f"docscan-docx (lxml {lxml.__version__})"
    return RawDocument(source=info, pages=pages)


def _ole2(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    """An OLE2 file named .docx: a password-protected DOCX (refused) or a legacy .doc renamed (converted)."""
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in head or "EncryptedPackage".encode("utf-16-le") in head:
        raise DocscanError("docx_corrupt", f"{path.name}: 文件已加密（设有打开密码），请去除密码后另存 / "
                                           "encrypted (password-protected) DOCX; remove the password and save again")
    try:
        from . import legacy
    except ImportError as e:
        raise DocscanError("docx_corrupt", f"{path.name}: an OLE2 file (a .doc renamed to .docx?)") from e
    info.format = "doc"
    return legacy.extract(path, info, config)
