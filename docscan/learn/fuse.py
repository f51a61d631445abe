"""Rules + model fusion, per sentence and category (called by ``docscan.detect.detect`` when ``use_model``).

For every sentence s and category c, with the model's calibrated probability p = p(s, c):

- rule and model agree (p ≥ ``agree``) → keep the rule finding, confidence raised, ``source="rule+model"``;
- rule only → keep it, unless the model strongly disagrees (p < ``low[c]``) AND the rule finding is weak
  (flag ``weak`` or confidence < ``weak_conf[c]``);
- model only (p ≥ ``high[c]``) → a finding with ``source="model"`` spanning the best-scoring clause, whose
  message says there is no rule explanation — only in snippets, never in a whole document
  (:func:`model_allowed`). The model finds paraphrases; in a whole document the rules still decide what a
  sentence *does* and to whom.

``low``/``high``/``weak_conf`` are tuned per category on the dev split at training time and stored in the
model's ``meta.json``. :func:`decide` is the same decision on arrays, used by training and evaluation, so the
numbers reported are the numbers a scan produces.
"""

from __future__ import annotations

import bisect
import functools
from typing import Any

import numpy as np

from ..config import Config
from ..document import Document
from ..report import CATEGORIES, Finding

CATS = list(CATEGORIES)

MSG = {
    "zh": "模型判断本句可能属于「{name}」（概率 {p:.2f}），但没有规则给出解释；这是仅由模型给出的提示，请人工复核。",
    "en": "The model rates this sentence as likely '{name}' (p = {p:.2f}) but no rule explains it; "
    "a model-only hint — please review by hand.",
}
SUGGEST = {
    "zh": "核对该句是否确实向基层提出了相应要求；如是，考虑精简或明确上级责任。",
    "en": "Check whether the sentence really imposes this on grassroots units; if so, consider trimming it.",
}


def is_weak(f: Finding, weak_conf: float) -> bool:
    """Flagged weak by its rule, or less confident than the category's tuned cut-off."""
    return "weak" in (f.flags or []) or float(f.confidence) < weak_conf


def decide(
    rule_strong: np.ndarray,
    rule_weak: np.ndarray,
    p: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean (sentences × categories): is category c reported in sentence s after fusion?

    ``rule_strong``: some non-weak rule finding of c in s; ``rule_weak``: only weak ones; ``allowed``: per
    sentence, may the model add a finding the rules did not make (see :func:`model_allowed`).
    """
    keep_rule = rule_strong | (rule_weak & (p >= low))
    model_only = ~(rule_strong | rule_weak) & (p >= high)
    if allowed is not None:
        model_only &= allowed.reshape(-1, 1)
    return keep_rule | model_only


NO_MODEL_KINDS = frozenset({"heading", "title", "banji"})
MIN_MODEL_CHARS = 8
# Below this many sentences and without a 公文 header (title, 主送机关, 文号) a text is a snippet (a pasted
# paragraph, a corpus item), not a whole directive: a subject-less demand there may be addressed to anyone, so it
# may carry a model-only finding.
SNIPPET_SENTENCES = 20
# A passage of at most this many sentences (a sentence or two pasted for a check, a corpus item) has no context to
# read the obligated party from, so the stacker decides; a longer snippet is an excerpt of a real document, where
# model-only findings on sentences the rules did not read as grassroots demands were 0 of 5 correct (wave 8).
PASSAGE_SENTENCES = 3


def model_allowed(doc: Document, detection: Any) -> np.ndarray:
    """Per sentence: may a model-only finding be added there? (:func:`model_gates`, first mask)."""
    return model_gates(doc, detection)[0]


def model_gates(doc: Document, detection: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence, two masks: ``allowed`` (may a model-only finding be added there) and ``overridable`` (may a
    very confident model, p ≥ the stacker's ``override``, report a category there whatever the stacked evidence
    says).

    ``allowed``: only in a **snippet** (fewer than ``SNIPPET_SENTENCES`` sentences and no 公文 header — a pasted
    paragraph, a corpus item), never on headings/titles/版记 or very short sentences, never in a commentary, never
    where the rules read a prohibition or critique and no demand, or demands on businesses/citizens only;
    otherwise it is the stacker's call (it weighs the rule layer's clause polarity and actor against the model).
    Until wave 8 a model-only finding also needed a clause the rules read as a demand on a named grassroots unit.
    On the first 586 rule-blind calibration items that gate blocked 30 of the 62 core true positives the model
    found and the fusion dropped. With this gate instead, and the other half in training, each half of the
    calibration set scored core macro-F1 0.904 / 0.839 (negatives flagged 1.5 % / 2.8 %) where the wave-7 fusion
    scored 0.824 / 0.769 (no gate at all: 0.911 / 0.848, 2.0 % / 4.2 %).

    ``overridable``: the same sentences of a **passage** (≤ ``PASSAGE_SENTENCES`` sentences), minus the "rules read
    no demand" condition, but never where the rules read a prohibition (不得/严禁 is a lexical signal they read
    right; the character model is sure of itself on 不得要求各村每周报送 too). On rule-blind text the rules misread
    some demands as critiques or as duties of other bodies, and the stacker, fitted where the rules read almost
    everything right, believes them. Held-out calibration halves (stacker fitted without the half): core 0.874 /
    0.850 → 0.889 / 0.859 with ``override`` 0.9, negatives flagged unchanged; dev 0.970 → 0.969 (negatives
    1.0 → 1.4 %). Overriding prohibitions too gave 0.894 / 0.864 but flagged 7 % of dev's prohibitions. On 928
    fresh blind items written afterwards it gained only 0.911 → 0.914 and flagged 4.6 → 6.0 % of negatives (more
    critiques and upper-level duties), so the recipe leaves it off (``Recipe.override`` > 1).

    In a **whole document** there are no model-only findings: measured on real public documents they were almost
    all false (1 of 17, then 1 of 10 even when the sentence had to name a grassroots unit) while the rule-backed
    findings held (17 of 21). There the model only confirms or vetoes what the rules found.
    """
    n = len(doc.sentences)
    ok = np.zeros(n, dtype=bool)
    md = doc.metadata
    snippet = n < SNIPPET_SENTENCES and not (md.title or md.addressees or md.doc_number)
    if not snippet or getattr(detection, "doc_prior", None) == "commentary" or getattr(detection, "scope", "all") == "none":
        return ok, ok
    for i, s in enumerate(doc.sentences):
        b = doc.block_at(s.start)
        ok[i] = not (b is not None and b.kind in NO_MODEL_KINDS) and \
            len(doc.text[s.start : s.end].strip()) >= MIN_MODEL_CHARS
    starts = [s.start for s in doc.sentences]
    grounded = np.zeros(n, dtype=bool)  # a demand on a grassroots unit, or an upper check scheduled on them
    kinds: list[set[str]] = [set() for _ in range(n)]
    for c in getattr(detection, "clauses", None) or []:
        i = bisect.bisect_right(starts, c.start) - 1
        if not 0 <= i < n:
            continue
        if c.polarity != "demand":
            kinds[i].add(c.polarity)
            continue
        received = "inspection_received" in (c.action_types or []) or (c.actor_level == "upper" and c.frequency)
        grounded[i] |= c.actor_level == "grassroots" or bool(received)
        kinds[i].add("demand_other" if c.actor_level in ("other", "upper") else "demand")
    if n > PASSAGE_SENTENCES:
        return ok & grounded, np.zeros(n, dtype=bool)  # an excerpt of a real document: the rules must have read a grassroots demand
    # a passage: not where the rules read no demand but a prohibition or critique, or demands on businesses,
    # citizens or upper-level bodies only (real excerpts: 各市（州）于…前报送自查报告, 请你单位…报我部备案 were 5 of 5 false)
    refuted = [("demand" not in k) and bool(k & {"prohibition", "critique", "demand_other"}) for k in kinds]
    forbids = np.array(["prohibition" in k for k in kinds], dtype=bool)
    return ok & ~np.array(refuted, dtype=bool), ok & ~forbids


def sentence_index(doc: Document) -> list[int]:
    return [s.start for s in doc.sentences]


def sentence_of(starts: list[int], doc: Document, f: Finding) -> int | None:
    pos = f.sentence_start if f.sentence_start is not None else f.start
    i = bisect.bisect_right(starts, pos) - 1
    if i < 0:
        return None
    s = doc.sentences[i]
    return i if s.start <= pos < max(s.end, s.start + 1) else None


def _disabled(config: Config, cat: str) -> bool:
    return cat in config.disable or "model" in config.disable


def fuse(doc: Document, detection: Any, config: Config) -> Any:
    """Fuse ``detection.findings`` with the model's sentence probabilities (in place; also returned)."""
    from .model import get_model

    if not config.use_model or not doc.sentences:
        return detection
    model = get_model(config)
    if model is None:
        return detection
    texts = [doc.text[s.start : s.end] for s in doc.sentences]
    probs = model.predict_proba(texts)
    return apply(doc, detection, probs, model, config)


def rule_arrays(doc: Document, detection: Any, starts: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence × category: max confidence of a non-weak rule finding (-1 when none), and any rule finding.
    The same arrays feed evaluation (``Cases``) and a scan, so both decide alike."""
    starts = sentence_index(doc) if starts is None else starts
    conf = np.full((len(doc.sentences), len(CATS)), -1.0)
    anyf = np.zeros((len(doc.sentences), len(CATS)), dtype=bool)
    if not len(doc.sentences):
        return conf, anyf
    for f in detection.findings:
        if f.category not in CATS:
            continue
        s = sentence_of(starts, doc, f)
        s = 0 if s is None else s
        c = CATS.index(f.category)
        anyf[s, c] = True
        if "weak" not in (f.flags or []):
            conf[s, c] = max(conf[s, c], float(f.confidence))
    return conf, anyf


def apply(doc: Document, detection: Any, probs: np.ndarray, model: Any, config: Config) -> Any:
    """The fusion proper, given sentence probabilities and a model (thresholds or stacker; clause scoring)."""
    if getattr(model, "stacker", None) is not None:
        return _apply_stacked(doc, detection, probs, model, config)
    high, low, weak_conf, agree = model.high, model.low, model.weak_conf, model.agree
    starts = sentence_index(doc)
    kept: list[Finding] = []
    has_rule = np.zeros(probs.shape, dtype=bool)
    for f in detection.findings:
        if f.category not in CATS:
            kept.append(f)
            continue
        c = CATS.index(f.category)
        s = sentence_of(starts, doc, f)
        if s is None:
            kept.append(f)
            continue
        p = float(probs[s, c])
        if is_weak(f, float(np.broadcast_to(weak_conf, (len(CATS),))[c])) and p < low[c]:
            continue  # the model strongly disagrees with a weak rule
        has_rule[s, c] = True
        if p >= agree:
            f.source = "rule+model"
            f.confidence = round(min(0.99, 1.0 - (1.0 - float(f.confidence)) * (1.0 - p)), 3)
        kept.append(f)
    allowed = model_allowed(doc, detection).reshape(-1, 1)
    cells = [(int(s), int(c)) for s, c in zip(*np.nonzero((probs >= high) & ~has_rule & allowed), strict=True)
             if not _disabled(config, CATS[c])]
    return _add_model_only(doc, detection, kept, cells, [float(probs[s, c]) for s, c in cells], model, config)


def _apply_stacked(doc: Document, detection: Any, probs: np.ndarray, model: Any, config: Config) -> Any:
    """Stacked fusion (:mod:`docscan.learn.stack`): q(s, c) decides; a rule finding below the category's
    threshold is vetoed, a model-only finding needs :func:`model_allowed`."""
    from .stack import sentence_features

    st = model.stacker
    starts = sentence_index(doc)
    conf, anyf = rule_arrays(doc, detection, starts)
    allowed, overridable = model_gates(doc, detection)
    q = st.proba(probs, conf, anyf, sentence_features(doc, detection))
    report = st.decide(q, anyf, allowed, probs, overridable)
    structural = _structural_rules(tuple(config.rules_files), tuple(config.disable))
    kept: list[Finding] = []
    for f in detection.findings:
        s = sentence_of(starts, doc, f) if f.category in CATS else None
        if s is None:
            kept.append(f)
            continue
        c = CATS.index(f.category)
        if not report[s, c] and not structural.intersection(f.rules or [f.rule]):
            continue  # the stacked evidence (model + the rules' reading of the sentence) rejects it
        if probs[s, c] >= model.agree:
            f.source = "rule+model"
            f.confidence = round(min(0.99, max(float(f.confidence), float(q[s, c]))), 3)
        kept.append(f)
    cells = [(int(s), int(c)) for s, c in zip(*np.nonzero(report & ~anyf), strict=True)
             if not _disabled(config, CATS[c])]
    return _add_model_only(doc, detection, kept, cells, [float(max(q[s, c], probs[s, c])) for s, c in cells],
                           model, config)


@functools.cache
def _structural_rules(rules_files: tuple[str, ...], disable: tuple[str, ...]) -> frozenset[str]:
    """Rules whose evidence is the document's layout, not the sentence (a score table's column: "网格员花名册" is
    paperwork because it sits under 佐证材料). A sentence model cannot see that, so it never vetoes them."""
    from ..detect.rules import load_rules

    return frozenset(r.id for r in load_rules(rules_files, disable).rules if r.cells)


def _add_model_only(doc: Document, detection: Any, kept: list[Finding], cells: list[tuple[int, int]],
                    ps: list[float], model: Any, config: Config) -> Any:
    lang = "en" if config.lang == "en" else "zh"
    spans = _best_clauses(doc, cells, model)
    pages = _pager(doc)
    added = [_model_finding(doc, s, CATS[c], p, lang, span, pages)
             for (s, c), p, span in zip(cells, ps, spans, strict=True)]
    if added:
        kept.extend(added)
        kept.sort(key=lambda f: (f.start, f.end, f.category))
    detection.findings = kept
    return detection


def _best_clauses(doc: Document, cells: list[tuple[int, int]], model: Any) -> list[tuple[int, int]]:
    """For each (sentence, category): the clause the model scores highest (one batched prediction)."""
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    owners: list[tuple[int, list[tuple[int, int]]]] = []
    for k, (s, _c) in enumerate(cells):
        sent = doc.sentences[s]
        spans.append((sent.start, sent.end))
        clauses = [(a, b) for a, b in (sent.clauses or []) if doc.text[a:b].strip()]
        if len(clauses) > 1:
            owners.append((k, clauses))
            texts.extend(doc.text[a:b] for a, b in clauses)
    if texts:
        cp = model.predict_proba(texts)
        i = 0
        for k, clauses in owners:
            col = cp[i : i + len(clauses), cells[k][1]]
            spans[k] = clauses[int(np.argmax(col))]
            i += len(clauses)
    return spans


def _pager(doc: Document):
    starts = [b.start for b in doc.blocks]

    def page(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return doc.blocks[i].page if i >= 0 else None

    return page


def _model_finding(doc: Document, s: int, cat: str, p: float, lang: str, span: tuple[int, int], pages) -> Finding:
    sent = doc.sentences[s]
    start, end = span
    # trim trailing punctuation/space from the span
    while end > start and doc.text[end - 1] in "，,：:；;。！？!? \n":
        end -= 1
    name = CATEGORIES[cat][0] if lang == "zh" else CATEGORIES[cat][1]
    return Finding(
        category=cat,
        severity="medium" if p >= 0.9 else "low",
        confidence=round(p, 3),
        start=start,
        end=end,
        text=doc.text[start:end],
        sentence=doc.text[sent.start : sent.end],
        rule=f"model.{cat}",
        source="model",
        message=MSG[lang].format(name=name, p=p),
        suggestion=SUGGEST[lang],
        page=pages(start),
        sentence_start=sent.start,
        sentence_end=sent.end,
        flags=["model_only"],
    )
