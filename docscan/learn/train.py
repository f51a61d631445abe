"""Training: ``train(corpus, out_dir, backend, seed, recipe)`` writes a complete model directory.

sklearn backend, default recipe ``fit_on="train+dev"`` (:class:`Recipe`, chosen over the older recipe by grouped
cross-validation, :mod:`docscan.learn.cv` / ``make cv``; figures in the README):

1. The ``train`` and ``dev`` items (topic-held-out excluded) are normalized like a scan and pooled; 5 folds that
   never split a near-duplicate group (template fills, noise variants) are drawn, stratified by rarest label.
2. TF-IDF char n-grams (sublinear; default 1–2-grams) → one-vs-rest linear classifier (default LinearSVC,
   squared hinge; or LogisticRegression; class_weight balanced, seeded); C picked by out-of-fold macro average
   precision; Platt calibration fitted on the same grouped out-of-fold scores (CalibratedClassifierCV with those
   folds, ensemble=False); exported to ``model.npz`` (numpy-only) and ``model.skops``. The choices are
   :class:`Recipe` fields, chosen by grouped CV (wave 6: LinearSVC on 1–2-grams over LR on 1–3-grams).
3. Thresholds (model alone, threshold fusion) and the stacked fusion (:mod:`docscan.learn.stack`) are fitted and
   tuned on the out-of-fold sentence probabilities of the pool, which are kept in ``oof.npz`` so the ``dev``
   split is scored honestly (out-of-fold) by ``metrics.json`` and ``docscan evaluate``.

``fit_on="train"`` (and the spaCy backend, ``textcat_multilabel`` from ``docscan/data/spacy_textcat.cfg``) is the
older recipe: fit on train, C and thresholds tuned on dev, stacker on out-of-fold train probabilities.
Evaluation of rules / model / fusion on dev, test and the topic-held-out items → ``metrics.json``,
``MODEL_CARD.md``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..errors import DocscanError
from ..report import CATEGORIES
from .evaluate import Cases, build_cases, evaluate_cases
from .features import NGRAM_RANGE, prepare, prepare_texts
from .fuse import decide
from .persist import META_FORMAT, save_skops, write_json

CATS = list(CATEGORIES)
MIN_POSITIVES = 6  # a category needs this many train positives to be modelled
LEARNERS = ("svm", "lr")
# C candidates per learner (Recipe.C_grid overrides): picked by grouped out-of-fold macro average precision
C_GRIDS = {"lr": (2.0, 8.0, 32.0), "svm": (1.0, 3.0, 10.0)}
CLASSIFIER_NAMES = {"lr": "LogisticRegression", "svm": "LinearSVC (squared hinge, L2)"}


# -- sklearn backend -----------------------------------------------------------------------------------
def blas_single_thread() -> Any:
    """A context in which BLAS uses one thread. The LogisticRegression fits here are thousands of tiny dense
    vector operations; OpenBLAS threads spinning on a shared 2-core machine made each fit ~40x slower."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def linear_classifier(learner: str, C: float, seed: int) -> Any:
    """One binary linear classifier of the recipe: ``"lr"`` LogisticRegression or ``"svm"`` LinearSVC (squared
    hinge, L2). Both give ``coef_``/``intercept_`` and a decision function the numpy scorer reproduces."""
    if learner == "lr":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=seed)
    if learner == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=C, class_weight="balanced", max_iter=10000, random_state=seed)
    raise DocscanError("bad_model", f"unknown learner {learner!r} (have {', '.join(LEARNERS)})")


def make_pipeline(C: float, seed: int, n_folds: int | list[tuple[np.ndarray, np.ndarray]] = 5,
                  recipe: Recipe | None = None) -> Any:
    """TF-IDF char n-grams → one-vs-rest linear classifier calibrated by Platt scaling on ``n_folds`` (a number:
    stratified folds; a list of (fit, held) index pairs: e.g. grouped folds, so the calibration sees honest
    scores). ``recipe`` (default :data:`DEFAULT_RECIPE`) gives the n-gram range and the learner."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    r = recipe or DEFAULT_RECIPE
    clf = linear_classifier(r.learner, C, seed)
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=r.ngram_range, sublinear_tf=True, min_df=2,
                                  dtype=np.float64)),
        ("clf", OneVsRestClassifier(CalibratedClassifierCV(clf, method="sigmoid", cv=n_folds, ensemble=False))),
    ])


def forget_folds(pipe: Any, n: int) -> Any:
    """Replace explicit fold index lists by their count once fitted (they only matter during fit)."""
    for est in [pipe.named_steps["clf"].estimator, *pipe.named_steps["clf"].estimators_]:
        if not isinstance(est.cv, int):
            est.set_params(cv=n)
    if hasattr(pipe.named_steps["tfidf"], "stop_words_"):
        del pipe.named_steps["tfidf"].stop_words_  # only for introspection; large
    return pipe


def fit_sklearn(texts: list[str], Y: np.ndarray, dev_texts: list[str], dev_Y: np.ndarray, seed: int,
                log: Callable[[str], None], recipe: Recipe | None = None) -> tuple[Any, float]:
    """The ``fit_on="train"`` recipe: C picked by dev macro average precision."""
    from sklearn.metrics import average_precision_score

    r = recipe or DEFAULT_RECIPE
    X = prepare_texts(texts, r.features)
    Xd = prepare_texts(dev_texts, r.features)
    n_folds = int(max(2, min(5, Y.sum(axis=0).min(), (1 - Y).sum(axis=0).min())))
    best: tuple[float, float, Any] | None = None
    for C in r.c_grid:
        pipe = make_pipeline(C, seed, n_folds, r).fit(X, Y)
        if len(Xd) and dev_Y.any(axis=0).all():
            P = pipe.predict_proba(Xd)
            ap = float(np.mean([average_precision_score(dev_Y[:, j], P[:, j]) for j in range(Y.shape[1])]))
        else:
            ap = 0.0
        log(f"  C={C:g}: dev macro average precision {ap:.4f}")
        if best is None or ap > best[0]:
            best = (ap, C, pipe)
    assert best is not None
    return forget_folds(best[2], n_folds), best[1]


# -- spaCy backend -------------------------------------------------------------------------------------
def spacy_config_path() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "spacy_textcat.cfg"


def fit_spacy(texts: list[str], Y: np.ndarray, cats: list[str], seed: int, out: Path,
              log: Callable[[str], None]) -> Any:
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch, registry

    cfg = load_config(spacy_config_path(), overrides={"system.seed": seed, "training.seed": seed})
    fix_random_seed(seed)
    nlp = load_model_from_config(cfg, auto_fill=True, validate=True)
    tc = nlp.get_pipe("textcat_multilabel")
    for c in cats:
        tc.add_label(c)
    examples = [Example.from_dict(nlp.make_doc(prepare(t)), {"cats": {c: float(y[j]) for j, c in enumerate(cats)}})
                for t, y in zip(texts, Y, strict=True)]
    T = cfg["training"]
    optimizer = registry.resolve({"o": T["optimizer"]})["o"]
    nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(seed)
    order = list(range(len(examples)))
    for epoch in range(int(T.get("max_epochs", 10))):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch([examples[i] for i in order], size=int(T.get("batch_size", 32))):
            nlp.update(batch, sgd=optimizer, drop=float(T.get("dropout", 0.1)), losses=losses)
        log(f"  epoch {epoch + 1}: loss {losses.get('textcat_multilabel', 0.0):.4f}")
    nlp.to_disk(out / "spacy")
    del spacy
    return nlp


# -- threshold tuning ----------------------------------------------------------------------------------
def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    tp = int(np.sum(pred & y))
    fp = int(np.sum(pred & ~y))
    fn = int(np.sum(~pred & y))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


HIGH_GRID = [*np.round(np.arange(0.30, 1.0, 0.01), 2).tolist(), 1.01]  # 1.01 = never model-only
LOW_GRID = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3]
# A rule finding is "weak" when flagged so or its confidence is below this (per category, tuned);
# 1.01 = every finding of the category may be vetoed by a confident model.
WEAK_GRID = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def tune_thresholds(dev: Cases, probs: np.ndarray, cats: list[str]) -> dict[str, Any]:
    """Per category, on dev only: the model-alone threshold, and the fusion triple (high: model-only finding;
    low: veto of a weak rule; weak_conf: below it a rule finding counts as weak)."""
    th: dict[str, dict[str, float]] = {}
    y = dev.y
    has_rules = dev.rule_any is not None
    for j, c in enumerate(CATS):
        if c not in cats:
            th[c] = {"model": 1.01, "high": 1.01, "low": 0.0, "weak_conf": 0.0}
            continue
        best = max((_f1(dev.item_max(probs[:, [j]] >= t)[:, 0], y[:, j]), -abs(t - 0.5), t)
                   for t in np.round(np.arange(0.05, 0.99, 0.01), 2))
        th[c] = {"model": float(best[2])}
        cand = []
        for wc in WEAK_GRID if has_rules else [0.0]:
            if has_rules:
                assert dev.rule_conf is not None and dev.rule_any is not None
                strong = dev.rule_conf[:, [j]] >= wc
                weak = dev.rule_any[:, [j]] & ~strong
            else:
                strong = weak = np.zeros((len(probs), 1), dtype=bool)
            lows = LOW_GRID if weak.any() else [0.0]
            for hi in HIGH_GRID:
                for lo in lows:
                    d = decide(strong, weak, probs[:, [j]], np.array([hi]), np.array([lo]), dev.model_ok)
                    # ties: prefer fewer model-only findings (higher hi), fewer vetoes (lower lo, lower wc)
                    cand.append((round(_f1(dev.item_max(d)[:, 0], y[:, j]), 6), hi, -lo, -wc))
        _f, hi, nlo, nwc = max(cand)
        th[c].update({"high": float(hi), "low": float(-nlo), "weak_conf": float(-nwc)})
    return {"thresholds": th}


# -- stacked fusion ------------------------------------------------------------------------------------
def out_of_fold(cases: Cases, Y: np.ndarray, cols: list[int], C: float, seed: int, k: int = 5,
                recipe: Recipe | None = None) -> np.ndarray:
    """Sentence probabilities on the train split, each from a pipeline that never saw its item nor any
    near-duplicate of it (template fills, noise variants): what the stacker must learn to weigh."""
    from sklearn.model_selection import GroupKFold

    rc = recipe or DEFAULT_RECIPE
    features = rc.features
    X = prepare_texts(cases.texts, features)
    groups = item_groups(cases.items, X)
    oof = np.zeros((len(cases.sent_texts), len(CATS)))
    for fit_idx, held in GroupKFold(n_splits=min(k, len(set(groups.tolist())))).split(X, groups=groups):
        Yf = Y[fit_idx]  # calibration folds: as many as the rarest class of this fold's fitting part allows
        n_folds = int(max(2, min(5, Yf.sum(axis=0).min(), (1 - Yf).sum(axis=0).min())))
        pipe = make_pipeline(C, seed, n_folds, rc).fit([X[i] for i in fit_idx], Y[fit_idx])
        rows = np.nonzero(np.isin(cases.sent_item, held))[0]
        if len(rows):
            oof[np.ix_(rows, cols)] = pipe.predict_proba(prepare_texts([cases.sent_texts[r] for r in rows], features))
    return oof


def fit_stack(tr: Cases, oof: np.ndarray, dv: Cases, dev_probs: np.ndarray, cats: list[str],
              C: float = 1.0, rule_dropout: float = 0.0, override: float = 1.01) -> dict[str, Any]:
    """Fit the stacker on ``tr`` (out-of-fold probabilities) and tune each category's threshold on ``dv`` (which
    may be ``tr`` itself with the same out-of-fold probabilities: the ``train+dev`` recipe)."""
    from .stack import Stacker, fit

    assert tr.rule_conf is not None and tr.rule_any is not None and tr.sent_feats is not None
    assert dv.rule_conf is not None and dv.rule_any is not None and dv.sent_feats is not None
    y_sent = tr.y[tr.sent_item] if len(tr.sent_item) else np.zeros((0, len(CATS)), dtype=bool)
    spec = fit(oof, tr.rule_conf, tr.rule_any, tr.sent_feats, y_sent, C=C, rule_dropout=rule_dropout,
               override=override)
    st = Stacker(spec)
    q = st.proba(dev_probs, dv.rule_conf, dv.rule_any, dv.sent_feats)
    for j, c in enumerate(CATS):
        if c not in cats:
            spec["threshold"][c] = 1.01
            continue
        st.threshold = np.full(len(CATS), 1.01)
        cand = []
        for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
            st.threshold[j] = t
            d = dv.item_max(st.decide(q, dv.rule_any, dv.model_ok, dev_probs, dv.model_over))[:, j]
            cand.append((round(_f1(d, dv.y[:, j]), 6), -abs(t - 0.5), float(t)))
        spec["threshold"][c] = max(cand)[2]
    return spec


# -- grouped folds and the train+dev recipe ---------------------------------------------------------------
def item_groups(items: list[dict[str, Any]], prepared: list[str]) -> np.ndarray:
    """Near-duplicate groups (:func:`docscan.learn.stack.near_duplicate_groups`: template fills, paraphrases),
    merged with each extraction-noise variant's source item (id ``<id>-n``). All calibration items of one source
    file (id prefix ``aug-ca``) form one group: one writer's style, so their out-of-fold probabilities come from
    a model that never saw that writer — the way unseen text looks to it (the ``calib`` figures, and the
    stacker's rows for them)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    from .stack import near_duplicate_groups

    g = near_duplicate_groups(prepared)
    index = {it.get("id"): i for i, it in enumerate(items)}
    rows, cols = list(range(len(items))), list(range(len(items)))
    for i, it in enumerate(items):
        base = str(it.get("id", "")).rsplit("-", 1)[0]
        if it.get("noise") and base in index:
            rows.append(i)
            cols.append(index[base])
    by_source: dict[str, int] = {}
    for i, it in enumerate(items):
        if it.get("split") == "calib":
            j = by_source.setdefault(str(it.get("id", "")).split("-")[1], i)
            rows.append(i)
            cols.append(j)
    first = {}  # link every member of a near-duplicate group to the group's first item
    for i, gi in enumerate(g.tolist()):
        j = first.setdefault(gi, i)
        rows.append(i)
        cols.append(j)
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items),) * 2)
    return connected_components(graph, directed=False)[1]


def grouped_folds(groups: np.ndarray, Y: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` folds (fewer if needed) that never split a group, stratified by each item's rarest label, such that
    every fold's fitting part has positives and negatives of every column of ``Y``."""
    import warnings

    from sklearn.model_selection import StratifiedGroupKFold

    freq = Y.sum(axis=0).astype(float)
    key = np.where(Y.any(axis=1), np.argmin(np.where(Y > 0, freq, np.inf), axis=1), -1)
    for kk in range(min(k, len(set(groups.tolist()))), 1, -1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "least populated class has only n members"
            splits = StratifiedGroupKFold(n_splits=kk, shuffle=True, random_state=seed).split(
                np.zeros(len(Y)), key, groups)
            folds = [(np.asarray(f), np.asarray(h)) for f, h in splits]
        if all(Y[f].sum(axis=0).min() > 0 and (1 - Y[f]).sum(axis=0).min() > 0 for f, _h in folds):
            return folds
    raise DocscanError("bad_corpus", "too few independent items for grouped folds")


def fit_pool(pool: Cases, Y: np.ndarray, seed: int, log: Callable[[str], None],
             recipe: Recipe | None = None) -> tuple[Any, float, np.ndarray]:
    """The ``train+dev`` recipe's model: fitted on every pool item, C chosen by out-of-fold macro average
    precision over ``recipe.folds`` grouped folds, Platt-calibrated on those same grouped out-of-fold scores (template
    siblings never score each other, so the calibration is honest). Returns the pipeline, C and out-of-fold
    sentence probabilities (S × Y's columns) from the same folds and calibration: what thresholds and the
    stacker are tuned on."""
    from sklearn.metrics import average_precision_score

    r = recipe or DEFAULT_RECIPE
    X = prepare_texts(pool.texts, r.features)
    folds = grouped_folds(item_groups(pool.items, X), Y, r.folds, seed)
    tfidf = make_pipeline(1.0, seed, 2, r).named_steps["tfidf"].fit(X)
    M = tfidf.transform(X)
    Ms = tfidf.transform(prepare_texts(pool.sent_texts, r.features))
    best: tuple[float, float, np.ndarray] | None = None
    for C in r.c_grid:
        d_item = np.zeros(Y.shape)
        d_sent = np.zeros((len(pool.sent_texts), Y.shape[1]))
        for fit_idx, held in folds:
            rows = np.nonzero(np.isin(pool.sent_item, held))[0]
            for j in range(Y.shape[1]):
                lr = linear_classifier(r.learner, C, seed).fit(M[fit_idx], Y[fit_idx, j])
                d_item[held, j] = lr.decision_function(M[held])
                if len(rows):
                    d_sent[rows, j] = lr.decision_function(Ms[rows])
        ap = float(np.mean([average_precision_score(Y[:, j], d_item[:, j]) for j in range(Y.shape[1])]))
        log(f"  C={C:g}: out-of-fold macro average precision {ap:.4f} ({len(folds)} grouped folds)")
        if best is None or ap > best[0]:
            best = (ap, C, d_sent)
    assert best is not None
    _ap, C, d_sent = best
    # the same folds inside: its calibrators are fitted on exactly the out-of-fold scores computed above
    pipe = forget_folds(make_pipeline(C, seed, folds, r).fit(X, Y), len(folds))
    cal = [est.calibrated_classifiers_[0].calibrators[0] for est in pipe.named_steps["clf"].estimators_]
    a = np.array([c.a_ for c in cal])
    b = np.array([c.b_ for c in cal])
    return pipe, C, 1.0 / (1.0 + np.exp(a * d_sent + b))


@dataclass(frozen=True)
class Recipe:
    """How a model is fitted (the sklearn backend). ``fit_on``: ``"train"`` = fit on train, pick C and tune
    thresholds on dev, stacker on out-of-fold train; ``"train+dev"`` = fit on both (:func:`fit_pool`), C,
    thresholds and stacker from grouped out-of-fold predictions. ``stack_C``: the stacker's regularisation;
    ``rule_dropout``: weight of the stacker's rules-silent copies (:func:`docscan.learn.stack.fit`);
    ``override``: the model probability that reports a category in a short passage whatever the stacker says
    (:func:`docscan.learn.fuse.model_gates`; > 1, the default, turns it off: 0.9 gained on the calibration
    halves but not on the fresh wave-9 items, where it flagged more negatives).
    ``learner``: ``"svm"`` (LinearSVC) or ``"lr"`` (LogisticRegression); ``ngram_max``: char n-grams 1..n
    (n ≤ 3: the numpy scorer packs an n-gram into 64 bits); ``C_grid``: C candidates (empty: the learner's
    :data:`C_GRIDS`). Wave-5 models were ``learner="lr", ngram_max=3``."""

    fit_on: str = "train+dev"
    features: str = "char"
    stack_C: float = 1.0
    rule_dropout: float = 0.0
    override: float = 1.01
    folds: int = 5
    learner: str = "svm"
    ngram_max: int = 2
    C_grid: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.learner not in LEARNERS:
            raise DocscanError("bad_model", f"unknown learner {self.learner!r} (have {', '.join(LEARNERS)})")
        if not NGRAM_RANGE[0] <= self.ngram_max <= NGRAM_RANGE[1]:
            raise DocscanError("bad_model", f"ngram_max {self.ngram_max} outside 1..{NGRAM_RANGE[1]}")

    @property
    def ngram_range(self) -> tuple[int, int]:
        return (NGRAM_RANGE[0], self.ngram_max)

    @property
    def c_grid(self) -> tuple[float, ...]:
        return tuple(self.C_grid) or C_GRIDS[self.learner]


DEFAULT_RECIPE = Recipe()


@dataclass
class Fitted:
    pipe: Any
    compact: Any
    C: float
    meta: dict[str, Any]  # thresholds, stack
    oof: np.ndarray | None = None  # train+dev: out-of-fold sentence probabilities of the pool (S × 7)


def fit_recipe(tr: Cases, dv: Cases | None, cats: list[str], recipe: Recipe, seed: int,
               log: Callable[[str], None] = lambda s: None) -> Fitted:
    """Fit model, thresholds and stacker by ``recipe`` (sklearn). ``fit_on="train"`` needs ``dv``; with
    ``"train+dev"`` ``tr`` is the whole pool and ``dv`` is not used. ``docscan train`` and the grouped
    cross-validation (:mod:`docscan.learn.cv`) both call this, so CV measures what training does."""
    from .compact import CompactModel

    cols = [CATS.index(c) for c in cats]
    Y = tr.y.astype(int)[:, cols]
    meta: dict[str, Any] = {}
    with blas_single_thread():
        if recipe.fit_on == "train+dev":
            pipe, C, oof_c = fit_pool(tr, Y, seed, log, recipe)
            oof = np.zeros((len(tr.sent_texts), len(CATS)))
            oof[:, cols] = oof_c
            compact = CompactModel.from_pipeline(pipe, cats, recipe.features)
            meta.update(tune_thresholds(tr, oof, cats))
            meta["stack"] = fit_stack(tr, oof, tr, oof, cats, recipe.stack_C, recipe.rule_dropout, recipe.override)
            return Fitted(pipe, compact, C, meta, oof)
        if recipe.fit_on != "train" or dv is None:
            raise DocscanError("bad_model", f"recipe fit_on={recipe.fit_on!r} (with dev: {dv is not None})")
        pipe, C = fit_sklearn(tr.texts, Y, dv.texts, dv.y.astype(int)[:, cols], seed, log, recipe)
        compact = CompactModel.from_pipeline(pipe, cats, recipe.features)
        dev_probs = np.zeros((len(dv.sent_texts), len(CATS)))
        dev_probs[:, cols] = compact.predict_proba(dv.sent_texts)
        meta.update(tune_thresholds(dv, dev_probs, cats))
        log(f"stacked fusion: out-of-fold model probabilities on train ({recipe.folds} folds, grouped)")
        oof = out_of_fold(tr, Y, cols, C, seed, recipe.folds, recipe)
        meta["stack"] = fit_stack(tr, oof, dv, dev_probs, cats, recipe.stack_C, recipe.rule_dropout, recipe.override)
        return Fitted(pipe, compact, C, meta)


# -- the command -------------------------------------------------------------------------------------
def _labels(items: list[dict[str, Any]]) -> np.ndarray:
    Y = np.zeros((len(items), len(CATS)), dtype=int)
    for i, it in enumerate(items):
        for lab in it["labels"]:
            Y[i, CATS.index(lab)] = 1
    return Y


def corpus_fingerprint(items: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for it in sorted(items, key=lambda it: it["id"]):
        h.update(f"{it['id']}\t{it['text']}\t{','.join(sorted(it['labels']))}\t{it['split']}\n".encode())
    return h.hexdigest()[:12]


def train(corpus: str | Path, out_dir: str | Path, backend: str = "sklearn", seed: int = 13,
          config: Config | None = None, log: Callable[[str], None] = print,
          recipe: Recipe = DEFAULT_RECIPE, show_test: bool = False) -> dict[str, Any]:
    """Fit, tune and evaluate; every split's figures go to ``metrics.json`` and ``MODEL_CARD.md``, but ``log``
    sees the test and held-out figures only with ``show_test`` (choose recipes by dev and ``make cv``)."""
    from .card import write_card
    from .corpus import check_corpus, select
    from .model import load_model

    if backend not in ("sklearn", "spacy"):
        raise DocscanError("bad_model", f"unknown backend {backend!r}")
    if backend == "spacy":
        recipe = replace(recipe, fit_on="train")  # no out-of-fold spaCy runs: fit on train, tune on dev
    checked = check_corpus(corpus)
    items = checked.items
    if checked.problems:
        log(f"warning: {len(checked.problems)} corpus problems (run `docscan corpus check`); bad lines skipped")
    tr, dv, cb = select(items, "train"), select(items, "dev"), select(items, "calib")
    if len(tr) < 10 or not dv:
        raise DocscanError("bad_corpus", f"{corpus}: need train and dev items (have {len(tr)} train, {len(dv)} dev)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pooled = recipe.fit_on == "train+dev"
    if not pooled:
        tr, cb = tr + cb, []  # no out-of-fold runs: calibration items are plain training items
    log(f"train {len(tr)} items, dev {len(dv)} items, calib {len(cb)} items; backend {backend}, seed {seed}; fit on "
        + ("train+dev+calib (thresholds and stacker from grouped out-of-fold predictions)" if pooled
           else "train (thresholds tuned on dev)"))
    calib_idx: np.ndarray | None = None
    if pooled:
        pool_cases = build_cases(tr + dv + cb, rules=True, config=config)
        tr_cases = pool_cases.subset(np.arange(len(tr)))
        dv_cases = pool_cases.subset(np.arange(len(tr), len(tr) + len(dv)))
        calib_idx = np.arange(len(tr) + len(dv), len(tr) + len(dv) + len(cb))
    else:
        tr_cases = build_cases(tr, rules=backend == "sklearn", config=config)  # rules: the stacker's features
        dv_cases = build_cases(dv, rules=True, config=config)
    Y = _labels(tr + dv + cb if pooled else tr)
    train_positives = _labels(tr).sum(axis=0)
    cats = [c for j, c in enumerate(CATS) if train_positives[j] >= MIN_POSITIVES]
    skipped = [c for c in CATS if c not in cats]
    if skipped:
        log(f"warning: too few train positives to model {skipped}")
    cols = [CATS.index(c) for c in cats]
    meta: dict[str, Any] = {"format": META_FORMAT, "backend": backend, "categories": cats, "seed": seed}
    for stale in ("model.npz", "model.skops", "oof.npz"):
        (out / stale).unlink(missing_ok=True)
    dev_oof: np.ndarray | None = None
    calib_oof: np.ndarray | None = None
    if backend == "sklearn":
        fitted = fit_recipe(pool_cases if pooled else tr_cases, None if pooled else dv_cases, cats, recipe, seed,
                            log)
        save_skops(fitted.pipe, out / "model.skops")
        fitted.compact.save(out / "model.npz")
        lo, hi = recipe.ngram_range
        meta["params"] = {"features": f"char {lo}-{hi}-grams ({recipe.features}), TF-IDF sublinear, min_df 2",
                          "classifier": "one-vs-rest " + CLASSIFIER_NAMES[recipe.learner] + ", class_weight balanced",
                          "calibration": "Platt sigmoid, CalibratedClassifierCV ensemble=False"
                                         + (" on grouped folds" if pooled else ""),
                          "C": fitted.C, "n_features": len(fitted.compact.keys), "fit_on": recipe.fit_on,
                          "feature_set": recipe.features, "stack_C": recipe.stack_C,
                          "recipe": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(recipe).items()}}
        meta.update(fitted.meta)
        if pooled:
            assert fitted.oof is not None
            n_tr, n_dv = len(tr_cases.sent_texts), len(dv_cases.sent_texts)
            dev_oof = fitted.oof[n_tr:n_tr + n_dv]
            calib_oof = fitted.oof[n_tr + n_dv:]
            save_oof(out / "oof.npz", pool_cases, fitted.oof)
    else:
        nlp = fit_spacy(tr_cases.texts, Y[:, cols], cats, seed, out, log)
        meta["params"] = {"config": "docscan/data/spacy_textcat.cfg", "pipeline": "textcat_multilabel",
                          "fit_on": "train"}
        dev_probs = np.zeros((len(dv_cases.sent_texts), len(CATS)))
        dev_probs[:, cols] = np.array(
            [[d.cats.get(c, 0.0) for c in cats] for d in nlp.pipe([prepare(t) for t in dv_cases.sent_texts])],
            dtype=float).reshape(len(dv_cases.sent_texts), len(cats))
        meta.update(tune_thresholds(dv_cases, dev_probs, cats))
    meta["agree"] = 0.5
    meta["id"] = f"{out.name}-{corpus_fingerprint(items)}-{backend}-s{seed}"
    meta["corpus"] = {"path": str(corpus), "fingerprint": corpus_fingerprint(items), "items": len(items),
                      "train": len(tr), "dev": len(dv), "calib": len(cb),
                      "fit_splits": ["train", "dev", "calib"] if pooled else ["train"]}
    meta["created"] = _dt.date.today().isoformat()
    write_json(out / "meta.json", meta)

    model = load_model(out)  # evaluate exactly what a scan will load
    metrics: dict[str, Any] = {"model": meta["id"], "backend": backend, "seed": seed, "splits": {}}
    for split in ("dev", "calib", "test", "heldout"):
        sel = select(items, split)
        if not sel or (split == "calib" and calib_oof is None):
            continue
        if split == "calib":
            assert calib_idx is not None
            cases = pool_cases.subset(calib_idx)
        else:
            cases = dv_cases if split == "dev" else build_cases(sel, rules=True, config=config)
        given = {"dev": dev_oof, "calib": calib_oof}.get(split)
        oof = given is not None
        probs = given if oof else model.predict_proba(cases.sent_texts)
        metrics["splits"][split] = {"split": split, "items": len(sel),
                                    "modes": evaluate_cases(cases, probs, model.meta)}
        if oof:
            metrics["splits"][split]["probabilities"] = "out-of-fold"
        m = metrics["splits"][split]["modes"]
        if split in ("dev", "calib") or show_test:  # test/held-out: metrics.json and the card, not a tuning loop
            log(f"{split + (' (OOF)' if oof else ''):<8} "
                + "  ".join(f"{k} core {v['core_macro_f1']:.3f} macro {v['macro_f1']:.3f}" for k, v in m.items()))
    write_json(out / "metrics.json", metrics)
    write_card(out, meta, metrics, checked)
    return metrics


# -- out-of-fold probabilities kept with a train+dev model ---------------------------------------------------
def save_oof(path: Path, cases: Cases, oof: np.ndarray) -> None:
    """Per pool item: its id, sentence count and the out-of-fold sentence probabilities, so ``docscan evaluate``
    can score the dev split honestly (the final model has seen dev)."""
    counts = np.bincount(cases.sent_item, minlength=len(cases.items)) if len(cases.sent_item) else \
        np.zeros(len(cases.items), dtype=np.int64)
    np.savez_compressed(path, ids=np.array([str(it.get("id")) for it in cases.items], dtype=str),
                        counts=counts.astype(np.int64), probs=oof.astype(np.float64))
