"""Regulation checks as data (``data/regulation_checks.yaml``), each tied to a provision of
``data/provisions.yaml``. ``check(facts, items, config) -> list`` gives, for every check, ``{id, status:
breach|check|ok, provision: {id, title, part, confidence, source}, evidence: [{start, end, text}], message,
message_en}``. Low-confidence (L) provisions never yield "breach": they yield "check".

Kinds: ``pattern`` (a regex matched in clauses that impose: demand, or neutral without a negation just before
the match), ``doc_length`` (body characters vs 4000/5000), ``meeting_count`` and ``inspection_count`` (from the
burden items).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from .facts import Facts

DATA = Path(__file__).resolve().parent.parent / "data"


@functools.cache
def _checks() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import yaml

    from ..detect.prefilter import Finder
    from ..errors import DocscanError

    try:
        checks = yaml.safe_load((DATA / "regulation_checks.yaml").read_text(encoding="utf-8"))["checks"]
        provisions = yaml.safe_load((DATA / "provisions.yaml").read_text(encoding="utf-8"))["provisions"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as e:  # pragma: no cover - shipped files
        raise DocscanError("bad_rules", f"regulation_checks.yaml: {e}") from e
    for c in checks:
        if c.get("provision") not in provisions:
            raise DocscanError("bad_rules", f"regulation_checks.yaml: {c.get('id')}: unknown provision {c.get('provision')}")
        if c.get("regex"):
            c["_rx"] = re.compile(c["regex"])
            c["_find"] = Finder(c["_rx"])  # the same matches as finditer, prefiltered when that is faster
    return checks, provisions


def check(f: Facts, items: list[dict[str, Any]], config: Any) -> list[dict[str, Any]]:
    checks, provisions = _checks()
    lang = getattr(config, "lang", "zh")
    out: list[dict[str, Any]] = []
    for c in checks:
        kind = c["kind"]
        evidence: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        if kind == "pattern":
            evidence = _pattern(f, c)
        elif kind == "doc_length":
            evidence, values = _length(f, c)
        elif kind == "meeting_count":
            evidence, values = _meetings(items, c)
        elif kind == "inspection_count":
            evidence, values = _inspections(f, items, c)
        p = provisions[c["provision"]]
        status = "ok"
        if evidence:
            status = "check" if p.get("confidence") == "L" or c.get("status_when_found") == "check" else "breach"
            if values.get("status") == "check":
                status = "check"
        msg = c.get("message", {})
        zh, en = _fmt(msg.get("zh", ""), values), _fmt(msg.get("en", ""), values)
        out.append({
            "id": c["id"],
            "status": status,
            "provision": {"id": c["provision"], "title": p.get("doc"), "part": p.get("part"),
                          "confidence": p.get("confidence"), "source": p.get("source")},
            "evidence": evidence[:10],
            "message": (en if lang == "en" else zh) if status != "ok" else "",
            "message_en": en if status != "ok" else "",
            **({"values": {k: v for k, v in values.items() if k != "status"}} if values else {}),
        })
    return out


def _fmt(t: str, values: dict[str, Any]) -> str:
    class _D(dict):
        def __missing__(self, key: str) -> str:
            return ""

    try:
        return t.format_map(_D(values))
    except (ValueError, IndexError):
        return t


def _imposing(f: Facts, start: int, grassroots_only: bool = False) -> bool:
    c = f.clause_at(start)
    if c is None or c.polarity not in ("demand", "neutral"):
        return False
    if grassroots_only and c.actor_level != "grassroots":
        return False
    before = f.text[max(c.start, start - 4):start]
    return not (before[-1:] in ("不", "未", "无", "免") or any(w in before for w in ("不得", "不再", "不搞", "严禁", "禁止")))


def _pattern(f: Facts, c: dict[str, Any]) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []
    for m in c["_find"](f.text):
        if _imposing(f, m.start(), bool(c.get("grassroots_only"))):
            ev.append({"start": m.start(), "end": m.end(), "text": m.group(0)})
    return ev


def body_span(f: Facts) -> tuple[int, int]:
    """正文: after the title / 主送机关, before 附件说明 / 落款 / 成文日期 / 版记."""
    sp = f.doc.metadata.spans or {}
    start = max([sp[k][1] for k in ("title", "addressees") if k in sp] or [0])
    while start < len(f.text) and f.text[start] in "：:\n \t":
        start += 1
    ends = [sp[k][0] for k in ("attachments", "date", "cc", "printed_by") if k in sp and sp[k][0] > start]
    issuer = sp.get("issuer")
    if issuer and issuer[0] > start and (not ends or issuer[0] < min(ends)) and min(ends or [0]) - issuer[0] < 40:
        ends.append(issuer[0])
    end = min(ends) if ends else len(f.text)
    if "date" in sp and end == sp["date"][0]:
        # the 落款 (issuer lines right above the date) is not body text
        while True:
            line_start = f.text.rfind("\n", start, max(start, end - 1)) + 1
            line = f.text[line_start:end].strip()
            if line_start <= start or len(line) > 30 or any(ch in line for ch in "。，；：,;:"):
                break
            end = line_start
    return start, end


def _length(f: Facts, c: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    s, e = body_span(f)
    chars = sum(1 for ch in f.text[s:e] if not ch.isspace())
    title = f.doc.metadata.title or ""
    special = any(t in title for t in c.get("special_title_terms", []))
    comprehensive = any(t in title for t in c.get("comprehensive_title_terms", []))
    limit = c["special_limit"] if special and not comprehensive else c["general_limit"]
    values: dict[str, Any] = {"chars": chars, "limit": limit, "body": [s, e],
                              "kind_zh": "专项工作部署" if limit == c["special_limit"] else "一般",
                              "kind_en": "special-task" if limit == c["special_limit"] else "general"}
    if chars > limit:
        if not special and not comprehensive and chars <= c["general_limit"]:
            values["status"] = "check"
        return [{"start": s, "end": e, "text": f"{chars}字"}], values
    return [], values


def _meetings(items: list[dict[str, Any]], c: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    mine = [i for i in items if i["action_type"] == "meeting" and any(t in i["text"] for t in c.get("terms", []))]
    count = sum(i["count"] for i in mine)
    if count > c.get("max_per_year", 1):
        return [{"start": i["start"], "end": i["end"], "text": i["text"]} for i in mine], {"count": count}
    return [], {}


def _inspections(f: Facts, items: list[dict[str, Any]], c: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    by: dict[str, list[dict[str, Any]]] = {}
    for i in items:
        if i["action_type"] == "inspection_received":
            by.setdefault(i.get("requester") or f.doc.metadata.issuer or "?", []).append(i)
    worst: tuple[str, float, list[dict[str, Any]]] | None = None
    for req, xs in by.items():
        n = sum(x["count"] for x in xs)
        if n > c.get("max_per_year", 1) and (worst is None or n > worst[1]):
            worst = (req, n, xs)
    if worst is None:
        return [], {}
    req, n, xs = worst
    comprehensive = any(t in x["text"] for x in xs for t in c.get("comprehensive_terms", []))
    values: dict[str, Any] = {"requester": req, "count": round(n)}
    if not comprehensive:
        values["status"] = "check"
    return [{"start": x["start"], "end": x["end"], "text": x["text"]} for x in xs], values
