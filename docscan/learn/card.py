"""``MODEL_CARD.md`` beside the weights: data, metrics per split, intended use, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .corpus import CheckResult, stats
from .evaluate import format_table


def write_card(out: Path, meta: dict[str, Any], metrics: dict[str, Any], checked: CheckResult) -> None:
    st = stats(checked.items)
    th = meta.get("thresholds", {})
    params = meta.get("params", {})
    lines = [
        f"# Model card: `{out.name}` ({meta['backend']})",
        "",
        f"Model id `{meta['id']}`, trained {meta.get('created')} with seed {meta['seed']} by `docscan train`.",
        "",
        "## What it is",
        "A sentence classifier for the seven docscan categories (multi-label). It gives each sentence a",
        "probability per category; `docscan scan` fuses these with the rule findings (see `docscan/learn/fuse.py`",
        "and, when `meta.json` has a `stack`, the stacked fusion in `docscan/learn/stack.py`).",
        "",
        *[f"- {k}: {v}" for k, v in params.items()],
        "",
        "## Intended use",
        "A reviewer's aid: it points at sentences that may impose formalism burdens on grassroots units, so a person",
        "can read them. It is **not** grounds for sanctions, accountability or any judgement about people or units.",
        "Model-only findings (`source: \"model\"`) carry no rule explanation and must be read by a person.",
        "",
        "## Data",
        f"docscan corpus (`{meta['corpus']['path']}`, fingerprint `{meta['corpus']['fingerprint']}`): "
        f"{st['items']} items, {st['positives']} positives, splits {st['split']}; "
        f"{st['heldout_topic']} items of topic-held-out topics are in no training or tuning split.",
        "Synthetic sentences written by the docscan team (no personal data). Labels per item: "
        + ", ".join(f"{k} {v}" for k, v in st["labels"].items()) + ".",
        *_training_lines(meta),
        "",
        "## Metrics (sentence level; F1 per category)",
        "`rules` = rule engine alone, `model` = model alone (per-category threshold tuned on dev), `fusion` = what",
        "`docscan scan` reports. Reproduce: `make train && make eval`.",
        "",
        format_table(metrics["splits"]),
        "",
        "## Fusion thresholds (tuned on dev, or out-of-fold on train ∪ dev)",
        f"A rule finding is weak when flagged so or its confidence < weak_conf (1.01: any finding of the category);"
        f" rule and model agree when p ≥ {meta.get('agree')}.",
        "",
        "| category | model alone | model-only finding (high) | veto weak rule (low) | weak_conf |",
        "|---|---|---|---|---|",
        *[f"| {c} | {v.get('model')} | {v.get('high')} | {v.get('low')} | {v.get('weak_conf')} |"
          for c, v in th.items()],
        "",
        *_stack_section(meta),
        "## Limits",
        "- The corpus is synthetic and small; real documents are longer, noisier and more varied. Expect lower",
        "  precision on real text, above all for model-only findings; the topic-held-out row shows the drop on",
        "  topics never seen.",
        "- Char n-grams see words, not who is obligated: a demand on enterprises or citizens, reported speech or an",
        "  unusual negation can fool the model; the rule engine's polarity and actor checks carry those cases.",
        "- Probabilities are calibrated on the training folds, not on real-world base rates.",
        "- Files: `model.npz` (numpy, used by scans), `model.skops` (sklearn Pipeline, loaded with an explicit",
        "  trusted-type list), `meta.json`, `metrics.json`. No pickle.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def _training_lines(meta: dict[str, Any]) -> list[str]:
    c = meta["corpus"]
    if "dev" in c.get("fit_splits", ["train"]):
        calib = ([f"`calib` ({c['calib']} items) was written blind to the rules, which are never tuned on it: its",
                  "`rules` row is the rule layer's honest figure on unseen phrasing; its model probabilities are",
                  "out-of-fold by source file (a writer never scores their own sentences)."] if c.get("calib") else [])
        return [
            f"Fitted on `train` ∪ `dev` ∪ `calib` ({c['train']} + {c['dev']} + {c.get('calib', 0)} items). C, the "
            "Platt calibration, the thresholds",
            "and the stacked fusion come from out-of-fold predictions over 5 folds grouped by near-duplicates",
            "(template fills never straddle folds). The `dev` rows below therefore use those **out-of-fold**",
            "probabilities (kept in `oof.npz`; `docscan evaluate … dev` uses them too), not the fitted model's:",
            "honest about the model, slightly optimistic about thresholds tuned on the same predictions.",
            "`test` and topic-held-out never seen. Choose between training variants by grouped cross-validation",
            "(`python -m docscan.learn.cv`), never by test scores.",
            *calib,
        ]
    return [f"Trained on the `train` split ({c['train']} items); thresholds tuned on `dev` ({c['dev']} items); "
            "`test` and topic-held-out never seen."]


def _stack_section(meta: dict[str, Any]) -> list[str]:
    """The stacked fusion's weights: which evidence moves each category's decision, and its threshold."""
    st = meta.get("stack")
    if not st:
        return []
    feats = st["features"]
    out = [
        "## Stacked fusion (what `fusion` above reports)",
        "Per category, a logistic regression over the model's logit and the rule layer's reading of the sentence",
        "(rule finding strong/weak, clause polarity and actor, action types), fitted with out-of-fold model",
        "probabilities (5 folds grouped by near-duplicate template fills) on train ∪ dev ∪ calib, thresholds tuned",
        "there. A rule finding below the threshold is vetoed; a model-only finding is added only in a snippet (a",
        "pasted passage), never in a whole document.",
        *([f"In a passage of at most 3 sentences a model probability ≥ {st['override']} reports the category whatever",
           "the stacker says (the rules misread some unseen phrasings as prohibitions or critiques)."]
          if float(st.get("override", 1.01)) <= 1.0 else []),
        "The thresholds table above is the fallback when a model has no stack.",
        "",
        "| category | threshold | strongest weights |",
        "|---|---|---|",
    ]
    for c, w in st["coef"].items():
        top = sorted(zip(feats, w, strict=True), key=lambda kv: -abs(kv[1]))[:4]
        out.append(f"| {c} | {st['threshold'][c]} | " + ", ".join(f"{k} {v:+.2f}" for k, v in top) + " |")
    return [*out, ""]
