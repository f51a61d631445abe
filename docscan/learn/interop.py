"""Corpus import/export: Label Studio JSON, doccano JSONL, spaCy ``DocBin``.

Export keeps every corpus field (ids, split, kind, topic…) so an export → import round trip is lossless for
labels and spans. Imported items missing a ``split`` get one from a hash of their id (60/20/20).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import DocscanError
from ..report import CATEGORIES

FORMATS = ("labelstudio", "doccano", "spacy")
META_KEYS = ("id", "kind", "topic", "register", "level", "script", "noise", "split", "heldout_topic")


def hash_split(item_id: str) -> str:
    h = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if h < 60 else ("dev" if h < 80 else "test")


def _clean(it: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in it.items() if not k.startswith("_")}


# -- Label Studio ------------------------------------------------------------------------------------
def ls_result(text: str, spans: list[dict[str, Any]], labels: list[str], *, score: float | None = None,
              scores: dict[str, float] | None = None) -> list[dict[str, Any]]:
    res: list[dict[str, Any]] = []
    for k, s in enumerate(spans):
        r = {"id": f"s{k}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s["start"], "end": s["end"], "text": text[s["start"] : s["end"]],
                       "labels": [s["label"]]}}
        if s.get("score") is not None:
            r["score"] = round(float(s["score"]), 4)
        res.append(r)
    if labels:
        r = {"id": "c", "from_name": "category", "to_name": "text", "type": "choices",
             "value": {"choices": list(labels)}}
        if score is not None:
            r["score"] = round(float(score), 4)
        res.append(r)
    return res


def to_labelstudio(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tasks = []
    for it in items:
        data = {"text": it["text"], **{k: it[k] for k in META_KEYS if k in it}}
        tasks.append({"data": data,
                      "annotations": [{"result": ls_result(it["text"], it.get("spans", []), it["labels"])}]})
    return tasks


def from_labelstudio(tasks: Any) -> list[dict[str, Any]]:
    if not isinstance(tasks, list):
        raise DocscanError("bad_corpus", "Label Studio export: expected a JSON list of tasks")
    items = []
    for n, t in enumerate(tasks):
        data = t.get("data", {}) if isinstance(t, dict) else {}
        text = data.get("text")
        if not isinstance(text, str):
            raise DocscanError("bad_corpus", f"Label Studio task {n}: no data.text")
        results = []
        anns = t.get("annotations") or t.get("completions") or []
        if anns:
            results = anns[0].get("result", [])
        elif t.get("predictions"):
            results = t["predictions"][0].get("result", [])
        labels: list[str] = []
        spans = []
        for r in results:
            v = r.get("value", {})
            if r.get("type") == "labels":
                for lab in v.get("labels", []):
                    spans.append({"start": int(v["start"]), "end": int(v["end"]), "label": lab})
                    if lab not in labels:
                        labels.append(lab)
            elif r.get("type") == "choices":
                labels.extend(c for c in v.get("choices", []) if c not in labels)
        items.append(_complete({**{k: data[k] for k in META_KEYS if k in data}, "text": text,
                                "labels": labels, "spans": spans}, n))
    return items


# -- doccano -----------------------------------------------------------------------------------------
def to_doccano(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"text": it["text"], "label": [[s["start"], s["end"], s["label"]] for s in it.get("spans", [])],
             "cats": list(it["labels"]), **{k: it[k] for k in META_KEYS if k in it}} for it in items]


def from_doccano(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for n, d in enumerate(lines):
        text = d.get("text") or d.get("data")
        if not isinstance(text, str):
            raise DocscanError("bad_corpus", f"doccano line {n + 1}: no text")
        labels = [c for c in d.get("cats", []) if isinstance(c, str)]
        spans = []
        raw = d.get("label", []) + [[e["start_offset"], e["end_offset"], e["label"]] for e in d.get("entities", [])]
        for lab in raw:
            if isinstance(lab, list | tuple) and len(lab) == 3:
                spans.append({"start": int(lab[0]), "end": int(lab[1]), "label": str(lab[2])})
                if lab[2] not in labels:
                    labels.append(str(lab[2]))
            elif isinstance(lab, str) and lab not in labels:
                labels.append(lab)
        items.append(_complete({**{k: d[k] for k in META_KEYS if k in d}, "text": text, "labels": labels,
                                "spans": spans}, n))
    return items


# -- spaCy DocBin ------------------------------------------------------------------------------------
def to_docbin(items: list[dict[str, Any]], path: str | Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")  # default char segmenter: every character a token, so spans always align
    db = DocBin(store_user_data=True)
    for it in items:
        doc = nlp.make_doc(it["text"])
        doc.cats = {c: float(c in it["labels"]) for c in CATEGORIES}
        spans = [doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
                 for s in it.get("spans", [])]
        doc.spans["sc"] = [s for s in spans if s is not None]
        doc.user_data["docscan"] = json.dumps({k: it[k] for k in META_KEYS if k in it}, ensure_ascii=False)
        db.add(doc)
    db.to_disk(path)


def from_docbin(path: str | Path) -> list[dict[str, Any]]:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")
    try:
        db = DocBin().from_disk(path)
        docs = list(db.get_docs(nlp.vocab))
    except Exception as e:
        raise DocscanError("bad_corpus", f"{path}: not a spaCy DocBin ({type(e).__name__})") from e
    items = []
    for n, doc in enumerate(docs):
        meta = {}
        if isinstance(doc.user_data.get("docscan"), str):
            meta = json.loads(doc.user_data["docscan"])
        labels = [c for c, v in doc.cats.items() if v >= 0.5]
        spans = [{"start": s.start_char, "end": s.end_char, "label": s.label_} for s in doc.spans.get("sc", [])]
        items.append(_complete({**meta, "text": doc.text, "labels": labels, "spans": spans}, n))
    return items


# -- shared ------------------------------------------------------------------------------------------
def _complete(it: dict[str, Any], n: int) -> dict[str, Any]:
    """Fill corpus fields an external tool does not know about."""
    it.setdefault("id", "imp-" + hashlib.sha256(it["text"].encode("utf-8")).hexdigest()[:10])
    it["labels"] = [lab for lab in it["labels"] if lab in CATEGORIES] + [lab for lab in it["labels"]
                                                                         if lab not in CATEGORIES]
    it.setdefault("kind", "demand" if it["labels"] else "neutral")
    it.setdefault("split", hash_split(it["id"]))
    it.setdefault("heldout_topic", False)
    order = ["id", "text", "labels", "kind", "topic", "register", "level", "script", "noise", "spans", "split",
             "heldout_topic"]
    return {k: it[k] for k in order if k in it} | {k: v for k, v in it.items() if k not in order}


def export_items(items: list[dict[str, Any]], fmt: str, out: str | Path | None) -> str | None:
    """Write ``items`` in ``fmt`` to ``out`` (``None`` → return the text; DocBin needs a file)."""
    items = [_clean(it) for it in items]
    if fmt == "spacy":
        if not out:
            raise DocscanError("bad_corpus", "--to spacy needs -o FILE.spacy")
        to_docbin(items, out)
        return None
    if fmt == "labelstudio":
        text = json.dumps(to_labelstudio(items), ensure_ascii=False, indent=1)
    elif fmt == "doccano":
        text = "\n".join(json.dumps(d, ensure_ascii=False) for d in to_doccano(items))
    else:
        raise DocscanError("bad_corpus", f"unknown format {fmt!r}")
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        return None
    return text


def import_file(path: str | Path, fmt: str) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise DocscanError("bad_corpus", f"{p}: not found")
    if fmt == "spacy":
        return from_docbin(p)
    raw = p.read_text(encoding="utf-8")
    try:
        if fmt == "labelstudio":
            return from_labelstudio(json.loads(raw))
        if fmt == "doccano":
            return from_doccano([json.loads(line) for line in raw.splitlines() if line.strip()])
    except json.JSONDecodeError as e:
        raise DocscanError("bad_corpus", f"{p}: bad JSON ({e.msg}, line {e.lineno})") from e
    raise DocscanError("bad_corpus", f"unknown format {fmt!r}")
