"""Actors (domain §D): who is obligated by a clause and who asks.

Levels: ``grassroots`` (乡镇、村、网格员… bear the burden), ``upper`` (县直各部门、县住建局… request it), ``other``
(企业、群众…: a demand on them is not a grassroots burden). Terms and name patterns live in
``data/actors.yaml``; the engine's one automaton finds the listed terms, the patterns run only on clauses that
are evaluated.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from .lexicon import actor_data

LEVELS = ("grassroots", "upper", "other")
_MODAL_BEFORE = ("须", "要", "应", "并由", "必须")
_COLLECTIVE = ("各", "全体", "所有", "每个", "每名", "每位", "全县各", "全市各", "全区各")


@dataclass(slots=True)
class Mention:
    start: int  # absolute offsets
    end: int
    text: str
    level: str
    is_object: bool = False  # preceded by 向/对/报/将… within the clause: a recipient or target
    is_agent: bool = False  # 由X负责
    collective: bool = False  # 各乡镇, 全体村干部
    addressed: bool = False  # 对各乡镇…: the unit an action (inspection, scoring) is aimed at
    pivot: bool = False  # 县局要求各乡镇报送…: object of a command verb and subject of what follows


@functools.cache
def _compiled() -> tuple[list[tuple[str, re.Pattern[str]]], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    d = actor_data()
    pats = [("grassroots", re.compile(p)) for p in d.get("grassroots_patterns", [])]
    pats += [("upper", re.compile(p)) for p in d.get("upper_patterns", [])]
    return (pats, tuple(d.get("object_markers", [])), tuple(d.get("agent_markers", [])),
            tuple(d.get("narrative_subjects", [])))


def _contains_any(words: tuple[str, ...]) -> Any:
    """``f(s)`` true when some word occurs in ``s``: one regex search instead of a loop of ``in`` tests (hot:
    find_mentions runs for every evaluated clause)."""
    words = tuple(str(w) for w in words)
    if not words:
        return lambda s: False
    if "" in words:
        return lambda s: True
    rx = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    return rx.search


@functools.cache
def _pivot_rx() -> re.Pattern[str] | None:
    """Command verbs whose object is the subject of the next predicate (兼语): 要求/责令/通知 + 各乡镇 + 报送."""
    words = [str(w) for w in actor_data().get("pivot_markers", [])]
    if not words:
        return None
    alts = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    blockers = "|".join(re.escape(str(w)) for w in actor_data().get("pivot_blockers", []))
    guard = f"^(?!.*(?:{blockers}))" if blockers else "^"
    return re.compile(f"{guard}.*(?:{alts})(?:各|全|所有|全体|辖区|相关|有关|每个|每一个)?$", re.S)


@functools.cache
def _markers() -> tuple[Any, Any, tuple[str, ...]]:
    """(object marker test, agent marker test, narrative subjects as a tuple for endswith/startswith)."""
    _pats, obj_markers, agent_markers, narrative = _compiled()
    return _contains_any(obj_markers), _contains_any(agent_markers), tuple(str(n) for n in narrative)


def term_levels() -> dict[str, str]:
    """term → level, for the engine's automaton (a term listed twice keeps its first level)."""
    d = actor_data()
    out: dict[str, str] = {}
    for level in LEVELS:
        for t in d.get(level, []) or []:
            out.setdefault(str(t), level)
    return out


def global_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The name patterns, anchored at clause starts instead of ``^``, for one pass over the whole text."""
    out = []
    for level, rx in _compiled()[0]:
        p = rx.pattern
        if p.startswith("^"):
            p = "(?:^|(?<=[，,。；;！？!?\n：:]))" + p[1:]
        out.append((level, re.compile(p)))
    return out


def find_mentions(text: str, start: int, term_hits: list[tuple[int, int, str]]) -> list[Mention]:
    """Actor mentions in one clause: ``term_hits`` are (abs_start, abs_end, level) from the automaton and the
    name patterns (:func:`global_patterns`)."""
    if not term_hits:
        return []
    has_obj, has_agent, narrative = _markers()
    pivot_rx = _pivot_rx()
    if len(term_hits) == 1:
        chosen = list(term_hits)
    else:
        cands: list[tuple[int, int, str]] = list(term_hits)
        # longest first, then leftmost; drop overlaps
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        chosen = []
        for c in cands:
            if all(c[1] <= o[0] or o[1] <= c[0] for o in chosen):
                chosen.append(c)
        chosen.sort()
    chosen = _compounds(text, start, chosen)
    out: list[Mention] = []
    for i, (s, e, level) in enumerate(chosen):
        before = text[: s - start]
        word = text[s - start: e - start]
        if narrative and (before.endswith(narrative) or word.startswith(narrative)):
            continue
        is_agent = bool(has_agent(before[-4:]))
        if is_agent and level == "other" and any(m in before for m in _MODAL_BEFORE):
            # 须填写记录并由当事人签字: a co-signer inside the addressee's duty, not the obligated party
            is_agent = False
            out.append(Mention(s, e, word, level, True, False, False, False))
            continue
        is_object = not is_agent and (bool(has_obj(before)) or before.endswith(_LOCATIVE))
        if not is_object and not is_agent and i + 1 < len(chosen):
            # 企业反映的问题乡镇须…: a mention inside a 的-modifier before the next mention is no subject
            gap = text[e - start: chosen[i + 1][0] - start]
            is_object = bool(_MODIFIER_GAP.fullmatch(gap))
        collective = word.startswith(_COLLECTIVE) or before.endswith(_COLLECTIVE)
        addressed = "对" in before[-8:] or "到" in before[-4:]
        # ...but 县直部门要求乡镇报送材料的，… is a topic (whenever departments ask), not a command
        pivot = (is_object and level == "grassroots" and bool(pivot_rx and pivot_rx.match(before))
                 and not text.rstrip("，,；;。 ").endswith("的"))
        out.append(Mention(s, e, word, level, is_object, is_agent, collective, addressed, pivot))
    return out


# 在 right before a unit makes it a place, not the subject: 县农业农村局…，在每个乡镇设立收储点 (the bureau sets them up)
_LOCATIVE = ("在", "在每个", "在每一个", "在各", "在所有", "在全")


# A short verb phrase closed by 的 (反映的问题, 提出的诉求, 交办的事项) between two mentions: the first modifies a noun.
_MODIFIER_GAP = re.compile(r"(?![对向给为与和在把将从按被让])(?:(?![要须应需])[\u4e00-\u9fa5]){1,4}的"
                           r"(?:(?![要须应需确])[\u4e00-\u9fa5]){0,4}")


# Compound nouns are head-final (domain §D): the last part names what the phrase is.
# - a name right before an institution's name is its location, not a second actor: 乡镇卫生院 is a clinic (one
#   mention, the clinic's level), not the township government next to a clinic;
# - a name before a role's title is that role: 村民小组 + 长 = 村民小组长;
# - a name inside the name of a chat group or a service point names no actor at all: 困难群众帮扶工作群,
#   群众工作站 (up to 6 modifier characters between them, none of which opens a predicate: 群众要在工作群里…
#   keeps 群众 as the subject).
_ROLE_TAIL = re.compile(r"(?:小组长|组长)|(?<=组)长")


@functools.cache
def _compound_data() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """(institution tails, the chat-group / service-point head pattern) from actors.yaml."""
    d = actor_data()

    def alts(key: str) -> str:
        return "|".join(re.escape(str(w)) for w in d.get(key, []) or [])

    thing = re.compile(
        r"(?:(?![要应须需必将把在于对向每按的和与及到从为由让给被请并也都已再还不、，,。；;：:（(])[\u4e00-\u9fa5]){0,6}?"
        rf"(?:(?:{alts('group_prefixes')})群(?![众体防治])|{alts('thing_heads')})")
    return tuple(str(w) for w in d.get("institution_tails", []) or []), thing


def _compounds(text: str, start: int, chosen: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Mentions (sorted, non-overlapping) with compound nouns resolved to their head (see above)."""
    institution_tail, thing_head = _compound_data()
    merged: list[tuple[int, int, str]] = []
    for s, e, level in chosen:
        if merged and merged[-1][1] == s and text[s - start: e - start].endswith(institution_tail):
            merged[-1] = (merged[-1][0], e, level)  # 乡镇|卫生院: one institution, the head's level
        else:
            merged.append((s, e, level))
    out: list[tuple[int, int, str]] = []
    for i, (s, e, level) in enumerate(merged):
        rel = e - start
        nxt = merged[i + 1][0] - start if i + 1 < len(merged) else len(text)
        role = _ROLE_TAIL.match(text, rel)
        if role and role.end() <= nxt:
            out.append((s, start + role.end(), level))
            continue
        head = thing_head.match(text, rel)
        if head and head.end() <= nxt:
            continue  # part of a chat group's / service point's name
        out.append((s, e, level))
    return out


@functools.cache
def _township_rx() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    d = actor_data()
    issuer, office = d.get("township_issuer"), d.get("township_office")
    return (re.compile(str(issuer)) if issuer else None), (re.compile(str(office)) if office else None)


def township_offices(issuer: str | None, addressees: list[str]) -> re.Pattern[str] | None:
    """For a township's notice to its villages (issuer 某镇人民政府, 主送 各村（社区）), the pattern of the township's
    own offices — upper level in that document; else None."""
    issuer_rx, office_rx = _township_rx()
    if not (issuer and issuer_rx and office_rx and issuer_rx.search(issuer.strip())):
        return None
    villages = any(("村" in a or "社区" in a or "居" in a) and level_of(a) == "grassroots" for a in addressees)
    return office_rx if villages else None


def pick_subject(mentions: list[Mention]) -> Mention | None:
    """The obligated party: an agent (由X负责) first, then a grassroots unit a command verb is aimed at
    (县农业农村局要求各乡镇每周报送台账: the township must report), else the first mention not in object position."""
    for m in mentions:
        if m.is_agent:
            return m
    for m in mentions:
        if m.pivot:
            return m
    for m in mentions:
        if not m.is_object:
            return m
    return None


@functools.cache
def level_of(text: str) -> str | None:
    """Level of a free-standing name (an addressee like 各乡镇人民政府)."""
    levels = term_levels()
    best: tuple[int, str] | None = None
    for term, level in levels.items():
        if term in text and (best is None or len(term) > best[0]):
            best = (len(term), level)
    pats, _, _, _ = _compiled()
    for level, rx in pats:
        m = rx.search(text)
        if m and (best is None or len(m.group(0)) > best[0]):
            best = (len(m.group(0)), level)
    return best[1] if best else None


# D.5: trailing assignments "（牵头单位：县民政局；责任单位：各乡镇（街道））", "（县民政局牵头，各乡镇（街道）负责）"
_ROLE = re.compile(r"(牵头单位|责任单位|配合单位|协办单位)[：:]\s*((?:[^；;（）()\n]|（[^）]*）|\([^)]*\)){1,80})")
_TRAIL = re.compile(r"(?:^|[（(，,；;])([^（(，,；;]{2,20}?(?:（[^）]*）)?)(牵头|负责|配合)(?=[，,；;）)]|$)")


def assignments(sentence: str) -> list[tuple[str, str, str | None]]:
    """(role, unit, level) for each unit named in a trailing assignment of the sentence."""
    out: list[tuple[str, str, str | None]] = []
    for m in _ROLE.finditer(sentence):
        role = {"牵头单位": "lead", "责任单位": "responsible", "配合单位": "support", "协办单位": "support"}[m.group(1)]
        for unit in _split_units(m.group(2)):
            out.append((role, unit, level_of(unit)))
    if not out:
        for m in _TRAIL.finditer(sentence):
            role = {"牵头": "lead", "负责": "responsible", "配合": "support"}[m.group(2)]
            unit = m.group(1).strip()
            lvl = level_of(unit)
            if lvl:
                out.append((role, unit, lvl))
    return out


def _split_units(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if ch in "、，," and depth == 0:
            if cur.strip():
                parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts
