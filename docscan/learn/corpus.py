"""The labelled corpus: JSONL files ``corpora/data/*.jsonl``, one sentence/short passage per line.

Line format (see ``corpora/README.md``)::

    {"id", "text", "labels": [category ids], "kind": "demand|prohibition|critique|upper_duty|neutral",
     "topic", "register", "level", "script", "noise", "spans": [{"start","end","label"}],
     "split": "train|dev|test", "heldout_topic": bool}

``check_corpus`` names every malformed line as ``file:line: problem``; ``load_corpus`` returns the good items.
Splits ``train``/``dev``/``test`` exclude topic-held-out items; the pseudo-split ``heldout`` selects exactly
those (``heldout_topic: true``), and ``all`` everything.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DocscanError
from ..report import CATEGORIES

KINDS = ("demand", "prohibition", "critique", "upper_duty", "neutral")
SPLITS = ("train", "dev", "test", "calib")
# calib: the rule-blind calibration items (train-only sources with ``#split calib``). The model trains on them
# (out of fold, like dev); the fusion stacker is fitted on them because the rules were never tuned on them.
PSEUDO_SPLITS = ("heldout", "all")


@dataclass
class CheckResult:
    items: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: message"
    files: int = 0
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def corpus_files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise DocscanError("bad_corpus", f"{p}: not found")
    data = p / "data" if (p / "data").is_dir() else p
    files = sorted(data.rglob("*.jsonl"))
    if not files:
        raise DocscanError("bad_corpus", f"{p}: no *.jsonl files")
    return files


_DIGIT_RUN = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def dedupe_key(text: str) -> str:
    """Whitespace and digits normalised: two texts with the same key are the same sentence."""
    return _DIGIT_RUN.sub("0", _SPACE.sub("", text))


def _validate(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    errs = []
    for key, typ in (("id", str), ("text", str), ("labels", list)):
        if not isinstance(obj.get(key), typ):
            errs.append(f"missing or bad field {key!r}")
    if errs:
        return errs
    if not obj["text"].strip():
        errs.append("empty text")
    for lab in obj["labels"]:
        if lab not in CATEGORIES:
            errs.append(f"unknown label {lab!r}")
    if len(set(obj["labels"])) != len(obj["labels"]):
        errs.append("duplicate label")
    kind = obj.get("kind")
    if kind is not None and kind not in KINDS:
        errs.append(f"unknown kind {kind!r}")
    if kind == "demand" and not obj["labels"]:
        errs.append("kind 'demand' with no labels")
    if kind in KINDS[1:] and obj["labels"]:
        errs.append(f"kind {kind!r} (a negative) with labels {obj['labels']}")
    split = obj.get("split")
    if split not in SPLITS:
        errs.append(f"bad split {split!r}")
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        return [*errs, "spans is not a list"]
    n = len(obj["text"])
    for s in spans:
        if not isinstance(s, dict) or not isinstance(s.get("start"), int) or not isinstance(s.get("end"), int):
            errs.append(f"bad span {s!r}")
            continue
        if not 0 <= s["start"] < s["end"] <= n:
            errs.append(f"span offsets [{s['start']}, {s['end']}) outside text (length {n})")
        if s.get("label") not in obj["labels"]:
            errs.append(f"span label {s.get('label')!r} not in labels")
    return errs


def check_corpus(path: str | Path) -> CheckResult:
    res = CheckResult()
    seen_ids: dict[str, str] = {}
    train_keys: dict[str, str] = {}
    held: list[tuple[str, str, str]] = []  # (where, key, split) of dev/test items, checked after all files
    for f in corpus_files(path):
        res.files += 1
        with f.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                res.lines += 1
                where = f"{f}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    res.problems.append(f"{where}: bad JSON ({e.msg} at column {e.colno})")
                    continue
                errs = _validate(obj)
                if not errs:
                    if obj["id"] in seen_ids:
                        errs.append(f"duplicate id {obj['id']!r} (first at {seen_ids[obj['id']]})")
                    else:
                        seen_ids[obj["id"]] = where
                if errs:
                    res.problems.extend(f"{where}: {e}" for e in errs)
                    continue
                key = dedupe_key(obj["text"])
                if obj["split"] in ("train", "calib"):  # both are fitted on: neither may hold a test text
                    train_keys.setdefault(key, where)
                else:
                    held.append((where, key, obj["split"]))
                obj["_where"] = where
                res.items.append(obj)
    for where, key, split in held:
        if key in train_keys:
            res.problems.append(f"{where}: {split} text also in train (at {train_keys[key]})")
    return res


def load_corpus(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """Good items of the corpus (malformed lines are skipped; run ``docscan corpus check`` to see them)."""
    items = check_corpus(path).items
    if not items:
        raise DocscanError("bad_corpus", f"{path}: no valid items")
    return select(items, split) if split else items


def select(items: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    if split == "all":
        return list(items)
    if split == "heldout":
        return [it for it in items if it.get("heldout_topic")]
    if split not in SPLITS:
        raise DocscanError("bad_corpus", f"unknown split {split!r} (train, dev, test, calib, heldout, all)")
    return [it for it in items if it.get("split") == split and not it.get("heldout_topic")]


def stats(items: list[dict[str, Any]]) -> dict[str, Any]:
    def count(fn) -> dict[str, int]:
        c: Counter[str] = Counter()
        for it in items:
            for v in fn(it):
                c[str(v)] += 1
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    return {
        "items": len(items),
        "positives": sum(1 for it in items if it["labels"]),
        "multi_label": sum(1 for it in items if len(it["labels"]) > 1),
        "with_spans": sum(1 for it in items if it.get("spans")),
        "split": count(lambda it: [it.get("split")]),
        "heldout_topic": sum(1 for it in items if it.get("heldout_topic")),
        "labels": count(lambda it: it["labels"]),
        "labels_by_split": {s: count(lambda it, s=s: it["labels"] if it.get("split") == s else []) for s in SPLITS},
        "kind": count(lambda it: [it.get("kind", "?")]),
        "topic": count(lambda it: [it.get("topic", "?")]),
        "register": count(lambda it: [it.get("register", "?")]),
        "level": count(lambda it: [it.get("level", "?")]),
        "script": count(lambda it: [it.get("script", "?")]),
        "noise": sum(1 for it in items if it.get("noise")),
    }
