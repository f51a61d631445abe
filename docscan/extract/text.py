"""Plain text and Markdown: one raw block per line; Markdown syntax stripped, its structure kept as kinds.

Line refs are 1-based line numbers of the decoded file (``{"line": n}``), counting CRLF, CR and LF alike.
A form feed starts a new page. Markdown adds ``{"table": t, "row": r, "cell": c}`` for pipe-table cells.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import RawBlock, RawDocument, RawPage, SourceInfo
from ..errors import DocscanError
from .blockkind import classify
from .encoding import decode

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    decoded = decode(path.read_bytes(), path.name)
    info.encoding = decoded.encoding
    raw = from_string(decoded.text, info, config)
    if decoded.warning:
        raw.warnings.append(decoded.warning)
    return raw


def from_string(text: str, info: SourceInfo, config: Config) -> RawDocument:
    """Blocks for text already decoded (files, stdin, the Python API)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DocscanError("empty_file", info.path)
    lines = _LINE_BREAK.split(text)
    blocks = _markdown_blocks(lines) if info.format == "md" else _text_blocks(lines)
    pages = _paginate(blocks)
    info.pages = len(pages)
    info.extractor = "text"
    return RawDocument(source=info, pages=pages)


def _text_blocks(lines: list[str]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    page = 1
    for n, line in enumerate(lines, 1):
        if "\f" in line:  # form feed: page break (text on either side stays on its own page)
            parts = line.split("\f")
            for k, part in enumerate(parts):
                if k:
                    page += 1
                if part.strip():
                    kind, level = classify(part)
                    blocks.append(RawBlock(kind=kind, text=part, page=page, level=level, ref={"line": n}))
            continue
        if not line.strip():
            continue
        kind, level = classify(line)
        blocks.append(RawBlock(kind=kind, text=line, page=page, level=level, ref={"line": n}))
    return blocks


def _paginate(blocks: list[RawBlock]) -> list[RawPage]:
    n_pages = max((b.page for b in blocks), default=1)
    pages = [RawPage(number=i) for i in range(1, n_pages + 1)]
    for b in blocks:
        pages[b.page - 1].blocks.append(b)
    return pages


# -- Markdown -----------------------------------------------------------------------------------------
_FRONT_OPEN = re.compile(r"^---\s*$")
_FRONT_CLOSE = re.compile(r"^(---|\.\.\.)\s*$")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+\s*)?$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]+)`+")
_HTML_BR = re.compile(r"<br\s*/?>", re.I)
_HTML_TAG = re.compile(r"</?(?:span|font|b|strong|i|em|u|sup|sub|p|div|center)\b[^>]*>", re.I)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def strip_inline(s: str) -> str:
    """Markdown inline syntax → plain text: links, images, emphasis, code spans, escapes, simple HTML tags."""
    s = _IMAGE.sub(r"\1", s)
    s = _LINK.sub(lambda m: m.group(1) or m.group(2), s)
    s = _AUTOLINK.sub(r"\1", s)
    s = _CODE.sub(r"\1", s)
    for _ in range(2):  # nested **__x__**
        s = _EMPHASIS.sub(r"\2", s)
    s = _HTML_BR.sub(" ", s)
    s = _HTML_TAG.sub("", s)
    return _ESCAPE.sub(r"\1", s)


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    return [c.strip().replace("\\|", "|") for c in cells]


def _front_matter(lines: list[str]) -> tuple[int, RawBlock | None]:
    """YAML front matter (``---`` … ``---`` on the first line) → one boilerplate block; returns lines used."""
    if not lines or not _FRONT_OPEN.match(lines[0]):
        return 0, None
    for end in range(1, min(len(lines), 200)):
        if _FRONT_CLOSE.match(lines[end]):
            body = "\n".join(lines[1:end])
            style: dict[str, Any] = {}
            try:
                import yaml

                data = yaml.safe_load(body)
                if isinstance(data, dict):
                    style["front_matter"] = {str(k): v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
                                             for k, v in data.items()}
            except Exception:  # front matter that is not YAML is still furniture
                pass
            return end + 1, RawBlock(kind="boilerplate", text=body, page=1, ref={"line": 1}, style=style)
    return 0, None


def _markdown_blocks(lines: list[str]) -> list[RawBlock]:
    start, fm = _front_matter(lines)
    blocks: list[RawBlock] = [fm] if fm else []
    page = 1
    in_fence = False
    table = -1
    row = 0
    in_table = False
    for i in range(start, len(lines)):
        n, line = i + 1, lines[i]
        if "\f" in line:
            page += line.count("\f")
            line = line.replace("\f", "")
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            if line.strip():
                blocks.append(RawBlock(kind="paragraph", text=line, page=page, ref={"line": n}))
            continue
        stripped = line.strip()
        # pipe tables: a header row followed by a |---| separator, or rows continuing one
        if stripped.startswith("|") or (in_table and "|" in stripped):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not in_table and _TABLE_SEP.match(nxt):
                in_table, table, row = True, table + 1, 0
            if in_table:
                if _TABLE_SEP.match(line):
                    continue
                for c, cell in enumerate(_split_row(line)):
                    text = strip_inline(cell)
                    if text.strip():
                        blocks.append(RawBlock(kind="table_cell", text=text, page=page,
                                               ref={"line": n, "table": table, "row": row, "cell": c}))
                row += 1
                continue
        in_table = False
        if not stripped or _RULE.match(line):
            continue
        m = _ATX.match(line)
        if m:
            text = strip_inline(m.group(2))
            if text.strip():
                level = min(len(m.group(1)), 4)
                blocks.append(RawBlock(kind="heading", text=text, page=page, level=level, ref={"line": n}))
            continue
        # setext heading: this line underlined by === or --- on the next
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _SETEXT.match(nxt) and not _BULLET.match(line) and not _QUOTE.match(line):
            level = 1 if nxt.strip().startswith("=") else 2
            blocks.append(RawBlock(kind="heading", text=strip_inline(stripped), page=page, level=level, ref={"line": n}))
            lines[i + 1] = ""  # the underline is consumed
            continue
        kind_hint = None
        q = _QUOTE.match(line)
        if q:
            line = line[q.end():]
        b = _BULLET.match(line)
        if b:
            line, kind_hint = line[b.end():], "list_item"
        text = strip_inline(line)
        if not text.strip():
            continue
        kind, level = classify(text)
        if kind == "paragraph" and kind_hint:
            kind = kind_hint
        blocks.append(RawBlock(kind=kind, text=text, page=page, level=level, ref={"line": n}))
    return blocks
