"""Block-kind guesses shared by the DOCX, text and HTML extractors.

Extractors only label what the source shows; :mod:`docscan.gongwen` does the real 公文 structure work. These
guesses let a reader (and normalize) tell headings and 版记 from body paragraphs when the source format has no
styles (TXT) or when authors typed the numbering by hand (most DOCX).
"""

from __future__ import annotations

import re

# 公文 heading ladder (GB/T 9704: 一、 → （一） → 1. → （1）). Half/full-width variants included.
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十百]+\s*[、．.]")),
    (2, re.compile(r"^[（(]\s*[一二三四五六七八九十百]+\s*[）)]")),
    (3, re.compile(r"^[0-9０-９]{1,2}\s*[．.、](?![0-9０-９])")),
    (4, re.compile(r"^[（(]\s*[0-9０-９]{1,2}\s*[）)]")),
)
# "short" = a heading line, not a numbered paragraph that happens to start like one.
HEADING_MAX_CHARS = 40
_SENTENCE_END = re.compile(r"[。；;！!？?]")

_BANJI_CC = re.compile(r"^\s*(抄\s*送|抄\s*报)\s*[:：]")
_BANJI_PRINTED = re.compile(r"^.{0,40}?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发\s*$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~～]\s*)?(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?[0-9０-９]{1,4}\s*页?)?"
    r"(?:\s*[-—–－~～])?\s*$"
)


def heading_level(text: str) -> int | None:
    """Level 1–4 when ``text`` is a short line opening with a 公文 heading number, else None."""
    t = text.strip()
    if not t or len(t) > HEADING_MAX_CHARS:
        return None
    # a heading may end with 。 but holds no sentence break inside
    if _SENTENCE_END.search(t[:-1]):
        return None
    for level, pat in _HEADING_PATTERNS:
        if pat.match(t):
            return level
    return None


def is_banji(text: str) -> bool:
    """版记 lines: 抄送：… / X办公室 2025年3月2日印发."""
    return bool(_BANJI_CC.match(text) or _BANJI_PRINTED.match(text.strip()))


def is_page_number(text: str) -> bool:
    """A line that is only a page number: ``— 3 —``, ``- 3 -``, ``第3页``, ``3/12``."""
    return bool(text.strip()) and bool(_PAGE_NUMBER.match(text))


def classify(text: str) -> tuple[str, int | None]:
    """(kind, level) for a body line with no style information."""
    level = heading_level(text)
    if level is not None:
        return "heading", level
    if is_banji(text):
        return "banji", None
    return "paragraph", None
