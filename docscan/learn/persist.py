"""Model directories and safe model files.

A model directory holds::

    meta.json       format, backend, categories, fusion thresholds (tuned on dev), training facts
    model.npz       sklearn backend: the compact numpy form used at scan time (no pickle inside)
    model.skops     sklearn backend: the full scikit-learn Pipeline, for research (skops, explicit trust)
    spacy/          spacy backend: ``nlp.to_disk`` output (config + msgpack weights, no pickle)
    metrics.json    evaluation per split and mode;  MODEL_CARD.md  data, metrics, intended use, limits

Never pickle/joblib: skops files are loaded with an explicit list of the exact extra types we use, and any
other type found in a file makes it a ``bad_model`` error before anything is constructed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import DocscanError

META_FORMAT = "docscan.model/1"

# Types skops does not trust by default and our Pipeline contains. Everything else in the file must be on
# skops' default safe list (sklearn estimators, numpy arrays, builtins).
TRUSTED_SKOPS_TYPES = [
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]


def save_skops(obj: Any, path: str | Path) -> None:
    import zipfile

    import skops.io as sio

    sio.dump(obj, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def load_skops(path: str | Path) -> Any:
    """Load our sklearn Pipeline; a foreign, tampered or pickle file is refused with ``bad_model``."""
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise DocscanError("bad_model", f"{path}: not found")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as e:  # not a zip, no schema: e.g. a pickle renamed .skops
        raise DocscanError("bad_model", f"{path}: not a skops file ({type(e).__name__})") from e
    extra = sorted(set(untrusted) - set(TRUSTED_SKOPS_TYPES))
    if extra:
        raise DocscanError("bad_model", f"{path}: untrusted types {extra}")
    try:
        obj = sio.load(path, trusted=TRUSTED_SKOPS_TYPES)
    except Exception as e:
        raise DocscanError("bad_model", f"{path}: {type(e).__name__}: {e}") from e
    from sklearn.pipeline import Pipeline

    if not isinstance(obj, Pipeline) or list(obj.named_steps) != ["tfidf", "clf"]:
        raise DocscanError("bad_model", f"{path}: not a docscan Pipeline")
    return obj


def read_meta(model_dir: str | Path) -> dict[str, Any]:
    p = Path(model_dir) / "meta.json"
    try:
        meta = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DocscanError("bad_model", f"{model_dir}: no meta.json (not a docscan model directory)") from e
    except (OSError, ValueError) as e:
        raise DocscanError("bad_model", f"{p}: {e}") from e
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT:
        raise DocscanError("bad_model", f"{p}: not a {META_FORMAT} file")
    if meta.get("backend") not in ("sklearn", "spacy"):
        raise DocscanError("bad_model", f"{p}: unknown backend {meta.get('backend')!r}")
    return meta


def write_json(path: str | Path, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
