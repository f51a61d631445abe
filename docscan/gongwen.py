"""公文 metadata (GB/T 9704-2012, 党政机关公文处理工作条例 Art. 9) and heading structure.

``parse(doc) -> Metadata`` reads the normalized text line by line (layout is gone after extraction; only line
order survives): 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人) → title → 主送机关 → body with
headings → 附件说明 → 署名 and 成文日期 → 附注 → 版记 (抄送, 印发). Portal key-value furniture from HTML pages
(``style["portal_kv"]``) fills fields the text lacks. Every field stays ``None`` (or empty) when not found;
``Metadata.spans`` gives ``[start, end]`` offsets in ``doc.text`` for the fields found in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .document import Document, Metadata

# --- regexes (domain.md §E.2, adapted to normalized text where spaces between CJK are gone) -----------------
GENRES = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案",
          "函", "纪要")
# Carriers and other document kinds seen as titles without a statutory genre word (longest first when matching).
CARRIERS = ("实施方案", "工作方案", "行动方案", "专项方案", "考核办法", "考评办法", "考核细则", "考评细则", "评分细则",
            "评分标准", "管理办法", "暂行办法", "实施细则", "实施意见", "指导意见", "工作要点", "任务清单", "责任清单",
            "负面清单", "工作规则", "工作制度", "工作计划", "行动计划", "应急预案", "工作指引", "操作指引", "讲话",
            "发言", "汇报", "方案", "办法", "细则", "规定", "条例", "规则", "要点", "清单", "指引", "指南", "制度",
            "计划", "规划", "预案", "标准", "守则")
_GENRE_ALT = "|".join(sorted(GENRES, key=len, reverse=True))
_KIND_ALT = "|".join(sorted(GENRES + CARRIERS, key=len, reverse=True))

RX_MIJI = re.compile(r"(绝密|机密|秘密)\s*(?:[★☆*]\s*(?:\d+\s*[年个月天日]+|长期)?)?")
RX_JINJI = re.compile(r"(?:紧急程度[:：]\s*)?(特急|加急|特提|平急)")
RX_FENHAO = re.compile(r"\d{6}")
_ORG = r"(?:人民政府|人民代表大会常务委员会|委员会|常委会|党委|党组|办公室|办公厅|政府|局|厅|部|委|办|中心|院|署|处|科|所|站|队|会|社|公司|协会|学会|党工委|管委会|领导小组|指挥部|街道办事处|街道|乡|镇)"
RX_BIAOZHI = re.compile(rf"(?P<name>.{{2,60}}?{_ORG})\s*(?:文件|公函|便函|函|文件函)?")
RX_WENHAO = re.compile(
    r"(?P<code>[\u4e00-\u9fa5A-Za-z]{1,14}?)\s*[〔［\[（(【]\s*(?P<year>(?:19|20)\d{2})\s*[〕］\]）)】]"
    r"\s*(?P<extra>字)?\s*(?P<di>第)?\s*(?P<seq>\d{1,5})\s*号"
)
_CITE_PREFIX = re.compile(r"^(?:根据|按照|依据|依照|参照|见|印发|转发|落实|贯彻)")
RX_QIANFA = re.compile(r"签发人[:：]\s*(?P<names>[\u4e00-\u9fa5·]{2,5}(?:[\s、，,]+[\u4e00-\u9fa5·]{2,5})*)")
RX_TITLE = re.compile(rf"^(?P<issuer>.*?)关于(?P<subject>.+)的(?P<genre>{_GENRE_ALT})$")
RX_TITLE_KIND = re.compile(rf"(?P<kind>{_KIND_ALT})(?:[(（][^)）]{{1,12}}[)）])?$")
RX_CARRIER = re.compile(r"《(?P<carrier>[^》]{2,80})》")
_WRAPPER = re.compile(rf"关于(?:印发|转发|批转|下发|发布|公布|修订印发|重新印发)(?P<inner>.+?)的(?:{_GENRE_ALT})$")
RX_ZHUSONG = re.compile(r"^(?=.{2,200}$)(?=.*(?:各|县|市|区|乡镇|街道|部门|单位|委|局|人民政府|办公室|厅|公司|同志)).*[：:]$")
RX_H = (
    re.compile(r"^[一二三四五六七八九十]{1,3}、"),
    re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]"),
    re.compile(r"^\d{1,2}[.．、](?!\d)"),
    re.compile(r"^[（(]\d{1,2}[）)]"),
)
RX_FUJIAN_SHUOMING = re.compile(r"^附件[:：]\s*")
RX_FUJIAN_HEAD = re.compile(r"^附件\s*\d*\s*[:：]?$")
RX_ITEM = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*")
RX_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*日")
RX_DATE_CN = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
RX_FUZHU = re.compile(r"^[（(](?:此件[^）)]*|联系人[^）)]*|[^）)]*电话[^）)]*)[）)]$")
RX_CHAOSONG = re.compile(r"^抄\s*送[:：]\s*(?P<list>.+?)。?$")
RX_YINFA = re.compile(
    r"^(?P<office>.+?)\s*(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
    r"[一二三四五六七八九十]{1,3}日)\s*印\s*发$"
)
_KV_KEYS = r"索引号|主题分类|发文机关|发文机构|发布机构|发文单位|发文字号|文号|发文日期|成文日期|发布日期|标题|名称|有效性"
RX_PORTAL_KV = re.compile(rf"^\s*[•·]?\s*(?P<key>{_KV_KEYS})\s*[:：]\s*(?P<value>.*?)\s*$")

_PUNCT = re.compile(r"[，。；：:,;！？、]")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BRACKET_OPEN = "（("
_BRACKET_CLOSE = "）)"


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


# --- small converters -----------------------------------------------------------------------------------
def _cn_number(s: str) -> int | None:
    """一..三十一 → int (month/day numerals)."""
    if not s:
        return None
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGIT.get(tens, 0) if tens else 1
        o = _CN_DIGIT.get(ones, 0) if ones else 0
        return t * 10 + o
    if len(s) == 1 and s in _CN_DIGIT:
        return _CN_DIGIT[s]
    return None


def iso_to_date(s: str | None) -> date | None:
    """``Metadata.date`` (ISO yyyy-mm-dd) as a ``datetime.date``; None when absent or malformed."""
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def parse_date(s: str) -> str | None:
    """First date in ``s`` as ISO yyyy-mm-dd: ``2025年3月2日`` or ``二〇二五年三月十二日``."""
    m = RX_DATE.search(s)
    if m:
        return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    m = RX_DATE_CN.search(s)
    if m:
        year = "".join(str(_CN_DIGIT[c]) for c in m["y"])
        month, day = _cn_number(m["m"]), _cn_number(m["d"])
        if month and day and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    m = re.search(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})", s)
    if m and 1 <= int(m[2]) <= 12 and 1 <= int(m[3]) <= 31:
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


def normalize_doc_number(s: str) -> str | None:
    """``X政办发[2025]17号`` / ``(2025)`` / ``【2025】`` → ``X政办发〔2025〕17号``."""
    m = RX_WENHAO.search(s)
    if not m:
        return None
    code = _CITE_PREFIX.sub("", m["code"].strip())
    extra = "字" if m["extra"] else ""
    di = "第" if m["di"] else ""
    return f"{code}〔{m['year']}〕{extra}{di}{int(m['seq'])}号"


def split_list(s: str) -> list[str]:
    """Split 主送/抄送 lists on 、，,；; while keeping bracket groups whole: 各乡镇（街道、园区） stays one item."""
    items, buf, depth = [], [], 0
    for ch in s:
        if ch in _BRACKET_OPEN:
            depth += 1
        elif ch in _BRACKET_CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;。":
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf))
    return [i.strip().rstrip("。：:") for i in items if i.strip().rstrip("。：:")]


def _title_kind(title: str) -> str | None:
    m = RX_TITLE_KIND.search(title)
    return m["kind"] if m else None


def _looks_like_title(t: str) -> bool:
    if len(t) > 80 or t[-1] in "。；，、：:;,":
        return False
    if any(rx.match(t) for rx in RX_H) or RX_FUJIAN_SHUOMING.match(t):
        return False
    if "关于" in t:
        return True
    if len(t) <= 8:
        from .detect.scoretable import header_role

        if header_role(t):
            return False  # a score table's header cell (评分标准, 考核标准), not a document titled 标准
    return bool(_title_kind(t)) and not RX_BIAOZHI.fullmatch(t)


def _is_org_line(t: str) -> bool:
    return len(t) <= 40 and not re.search(r"[，。；：:,;！？]", t) and bool(re.search(rf"{_ORG}$", t))


_ADDRESSEE_WORD = re.compile(
    rf"^各|(?:{_ORG}|部门|单位|机构|同志们?|村|社区|区|县|市|省|州|旗|盟|组|队|校|处|科|室|站|所|（[^）]*）)$"
)


def _addressee_like(line: str) -> bool:
    """主送机关: short items that name organs (各乡镇人民政府、县直各部门), not a sentence ending in a colon."""
    items = split_list(line.rstrip("：:"))
    if not items or len(line) > 200 or any(len(i) > 30 for i in items):
        return False
    return sum(1 for i in items if _ADDRESSEE_WORD.search(i)) * 2 >= len(items)


def _date_only(t: str) -> bool:
    """A line that is a date, or an organ name followed by a date (署名 and date on one line)."""
    t = t.strip("（）()")
    if len(t) > 40:
        return False
    m = RX_DATE.search(t) or RX_DATE_CN.search(t)
    if not m or m.end() != len(t):
        return False
    head = t[: m.start()].strip()
    return not head or _is_org_line(head)


# --- the parser -----------------------------------------------------------------------------------------------
def parse(doc: Document) -> Metadata:
    md = Metadata()
    lines = _lines(doc.text)
    spans: dict[str, list[int]] = {}
    if not lines:
        return md

    def span(name: str, ln: _Line, a: int = 0, b: int | None = None) -> None:
        spans[name] = [ln.start + a, ln.start + (len(ln.text) if b is None else b)]

    red = _red_lines(doc)
    # --- 版头: until the title ------------------------------------------------------------------------------
    head_limit = min(len(lines), 14)
    title_idx = None
    for i in range(head_limit):
        t = lines[i].text
        if RX_WENHAO.search(t) and len(t) <= 60 and not _looks_like_title(t):
            continue
        if _looks_like_title(t):
            title_idx = i
            break
    header = lines[: title_idx if title_idx is not None else min(len(lines), 6)]

    issuers: list[str] = []
    for ln in header:
        t = ln.text
        if RX_FENHAO.fullmatch(t):
            continue
        m = RX_MIJI.search(t)
        if m and md.secrecy is None and len(t) <= 20:
            md.secrecy = re.sub(r"\s+", "", m.group())
            span("secrecy", ln, m.start(), m.end())
        m = RX_JINJI.search(t)
        if m and md.urgency is None and len(t) <= 20:
            md.urgency = m.group(1)
            span("urgency", ln, m.start(1), m.end(1))
        m = RX_QIANFA.search(t)
        if m and md.signer is None:
            md.signer = "、".join(n for n in re.split(r"[\s、，,]+", m["names"]) if n)
            span("signer", ln, m.start("names"), m.end("names"))
        m = RX_WENHAO.search(t)
        if m and md.doc_number is None:
            # the 版头 文号 stands (nearly) alone on its line, maybe with 签发人; a 文号 inside a sentence is a citation
            rest = RX_QIANFA.sub("", t[: m.start()] + t[m.end():]).strip()
            if len(rest) <= 12 and not _PUNCT.search(rest.strip("：:")) and len(m["code"]) <= 10:
                md.doc_number = normalize_doc_number(t[m.start():m.end()])
                span("doc_number", ln, m.start(), m.end())
                continue
        if md.doc_number is None and not _PUNCT.search(t):
            bm = RX_BIAOZHI.fullmatch(t)
            name_end = bm.end("name") if bm else None
            if bm is None and ln.start in red and t != "文件":
                name_end = len(t) - 2 if t.endswith("文件") else len(t)  # red 标志 without an organ suffix
            if name_end and not RX_MIJI.fullmatch(t) and not RX_JINJI.fullmatch(t) and t != "文件":
                issuers.extend(p for p in re.split(r"\s+", t[:name_end]) if p)
                spans.setdefault("issuer", [ln.start, ln.start + name_end])
                spans["issuer"][1] = ln.start + name_end
    if issuers:
        md.issuer = "、".join(issuers)

    # --- title (may wrap over 2–3 lines) -------------------------------------------------------------------
    body_from = len(header)
    if title_idx is not None:
        j = title_idx
        title = lines[j].text
        # wrapped title: keep joining while the joined text does not yet end with a genre/carrier word
        while j + 1 < len(lines) and j - title_idx < 3 and not _title_end_ok(title):
            nxt = lines[j + 1].text
            if nxt.endswith(("：", ":")) or len(nxt) > 60 or nxt[-1] in "。；":
                break
            title += nxt
            j += 1
        if not _title_end_ok(title) and j > title_idx:
            j, title = title_idx, lines[title_idx].text
        md.title = title
        spans["title"] = [lines[title_idx].start, lines[j].end]
        body_from = j + 1
        kind = _title_kind(title)
        md.genre = kind
        wm = _WRAPPER.search(title)
        cm = RX_CARRIER.search(title)
        if cm:
            md.carrier = cm["carrier"]
        elif wm:
            md.carrier = wm["inner"]
        if md.issuer is None:
            tm = RX_TITLE.match(title)
            if tm and tm["issuer"] and _is_org_line(tm["issuer"]):
                md.issuer = tm["issuer"]
                spans["issuer"] = [lines[title_idx].start, lines[title_idx].start + len(tm["issuer"])]
        # the subtitle line under a speech/report title: （2025年3月2日）, ——在…会议上的讲话
        if (md.genre is None and body_from < len(lines)
                and re.match(r"^(?:——|—|--)?在.{2,60}的(?:讲话|发言|报告)$", lines[body_from].text)):
            md.genre = lines[body_from].text[-2:]

    # --- 主送机关 ----------------------------------------------------------------------------------------------
    for k in range(body_from, min(len(lines), body_from + 3)):
        t = lines[k].text
        cand, end_ln = t, lines[k]
        if t[-1] in "，、" and k + 1 < len(lines) and RX_ZHUSONG.match(lines[k + 1].text):
            cand, end_ln = t + lines[k + 1].text, lines[k + 1]
        if RX_ZHUSONG.match(cand) and not RX_QIANFA.search(cand) and "。" not in cand and _addressee_like(cand):
            md.addressees = split_list(cand.rstrip("：:"))
            spans["addressees"] = [lines[k].start, end_ln.end - 1]
            body_from = k + 1 if end_ln is lines[k] else k + 2
            break
        if len(t) > 60:
            break

    # --- tail: 版记 (抄送, 印发), 附注, 成文日期, 署名, 附件说明 ----------------------------------------------
    end_main = len(lines)
    for k in range(body_from, len(lines)):
        t = lines[k].text
        m = RX_CHAOSONG.match(t)
        if m and not md.cc:
            lst, j = m["list"], k
            while lst[-1:] in ("，", "、") and j + 1 < len(lines) and not RX_YINFA.match(lines[j + 1].text):
                j += 1
                lst += lines[j].text.rstrip("。")
            md.cc = split_list(lst)
            spans["cc"] = [lines[k].start + m.start("list"), lines[j].end]
            end_main = min(end_main, k)
            continue
        m = RX_YINFA.match(t)
        if m and md.printed_by is None and len(t) <= 60:
            md.printed_by = m["office"].strip()
            md.printed_date = parse_date(m["date"])
            span("printed_by", lines[k], 0, len(m["office"].rstrip()))
            span("printed_date", lines[k], m.start("date"), m.end("date"))
            end_main = min(end_main, k)

    date_idx = None
    seen_date = False
    for k in range(body_from, end_main):
        t = lines[k].text
        if _date_only(t):
            date_idx, seen_date = k, True
            continue
        if seen_date and RX_FUJIAN_HEAD.match(t):
            break  # attachments after the 落款 start here; their dates are not the 成文日期
    if date_idx is not None:
        ln = lines[date_idx]
        md.date = parse_date(ln.text)
        m = RX_DATE.search(ln.text) or RX_DATE_CN.search(ln.text)
        if m:
            span("date", ln, m.start(), m.end())
        head = ln.text[: m.start()].strip() if m else ""
        signers: list[tuple[_Line, str]] = []
        if head and _is_org_line(head):
            signers.append((ln, head))
        else:
            k = date_idx - 1
            while k >= body_from and len(signers) < 4 and _is_org_line(lines[k].text):
                signers.insert(0, (lines[k], lines[k].text))
                k -= 1
        if signers and md.issuer is None:
            md.issuer = "、".join(s for _, s in signers)
            spans["issuer"] = [signers[0][0].start, signers[-1][0].start + len(signers[-1][1])]

    # 附件说明: 附件：1.… then 2.… on the following lines
    att_stop = date_idx if date_idx is not None else end_main
    att_lines: set[int] = set()
    for k in range(body_from, att_stop):
        t = lines[k].text
        if RX_FUJIAN_SHUOMING.match(t) and len(t) > 3:
            first = RX_FUJIAN_SHUOMING.sub("", t)
            items = [RX_ITEM.sub("", first)] if first else []
            att_lines.add(k)
            j = k + 1
            while j < att_stop and RX_ITEM.match(lines[j].text) and not _date_only(lines[j].text):
                items.append(RX_ITEM.sub("", lines[j].text))
                att_lines.add(j)
                j += 1
            md.attachments = [i.strip() for i in items if i.strip()]
            spans["attachments"] = [lines[k].start, lines[j - 1].end]
            break

    # --- headings -------------------------------------------------------------------------------------------
    md.headings = _headings(doc, lines, body_from, att_lines)

    # --- portal key-value furniture fills what the text lacks ----------------------------------------------
    _apply_portal_kv(doc, md)
    md.spans = spans
    return md


def _title_end_ok(title: str) -> bool:
    return bool(RX_TITLE_KIND.search(title))


def _red_lines(doc: Document) -> set[int]:
    """Start offsets of lines in red blocks (发文机关标志 printed in red)."""
    out = set()
    for b in doc.blocks[:8]:
        if b.raw_index < len(doc.raw_blocks) and doc.raw_blocks[b.raw_index].style.get("color") == "red":
            out.add(b.start)
    return out


def _headings(doc: Document, lines: list[_Line], body_from: int, skip: set[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    # headings the extractor knew from styles (DOCX "Heading 2", Markdown "##") without a numbering marker
    styled = {b.start: b.level for b in doc.blocks if b.kind == "heading" and b.level}
    for k in range(body_from, len(lines)):
        if k in skip:
            continue
        ln = lines[k]
        t = ln.text
        for level, rx in enumerate(RX_H, start=1):
            if rx.match(t):
                # inline heading "（一）建立工作台账。各村…": the heading ends at the first full stop
                cut = len(t)
                for p in ("。", "；", "！", "？"):
                    i = t.find(p)
                    if 0 <= i < cut:
                        cut = i
                if cut > (50 if level <= 2 else 30):
                    break  # a numbered paragraph, not a heading
                out.append({"level": level, "text": t[:cut], "start": ln.start, "end": ln.start + cut})
                break
        else:
            if ln.start in styled and len(t) <= 60:
                out.append({"level": styled[ln.start], "text": t, "start": ln.start, "end": ln.end})
    return out


def _apply_portal_kv(doc: Document, md: Metadata) -> None:
    kv: dict[str, str] = {}
    for fb in doc.furniture:
        got = fb.style.get("portal_kv") if isinstance(fb.style, dict) else None
        if isinstance(got, dict):
            for k, v in got.items():
                if isinstance(v, str) and v.strip():
                    kv.setdefault(str(k).strip(), v.strip())
        elif fb.kind == "boilerplate":
            for line in fb.text.split("\n"):
                m = RX_PORTAL_KV.match(line)
                if m and m["value"]:
                    kv.setdefault(m["key"], m["value"].strip().strip("\"'"))
    if not kv:
        return

    def get(*keys: str) -> str | None:
        for k in keys:
            if kv.get(k):
                return kv[k]
        return None

    if md.doc_number is None:
        v = get("发文字号", "文号")
        md.doc_number = normalize_doc_number(v) if v else None
    if md.issuer is None:
        md.issuer = get("发文机关", "发文机构", "发布机构", "发文单位")
    if md.date is None:
        v = get("成文日期", "发文日期")
        md.date = parse_date(v) if v else None
    if md.title is None:
        v = get("标题", "名称")
        if v:
            md.title = v
            md.genre = md.genre or _title_kind(v)
            cm = RX_CARRIER.search(v)
            md.carrier = md.carrier or (cm["carrier"] if cm else None)
