"""Clause polarity (domain A.0.1): DEMAND / PROHIBITION (reform, limit) / CRITIQUE (description) / NEUTRAL.

The engine finds the markers of ``data/lexicons/polarity.yaml`` over the whole text in one pass and hands each
clause of a sentence that has hits to :func:`classify_sentence` as a :class:`ClauseView`. Decision per clause:

1. own markers: prohibition before everything — except the traps (不得漏报 = enforcement of a demand; 不超过3个
   工作日完成 = deadline demand; 不得不; 不得分 in score rows); clause-initial 有的/一些 → critique; critique markers
   without a modal → critique; modal / quota / score-row / 实行…制度 → demand;
2. else the previous clause of the sentence (unless the clause opens with a pivot 但/同时…), else the nearest
   decided clause of the sentence;
3. else priors: a 存在问题 section or a 通报/调研报告 document → critique;
4. else implicit demands: an addressee subject (各乡镇…, 全体村干部) with a duty, a grassroots subject with a
   frequency or deadline, a scheduled upper-level inspection (县专项办每月暗访一次), a subject-less imperative
   that opens with a duty verb, frequency or deadline;
5. else narrative cues (了, 先后, 只能…) → critique, otherwise neutral (narrative default: no modal, no demand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMAND, PROHIBITION, CRITIQUE, NEUTRAL = "demand", "prohibition", "critique", "neutral"

# Trigger lexicons whose presence with an upper-level subject and a frequency makes a scheduled action a demand
# on the receiver (domain 4c).
SCHEDULED_LEXICONS = frozenset({"lex:inspection", "lex:ranking", "lex:campaign", "lex:secondment"})


# Prohibition words that keep their force inside a condition (不得…的 stays a prohibition).
_HARD_PROHIBITIONS = frozenset({"不得", "严禁", "禁止", "一律不得", "不准", "不允许", "不许", "杜绝", "严防"})


@dataclass(slots=True)
class Polarity:
    label: str
    certainty: float
    reason: str
    enforcement: bool = False


@dataclass(slots=True)
class ClauseView:
    start: int
    end: int
    text: str
    markers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # kind -> absolute spans
    triggers: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, lexicon/label)
    subject_level: str | None = None  # grassroots | upper | other | None
    subject_text: str | None = None
    subject_addressee_form: bool = False  # 各乡镇 / 全体村干部 / 所有网格员: addressed collectively
    subject_inherited: bool = False
    has_frequency: bool = False
    has_deadline: bool = False
    heading_like: bool = False
    subject_agent: bool = False  # 由X负责: an assignment
    targets_grassroots: bool = False  # a grassroots unit in object position (对各乡镇开展督查)


def _spans(cv: ClauseView, kind: str) -> list[tuple[int, int]]:
    return cv.markers.get(kind, [])


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def decide_clause(cv: ClauseView) -> Polarity | None:
    """Polarity from the clause's own markers, or None when they do not decide it."""
    text, base = cv.text, cv.start
    get = cv.markers.get  # hot (~20 k clauses per MB of dense text): the marker look-ups without a call each
    strong = get("demand_strong", [])
    modal = get("demand_modal", [])
    quota = get("quota", [])
    # 零发生/零上访 name a zero-incident target (不设"零发生"目标 is a limit), not a failure to forbid (不得发生)
    enf_terms = [(s, e) for s, e in get("enforcement", []) if text[s - base - 1: s - base] != "零"]
    trig = [(s, e) for s, e, _ in cv.triggers]

    # --- prohibition / reform, with its traps -----------------------------------------------------------------
    prohib = []
    enforcement = False
    # a sanction's condition (发现有人不在岗的，当天通报; 未按要求整改的): its negation describes the failure
    conditional = text.rstrip("，,：: ").endswith("的")
    for s, e in get("prohibition", []):
        rel = s - base
        word = text[rel: e - base]
        if conditional and word not in _HARD_PROHIBITIONS:
            continue
        if word == "不在" and "的" in text[e - base: e - base + 3]:
            continue  # 不在岗的当日通报: the negation names who is sanctioned, it forbids nothing
        if word == "不得" and text[rel: rel + 3] in ("不得不", "不得分"):
            continue
        if _overlaps((s, e), trig) and (not (s <= min(t[0] for t in trig))
                                        or any(ts <= s and e <= te for ts, te in trig)):
            continue  # 取消评先评优资格: the marker is part of a burden trigger
        if any(ms <= s < me for ms, me in modal):
            continue  # 不得分 (score rows) is a demand marker that contains 不得
        if any(qs <= s and e <= qe for qs, qe in quota):
            continue  # 不得低于/不得少于 set a minimum quota (a demand), not a prohibition
        if any(e <= es <= e + 8 for es, _ in enf_terms) or any(s < es < e + 8 for es, _ in enf_terms):
            enforcement = True  # 不得漏报、严禁弄虚作假: enforcement of a demand
            continue
        if word == "不超过" and _overlaps((s, e), get("deadline_limit", [])):
            return Polarity(DEMAND, 0.9, "不超过+time allowed = deadline demand")
        prohib.append((s, e))
    if prohib:
        return Polarity(PROHIBITION, 0.95, f"prohibition marker {text[prohib[0][0]-base:prohib[0][1]-base]}")
    if get("critique_initial", []):
        return Polarity(CRITIQUE, 0.9, "clause-initial 有的/一些")
    crit = get("critique", [])  # (a conditional clause, 造成…的，严肃追责, is not a complaint either)
    # a critique word inside a reform phrase names a campaign's topic (召开整治形式主义动员会), not a complaint
    reform = get("prohibition", []) + get("reform_boilerplate", [])
    if crit and reform:
        crit = [c for c in crit if not any(rs <= c[0] and c[1] <= re_ for rs, re_ in reform)]
    if crit and not conditional and not strong and not modal and not quota:
        return Polarity(CRITIQUE, 0.85, "critique marker")
    if enforcement:
        return Polarity(DEMAND, 0.9, "enforcement (不得漏报…)", enforcement=True)
    if strong or quota:
        return Polarity(DEMAND, 1.0, "modal/quota")
    if modal:
        if crit and get("narrative", []):
            return Polarity(CRITIQUE, 0.7, "critique marker + narrative with weak modal")
        return Polarity(DEMAND, 0.95, "modal")
    return None


@dataclass(slots=True)
class _SentenceFacts:
    narrative: bool
    triggers: bool
    freq_or_deadline: bool
    grassroots_collective: bool  # an explicit 各乡镇/全体村干部 subject
    grassroots_subject: bool
    scheduled: bool  # inspection/ranking/campaign triggers
    grassroots_target: bool
    agent: bool


def _facts(clauses: list[ClauseView], own: list[Polarity | None]) -> _SentenceFacts:
    lexes = {lab for c in clauses for _, _, lab in c.triggers}
    explicit = [c for c in clauses if c.subject_level == "grassroots" and not c.subject_inherited]
    return _SentenceFacts(
        narrative=any(_spans(c, "narrative") for c in clauses) and not any(
            p is not None and p.label == DEMAND for p in own),
        triggers=bool(lexes),
        freq_or_deadline=any(c.has_frequency or c.has_deadline for c in clauses),
        grassroots_collective=any(c.subject_addressee_form for c in explicit),
        grassroots_subject=bool(explicit),
        scheduled=bool(lexes & SCHEDULED_LEXICONS),
        grassroots_target=any(c.targets_grassroots for c in clauses),
        agent=any(c.subject_agent for c in clauses),
    )


def _implicit(cv: ClauseView, doc_prior: str | None, sf: _SentenceFacts) -> Polarity | None:
    if _spans(cv, "narrative") or sf.narrative:
        return None
    if sf.agent and sf.triggers:
        return Polarity(DEMAND, 0.85, "assignment 由X负责")
    if cv.subject_level == "grassroots" and sf.triggers:
        if sf.grassroots_collective:
            return Polarity(DEMAND, 0.85, "addressee subject + duty")
        if sf.grassroots_subject and sf.freq_or_deadline:
            return Polarity(DEMAND, 0.8, "grassroots subject + frequency/deadline")
    if cv.subject_level == "upper" and sf.scheduled and (sf.freq_or_deadline or sf.grassroots_target):
        return Polarity(DEMAND, 0.8, "scheduled upper-level inspection")
    # a numbered heading (（三）严格督查考核) reads like an imperative but states no demand; a numbered item with
    # its own grassroots subject and frequency (24.各居委每月报送台账。) is caught above
    if cv.heading_like:
        return None
    if cv.subject_level in (None, "grassroots") and _imperative_start(cv):
        cert = 0.8 if doc_prior == DEMAND else 0.7
        return Polarity(DEMAND, cert, "subject-less imperative")
    return None


_OPENERS = ("请", "并", "同时", "及时", "认真", "切实", "按时", "定期", "统一", "全面", "另", "再", "还", "于", "在")
_PREPS = ("从", "对", "向", "把", "将", "按", "根据", "按照", "在", "于", "为")


def _imperative_start(cv: ClauseView) -> bool:
    """The clause (after its subject, if any) opens with a duty trigger, a frequency or a deadline."""
    text = cv.text.lstrip("（(一二三四五六七八九十0123456789）)、.．　 ")
    offset = len(cv.text) - len(text)
    if cv.subject_text and text.startswith(cv.subject_text):
        offset += len(cv.subject_text)
        text = text[len(cv.subject_text):]
    for op in _OPENERS:
        if text.startswith(op):
            offset += len(op)
            break
    head = cv.start + offset
    window = 8 if (not cv.subject_text and text.startswith(_PREPS)) else 1
    if any(head <= s <= head + window for s, _, _ in cv.triggers):
        return True
    return bool(cv.has_frequency or cv.has_deadline) and any(
        s <= head + 1 and head <= e for kind in ("frequency", "deadline") for s, e in _spans(cv, kind)
    )


def classify_sentence(
    clauses: list[ClauseView], *, section_prior: str | None = None, doc_prior: str | None = None,
    lead_critique: bool = False,
) -> list[Polarity]:
    if clauses and _spans(clauses[0], "critique_initial"):
        lead_critique = True  # 有的村…/一些部门…: overrides weak imperatives in the rest of the sentence
    if lead_critique:  # 基层干部反映，… / 经查，…: the whole sentence reports
        return [Polarity(CRITIQUE, 0.9, "reported speech / finding") for _ in clauses]
    own = [decide_clause(c) for c in clauses]
    for i, c in enumerate(clauses):
        # a numbered heading names its section's topic (三、实行每日报告制度): the body states the demand, once; a
        # heading with its own grassroots subject (（二）各村每周报送台账) is still a demand, and so is a numbered
        # line that runs on (2.被暗访组点名批评的， / 分别扣20分。: a score row split over two lines)
        if c.heading_like and own[i] is not None and own[i].label == DEMAND and not (
                c.subject_level == "grassroots" and not c.subject_inherited) and not c.text.rstrip().endswith(
                    ("，", ",", "；", ";", "：", ":")):
            own[i] = None
    sf = _facts(clauses, own)
    out: list[Polarity] = []
    for i, cv in enumerate(clauses):
        p = own[i]
        if p is None and i > 0 and not _spans(cv, "pivot"):
            prev = out[i - 1]
            if prev.label != NEUTRAL and not (prev.label == DEMAND and cv.subject_level in ("upper", "other")
                                              and not cv.subject_inherited):
                p = Polarity(prev.label, round(prev.certainty * 0.95, 3), "inherited: " + prev.reason,
                             prev.enforcement)
        if p is None:
            j, later = next(((j, q) for j, q in enumerate(own[i + 1:], i + 1) if q is not None), (0, None))
            if later is not None and later.label in (PROHIBITION, CRITIQUE) and not _other_party(cv, clauses[j]):
                p = Polarity(later.label, round(later.certainty * 0.9, 3), "sentence: " + later.reason)
        if p is None and (section_prior == CRITIQUE or doc_prior == CRITIQUE):
            p = Polarity(CRITIQUE, 0.7, "section/document prior")
        if p is None:
            p = _implicit(cv, doc_prior, sf)
        if p is None:
            later = next((q for q in own[i + 1:] if q is not None), None)
            if later is not None and later.label == DEMAND and not cv.heading_like:
                p = Polarity(DEMAND, round(later.certainty * 0.85, 3), "sentence: " + later.reason)
        if p is None:
            p = Polarity(CRITIQUE, 0.6, "narrative") if _spans(cv, "narrative") else Polarity(NEUTRAL, 0.5, "none")
        out.append(p)
    return out


def _other_party(cv: ClauseView, later: ClauseView) -> bool:
    """经费由各乡镇自行解决，县级不再另行安排: the later clause limits another party, not this clause's duty."""
    return bool(cv.subject_level == "grassroots" and later.subject_text and not later.subject_inherited
                and later.subject_level in ("upper", "other"))


def markers_config() -> dict[str, Any]:
    from .lexicon import polarity_markers

    return polarity_markers()
