"""Frequency and deadline expressions (domain §C.1/§C.2) → events per year and response windows.

Public API (quantify/ builds burden-per-year on it):

- ``parse_frequency(text) -> list[dict]``: ``{"text", "start", "end", "per_year", "unbounded", "unspecified",
  "period", "times"}`` for 每周, 一周一调度, 每月5日前, 每两个月, 日报, 不定期 …
- ``parse_deadline(text, issued=None) -> list[dict]``: ``{"text", "start", "end", "days", "working_days", "kind"}``
  for 立即, 当天, 3日内, 3个工作日内, 4月30日前 (days from ``issued`` when given), 每月5日前 (kind recurring) …

Numerals are matched in place (一/两/三/十二/12) and converted by :func:`cn_number`, so offsets stay those of
the input. Every pattern is a flat alternation without nested quantifiers: linear time on any input.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Any

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"(?:[0-9]{1,4}(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]{1,6}|半)"


def cn_number(s: str) -> float | None:
    """一→1, 两→2, 十二→12, 二十→20, 一百零五→105, 半→0.5, "12"→12. None when not a number."""
    s = s.strip()
    if not s:
        return None
    if s == "半":
        return 0.5
    try:
        return float(s)
    except ValueError:
        pass
    total, cur = 0, 0
    for ch in s:
        if ch in _DIGITS:
            cur = _DIGITS[ch]
        elif ch in _UNITS:
            total += (cur or 1) * _UNITS[ch]
            cur = 0
        else:
            return None
    return float(total + cur)


def _num(s: str) -> float:
    v = cn_number(s)
    return 1.0 if v is None else v


# period → (events per year, name). Working-day default for daily (domain §C.1).
PERIODS: dict[str, tuple[float, str]] = {
    "工作日": (250, "day"), "日": (250, "day"), "天": (250, "day"), "周": (52, "week"), "星期": (52, "week"),
    "旬": (36, "dekad"), "半月": (24, "half_month"), "月": (12, "month"), "季度": (4, "quarter"), "季": (4, "quarter"),
    "半年": (2, "half_year"), "年": (1, "year"), "双周": (26, "two_weeks"), "隔周": (26, "two_weeks"),
    "双月": (6, "two_months"),
}
_PER = r"(?:工作日|星期|季度|半月|半年|日|天|周|旬|月|季|年)"
_ACT = r"(?:报|次|调度|通报|排名|督查|督导|检查|总结|考核|评比|评估|通报|巡|巡查|会商|例会|调度会|暗访|抽查|讲评)"

# Order matters: earlier patterns win overlaps (RECUR → MULTI → EVERYN → CHAIN → FREQ → ALT → REPORT → VAGUE).
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 每月5日前, 每季度首月10日前, 每周五12时前, 每月底前
    ("recur", re.compile(r"每(?:个)?(月|季度|季|旬|年)(?:首月|末月)?(?:第)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})[日号](?:前|之前|以前)?")),
    ("recur_week", re.compile(r"每(?:周|星期)([一二三四五六日天1-7])(?:[0-9]{1,2}[时点](?:[0-9]{1,2}分?)?)?(?:前|之前|以前|下班前)?")),
    ("recur_end", re.compile(r"每(?:个)?(月|季度|季|年|周|旬|半年)(?:底|末)(?:前|之前)?")),
    # 每月两次, 一日两报, 每日两次, 一日双巡, 每周2次
    ("multi", re.compile(r"(?:每|一)(?:个)?(" + _PER[3:-1] + r")(" + NUM + r"|双)(?:次|报|巡|轮)")),
    # 每两个月, 每10天, 每隔3天, 每三周
    ("everyn", re.compile(r"每(?:隔)?(" + NUM + r")(?:个)?(工作日|星期|季度|天|日|周|月|年)")),
    # 一周一调度, 半月一通报, 一季一督查, 一日一报, 一月一总结
    ("chain", re.compile(r"(?<![第统])(一|半)(工作日|星期|季度|半年|日|天|周|旬|月|季|年)一" + _ACT)),
    # 每周, 每天, 每个工作日, 每季度, 每半年, 逐月
    ("freq", re.compile(r"(?:每|逐)(?:个)?(工作日|星期|季度|半月|半年|日|天|周|旬|月|季|年)(?!新增|增长|增加|减少|递增|平均|约有|可[节省减])")),
    ("alt", re.compile(r"(双周|隔周|双月|(?<=[每按])半月)")),
    # 日报, 周报, 月报告, 周报表; not 人民日报 (NEWS guard below), not 年报送
    ("report", re.compile(r"(?<![个两0-9人农民报晚早时])(日|周|旬|半月|月|季|半年|年)报(?!社|道|记者|刊|发表|纸|送|备|批|名|到|请|经|销|账|考|价|酬)")),
    ("vague", re.compile(r"(不定期|定期(?!存款|存单|体检)|随时|即时报|实时|动态(?:更新|调整|管理|监测|报送)|适时|发现即报|一事一报|随报随|即报|及时报告|常态化)")),
]
_NEWS = re.compile(r"《[^》]{0,10}[日周]报》|[\u4e00-\u9fa5]{1,4}日报(?=报道|刊发|发表|社|记者|评论|头版|客户端|》)")
_DAYS365 = re.compile(r"含节假日|节假日不休|7[×x*]24|24小时|含周末|值守|值班")
_SEASON = (("汛期", 135), ("防汛期间", 135), ("主汛期", 75), ("森林防火期", 150), ("防火期", 150), ("禁烧期", 60),
           ("节假日期间", 30), ("假期", 30), ("寒假", 30), ("暑假", 60))


def parse_frequency(text: str) -> list[dict[str, Any]]:
    """Frequency expressions in ``text``, left to right, non-overlapping."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    fd = _finders()
    for kind, rx in _PATTERNS:
        for m in fd[rx](text):
            found.append((m.start(), m.end(), kind, m))
    news = [(m.start(), m.end()) for m in fd[_NEWS](text)]
    order = {k: i for i, (k, _) in enumerate(_PATTERNS)}
    found.sort(key=lambda t: (order[t[2]], t[0]))
    taken = bytearray(len(text) + 1)  # occupied characters: overlap checks stay linear
    news_at = bytearray(len(text) + 1)
    for ns, ne in news:
        news_at[ns:ne] = b"\x01" * (ne - ns)
    out: list[dict[str, Any]] = []
    for s, e, kind, m in found:
        if any(taken[s:e]):
            continue
        if kind == "report" and all(news_at[s:e]):
            continue
        d = _freq_dict(kind, m, text)
        if d is None:
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append(d)
    out.sort(key=lambda d: d["start"])
    return out


def _freq_dict(kind: str, m: re.Match[str], text: str) -> dict[str, Any] | None:
    per_year: float | None
    unbounded = unspecified = False
    times = 1.0
    if kind in ("recur", "recur_end"):
        per_year, period = PERIODS[m.group(1)]
    elif kind == "recur_week":
        per_year, period = 52, "week"
    elif kind == "multi":
        per_year, period = PERIODS[m.group(1)]
        times = 2.0 if m.group(2) == "双" else _num(m.group(2))
        per_year *= times
    elif kind == "everyn":
        n = _num(m.group(1))
        if n <= 0:
            return None
        unit = m.group(2)
        base = 365.0 if unit in ("天", "日") else PERIODS[unit][0]
        per_year = base / n
        period = f"{n:g}_{PERIODS[unit][1]}s" if n >= 1 else PERIODS["半" + unit][1] if "半" + unit in PERIODS else unit
    elif kind == "chain":
        unit = m.group(2)
        if m.group(1) == "半":
            unit = "半" + unit if unit in ("月", "年") else unit
        if unit not in PERIODS:
            return None
        per_year, period = PERIODS[unit]
    elif kind == "freq" or kind == "alt":
        per_year, period = PERIODS[m.group(1)]
    elif kind == "report":
        unit = m.group(1)
        per_year, period = PERIODS[unit]
    else:  # vague
        word = m.group(1)
        if word.startswith("定期"):
            per_year, period, unspecified = 4, "unspecified", True
        elif word == "常态化":
            per_year, period, unspecified = 12, "ongoing", True
        else:
            per_year, period, unbounded = 12, "unbounded", True
    # daily: 365 when the text says weekends/holidays are included; seasonal windows shrink it
    if period == "day" and kind != "vague":
        window = text[max(0, m.start() - 12): m.end() + 12]
        if _DAYS365.search(window):
            per_year = per_year / 250 * 365
        before = text[max(0, m.start() - 8): m.start()]
        for word, days in _SEASON:
            if word in before:
                per_year = per_year / 250 * days
                period = "day_seasonal"
                break
    return {
        "text": m.group(0),
        "start": m.start(),
        "end": m.end(),
        "per_year": round(per_year, 2) if per_year is not None else None,
        "unbounded": unbounded,
        "unspecified": unspecified,
        "period": period,
        "times": times,
    }


# ---- deadlines -------------------------------------------------------------------------------------------------
_DL: list[tuple[str, re.Pattern[str]]] = [
    ("recurring", re.compile(r"每(?:个)?(?:月|季度|季|旬|年|周|星期)(?:首月|末月)?(?:第)?(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3}|底|末|[一二三四五六日天])[日号]?(?:[0-9]{1,2}[时点])?(?:前|之前|以前)")),
    ("start", re.compile(r"即日起|自印发之日起|自发布之日起|自即日起")),
    ("immediate", re.compile(r"立即|马上|即刻|立刻|第一时间|随叫随到")),
    ("same_day", re.compile(r"(?:当天|当日|今日|今天|今晚|当晚)(?:下班前|放学前|[0-9]{1,2}[时点]前|内|之内)?|(?<![每])下班前")),
    ("minutes", re.compile(r"(" + NUM + r")分钟(?:内|之内|以内)")),
    ("next_day", re.compile(r"次日|明日|明天|第二天|隔日")),
    ("hours", re.compile(r"(" + NUM + r")(?:个)?小时(?:内|之内|以内)")),
    ("working_days", re.compile(r"(" + NUM + r")个?工作日(?:内|之内|以内)?(?=内|之内|以内|完成|办结|报送|上报|反馈|回复|整改|[，。；,]|$)")),
    ("days", re.compile(r"(" + NUM + r")(?:个)?(?:日|天)(?:内|之内|以内)")),
    ("weeks", re.compile(r"(" + NUM + r")(?:个)?(?:周|星期)(?:内|之内|以内)|本周(?:内|[一二三四五六日])?(?:前|之前)?(?=[^期]|$)")),
    ("date", re.compile(r"(?:((?:19|20)[0-9]{2})年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:([0-9]{1,2}|[一二三四五六七八九十]{1,3})[日号]|(底|末|中旬|上旬|下旬))(?:[0-9]{1,2}[时点])?(?:前|之前|以前)")),
    ("period_end", re.compile(r"(?<![每])(月底|月末|年底|年末|季度末|年内|本月内|本月底)(?:前|之前)?")),
    ("vague", re.compile(r"尽快|及时|限期|抓紧|从速|迅速")),
]


# Words one of which every match of a deadline pattern contains (a cheap ``in`` test saves a full regex scan).
_DL_NEEDS: dict[str, tuple[str, ...]] = {
    "recurring": ("每",), "minutes": ("分钟",), "hours": ("小时",), "working_days": ("工作日",),
    "weeks": ("周", "星期"), "next_day": ("次日", "明日", "明天", "第二天", "隔日"),
}


@functools.cache
def _finders() -> dict[re.Pattern[str], Any]:
    """Each whole-text pattern's finditer, prefiltered by its first characters where that is faster (the same
    matches: :class:`docscan.detect.prefilter.Finder`)."""
    from .prefilter import Finder

    return {rx: Finder(rx) for rx in [rx for _, rx in _PATTERNS] + [_NEWS] + [rx for _, rx in _DL]}


def parse_deadline(text: str, issued: date | None = None) -> list[dict[str, Any]]:
    """Deadline expressions in ``text`` with the response window in days where it can be computed."""
    found: list[tuple[int, int, int, str, re.Match[str]]] = []
    fd = _finders()
    for prio, (kind, rx) in enumerate(_DL):
        need = _DL_NEEDS.get(kind)
        if need and not any(w in text for w in need):
            continue  # the pattern cannot match without one of these words: skip its scan of the whole text
        for m in fd[rx](text):
            if m.end() > m.start():
                found.append((prio, m.start(), m.end(), kind, m))
    found.sort(key=lambda t: (t[0], t[1]))
    taken = bytearray(len(text) + 1)
    out: list[dict[str, Any]] = []
    for _prio, s, e, kind, m in found:
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        if kind == "start":
            continue  # 即日起 is when a duty starts, not a deadline
        out.append(_dl_dict(kind, m, issued))
    out.sort(key=lambda d: d["start"])
    return out


def _dl_dict(kind: str, m: re.Match[str], issued: date | None) -> dict[str, Any]:
    days: float | None = None
    wdays: float | None = None
    if kind in ("immediate", "same_day", "minutes"):
        days, wdays = 0, 0
    elif kind == "next_day":
        days, wdays = 1, 1
    elif kind == "hours":
        h = _num(m.group(1))
        days = round(h / 24, 2)
        wdays = days
    elif kind == "working_days":
        wdays = _num(m.group(1))
        days = _calendar_days_for(wdays, issued)
    elif kind == "days":
        days = _num(m.group(1))
        wdays = _working_days_in(days, issued)
    elif kind == "weeks":
        if m.group(1):
            days = 7 * _num(m.group(1))
        elif issued is not None:
            days = 6 - issued.weekday() if "内" in m.group(0) else max(0, 4 - issued.weekday())
        wdays = _working_days_in(days, issued) if days is not None else None
    elif kind == "date" and issued is not None:
        target = _resolve_date(m, issued)
        if target is not None:
            days = (target - issued).days
            wdays = _count_workdays(issued, target)
    elif kind == "period_end" and issued is not None:
        word = m.group(1)
        if "月" in word:
            nxt = date(issued.year + (issued.month == 12), issued.month % 12 + 1, 1)
            target = nxt - timedelta(days=1)
        elif word == "季度末":
            q_end_month = ((issued.month - 1) // 3 + 1) * 3
            nxt = date(issued.year + (q_end_month == 12), q_end_month % 12 + 1, 1)
            target = nxt - timedelta(days=1)
        else:
            target = date(issued.year, 12, 31)
        days = (target - issued).days
        wdays = _count_workdays(issued, target)
    return {"text": m.group(0), "start": m.start(), "end": m.end(), "days": days, "working_days": wdays,
            "kind": kind}


def _resolve_date(m: re.Match[str], issued: date) -> date | None:
    year = int(m.group(1)) if m.group(1) else issued.year
    month = int(_num(m.group(2)))
    if not 1 <= month <= 12:
        return None
    if m.group(3):
        day = int(_num(m.group(3)))
    else:
        word = m.group(4)
        day = {"上旬": 10, "中旬": 20}.get(word, 31)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = (nxt - timedelta(days=1)).day
    try:
        target = date(year, month, min(day, last))
    except ValueError:
        return None
    if target < issued and not m.group(1):
        target = date(year + 1, target.month, target.day)  # "3月1日前" written in December means next year
    return target


@functools.lru_cache(maxsize=4096)
def _is_workday(d: date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(d))
    except (ImportError, NotImplementedError):  # outside the calendar's years: plain weekdays
        return d.weekday() < 5


@functools.lru_cache(maxsize=4096)
def _count_workdays(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (bounded: at most ~2 years)."""
    n, d = 0, start
    for _ in range(min(max((end - start).days, 0), 800)):
        d += timedelta(days=1)
        n += _is_workday(d)
    return n


def _working_days_in(days: float | None, issued: date | None) -> float | None:
    if days is None:
        return None
    if issued is None:
        return round(days * 5 / 7, 1) if days > 3 else days
    return _count_workdays(issued, issued + timedelta(days=int(days)))


def _calendar_days_for(wdays: float, issued: date | None) -> float:
    if issued is None:
        return round(wdays * 7 / 5, 1) if wdays > 3 else wdays
    d, n, k = issued, 0, 0
    while n < wdays and k < 800:
        d += timedelta(days=1)
        n += _is_workday(d)
        k += 1
    return (d - issued).days
