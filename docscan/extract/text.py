"""Plain text and Markdown. (Placeholder: UTF-8 only; the encoding detector lands with the foundation work.)"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..document import RawBlock, RawDocument, RawPage, SourceInfo
from ..errors import DocscanError


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocscanError("encoding_unknown", str(path)) from e
    info.encoding = "utf-8"
    return from_string(text, info, config)


def from_string(text: str, info: SourceInfo, config: Config) -> RawDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [RawBlock(kind="paragraph", text=line, page=1, ref={"line": i}) for i, line in enumerate(text.split("\n")) if line.strip()]
    info.pages = 1
    info.extractor = "text"
    return RawDocument(source=info, pages=[RawPage(number=1, blocks=blocks)])
