"""Clause facts shared by burden, duties, 准入 and regulation checks.

One pass over the document: one Aho-Corasick automaton over the counting vocabulary (``data/burden.yaml``),
the actor terms and the polarity markers of the detection helper's data; ``parse_frequency``/``parse_deadline``
once over the whole text. Each clause of ``doc.sentences`` gets its polarity, actor and level from the
detection ``ClauseInfo`` that covers it; a clause detection did not report (no trigger of a rule pack yet, e.g.
a scheduled inspection) gets a conservative fallback: prohibition/critique markers win, else a modal, a
frequency/deadline or a score row makes it a demand. Why a fallback at all: burden counting must not depend on
which rule packs happen to be loaded.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..document import Document
from ..gongwen import iso_to_date

DATA = Path(__file__).resolve().parent.parent / "data"
_GRASS_VILLAGE = ("村", "社区", "网格", "居委", "楼栋", "联户", "护林员", "信息员", "第一书记", "居（")
_GRASS_TOWN = ("乡镇", "镇", "乡", "街道", "苏木", "镇街")


@functools.cache
def vocab() -> dict[str, Any]:
    import yaml

    from ..errors import DocscanError

    p = DATA / "burden.yaml"
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:  # pragma: no cover - shipped file
        raise DocscanError("bad_rules", f"{p.name}: {e}") from e
    return data


@dataclass(slots=True)
class Clause:
    idx: int
    start: int
    end: int
    sent: int
    text: str
    polarity: str = "neutral"
    actor: str | None = None
    actor_level: str | None = None  # upper | grassroots | other | None
    target: str | None = None  # township | village | both (grassroots only)
    info: Any = None  # detection ClauseInfo
    hits: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    freqs: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[Any] = field(default_factory=list)

    def has(self, kind: str) -> bool:
        return bool(self.hits.get(kind))

    def terms(self, kind: str) -> list[str]:
        return [t for _, _, t in self.hits.get(kind, [])]


@dataclass(slots=True)
class Sent:
    start: int
    end: int
    clauses: list[int]


@dataclass(slots=True)
class Facts:
    doc: Document
    text: str
    clauses: list[Clause]
    sents: list[Sent]
    issued: date | None
    year: int
    addressee_level: str | None
    addressee_target: str | None
    ranges: list[dict[str, Any]]  # date ranges in the text: {start, end, from, to, sent}
    named: list[tuple[int, int, int]]  # named windows: (start, end, window index)
    _starts: list[int] | None = None
    # per-document indexes, built on first use: burden windows look ranges/named windows/sections up per item
    _rstarts: list[int] | None = None
    _nstarts: list[int] | None = None
    _heads: list[int] | None = None
    _memo: dict[Any, Any] = field(default_factory=dict)

    def sentence_text(self, si: int) -> str:
        s = self.sents[si]
        return self.text[s.start:s.end]

    def ranges_in(self, lo: int, hi: int) -> list[dict[str, Any]]:
        """Date ranges starting in [lo, hi), in text order (``ranges`` is sorted by start)."""
        if self._rstarts is None:
            self._rstarts = [r["start"] for r in self.ranges]
        i = bisect.bisect_left(self._rstarts, lo)
        j = bisect.bisect_left(self._rstarts, hi, i)
        return self.ranges[i:j]

    def named_in(self, lo: int, hi: int) -> list[tuple[int, int, int]]:
        """Named windows starting in [lo, hi), in ``named`` order (sorted)."""
        if self._nstarts is None:
            self._nstarts = [n[0] for n in self.named]
        i = bisect.bisect_left(self._nstarts, lo)
        j = bisect.bisect_left(self._nstarts, hi, i)
        return self.named[i:j]

    def section(self, off: int) -> tuple[int, int]:
        """[lo, hi) of the level-1/2 heading section around ``off``; (0, 0) when the document has no headings."""
        if self._heads is None:
            self._heads = [h["start"] for h in (self.doc.metadata.headings or []) if h.get("level", 9) <= 2 and "start" in h]
            self._memo["heads_sorted"] = all(a <= b for a, b in itertools.pairwise(self._heads))
        heads = self._heads
        if not heads:
            return (0, 0)  # no structure known: no section-wide windows
        if self._memo["heads_sorted"]:
            i = bisect.bisect_right(heads, off)
            return (heads[i - 1] if i else 0, heads[i] if i < len(heads) else len(self.text))
        lo, hi = 0, len(self.text)  # unsorted headings (never seen): the first heading after off ends it
        for h in heads:
            if h <= off:
                lo = h
            else:
                hi = h
                break
        return lo, hi

    def clause_at(self, offset: int) -> Clause | None:
        if self._starts is None:
            self._starts = [c.start for c in self.clauses]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.clauses[i].start <= offset < max(self.clauses[i].end, self.clauses[i].start + 1):
            return self.clauses[i]
        return None


# ---- the automaton --------------------------------------------------------------------------------------------
@functools.cache
def _automaton() -> Any:
    import ahocorasick

    from ..detect.actors import term_levels
    from ..detect.lexicon import polarity_markers

    v = vocab()
    pm = polarity_markers()
    terms: dict[str, set[str]] = {}

    def add(words: Any, kind: str) -> None:
        for w in words or []:
            w = str(w)
            if w:
                terms.setdefault(w, set()).add(kind)

    for key in ("report_verbs", "app_words", "app_activity", "ledger_terms", "ledger_build", "trace_terms",
                "trace_keep", "inspection_terms", "inspection_event_verbs", "inspection_exclude", "meeting_terms",
                "meeting_attend", "days365_terms", "document_verbs", "document_nouns"):
        add(v.get(key), key)
    for sym, words in (v.get("multiplicity") or {}).items():
        add(words, "mult:" + sym)
    for kind, words in (v.get("materials") or {}).items():
        add(words, "mat:" + kind)
    for ev in v.get("evidence") or []:
        add(ev.get("terms"), "ev:" + ev["name"])
        add(ev.get("all_terms"), "evall:" + ev["name"])
    for kind, spec in (v.get("pressure") or {}).items():
        add(spec.get("terms"), "press:" + kind)
    for i, w in enumerate(v.get("windows") or []):
        add(w.get("words"), f"win:{i}")
    for kind in ("prohibition", "critique", "pivots", "enforcement", "demand_strong", "quota"):
        add(pm.get(kind), "pol:" + kind)
    for t, level in term_levels().items():
        add([t], "actor:" + level)
    auto = ahocorasick.Automaton()
    for t, kinds in terms.items():
        auto.add_word(t, (len(t), tuple(sorted(kinds))))
    auto.make_automaton()
    return auto


@functools.cache
def _regexes() -> dict[str, Any]:
    from ..detect.lexicon import polarity_markers
    from ..detect.prefilter import Finder, compile_any, compile_searcher, required_chars

    v = vocab()
    pm = polarity_markers()
    critique = [r.lstrip("^") for r in pm.get("critique_regex", []) or ["存在问题"]]
    extra_upper = [re.compile(p) for p in v.get("extra_upper_patterns") or []]
    out: dict[str, Any] = {
        "report_regex": re.compile(v["report_regex"]),
        "report_regime": re.compile(v["report_regime_regex"]),
        "quota": re.compile(v["quota_regex"]),
        "modal": re.compile("|".join(f"(?:{r})" for r in pm.get("demand_regex", []) or ["要"])),
        # each pattern with the characters every match holds (prefilter.required_chars): a clause lacking one is skipped
        "extra_upper_need": [(x, tuple(required_chars(x.pattern, x.flags))) for x in extra_upper],
    }
    for key in ("report_regex", "report_regime"):  # whole-text scans: prefiltered where faster (same matches)
        out["find:" + key] = Finder(out[key])
    out["search:modal"] = compile_searcher(out["modal"])  # a per-sentence search of a long alternation, faster
    # whether the critique alternation matches at all: any of its alternatives does (prefilter.compile_any)
    out["has:critique"] = compile_any(critique)
    return out


_RANGE = re.compile(
    r"(?:((?:19|20)[0-9]{2})年)?([0-9]{1,2})月(?:([0-9]{1,2})[日号])?\s*(?:至|到|—|－|-|~|～)\s*"
    r"(?:((?:19|20)[0-9]{2})年)?(?:([0-9]{1,2})月)?([0-9]{1,2})?[日号]?(?:底|末)?"
)


def _date_ranges(text: str, year: int) -> list[dict[str, Any]]:
    """X月X日至Y月Y日 / X月至Y月 / 2025年6月1日—9月30日 → calendar ranges (inclusive)."""
    import calendar

    out: list[dict[str, Any]] = []
    for m in _RANGE.finditer(text):
        y1 = int(m.group(1)) if m.group(1) else year
        m1 = int(m.group(2))
        d1 = int(m.group(3)) if m.group(3) else 1
        y2 = int(m.group(4)) if m.group(4) else y1
        m2s, d2s = m.group(5), m.group(6)
        if m2s is None and d2s is None:
            continue
        if m2s is None:  # 6月1日至30日, or "6至9月"-like numbers without 月 are rejected by the regex
            m2 = m1
            d2 = int(d2s)
        else:
            m2 = int(m2s)
            d2 = int(d2s) if d2s else calendar.monthrange(y2, m2)[1] if 1 <= m2 <= 12 else 0
        try:
            a = date(y1, m1, min(d1, calendar.monthrange(y1, m1)[1]))
            b = date(y2, m2, min(d2, calendar.monthrange(y2, m2)[1]))
        except (ValueError, calendar.IllegalMonthError):
            continue
        if b < a:
            try:
                b = date(y2 + 1, m2, b.day)
            except ValueError:
                continue
        if (b - a).days > 366:
            continue
        out.append({"start": m.start(), "end": m.end(), "text": m.group(0), "from": a, "to": b})
    return out


@functools.lru_cache(maxsize=4096)
def target_of(actor: str | None) -> str | None:
    """乡镇/街道 → township; 村/社区/网格员… → village; both named → both."""
    if not actor:
        return None
    a = actor.replace("乡村振兴", "")
    if "乡村两级" in a or "镇村" in a:
        return "both"
    village = any(k in a for k in _GRASS_VILLAGE)
    town = any(k in a for k in _GRASS_TOWN if k != "乡") or "各乡" in a or "乡（" in a
    if village and town:
        return "both"
    return "village" if village else "township"


_last = threading.local()
# repeated sentences/clauses analysed once and replayed (facts' clause analysis, duty rows); tests switch it off to
# check the replay gives the same report
REUSE_REPEATS = True


def build_cached(doc: Document, detection: Any) -> Facts:
    """:func:`build`, reused for the same document and detection clauses: detection asks the duty matrix about
    ``vague_duty`` findings (:func:`docscan.quantify.duties.apply_vague_duty_evidence`) and quantify then needs
    the same facts. One slot per thread, holding the objects themselves (no id reuse)."""
    clauses = getattr(detection, "clauses", None)
    hit = getattr(_last, "slot", None)
    if hit is not None and hit[0] is doc and hit[1] is clauses and hit[2] == len(clauses or ()) and hit[3] is doc.text:
        return hit[4]
    f = build(doc, detection)
    _last.slot = (doc, clauses, len(clauses or ()), doc.text, f)
    return f


def release(facts: Facts) -> None:
    """Drop the cached slot when it holds ``facts``: quantify is the last user, and a slot kept alive after the
    scan holds every clause, hit and mention of the document (memory, and the collector's work on them)."""
    hit = getattr(_last, "slot", None)
    if hit is not None and hit[4] is facts:
        _last.slot = None


def build(doc: Document, detection: Any) -> Facts:
    from ..detect.actors import Mention, find_mentions, level_of
    from ..detect.frequency import parse_deadline, parse_frequency

    text = doc.text
    issued = iso_to_date(doc.metadata.date)
    year = issued.year if issued else _year_in(doc.metadata.title or "") or 2025
    rx = _regexes()
    # the engine parsed the same text already (Detection.frequencies/deadlines); parse again only when absent or
    # when the detection was made for another text
    freqs = getattr(detection, "frequencies", None)
    if freqs is None or not _spans_match(text, freqs):
        freqs = parse_frequency(text)
    deadlines = getattr(detection, "deadlines", None)
    if deadlines is None or not _spans_match(text, deadlines):
        deadlines = parse_deadline(text, issued)

    # clauses in document order
    clauses: list[Clause] = []
    sents: list[Sent] = []
    sent_end: list[int] = []  # per clause: where its sentence ends
    for sent in doc.sentences:
        ids: list[int] = []
        for cs, ce in sent.clauses or [(sent.start, sent.end)]:
            if ce <= cs:
                continue
            ids.append(len(clauses))
            clauses.append(Clause(len(clauses), cs, ce, len(sents), text[cs:ce]))
            sent_end.append(sent.end)
        if ids:
            sents.append(Sent(sent.start, sent.end, ids))
    starts = [c.start for c in clauses]
    ends = [c.end for c in clauses]
    bisect_right = bisect.bisect_right

    def at(off: int) -> Clause | None:
        i = bisect_right(starts, off) - 1
        return clauses[i] if i >= 0 and off < ends[i] else None

    # automaton hits then regex hits, each straight into its clause (per kind, in this order)
    named: list[tuple[int, int, int]] = []
    runs_on: set[int] = set()  # sentences with a term that starts inside and ends past them
    for end_idx, (n, kinds) in _automaton().iter(text):
        s = end_idx - n + 1
        i = bisect_right(starts, s) - 1
        c = clauses[i] if i >= 0 and s < ends[i] else None
        if c is not None and end_idx >= sent_end[i]:
            runs_on.add(c.sent)
        t = text[s:end_idx + 1]
        for k in kinds:
            if c is not None:
                hs = c.hits.get(k)
                if hs is None:
                    c.hits[k] = [(s, end_idx + 1, t)]
                else:
                    hs.append((s, end_idx + 1, t))
            if k[:4] == "win:":
                named.append((s, end_idx + 1, int(k[4:])))
    rx_hits: dict[int, list[tuple[str, int, int, str]]] = {}  # per clause: the regex hits (for sent_key)
    for key, kind in (("report_regex", "report_verbs"), ("report_regime", "report_regime")):
        for m in rx["find:" + key](text):
            c = at(m.start())
            if c is not None:
                c.hits.setdefault(kind, []).append((m.start(), m.end(), m.group(0)))
                rx_hits.setdefault(c.idx, []).append((kind, m.start(), m.end(), m.group(0)))
    for f in freqs:
        c = at(f["start"])
        if c is not None:
            c.freqs.append(f)
    for d in deadlines:
        c = at(d["start"])
        if c is not None:
            c.deadlines.append(d)

    # detection infos by overlap: the info overlapping the clause most (the first one on ties), among infos
    # starting at most 300 characters before it; an info shorter than that cannot start earlier and overlap
    infos = sorted(getattr(detection, "clauses", None) or [], key=lambda i: i.start)
    istarts = [i.start for i in infos]
    iends = [i.end for i in infos]
    reach = min(300, max((e - s for s, e in zip(istarts, iends, strict=True)), default=0))
    ninfo = len(infos)
    for c in clauses:
        cs, ce = c.start, c.end
        j = bisect.bisect_left(istarts, cs - reach)
        best, best_ov = None, 0
        while j < ninfo and istarts[j] < ce:
            ie = iends[j]
            if ie > cs:
                ist = istarts[j]
                ov = (ce if ce < ie else ie) - (cs if cs > ist else ist)
                if ov > best_ov:
                    best, best_ov = infos[j], ov
            j += 1
        c.info = best

    addressees = doc.metadata.addressees or []
    levels = [level_of(a) for a in addressees]
    addr_level = "grassroots" if "grassroots" in levels else ("upper" if "upper" in levels else None)
    addr_text = "、".join(a for a, lv in zip(addressees, levels, strict=False) if lv == "grassroots") or None
    addr_target = target_of(addr_text) if addr_level == "grassroots" else None

    # polarity and actor per clause; actor mentions taken over from the engine where it evaluated the same clause
    # window with the same actor hits (its automaton and ours share the actor terms; a window where its name
    # patterns found more is not handed over), else found here
    pre_mentions = getattr(detection, "mentions", None) or {}
    # one analysis per distinct sentence: what the loop below gives a sentence's clauses depends only on the
    # sentence's text, its clauses' hits, whether they have a frequency/deadline, the detection info each takes
    # and the engine's mentions handed over (all relative to the sentence start) and the document's addressee; a
    # repeated sentence (table rows, dense text) replays the first one's result at its own offsets
    # (keys are built only for a sentence text seen before: a text without repeats pays one dict look-up each)
    memo: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    first: dict[str, Sent | None] = {}  # sentence text -> its first occurrence, until that one is keyed

    def sent_key(st: Sent) -> tuple[Any, ...] | None:
        # the automaton's hits in a sentence are those of its text (given the clause spans) unless a term runs on
        # past its end (then no key); the regex hits (lookarounds see past it) are part of the key
        if clauses[st.clauses[0]].sent in runs_on:
            return None
        base = st.start
        parts: list[Any] = [text[base:st.end]]
        for ci in st.clauses:
            c = clauses[ci]
            known = pre_mentions.get(c.start)
            info = c.info
            rxh = rx_hits.get(ci)
            parts.append((
                c.start - base, c.end - base,
                None if rxh is None else tuple((k, s - base, e - base, t) for k, s, e, t in rxh),
                bool(c.freqs), bool(c.deadlines),
                None if info is None else (info.start - base, info.end - base, info.polarity, info.actor,
                                           info.actor_level),
                None if known is None or known[0] != c.text else tuple(_rel_mention(m, base) for m in known[1])))
        return tuple(parts)

    def sent_result(st: Sent) -> list[tuple[Any, ...]]:
        return [(clauses[ci].polarity, clauses[ci].actor, clauses[ci].actor_level, clauses[ci].target,
                 [_rel_mention(m, st.start) for m in clauses[ci].mentions]) for ci in st.clauses]

    for st in sents:
        stext = text[st.start:st.end]
        if stext in first and REUSE_REPEATS:
            earlier = first[stext]
            if earlier is not None:
                e_key = sent_key(earlier)
                if e_key is not None:
                    memo.setdefault(e_key, sent_result(earlier))
                first[stext] = None
            key: tuple[Any, ...] | None = sent_key(st)
            done = memo.get(key) if key is not None else None
            if done is not None:
                base = st.start
                for ci, (pol, actor, level, target, ms) in zip(st.clauses, done, strict=True):
                    c = clauses[ci]
                    c.polarity, c.actor, c.actor_level, c.target = pol, actor, level, target
                    c.mentions = [Mention(base + m_s, base + m_e, *rest) for m_s, m_e, *rest in ms]
                continue
        else:
            first[stext] = st
            key = None
        prev_pol: str | None = None
        prev_actor: tuple[str | None, str | None] = (None, None)
        sflags: dict[int, bool] = {}  # 0: has a modal, 1: has a critique marker; only skipped clauses need them

        def sent_flag(i: int, st: Sent = st, sflags: dict[int, bool] = sflags) -> bool:
            v = sflags.get(i)
            if v is None:
                stext = text[st.start:st.end]
                v = sflags[i] = bool(rx["search:modal"](stext)) if i == 0 else rx["has:critique"](stext)
            return v
        for ci in st.clauses:
            c = clauses[ci]
            known = pre_mentions.get(c.start)
            if known is not None and known[0] == c.text:
                c.mentions = list(known[1])  # the engine's, for the same window and the same actor hits
            else:
                term_hits = [(s, e, k[6:]) for k, hs in c.hits.items() if k.startswith("actor:") for s, e, _ in hs]
                c.mentions = find_mentions(c.text, c.start, term_hits)
            head = _LEAD.match(c.text)
            lead = head.end() if head else 0
            _extra_upper(c, lead, Mention)
            subj = _leading_subject(c, lead)
            info = c.info
            if info is not None and info.polarity:
                c.polarity = info.polarity
                if c.polarity == "neutral" and _scheduled_upper(c, subj):
                    c.polarity = "demand"  # domain A.0.1 4c: 县专项办每月暗访一次 is a demand on the receiver
            else:
                c.polarity = _fallback_polarity(c, prev_pol, sent_flag)
            if subj is not None:
                c.actor, c.actor_level = subj.text, subj.level
                prev_actor = (subj.text, subj.level)
            elif prev_actor[1] is not None:
                c.actor, c.actor_level = prev_actor
            elif info is not None and info.actor_level:
                c.actor, c.actor_level = info.actor, info.actor_level
                prev_actor = (c.actor, c.actor_level)
            elif addr_level == "grassroots":
                c.actor, c.actor_level = addr_text, "grassroots"
            if c.actor_level == "grassroots":
                c.target = target_of(c.actor) or addr_target or "township"
            prev_pol = c.polarity
        if key is not None:
            memo[key] = sent_result(st)
    ranges = _date_ranges(text, year)
    sstarts = [s.start for s in sents]
    for r in ranges:
        r["sent"] = max(0, bisect.bisect_right(sstarts, r["start"]) - 1)
    named.sort()
    return Facts(doc, text, clauses, sents, issued, year, addr_level, addr_target, ranges, named)


def _rel_mention(m: Any, base: int) -> tuple[Any, ...]:
    return (m.start - base, m.end - base, m.text, m.level, m.is_object, m.is_agent, m.collective, m.addressed,
            m.pivot)


def _spans_match(text: str, items: list[dict[str, Any]]) -> bool:
    return all(text.startswith(x["text"], x["start"]) for x in items)


_LEAD = re.compile(r"^[\s|（(一二三四五六七八九十0-9）)、.．]*(?:请|由|并|并由|同时|另外|此外|其中|对此)?")
_NARRATIVE = ("了", "去年", "以往", "曾", "已经", "先后")


def _leading_subject(c: Clause, lead: int) -> Any:
    """The clause's own subject: an actor mention at the head of the clause (after 请/由/heading numbers, which
    end at ``lead``), not in object position. A name inside a noun (禁烧网格责任台账) or after a verb is not the
    subject."""
    for m in c.mentions:
        if m.is_object:
            continue
        if m.start - c.start <= lead + 1 or m.is_agent:
            return m
    return None


def _extra_upper(c: Clause, lead: int, Mention: Any) -> None:  # Mention: the class, passed in (hot path)
    body = c.text[lead:]
    off = lead
    added = False
    for rx, need in _regexes()["extra_upper_need"]:
        if need and not all(ch in body for ch in need):
            continue  # a character every match holds is missing: no match (prefilter.required_chars)
        for m in rx.finditer(body):
            s, e = c.start + off + m.start(), c.start + off + m.end()
            if any(x.start < e and s < x.end for x in c.mentions):
                continue
            before = body[: m.start()]
            is_object = any(before.endswith(k) for k in ("向", "对", "报", "给", "至", "送", "交"))
            c.mentions.append(Mention(s, e, m.group(0), "upper", is_object=is_object))
            added = True
    if added:  # find_mentions returns them in start order already
        c.mentions.sort(key=lambda x: x.start)


def _scheduled_upper(c: Clause, subj: Any) -> bool:
    if subj is None or subj.level != "upper" or not c.has("inspection_terms") or c.has("inspection_exclude"):
        return False
    if any(t in c.text for t in _NARRATIVE):
        return False
    return bool(c.freqs) or "一次" in c.text or c.has("inspection_event_verbs")


def _fallback_polarity(c: Clause, prev: str | None, sent_flag: Any) -> str:
    """Conservative polarity for a clause the detection engine did not evaluate (``sent_flag(0)``: the sentence
    has a modal, ``sent_flag(1)``: a critique marker; each searched only when the cheaper tests leave it open)."""
    pivots = c.terms("pol:pivots")
    fresh = any(c.text.lstrip("，,").startswith(p) for p in pivots)
    prohib = [(s, t) for s, _, t in c.hits.get("pol:prohibition", [])]
    enforcement = c.has("pol:enforcement")
    if prohib and not (enforcement and all(t in ("不得", "严禁", "杜绝", "防止", "避免") for _, t in prohib)):
        return "prohibition"
    if prev in ("prohibition", "critique") and not fresh:
        return prev
    if c.has("pol:critique") or sent_flag(1):
        return "critique"
    if c.has("pol:demand_strong") or c.has("pol:quota") or c.freqs or c.deadlines or sent_flag(0):
        return "demand"
    if "|" in c.text and re.search(r"扣[0-9一二三四五六七八九十半.]{1,4}分|不得分", c.text):
        return "demand"
    return prev or "neutral"


def _year_in(s: str) -> int | None:
    m = re.search(r"(20[0-9]{2})年", s)
    return int(m.group(1)) if m else None
