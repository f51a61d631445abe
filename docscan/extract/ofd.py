"""OFD (GB/T 33190-2016): a zip of XML parts. OFD.xml → DocBody/DocRoot → Document.xml → Pages → Content.xml.

Every ``TextObject/TextCode`` gives a run of glyphs with a position: absolute = ``Boundary`` origin +
``CTM`` · (``X`` + Σ ``DeltaX``, ``Y``), in millimetres, y growing downwards. Runs are grouped into rows by
baseline, rows sorted top to bottom, then handed to the PDF extractor's layout code (paragraphs, headings,
furniture, 版记) so both fixed-layout formats behave alike. Templates (page backgrounds) are not read.

Hardened: lxml without network, DTDs or entity expansion; the zip's declared sizes are checked first
(``zip_bomb``) and every part is read with a cap.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import RawDocument, SourceInfo
from ..errors import DocscanError
from .pdf import Line, layout_pages

MAX_TOTAL_BYTES = 1 << 30  # declared uncompressed total
MAX_RATIO = 200  # uncompressed / compressed, when the total is large
MAX_PART_BYTES = 256 << 20  # one XML part
_A4 = (210.0, 297.0)
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Package:
    """The zip, with case-insensitive part lookup and size-capped reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError) as e:
            raise DocscanError("ofd_corrupt", f"{path.name}: {e}") from e
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_TOTAL_BYTES or (total > 64 << 20 and total / packed > MAX_RATIO):
            self.zip.close()
            raise DocscanError("zip_bomb", f"{path.name}: {total / 1e6:.0f} MB declared")
        self.names = {i.filename.lower(): i.filename for i in infos}
        self.parser = _parser()

    def close(self) -> None:
        self.zip.close()

    def resolve(self, loc: str, base_dir: str = "") -> str | None:
        loc = loc.strip().replace("\\", "/")
        full = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
        full = posixpath.normpath(full).lstrip("./") if full else full
        if full.lower() in self.names:
            return self.names[full.lower()]
        if loc.lstrip("/").lower() in self.names:  # some writers make BaseLoc relative to the package root
            return self.names[loc.lstrip("/").lower()]
        return None

    def xml(self, name: str) -> Any:
        from lxml import etree

        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise DocscanError("zip_bomb", f"{self.path.name}: {name} is {info.file_size / 1e6:.0f} MB")
        with self.zip.open(info) as f:
            data = f.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise DocscanError("zip_bomb", f"{self.path.name}: {name}")
        try:
            return etree.fromstring(data, self.parser)
        except etree.XMLSyntaxError as e:
            raise DocscanError("ofd_corrupt", f"{self.path.name}: {name}: {e}") from e


def _floats(s: str | None) -> list[float]:
    return [float(x) for x in _NUM.findall(s or "")]


def _deltas(s: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, with ``g N v`` meaning v repeated N times."""
    out: list[float] = []
    toks = (s or "").split()
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "g" and i + 2 < len(toks):
            with contextlib.suppress(ValueError):
                out.extend([float(toks[i + 2])] * int(float(toks[i + 1])))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(t))
        i += 1
    return out


def _child(el: Any, name: str) -> Any:
    for c in el:
        if isinstance(c.tag, str) and c.tag.rsplit("}", 1)[-1] == name:
            return c
    return None


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str) and c.tag.rsplit("}", 1)[-1] == name]


@dataclass(slots=True)
class _Run:
    text: str
    x0: float
    x1: float
    y: float  # baseline, mm, y down
    size: float
    red: bool


def _is_red(obj: Any) -> bool:
    fill = _child(obj, "FillColor")
    if fill is None:
        return False
    v = _floats(fill.get("Value"))
    return len(v) >= 3 and v[0] >= 150 and v[1] < 110 and v[2] < 110


def _runs(root: Any) -> list[_Run]:
    runs: list[_Run] = []
    for obj in root.iter("{*}TextObject", "TextObject"):
        box = _floats(obj.get("Boundary"))
        bx, by = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        scale = abs(a * d - b * c) ** 0.5 or 1.0
        size = (_floats(obj.get("Size")) or [3.5])[0] * scale
        red = _is_red(obj)
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = (_floats(code.get("X")) or [0.0])[0]
            if code.get("Y") is not None:
                y = (_floats(code.get("Y")) or [0.0])[0]
            if not text:
                continue
            dx = _deltas(code.get("DeltaX"))
            adv = size / scale if scale else size  # object-space advance when DeltaX runs out
            xs = [x]
            for k in range(1, len(text)):
                xs.append(xs[-1] + (dx[k - 1] if k - 1 < len(dx) else adv))
            end = xs[-1] + (dx[len(text) - 1] if len(text) - 1 < len(dx) else adv)
            px0, py = a * xs[0] + c * y + e + bx, b * xs[0] + d * y + f + by
            px1 = a * end + c * y + e + bx
            if text.strip():
                runs.append(_Run(text, min(px0, px1), max(px0, px1), py, size, red))
            x = end
    return runs


def _rows(runs: list[_Run], page_h: float) -> list[Line]:
    """Runs → rows (same baseline), top to bottom, left to right; converted to y-up for the layout code."""
    runs.sort(key=lambda r: (r.y, r.x0))
    rows: list[list[_Run]] = []
    for r in runs:
        if rows and abs(rows[-1][0].y - r.y) < 0.35 * max(r.size, rows[-1][0].size):
            rows[-1].append(r)
        else:
            rows.append([r])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        parts: list[str] = []
        prev: _Run | None = None
        for r in row:
            if prev is not None and r.x0 - prev.x1 > 0.9 * r.size:
                parts.append(" ")  # a visible gap (e.g. issuer … date 印发) stays a gap
            parts.append(r.text)
            prev = r
        text = "".join(parts).strip()
        if not text:
            continue
        size = max(r.size for r in row)
        base = sum(r.y for r in row) / len(row)
        lines.append(
            Line(
                text=text,
                idx=[],
                x0=row[0].x0,
                x1=max(r.x1 for r in row),
                top=page_h - (base - 0.88 * size),
                bottom=page_h - base,
                size=size,
                red=row[0].red,
            )
        )
    return lines


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    pkg = _Package(path)
    try:
        return _extract(pkg, path, info, config)
    except DocscanError:
        raise
    except Exception as e:  # malformed numbers, missing attributes...: never a traceback
        raise DocscanError("ofd_corrupt", f"{path.name}: {type(e).__name__}: {e}") from e
    finally:
        pkg.close()


def _page_box(el: Any, default: tuple[float, float]) -> tuple[float, float]:
    if el is None:
        return default
    area = _child(el, "PageArea") if _child(el, "PageArea") is not None else _child(el, "Area")
    box = (
        _floats(_child(area, "PhysicalBox").text)
        if area is not None and _child(area, "PhysicalBox") is not None
        else []
    )
    return (box[2], box[3]) if len(box) == 4 and box[2] > 0 and box[3] > 0 else default


def _extract(pkg: _Package, path: Path, info: SourceInfo, config: Config) -> RawDocument:
    top = pkg.resolve("OFD.xml")
    if top is None:
        raise DocscanError("ofd_corrupt", f"{path.name}: no OFD.xml")
    ofd = pkg.xml(top)
    page_locs: list[tuple[str, tuple[float, float]]] = []
    for body in ofd.iter("{*}DocBody", "DocBody"):
        root_el = _child(body, "DocRoot")
        if root_el is None or not (root_el.text or "").strip():
            continue
        doc_name = pkg.resolve(root_el.text)
        if doc_name is None:
            raise DocscanError("ofd_corrupt", f"{path.name}: missing {root_el.text.strip()}")
        doc = pkg.xml(doc_name)
        doc_dir = posixpath.dirname(doc_name)
        default = _page_box(_child(doc, "CommonData"), _A4)
        pages_el = _child(doc, "Pages")
        for page in pages_el.iter("{*}Page", "Page") if pages_el is not None else []:
            loc = page.get("BaseLoc")
            name = pkg.resolve(loc, doc_dir) if loc else None
            if name is None:
                raise DocscanError("ofd_corrupt", f"{path.name}: missing page {loc}")
            page_locs.append((name, default))
    if not page_locs:
        raise DocscanError("ofd_corrupt", f"{path.name}: no pages")

    warnings: list[str] = []
    if len(page_locs) > config.max_pages:
        warnings.append(
            f"ofd has {len(page_locs)} pages; only the first {config.max_pages} were read (max_pages)"
        )
    info.pages = len(page_locs)
    info.extractor = "ofd (lxml)"
    pages: list[list[Line]] = []
    sizes: list[tuple[float, float]] = []
    for i, (name, default) in enumerate(page_locs[: config.max_pages]):
        content = pkg.xml(name)
        w, h = _page_box(content, default)
        lines = _rows(_runs(content), h)
        for ln in lines:  # like PDF: colour matters only for page 1's 发文机关标志
            ln.red = ln.red and i == 0 and ln.top > 0.55 * h
        pages.append(lines)
        sizes.append((w, h))
    return RawDocument(source=info, pages=layout_pages(pages, sizes, with_index=False), warnings=warnings)
