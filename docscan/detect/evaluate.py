"""Score the rules on the labelled corpus: ``python -m docscan.detect.evaluate [--split test] [--corpus DIR]``.

Sentence level (each corpus item is one sentence or short passage): an item is predicted positive for category c
when any finding of c lies in it. Prints P/R/F1 per category, core and overall macro-F1, and the share of
negative items (``labels: []``) that got any finding, per negative kind.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import DocscanError
from ..report import CATEGORIES, CORE_CATEGORIES

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "corpora"


def load_items(corpus: Path, split: str | None = None, *, heldout: bool | None = None) -> list[dict[str, Any]]:
    data = corpus / "data" if (corpus / "data").is_dir() else corpus
    files = sorted(data.glob("*.jsonl"))
    if not files:
        raise DocscanError("bad_corpus", f"no *.jsonl under {data}")
    items = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                it = json.loads(line)
            except json.JSONDecodeError as e:
                raise DocscanError("bad_corpus", f"{f.name}:{n}: {e}") from e
            if split and it.get("split") != split:
                continue
            if heldout is not None and bool(it.get("heldout_topic")) != heldout:
                continue
            items.append(it)
    return items


def predict(items: list[dict[str, Any]], config: Config) -> list[set[str]]:
    from ..pipeline import scan_document

    out = []
    for it in items:
        rep = scan_document("<corpus>", config, text=it["text"])
        out.append({f.category for f in rep.findings})
    return out


def score(items: list[dict[str, Any]], preds: list[set[str]]) -> dict[str, Any]:
    per: dict[str, dict[str, float]] = {}
    for c in CATEGORIES:
        tp = sum(1 for it, p in zip(items, preds, strict=True) if c in p and c in it["labels"])
        fp = sum(1 for it, p in zip(items, preds, strict=True) if c in p and c not in it["labels"])
        fn = sum(1 for it, p in zip(items, preds, strict=True) if c not in p and c in it["labels"])
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"p": prec, "r": rec, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}
    neg = [(it, p) for it, p in zip(items, preds, strict=True) if not it["labels"]]
    by_kind: dict[str, list[int]] = {}
    for it, p in neg:
        k = by_kind.setdefault(it.get("kind", "?"), [0, 0])
        k[0] += 1
        k[1] += bool(p)
    present = [c for c in CATEGORIES if per[c]["support"]]
    return {
        "n": len(items),
        "per_category": per,
        "core_macro_f1": sum(per[c]["f1"] for c in CORE_CATEGORIES) / len(CORE_CATEGORIES),
        "macro_f1": sum(per[c]["f1"] for c in present) / max(1, len(present)),
        "negatives": len(neg),
        "negatives_flagged": sum(1 for _, p in neg if p),
        "negatives_flagged_rate": (sum(1 for _, p in neg if p) / len(neg)) if neg else 0.0,
        "negatives_by_kind": {k: {"n": v[0], "flagged": v[1]} for k, v in sorted(by_kind.items())},
    }


def format_scores(s: dict[str, Any]) -> str:
    lines = [f"items: {s['n']}", f"{'category':26s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'fp':>5s} {'fn':>5s}"]
    for c, v in s["per_category"].items():
        lines.append(f"{c:26s} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f} {v['tp']:5d} {v['fp']:5d} {v['fn']:5d}")
    lines.append(f"core macro-F1: {s['core_macro_f1']:.3f}   macro-F1 (all present): {s['macro_f1']:.3f}")
    lines.append(f"negatives flagged: {s['negatives_flagged']}/{s['negatives']} = {s['negatives_flagged_rate']:.1%}")
    for k, v in s["negatives_by_kind"].items():
        lines.append(f"  {k:12s} {v['flagged']}/{v['n']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m docscan.detect.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", help="train | dev | test | all (default: test)")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus directory (default: ./corpora)")
    ap.add_argument("--heldout", action="store_true", help="only the held-out topics")
    ap.add_argument("--with-model", action="store_true", help="fuse the model too (default: rules only)")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misclassified items")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    a = ap.parse_args(argv)
    try:
        items = load_items(Path(a.corpus), None if a.split == "all" else a.split, heldout=True if a.heldout else None)
    except DocscanError as e:
        print(f"{e.code}: {e.message('en')}", file=sys.stderr)
        return 2
    cfg = Config(use_model=a.with_model)
    preds = predict(items, cfg)
    s = score(items, preds)
    if a.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        print(format_scores(s))
    if a.errors:
        shown = 0
        for it, p in zip(items, preds, strict=True):
            if set(it["labels"]) != p and shown < a.errors:
                shown += 1
                print(f"{it['id']} [{it.get('kind')}] gold={sorted(it['labels'])} pred={sorted(p)} {it['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
