"""Extractors: one module per format, chosen by magic bytes first and suffix second.

``extract_raw(path) -> RawDocument``. Each format module exposes ``extract(path: Path, info: SourceInfo,
config: Config) -> RawDocument`` and raises :class:`docscan.errors.DocscanError` for bad input.
Format modules are imported only when a file of that format is seen (keeps cold start fast).
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from ..config import Config
from ..document import RawDocument, SourceInfo
from ..errors import DocscanError

# suffix -> format
SUFFIXES = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".htm": "html",
    ".html": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".ofd": "ofd",
    ".doc": "doc",
    ".wps": "wps",
}
# format -> module name in this package
MODULES = {"pdf": "pdf", "docx": "docx", "txt": "text", "md": "text", "html": "html", "ofd": "ofd", "doc": "legacy", "wps": "legacy"}
SUPPORTED_SUFFIXES = frozenset(SUFFIXES)


def sniff_format(path: Path, head: bytes) -> str | None:
    """Decide the format from the first bytes, falling back to the suffix."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc / .wps
        if suffix in (".docx", ".docm"):
            return "docx"  # password-protected DOCX (or a renamed .doc): the docx module tells which
        return "wps" if suffix == ".wps" else "doc"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".docm", ".ofd"):
            return SUFFIXES[suffix]
        return "zip"  # decided by the caller (docx vs ofd) from the zip listing
    return SUFFIXES.get(suffix)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def extract_raw(path: str | Path, config: Config | None = None) -> RawDocument:
    config = config or Config()
    p = Path(path)
    if not p.exists():
        raise DocscanError("not_found", str(p))
    if p.is_dir():
        raise DocscanError("unsupported_format", f"{p} is a directory (use -r)")
    size = p.stat().st_size
    if size == 0:
        raise DocscanError("empty_file", str(p))
    if size > config.max_file_mb * 1024 * 1024:
        raise DocscanError("too_large", f"{p} ({size / 1e6:.1f} MB > {config.max_file_mb:g} MB)")
    with p.open("rb") as f:
        head = f.read(8)
    fmt = sniff_format(p, head)
    if fmt == "zip":
        fmt = _zip_kind(p)
    if fmt is None:
        raise DocscanError("unsupported_format", f"{p.suffix or p.name}")
    info = SourceInfo(path=str(path), format=fmt, sha256=file_sha256(p), size=size)
    module = importlib.import_module(f".{MODULES[fmt]}", __name__)
    return module.extract(p, info, config)


def extract_text_raw(text: str, path: str = "-", config: Config | None = None) -> RawDocument:
    """A RawDocument for text already in memory (stdin, the Python API)."""
    from . import text as text_mod

    info = SourceInfo(
        path=path, format="txt", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), size=len(text.encode())
    )
    return text_mod.from_string(text, info, config or Config())


def _zip_kind(p: Path) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile as e:
        raise DocscanError("docx_corrupt", f"{p}: {e}") from e
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    raise DocscanError("unsupported_format", f"{p.name} (zip archive)")
