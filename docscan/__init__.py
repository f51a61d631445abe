"""docscan: find the formalism that burdens grassroots units in Chinese official documents.

Public API (imports are lazy so ``import docscan`` stays cheap)::

    import docscan
    report = docscan.scan("通知.docx")          # or docscan.scan(text="各村每周报送台账。")
    print(report.to_json())
    doc = docscan.extract("通知.pdf")           # the normalized Document
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

# ``docscan.extract`` names both the function below and the ``docscan/extract/`` package. Importing the package
# later (the pipeline does, lazily) would rebind the attribute to the module and break a second
# ``docscan.extract(...)`` call; importing it first (it is light) lets the function defined below win.
from . import extract as _extract_package  # noqa: F401

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .config import Config
    from .document import Document
    from .report import Finding, Report

__all__ = ["Config", "Document", "Finding", "Report", "__version__", "extract", "scan"]


def scan(source: str | Path | None = None, *, text: str | None = None, config: Config | None = None, **options: Any) -> Report:
    """Scan a file path, or text in memory. ``options`` override config fields (lang, disable, ...).

    ``scan("各村每周报送台账。")`` scans the string itself: a ``str`` that names no existing file and does not look
    like a path (no directory separator, no extension docscan reads) is text. ``text=`` says so explicitly.
    """
    from .config import Config
    from .pipeline import scan_document

    cfg = (config or Config()).with_options(**options)
    if source is None and text is None:
        raise TypeError("scan() needs a path or text=")
    src, text = _source_and_text(source, text)
    return scan_document(src, cfg, text=text)


def _source_and_text(source: str | Path | None, text: str | None) -> tuple[str | Path, str | None]:
    """(what to name the document, its text or None to read ``source``): a string that is no path is text."""
    if text is None and isinstance(source, str) and _is_text(source):
        return "<text>", source
    return (source if source is not None else "<text>"), text


def _is_text(s: str) -> bool:
    """A string that is not a path: it has a line break, or names no file and has no path shape."""
    if "\n" in s or len(s) > 1024:
        return True
    from .extract import SUPPORTED_SUFFIXES

    p = Path(s)
    if "/" in s or "\\" in s or p.suffix.lower() in SUPPORTED_SUFFIXES:
        return False
    try:
        return not p.exists()
    except OSError:
        return True


def extract(source: str | Path | None = None, *, text: str | None = None, config: Config | None = None) -> Document:
    """Extract and normalize a file (or text: see :func:`scan`) without detection."""
    from .config import Config
    from .pipeline import extract_document

    src, text = _source_and_text(source, text)
    return extract_document(src, config or Config(), text=text)


def __getattr__(name: str) -> Any:
    if name in ("Report", "Finding"):
        from . import report

        return getattr(report, name)
    if name == "Document":
        from .document import Document

        return Document
    if name == "Config":
        from .config import Config

        return Config
    raise AttributeError(name)
