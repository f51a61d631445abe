"""Pre-annotation: new documents → one task per sentence with rule + model predictions.

For Label Studio, each task carries ``predictions`` (spans of the fused findings, and the model's category
choices with their probability); for doccano, the same as ``label`` spans and ``cats``. Annotators then only
correct them; ``docscan corpus import`` brings the result back into the corpus format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..report import CATEGORIES
from .interop import ls_result

CATS = list(CATEGORIES)


def annotate_paths(paths: list[str], config: Config) -> list[dict[str, Any]]:
    """One record per sentence: {text, source, sentence, spans, labels, scores, model}."""
    from ..detect import detect
    from ..pipeline import extract_document
    from .fuse import apply, sentence_index, sentence_of
    from .model import get_model

    model = get_model(config)
    rules_cfg = config.with_options(use_model=False, model="none")
    out: list[dict[str, Any]] = []
    for path in paths:
        doc = extract_document(path, rules_cfg)
        if not doc.sentences:
            continue
        detection = detect(doc, rules_cfg)
        probs = np.zeros((len(doc.sentences), len(CATS)))
        if model is not None:
            probs = model.predict_proba([doc.text[s.start : s.end] for s in doc.sentences])
            detection = apply(doc, detection, probs, model, config)
        starts = sentence_index(doc)
        per_sent: dict[int, list[Any]] = {}
        for f in detection.findings:
            s = sentence_of(starts, doc, f)
            if s is not None:
                per_sent.setdefault(s, []).append(f)
        for i, sent in enumerate(doc.sentences):
            text = doc.text[sent.start : sent.end]
            spans = []
            for f in per_sent.get(i, []):
                a, b = max(f.start, sent.start) - sent.start, min(f.end, sent.end) - sent.start
                if a < b:
                    spans.append({"start": a, "end": b, "label": f.category, "score": f.confidence,
                                  "rule": f.rule, "source": f.source})
            labels = sorted({s["label"] for s in spans}, key=CATS.index)
            if model is not None:
                th = model.meta.get("thresholds", {})
                labels = sorted(set(labels) | {c for j, c in enumerate(CATS)
                                               if probs[i, j] >= th.get(c, {}).get("model", 0.5)}, key=CATS.index)
            out.append({
                "text": text, "source": str(path), "sentence": i, "start": sent.start, "spans": spans,
                "labels": labels, "scores": {c: round(float(probs[i, j]), 4) for j, c in enumerate(CATS)},
                "model": model.id if model is not None else None,
            })
    return out


def to_labelstudio_tasks(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tasks = []
    for r in records:
        score = max((r["scores"][c] for c in r["labels"]), default=None) if r["model"] else None
        tasks.append({
            "data": {"text": r["text"], "source": r["source"], "sentence": r["sentence"], "start": r["start"]},
            "predictions": [{"model_version": r["model"] or "rules",
                             "score": score if score is not None else 0.0,
                             "result": ls_result(r["text"], r["spans"], r["labels"], score=score)}],
        })
    return tasks


def to_doccano_lines(records: list[dict[str, Any]]) -> list[str]:
    return [json.dumps({"text": r["text"], "label": [[s["start"], s["end"], s["label"]] for s in r["spans"]],
                        "cats": r["labels"], "source": r["source"], "sentence": r["sentence"]},
                       ensure_ascii=False) for r in records]


def write(records: list[dict[str, Any]], fmt: str, out: str | Path) -> None:
    if fmt == "labelstudio":
        text = json.dumps(to_labelstudio_tasks(records), ensure_ascii=False, indent=1)
    else:
        text = "\n".join(to_doccano_lines(records))
    Path(out).write_text(text + "\n", encoding="utf-8")
