"""Text hygiene that records where every character came from. (Placeholder: joins blocks with newlines.)"""

from __future__ import annotations

from array import array

from .config import Config
from .document import FURNITURE_KINDS, Block, Document, RawDocument


def normalize(raw: RawDocument, config: Config | None = None) -> Document:
    parts: list[str] = []
    offmap = array("i")
    blocks: list[Block] = []
    furniture = []
    raw_blocks = []
    pos = 0
    for rb in raw.iter_blocks():
        if rb.kind in FURNITURE_KINDS:
            furniture.append(rb)
            continue
        text = rb.text.strip()
        if not text:
            continue
        lead = len(rb.text) - len(rb.text.lstrip())
        if parts:
            parts.append("\n")
            offmap.append(-1)
            pos += 1
        raw_blocks.append(rb)
        blocks.append(Block(kind=rb.kind, page=rb.page, start=pos, end=pos + len(text), level=rb.level,
                            raw_index=len(raw_blocks) - 1, ref=rb.ref))
        parts.append(text)
        offmap.extend(range(lead, lead + len(text)))
        pos += len(text)
    text = "".join(parts)
    raw.source.chars = len(text)
    return Document(source=raw.source, text=text, blocks=blocks, furniture=furniture, raw_blocks=raw_blocks,
                    offset_map=offmap, warnings=list(raw.warnings))
