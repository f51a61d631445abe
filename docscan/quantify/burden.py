"""Burden per grassroots unit per year (domain §C.3), with the arithmetic shown item by item.

Counting rules (the ``*.expected.yaml`` files under ``tests/data/directives/`` count by hand the same way):

1. Only DEMAND clauses whose bearer is a grassroots unit (乡镇/街道 = township, 村/社区/网格员 = village, both
   named = both) count, plus inspections and assessments that an upper body schedules for grassroots units
   (``inspection_received``) and meetings grassroots units must hold or attend.
2. One item per action in a clause: ``report`` (a submission verb: 报送/上报/填报/上传/报县…办), ``app_activity``
   (an app word + 打卡/签到/上传/登录…), ``ledger`` (a ledger to build/keep; one per sentence), ``trace`` (photos,
   sign-ins kept but not submitted; one per sentence), ``inspection_received``, ``meeting``.
3. Count per year = the clause's frequency (``docscan.detect.frequency.parse_frequency``; inherited from an
   earlier clause of the sentence that has no action of its own); none = one-off = 1 (with or without a
   deadline); 随时/不定期 = 12 placeholder and ``unbounded``; 定期 = 4.
   Within an active period (X月X日至Y月Y日, 汛期, 禁烧期间, 专项行动期间… in the item's sentence, paragraph or
   section; a named period resolves to a date range in a sentence naming it, else to a default length) the
   count is the occurrences inside the period: daily = working days (``chinese_calendar``; calendar days when
   the sentence says 值班/24小时/含节假日), 每周五 = Fridays in the period, 每月5日 = 5ths, otherwise
   round(per_year × days / 365), at least 1.
4. Submissions: × the number of recipients named after the verb (报送县农业农村局和县生态环境局 = 2); paper +
   electronic copies of one submission are ONE submission (evidence weight +0.5, not ×2); a quota 至少2篇 per
   period multiplies (每季度至少报送2篇 = 8). A village demand is counted for villages only — the township's
   汇总上报 counts when the text demands it of the township.
5. Figures (``burden_summary``): for each figure the busier grassroots level (township vs village);
   ``materials`` = Σ over items of the material kinds each asks for (ledger, form, photo_video, sign_in, notes,
   minutes, written); ``shortest_window_days`` = the shortest non-recurring deadline of a counted item, in
   calendar days from the 成文日期. ``null`` where the document imposes nothing of that kind.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Any

from .facts import Clause, Facts, vocab

_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_RX_WEEKDAY = re.compile(r"每(?:周|星期)([一二三四五六日天1-7])")
_RX_MONTHDAY = re.compile(r"每(?:个)?月([0-9]{1,2})[日号]")
_ORG = re.compile(r"(?:办公室|办|局|中心|委员会|委|部|政府|指挥部|专班|领导小组|平台|站|所)")
_SPLIT_RECIPIENTS = re.compile(r"[、和及与]|同时抄送|并抄送|抄送")
LEVELS = ("township", "village")
_INTRA = ("same_day", "next_day", "hours", "immediate")
REPORT_TYPES = ("report", "app_activity")


def compute(f: Facts) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """(burden_items, burden detail, burden_summary)."""
    items = _items(f)
    detail, summary = _totals(f, items)
    return items, detail, summary


# ---- items ------------------------------------------------------------------------------------------------------
def _items(f: Facts) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for st in f.sents:
        sent_text = f.text[st.start:st.end]
        ledger_done = trace_done = doc_done = False
        meetings_seen: set[str] = set()
        pending_freq: dict[str, Any] | None = None
        pending_dl: dict[str, Any] | None = None
        regime: Clause | None = None
        sent_items: list[dict[str, Any]] = []
        for ci in st.clauses:
            c = f.clauses[ci]
            own_freq = c.freqs[0] if c.freqs else None
            own_dl = next((d for d in c.deadlines if d.get("kind") != "recurring"), None)
            # domain A.0.1 4c: an upper body's scheduled meeting/inspection without a modal still binds the receiver
            scheduled = c.polarity == "neutral" and c.actor_level == "upper" and not any(
                t in sent_text for t in ("了", "去年", "曾", "已经"))
            if c.polarity != "demand" and not scheduled:
                pending_freq, pending_dl = own_freq or pending_freq, own_dl or pending_dl
                continue
            freq = own_freq or pending_freq
            dl = own_dl or pending_dl
            if dl is not None and freq is not None and not freq.get("unbounded") and dl.get("kind") not in _INTRA:
                dl = None  # a periodic item's window is per period (本周巡查情况 is no deadline)
            made: list[dict[str, Any]] = []
            grass = c.actor_level == "grassroots" and c.polarity == "demand"
            if grass:
                if c.has("app_words") and c.has("app_activity"):
                    made.append(_item(f, c, "app_activity", freq, dl, sent_text))
                elif c.has("report_verbs"):
                    made.append(_item(f, c, "report", freq, dl, sent_text))
                elif c.hits.get("report_regime") and regime is None:
                    regime = c
                if c.has("ledger_terms") and not ledger_done and (c.has("ledger_build") or not c.has("report_verbs")):
                    made.append(_item(f, c, "ledger", None, dl, sent_text))
                    ledger_done = True
                if (not doc_done and c.has("document_verbs") and c.has("document_nouns")
                        and not all(_negated(c, h[0]) for h in c.hits["document_verbs"])):
                    made.append(_item(f, c, "document", None, dl, sent_text))
                    doc_done = True
                if (not made and not trace_done and c.has("trace_terms") and c.has("trace_keep")):
                    made.append(_item(f, c, "trace", None, dl, sent_text))
                    trace_done = True
            if _is_inspection(c):
                made.append(_item(f, c, "inspection_received", freq, None, sent_text))
            if _is_meeting(f, c, sent_text):
                names = set(c.terms("meeting_terms")) - {"召开", "会议"}
                if not names or not names & meetings_seen:
                    made.append(_item(f, c, "meeting", freq, dl, sent_text))
                meetings_seen |= names
            if made:
                pending_freq = pending_dl = None
                sent_items.extend(made)
            else:
                pending_freq, pending_dl = own_freq or pending_freq, own_dl or pending_dl
        if regime is not None and not any(i["action_type"] in REPORT_TYPES for i in sent_items):
            rf = regime.freqs[0] if regime.freqs else None
            sent_items.append(_item(f, regime, "report", rf, None, sent_text))
        out.extend(sorted(sent_items, key=lambda i: i["start"]))
    return out


def _is_inspection(c: Clause) -> bool:
    if not c.has("inspection_terms") or c.has("inspection_exclude"):
        return False
    terms = c.terms("inspection_terms")
    explicit_grass = any(m.level == "grassroots" and not m.is_object for m in c.mentions)
    receives = any(t in c.text for t in ("接受", "迎接", "配合"))
    if c.actor_level == "grassroots":
        if explicit_grass and not receives:
            return False  # the township inspects others, or patrols: work, not a visit received
        if all(t == "巡查" for t in terms):
            return False
    elif c.actor_level != "upper":
        return False
    return bool(c.freqs) or c.has("inspection_event_verbs") or any(t in ("回头看", "暗访", "抽查") for t in terms)


def _is_meeting(f: Facts, c: Clause, sent_text: str) -> bool:
    if not c.has("meeting_terms"):
        return False
    if all(c.text[max(0, s - c.start - 1): s - c.start] in ("未", "不") for s, _, _ in c.hits["meeting_terms"]):
        return False  # 未召开推进会的扣10分: the score condition of a meeting already counted
    if c.actor_level == "grassroots":
        return any(t in c.text for t in ("召开", "组织", "举办", "开展", "传达学习"))
    if c.actor_level == "upper":
        if not any(t in sent_text for t in vocab().get("meeting_attend", [])):
            return False
        st = f.sents[c.sent]
        return any(m.level == "grassroots" for ci in st.clauses for m in f.clauses[ci].mentions)
    return False


def _item(f: Facts, c: Clause, action: str, freq: dict[str, Any] | None, dl: dict[str, Any] | None,
          sent_text: str) -> dict[str, Any]:
    v = vocab()
    level = c.target or f.addressee_target or "township"
    if action == "inspection_received" or (action == "meeting" and c.actor_level == "upper"):
        st = f.sents[c.sent]
        grass = [m.text for ci in st.clauses for m in f.clauses[ci].mentions if m.level == "grassroots"]
        from .facts import target_of

        level = target_of(grass[0]) if grass else (f.addressee_target or "township")
    count, per_year, period, window, note = _count(f, c, freq, sent_text)
    recipients = quota = 1
    if action == "report":
        recipients = _recipients(c)
        m = _quota(c)
        if m and freq is not None:
            quota = m
    total = count * recipients * quota if action not in ("ledger", "trace", "document") else 0
    if action == "ledger":
        note = "ledger to keep (not a submission)"
    elif action == "document":
        note = "document to draft (not a submission)"
    elif action == "trace":
        note = "trace kept as proof (not a submission)"
    else:
        if recipients > 1:
            note += f" × {recipients} recipients"
        if quota > 1:
            note += f" × {quota} per period (quota)"
        note += f" = {total:g}"
    kinds = _material_kinds(c)
    mult = [k[5:] for k in c.hits if k.startswith("mult:")]
    sent_mult = {k[5:] for ci in f.sents[c.sent].clauses for k in f.clauses[ci].hits if k.startswith("mult:")}
    evidence = 1.0
    ev_names = []
    for ev in v.get("evidence") or []:
        hit = c.has("ev:" + ev["name"])
        alls = ev.get("all_terms")
        if not hit and alls:
            hit = all(t in c.text for t in alls)
        if hit:
            evidence += float(ev["add"])
            ev_names.append(ev["name"])
    urgency = 1.0
    dl_out = None
    if dl is not None:
        dl_out = {"text": dl["text"], "days": dl.get("days"), "working_days": dl.get("working_days"),
                  "kind": dl.get("kind")}
        wd = dl.get("working_days") if dl.get("working_days") is not None else dl.get("days")
        if wd is not None:
            urgency = 2.0 if wd <= 1 else 1.5 if wd <= 4 else 1.0
    requester = None
    if action == "inspection_received":
        requester = c.actor if c.actor_level == "upper" else (
            getattr(c.info, "requester", None) or f.doc.metadata.issuer)
    return {
        "start": c.start, "end": c.end, "text": c.text.strip("，,。；; "),
        "action_type": action, "level": level, "actor": c.actor, "requester": requester,
        "frequency": freq["text"] if freq else None,
        "per_year": per_year, "period": period, "window": window,
        "count": round(total, 2) if isinstance(total, float) else total,
        "recipients": recipients, "quota": quota,
        "unbounded": bool(freq and freq.get("unbounded")),
        "evidence_weight": evidence, "evidence": ev_names, "urgency": urgency,
        "deadline": dl_out, "materials": kinds, "multiplicity": sorted(set(mult) | sent_mult) if action == "ledger" else mult,
        "note": note,
    }


def _count(f: Facts, c: Clause, freq: dict[str, Any] | None, sent_text: str
           ) -> tuple[float, float | None, str, dict[str, Any] | None, str]:
    """(count, per_year, period, window, note)."""
    if freq is None:
        return 1, None, "once", None, "one-off: 1"
    per_year = freq.get("per_year")
    if freq.get("unbounded"):
        return 12, per_year, "unbounded", None, f"{freq['text']}: unbounded, placeholder 12"
    if freq.get("unspecified"):
        n = per_year if per_year is not None else 4
        return n, per_year, freq.get("period", "unspecified"), None, f"{freq['text']}: unspecified, assumed {n:g}"
    window = _window(f, c)
    period = freq.get("period") or ""
    if window is None:
        return per_year or 1, per_year, period, None, f"{freq['text']}: {per_year:g}/year"
    a, b = window["from"], window["to"]
    days = (b - a).days + 1 if a and b else window["days"]
    times = float(freq.get("times") or 1)
    span = f"{a.isoformat()}–{b.isoformat()}" if a and b else f"{window['text']} ≈ {days} days"
    mode365 = any(t in sent_text for t in vocab().get("days365_terms", []))
    if period in ("day", "day_seasonal"):
        if a and b:
            n = days if mode365 else _workdays(a, b)
        else:
            n = days if mode365 else round(days * 250 / 365)
        n *= times
        unit = "calendar days" if mode365 else "working days"
        return n, per_year, period, _wout(window, days), f"{freq['text']} in {span}: {n:g} {unit}"
    wd = _RX_WEEKDAY.search(freq["text"])
    if wd and a and b:
        n = _count_weekday(a, b, _WEEKDAY[wd.group(1)]) * times
        return n, per_year, period, _wout(window, days), f"{freq['text']} in {span}: {n:g} occurrences"
    md = _RX_MONTHDAY.search(freq["text"])
    if md and a and b:
        n = _count_monthday(a, b, int(md.group(1))) * times
        return n, per_year, period, _wout(window, days), f"{freq['text']} in {span}: {n:g} occurrences"
    base = per_year or 1
    n = max(1, round(base * days / 365))
    return n, per_year, period, _wout(window, days), f"{freq['text']} in {span}: {base:g}×{days}/365 ≈ {n}"


def _wout(w: dict[str, Any], days: int) -> dict[str, Any]:
    return {"text": w["text"], "from": w["from"].isoformat() if w["from"] else None,
            "to": w["to"].isoformat() if w["to"] else None, "days": days, "source": w["source"]}


def _window(f: Facts, c: Clause) -> dict[str, Any] | None:
    """The active period that governs clause ``c``: sentence → paragraph → section."""
    windows = vocab().get("windows") or []
    sent = f.sents[c.sent]
    blk = f.doc.block_at(c.start)
    b0, b1 = (blk.start, blk.end) if blk else (sent.start, sent.end)

    def rng(r: dict[str, Any], source: str) -> dict[str, Any]:
        return {"text": r["text"], "from": r["from"], "to": r["to"], "days": (r["to"] - r["from"]).days + 1,
                "source": source}

    def named(lo: int, hi: int, source: str) -> dict[str, Any] | None:
        for s, _e, wi in f.named_in(lo, hi):
            w = windows[wi]
            stem = w.get("stem") or ""
            r = _stem_range(f, stem) if stem else None
            if r is not None:
                return rng(r, f"{source}: {f.text[s:_e]} → {r['text']}")
            return {"text": f.text[s:_e], "from": None, "to": None, "days": int(w.get("days", 30)),
                    "source": f"{source}: {f.text[s:_e]} (default length)"}
        return None

    # 1. sentence
    in_sent = f.ranges_in(sent.start, sent.end)
    if in_sent:
        return rng(min(in_sent, key=lambda r: abs(r["start"] - c.start)), "sentence")
    w = named(sent.start, sent.end, "sentence")
    if w:
        return w
    # 2. paragraph (block)
    in_blk = f.ranges_in(b0, b1)
    if in_blk:
        return rng(in_blk[0], "paragraph")
    w = named(b0, b1, "paragraph")
    if w:
        return w
    # 3. section: a period-like range under the same heading
    lo, hi = f.section(c.start)
    for r in f.ranges_in(lo, hi):
        if _period_like(f, r):
            return rng(r, "section")
    return None


def _stem_range(f: Facts, stem: str) -> dict[str, Any] | None:
    """The first date range whose sentence names ``stem`` (汛期 → the sentence saying 汛期为6月1日至9月30日)."""
    key = ("stem", stem)
    if key not in f._memo:
        f._memo[key] = next((r for r in f.ranges if stem in f.sentence_text(r["sent"])), None)
    return f._memo[key]


def _period_like(f: Facts, r: dict[str, Any]) -> bool:
    key = ("period", r["start"])
    if key not in f._memo:
        markers = vocab().get("period_markers") or []
        f._memo[key] = any(m in f.sentence_text(r["sent"]) for m in markers)
    return f._memo[key]


@functools.lru_cache(maxsize=1024)
def _workdays(a: date, b: date) -> int:
    # cached: every daily item of one period counts the same days (chinese_calendar checks its year bounds per call)
    n, d = 0, a
    while d <= b:
        n += _is_workday(d)
        d += timedelta(days=1)
    return n


@functools.lru_cache(maxsize=4096)
def _is_workday(d: date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(d))
    except (ImportError, NotImplementedError):  # outside the calendar's years: plain weekdays
        return d.weekday() < 5


def _count_weekday(a: date, b: date, wd: int) -> int:
    first = a + timedelta(days=(wd - a.weekday()) % 7)
    return 0 if first > b else (b - first).days // 7 + 1


def _count_monthday(a: date, b: date, day: int) -> int:
    n, y, m = 0, a.year, a.month
    while (y, m) <= (b.year, b.month):
        try:
            d = date(y, m, day)
            n += a <= d <= b
        except ValueError:
            pass
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return n


def _recipients(c: Clause) -> int:
    verbs = sorted(c.hits.get("report_verbs", []))
    if not verbs:
        return 1
    tail = c.text[verbs[0][1] - c.start:]
    parts = [p for p in _SPLIT_RECIPIENTS.split(tail) if p.strip()]
    n = sum(1 for p in parts if _ORG.search(p) and len(p) <= 24)
    return max(1, n)


def _quota(c: Clause) -> int | None:
    from ..detect.frequency import cn_number
    from .facts import _regexes

    m = _regexes()["quota"].search(c.text)
    if not m:
        return None
    n = cn_number(m.group(1))
    return int(n) if n and n > 1 else None


def _material_kinds(c: Clause) -> list[str]:
    hits = [(s, e, k[4:]) for k, hs in c.hits.items() if k.startswith("mat:") for s, e, _ in hs]
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    chosen: list[tuple[int, int, str]] = []
    for h in hits:
        if all(h[1] <= o[0] or o[1] <= h[0] for o in chosen):
            chosen.append(h)
    return sorted({k for _, _, k in chosen})


# ---- totals -------------------------------------------------------------------------------------------------------
def _totals(f: Facts, items: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_level: dict[str, dict[str, Any]] = {}
    for lv in LEVELS:
        mine = [i for i in items if i["level"] in (lv, "both")]
        by_level[lv] = {
            "reports_per_year": _sum(mine, REPORT_TYPES),
            "weighted_reports": _wsum(mine),
            "inspections_per_year": _sum(mine, ("inspection_received",)),
            "meetings_per_year": _sum(mine, ("meeting",)),
            "ledgers_to_maintain": sum(1 for i in mine if i["action_type"] == "ledger") or None,
            "documents_to_draft": sum(1 for i in mine if i["action_type"] == "document") or None,
            "materials": sum(len(i["materials"]) for i in mine) or None,
        }
    def best(key: str) -> Any:
        vals = [by_level[lv][key] for lv in LEVELS if by_level[lv][key] is not None]
        return max(vals) if vals else None

    windows = [i["deadline"]["days"] for i in items
               if i["deadline"] and i["deadline"].get("days") is not None and i["deadline"].get("kind") != "recurring"]
    kinds: dict[str, int] = {}
    for i in items:
        for k in i["materials"]:
            kinds[k] = kinds.get(k, 0) + 1
    pressure = _pressure(f)
    summary = {
        "reports_per_year": _int(best("reports_per_year")),
        "inspections_per_year": _int(best("inspections_per_year")),
        "meetings_per_year": _int(best("meetings_per_year")),
        "materials": best("materials"),
        "shortest_window_days": _int(min(windows)) if windows else None,
    }
    detail = {
        **summary,
        "weighted_reports": best("weighted_reports"),
        "ledgers_to_maintain": best("ledgers_to_maintain"),
        "documents_to_draft": best("documents_to_draft"),
        "material_kinds": kinds,
        "multiplicity": sorted({m for i in items if i["action_type"] == "ledger" for m in i["multiplicity"]}),
        "unbounded_items": sum(1 for i in items if i["unbounded"]),
        "deadlines": [dict(i["deadline"], start=i["start"], end=i["end"]) for i in items if i["deadline"]],
        "pressure": pressure,
        "by_level": by_level,
        "issued": f.issued.isoformat() if f.issued else None,
        "method": "domain C.3; see docscan/quantify/burden.py",
    }
    return detail, summary


def _sum(items: list[dict[str, Any]], types: tuple[str, ...]) -> float | None:
    xs = [i["count"] for i in items if i["action_type"] in types]
    return round(sum(xs), 2) if xs else None


def _wsum(items: list[dict[str, Any]]) -> float | None:
    xs = [i["count"] * i["evidence_weight"] * i["urgency"] for i in items if i["action_type"] in REPORT_TYPES]
    return round(sum(xs), 1) if xs else None


def _int(x: float | None) -> int | None:
    return None if x is None else round(x)


def _negated(c: Clause, start: int) -> bool:
    before = c.text[max(0, start - c.start - 3): start - c.start]
    return bool(before) and (before[-1] in "不未无非免" or any(w in before for w in ("不得", "不再", "不搞", "严禁")))


def _pressure(f: Facts) -> dict[str, Any]:
    spec = vocab().get("pressure") or {}
    out: dict[str, Any] = {k: False for k in spec}
    points = 0
    evidence: list[dict[str, Any]] = []
    kinds = [(k, "press:" + k) for k in spec]
    for c in f.clauses:
        if c.polarity not in ("demand", "neutral"):
            continue
        for k, key in kinds:
            raw = c.hits.get(key)
            if not raw or out[k]:  # only the first un-negated hit of each kind counts
                continue
            hs = [h for h in raw if not _negated(c, h[0])]
            if hs:
                out[k] = True
                points += int(spec[k].get("points", 1))
                s, e, t = hs[0]
                evidence.append({"kind": k, "start": s, "end": e, "text": t})
    out["points"] = points
    out["evidence"] = evidence
    return out
