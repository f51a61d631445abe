"""Training: ``train(corpus, out_dir, backend, seed)`` writes a complete model directory.

1. Items of split ``train`` (topic-held-out items excluded) are normalized like a scan and fitted:
   - sklearn: TF-IDF char 1–3-grams (sublinear) → one-vs-rest LogisticRegression (class_weight balanced,
     seeded) calibrated with Platt scaling (CalibratedClassifierCV, 5-fold, ensemble=False); C picked on dev
     by macro average precision; exported to ``model.npz`` (numpy-only) and ``model.skops``.
   - spacy: ``textcat_multilabel`` (blank ``zh``, char tokens, BOW 1–3-grams) from
     ``docscan/data/spacy_textcat.cfg``; seeded.
2. Thresholds tuned per category on dev (sentence-level, as a scan decides): model-alone threshold, and the
   fusion triple (high: model-only finding; low: veto of a weak rule; weak_conf: what counts as weak).
3. Evaluation of rules / model / fusion on dev, test and the topic-held-out items → ``metrics.json``,
   ``MODEL_CARD.md``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..errors import DocscanError
from ..report import CATEGORIES
from .evaluate import Cases, build_cases, evaluate_cases
from .features import NGRAM_RANGE, prepare
from .fuse import decide
from .persist import META_FORMAT, save_skops, write_json

CATS = list(CATEGORIES)
MIN_POSITIVES = 6  # a category needs this many train positives to be modelled
C_GRID = (2.0, 8.0, 32.0)


# -- sklearn backend -----------------------------------------------------------------------------------
def make_pipeline(C: float, seed: int, n_folds: int = 5) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=seed)
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=NGRAM_RANGE, sublinear_tf=True, min_df=2,
                                  dtype=np.float64)),
        ("clf", OneVsRestClassifier(CalibratedClassifierCV(lr, method="sigmoid", cv=n_folds, ensemble=False))),
    ])


def fit_sklearn(texts: list[str], Y: np.ndarray, dev_texts: list[str], dev_Y: np.ndarray, seed: int,
                log: Callable[[str], None]) -> tuple[Any, float]:
    from sklearn.metrics import average_precision_score

    X = [prepare(t) for t in texts]
    Xd = [prepare(t) for t in dev_texts]
    n_folds = int(max(2, min(5, Y.sum(axis=0).min(), (1 - Y).sum(axis=0).min())))
    best: tuple[float, float, Any] | None = None
    for C in C_GRID:
        pipe = make_pipeline(C, seed, n_folds).fit(X, Y)
        if len(Xd) and dev_Y.any(axis=0).all():
            P = pipe.predict_proba(Xd)
            ap = float(np.mean([average_precision_score(dev_Y[:, j], P[:, j]) for j in range(Y.shape[1])]))
        else:
            ap = 0.0
        log(f"  C={C:g}: dev macro average precision {ap:.4f}")
        if best is None or ap > best[0]:
            best = (ap, C, pipe)
    assert best is not None
    return best[2], best[1]


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
def out_of_fold(cases: Cases, Y: np.ndarray, cols: list[int], C: float, seed: int, k: int = 5) -> np.ndarray:
    """Sentence probabilities on the train split, each from a pipeline that never saw its item nor any
    near-duplicate of it (template fills, noise variants): what the stacker must learn to weigh."""
    from sklearn.model_selection import GroupKFold

    from .stack import near_duplicate_groups

    X = [prepare(t) for t in cases.texts]
    groups = near_duplicate_groups(X)
    oof = np.zeros((len(cases.sent_texts), len(CATS)))
    n_folds = int(max(2, min(5, Y.sum(axis=0).min() // 2, (1 - Y).sum(axis=0).min() // 2)))
    for fit_idx, held in GroupKFold(n_splits=min(k, len(set(groups.tolist())))).split(X, groups=groups):
        pipe = make_pipeline(C, seed, n_folds).fit([X[i] for i in fit_idx], Y[fit_idx])
        rows = np.nonzero(np.isin(cases.sent_item, held))[0]
        if len(rows):
            oof[np.ix_(rows, cols)] = pipe.predict_proba([prepare(cases.sent_texts[r]) for r in rows])
    return oof


def fit_stack(tr: Cases, oof: np.ndarray, dv: Cases, dev_probs: np.ndarray, cats: list[str]) -> dict[str, Any]:
    """Fit the stacker on train (out-of-fold probabilities) and tune each category's threshold on dev."""
    from .stack import Stacker, fit

    assert tr.rule_conf is not None and tr.rule_any is not None and tr.sent_feats is not None
    assert dv.rule_conf is not None and dv.rule_any is not None and dv.sent_feats is not None
    y_sent = tr.y[tr.sent_item] if len(tr.sent_item) else np.zeros((0, len(CATS)), dtype=bool)
    spec = fit(oof, tr.rule_conf, tr.rule_any, tr.sent_feats, y_sent)
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
            d = dv.item_max(st.decide(q, dv.rule_any, dv.model_ok))[:, j]
            cand.append((round(_f1(d, dv.y[:, j]), 6), -abs(t - 0.5), float(t)))
        spec["threshold"][c] = max(cand)[2]
    return spec


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
          config: Config | None = None, log: Callable[[str], None] = print) -> dict[str, Any]:
    from .card import write_card
    from .corpus import check_corpus, select
    from .model import load_model

    if backend not in ("sklearn", "spacy"):
        raise DocscanError("bad_model", f"unknown backend {backend!r}")
    checked = check_corpus(corpus)
    items = checked.items
    if checked.problems:
        log(f"warning: {len(checked.problems)} corpus problems (run `docscan corpus check`); bad lines skipped")
    tr, dv = select(items, "train"), select(items, "dev")
    if len(tr) < 10 or not dv:
        raise DocscanError("bad_corpus", f"{corpus}: need train and dev items (have {len(tr)} train, {len(dv)} dev)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    log(f"train {len(tr)} items, dev {len(dv)} items; backend {backend}, seed {seed}")
    tr_cases = build_cases(tr, rules=backend == "sklearn", config=config)  # rules: the stacker's features
    dv_cases = build_cases(dv, rules=True, config=config)
    Y = _labels(tr)
    cats = [c for j, c in enumerate(CATS) if Y[:, j].sum() >= MIN_POSITIVES]
    skipped = [c for c in CATS if c not in cats]
    if skipped:
        log(f"warning: too few train positives to model {skipped}")
    cols = [CATS.index(c) for c in cats]
    meta: dict[str, Any] = {"format": META_FORMAT, "backend": backend, "categories": cats, "seed": seed}
    for stale in ("model.npz", "model.skops"):
        (out / stale).unlink(missing_ok=True)
    if backend == "sklearn":
        from .compact import CompactModel

        pipe, C = fit_sklearn(tr_cases.texts, Y[:, cols], dv_cases.texts, _labels(dv)[:, cols], seed, log)
        if hasattr(pipe.named_steps["tfidf"], "stop_words_"):
            del pipe.named_steps["tfidf"].stop_words_  # only for introspection; large
        save_skops(pipe, out / "model.skops")
        compact = CompactModel.from_pipeline(pipe, cats)
        compact.save(out / "model.npz")
        meta["params"] = {"features": f"char {NGRAM_RANGE[0]}-{NGRAM_RANGE[1]}-grams, TF-IDF sublinear, min_df 2",
                          "classifier": "one-vs-rest LogisticRegression, class_weight balanced",
                          "calibration": "Platt sigmoid, CalibratedClassifierCV ensemble=False", "C": C,
                          "n_features": len(compact.keys)}
        predict = compact.predict_proba
    else:
        nlp = fit_spacy(tr_cases.texts, Y[:, cols], cats, seed, out, log)
        meta["params"] = {"config": "docscan/data/spacy_textcat.cfg", "pipeline": "textcat_multilabel"}

        def predict(texts: list[str]) -> np.ndarray:
            return np.array([[d.cats.get(c, 0.0) for c in cats] for d in nlp.pipe([prepare(t) for t in texts])],
                            dtype=float).reshape(len(texts), len(cats))

    dev_probs = np.zeros((len(dv_cases.sent_texts), len(CATS)))
    dev_probs[:, cols] = predict(dv_cases.sent_texts)
    meta.update(tune_thresholds(dv_cases, dev_probs, cats))
    if backend == "sklearn":
        log("stacked fusion: out-of-fold model probabilities on train (5 folds, grouped by near-duplicates)")
        oof = out_of_fold(tr_cases, Y[:, cols], cols, C, seed)
        meta["stack"] = fit_stack(tr_cases, oof, dv_cases, dev_probs, cats)
    meta["agree"] = 0.5
    meta["id"] = f"{out.name}-{corpus_fingerprint(items)}-{backend}-s{seed}"
    meta["corpus"] = {"path": str(corpus), "fingerprint": corpus_fingerprint(items), "items": len(items),
                      "train": len(tr), "dev": len(dv)}
    meta["created"] = _dt.date.today().isoformat()
    write_json(out / "meta.json", meta)

    model = load_model(out)  # evaluate exactly what a scan will load
    metrics: dict[str, Any] = {"model": meta["id"], "backend": backend, "seed": seed, "splits": {}}
    for split in ("dev", "test", "heldout"):
        sel = select(items, split)
        if not sel:
            continue
        cases = dv_cases if split == "dev" else build_cases(sel, rules=True, config=config)
        probs = model.predict_proba(cases.sent_texts)
        metrics["splits"][split] = {"split": split, "items": len(sel),
                                    "modes": evaluate_cases(cases, probs, model.meta)}
        m = metrics["splits"][split]["modes"]
        log(f"{split:<8} " + "  ".join(f"{k} core {v['core_macro_f1']:.3f} macro {v['macro_f1']:.3f}"
                                        for k, v in m.items()))
    write_json(out / "metrics.json", metrics)
    write_card(out, meta, metrics, checked)
    return metrics
