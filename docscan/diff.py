"""Compare two reports of (versions of) a document: which findings were removed, added or kept.

Two findings match when they have the same category and their sentences are similar (difflib ratio
≥ 0.6): a redrafted sentence that still demands the same ledger is the same finding, even though its
offsets moved. When a redraft cut a long sentence in half, the sentences no longer look alike, so the
clause around the flagged words (between ，；：) is compared as well and the better ratio counts. Pairs are assigned greedily, most similar first, so two findings in one sentence pair up
with their own counterparts (ties broken by the similarity of the flagged words, then by position).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from .report import Finding, Report

THRESHOLD = 0.6
SCHEMA = "docscan.diff/1"


@dataclass(slots=True)
class Kept:
    old: Finding
    new: Finding
    similarity: float

    @property
    def changed(self) -> bool:
        """Same burden, but the wording or its severity changed."""
        return self.similarity < 1.0 or self.old.severity != self.new.severity


@dataclass(slots=True)
class ReportDiff:
    old: Report
    new: Report
    removed: list[Finding] = field(default_factory=list)
    added: list[Finding] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)

    def burden_change(self) -> dict[str, list[Any]]:
        keys = list(dict.fromkeys([*(self.old.burden or {}), *(self.new.burden or {})]))
        return {k: [(self.old.burden or {}).get(k), (self.new.burden or {}).get(k)] for k in keys}

    def counts_change(self) -> dict[str, list[int]]:
        oc, nc = _counts(self.old), _counts(self.new)
        return {k: [oc.get(k, 0), nc.get(k, 0)] for k in dict.fromkeys([*oc, *nc])}

    def to_dict(self) -> dict[str, Any]:
        def side(r: Report) -> dict[str, Any]:
            return {"path": (r.source or {}).get("path"), "sha256": (r.source or {}).get("sha256"),
                    "title": (r.metadata or {}).get("title"), "score": round(r.score, 1),
                    "findings": len(r.findings)}

        return {
            "schema": SCHEMA,
            "old": side(self.old),
            "new": side(self.new),
            "summary": {
                "removed": len(self.removed),
                "added": len(self.added),
                "kept": len(self.kept),
                "score": [round(self.old.score, 1), round(self.new.score, 1)],
                "counts": self.counts_change(),
                "burden": self.burden_change(),
            },
            "removed": [f.to_dict() for f in self.removed],
            "added": [f.to_dict() for f in self.added],
            "kept": [{"old": k.old.to_dict(), "new": k.new.to_dict(), "similarity": round(k.similarity, 3)}
                     for k in self.kept],
        }


def _counts(r: Report) -> dict[str, int]:
    if r.counts:
        return dict(r.counts)
    out: dict[str, int] = {}
    for f in r.findings:
        out[f.category] = out.get(f.category, 0) + 1
    return out


def _sentence(f: Finding) -> str:
    return (f.sentence or f.text or "").strip()


_CLAUSE_SEPS = "，；：,;:"


def _clause(f: Finding) -> str:
    """The clause of the sentence that holds the flagged words (the flagged words when not found)."""
    sent = f.sentence or ""
    i = sent.find(f.text) if f.text else -1
    if i < 0:
        return f.text or sent
    j = i + len(f.text)
    left = max(sent.rfind(c, 0, i) for c in _CLAUSE_SEPS) + 1
    ends = [k for k in (sent.find(c, j) for c in _CLAUSE_SEPS + "。！？") if k >= 0]
    return sent[left:min(ends) if ends else len(sent)].strip()


def similarity(a: str, b: str, threshold: float = THRESHOLD) -> float:
    if a == b:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < threshold or sm.quick_ratio() < threshold:
        return 0.0  # cheap reject: the upper bounds are already below the threshold
    return sm.ratio()


def diff_reports(old: Report, new: Report, threshold: float = THRESHOLD) -> ReportDiff:
    """Match findings of ``old`` and ``new`` by category + sentence similarity (≥ ``threshold``)."""
    result = ReportDiff(old=old, new=new)
    olds, news = list(old.findings), list(new.findings)
    pairs: list[tuple[float, float, int, int, int]] = []
    for i, fo in enumerate(olds):
        so, co = _sentence(fo), _clause(fo)
        for j, fn in enumerate(news):
            if fo.category != fn.category:
                continue
            r = max(similarity(so, _sentence(fn), threshold), similarity(co, _clause(fn), threshold))
            if r >= threshold:
                tie = difflib.SequenceMatcher(None, fo.text, fn.text, autojunk=False).ratio()
                pairs.append((r, tie, -abs(i - j), i, j))
    pairs.sort(reverse=True)
    used_o: set[int] = set()
    used_n: set[int] = set()
    for r, _tie, _d, i, j in pairs:
        if i in used_o or j in used_n:
            continue
        used_o.add(i)
        used_n.add(j)
        result.kept.append(Kept(olds[i], news[j], r))
    result.kept.sort(key=lambda k: k.new.start)
    result.removed = [f for i, f in enumerate(olds) if i not in used_o]
    result.added = [f for j, f in enumerate(news) if j not in used_n]
    return result
