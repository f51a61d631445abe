"""Cost of the model on the scan path: ``python -m docscan.learn.bench [MODEL_DIR]``.

Prints (1) the cold cost in a fresh process of loading the model and fusing one page (import + np.load +
predict), (2) on ~1 MB of directive text, the time of the rule-only front (extract + detect) and of fusion on
top, and (3) whether scikit-learn / spaCy got imported (they must not be).
"""

from __future__ import annotations

import subprocess
import sys
import time

from .toy import make_items

COLD = r"""
import sys, time
t0 = time.perf_counter()
from docscan.config import Config
from docscan.pipeline import extract_document
from docscan.detect import detect
cfg = Config(model=sys.argv[1])
doc = extract_document("<page>", cfg, text=sys.argv[2])
det = detect(doc, cfg.with_options(use_model=False))
t1 = time.perf_counter()
from docscan.learn.fuse import fuse
fuse(doc, det, cfg)
t2 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.4f} {int('sklearn' in sys.modules)} {int('spacy' in sys.modules)}")
"""


def one_page() -> str:
    return "".join(it["text"] for it in make_items(40, seed=5))[:1500]


def megabyte() -> str:
    items = [it["text"] for it in make_items(600, seed=11)]
    parts, size = [], 0
    while size < 1_000_000:
        for t in items:
            parts.append(t + "\n")
            size += len(t.encode("utf-8")) + 1
    return "".join(parts)


def main(argv: list[str] | None = None) -> None:
    from ..config import Config
    from ..detect import detect
    from ..pipeline import extract_document
    from .fuse import fuse
    from .model import DEFAULT_DIR

    argv = sys.argv[1:] if argv is None else argv
    model = argv[0] if argv else str(DEFAULT_DIR)
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", COLD, model, one_page()], capture_output=True, text=True,
                             check=True).stdout.split()
        runs.append(out)
    front = sorted(float(r[0]) for r in runs)[2]
    extra = sorted(float(r[1]) for r in runs)[2]
    print(f"cold one page: front (imports+extract+rules) {front:.3f} s, + model load & fuse {extra:.3f} s "
          f"(median of 5); sklearn imported: {runs[0][2] == '1'}, spacy imported: {runs[0][3] == '1'}")

    text = megabyte()
    cfg = Config(model=model)
    t0 = time.perf_counter()
    doc = extract_document("<1MB>", cfg, text=text)
    det = detect(doc, cfg.with_options(use_model=False))
    t1 = time.perf_counter()
    fuse(doc, det, cfg)  # warm: first call loads the model
    t2 = time.perf_counter()
    det = detect(doc, cfg.with_options(use_model=False))
    t3 = time.perf_counter()
    fuse(doc, det, cfg)
    t4 = time.perf_counter()
    print(f"~1 MB ({len(text)} chars, {len(doc.sentences)} sentences): extract+rules {t1 - t0:.3f} s; "
          f"fusion {t2 - t1:.3f} s first call, {t4 - t3:.3f} s warm -> +{100 * (t2 - t1) / (t1 - t0):.1f} %")


if __name__ == "__main__":
    main()
