"""Numpy-only inference for the linear char n-gram model (``model.npz``): no scikit-learn on the scan path.

The fitted Pipeline (TF-IDF char n-grams, sublinear tf, l2 norm → one-vs-rest calibrated linear classifier:
logistic regression or linear SVM, both a linear decision function) is exported as plain arrays:

- ``keys``  uint64, sorted: n-gram keys (:func:`docscan.learn.features.ngram_key`)
- ``idf``   float64 per key
- ``coef``  float64 (n_keys, n_categories); ``intercept`` float64 (n_categories,)
- ``cal_a``, ``cal_b`` float64 (n_categories,): Platt sigmoid ``p = 1 / (1 + exp(a·d + b))``
- ``categories`` unicode array of category ids (column order)
- ``features`` (optional, default ``"char"``): the feature set (:data:`docscan.learn.features.FEATURE_SETS`), i.e.
  how texts are prepared before the n-grams are counted
- ``ngram`` (optional, default ``[1, 3]``): the char n-gram range (n ≤ 3)

``np.load(..., allow_pickle=False)`` reads it: a tampered file cannot execute code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DocscanError
from .features import _BITS, FEATURE_SETS, NGRAM_RANGE, ngram_key, prepare_texts

REQUIRED = ("keys", "idf", "coef", "intercept", "cal_a", "cal_b", "categories")


class CompactModel:
    """Linear TF-IDF model evaluated with numpy alone. ``predict_proba(texts) -> (n, n_categories)``."""

    def __init__(self, keys, idf, coef, intercept, cal_a, cal_b, categories, features: str = "char",
                 ngram: tuple[int, int] = NGRAM_RANGE) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.cal_a = np.asarray(cal_a, dtype=np.float64)
        self.cal_b = np.asarray(cal_b, dtype=np.float64)
        self.categories = [str(c) for c in categories]
        self.features = str(features)
        if self.features not in FEATURE_SETS:
            raise DocscanError("bad_model", f"model.npz: unknown feature set {self.features!r} (newer docscan?)")
        ng = np.asarray(ngram, dtype=np.int64).reshape(-1)
        if ng.shape != (2,) or not NGRAM_RANGE[0] <= ng[0] <= ng[1] <= NGRAM_RANGE[1]:
            raise DocscanError("bad_model", f"model.npz: n-gram range {ng.tolist()} unsupported (1 ≤ n ≤ 3)")
        self.ngram = (int(ng[0]), int(ng[1]))
        n, c = len(self.keys), len(self.categories)
        if self.idf.shape != (n,) or self.coef.shape != (n, c) or self.intercept.shape != (c,):
            raise DocscanError("bad_model", "model.npz: inconsistent array shapes")
        if n and np.any(self.keys[1:] <= self.keys[:-1]):
            raise DocscanError("bad_model", "model.npz: keys are not sorted")
        self._table: _KeyTable | None = None  # built on first use
        self._coef_t: np.ndarray | None = None

    # -- persistence ------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> CompactModel:
        try:
            with np.load(path, allow_pickle=False) as z:
                missing = [k for k in REQUIRED if k not in z.files]
                if missing:
                    raise DocscanError("bad_model", f"{path}: missing arrays {missing}")
                extra: dict[str, Any] = {"features": str(z["features"])} if "features" in z.files else {}
                if "ngram" in z.files:
                    extra["ngram"] = z["ngram"]
                return cls(**{k: z[k] for k in REQUIRED}, **extra)
        except DocscanError:
            raise
        except Exception as e:  # bad zip, object arrays (pickle refused), truncated file…
            raise DocscanError("bad_model", f"{path}: {type(e).__name__}: {e}") from e

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path, keys=self.keys, idf=self.idf, coef=self.coef, intercept=self.intercept,
            cal_a=self.cal_a, cal_b=self.cal_b, categories=np.array(self.categories, dtype=str),
            features=np.array(self.features, dtype=str), ngram=np.array(self.ngram, dtype=np.int64),
        )

    @classmethod
    def from_pipeline(cls, pipe: Any, categories: list[str], features: str = "char") -> CompactModel:
        """Export a fitted ``Pipeline([tfidf, OneVsRest(CalibratedClassifierCV(LR or LinearSVC, ensemble=False))])``."""
        tfidf = pipe.named_steps["tfidf"]
        ovr = pipe.named_steps["clf"]
        vocab = tfidf.vocabulary_
        order = sorted(vocab, key=ngram_key)
        cols = np.array([vocab[g] for g in order], dtype=np.int64)
        keys = np.array([ngram_key(g) for g in order], dtype=np.uint64)
        coef = np.zeros((len(order), len(categories)))
        intercept = np.zeros(len(categories))
        cal_a = np.zeros(len(categories))
        cal_b = np.zeros(len(categories))
        for j, est in enumerate(ovr.estimators_):
            cc = est.calibrated_classifiers_
            if len(cc) != 1 or len(cc[0].calibrators) != 1:
                raise ValueError("expected CalibratedClassifierCV(ensemble=False, method='sigmoid')")
            lr = cc[0].estimator
            coef[:, j] = lr.coef_[0][cols]
            intercept[j] = lr.intercept_[0]
            cal_a[j] = cc[0].calibrators[0].a_
            cal_b[j] = cc[0].calibrators[0].b_
        return cls(keys, tfidf.idf_[cols], coef, intercept, cal_a, cal_b, categories, features,
                   tuple(tfidf.ngram_range))

    # -- inference --------------------------------------------------------------------------------
    def decision_function(self, texts: list[str]) -> np.ndarray:
        n_texts, n_cat = len(texts), len(self.categories)
        out = np.tile(self.intercept, (n_texts, 1))
        prepped = prepare_texts(texts, self.features)
        lengths = np.fromiter((len(t) for t in prepped), dtype=np.int64, count=n_texts)
        total = int(lengths.sum())
        if total == 0 or len(self.keys) == 0:
            return out
        codes = np.frombuffer("".join(prepped).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
        if self._table is None:
            self._table = _KeyTable(self.keys)
        table = self._table
        rows_l, feats_l = [], []
        lo, hi = self.ngram
        for n in range(lo, hi + 1):
            m = total - n + 1
            if m <= 0:
                continue
            key = codes[:m].copy()
            for k in range(1, n):
                key = (key << np.uint64(_BITS)) | codes[k : k + m]
            valid = owner[:m] == owner[n - 1 : n - 1 + m]  # the n-gram stays inside one text
            key, rows = key[valid], owner[:m][valid]
            idx = table.lookup(key)
            hit = idx >= 0
            rows_l.append(rows[hit])
            feats_l.append(idx[hit])
        rows = np.concatenate(rows_l)
        feats = np.concatenate(feats_l)
        if rows.size == 0:
            return out
        pair = rows * len(self.keys) + feats
        if n_texts * len(self.keys) < 2**31:
            pair = pair.astype(np.int32)  # sorts ~2x faster
        pair, counts = np.unique(pair, return_counts=True)
        r, f = pair // len(self.keys), pair % len(self.keys)
        val = (1.0 + np.log(counts)) * self.idf[f]  # sublinear tf × idf
        norm = np.sqrt(np.bincount(r, weights=val * val, minlength=n_texts))
        val = val / norm[r]
        if self._coef_t is None:
            self._coef_t = np.ascontiguousarray(self.coef.T)  # one contiguous row per category
        for j in range(n_cat):
            out[:, j] += np.bincount(r, weights=val * self._coef_t[j][f], minlength=n_texts)
        return out

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        d = self.decision_function(texts)
        return 1.0 / (1.0 + np.exp(self.cal_a * d + self.cal_b))


class _KeyTable:
    """Exact n-gram key → feature index lookup by open addressing (linear probing, load ≤ 1/8), vectorised:
    a few gathers per key instead of a binary search (``np.searchsorted`` was most of the model's cost)."""

    _MUL = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray) -> None:
        bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 8))))
        self.mask = (1 << bits) - 1
        self.shift = np.uint64(64 - bits)
        self.slot_key = np.zeros(self.mask + 1, dtype=np.uint64)
        self.slot_idx = np.full(self.mask + 1, -1, dtype=np.int32)  # int32: a smaller table stays in cache
        pending = np.arange(len(keys), dtype=np.int64)
        home = self._hash(keys)
        p = 0
        while pending.size:  # round p: every key still pending tries home + p; one winner per free slot
            slot = (home[pending] + p) & self.mask
            free = self.slot_idx[slot] < 0
            cand, cslot = pending[free], slot[free]
            _, first = np.unique(cslot, return_index=True)
            won = cand[first]
            self.slot_idx[cslot[first]] = won
            self.slot_key[cslot[first]] = keys[won]
            placed = np.zeros(len(keys), dtype=bool)
            placed[won] = True
            pending = pending[~placed[pending]]
            p += 1

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * self._MUL) >> self.shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Feature index of each key, -1 where absent. Probing stops at the key or at an empty slot (every
        slot between a key's home and its place was taken when it was placed, and slots never empty)."""
        home = self._hash(keys)
        idx = self.slot_idx[home]
        taken = idx >= 0
        found = taken & (self.slot_key[home] == keys)
        out = np.where(found, idx, -1).astype(np.int64)  # most keys settle at their home slot
        more = taken & ~found
        pos = np.flatnonzero(more)
        home, keys = home[more], keys[more]
        p = 1
        while pos.size:
            slot = (home + p) & self.mask
            idx = self.slot_idx[slot]
            taken = idx >= 0
            found = taken & (self.slot_key[slot] == keys)
            out[pos[found]] = idx[found]
            more = taken & ~found
            pos, home, keys = pos[more], home[more], keys[more]
            p += 1
        return out
