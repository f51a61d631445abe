"""Stacked fusion: a small per-category logistic regression over the model's probability and the rule layer's
reading of the sentence.

The threshold fusion (:func:`docscan.learn.fuse.decide`) only asks "did a rule fire, how sure is the model". The
rule layer knows more: whether the sentence holds a demand on a grassroots unit, a prohibition, a critique, an
upper-level duty, what kind of action the rules saw (report, ledger, meeting, inspection received…). The stacker
weighs that reading against the character-n-gram model, per category:

    q(s, c) = σ(w_c · φ(s, c) + b_c)

with φ the features named in :data:`FEATURES` (the model's logit, rule finding strong/weak/confidence, clause
polarities and action types, and three interactions). It is fitted with **out-of-fold** model probabilities
(grouped by near-duplicate template fills, so a fill never scores its siblings) on train ∪ dev ∪ calib, and its
threshold ``t_c`` is tuned on the same rows. The ``calib`` rows are the ones where the rules miss the way they
do on unseen text (they were never tuned there); everywhere else the rules were written from the sentences. Weights live in ``meta.json`` as plain numbers: numpy evaluates them, nothing is
unpickled.

A sentence reports category c when ``q ≥ t_c`` and either a rule found c there or the model may add a finding
there (:func:`docscan.learn.fuse.model_allowed`): the stacker can veto a rule finding, but it cannot put a
model-only finding into a whole document.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from ..document import Document
from ..report import CATEGORIES

CATS = list(CATEGORIES)
STACK_FORMAT = "docscan.stack/1"

# Sentence-level facts read from the rule layer's ClauseInfo records (shared by all categories).
SENTENCE_FEATURES = (
    "demand_grassroots",  # a demand clause on a grassroots unit, or on nobody named
    "demand_upper",
    "demand_other",  # businesses, citizens, schools…
    "prohibition",
    "critique",
    "demand_frequency",  # a demand clause with a frequency (每周)
    "demand_deadline",
    "enforcement",  # 不得漏报: a prohibition that enforces a demand
    "act_report",
    "act_ledger",
    "act_trace",
    "act_meeting",
    "act_inspection_received",
    "act_app_activity",
    "act_pressure",
    "act_deadline",
    "act_duty",
)
# Per (sentence, category) features, then the sentence features, then interactions.
FEATURES = (
    "logit_p",
    "rule_strong",
    "rule_weak",
    "rule_conf",
    "rule_other_category",
    *SENTENCE_FEATURES,
    "logit_p_x_demand_grassroots",
    "logit_p_x_prohibition_or_critique",
    "logit_p_x_rule_strong",
)


def sentence_features(doc: Document, detection: Any) -> np.ndarray:
    """(sentences × len(SENTENCE_FEATURES)) 0/1 facts from ``detection.clauses`` — as the rules read each
    sentence of ``doc`` (clauses are located by offset: ClauseInfo.sentence indexes the engine's windows)."""
    n = len(doc.sentences)
    out = np.zeros((n, len(SENTENCE_FEATURES)))
    if not n:
        return out
    col = {name: k for k, name in enumerate(SENTENCE_FEATURES)}
    starts = [s.start for s in doc.sentences]
    for c in getattr(detection, "clauses", None) or []:
        s = bisect.bisect_right(starts, c.start) - 1
        if s < 0:
            continue
        row = out[s]
        if c.polarity == "demand":
            lv = c.actor_level
            row[col["demand_grassroots" if lv in ("grassroots", None) else
                    "demand_upper" if lv == "upper" else "demand_other"]] = 1.0
            if c.frequency:
                row[col["demand_frequency"]] = 1.0
            if c.deadline:
                row[col["demand_deadline"]] = 1.0
        elif c.polarity == "prohibition":
            row[col["prohibition"]] = 1.0
        elif c.polarity == "critique":
            row[col["critique"]] = 1.0
        if "enforcement" in (c.flags or ()):
            row[col["enforcement"]] = 1.0
        for a in c.action_types or ():
            k = col.get("act_" + a)
            if k is not None:
                row[k] = 1.0
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1.0 - 1e-4)
    return np.log(p / (1.0 - p))


def design(probs: np.ndarray, rule_conf: np.ndarray, rule_any: np.ndarray, sent_feats: np.ndarray,
           c: int) -> np.ndarray:
    """The feature matrix φ(·, c) for category index ``c`` (rows = sentences), in :data:`FEATURES` order.

    ``rule_conf``: (S, C) max confidence of a non-weak rule finding, -1 when none; ``rule_any``: (S, C) any rule
    finding; ``sent_feats``: :func:`sentence_features`."""
    lp = _logit(probs[:, c])
    strong = (rule_conf[:, c] >= 0).astype(float)
    weak = rule_any[:, c].astype(float) * (1.0 - strong)
    other = np.delete(rule_any, c, axis=1).any(axis=1).astype(float)
    sf = sent_feats
    i_dem = SENTENCE_FEATURES.index("demand_grassroots")
    i_pro, i_cri = SENTENCE_FEATURES.index("prohibition"), SENTENCE_FEATURES.index("critique")
    return np.column_stack([
        lp, strong, weak, np.maximum(rule_conf[:, c], 0.0), other, sf,
        lp * sf[:, i_dem], lp * np.maximum(sf[:, i_pro], sf[:, i_cri]), lp * strong,
    ])


class Stacker:
    """Per-category weights, bias and threshold, as stored in ``meta.json["stack"]``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from ..errors import DocscanError

        if spec.get("format") != STACK_FORMAT or list(spec.get("features", [])) != list(FEATURES):
            raise DocscanError("bad_model", "meta.json stack: unknown format or feature list (retrain the model)")
        self.coef = np.array([spec["coef"][c] for c in CATS], dtype=float)
        self.intercept = np.array([spec["intercept"][c] for c in CATS], dtype=float)
        self.threshold = np.array([spec["threshold"][c] for c in CATS], dtype=float)
        # a model probability that reports the category whatever the stacked evidence says, where the sentence is
        # overridable (fuse.model_gates); absent in older models: never
        self.override = float(spec.get("override", 1.01))
        if self.coef.shape != (len(CATS), len(FEATURES)):
            raise DocscanError("bad_model", "meta.json stack: weights do not match the feature list")

    def proba(self, probs: np.ndarray, rule_conf: np.ndarray, rule_any: np.ndarray,
              sent_feats: np.ndarray) -> np.ndarray:
        q = np.zeros(probs.shape)
        for c in range(len(CATS)):
            z = design(probs, rule_conf, rule_any, sent_feats, c) @ self.coef[c] + self.intercept[c]
            q[:, c] = 1.0 / (1.0 + np.exp(-z))
        return q

    def decide(self, q: np.ndarray, rule_any: np.ndarray, allowed: np.ndarray | None,
               probs: np.ndarray | None = None, overridable: np.ndarray | None = None) -> np.ndarray:
        """Boolean (S × C): reported after fusion. A model-only cell needs ``allowed`` (see module doc); with
        ``probs`` and ``overridable``, a cell whose model probability reaches ``override`` is reported there."""
        ok = rule_any if allowed is None else (rule_any | allowed.reshape(-1, 1))
        out = (q >= self.threshold) & ok
        if probs is not None and overridable is not None and self.override <= 1.0:
            out |= (probs >= self.override) & overridable.reshape(-1, 1) & (self.threshold <= 1.0)
        return out


# The columns that say "a rule fired here": zeroed in the rule-dropout copies (see :func:`fit`).
RULE_COLUMNS = tuple(FEATURES.index(f) for f in
                     ("rule_strong", "rule_weak", "rule_conf", "rule_other_category", "logit_p_x_rule_strong"))


def fit(probs_oof: np.ndarray, rule_conf: np.ndarray, rule_any: np.ndarray, sent_feats: np.ndarray,
        y_sent: np.ndarray, C: float = 1.0, rule_dropout: float = 0.0, override: float = 1.01) -> dict[str, Any]:
    """Fit the per-category logistic regressions (lbfgs, L2; deterministic) on train sentences.

    The model's probabilities are out-of-fold, but the rules were written from these very sentences: on them a
    rule almost never misses, so a stacker fitted on them learns to ignore the model wherever the rules are
    silent, and loses the paraphrases on unseen text. ``rule_dropout`` > 0 adds a copy of every sentence with the
    rule columns (:data:`RULE_COLUMNS`) zeroed, weighted ``rule_dropout``: "as if the rules had not fired", the way
    they miss on text nobody tuned them on. The clause readings (polarity, actor, action types) stay."""
    from sklearn.linear_model import LogisticRegression

    coef: dict[str, list[float]] = {}
    intercept: dict[str, float] = {}
    for c, cat in enumerate(CATS):
        X = design(probs_oof, rule_conf, rule_any, sent_feats, c)
        y = y_sent[:, c].astype(int)
        if y.min() == y.max():  # a category with no train positives: never reported by the stack
            coef[cat], intercept[cat] = [0.0] * len(FEATURES), -20.0
            continue
        w = np.ones(len(y))
        if rule_dropout > 0:
            X0 = X.copy()
            X0[:, list(RULE_COLUMNS)] = 0.0
            X, y, w = np.vstack([X, X0]), np.concatenate([y, y]), np.concatenate([w, np.full(len(y), rule_dropout)])
        lr = LogisticRegression(C=C, max_iter=5000).fit(X, y, sample_weight=w)
        coef[cat] = [round(float(v), 6) for v in lr.coef_[0]]
        intercept[cat] = round(float(lr.intercept_[0]), 6)
    return {"format": STACK_FORMAT, "features": list(FEATURES), "C": C, "rule_dropout": rule_dropout,
            "override": override, "coef": coef, "intercept": intercept,
            "threshold": {c: 0.5 for c in CATS}}


def near_duplicate_groups(texts: list[str], min_jaccard: float = 0.45) -> np.ndarray:
    """Group ids so that near-duplicates (fills of one template, noise variants) share a group: connected
    components of the char-bigram Jaccard ≥ ``min_jaccard`` graph. Used for out-of-fold predictions."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import CountVectorizer

    if not texts:
        return np.zeros(0, dtype=int)
    X = CountVectorizer(analyzer="char", ngram_range=(2, 2), binary=True).fit_transform(texts).astype(np.float32)
    inter = (X @ X.T).tocoo()
    size = np.asarray(X.sum(axis=1)).ravel()
    jac = inter.data / np.maximum(size[inter.row] + size[inter.col] - inter.data, 1.0)
    keep = jac >= min_jaccard
    graph = sp.coo_matrix((np.ones(int(keep.sum())), (inter.row[keep], inter.col[keep])), shape=(len(texts),) * 2)
    return connected_components(graph, directed=False)[1]
