"""The detection engine: one automaton over every term, one pass over the text, work only where hits are.

1. :class:`Engine` (built once per rule set, cached) compiles all trigger lexicons, the rules' own terms, the
   polarity markers and the actor names into ONE Aho-Corasick automaton, plus a few linear-time regexes
   (modal verbs, score rows, rule regexes, frequency/deadline expressions).
2. :meth:`Engine.run` scans ``doc.text`` once with each, buckets the hits into clauses (bisect), and evaluates
   only the sentences that have a trigger or an actor hit: polarity (``polarity.py``), actors (``actors.py``),
   frequency/deadline (``frequency.py``), then every rule whose trigger fired in the clause.
3. Candidates become :class:`~docscan.report.Finding` s: one per (overlapping span, category), rules merged.

Long clauses/sentences are cut into bounded windows first, so the work per window is constant and the whole
scan stays linear on hostile input (a 1 MB line with no punctuation, 100 k repeated trigger words).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..document import Document
from ..gongwen import iso_to_date
from ..report import Finding
from . import actors as actors_mod
from . import scoretable
from .frequency import parse_deadline, parse_frequency
from .lexicon import lexicons, polarity_markers
from .polarity import CRITIQUE, DEMAND, ClauseView, Polarity, classify_sentence
from .prefilter import Finder, LineBatch, line_local
from .rules import Rule, RuleSet, load_rules

MAX_CLAUSE = 240  # chars per evaluated clause window
MAX_SENT_CLAUSES = 24  # clauses per evaluated sentence window
LEVEL_POINTS = {"low": 0, "medium": 2, "high": 4}
_CLAUSE_SPLIT_CHARS = "，,：:；;"
_TRIM = "，,。；;：:！!？?、 \n\t）)】」』”’"
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十0-9]{1,3}[）)]|[0-9]{1,2}[.．、](?![0-9]))")
_NUMBER_OBJ = re.compile(r"[0-9零一二两三四五六七八九十百千万]+(?:\.[0-9]+)?(?:万元|亿元|元|名|人|个|次|期|台|套|辆|项|所|处|平方米|公里)")
_ARTICLE = re.compile(r"(?:^|\n)\s*第[一二三四五六七八九十百零〇]{1,5}条")
_GRASSROOTS_TITLE = re.compile(r"乡镇|街道|村级|各村|村（|村\(|村民|社区|网格|基层|镇村")
_ATTACHMENT_LINE = re.compile(r"\s*附\s*件\s*[0-9０-９一二三四五六七八九十]{0,3}\s*[:：]")
_QUOTED = re.compile(r"《[^》]*》")
_SCORE = re.compile(r"[得扣加减][0-9０-９.]+分")
_CLAUSE_MARK = re.compile(r"[，,；;]")
_SEMI = re.compile(r"[；;\n]")
_CLAUSE_END = re.compile(r"[，,；;。]")
_COLLECTIVE_HINT = ("各", "全体", "所有", "每个", "每名", "每位")

_NEW = object()  # a sentence text not evaluated before (Engine.run)

# Lexicons that are never rule triggers by themselves but make a clause worth evaluating (duty matrix).
AUX_LEXICONS = ("vague_verbs", "concrete_verbs")


@dataclass(slots=True)
class _Cand:
    rule: Rule
    start: int
    end: int
    severity: str
    points: int
    confidence: float
    flags: list[str]
    clause_idx: int  # index into the run's clause infos
    sentence: tuple[int, int]
    ctx: dict[str, Any] = field(default_factory=dict)


class Engine:
    def __init__(self, ruleset: RuleSet) -> None:
        import ahocorasick

        self.ruleset = ruleset
        self.rules = ruleset.rules
        pm = polarity_markers()
        self.pm = pm
        lex = lexicons()
        terms: dict[str, set[tuple[str, str]]] = {}

        def add(term: str, kind: str, label: str) -> None:
            if term:
                terms.setdefault(term, set()).add((kind, label))

        self.by_label: dict[str, list[Rule]] = {}
        used_lex: set[str] = set(AUX_LEXICONS)
        for r in self.rules:
            for name in r.lexicons:
                used_lex.add(name)
                self.by_label.setdefault("lex:" + name, []).append(r)
            for t in r.terms:
                add(t, "trig", "rule:" + r.id)
            if r.terms or r.regex:
                self.by_label.setdefault("rule:" + r.id, []).append(r)
            for name in r.cells:
                self.by_label.setdefault("cell:" + name, []).append(r)
            for group in r.needs:
                for alt in group:
                    if alt.startswith("lex:"):
                        used_lex.add(alt[4:])
        self.cell_rules = any(r.cells for r in self.rules)
        for name in used_lex:
            for t in lex.get(name, ()):
                add(t, "trig", "lex:" + name)
        for kind in ("prohibition", "enforcement", "quota", "demand_strong", "critique", "pivots",
                     "reform_boilerplate"):
            for t in pm.get(kind, []) or []:
                add(str(t), "pol", "pivot" if kind == "pivots" else kind)
        for t, level in actors_mod.term_levels().items():
            add(t, "actor", level)
        auto = ahocorasick.Automaton()
        for t, vals in terms.items():
            auto.add_word(t, (len(t), tuple(sorted(vals))))
        auto.make_automaton()
        self.automaton = auto
        self.regexes: list[tuple[str, str, re.Pattern[str]]] = []
        for rx in pm.get("demand_regex", []) or []:
            self.regexes.append(("pol", "demand_modal", re.compile(rx)))
        for rx in pm.get("critique_regex", []) or []:
            if rx.startswith("^"):
                self.regexes.append(("pol", "critique_initial",
                                     re.compile("(?:^|(?<=[，,。；;！？!?\n：:]))" + rx[1:])))
            else:
                self.regexes.append(("pol", "critique", re.compile(rx)))
        for rx in pm.get("prohibition_regex", []) or []:
            pat = ("(?:^|(?<=[，,。；;！？!?\n：:]))" + rx[1:]) if rx.startswith("^") else rx
            self.regexes.append(("pol", "prohibition", re.compile(pat)))
        self.lead_rx = re.compile(pm["critique_lead_regex"]) if pm.get("critique_lead_regex") else None
        for rx in pm.get("narrative_regex", []) or []:
            self.regexes.append(("pol", "narrative", re.compile(rx)))
        if pm.get("deadline_limit_regex"):
            self.regexes.append(("pol", "deadline_limit", re.compile(pm["deadline_limit_regex"])))
        for r in self.rules:
            for c in r.compiled:
                self.regexes.append(("trig", "rule:" + r.id, c))
        for level, rx in actors_mod.global_patterns():
            self.regexes.append(("actor", level, rx))
        # each regex as plain finditer or driven by its first characters, whichever is faster (prefilter.Finder)
        self._finders = [Finder(rx) for _, _, rx in self.regexes]
        # which of them can run once per distinct line of a text whose lines repeat (prefilter.LineBatch); parsed
        # on the first such text, not at every cold start
        self._line_local: list[bool] | None = None
        self.critique_headings = tuple(pm.get("critique_headings", []) or [])
        self.demand_headings = tuple(pm.get("demand_headings", []) or [])
        self.critique_genres = tuple(pm.get("critique_genres", []) or [])
        self.commentary_cues = tuple(pm.get("commentary_cues", []) or [])
        self.demand_genres = tuple(pm.get("demand_genres", []) or [])
        sev = ruleset.severity
        self.sev_features = sev.get("features", []) or []
        self.freq_min = sev.get("frequency_min", []) or []
        self.urgency = sev.get("urgency", []) or []
        self.buckets = sev.get("buckets", {"high": 4, "medium": 2})
        self.sev_rx = [_alternation(f.get("terms") or []) for f in self.sev_features]
        self._feat_index = _FeatureIndex(self.sev_features)
        # which features look at the sentence and which at the clause (indices, in feature order)
        self._sent_scope = frozenset(i for i, f in enumerate(self.sev_features) if f.get("scope") == "sentence")
        self._clause_scope = frozenset(range(len(self.sev_features))) - self._sent_scope
        # a rule's clause/sentence exceptions as one search each (same answer as ``any(t in text …)``)
        self._exc_clause = {r.id: actors_mod._contains_any(r.exc_clause) for r in self.rules if r.exc_clause}
        self._exc_sentence = {r.id: actors_mod._contains_any(r.exc_sentence) for r in self.rules if r.exc_sentence}
        self.bump_rx = {id(b): _alternation(b["terms"]) for r in self.rules for b in r.bumps}
        # the only reads of text outside a sentence's own span are the overlap exceptions' ±12-character windows:
        # a term can matter there only if it crosses the sentence's boundary, i.e. holds the two characters on
        # either side of it (see _memo_key)
        self._exc_bigrams = frozenset(t[i:i + 2] for r in self.rules for t in r.exc_overlap
                                      for i in range(len(t) - 1))

    # -- the scan ---------------------------------------------------------------------------------------------
    def run(self, doc: Document, config: Config) -> tuple[list[Finding], list[Any], dict[str, Any]]:
        """Findings, clause analyses, and how the document reads as a whole: ``{"prior": "commentary" |
        "critique" | "demand" | None, "scope": "all" | "grassroots_sentences" | "none"}`` (see :meth:`_scope`)."""
        from . import ClauseInfo

        text = doc.text
        hits: list[tuple[int, int, str, str]] = []
        for end_idx, (n, vals) in self.automaton.iter(text):
            s = end_idx - n + 1
            for kind, label in vals:
                hits.append((s, end_idx + 1, kind, label))
        rx_actor_starts: set[int] = set()  # where a name pattern (not the automaton) found an actor
        batch = LineBatch.of(text)
        if batch is not None and self._line_local is None:
            self._line_local = [line_local(rx) for _, _, rx in self.regexes]
        locals_ = self._line_local or [False] * len(self.regexes)
        for (kind, label, _), finditer, local in zip(self.regexes, self._finders, locals_, strict=True):
            if batch is not None and local:
                for s, e in batch.spans(finditer):
                    hits.append((s, e, kind, label))
                    if kind == "actor":
                        rx_actor_starts.add(s)
                continue
            for m in finditer(text):
                if m.end() > m.start():
                    hits.append((m.start(), m.end(), kind, label))
                    if kind == "actor":
                        rx_actor_starts.add(m.start())
        issued = iso_to_date(doc.metadata.date)
        freqs = parse_frequency(text)
        deadlines = parse_deadline(text, issued)
        for f in freqs:
            hits.append((f["start"], f["end"], "freq", "frequency"))
        for d in deadlines:
            hits.append((d["start"], d["end"], "dl", "deadline"))
        if self.cell_rules:
            # a score table's content/evidence cells (detect/scoretable.py): the cell's first clause is the trigger
            for c in scoretable.cells(doc):
                if "cell:" + c.role in self.by_label:
                    cut = _CLAUSE_END.search(text, c.start, c.end)
                    hits.append((c.start, cut.start() if cut else c.end, "trig", "cell:" + c.role))
        if not hits:
            return [], [], {"prior": None, "scope": "all", "frequencies": freqs, "deadlines": deadlines}
        freq_at = {f["start"]: f for f in freqs}
        dl_at = {d["start"]: d for d in deadlines}

        sentences = _windows(doc)
        clause_starts = [c[0] for sent in sentences for c in sent[2]]
        clause_sent = [si for si, sent in enumerate(sentences) for _ in sent[2]]
        clause_ends = [c[1] for sent in sentences for c in sent[2]]
        buckets: dict[int, list[tuple[int, int, str, str]]] = {}
        for h in hits:
            ci = bisect.bisect_right(clause_starts, h[0]) - 1
            if ci >= 0 and h[0] < clause_ends[ci]:
                buckets.setdefault(ci, []).append(h)
        # sentences worth evaluating: a trigger or an actor hit in some clause
        hot: dict[int, None] = {}
        for ci, hs in buckets.items():
            if any(k in ("trig", "actor") for _, _, k, _ in hs):
                hot[clause_sent[ci]] = None

        addressees = doc.metadata.addressees or []
        addr_levels = [actors_mod.level_of(a) for a in addressees]
        addr_level = "grassroots" if "grassroots" in addr_levels else ("upper" if "upper" in addr_levels else None)
        addr_text = "、".join(a for a, lv in zip(addressees, addr_levels, strict=False) if lv == "grassroots") or None
        self._sent_starts = [s for s, _, _ in sentences]
        doc_prior = raw_prior = self._doc_prior(doc, hits)
        commentary = doc_prior == "commentary"
        if commentary:
            doc_prior = CRITIQUE
        issuer = doc.metadata.issuer
        own_offices = actors_mod.township_offices(issuer, addressees)
        reform_decl = any(k == "pol" and lab == "reform_boilerplate" for _, _, k, lab in hits)
        # Subject-less imperatives fall on the 主送机关. In a real document (>= 20 sentences) that is not addressed
        # to grassroots units (and whose title does not name them), they fall on someone else — unless the
        # sentence itself names a grassroots unit (对各乡镇开展督查).
        title = doc.metadata.title or doc.text[:60]
        # statutes (条例, …法): a 考核办法/实施办法 is a directive's carrier unless it reads like a statute (articles)
        # and is neither addressed to nor titled for grassroots units
        # a title that only quotes a statute (印发贯彻《…条例》…实施方案的通知) is a directive; the statute text itself
        # is caught by its articles
        legislation = bool(re.search(r"条例|规定$|(?<![办])法$", _QUOTED.sub("", title))) or (
            len(_ARTICLE.findall(doc.text[:20000])) >= 5 and addr_level != "grassroots"
            and not _GRASSROOTS_TITLE.search(title))
        self._unknown_is_other = len(doc.sentences) >= 20 and (legislation or (
            addr_level != "grassroots" and actors_mod.level_of(title) != "grassroots"))

        self._block_starts = [b.start for b in doc.blocks]
        self._feat_cache: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._sent_feat_cache: dict[str, set[int]] = {}
        infos: list[Any] = []
        window_mentions: dict[int, tuple[str, list[actors_mod.Mention]]] = {}
        cands: list[_Cand] = []
        vague_uppers_doc: list[str] = []
        heading_priors: dict[int, str | None] = {}
        # one evaluation per distinct sentence: what a sentence yields depends only on its text, its hits (with
        # the parsed frequency/deadline values), its section prior and heading look, and the run's document-level
        # context; a repeated sentence (table rows, dense text) replays the first one's result at its own offsets
        memo: dict[tuple[Any, ...], _SentResult] = {}
        # keys are built only for a sentence text seen before: a sentence evaluated for the first time leaves what
        # its key and result need (``pending``), taken up when the same text comes again; a text without repeats
        # pays one dict look-up per sentence
        pending: dict[str, tuple[Any, ...] | None] = {}
        first_clause = 0
        for si, (s_start, s_end, clauses) in enumerate(sentences):
            ci0 = first_clause
            first_clause += len(clauses)
            stext = text[s_start:s_end]
            is_heading = bool(stext[:1] and stext[:1] in "一二三四五六七八九十（(0123456789" and _HEADING.match(stext))
            if is_heading:
                self._update_section(stext, heading_priors)
            if si not in hot or (len(stext) <= 80 and _ATTACHMENT_LINE.match(stext)) or (
                    len(stext) <= 12 and scoretable.header_role(stext.strip(_TRIM))):
                # an 附件 line names an annex (附件：…名单（样表）); what the annex asks is in the body; a table's
                # header cell (佐证材料) names a column, its rows say what is asked
                continue
            section_prior = heading_priors.get(2) or heading_priors.get(1)
            block = _block_at(doc, self._block_starts, s_start)
            # a short numbered line is a heading (（三）严格督查考核), but a numbered line that carries a score or ends
            # a clause-bearing sentence (1.建立入河排污口台帐，得1分。) is an item: score tables number every duty
            heading_like = ((is_heading and len(stext) <= 30) or (
                block is not None and block.kind in ("heading", "title"))) and not _is_item(stext)
            key: tuple[Any, ...] | None = None
            earlier = pending.get(stext, _NEW)
            if earlier is not _NEW:
                if earlier is not None:  # the first evaluated occurrence: keyed now
                    (e_start, e_end, e_clauses, e_ci0, e_heading, e_prior, i0, i1, c0, c1, e_windows, v0, v1) = earlier
                    e_key = self._memo_key(text, e_start, e_end, e_clauses, e_ci0, buckets, freq_at, dl_at,
                                           rx_actor_starts, e_heading, e_prior)
                    if e_key is not None:
                        memo.setdefault(e_key, _SentResult(e_start, infos[i0:i1], i0, cands[c0:c1],
                                                           [(c, window_mentions[c]) for c in e_windows],
                                                           vague_uppers_doc[v0:v1]))
                    pending[stext] = None
                key = self._memo_key(text, s_start, s_end, clauses, ci0, buckets, freq_at, dl_at, rx_actor_starts,
                                     heading_like, section_prior)
                if key is not None:
                    done = memo.get(key)
                    if done is not None:
                        done.replay(si, s_start, s_end, infos, cands, window_mentions, vague_uppers_doc)
                        continue
            n_infos, n_cands, n_vague = len(infos), len(cands), len(vague_uppers_doc)
            sent_windows: list[int] = []
            views: list[ClauseView] = []
            mentions_all: list[actors_mod.Mention] = []
            per_clause_mentions: list[list[actors_mod.Mention]] = []
            assign = actors_mod.assignments(stext) if ("单位" in stext or "牵头" in stext) else []
            resp = next(((u, lv) for role, u, lv in assign if role == "responsible" and lv), None)
            prev_subj: tuple[str, str | None] | None = None
            for k, (c_start, c_end) in enumerate(clauses):
                hs = buckets.get(ci0 + k, [])
                ctext = text[c_start:c_end]
                markers: dict[str, list[tuple[int, int]]] = {}
                triggers: list[tuple[int, int, str]] = []
                actor_hits: list[tuple[int, int, str]] = []
                for s, e, kind, label in hs:
                    if kind == "trig":
                        triggers.append((s, e, label))
                    elif kind == "pol":
                        markers.setdefault(label, []).append((s, e))
                    elif kind == "actor":
                        actor_hits.append((s, e, label))
                    elif kind == "freq":
                        markers.setdefault("frequency", []).append((s, e))
                    else:
                        markers.setdefault("deadline", []).append((s, e))
                mentions = actors_mod.find_mentions(ctext, c_start, actor_hits)
                if own_offices is not None:
                    for m in mentions:
                        if m.level == "grassroots" and own_offices.match(m.text):
                            m.level = "upper"  # the issuing township's office, in its notice to villages
                per_clause_mentions.append(mentions)
                if actor_hits and not any(h[0] in rx_actor_starts for h in actor_hits):
                    # from the automaton's actor terms alone: what quantify/facts.py would compute for the
                    # same clause window, so it takes these over (Detection.mentions)
                    window_mentions[c_start] = (ctext, mentions)
                    sent_windows.append(c_start)
                mentions_all.extend(mentions)
                subj = actors_mod.pick_subject(mentions)
                inherited = False
                if subj is not None:
                    subj_t: tuple[str, str | None] = (subj.text, subj.level)
                    collective = subj.collective
                elif prev_subj is not None:
                    subj_t, inherited, collective = prev_subj, True, False
                elif resp is not None:
                    subj_t, inherited, collective = resp, True, False
                elif addr_level == "grassroots":
                    subj_t, inherited, collective = (addr_text or "主送单位", "grassroots"), True, False
                else:
                    subj_t, inherited, collective = (None, None), True, False  # type: ignore[assignment]
                if subj is not None:
                    prev_subj = subj_t
                views.append(ClauseView(
                    start=c_start, end=c_end, text=ctext, markers=markers, triggers=triggers,
                    subject_level=subj_t[1], subject_text=subj_t[0] if not inherited else None,
                    subject_addressee_form=collective, subject_inherited=inherited,
                    has_frequency="frequency" in markers, has_deadline="deadline" in markers,
                    heading_like=heading_like, subject_agent=bool(subj is not None and subj.is_agent),
                    targets_grassroots=any(m.is_object and m.level == "grassroots" for m in mentions),
                ))
            lead = bool(self.lead_rx and self.lead_rx.match(stext))
            pols = classify_sentence(views, section_prior=section_prior, doc_prior=doc_prior, lead_critique=lead)
            if commentary:
                # commentary recommends (上级部门要…) and describes; only an explicit, strong demand on a named
                # grassroots unit survives
                pols = [p if (p.label != DEMAND or (p.certainty >= 1.0 and cv.subject_level == "grassroots"
                                                    and not cv.subject_inherited and cv.subject_addressee_form))
                        else Polarity(CRITIQUE, 0.7, "commentary document") for p, cv in zip(pols, views, strict=True)]
            sent_infos: list[Any] = []
            sent_idx: list[int] = []
            for k, (cv, pol) in enumerate(zip(views, pols, strict=True)):
                lexes = {lab for _, _, lab in cv.triggers}
                vague = "lex:vague_verbs" in lexes
                subj_text = cv.subject_text if cv.subject_text else (
                    cv.subject_level and _inherited_text(views, k, addr_text))
                if vague and cv.subject_level == "upper" and cv.subject_text:
                    vague_uppers_doc.append(cv.subject_text)
                if not cv.triggers and not (cv.subject_text and pol.label == DEMAND):
                    sent_infos.append(None)
                    sent_idx.append(-1)
                    continue
                fr = next((freq_at[s] for s, _ in cv.markers.get("frequency", []) if s in freq_at), None)
                dl = next((dl_at[s] for s, _ in cv.markers.get("deadline", []) if s in dl_at), None)
                verb_hit = next(((s, e) for s, e, lab in sorted(cv.triggers) if lab != "lex:report_objects"), None)
                verb = text[verb_hit[0]:verb_hit[1]] if verb_hit else None
                obj = text[verb_hit[1]:cv.end].strip(_TRIM)[:30] if verb_hit else None
                concrete = bool(_NUMBER_OBJ.search(cv.text) or (dl and dl.get("kind") == "date")) \
                    if "lex:concrete_verbs" in lexes or cv.subject_level == "upper" else None
                info = ClauseInfo(
                    start=cv.start, end=cv.end, sentence=si, polarity=pol.label, actor=subj_text,
                    actor_level=cv.subject_level, requester=None, verb=verb, obj=obj or None, concrete=concrete,
                    vague=vague, frequency=_public(fr), deadline=_public(dl),
                    flags=["enforcement"] if pol.enforcement else [],
                )
                sent_idx.append(len(infos))
                infos.append(info)
                sent_infos.append(info)
            sent_vague_uppers = [cv.subject_text for cv, inf in zip(views, sent_infos, strict=True)
                                 if inf is not None and inf.vague and cv.subject_level == "upper" and cv.subject_text]
            for k, (cv, pol) in enumerate(zip(views, pols, strict=True)):
                info = sent_infos[k]
                if info is None or not cv.triggers:
                    continue
                self._apply_rules(doc, cv, pol, info, per_clause_mentions[k], mentions_all, (s_start, s_end),
                                  stext, views, issuer, sent_vague_uppers, cands, sent_idx[k])
            if earlier is _NEW:
                pending[stext] = (s_start, s_end, clauses, ci0, heading_like, section_prior, n_infos, len(infos),
                                  n_cands, len(cands), sent_windows, n_vague, len(vague_uppers_doc))
            elif key is not None:
                memo[key] = _SentResult(s_start, infos[n_infos:], n_infos, cands[n_cands:],
                                        [(c, window_mentions[c]) for c in sent_windows], vague_uppers_doc[n_vague:])
        scope = self._scope(doc, legislation, addr_level, title)
        cands = self._gate(cands, scope)
        findings = self._merge(doc, cands, infos, config, vague_uppers_doc, reform_decl)
        return findings, infos, {"prior": raw_prior, "scope": scope, "frequencies": freqs, "deadlines": deadlines,
                                 "mentions": window_mentions}

    # -- helpers ------------------------------------------------------------------------------------------------
    def _memo_key(self, text: str, s_start: int, s_end: int, clauses: list[tuple[int, int]], ci0: int,
                  buckets: dict[int, list[tuple[int, int, str, str]]], freq_at: dict[int, dict[str, Any]],
                  dl_at: dict[int, dict[str, Any]], rx_actor_starts: set[int], heading_like: bool,
                  section_prior: str | None) -> tuple[Any, ...] | None:
        """Everything a sentence's evaluation reads, relative to its start; None when it reads past its span (a
        hit that runs on past the sentence, an overlap-exception term that could cross its boundary)."""
        bigrams = self._exc_bigrams
        if bigrams and ((s_start > 0 and text[s_start - 1:s_start + 1] in bigrams)
                        or (s_end < len(text) and text[s_end - 1:s_end + 1] in bigrams)):
            return None
        parts: list[Any] = [text[s_start:s_end], heading_like, section_prior]
        for k, (c_start, c_end) in enumerate(clauses):
            parts.append((c_start - s_start, c_end - s_start))
            for s, e, kind, label in buckets.get(ci0 + k, ()):
                if e > s_end:
                    return None
                if kind == "freq":
                    extra: Any = _values(freq_at.get(s))
                elif kind == "dl":
                    extra = _values(dl_at.get(s))
                elif kind == "actor":
                    extra = s in rx_actor_starts
                else:
                    extra = None
                parts.append((s - s_start, e - s_start, kind, label, extra))
        return tuple(parts)

    def _scope(self, doc: Document, legislation: bool, addr_level: str | None, title: str) -> str:
        """Document-level scope of burden findings: real documents not addressed to grassroots units yield few.

        - ``none``: work reports (政府工作报告) and legislation (条例/规定, 第X条) — statutes bind the public and all
          levels at once; their duties are not burdens imposed by this document;
        - ``grassroots_sentences``: a real document addressed to upper/other bodies only, or about operators/
          contractors/责任单位 (title) — only sentences that name a grassroots unit;
        - ``all``: everything else. Short texts (< 20 sentences: snippets, corpus items) are never gated.
        The model's findings pass the same gate (``docscan.learn.fuse.model_allowed``).
        """
        if len(doc.sentences) < 20:
            return "all"
        pm = self.pm
        if legislation or any(t in title for t in pm.get("gate_report_titles", []) or []):
            return "none"
        md = doc.metadata
        names_grassroots = bool(md.title and _GRASSROOTS_TITLE.search(md.title))
        off_target = not names_grassroots and (
            (addr_level is not None and addr_level != "grassroots")
            or (not md.addressees and not md.doc_number))  # papers, web pages, excerpts without a header
        if off_target or any(t in title for t in pm.get("gate_non_grassroots_titles", []) or []):
            return "grassroots_sentences"
        return "all"

    @staticmethod
    def _gate(cands: list[_Cand], scope: str) -> list[_Cand]:
        if scope == "none":
            return []
        if scope == "grassroots_sentences":
            # the grassroots unit must be the party the clause burdens (its subject, or the unit a check is aimed
            # at), not a rater or a recipient named in passing (居委占评分权重40%; 物业…影响居委工作的，扣2分)
            return [c for c in cands if c.ctx.get("grassroots_party")]
        return cands

    def _doc_prior(self, doc: Document, hits: list[tuple[int, int, str, str]] | None = None) -> str | None:
        md = doc.metadata
        if hits is not None and not md.addressees and not md.doc_number and len(doc.sentences) >= 15:
            # a web commentary / news piece / research paper: many critique markers, commentary cues
            crit = {bisect.bisect_right(self._sent_starts, s) for s, _, k, lab in hits
                    if k == "pol" and lab in ("critique", "critique_initial")}
            head = doc.text[:3000]
            cues = sum(1 for c in self.commentary_cues if c in head)
            if len(crit) >= 0.12 * len(doc.sentences) or (cues >= 2 and len(crit) >= 0.06 * len(doc.sentences)):
                return "commentary"
        names = " ".join(x for x in (md.genre, md.carrier, md.title) if x)
        if not names:
            return None
        if any(g in names for g in ("调研报告", "通报")) or (md.genre in self.critique_genres):
            # 通报 with demands (关于…的通报 that ends with 要求) stays a critique prior only for undecided clauses
            return CRITIQUE
        if md.genre in self.demand_genres or any(g in names for g in self.demand_genres):
            return DEMAND
        return None

    def _update_section(self, stext: str, priors: dict[int, str | None]) -> None:
        level = 1 if stext.lstrip()[:1] in "一二三四五六七八九十" else 2
        head = stext[:30]
        prior = CRITIQUE if any(h in head for h in self.critique_headings) else (
            DEMAND if any(h in head for h in self.demand_headings) else None)
        if level == 1:
            priors.clear()
            priors[1] = prior
        else:
            priors[2] = prior if prior is not None else None

    def _apply_rules(self, doc: Document, cv: ClauseView, pol: Polarity, info: Any,
                     mentions: list[actors_mod.Mention], mentions_all: list[actors_mod.Mention],
                     sent: tuple[int, int], stext: str, views: list[ClauseView], issuer: str | None,
                     sent_vague_uppers: list[str], cands: list[_Cand], info_idx: int) -> None:
        text = doc.text
        by_label: dict[str, list[tuple[int, int]]] = {}
        for s, e, lab in cv.triggers:
            by_label.setdefault(lab, []).append((s, e))
        seen: set[str] = set()
        rules: list[Rule] = []
        for lab in by_label:
            for r in self.by_label.get(lab, ()):
                if r.id not in seen:
                    seen.add(r.id)
                    rules.append(r)
        rules.sort(key=lambda r: r.order)
        actor_level = cv.subject_level or (
            "other" if self._unknown_is_other and "grassroots" not in {m.level for m in mentions_all} else "unknown")
        sent_levels = {m.level for m in mentions_all}
        on_grassroots = any(m.addressed and m.level == "grassroots" for m in mentions_all)
        requester: str | None = None
        for r in rules:
            if pol.label not in r.polarity:
                continue
            if actor_level not in r.actor and not (actor_level == "upper" and (
                    ("upper_with_target" in r.actor and "grassroots" in sent_levels)
                    or ("upper_on_grassroots" in r.actor and on_grassroots))):
                continue
            spans = [sp for name in r.lexicons for sp in by_label.get("lex:" + name, [])]
            spans += by_label.get("rule:" + r.id, [])
            for name in r.cells:
                spans += by_label.get("cell:" + name, [])
            if r.exc_overlap:
                spans = [sp for sp in spans if not _overlap_exception(text, sp, r.exc_overlap)]
            if not spans:
                continue
            if r.exc_clause and self._exc_clause[r.id](cv.text):
                continue
            if r.exc_clause_rx and any(rx.search(cv.text) for rx in r.exc_clause_rx):
                continue
            if r.exc_sentence_rx and any(rx.search(stext) for rx in r.exc_sentence_rx):
                continue
            if r.exc_sentence and self._exc_sentence[r.id](stext):
                continue
            if r.target and not any(t in sent_levels for t in r.target):
                continue
            if r.not_target and any(m.level in r.not_target and m.is_object for m in mentions):
                continue
            scope_views = views if r.scope == "sentence" else [cv]
            extra: list[tuple[int, int]] = []
            ok = True
            for group in r.needs:
                got = False
                for alt in group:
                    found = _need(alt, scope_views, text)
                    if found is not None:
                        got = True
                        if found[0] >= cv.start and found[1] <= cv.end:
                            extra.append(found)
                        break
                if not got:
                    ok = False
                    break
            if not ok:
                continue
            if r.max_deadline_days is not None:
                dl = info.deadline
                if not dl or dl.get("days") is None or dl["days"] > r.max_deadline_days:
                    continue
            start, end = self._span(cv, spans + extra)
            points, flags, level = self._severity(r, cv, stext, info, sent_vague_uppers)
            if requester is None:
                requester = _requester(mentions, cv, views, issuer) or ""
            ctx = {"actor": info.actor, "requester": requester or None, "freq": (info.frequency or {}).get("text", ""),
                   "deadline": (info.deadline or {}).get("text", ""),
                   "upper_vague": "、".join(dict.fromkeys(sent_vague_uppers)),
                   "grassroots_party": "grassroots" in sent_levels and (actor_level == "grassroots" or any(
                       m.level == "grassroots" and (m.addressed or (not m.is_object and actor_level == "unknown"))
                       for m in mentions_all))}
            if actor_level == "upper":  # an upper body's act on a unit (checks its 台账): the unit bears it
                target = next((m.text for m in mentions_all if m.level == "grassroots"), None)
                ctx["actor"] = target or info.actor
                ctx["requester"] = cv.subject_text or requester
            if r.action_type and r.action_type not in info.action_types:
                info.action_types.append(r.action_type)
            cands.append(_Cand(r, start, end, level, points, round(r.confidence * pol.certainty, 3), flags,
                               info_idx, sent, ctx))

    def _span(self, cv: ClauseView, spans: list[tuple[int, int]]) -> tuple[int, int]:
        start = min(s for s, _ in spans)
        end = max(e for _, e in spans)
        for kind in ("frequency", "deadline"):
            for s, e in cv.markers.get(kind, []):
                if s < start and start - e <= 12:
                    start = s
        # reach back to the verb: just after the modal (要建立…台账) or the subject, when close
        anchors = [e for kind in ("demand_modal", "demand_strong") for s, e in cv.markers.get(kind, []) if e <= start]
        if cv.subject_text and cv.text.startswith(cv.subject_text):
            anchors.append(cv.start + len(cv.subject_text))
        near = [a for a in anchors if 0 < start - a <= 14]
        if near:
            start = max(near)
        clause_end = cv.end
        while clause_end > cv.start and cv.text[clause_end - cv.start - 1] in _TRIM:
            clause_end -= 1
        if clause_end > end and clause_end - end <= 18:
            end = clause_end
        while start < end and cv.text[start - cv.start] in _TRIM:
            start += 1
        return start, max(end, start + 1)

    def _severity(self, r: Rule, cv: ClauseView, stext: str, info: Any,
                  sent_vague_uppers: list[str]) -> tuple[int, list[str], str]:
        points = LEVEL_POINTS[r.severity_base]
        flags: list[str] = []
        key = (cv.start, cv.end)
        present = self._feat_cache.get(key)
        if present is None:
            sent_found = self._sent_feat_cache.get(stext)
            if sent_found is None:
                sent_found = self._sent_feat_cache[stext] = self._feat_index.found(stext)
            clause_found = self._feat_index.found(cv.text)
            feats = self.sev_features
            present = [feats[i] for i in sorted((sent_found & self._sent_scope) | (clause_found & self._clause_scope))]
            self._feat_cache[key] = present
        for feat in present:
            cats = feat.get("categories")
            if cats and r.category not in cats:
                continue
            points += int(feat.get("add", 1))
            if feat.get("flag"):
                flags.append(feat["flag"])
        for b in r.bumps:
            if self.bump_rx[id(b)].search(stext):
                points += int(b.get("add", 1))
                if b.get("flag"):
                    flags.append(b["flag"])
        if r.category == "vague_duty" and sent_vague_uppers:
            points += 1
            flags.append("upper_vague")
        dl = info.deadline
        if dl and dl.get("days") is not None:
            for u in self.urgency:
                if dl["days"] <= u.get("max_days", 0):
                    points += int(u.get("add", 1))
                    if u.get("flag"):
                        flags.append(u["flag"])
                    break
        fr = info.frequency
        min_level = None
        if fr:
            if fr.get("unbounded"):
                min_level = "high"
                flags.append("freq_unbounded")
            elif fr.get("unspecified"):
                flags.append("freq_unspecified")
            elif fr.get("per_year") is not None:
                for fm in self.freq_min:
                    if fr["per_year"] >= fm.get("per_year", 0):
                        min_level = fm.get("level")
                        break
        level = "low"
        for name in ("high", "medium"):
            if points >= self.buckets.get(name, 99):
                level = name
                break
        if min_level and LEVEL_POINTS[min_level] > LEVEL_POINTS[level]:
            level = min_level
        return points, list(dict.fromkeys(flags)), level

    def _merge(self, doc: Document, cands: list[_Cand], infos: list[Any], config: Config,
               vague_uppers_doc: list[str], reform_decl: bool) -> list[Finding]:
        lang = "en" if config.lang == "en" else "zh"
        cats_in_sentence: dict[tuple[int, int], set[str]] = {}
        for c in cands:
            cats_in_sentence.setdefault(c.sentence, set()).add(c.rule.category)
        cands = [c for c in cands if not (
            c.rule.yield_categories and cats_in_sentence[c.sentence] & set(c.rule.yield_categories)
            and (not c.rule.yield_terms or any(t in doc.text[c.start:c.end] for t in c.rule.yield_terms)))]
        by_cat: dict[str, list[_Cand]] = {}
        for c in cands:
            by_cat.setdefault(c.rule.category, []).append(c)
        rank = {"low": 0, "medium": 1, "high": 2}
        out: list[Finding] = []
        doc_vague = "、".join(dict.fromkeys(vague_uppers_doc[:3]))
        worded: dict[tuple[int, int], tuple[Any, ...]] = {}
        for cat, cs in by_cat.items():
            cs.sort(key=lambda c: (c.start, c.end))
            groups: list[list[_Cand]] = []
            gend = -1
            for c in cs:
                # one finding per (clause chain, category): same sentence and no ；between the hits
                # (建立台账 / 一户一档 / 每月底前报送 → one ledger finding listing all rule ids)
                if groups and c.sentence == groups[-1][0].sentence and (c.start < gend or (
                        c.end - groups[-1][0].start <= MAX_CLAUSE and not _SEMI.search(doc.text, gend, c.start))):
                    groups[-1].append(c)
                    gend = max(gend, c.end)
                else:
                    groups.append([c])
                    gend = c.end
            for g in groups:
                best = max(g, key=lambda c: (rank[c.severity], c.confidence, -c.rule.order))
                start, end = min(c.start for c in g), max(c.end for c in g)
                flags = list(dict.fromkeys(f for c in sorted(g, key=lambda c: c.rule.order) for f in c.flags))
                severity = max((c.severity for c in g), key=rank.__getitem__)
                info = infos[best.clause_idx] if 0 <= best.clause_idx < len(infos) else None
                if info is not None:
                    if cat not in info.categories:
                        info.categories.append(cat)
                    for f in flags:
                        if f not in info.flags:
                            info.flags.append(f)
                # the message depends on the rule and its context only: replayed candidates share one context
                # object, so each (rule, context) is worded once per run
                words = worded.get((id(best.rule), id(best.ctx)))
                if words is None:
                    ctx = dict(best.ctx)
                    if cat == "vague_duty" and not ctx.get("upper_vague") and doc_vague:
                        ctx["upper_vague"] = doc_vague
                    words = worded[(id(best.rule), id(best.ctx))] = (
                        _fmt(best.rule.message[lang], ctx, lang), _fmt(best.rule.suggestion[lang], ctx, lang),
                        self._reference(best.rule, lang), ctx.get("actor"), ctx.get("requester"))
                s0, s1 = best.sentence
                out.append(Finding(
                    category=cat, severity=severity, confidence=max(c.confidence for c in g),
                    start=start, end=end, text=doc.text[start:end], sentence=doc.text[s0:s1].strip(),
                    rule=best.rule.id, rules=list(dict.fromkeys(c.rule.id for c in sorted(
                        g, key=lambda c: (-rank[c.severity], -c.confidence, c.rule.order)))),
                    source="rule", message=words[0], suggestion=words[1], reference=words[2],
                    page=_page_at(doc, self._block_starts, start),
                    sentence_start=s0, sentence_end=s1, subkind=best.rule.subkind,
                    actor=words[3], requester=words[4],
                    frequency=info.frequency if info else None, deadline=info.deadline if info else None,
                    polarity=info.polarity if info else DEMAND, flags=flags,
                    provision=self._provision(best.rule),
                ))
        if reform_decl and out:
            for f in out:
                f.flags.append("declared_reform_with_demands")
        out.sort(key=lambda f: (f.start, f.end, f.category))
        return out

    def _provision(self, r: Rule) -> dict[str, Any] | None:
        if not r.provision:
            return None
        p = self.ruleset.provisions[r.provision]
        return {"id": r.provision, "title": p.get("doc"), "part": p.get("part"),
                "confidence": p.get("confidence"), "source": p.get("source")}

    def _reference(self, r: Rule, lang: str) -> str:
        if not r.provision:
            return ""
        p = self.ruleset.provisions[r.provision]
        para = p.get("paraphrase_en" if lang == "en" else "paraphrase") or p.get("paraphrase", "")
        doc = p.get("doc_en", p["doc"]) if lang == "en" else p["doc"]
        ref = f"{doc} {p.get('part', '')}: {para}" if lang == "en" else f"{doc}{p.get('part', '')}：{para}"
        if p.get("confidence") == "L":
            ref += " (to be verified)" if lang == "en" else "（待核实）"
        return ref


class _SentResult:
    """What one evaluated sentence added to the run (clause infos, candidates, actor windows, vague upper
    subjects), relative to its start, to replay for a later sentence with the same memo key. Replays build fresh
    objects: the merge and quantify/ mutate infos (categories, flags) and read mentions per occurrence."""

    __slots__ = ("cands", "infos", "vague", "windows")

    def __init__(self, base: int, infos: list[Any], info0: int, cands: list[_Cand],
                 windows: list[tuple[int, tuple[str, list[actors_mod.Mention]]]], vague: list[str]) -> None:
        self.infos = [(i.start - base, i.end - base, i.polarity, i.actor, i.actor_level, i.requester, i.verb, i.obj,
                       i.concrete, i.vague, _copy(i.frequency), _copy(i.deadline), list(i.categories), list(i.action_types),
                       list(i.flags)) for i in infos]
        self.cands = [(c.rule, c.start - base, c.end - base, c.severity, c.points, c.confidence, list(c.flags),
                       c.clause_idx - info0, c.ctx) for c in cands]
        self.windows = [(ws - base, wt, [(m.start - base, m.end - base, m.text, m.level, m.is_object, m.is_agent,
                                           m.collective, m.addressed, m.pivot) for m in ms])
                        for ws, (wt, ms) in windows]
        self.vague = list(vague)

    def replay(self, si: int, base: int, s_end: int, infos: list[Any], cands: list[_Cand],
               window_mentions: dict[int, tuple[str, list[actors_mod.Mention]]], vague: list[str]) -> None:
        from . import ClauseInfo

        info0 = len(infos)
        for (s, e, pol, actor, level, req, verb, obj, concrete, vg, fr, dl, cats, acts, flags) in self.infos:
            infos.append(ClauseInfo(
                start=base + s, end=base + e, sentence=si, polarity=pol, actor=actor, actor_level=level,
                requester=req, verb=verb, obj=obj, concrete=concrete, vague=vg,
                frequency=_copy(fr), deadline=_copy(dl),
                categories=list(cats), action_types=list(acts), flags=list(flags)))
        sent = (base, s_end)
        for rule, s, e, sev, points, conf, flags, ci, ctx in self.cands:
            cands.append(_Cand(rule, base + s, base + e, sev, points, conf, list(flags), info0 + ci, sent, ctx))
        Mention = actors_mod.Mention
        for ws, wt, ms in self.windows:
            window_mentions[base + ws] = (wt, [Mention(base + s, base + e, t, lv, o, a, c, ad, p)
                                               for s, e, t, lv, o, a, c, ad, p in ms])
        vague.extend(self.vague)


def _copy(d: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if d is None else dict(d)


def _values(d: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """A parsed frequency/deadline without its offsets, hashable."""
    return None if d is None else tuple((k, v) for k, v in d.items() if k not in ("start", "end"))


class _FeatureIndex:
    """Which severity features a text has, from one Aho-Corasick pass: feature ``i`` is present when one of its
    ``terms`` occurs in the text, or all of its ``all_terms`` do (the terms are literals, so this is exactly
    ``alternation(terms).search(text)`` / ``all(t in text ...)``, without a regex search per feature)."""

    def __init__(self, features: list[dict[str, Any]]) -> None:
        import ahocorasick

        self.always: set[int] = set()
        self.need_all: dict[int, int] = {}  # feature -> number of distinct non-empty all_terms
        words: dict[str, set[tuple[str, int]]] = {}
        for i, feat in enumerate(features):
            terms = [str(t) for t in feat.get("terms") or []]
            if "" in terms:
                self.always.add(i)  # an empty alternative matches anywhere
            for t in terms:
                if t:
                    words.setdefault(t, set()).add(("t", i))
            all_terms = feat.get("all_terms") or []
            if all_terms:
                distinct = {str(t) for t in all_terms if str(t)}
                if not distinct:
                    self.always.add(i)
                else:
                    self.need_all[i] = len(distinct)
                    for t in distinct:
                        words.setdefault(t, set()).add(("a", i))
        self.auto: Any = None
        if words:
            auto = ahocorasick.Automaton()
            for w, vals in words.items():
                auto.add_word(w, (w, tuple(vals)))
            auto.make_automaton()
            self.auto = auto

    def found(self, text: str) -> set[int]:
        out = set(self.always)
        if self.auto is None:
            return out
        seen_all: dict[int, set[str]] = {}
        for _, (w, vals) in self.auto.iter(text):
            for kind, i in vals:
                if kind == "t":
                    out.add(i)
                else:
                    seen_all.setdefault(i, set()).add(w)
        for i, ws in seen_all.items():
            if len(ws) == self.need_all[i]:
                out.add(i)
        return out


def _is_item(stext: str) -> bool:
    """A numbered line that is content: it carries a score, or it is a clause-bearing sentence (ends with 。/；)."""
    body = stext.rstrip()
    return bool(_SCORE.search(body)) or (body[-1:] in "。；;" and bool(_CLAUSE_MARK.search(body, 0, len(body) - 1)))


def _alternation(terms: list[str]) -> Any:
    if not terms:
        return None
    return re.compile("|".join(re.escape(str(t)) for t in sorted(terms, key=len, reverse=True)))


def _block_at(doc: Document, starts: list[int], offset: int) -> Any:
    """Like Document.block_at, with the block starts computed once per run."""
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return None
    b = doc.blocks[i]
    return b if b.start <= offset < max(b.end, b.start + 1) else None


def _page_at(doc: Document, starts: list[int], offset: int) -> int | None:
    b = _block_at(doc, starts, offset)
    return b.page if b else None


def _fmt(template: str, ctx: dict[str, Any], lang: str) -> str:
    """Fill a rule message. Unknown parts drop out instead of printing "未写明" mid-sentence: {freq} and
    {requester}/{upper_names} come bracketed or empty, {upper_vague} is a whole trailing clause or empty."""
    en = lang == "en"
    vals = {k: (v or "") for k, v in ctx.items() if isinstance(v, str | type(None))}
    actor = vals.get("actor") or ("grassroots units" if en else "基层单位")
    freq = vals.get("freq", "")
    req = vals.get("requester", "")
    uv = vals.get("upper_vague", "")
    vals.update(
        actor=actor,
        freq=(f" ({freq})" if en else f"（频次：{freq}）") if freq else "",
        requester=(f" ({req})" if en else f"（{req}）") if req else "",
        upper_names=(f" ({uv})" if en else f"（{uv}）") if uv else "",
        upper_vague=((f", while the upper level ({uv}) keeps only vague duties" if en
                      else f"，而上级（{uv}）仅有“加强指导”等模糊职责") if uv else ""),
    )
    try:
        out = template.format_map(_Blank(vals))
    except (ValueError, IndexError):
        return template
    return _EMPTY_BRACKETS.sub("", out)  # a part that was not found leaves no "（）" behind


_EMPTY_BRACKETS = re.compile(r"（\s*）|\(\s*\)")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _need(alt: str, views: list[ClauseView], text: str) -> tuple[int, int] | None:
    for cv in views:
        if alt == "frequency" or alt == "deadline":
            sp = cv.markers.get(alt)
            if sp:
                return sp[0]
        elif alt.startswith("lex:"):
            lab = alt
            for s, e, label in cv.triggers:
                if label == lab:
                    return (s, e)
        elif alt.startswith("term:"):
            i = cv.text.find(alt[5:])
            if i >= 0:
                return (cv.start + i, cv.start + i + len(alt) - 5)
    return None


def _overlap_exception(text: str, span: tuple[int, int], terms: tuple[str, ...]) -> bool:
    s, e = span
    lo = max(0, s - 12)
    window = text[lo: e + 12]
    for t in terms:
        i = window.find(t)
        while i >= 0:
            if lo + i < e and s < lo + i + len(t):
                return True
            i = window.find(t, i + 1)
    return False


def _requester(mentions: list[actors_mod.Mention], cv: ClauseView, views: list[ClauseView],
               issuer: str | None) -> str | None:
    for m in mentions:
        if m.is_object:
            before = cv.text[max(0, m.start - cv.start - 3): m.start - cv.start]
            after = cv.text[m.end - cv.start:].strip(_TRIM)
            if before.endswith(("报", "向", "交", "送", "报送", "报至", "交至", "送至")) and (
                    not after or after in ("备查", "审核", "汇总", "审定", "备案", "存档")):
                return m.text
    for v in views:
        if v.subject_level == "upper" and v.subject_text:
            return v.subject_text
    return issuer


def _inherited_text(views: list[ClauseView], k: int, addr_text: str | None) -> str | None:
    for j in range(k - 1, -1, -1):
        if views[j].subject_text:
            return views[j].subject_text
    return addr_text


def _public(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if not d:
        return None
    return {k: v for k, v in d.items() if k not in ("start", "end")}


def _windows(doc: Document) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Sentences as (start, end, clauses), clauses re-joined across 、 and cut into bounded windows."""
    text = doc.text
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    for sent in doc.sentences:
        raw = sent.clauses or [(sent.start, sent.end)]
        merged: list[tuple[int, int]] = []
        for cs, ce in raw:
            if merged and (merged[-1][1] > merged[-1][0]) and (
                text[merged[-1][1] - 1] not in _CLAUSE_SPLIT_CHARS) and merged[-1][1] == cs:
                merged[-1] = (merged[-1][0], ce)  # split at 、 or similar: one clause for us
            else:
                merged.append((cs, ce))
        clauses: list[tuple[int, int]] = []
        for cs, ce in merged:
            while ce - cs > MAX_CLAUSE:
                clauses.append((cs, cs + MAX_CLAUSE))
                cs += MAX_CLAUSE
            if ce > cs:
                clauses.append((cs, ce))
        for i in range(0, len(clauses), MAX_SENT_CLAUSES):
            chunk = clauses[i: i + MAX_SENT_CLAUSES]
            out.append((chunk[0][0], chunk[-1][1], chunk))
    return out


@functools.lru_cache(maxsize=8)
def get_engine(rules_files: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> Engine:
    return Engine(load_rules(rules_files, disable))
