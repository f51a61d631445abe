"""Grouped cross-validation of the whole training recipe on train ∪ dev — the figure to choose variants by.

Test and topic-held-out items are never read. The pool (``train`` and ``dev`` items) is cut into ``k`` folds
that never split a near-duplicate group (template fills, paraphrases, noise variants:
:func:`docscan.learn.train.item_groups`), stratified by each item's rarest label. For each fold the recipe runs
exactly as ``docscan train`` runs it (:func:`docscan.learn.train.fit_recipe`) on the other folds — for
``fit_on="train"`` those are split again into an inner train and dev (one grouped quarter as dev, like the
real splits) — and the held fold is predicted by rules, model and fusion. Scores are pooled over folds.

    python -m docscan.learn.cv corpora --k 5 --repeats 3 --recipe train+dev --recipe train
    python -m docscan.learn.cv corpora --recipe train+dev,features=char+abs,stack_C=0.3 --json cv.json
    python -m docscan.learn.cv corpora --recipe train+dev,learner=lr,ngram_max=3 --recipe train+dev,C_grid=1/3/10/30

A recipe is ``fit_on[,key=value…]`` with keys of :class:`docscan.learn.train.Recipe`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DocscanError
from ..report import CATEGORIES, CORE_CATEGORIES
from .evaluate import MODES, Cases, build_cases, predictions, score
from .train import MIN_POSITIVES, Recipe, corpus_fingerprint, fit_recipe, grouped_folds, item_groups

CATS = list(CATEGORIES)


def parse_recipe(spec: str) -> Recipe:
    """``"train+dev,features=char,stack_C=0.3"`` → :class:`Recipe`."""
    head, *rest = spec.split(",")
    r = replace(Recipe(), fit_on=head)
    types = {f.name: f.type for f in fields(Recipe)}
    for kv in rest:
        k, _, v = kv.partition("=")
        if k not in types:
            raise SystemExit(f"unknown recipe key {k!r} (have {sorted(types)})")
        t = str(types[k])
        val: Any = float(v) if t == "float" else int(v) if t == "int" else v
        if t.startswith("tuple"):  # C_grid=1/3/10
            val = tuple(float(x) for x in v.split("/") if x)
        r = replace(r, **{k: val})
    return r


def pool_cases(corpus: str | Path) -> tuple[Cases, str]:
    """Train ∪ dev ∪ calib items (never test or held-out topics) with the rules' reading, and the corpus
    fingerprint."""
    from .corpus import load_corpus, select

    items = load_corpus(corpus)
    pool = select(items, "train") + select(items, "dev") + select(items, "calib")
    return build_cases(pool, rules=True), corpus_fingerprint(items)


def cross_validate(cases: Cases, recipe: Recipe, k: int = 5, seed: int = 13,
                   log: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """Pooled out-of-fold scores (:func:`docscan.learn.evaluate.score`) per mode for one recipe."""
    from .features import prepare_texts

    groups = item_groups(cases.items, prepare_texts(cases.texts))
    Y = cases.y.astype(int)
    outer = grouped_folds(groups, Y[:, Y.sum(axis=0) > 0], k, seed + 1)
    pred = {m: np.zeros(cases.y.shape, dtype=bool) for m in MODES}
    t0 = time.perf_counter()
    for n, (fit_idx, held) in enumerate(outer, 1):
        tr = cases.subset(fit_idx)
        cats = [c for j, c in enumerate(CATS) if tr.y[:, j].sum() >= MIN_POSITIVES]
        if recipe.fit_on == "train":
            cols = [CATS.index(c) for c in cats]
            inner_fit, inner_dev = grouped_folds(groups[fit_idx], Y[fit_idx][:, cols], 4, seed + 2)[0]
            inner = tr.subset(inner_fit)
            cats = [c for c in cats if inner.y[:, CATS.index(c)].sum() >= MIN_POSITIVES]
            fitted = fit_recipe(inner, tr.subset(inner_dev), cats, recipe, seed)
        else:
            fitted = fit_recipe(tr, None, cats, recipe, seed)
        te = cases.subset(held)
        probs = np.zeros((len(te.sent_texts), len(CATS)))
        probs[:, [CATS.index(c) for c in cats]] = fitted.compact.predict_proba(te.sent_texts)
        for m in MODES:
            pred[m][held] = predictions(te, probs, fitted.meta, m)
        log(f"  fold {n}/{len(outer)}: fit {len(fit_idx)} items, held {len(held)} "
            f"({time.perf_counter() - t0:.0f} s)")
    out = {m: score(cases.y, pred[m], cases.items) for m in MODES}
    return {"recipe": recipe.__dict__, "k": len(outer), "seed": seed, "items": len(cases.items),
            "groups": len(set(groups.tolist())), "modes": out}


def repeated(cases: Cases, recipe: Recipe, k: int, seed: int, repeats: int,
             log: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """:func:`cross_validate` with ``repeats`` different fold assignments (seeds ``seed + 1000·r``); per mode the
    mean of every figure, and ``core_runs``: each repeat's core macro-F1 (their spread is the noise floor)."""
    runs = [cross_validate(cases, recipe, k, seed + 1000 * r, log) for r in range(repeats)]
    if repeats == 1:
        return runs[0]
    modes: dict[str, Any] = {}
    for m in MODES:
        rs = [run["modes"][m] for run in runs]
        modes[m] = {
            "per_category": {c: {"f1": round(float(np.mean([r["per_category"][c]["f1"] for r in rs])), 4)}
                             for c in CATS},
            **{key: round(float(np.mean([r[key] for r in rs])), 4)
               for key in ("macro_f1", "micro_f1", "core_macro_f1", "negatives_flagged")},
            "core_runs": [r["core_macro_f1"] for r in rs],
        }
    return {**runs[0], "repeats": repeats, "modes": modes}


def format_cv(results: list[dict[str, Any]], fingerprint: str) -> str:
    short = {c: c.split("_")[0][:8] for c in CATS}
    head = ["recipe", "mode", *[short[c] for c in CATS], "macro", "core", "neg flagged"]
    lines = [f"grouped CV on train ∪ dev, corpus {fingerprint}", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    for res in results:
        r = res["recipe"]
        name = r["fit_on"] + "".join(f",{k}={v}" for k, v in r.items()
                                      if k != "fit_on" and v != getattr(Recipe(), k))
        for m, s in res["modes"].items():
            lines.append("| " + " | ".join([name, m, *[f"{s['per_category'][c]['f1']:.3f}" for c in CATS],
                                             f"{s['macro_f1']:.3f}", f"{s['core_macro_f1']:.3f}",
                                             f"{100 * s['negatives_flagged']:.1f}%"]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m docscan.learn.cv", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="corpora")
    ap.add_argument("--k", type=int, default=5, help="outer folds")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--repeats", type=int, default=1, help="fold assignments to average over")
    ap.add_argument("--recipe", action="append", default=None,
                    help="fit_on[,key=value…] (repeatable; default: the training default)")
    ap.add_argument("--json", default=None, help="write all results here")
    a = ap.parse_args(argv)
    try:
        recipes = [parse_recipe(s) for s in (a.recipe or ["train+dev"])]
    except DocscanError as e:  # a recipe value Recipe refuses (unknown learner, n-gram range): a message, no traceback
        print(f"docscan: {e.code}: {e.detail}", file=sys.stderr)
        return 2
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    t = time.perf_counter()
    cases, fp = pool_cases(a.corpus)
    log(f"pool: {len(cases.items)} items (train ∪ dev), {len(cases.sent_texts)} sentences, corpus {fp} "
        f"({time.perf_counter() - t:.0f} s)")
    results = []
    for r in recipes:
        log(f"recipe {r}")
        results.append(repeated(cases, r, a.k, a.seed, a.repeats, log))
        core = {m: results[-1]["modes"][m]["core_macro_f1"] for m in MODES}
        log("  core macro-F1 " + "  ".join(f"{m} {v:.3f}" for m, v in core.items()))
    print(format_cv(results, fp))
    if a.json:
        Path(a.json).write_text(json.dumps({"corpus": fp, "core": list(CORE_CATEGORIES), "results": results},
                                           ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
