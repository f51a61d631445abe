"""Sentences and clauses. (Placeholder: split on 。！？； and newlines.)"""

from __future__ import annotations

import re

from .document import Sentence

_SENT_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")
_CLAUSE = re.compile(r"[，,：:]")


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end() if text[m.start()] != "\n" else m.start()
        if text[start:end].strip():
            out.append(_make(text, start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        out.append(_make(text, start, len(text)))
    return out


def _make(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    clauses = []
    cs = start
    for m in _CLAUSE.finditer(text, start, end):
        clauses.append((cs, m.end()))
        cs = m.end()
    if cs < end:
        clauses.append((cs, end))
    return Sentence(start=start, end=end, clauses=clauses)
