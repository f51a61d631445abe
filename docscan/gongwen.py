"""公文 metadata (GB/T 9704-2012) and heading structure. (Placeholder.)"""

from __future__ import annotations

from .document import Document, Metadata


def parse(doc: Document) -> Metadata:
    return Metadata()
