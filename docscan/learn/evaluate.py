"""Sentence-level evaluation of rules, model and fusion on the labelled corpus.

Every corpus item goes through the real pipeline front (``extract_document(text=…)``: normalization,
sentences), the rule engine (``detect`` with the model off) and the model (per sentence). An item is predicted
positive for category c when some sentence of it is, which is how ``docscan scan`` reports. Fusion uses
:func:`docscan.learn.fuse.decide`, the same decision ``fuse()`` applies during a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config import Config
from ..report import CATEGORIES, CORE_CATEGORIES
from .fuse import decide, model_gates, rule_arrays

CATS = list(CATEGORIES)
MODES = ("rules", "model", "fusion")


@dataclass
class Cases:
    """Items prepared once: item texts, sentence texts, rule decisions per sentence, gold labels."""

    items: list[dict[str, Any]]
    texts: list[str]  # normalized text per item (what the model trains on)
    sent_texts: list[str] = field(default_factory=list)
    sent_item: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rule_conf: np.ndarray | None = None  # (S, C): max confidence of a non-"weak"-flagged rule finding, -1 none
    rule_any: np.ndarray | None = None  # (S, C): any rule finding
    y: np.ndarray = field(default_factory=lambda: np.zeros((0, len(CATS)), dtype=bool))
    model_ok: np.ndarray | None = None  # (S,): may the model add a finding the rules did not make
    model_over: np.ndarray | None = None  # (S,): may a very confident model overrule the stacker (fuse.model_gates)
    sent_feats: np.ndarray | None = None  # (S, F): the rule layer's reading (docscan.learn.stack.sentence_features)

    def rule_masks(self, weak_conf: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        assert self.rule_conf is not None and self.rule_any is not None
        strong = self.rule_conf >= np.maximum(weak_conf, 0.0)
        return strong, self.rule_any & ~strong

    def subset(self, idx: np.ndarray) -> Cases:
        """The cases of items ``idx`` (in that order), their sentences in the same order."""
        idx = np.asarray(idx, dtype=np.int64)
        pos = np.full(len(self.items), -1, dtype=np.int64)
        pos[idx] = np.arange(len(idx))
        new_item = pos[self.sent_item] if len(self.sent_item) else np.zeros(0, dtype=np.int64)
        rows = np.nonzero(new_item >= 0)[0]
        rows = rows[np.argsort(new_item[rows], kind="stable")]

        def take(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[rows]

        return Cases(items=[self.items[i] for i in idx], texts=[self.texts[i] for i in idx],
                     sent_texts=[self.sent_texts[r] for r in rows], sent_item=new_item[rows], rule_conf=take(self.rule_conf),
                     rule_any=take(self.rule_any), y=self.y[idx], model_ok=take(self.model_ok), model_over=take(self.model_over),
                     sent_feats=take(self.sent_feats))

    def item_max(self, sent_values: np.ndarray) -> np.ndarray:
        out = np.zeros((len(self.items), sent_values.shape[1]), dtype=sent_values.dtype)
        if len(self.sent_item):
            np.maximum.at(out, self.sent_item, sent_values)
        return out


def build_cases(items: list[dict[str, Any]], *, rules: bool = True, config: Config | None = None) -> Cases:
    from ..detect import detect
    from ..errors import DocscanError
    from ..pipeline import extract_document
    from .stack import SENTENCE_FEATURES, sentence_features

    cfg = (config or Config()).with_options(use_model=False, model="none")
    texts, sent_texts, sent_item = [], [], []
    conf_rows, any_rows, ok_rows, over_rows, feat_rows = [], [], [], [], []
    y = np.zeros((len(items), len(CATS)), dtype=bool)
    for i, it in enumerate(items):
        for lab in it["labels"]:
            y[i, CATS.index(lab)] = True
        try:
            doc = extract_document("<corpus>", cfg, text=it["text"])
        except DocscanError:
            texts.append(it["text"])
            continue
        texts.append(doc.text)
        sents = doc.sentences
        base = len(sent_texts)
        sent_texts.extend(doc.text[s.start : s.end] for s in sents)
        sent_item.extend([i] * len(sents))
        if not rules:
            continue
        if not sents:
            ok_rows.append(np.ones(0, dtype=bool))
            over_rows.append(np.ones(0, dtype=bool))
            feat_rows.append(np.zeros((0, len(SENTENCE_FEATURES))))
            conf, anyf = np.zeros((0, len(CATS))), np.zeros((0, len(CATS)), dtype=bool)
        else:
            detection = detect(doc, cfg)
            allowed, overridable = model_gates(doc, detection)
            ok_rows.append(allowed)
            over_rows.append(overridable)
            feat_rows.append(sentence_features(doc, detection))
            conf, anyf = rule_arrays(doc, detection)
        conf_rows.append(conf)
        any_rows.append(anyf)
        assert len(sent_texts) - base == len(sents)
    cases = Cases(items=items, texts=texts, sent_texts=sent_texts, sent_item=np.array(sent_item, dtype=np.int64), y=y)
    if rules:
        cases.rule_conf = np.concatenate(conf_rows) if conf_rows else np.zeros((0, len(CATS)))
        cases.rule_any = np.concatenate(any_rows) if any_rows else np.zeros((0, len(CATS)), dtype=bool)
        cases.model_ok = np.concatenate(ok_rows) if ok_rows else np.zeros(0, dtype=bool)
        cases.model_over = np.concatenate(over_rows) if over_rows else np.zeros(0, dtype=bool)
        cases.sent_feats = np.concatenate(feat_rows) if feat_rows else np.zeros((0, len(SENTENCE_FEATURES)))
    return cases


def predictions(cases: Cases, probs: np.ndarray | None, meta: dict[str, Any] | None, mode: str) -> np.ndarray:
    """Item-level boolean predictions (N × C) for one mode."""
    if mode == "rules":
        assert cases.rule_any is not None
        return cases.item_max(cases.rule_any)
    assert probs is not None and meta is not None
    th = meta.get("thresholds", {})
    if mode == "model":
        t = np.array([th.get(c, {}).get("model", 0.5) for c in CATS])
        return cases.item_max(probs >= t)
    if meta.get("stack"):
        from .stack import Stacker

        assert cases.rule_conf is not None and cases.rule_any is not None and cases.sent_feats is not None
        st = Stacker(meta["stack"])
        q = st.proba(probs, cases.rule_conf, cases.rule_any, cases.sent_feats)
        return cases.item_max(st.decide(q, cases.rule_any, cases.model_ok, probs, cases.model_over))
    high = np.array([th.get(c, {}).get("high", 1.01) for c in CATS])
    low = np.array([th.get(c, {}).get("low", 0.0) for c in CATS])
    wc = float(meta.get("weak_conf", 0.0))
    strong, weak = cases.rule_masks(np.array([th.get(c, {}).get("weak_conf", wc) for c in CATS]))
    return cases.item_max(decide(strong, weak, probs, high, low, cases.model_ok))


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(y: np.ndarray, pred: np.ndarray, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    per: dict[str, Any] = {}
    TP = FP = FN = 0
    for j, c in enumerate(CATS):
        tp = int(np.sum(pred[:, j] & y[:, j]))
        fp = int(np.sum(pred[:, j] & ~y[:, j]))
        fn = int(np.sum(~pred[:, j] & y[:, j]))
        p, r, f = f1(tp, fp, fn)
        per[c] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp,
                  "fn": fn, "support": int(y[:, j].sum())}
        TP, FP, FN = TP + tp, FP + fp, FN + fn
    present = [c for c in CATS if per[c]["support"] or per[c]["fp"]]
    neg = ~y.any(axis=1)
    out = {
        "items": len(y),
        "per_category": per,
        "macro_f1": round(float(np.mean([per[c]["f1"] for c in present])) if present else 0.0, 4),
        "micro_f1": round(f1(TP, FP, FN)[2], 4),
        "core_macro_f1": round(float(np.mean([per[c]["f1"] for c in CORE_CATEGORIES])), 4),
        "negatives": int(neg.sum()),
        "negatives_flagged": round(float(pred[neg].any(axis=1).mean()) if neg.any() else 0.0, 4),
    }
    if items is not None and neg.any():
        by_kind: dict[str, list[bool]] = {}
        for i in np.nonzero(neg)[0]:
            by_kind.setdefault(items[i].get("kind", "?"), []).append(bool(pred[i].any()))
        out["negatives_flagged_by_kind"] = {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())}
    return out


def worst_errors(cases: Cases, pred: np.ndarray, item_probs: np.ndarray | None, n: int = 10) -> list[dict[str, Any]]:
    """False positives the model was surest of, and false negatives it was least sure of."""
    errs = []
    for i, j in zip(*np.nonzero(pred != cases.y), strict=True):
        p = float(item_probs[i, j]) if item_probs is not None else 0.5
        kind = "FP" if pred[i, j] else "FN"
        badness = p if kind == "FP" else 1.0 - p
        it = cases.items[i]
        errs.append({"error": kind, "category": CATS[j], "id": it.get("id"), "p": round(p, 3),
                     "text": it["text"][:120], "_bad": badness})
    errs.sort(key=lambda e: -e["_bad"])
    for e in errs:
        del e["_bad"]
    return errs[:n]


def evaluate_cases(cases: Cases, probs: np.ndarray | None, meta: dict[str, Any] | None,
                   modes: tuple[str, ...] = MODES, n_errors: int = 10) -> dict[str, Any]:
    item_probs = cases.item_max(probs) if probs is not None else None
    out: dict[str, Any] = {}
    for mode in modes:
        if mode == "rules" and cases.rule_any is None:
            continue
        if mode != "rules" and probs is None:
            continue
        pred = predictions(cases, probs, meta, mode)
        res = score(cases.y, pred, cases.items)
        res["worst_errors"] = worst_errors(cases, pred, item_probs, n_errors)
        out[mode] = res
    return out


def evaluate_model(model_dir: str | None, corpus: str, split: str, modes: tuple[str, ...] = MODES,
                   config: Config | None = None, n_errors: int = 10) -> dict[str, Any]:
    from .corpus import load_corpus, select
    from .model import load_model

    items = select(load_corpus(corpus), split)
    if not items:
        from ..errors import DocscanError

        raise DocscanError("bad_corpus", f"{corpus}: split {split!r} is empty")
    need_rules = "rules" in modes or "fusion" in modes
    cases = build_cases(items, rules=need_rules, config=config)
    probs = meta = None
    n_oof = 0
    if model_dir and any(m != "rules" for m in modes):
        model = load_model(model_dir)
        probs, meta = model.predict_proba(cases.sent_texts), model.meta
        n_oof = use_out_of_fold(cases, probs, model.path)
    res = evaluate_cases(cases, probs, meta, modes, n_errors)
    out = {"split": split, "items": len(items), "modes": res}
    if n_oof:
        out["probabilities"] = "out-of-fold"
        out["out_of_fold_items"] = n_oof
    return out


def use_out_of_fold(cases: Cases, probs: np.ndarray, model_dir: Any) -> int:
    """A model fitted on train ∪ dev has seen those items: replace, in place, their sentence probabilities by
    the out-of-fold ones kept in ``oof.npz`` (same item id and sentence count), so their scores stay honest.
    Returns how many items were replaced."""
    from pathlib import Path

    f = Path(model_dir) / "oof.npz"
    if not f.is_file():
        return 0
    with np.load(f, allow_pickle=False) as z:
        ids, counts, oof = z["ids"], z["counts"], z["probs"]
    if oof.shape[1:] != probs.shape[1:]:
        return 0
    start = np.concatenate([[0], np.cumsum(counts)])
    where = {str(i): k for k, i in enumerate(ids.tolist())}
    n = 0
    own = np.bincount(cases.sent_item, minlength=len(cases.items)) if len(cases.sent_item) else []
    first = np.searchsorted(cases.sent_item, np.arange(len(cases.items))) if len(cases.sent_item) else []
    for i, it in enumerate(cases.items):
        k = where.get(str(it.get("id")))
        if k is None or counts[k] != own[i]:
            continue
        probs[first[i] : first[i] + own[i]] = oof[start[k] : start[k + 1]]
        n += 1
    return n


def format_table(results: dict[str, dict[str, Any]]) -> str:
    """A markdown table: rows = split × mode, columns = per-category F1, macro, core macro, negatives flagged."""
    short = {"ledger_demand": "ledger", "repeated_inspection": "inspect", "vague_duty": "vague",
             "meeting_overload": "meeting", "accountability_pressure": "account", "digital_formalism": "digital",
             "deadline_pressure": "deadline"}
    head = ["split", "mode", "n", *[short[c] for c in CATS], "macro F1", "micro F1", "core F1", "neg flagged"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for split, res in results.items():
        label = f"{split} (OOF)" if res.get("probabilities") == "out-of-fold" else split
        for mode, r in res["modes"].items():
            row = [label if mode != "rules" else split, mode, str(r["items"]), *[f"{r['per_category'][c]['f1']:.3f}" for c in CATS],
                   f"{r['macro_f1']:.3f}", f"{r['micro_f1']:.3f}", f"{r['core_macro_f1']:.3f}",
                   f"{100 * r['negatives_flagged']:.1f}%"]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def format_text(result: dict[str, Any]) -> str:
    out = [f"split {result['split']}: {result['items']} items"]
    if result.get("probabilities") == "out-of-fold":
        out.append(f"(the model was fitted on {result.get('out_of_fold_items')} of these items: their model "
                   "probabilities are the out-of-fold ones from training, oof.npz)")
    for mode, r in result["modes"].items():
        out.append(f"\n== {mode} ==  macro-F1 {r['macro_f1']:.3f}  micro-F1 {r['micro_f1']:.3f}  "
                   f"core macro-F1 {r['core_macro_f1']:.3f}  negatives flagged {100 * r['negatives_flagged']:.1f}% "
                   f"of {r['negatives']}")
        out.append(f"{'category':<26}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}{'n':>6}")
        for c in CATS:
            m = r["per_category"][c]
            out.append(f"{c:<26}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['tp']:>6}{m['fp']:>6}"
                       f"{m['fn']:>6}{m['support']:>6}")
        if r.get("negatives_flagged_by_kind"):
            out.append("negatives flagged by kind: " + ", ".join(
                f"{k} {100 * v:.1f}%" for k, v in r["negatives_flagged_by_kind"].items()))
        if r.get("worst_errors"):
            out.append("worst errors:")
            for e in r["worst_errors"]:
                out.append(f"  {e['error']} {e['category']:<24} p={e['p']:.2f} {e['id']}: {e['text']}")
    return "\n".join(out)
