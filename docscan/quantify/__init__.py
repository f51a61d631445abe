"""Quantify: what a directive costs a grassroots unit — burden per year, duty matrix, 准入 check, regulation checks.

``quantify(doc, detection, config) -> dict`` is the ``analysis`` section of the report. The key
``burden_summary`` (popped by the pipeline) becomes the contract's ``summary.burden``; the other keys stay in
``analysis``:

- ``burden`` (figures per level, pressure, deadlines) and ``burden_items`` (the arithmetic, one row per item):
  :mod:`docscan.quantify.burden`;
- ``duties`` (``rows`` + the 小马拉大车 ``index``): :mod:`docscan.quantify.duties`;
- ``regulation_checks``: :mod:`docscan.quantify.regulations` over ``data/regulation_checks.yaml``;
- ``admission`` (only with ``config.duty_list``): :mod:`docscan.quantify.admission`.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..document import Document


def quantify(doc: Document, detection: Any, config: Config) -> dict[str, Any]:
    from .facts import build_cached, release

    facts = build_cached(doc, detection)
    try:
        return _quantify(facts, config)
    finally:
        release(facts)


def _quantify(facts: Any, config: Config) -> dict[str, Any]:
    from . import burden, duties, regulations

    items, detail, summary = burden.compute(facts)
    out: dict[str, Any] = {
        "burden_summary": summary,
        "burden": detail,
        "burden_items": items,
        "duties": duties.matrix(facts),
        "regulation_checks": regulations.check(facts, items, config),
    }
    if config.duty_list:
        from . import admission

        out["admission"] = admission.check(facts, out["duties"]["rows"], config.duty_list)
    return out
