"""Duty matrix (domain §D.3/D.4): every obligation clause → actor, level, verb, object, concreteness.

A duty is *concrete* when the clause carries a measurable element: a quantity (300万元, 2名, 3次), a deadline,
a frequency, money, staff, or a deliverable (方案, 台账, 报告, a submission). It is *vague* when its verb is
one of the detection helper's ``vague_verbs`` (加强指导, 给予支持, 积极配合…) and it has none of those.
``push_down`` marks 属地责任/兜底/压实 wording on grassroots units; ``resources`` marks an upper duty that commits
money, staff or equipment.

A vague upper duty is *made concrete elsewhere* — and then counted as concrete, not vague — when a table row
or an attachment (text after the 成文日期) names the same actor together with a concrete element.

Document index (the 小马拉大车 index)::

    grassroots_concrete / max(1, upper_concrete)  →  ``ratio``
    ``flag`` = grassroots_concrete >= 3 and upper_vague >= 1 and ratio >= 3

For the detection helper (the lead wires it): :func:`vague_duty_evidence` returns, per ``vague_duty`` finding,
whether the duty matrix strengthens it (the document's index is flagged, or the finding's sentence names a
vague upper actor) or weakens it (every upper actor named in the sentence is made concrete elsewhere, or the
document commits upper resources at least as often as it gives grassroots concrete duties);
:func:`apply_vague_duty_evidence` applies that to the findings in place (confidence × 1.15 / × 0.6, a flag).
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

from . import facts as facts_mod
from .facts import Clause, Facts

_NUMBER = re.compile(r"[0-9零一二两三四五六七八九十百千万]+(?:\.[0-9]+)?(?:万元|亿元|元|名|人|个|次|期|台|套|辆|项|所|处|平方米|公里|%|％)")
_MONEY = re.compile(r"[0-9零一二两三四五六七八九十百千万.]+(?:万元|亿元|元)|资金|经费")
_STAFF = re.compile(r"[0-9零一二两三四五六七八九十]+(?:名|人)|选派|派驻|配备|抽调")
_DELIVERABLE = ("方案", "台账", "报告", "清单", "制度", "平台", "系统", "名单", "总结", "统计表", "报表", "档案", "细则", "标准")
_PURPOSE = re.compile(r"^[\s（(一二三四五六七八九十0-9）)、.．|]*(?:为|根据|按照|依据|经|现将|现就|特制定|以)")


_MATRIX = "duties.matrix"  # Facts._memo key: the matrix detection computed, for quantify to take over


def matrix(f: Facts) -> dict[str, Any]:
    """The duty matrix of ``f``. Detection's :func:`vague_duty_evidence` computes it first on the same facts;
    the next call takes that one over (popped, so a later call builds a fresh copy) instead of redoing it."""
    m = f._memo.pop(_MATRIX, None)
    return m if m is not None else _matrix(f)


def _matrix(f: Facts) -> dict[str, Any]:
    lex = _TermIndex.of(tuple(tuple(str(t) for t in _lex(n)) for n in ("vague_verbs", "concrete_verbs", "pushdown")))
    rows: list[dict[str, Any]] = []
    # a row depends on the clause's text, actor, level, target, polarity, whether it has a frequency, a dated
    # deadline, a submission verb, and the detection's verb/object: one row per distinct clause, copied per
    # occurrence (repeated clauses: table rows, dense text)
    memo: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}
    for c in f.clauses:
        if c.actor_level not in ("upper", "grassroots", "other") or c.polarity not in ("demand", "neutral"):
            continue
        info = c.info
        key = (c.text, c.actor, c.actor_level, c.target, c.polarity, bool(c.freqs),
               any(d.get("kind") != "vague" for d in c.deadlines), c.has("report_verbs"),
               None if info is None else (info.verb, info.obj))
        if key in memo and facts_mod.REUSE_REPEATS:
            rest = memo[key]
            if rest is not None:
                row = {"start": c.start, "end": c.end}
                row.update(rest)
                row["markers"] = list(row["markers"])
                rows.append(row)
            continue
        r = _row(f, c, lex)
        memo[key] = None if r is None else tuple((k, v) for k, v in r.items() if k not in ("start", "end"))
        if r is not None:
            rows.append(r)
    _compensate(f, rows)
    return {"rows": rows, "index": _index(rows)}


def _lex(name: str) -> tuple[str, ...]:
    from ..detect.lexicon import lexicons

    return lexicons().get(name, ())


class _TermIndex:
    """``find(text)`` = for each lexicon, ``[t for t in lexicon if t in text]`` (lexicon order, duplicates kept),
    from one Aho-Corasick pass instead of a substring test per term (~120 terms, every duty clause)."""

    def __init__(self, lexs: tuple[tuple[str, ...], ...]) -> None:
        import ahocorasick

        self.lexs = lexs
        self.always: list[set[int]] = [{i for i, t in enumerate(lex) if not t} for lex in lexs]
        where: dict[str, list[tuple[int, int]]] = {}
        for k, lex in enumerate(lexs):
            for i, t in enumerate(lex):
                if t:
                    where.setdefault(t, []).append((k, i))
        self.auto: Any = None
        if where:
            auto = ahocorasick.Automaton()
            for t, places in where.items():
                auto.add_word(t, tuple(places))
            auto.make_automaton()
            self.auto = auto

    @classmethod
    @functools.lru_cache(maxsize=8)
    def of(cls, lexs: tuple[tuple[str, ...], ...]) -> _TermIndex:
        return cls(lexs)

    def find(self, text: str) -> list[list[str]]:
        found = [set(a) for a in self.always]
        if self.auto is not None:
            for _, places in self.auto.iter(text):
                for k, i in places:
                    found[k].add(i)
        return [[lex[i] for i in sorted(idx)] for lex, idx in zip(self.lexs, found, strict=True)]


def _row(f: Facts, c: Clause, lex: _TermIndex) -> dict[str, Any] | None:
    if c.actor_level not in ("upper", "grassroots", "other") or c.polarity not in ("demand", "neutral"):
        return None
    if c.polarity == "neutral" and c.actor_level != "upper":
        return None  # (the check below, before the lexicon look-up it cannot need)
    text = c.text.strip("，,。；;：: ")
    if len(text) < 4 or _PURPOSE.match(text):
        return None
    vague_terms, concrete_verbs, push = lex.find(text)
    if c.polarity == "neutral" and not (c.actor_level == "upper" and (vague_terms or concrete_verbs)):
        return None  # an upper body's own commitment (县财政局下拨…) needs no modal; anything else does
    markers: list[str] = []
    if _NUMBER.search(text):
        markers.append("quantity")
    if any(d.get("kind") != "vague" for d in c.deadlines):
        markers.append("deadline")
    if c.freqs:
        markers.append("frequency")
    if _MONEY.search(text) and (concrete_verbs or re.search(r"[0-9]", text)):
        markers.append("money")
    if _STAFF.search(text):
        markers.append("staff")
    if any(d in text for d in _DELIVERABLE) or c.has("report_verbs"):
        markers.append("deliverable")
    concrete = bool(markers)
    vague = bool(vague_terms) and not concrete
    if not (concrete or vague or push or concrete_verbs or (c.info is not None and c.info.verb)):
        return None
    verb = (vague_terms or concrete_verbs or push or [None])[0]
    if verb is None and c.info is not None:
        verb = c.info.verb
    obj = c.info.obj if c.info is not None and c.info.obj else None
    resources = c.actor_level == "upper" and any(m in markers for m in ("money", "staff")) and bool(concrete_verbs)
    return {
        "start": c.start, "end": c.end, "text": text,
        "actor": c.actor, "level": c.actor_level, "target": c.target,
        "verb": verb, "object": obj,
        "concrete": concrete, "vague": vague, "push_down": bool(push), "resources": resources,
        "markers": markers, "made_concrete_by": None,
    }


def _table_rows(f: Facts) -> list[tuple[int, int, str]]:
    """Rows of attachment tables (table_cell blocks grouped by table/row, or |…| lines) and attachment text."""
    out: list[tuple[int, int, str]] = []
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for b in f.doc.blocks:
        if b.kind == "table_cell":
            key = (b.ref.get("table"), b.ref.get("row")) if b.ref.get("row") is not None else (b.start, None)
            groups.setdefault(key, []).append(b)
    for bs in groups.values():
        s, e = min(b.start for b in bs), max(b.end for b in bs)
        out.append((s, e, " ".join(f.text[b.start:b.end] for b in bs)))
    for m in re.finditer(r"(?m)^\|.*\|\s*$", f.text):
        out.append((m.start(), m.end(), m.group(0)))
    date_span = (f.doc.metadata.spans or {}).get("date")
    if date_span and date_span[1] < len(f.text) - 1:
        tail_start = date_span[1]
        for st in f.sents:
            if st.start >= tail_start:
                out.append((st.start, st.end, f.text[st.start:st.end]))
    return out


def _core(actor: str) -> str:
    return re.sub(r"^(?:各|全)?(?:省|市|县|区)(?:级|直)?", "", actor)


def _compensate(f: Facts, rows: list[dict[str, Any]]) -> None:
    vague_upper = [r for r in rows if r["vague"] and r["level"] == "upper" and r["actor"]]
    if not vague_upper:
        return
    tables = _table_rows(f)
    for r in vague_upper:
        core = _core(r["actor"])
        if len(core) < 2:
            continue
        for s, e, t in tables:
            if s <= r["start"] < e:
                continue
            if core in t and (_NUMBER.search(t) or any(d in t for d in _DELIVERABLE) or re.search(r"[0-9]{1,2}月", t)):
                r["vague"] = False
                r["concrete"] = True
                r["made_concrete_by"] = {"start": s, "end": e, "text": t.strip()[:120]}
                break


def _index(rows: list[dict[str, Any]]) -> dict[str, Any]:
    g = [r for r in rows if r["level"] == "grassroots"]
    u = [r for r in rows if r["level"] == "upper"]
    gc = sum(r["concrete"] for r in g)
    uc = sum(r["concrete"] for r in u)
    uv = sum(r["vague"] for r in u)
    ratio = round(gc / max(1, uc), 2)
    return {
        "grassroots_concrete": gc,
        "grassroots_push_down": sum(r["push_down"] for r in g),
        "upper_concrete": uc,
        "upper_vague": uv,
        "upper_resources": sum(r["resources"] for r in u),
        "upper_made_concrete_elsewhere": sum(1 for r in u if r["made_concrete_by"]),
        "ratio": ratio,
        "flag": gc >= 3 and uv >= 1 and ratio >= 3,
        "method": "ratio = grassroots_concrete / max(1, upper_concrete); flag: >=3 grassroots concrete, >=1 vague upper, ratio >= 3",
    }


# ---- for the detection helper ---------------------------------------------------------------------------------
def vague_duty_evidence(doc: Any, detection: Any) -> list[dict[str, Any]]:
    """Per ``vague_duty`` finding (by index into ``detection.findings``): strengthen / weaken / none, with why."""
    from .facts import build_cached

    f = build_cached(doc, detection)
    m = f._memo[_MATRIX] = _matrix(f)
    rows, index = m["rows"], m["index"]
    # upper rows by start: each finding takes those starting in its sentence (bisect, not a scan of all rows;
    # the order inside does not matter below)
    upper_rows = sorted((r for r in rows if r["level"] == "upper"), key=lambda r: r["start"])
    upper_starts = [r["start"] for r in upper_rows]
    out: list[dict[str, Any]] = []
    for i, fd in enumerate(getattr(detection, "findings", []) or []):
        if fd.category != "vague_duty":
            continue
        s0 = fd.sentence_start if fd.sentence_start is not None else fd.start
        s1 = fd.sentence_end if fd.sentence_end is not None else fd.end
        lo = bisect.bisect_left(upper_starts, s0)
        upper = upper_rows[lo:bisect.bisect_left(upper_starts, s1, lo)] if s1 > s0 else []
        effect, reason = "none", ""
        if upper and all(r["made_concrete_by"] for r in upper if r["made_concrete_by"] or r["vague"]) and any(
                r["made_concrete_by"] for r in upper):
            effect, reason = "weaken", "upper duty made concrete in an attachment/table"
        elif index["upper_resources"] >= max(1, index["grassroots_concrete"]):
            effect, reason = "weaken", "upper levels commit resources at least as often as grassroots get concrete duties"
        elif index["flag"] or any(r["vague"] for r in upper):
            effect, reason = "strengthen", "vague upper duty with concrete grassroots duties (小马拉大车 index)"
        out.append({"index": i, "effect": effect, "reason": reason,
                    "factor": {"strengthen": 1.15, "weaken": 0.6}.get(effect, 1.0)})
    return out


def apply_vague_duty_evidence(doc: Any, detection: Any) -> None:
    """Adjust ``vague_duty`` findings in place: confidence × factor (capped 0.99), flag ``duty_matrix_<effect>``."""
    for ev in vague_duty_evidence(doc, detection):
        if ev["effect"] == "none":
            continue
        fd = detection.findings[ev["index"]]
        fd.confidence = round(min(0.99, fd.confidence * ev["factor"]), 3)
        flag = f"duty_matrix_{ev['effect']}"
        if flag not in fd.flags:
            fd.flags.append(flag)
