"""The document model shared by every stage.

Extractors produce a :class:`RawDocument` (what the file says, block by block, with references back into
the file). :func:`docscan.normalize.normalize` turns it into a :class:`Document`: one normalized string that
every finding offset indexes, the blocks laid over it, and a map from each normalized character back to a
character of its raw block (and so to a PDF character box or a DOCX paragraph/run).

Plain dataclasses: cheap to build, easy to pickle across processes, easy to dump to JSON.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from typing import Any

# Block kinds. "Furniture" kinds are kept on the Document but not in the normalized text.
BODY_KINDS = ("title", "heading", "paragraph", "list_item", "table_cell", "banji")
FURNITURE_KINDS = ("header", "footer", "page_number", "boilerplate")


@dataclass(slots=True)
class SourceInfo:
    path: str
    format: str  # pdf | docx | txt | md | html | ofd | doc | wps | stdin
    sha256: str = ""
    size: int = 0
    pages: int = 0
    chars: int = 0  # chars of normalized text, filled by normalize()
    extractor: str = ""  # e.g. "pypdfium2 4.30.0"
    encoding: str | None = None  # text formats: detected encoding

    def to_dict(self) -> dict[str, Any]:
        d = {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "pages": self.pages,
            "chars": self.chars,
            "size": self.size,
            "extractor": self.extractor,
        }
        if self.encoding:
            d["encoding"] = self.encoding
        return d


@dataclass(slots=True)
class RawBlock:
    """One block as the extractor saw it.

    ``ref`` locates the block in the source file so annotated outputs can find it again:
      pdf:  {"page": 1, "char_index": [pdfium char index for each char of text]} (char_index may be omitted);
            boxes via docscan.extract.pdf.char_boxes/span_rects. pdf and ofd add "continues": True on a
            page's first block when it looks like the rest of the previous page's last paragraph.
      docx: {"part": "body"|"header"|"footer", "para": i, "runs": [[start, end], ...],
             "table": t, "row": r, "cell": c, "col": g, "textbox": True, "name": "word/footer1.xml"}
            para = index among ALL w:p of the part in document order (``part_root.iter(w:p)``: table and
            text-box paragraphs included); runs = one char range of ``text`` per own w:r of that paragraph
            (empty for runs showing nothing); table/row/cell/col only for cells, textbox only in text boxes,
            name only for headers/footers. Full convention: docscan/extract/docx.py.
      ofd:  {"page": 1}
      text: {"line": n} (1-based line of the decoded file; Markdown tables add table/row/cell)
      html: {"path": "/html/body/div[2]/p[3]"} (lxml getpath of the element; cells add table/row/cell)
    """

    kind: str  # one of BODY_KINDS or FURNITURE_KINDS
    text: str
    page: int = 1  # 1-based
    level: int | None = None  # heading level (1..4) when known
    ref: dict[str, Any] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)  # e.g. {"color": "red", "size": 22, "bold": True}


@dataclass(slots=True)
class RawPage:
    number: int  # 1-based
    blocks: list[RawBlock] = field(default_factory=list)
    width: float | None = None
    height: float | None = None


@dataclass(slots=True)
class RawDocument:
    source: SourceInfo
    pages: list[RawPage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def iter_blocks(self):
        for page in self.pages:
            yield from page.blocks


@dataclass(slots=True)
class Block:
    """A block laid over the normalized text: ``text[start:end]``."""

    kind: str
    page: int
    start: int
    end: int
    level: int | None = None
    raw_index: int = 0  # index into Document.raw_blocks
    ref: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "page": self.page, "start": self.start, "end": self.end}
        if self.level is not None:
            d["level"] = self.level
        return d


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    clauses: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "clauses": [list(c) for c in self.clauses]}


@dataclass(slots=True)
class Metadata:
    """公文 metadata (GB/T 9704-2012). Every field is None when not found."""

    title: str | None = None
    doc_number: str | None = None  # 发文字号, normalized to 〔〕
    issuer: str | None = None
    date: str | None = None  # 成文日期, ISO yyyy-mm-dd
    genre: str | None = None  # 文种: 通知, 意见, ...
    carrier: str | None = None  # 《…实施方案》 inside 关于印发…的通知
    addressees: list[str] = field(default_factory=list)  # 主送机关, split
    attachments: list[str] = field(default_factory=list)  # 附件说明
    signer: str | None = None  # 签发人
    urgency: str | None = None  # 紧急程度
    secrecy: str | None = None  # 密级
    cc: list[str] = field(default_factory=list)  # 抄送
    printed_by: str | None = None  # 印发机关
    printed_date: str | None = None  # 印发日期
    headings: list[dict[str, Any]] = field(default_factory=list)  # {"level", "text", "start", "end"}
    spans: dict[str, list[int]] = field(default_factory=dict)  # field -> [start, end] in normalized text

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "date": self.date,
            "genre": self.genre,
            "carrier": self.carrier,
            "addressees": list(self.addressees),
            "attachments": list(self.attachments),
            "signer": self.signer,
            "urgency": self.urgency,
            "secrecy": self.secrecy,
            "cc": list(self.cc),
            "printed_by": self.printed_by,
            "printed_date": self.printed_date,
        }


@dataclass(slots=True)
class Document:
    """The normalized document. ``text`` is what ``docscan extract`` prints and what offsets index."""

    source: SourceInfo
    text: str
    blocks: list[Block] = field(default_factory=list)
    furniture: list[RawBlock] = field(default_factory=list)
    raw_blocks: list[RawBlock] = field(default_factory=list)
    # offset_map[i] = index of the raw character (within raw_blocks[block.raw_index].text) that normalized
    # character i came from; -1 for characters normalize() inserted (block separators).
    offset_map: array = field(default_factory=lambda: array("i"))
    metadata: Metadata = field(default_factory=Metadata)
    sentences: list[Sentence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quality: float = 1.0  # extraction quality 0..1 (mojibake, missing text layer...)
    # block starts for block_at's bisect, keyed by the blocks list it was built from (rebuilt if that changes)
    _block_index: tuple[int, int, list[int]] | None = field(default=None, repr=False, compare=False)

    # -- offset helpers -------------------------------------------------------------------------
    def block_at(self, offset: int) -> Block | None:
        """The block containing normalized ``offset`` (binary search; blocks are sorted by start)."""
        if not self.blocks:
            return None
        idx = self._block_index
        if idx is None or idx[0] != id(self.blocks) or idx[1] != len(self.blocks):
            idx = self._block_index = (id(self.blocks), len(self.blocks), [b.start for b in self.blocks])
        starts = idx[2]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        b = self.blocks[i]
        return b if b.start <= offset < max(b.end, b.start + 1) else None

    def page_at(self, offset: int) -> int | None:
        b = self.block_at(offset)
        return b.page if b else None

    def to_source(self, start: int, end: int) -> list[dict[str, Any]]:
        """Map a normalized span to source pieces, one per block it touches.

        Each piece: {"block": block_index, "page": p, "ref": {...}, "raw_start": i, "raw_end": j}
        with raw offsets into that block's raw text — what the DOCX/PDF annotators need.
        """
        pieces: list[dict[str, Any]] = []
        for bi, b in enumerate(self.blocks):
            if b.end <= start:
                continue
            if b.start >= end:
                break
            s, e = max(start, b.start), min(end, b.end)
            raws = [self.offset_map[k] for k in range(s, e) if k < len(self.offset_map) and self.offset_map[k] >= 0]
            if not raws:
                continue
            pieces.append(
                {
                    "block": bi,
                    "page": b.page,
                    "ref": b.ref,
                    "raw_index": b.raw_index,
                    "raw_start": min(raws),
                    "raw_end": max(raws) + 1,
                }
            )
        return pieces

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source.to_dict(),
            "metadata": self.metadata.to_dict(),
            "headings": self.metadata.headings,
            "quality": round(self.quality, 3),
            "warnings": list(self.warnings),
            "pages": self.source.pages,
            "blocks": [b.to_dict() for b in self.blocks],
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if with_text:
            d["text"] = self.text
        return d
