"""Quantify: burden per grassroots unit per year, the duty matrix, regulation checks. (Placeholder.)

``quantify(doc, detection, config) -> dict``: the ``analysis`` section of the report. The key
``burden_summary`` (popped by the pipeline) becomes the contract's ``summary.burden``.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..document import Document


def quantify(doc: Document, detection: Any, config: Config) -> dict[str, Any]:
    return {}
