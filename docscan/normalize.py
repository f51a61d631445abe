"""Text hygiene that records where every character came from.

``normalize(raw, config) -> Document`` turns extractor blocks into the one string that every finding offset
indexes. Each output character keeps the index of the raw character it came from
(``Document.offset_map[i]`` → position in ``raw_blocks[block.raw_index].text``), so renderers can map a finding
back to PDF glyphs or DOCX runs. Edits are therefore limited to three kinds:

* deletion of raw characters (whitespace between CJK, zero-width chars, pinyin annotations, mojibake, furniture
  lines) — the map simply skips them;
* 1:1 replacement (fullwidth → halfwidth letters/digits, Traditional → Simplified, a kept line break turned into
  a space between Latin words) — the map is unchanged;
* inserted block separators ``"\\n"`` — mapped to −1.

Whole lines that are page numbers, running headers/footers or portal boilerplate move to
``Document.furniture`` (patterns in ``data/boilerplate.yaml``). All passes are regex scans or slicing, linear in
the input, so a 1 MB line normalizes in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import re
from array import array
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

from .config import Config
from .document import FURNITURE_KINDS, Block, Document, RawBlock, RawDocument

# --- character classes --------------------------------------------------------------------------------------
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# CJK punctuation and symbols (incl. fullwidth forms left unconverted) and curly quotes used in Chinese text.
_CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2010-\u2027\u00b7\u2236\ufe30-\ufe4f"
_CJKISH = re.compile(f"[{_HAN}{_CJK_PUNCT}]")
_HAN_RX = re.compile(f"[{_HAN}]")
_PUNCT_RX = re.compile(f"[{_CJK_PUNCT}]")

# Whitespace runs inside a line (the line break itself is handled separately).
_WS = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Characters trimmed at both ends of a line (whitespace + zero-width / BOM).
_TRIM_CHARS = "".join(
    chr(c) for c in [*range(0x2000, 0x200E), 0x20, 0x09, 0x0D, 0x0C, 0x0B, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000,
                     0x2060, 0xFEFF]
)
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\u200e\u200f]+")
# Pinyin annotation after a CJK char: 現(xiàn), 對策_(dá). Requires a tone mark (or the "_" prefix) so that
# ordinary Latin in brackets — 应用程序(APP) — is never taken for pinyin.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜńňǹḿ"
_PINYIN = re.compile(
    rf"(?<=[{_HAN}])(?:_[(（][a-z{_TONED}]{{1,7}}[)）]|[(（][a-z{_TONED}]{{0,6}}[{_TONED}][a-z{_TONED}]{{0,6}}[)）])"
)

# Lines ending with these end a sentence: a line break after them is real.
_TERMINAL = set("。！？；：…!?;:")
_CLOSERS = set("”’」』）)》〕】]\"'")
# A line starting like this starts a new unit (heading, list item, 附件/抄送 …): keep the break before it.
_UNIT_START = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]"
    r"|[①-⑳]|第[一二三四五六七八九十百零〇\d]{1,4}[章节条款部分]|附件|附表|抄送|主送|签发人|[•·▪●■◆★]"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*$|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日\s*$)"
)

# fullwidth letters/digits/space and % → ASCII; CJK punctuation stays (detectors rely on ，。：；（）《》“”〔〕).
_FULLWIDTH = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF05]}
_LATIN_ALNUM = re.compile(r"[A-Za-z0-9]")


# --- lazily loaded resources --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _furniture_patterns() -> dict[str, tuple[int, re.Pattern[str]]]:
    import yaml

    data = yaml.safe_load(resources.files("docscan.data").joinpath("boilerplate.yaml").read_text(encoding="utf-8"))
    out = {}
    for kind, spec in data.items():
        # one alternation per kind: one C-level match per line instead of one per pattern
        rx = re.compile("|".join(f"(?:{p})" for p in spec["patterns"]))
        out[kind] = (int(spec.get("max_len", 80)), rx)
    return out


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _mojibake_rxs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Islands of ≥3 'suspicious' chars (outside GB2312 level 1, '?' or U+FFFD) with ≤2 ordinary chars between.

    GB2312 level 1 holds the 3,755 common characters; ordinary prose is ~99 % level 1, while text decoded with
    the wrong codec is mostly rare or unassigned characters. Computed from the codec, no data file needed.
    """
    common = set()
    for b1 in range(0xB0, 0xD8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                common.add(bytes([b1, b2]).decode("gb2312"))
    ranges, start, prev = [], None, None
    for cp in range(0x3400, 0xA000):
        if chr(cp) in common or 0x4DC0 <= cp < 0x4E00:
            if start is not None:
                ranges.append((start, prev))
                start = None
            continue
        if start is None:
            start = cp
        prev = cp
    if start is not None:
        ranges.append((start, prev))
    cls = "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in ranges)
    sus = f"[{cls}\U00020000-\U0002fa1f\ufffd?]"
    gap = f"[^\\s{_CJK_PUNCT}]"  # garbage runs between punctuation, they do not span it
    return re.compile(f"{sus}(?:{gap}{{0,2}}?{sus}){{2,}}[a-z{_TONED}]*\\)?"), re.compile(sus)


_SUSPICIOUS_Q = set("?\ufffd")


def _t2s(s: str) -> str:
    """Traditional → Simplified, keeping the length (and so the offset map) unchanged."""
    try:
        s.encode("gb2312")
        return s  # GB2312 has only Simplified characters: nothing to convert
    except UnicodeEncodeError:
        pass
    cc = _opencc()
    out = cc.convert(s)
    if len(out) == len(s):
        return out
    # Phrase conversion changed the length somewhere: convert clause by clause, char by char where needed.
    parts = []
    for piece in re.findall(r"[^，。；：！？、\s]+|[，。；：！？、\s]+", s):
        conv = cc.convert(piece)
        if len(conv) != len(piece):
            conv = "".join(c if len(c) == 1 else ch for ch, c in ((ch, cc.convert(ch)) for ch in piece))
        parts.append(conv)
    return "".join(parts)


# --- the pass ----------------------------------------------------------------------------------------------
class _Out:
    """Accumulates normalized text and its offset map."""

    __slots__ = ("map", "parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.map = array("i")
        self.pos = 0

    def keep(self, s: str, a: int, b: int) -> None:
        if b > a:
            self.parts.append(s[a:b])
            self.map.extend(range(a, b))
            self.pos += b - a

    def sub(self, ch: str, raw_index: int) -> None:
        self.parts.append(ch)
        self.map.append(raw_index)
        self.pos += 1


class _Stats:
    __slots__ = ("chars", "garbled", "islands")

    def __init__(self) -> None:
        self.chars = 0
        self.garbled = 0
        self.islands = 0


def _is_cjkish(ch: str) -> bool:
    return bool(_CJKISH.match(ch))


def _line_edits(s: str, a: int, b: int, stats: _Stats, probe: str) -> list[tuple[int, int, str]]:
    """Edits inside one trimmed line s[a:b]: (start, end, replacement) with replacement "" or one char.

    ``probe`` is ``s`` in Simplified (same length), used to judge mojibake even when T→S is off.
    """
    edits: list[tuple[int, int, str]] = []
    for m in _ZERO_WIDTH.finditer(s, a, b):
        edits.append((m.start(), m.end(), ""))
    if "(" in s[a:b] or "（" in s[a:b]:
        for m in _PINYIN.finditer(s, a, b):
            edits.append((m.start(), m.end(), ""))
    island_rx, sus_rx = _mojibake_rxs()
    for m in island_rx.finditer(probe, a, b):
        seg = m.group()
        n_q = sum(1 for c in seg if c in _SUSPICIOUS_Q)
        n_rare = len(sus_rx.findall(seg)) - n_q
        # '?' alone ("怎么办???") is punctuation; rare chars alone (铌酸锂) must be many and dense to count.
        if (n_q and n_rare >= 2) or "\ufffd" in seg or (len(seg) >= 6 and n_rare >= 0.7 * len(seg)):
            edits.append((m.start(), m.end(), ""))
            stats.garbled += m.end() - m.start()
            stats.islands += 1
    for m in _WS.finditer(s, a, b):
        i, j = m.start(), m.end()
        left, right = s[i - 1], s[j]
        lc, rc = _is_cjkish(left), _is_cjkish(right)
        if lc or rc:
            run = m.group()
            # U+3000 is typed on purpose (省长　王某, 签发人：张三　李四); extractors' justification spaces are ASCII
            wide = len(run) >= 3 or "\t" in run or "\u3000" in run
            if wide and not (_PUNCT_RX.match(left) or _PUNCT_RX.match(right)):
                # a layout gap (columns, 发文机关 and date on one line): keep one space as a separator
                edits.append((i, j, " "))
            else:
                edits.append((i, j, ""))
        elif j - i > 1 or m.group() != " ":
            edits.append((i, j, " "))  # collapse Latin spacing to one plain space
    if len(edits) > 1:
        edits.sort()
    return edits


def _emit_line(out: _Out, s: str, a: int, b: int, edits: list[tuple[int, int, str]]) -> None:
    cur = a
    for i, j, rep in edits:
        if j <= cur:
            continue
        if i < cur:
            if rep:
                continue  # a replacement overlapping an earlier deletion: the deletion wins
            i = cur
        out.keep(s, cur, i)
        if rep:
            out.sub(rep, i)
        cur = j
    out.keep(s, cur, b)


def _width(line: str) -> float:
    """Display width in CJK cells: GBK encodes a CJK char in 2 bytes, ASCII in 1."""
    return len(line.encode("gbk", "replace")) / 2


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_TRIM_CHARS)
    if not t:
        return True
    last = t[-1]
    if last in _TERMINAL:
        return True
    return last in _CLOSERS and len(t) > 1 and t[-2] in _TERMINAL


def _line_break(prev: str, nxt: str, long_line: float, kind: str) -> str:
    """What the line break between two lines of one block becomes: "" (join), " " or "\\n"."""
    if _ends_sentence(prev) or _UNIT_START.match(nxt):
        return "\n"
    if kind != "table_cell" and long_line and _width(prev) < 0.75 * long_line:
        return "\n"  # a short line ended on its own (titles, signatures, the last line of a paragraph)
    if _LATIN_ALNUM.match(prev[-1]) and _LATIN_ALNUM.match(nxt[0]):
        return " "
    return ""


def _furniture_kind(line: str, repeated: set[str]) -> str | None:
    n = len(line)
    if n <= 80 and _key(line) in repeated:
        return "header"
    for kind, (max_len, rx) in _furniture_patterns().items():
        if n <= max_len and rx.fullmatch(line):
            return kind
    return None


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.replace(" ", ""))


def _repeated_lines(raw: RawDocument) -> set[str]:
    """Running headers/footers: the same first/last line (digits ignored) on at least half of ≥3 pages."""
    if len(raw.pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in raw.pages:
        body = [b for b in page.blocks if b.kind not in FURNITURE_KINDS and b.text.strip()]
        if not body:
            continue
        seen = set()
        first = body[0].text.strip(_TRIM_CHARS).split("\n", 1)[0].strip(_TRIM_CHARS)
        last = body[-1].text.strip(_TRIM_CHARS).rsplit("\n", 1)[-1].strip(_TRIM_CHARS)
        for line in (first, last):
            if 0 < len(line) <= 40 and line[-1] not in "。；！？，：;!?,:":  # headers are not sentences
                seen.add(_key(line))
        counts.update(seen)
    need = max(3, (len(raw.pages) + 1) // 2)
    return {k for k, c in counts.items() if c >= need}


def normalize(raw: RawDocument, config: Config | None = None) -> Document:
    config = config or Config()
    out = _Out()
    blocks: list[Block] = []
    furniture: list[RawBlock] = []
    raw_blocks: list[RawBlock] = []
    stats = _Stats()
    warnings = list(raw.warnings)
    paged = raw.source.format in ("pdf", "ofd")
    repeated = _repeated_lines(raw) if paged else set()
    prev_block: Block | None = None
    prev_tail = ""  # last line of the previous body block
    truncated = False

    for rb in raw.iter_blocks():
        if rb.kind in FURNITURE_KINDS:
            furniture.append(rb)
            continue
        if truncated:
            continue
        if not rb.text or not rb.text.strip(_TRIM_CHARS):
            continue
        s = rb.text.translate(_FULLWIDTH)
        probe = _t2s(s)  # mojibake is judged on Simplified text: Traditional chars are rare in GB2312 terms
        if config.traditional_to_simplified:
            s = probe
        stats.chars += len(s)

        # split into trimmed lines, routing furniture lines away
        lines: list[tuple[int, int, int]] = []  # (start, end, index of the "\n" after the line or -1)
        pos = 0
        n = len(s)
        while pos <= n:
            nl = s.find("\n", pos)
            end = n if nl < 0 else nl
            line = s[pos:end]
            a = pos + (len(line) - len(line.lstrip(_TRIM_CHARS)))
            b = end - (len(line) - len(line.rstrip(_TRIM_CHARS)))
            if b > a:
                kind = _furniture_kind(s[a:b], repeated) if b - a <= 80 else None
                if kind:
                    furniture.append(RawBlock(kind=kind, text=rb.text[a:b], page=rb.page, ref=dict(rb.ref),
                                              style={"from_body": True}))
                else:
                    lines.append((a, b, nl))
            if nl < 0:
                break
            pos = nl + 1
        if not lines:
            continue

        # the separator before this block
        if prev_block is not None:
            first_line = s[lines[0][0]:lines[0][1]]
            if (paged and rb.page != prev_block.page and prev_block.kind in ("paragraph", "list_item")
                    and rb.kind in ("paragraph", "list_item") and not _ends_sentence(prev_tail)
                    and _HAN_RX.match(first_line[0]) and not _UNIT_START.match(first_line)):
                pass  # a paragraph running over a page break: no separator
            else:
                out.sub("\n", -1)
        start = out.pos
        long_line = 0.0
        if len(lines) > 1:
            long_line = max(_width(s[a:b]) for a, b, _ in lines if b - a < 400) if any(
                b - a < 400 for a, b, _ in lines) else 0.0
        for k, (a, b, nl) in enumerate(lines):
            _emit_line(out, s, a, b, _line_edits(s, a, b, stats, probe))
            if k + 1 < len(lines):
                na, nb, _ = lines[k + 1]
                sep = _line_break(s[a:b], s[na:nb], long_line, rb.kind)
                if sep:
                    out.sub(sep, nl)
        if out.pos == start:  # everything in the block was deleted (e.g. pure mojibake)
            if prev_block is not None and out.parts and out.parts[-1] == "\n" and out.map[-1] == -1:
                out.parts.pop()
                out.map.pop()
                out.pos -= 1
            continue
        raw_blocks.append(rb)
        blk = Block(kind=rb.kind, page=rb.page, start=start, end=out.pos, level=rb.level,
                    raw_index=len(raw_blocks) - 1, ref=rb.ref)
        blocks.append(blk)
        prev_block = blk
        prev_tail = s[lines[-1][0]:lines[-1][1]]
        if out.pos > config.max_chars:
            truncated = True

    text = "".join(out.parts)
    offmap = out.map
    if truncated:
        cut = config.max_chars
        text = text[:cut]
        del offmap[cut:]
        blocks = [b for b in blocks if b.start < cut]
        if blocks:
            blocks[-1].end = min(blocks[-1].end, cut)
        warnings.append(f"text truncated to {cut} characters (max_chars)")
    quality = 1.0
    if stats.garbled:
        quality = max(0.0, 1.0 - 2.0 * stats.garbled / max(1, stats.chars))
        warnings.append(f"mojibake: dropped {stats.garbled} garbled characters in {stats.islands} spans")
    raw.source.chars = len(text)
    return Document(source=raw.source, text=text, blocks=blocks, furniture=furniture, raw_blocks=raw_blocks,
                    offset_map=offmap, warnings=warnings, quality=quality)
