"""Score tables: which column each cell of a 考核评分表 belongs to (``docscan/data/score_tables.yaml``).

A score table assesses the unit it is sent to row by row: the content cell is a scored duty, the criteria cell
deducts points, the evidence cell (佐证材料) names the paperwork the unit must produce to score. Read one cell at a
time, "网格员花名册、培训签到表" or "每名网格员每月上报事件不少于15件" impose nothing that a sentence rule can see; the
column says what they are. Two layouts:

- a real table (DOCX, ruled PDF, Markdown pipes): ``table_cell`` blocks with ``ref`` table/row/(col|cell); the
  header row is the first row that names enough columns;
- a flattened table (text extracted from a PDF, pasted text): every cell on its own line, the header cells first
  (序号 / 考核项目 / 考核内容 / 分值 / 评分标准 / 佐证材料), then the rows in the same order. Rows are re-synchronised
  on their serial number, so an empty cell that vanished in extraction costs one row at most.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ..document import Document
from .lexicon import DATA

ROLES = ("item", "content", "score", "criteria", "evidence", "other")
_SERIAL = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、．]?$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    role: str


@functools.cache
def _spec() -> tuple[dict[str, str], int, tuple[tuple[str, ...], ...], re.Pattern[str]]:
    import yaml

    data = yaml.safe_load((DATA / "score_tables.yaml").read_text(encoding="utf-8"))
    names = {str(h): role for role, heads in data["columns"].items() for h in heads}
    needs = tuple(tuple(g) for g in data.get("needs", []))
    return names, int(data.get("max_header_chars", 8)), needs, re.compile(data["end_cells_regex"])


def header_role(text: str) -> str | None:
    """The column role a header cell names (评分标准 → criteria), or None."""
    names, max_chars, _, _ = _spec()
    t = _SPACE.sub("", text).strip("：:")
    return names.get(t) if len(t) <= max_chars else None


def _is_score_header(roles: list[str | None]) -> bool:
    present = set(roles)
    return all(present & set(g) for g in _spec()[2])


def cells(doc: Document) -> list[Cell]:
    """Every cell of every score table in ``doc``, with its column's role (header cells excluded), by offset."""
    out = _table_cells(doc) + _flattened_cells(doc)
    out.sort(key=lambda c: c.start)
    return out


def _table_cells(doc: Document) -> list[Cell]:
    tables: dict[Any, dict[Any, list[Any]]] = {}
    for b in doc.blocks:
        if b.kind == "table_cell" and b.ref.get("table") is not None and b.ref.get("row") is not None:
            tables.setdefault(b.ref["table"], {}).setdefault(b.ref["row"], []).append(b)
    out: list[Cell] = []
    for rows in tables.values():
        header: dict[Any, str] | None = None
        for r in sorted(rows):
            bs = rows[r]
            if header is None:
                roles = [header_role(doc.text[b.start:b.end]) for b in bs]
                if sum(x is not None for x in roles) >= 3 and _is_score_header(roles):
                    header = {_col(b): x for b, x in zip(bs, roles, strict=True) if x is not None}
                continue
            for b in bs:
                role = header.get(_col(b))
                if role is not None:
                    out.append(Cell(b.start, b.end, role))
    return out


def _col(b: Any) -> Any:
    return b.ref.get("col", b.ref.get("cell"))


def _flattened_cells(doc: Document) -> list[Cell]:
    """Cells of tables flattened to one line per cell (see the module doc)."""
    blocks = [b for b in doc.blocks if b.kind != "table_cell" and b.end > b.start]
    out: list[Cell] = []
    i = 0
    while i < len(blocks):
        # a header: at least three consecutive header cells naming a score table
        j = i
        roles: list[str] = []
        while j < len(blocks):
            r = header_role(doc.text[blocks[j].start:blocks[j].end])
            if r is None:
                break
            roles.append(r)
            j += 1
        if len(roles) < 3 or not _is_score_header(list(roles)):
            i = max(j, i + 1)
            continue
        n = len(roles)
        serial = roles[0] == "item" and _SPACE.sub("", doc.text[blocks[i].start:blocks[i].end]) in ("序号", "编号")
        rows, k = _flat_rows(doc, blocks, j, serial, roles)
        off = 1 if serial else 0  # the serial cell opens each row and is not kept in it
        for row in rows:
            # only a row with exactly one cell per column is trusted: a cell wrapped over two lines, or one that
            # vanished in extraction, would shift every role after it
            if len(row) == n - off:
                out.extend(Cell(b.start, b.end, roles[c + off]) for c, b in enumerate(row))
        i = k
    return out


def _flat_rows(doc: Document, blocks: list[Any], k: int, serial: bool,
               roles: list[str]) -> tuple[list[list[Any]], int]:
    """The rows after a flattened header at ``blocks[k]``: split at serial numbers (序号 1, 2, 3…; a section row
    一、 is skipped) or, without a serial column, every ``len(roles)`` cells. Returns the rows and the index after
    the table."""
    end_rx = _spec()[3]
    n = len(roles)
    rows: list[list[Any]] = []
    cur: list[Any] | None = None if serial else []
    section = False
    expect = 1
    while k < len(blocks):
        b = blocks[k]
        t = _SPACE.sub("", doc.text[b.start:b.end])
        if end_rx.match(t) or len(t) > 200:
            break
        # a number is the next row's serial unless it sits where the row's score goes (分值 10)
        at_score = cur is not None and len(cur) + 1 < n and roles[len(cur) + 1] == "score"
        if serial and t.isdigit() and int(t) in (expect, 1) and not at_score:
            if cur is not None:
                rows.append(cur)
            cur, section, expect = [], False, int(t) + 1
        elif serial and not t[:1].isdigit() and _SERIAL.match(t):
            if cur is not None:
                rows.append(cur)
            cur, section = None, True  # 一、通用考核项目 40: a section row, not a scored item
        elif cur is None:
            if not section:
                break  # text after the last row that is not a row: the table is over
        else:
            if b.kind in ("title", "heading") and not cur:
                break
            cur.append(b)
            if not serial and len(cur) == n:
                rows.append(cur)
                cur = []
        k += 1
    if cur:
        rows.append(cur)
    return rows, k
