"""Document-level evaluation: whole documents with gold sentence labels (``corpora/docs``).

Each ``*.txt`` document of the directory is scanned twice through the public API — the default pipeline (rules
and model fusion) and rules only (``Config(use_model=False)``) — and every finding is mapped back to the sentence
of the file it starts in. Gold sentences come from ``labels.jsonl`` (``doc``, ``text``: an exact, unique substring
of the document, ``kind``, ``labels``); every other sentence of the document (split at 。！？ and at line ends)
is an unlabelled negative, so a finding outside the labelled sentences is a false alarm too.

Scores are sentence × category (the same ``score`` as the sentence-corpus evaluation): per-category P/R/F1,
core macro-F1, micro-F1, the share of negative sentences with any finding (by kind), and findings per document.
Findings are located through the extractor's offset map (normalized offset → raw line and column), so the
Traditional-script documents, whose normalized text is Simplified, are matched exactly.

    python -m docscan.learn.doceval corpora/docs [--model models/default] [--json F] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DocscanError
from ..report import CATEGORIES
from .evaluate import format_table, format_text, score

CATS = list(CATEGORIES)
KINDS = ("demand", "prohibition", "critique", "upper_duty", "neutral")
UNLABELLED = "unlabelled"
MODES = ("rules", "default")
LABELS_FILE = "labels.jsonl"
# the text extractor's line breaks (docscan/extract/text.py): raw line numbers must agree with its {"line": n}
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")


@dataclass
class Unit:
    """One sentence of a document: a gold sentence or an unlabelled remainder (always a negative)."""

    doc: str
    line: int  # 1-based line of the file
    start: int  # column range in that line (raw characters)
    end: int
    text: str
    kind: str  # one of KINDS, or "unlabelled"
    labels: list[str] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    return _LINE_BREAK.split(text)


def load_labels(docs_dir: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Gold rows of ``labels.jsonl`` per document, validated (bad rows raise ``bad_corpus``)."""
    d = Path(docs_dir)
    f = d / LABELS_FILE
    if not f.is_file():
        raise DocscanError("bad_corpus", f"{f}: not found")
    out: dict[str, list[dict[str, Any]]] = {}
    for n, raw in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{f}:{n}"
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as e:
            raise DocscanError("bad_corpus", f"{where}: {e}") from e
        problems = label_problems(row)
        if problems:
            raise DocscanError("bad_corpus", f"{where}: {'; '.join(problems)}")
        out.setdefault(row["doc"], []).append(row)
    return out


def label_problems(row: Any) -> list[str]:
    """What is wrong with one gold row, without looking at the document (empty list: fine)."""
    if not isinstance(row, dict):
        return ["not an object"]
    probs = []
    for key in ("doc", "text", "kind", "labels"):
        if key not in row:
            probs.append(f"missing {key!r}")
    if probs:
        return probs
    if not isinstance(row["text"], str) or not row["text"].strip():
        probs.append("empty text")
    if row["kind"] not in KINDS:
        probs.append(f"unknown kind {row['kind']!r}")
    labels = row["labels"]
    if not isinstance(labels, list) or any(lab not in CATEGORIES for lab in labels):
        probs.append(f"unknown label in {labels!r}")
    elif (row["kind"] == "demand") != bool(labels):
        probs.append("kind demand needs labels and labels need kind demand")
    return probs


def document_units(path: Path, gold: list[dict[str, Any]]) -> list[Unit]:
    """The gold sentences of one file placed on (line, column), plus every other sentence as unlabelled."""
    text = path.read_text(encoding="utf-8")
    lines = _lines(text)
    joined = "\n".join(lines)  # same characters per line as ``text``, one separator each
    starts = np.cumsum([0] + [len(s) + 1 for s in lines])
    units: list[Unit] = []
    for row in gold:
        k = joined.find(row["text"])
        if k < 0 or joined.find(row["text"], k + 1) >= 0:
            n = joined.count(row["text"])
            raise DocscanError("bad_corpus", f"{path.name}: gold text occurs {n} times (must be once): {row['text'][:40]}")
        li = int(np.searchsorted(starts, k, side="right")) - 1
        col = k - int(starts[li])
        if col + len(row["text"]) > len(lines[li]):
            raise DocscanError("bad_corpus", f"{path.name}: gold text spans a line break: {row['text'][:40]}")
        units.append(Unit(path.name, li + 1, col, col + len(row["text"]), row["text"], row["kind"], list(row["labels"])))
    taken: dict[int, list[tuple[int, int]]] = {}
    for u in units:
        taken.setdefault(u.line, []).append((u.start, u.end))
    for li, line in enumerate(lines, 1):
        for m in _SENTENCE.finditer(line):
            seg = m.group()
            a = m.start() + (len(seg) - len(seg.lstrip()))
            b = m.end() - (len(seg) - len(seg.rstrip()))
            if b <= a or any(x < b and a < y for x, y in taken.get(li, ())):
                continue
            units.append(Unit(path.name, li, a, b, line[a:b], UNLABELLED))
    units.sort(key=lambda u: (u.line, u.start))
    return units


def _raw_position(doc: Any, offset: int, end: int) -> tuple[int, int] | None:
    """(raw line, column) of the first source character of normalized [offset, end), through the document's own
    offset map (:meth:`docscan.document.Document.to_source`)."""
    for piece in doc.to_source(offset, max(end, offset + 1)):
        line = (piece.get("ref") or {}).get("line")
        if line is not None:
            return int(line), int(piece["raw_start"])
    return None


def map_findings(doc: Any, findings: list[Any], units: list[Unit]) -> list[tuple[int, Any]]:
    """(unit index, finding) for every finding: the unit holding its first character, else the nearest unit on
    its line, else a new unlabelled unit for that line (appended to ``units``)."""
    by_line: dict[int, list[int]] = {}
    for i, u in enumerate(units):
        by_line.setdefault(u.line, []).append(i)
    out = []
    for f in findings:
        pos = _raw_position(doc, f.start, f.end)
        if pos is None:
            raise DocscanError("bad_corpus", f"{units[0].doc if units else '?'}: finding at {f.start} has no source line")
        line, col = pos
        cands = by_line.get(line, [])
        hit = [i for i in cands if units[i].start <= col < units[i].end]
        if not hit and cands:
            hit = [min(cands, key=lambda i: min(abs(units[i].start - col), abs(units[i].end - 1 - col)))]
        if not hit:
            units.append(Unit(units[0].doc if units else "?", line, col, col + 1, f.sentence or f.text, UNLABELLED))
            by_line.setdefault(line, []).append(len(units) - 1)
            hit = [len(units) - 1]
        out.append((hit[0], f))
    return out


def _config(mode: str, model: str | None) -> Any:
    from ..config import Config

    if mode == "rules":
        return Config(use_model=False, model="none")
    return Config(model=model) if model else Config()


def run_document(path: Path, gold: list[dict[str, Any]], modes: tuple[str, ...], model: str | None) -> dict[str, Any]:
    """Units and mapped findings of one document for each mode."""
    import docscan

    doc = docscan.extract(path)
    units = document_units(path, gold)
    mapped: dict[str, list[tuple[int, Any]]] = {}
    for mode in modes:
        report = docscan.scan(path, config=_config(mode, model))
        if not report.ok:
            raise DocscanError("bad_corpus", f"{path.name}: {report.error}")
        if report.text is not None and report.text != doc.text:
            raise DocscanError("bad_corpus", f"{path.name}: scan text differs from extract text")
        mapped[mode] = map_findings(doc, report.findings, units)
    return {"doc": path.name, "units": units, "mapped": mapped}


def evaluate_docs(docs_dir: str | Path, modes: tuple[str, ...] = MODES, model: str | None = None,
                  n_errors: int = 10) -> dict[str, Any]:
    d = Path(docs_dir)
    gold = load_labels(d)
    paths = sorted(d.glob("*.txt"))
    if not paths:
        raise DocscanError("bad_corpus", f"{d}: no *.txt documents")
    missing = sorted(set(gold) - {p.name for p in paths})
    if missing:
        raise DocscanError("bad_corpus", f"{d}: labels name missing documents: {', '.join(missing)}")
    runs = [run_document(p, gold.get(p.name, []), modes, model) for p in paths]
    return score_runs(runs, modes, n_errors)


def score_runs(runs: list[dict[str, Any]], modes: tuple[str, ...], n_errors: int = 10) -> dict[str, Any]:
    """Scores of mapped runs (``run_document`` output): per mode, the sentence × category metrics of
    :func:`docscan.learn.evaluate.score`, findings per document and the worst errors."""
    units = [u for r in runs for u in r["units"]]
    offsets = np.cumsum([0] + [len(r["units"]) for r in runs])
    y = unit_matrix(units)
    items = [{"kind": u.kind} for u in units]
    out: dict[str, Any] = {
        "documents": len(runs),
        "sentences": len(units),
        "labelled": sum(u.kind != UNLABELLED for u in units),
        "demand_sentences": int(y.any(axis=1).sum()),
        "modes": {},
    }
    for mode in modes:
        pred = np.zeros_like(y)
        conf = np.zeros(y.shape)
        hits: dict[tuple[int, int], list[Any]] = {}
        per_doc = []
        for r, off in zip(runs, offsets, strict=False):
            outside = 0
            for ui, f in r["mapped"][mode]:
                j = CATS.index(f.category)
                g = int(off) + ui
                pred[g, j] = True
                conf[g, j] = max(conf[g, j], float(f.confidence))
                hits.setdefault((g, j), []).append(f)
                outside += units[g].kind == UNLABELLED
            n = len(r["units"])
            sl = slice(int(off), int(off) + n)
            neg = ~y[sl].any(axis=1)
            per_doc.append({
                "doc": r["doc"], "findings": len(r["mapped"][mode]), "outside_labelled": outside,
                "demand_sentences": int((~neg).sum()),
                "demand_found": int((pred[sl] & y[sl]).any(axis=1).sum()),
                "negatives_flagged": int(pred[sl][neg].any(axis=1).sum()),
                "tp": int((pred[sl] & y[sl]).sum()), "fp": int((pred[sl] & ~y[sl]).sum()),
                "fn": int((~pred[sl] & y[sl]).sum()),
            })
        res = score(y, pred, items)
        res["findings"] = sum(p["findings"] for p in per_doc)
        res["findings_per_document"] = round(res["findings"] / max(len(runs), 1), 2)
        res["per_document"] = per_doc
        res["worst_errors"] = worst_errors(units, y, pred, conf, hits, n_errors)
        out["modes"][mode] = res
    return out


def unit_matrix(units: list[Unit]) -> np.ndarray:
    y = np.zeros((len(units), len(CATS)), dtype=bool)
    for i, u in enumerate(units):
        for lab in u.labels:
            y[i, CATS.index(lab)] = True
    return y


def worst_errors(units: list[Unit], y: np.ndarray, pred: np.ndarray, conf: np.ndarray,
                 hits: dict[tuple[int, int], list[Any]], n: int) -> dict[str, list[dict[str, Any]]]:
    """False alarms the scanner was surest of, and the misses of sentences that lost the most labels
    (ties in document order): deterministic."""
    alarms, misses = [], []
    for i, j in zip(*np.nonzero(pred & ~y), strict=True):
        u, fs = units[i], hits[(int(i), int(j))]
        alarms.append({"error": "FP", "category": CATS[j], "id": f"{u.doc}:{u.line}", "kind": u.kind,
                       "p": round(float(conf[i, j]), 3), "rule": sorted({f.rule for f in fs})[0],
                       "span": fs[0].text[:40], "text": u.text[:120], "_key": (-float(conf[i, j]), int(i), int(j))})
    lost = (y & ~pred).sum(axis=1)
    for i, j in zip(*np.nonzero(y & ~pred), strict=True):
        u = units[i]
        misses.append({"error": "FN", "category": CATS[j], "id": f"{u.doc}:{u.line}", "kind": u.kind,
                       "p": round(float(conf[i].max()), 3), "found": [CATS[k] for k in np.nonzero(pred[i])[0]],
                       "text": u.text[:120], "_key": (-int(lost[i]), int(i), int(j))})
    for lst in (alarms, misses):
        lst.sort(key=lambda e: e["_key"])
        for e in lst:
            del e["_key"]
    return {"false_alarms": alarms[:n], "misses": misses[:n]}


def format_report(result: dict[str, Any], n_errors: int = 10) -> str:
    """The evaluation as text: a summary table, per-mode P/R/F1, findings per document, worst errors."""
    out = [f"{result['documents']} documents, {result['sentences']} sentences ({result['labelled']} labelled, "
           f"{result['demand_sentences']} demands; every unlabelled sentence is a negative)", ""]
    out.append(format_table({"docs": {"modes": {m: {**r, "items": result["sentences"]}
                                                for m, r in result["modes"].items()}}}))
    for mode, r in result["modes"].items():
        block = {"split": f"docs, mode {mode}", "items": result["sentences"],
                 "modes": {mode: {**r, "worst_errors": []}}}
        out.append("\n" + format_text(block).split("\n", 1)[1].lstrip("\n"))
        out.append(f"findings {r['findings']} ({r['findings_per_document']:.1f} per document)")
        out.append(f"{'document':<44}{'found':>6}{'outside':>8}{'demand':>7}{'hit':>5}{'negFP':>6}"
                   f"{'TP':>5}{'FP':>5}{'FN':>5}")
        for p in r["per_document"]:
            out.append(f"{p['doc']:<44}{p['findings']:>6}{p['outside_labelled']:>8}{p['demand_sentences']:>7}"
                       f"{p['demand_found']:>5}{p['negatives_flagged']:>6}{p['tp']:>5}{p['fp']:>5}{p['fn']:>5}")
        if n_errors:
            w = r["worst_errors"]
            if w["false_alarms"]:
                out.append("worst false alarms:")
                out.extend(f"  FP {e['category']:<24} p={e['p']:.2f} {e['id']} [{e['kind']}] {e['rule']} "
                           f"«{e['span']}»: {e['text']}" for e in w["false_alarms"])
            if w["misses"]:
                out.append("worst misses:")
                out.extend(f"  FN {e['category']:<24} {e['id']} found={','.join(e['found']) or '-'}: {e['text']}"
                           for e in w["misses"])
    return "\n".join(out)


def _jsonable(result: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m docscan.learn.doceval", description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", default="corpora/docs", help="directory of *.txt documents and labels.jsonl")
    ap.add_argument("--model", default=None, help="model directory for the default mode (default: the default model)")
    ap.add_argument("--mode", choices=(*MODES, "both"), default="both")
    ap.add_argument("--errors", type=int, default=0, help="show the N worst false alarms and misses per mode")
    ap.add_argument("--json", default=None, help="write the full result (per-document figures, errors) here")
    a = ap.parse_args(argv)
    modes = MODES if a.mode == "both" else (a.mode,)
    t = time.perf_counter()
    try:
        result = evaluate_docs(a.docs, modes, a.model, max(a.errors, 10 if a.json else 0))
    except DocscanError as e:
        print(f"{e.code}: {e.message('en')}", file=sys.stderr)
        return 2
    print(format_report(result, a.errors))
    if a.json:
        Path(a.json).write_text(json.dumps(_jsonable(result), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
