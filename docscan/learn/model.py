"""Loading a model directory for scanning: lazily, once per process, without scikit-learn.

``get_model(config)`` resolves ``config.model`` (a directory; ``"none"`` = rules only; ``None`` = the default
model ``models/default`` beside the package, or ``$DOCSCAN_MODEL``, when present) and caches the loaded model.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..errors import DocscanError
from ..report import CATEGORIES
from .persist import read_meta

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "models" / "default"
CATS = list(CATEGORIES)


class Model:
    """A loaded model: ``predict_proba(texts) -> (n, 7)`` in ``CATEGORIES`` order, plus fusion thresholds."""

    def __init__(self, path: Path, meta: dict[str, Any], predictor: Any) -> None:
        self.path = path
        self.meta = meta
        self.backend = meta["backend"]
        self._predictor = predictor
        self._cols = [CATS.index(c) for c in meta["categories"] if c in CATS]
        th = meta.get("thresholds", {})
        self.high = np.array([th.get(c, {}).get("high", 1.01) for c in CATS], dtype=float)
        self.low = np.array([th.get(c, {}).get("low", 0.0) for c in CATS], dtype=float)
        wc = float(meta.get("weak_conf", 0.0))
        self.weak_conf = np.array([th.get(c, {}).get("weak_conf", wc) for c in CATS], dtype=float)
        self.agree = float(meta.get("agree", 0.5))
        # stacked fusion weights (docscan.learn.stack), when the model was trained with them
        self.stacker: Any = None
        if meta.get("stack"):
            from .stack import Stacker

            self.stacker = Stacker(meta["stack"])
        self.id = meta.get("id") or path.name

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(CATS)))
        if texts:
            out[:, self._cols] = self._predictor.predict_proba(texts)
        return out


class _SpacyPredictor:
    def __init__(self, path: Path, categories: list[str]) -> None:
        import spacy

        try:
            self.nlp = spacy.load(path)
        except Exception as e:
            raise DocscanError("bad_model", f"{path}: {type(e).__name__}: {e}") from e
        self.categories = categories

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        from .features import prepare

        docs = self.nlp.pipe([prepare(t) for t in texts], batch_size=256)
        return np.array([[d.cats.get(c, 0.0) for c in self.categories] for d in docs], dtype=float).reshape(
            len(texts), len(self.categories)
        )


def load_model(path: str | Path) -> Model:
    path = Path(path)
    if not path.is_dir():
        raise DocscanError("bad_model", f"{path}: not a directory")
    meta = read_meta(path)
    cats = meta.get("categories")
    if not isinstance(cats, list) or not all(c in CATS for c in cats):
        raise DocscanError("bad_model", f"{path}: bad categories {cats!r}")
    if meta["backend"] == "sklearn":
        from .compact import CompactModel

        predictor: Any = CompactModel.load(path / "model.npz")
        if predictor.categories != cats:
            raise DocscanError("bad_model", f"{path}: model.npz categories differ from meta.json")
    else:
        predictor = _SpacyPredictor(path / "spacy", cats)
    return Model(path, meta, predictor)


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _cached(path: str, stamp: float) -> Model:
    return load_model(path)


def resolve_model_dir(config: Config) -> Path | None:
    if not config.use_model:
        return None
    m = config.model
    if m is not None and str(m).lower() == "none":
        return None
    if m:
        return Path(m)
    env = os.environ.get("DOCSCAN_MODEL")
    if env:
        return None if env.lower() == "none" else Path(env)
    return DEFAULT_DIR if (DEFAULT_DIR / "meta.json").is_file() else None


def get_model(config: Config) -> Model | None:
    """The model for this config, loaded once per process (reloaded if meta.json changes)."""
    d = resolve_model_dir(config)
    if d is None:
        return None
    meta_file = d / "meta.json"
    stamp = meta_file.stat().st_mtime if meta_file.is_file() else 0.0
    with _lock:
        return _cached(str(d.resolve()), stamp)


def model_fingerprint(config: Config) -> str:
    """Short id of the model a scan would use ('nomodel' when none): for stale-report detection."""
    d = resolve_model_dir(config)
    if d is None or not (d / "meta.json").is_file():
        return "nomodel"
    h = hashlib.sha256((d / "meta.json").read_bytes())
    npz = d / "model.npz"
    if npz.is_file():
        st = npz.stat()
        h.update(f"{st.st_size}".encode())
    return h.hexdigest()[:10]
