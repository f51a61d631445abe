"""HTML pages as government portals publish them: cut the page chrome, find the article, keep its blocks.

Steps: decode (BOM, ``<meta charset>``, else the text detector) → parse with a hardened lxml HTML parser →
remove scripts/navigation/footers and elements whose class/id says nav/menu/share/print… (unless they hold
most of the text) → lift the 信息公开 key-value block(s) into ``boilerplate`` furniture with
``style={"portal_kv": {...}}`` → pick the article container (the deepest element holding most of the
remaining Chinese text, preferring known content ids/classes) → one raw block per ``<p>``/``<li>``/``<td>``/
``<h1-6>``/text ``<div>`` line. The page title (``<h1>``, ``ArticleTitle`` meta, ``<title>``) is prepended
when the container lacks it. Refs: ``{"path": lxml getpath}``; cells add ``table``/``row``/``cell``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import RawBlock, RawDocument, RawPage, SourceInfo
from ..errors import DocscanError
from . import blockkind
from .encoding import charset_from_meta, decode, looks_binary

_CJK = re.compile(r"[\u3400-\u9fff]")
_WS = re.compile(r"[ \t\r\n\f\v]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
BLOCK_TAGS = frozenset((
    "p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "section",
    "article", "main", "table", "tr", "ul", "ol", "dl", "caption", "center", "figure", "figcaption", "address",
    "tbody", "thead", "tfoot", "body", "html",
))
CONTAINER_SHARE = 0.75  # descend into a child while it holds this share of the page's CJK text


@lru_cache(maxsize=1)
def _cfg() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(resources.files("docscan.data").joinpath("html_portal.yaml").read_text(encoding="utf-8"))
    labels = sorted(data["kv_labels"], key=len, reverse=True)
    alt = "|".join(map(re.escape, labels))
    # a label opens a line or follows a space, and has a colon (or ends its line: the value is the next cell)
    data["kv_rx"] = re.compile(r"(?m)(?:^|(?<=[ \u3000\xa0]))(" + alt + r")\s*(?:[:：]|$)")
    data["drop_rx"] = re.compile(r"^(" + "|".join(map(re.escape, data["drop_class_words"])) + r")", re.I)
    data["content_set"] = {w.lower() for w in data["content_words"]}
    data["strong_set"] = set(data["kv_strong"])
    return data


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    data = path.read_bytes()
    text, encoding, warning = _decode_html(data, path.name)
    info.encoding = encoding
    raw = from_string(text, info, config)
    if warning:
        raw.warnings.append(warning)
    return raw


def _decode_html(data: bytes, name: str) -> tuple[str, str, str | None]:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        if looks_binary(data):
            raise DocscanError("binary_text", name)
        declared = charset_from_meta(data[:4096])
        if declared:
            try:
                return data.decode(declared), declared, None
            except (UnicodeDecodeError, LookupError):
                pass  # the declaration lies (GBK page saved as UTF-8 ...): detect instead
    d = decode(data, name)
    return d.text, d.encoding, d.warning


def from_string(text: str, info: SourceInfo, config: Config) -> RawDocument:
    from lxml import etree, html

    parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                             huge_tree=False)
    try:
        root = html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError) as e:
        raise DocscanError("html_corrupt", f"{info.path}: {e}") from e
    tree = root.getroottree()
    # paths in the page as published (cleaning below removes elements and would shift sibling indexes)
    paths = {el: tree.getpath(el) for el in root.iter() if isinstance(el.tag, str)}
    meta = _meta_kv(root)
    page_title = _page_title(root)
    _clean(root)
    container = _container(root)
    kv_blocks = _lift_kv(root, paths, container)
    walker = _Walker(paths)
    walker.walk(container)
    blocks = walker.blocks
    # the title usually sits above the container (h1 / div.title): keep it in the text
    h1 = next((e for e in root.iter("h1") if _text_of(e) and not _is_inside(e, container)), None)
    title = _squash(_text_of(h1)) if h1 is not None else (meta.get("标题") or page_title)
    body_text = _squash("".join(b.text for b in blocks))
    if title and _squash(title) not in body_text[: max(200, len(title) * 3)]:
        ref = {"path": paths.get(h1, "")} if h1 is not None else {"meta": "title"}
        blocks.insert(0, RawBlock(kind="title", text=title, page=1, ref=ref))
    kv: dict[str, str] = {}
    for b in kv_blocks:
        for k, v in b.style["portal_kv"].items():
            kv.setdefault(k, v)
    missing = {k: v for k, v in meta.items() if k not in kv}
    if missing:
        kv_blocks.append(RawBlock(kind="boilerplate", text="\n".join(f"{k}：{v}" for k, v in missing.items()),
                                  page=1, ref={"meta": True}, style={"portal_kv": missing}))
    info.pages = 1
    info.extractor = "lxml.html"
    return RawDocument(source=info, pages=[RawPage(number=1, blocks=kv_blocks + blocks)])


# -- helpers --------------------------------------------------------------------------------------------
def _text_of(el: Any) -> str:
    return _WS.sub(" ", el.text_content()).strip() if el is not None else ""


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _cjk(el: Any) -> int:
    return len(_CJK.findall(el.text_content()))


def _is_inside(el: Any, container: Any) -> bool:
    return any(a is container for a in el.iterancestors()) or el is container


def _meta_kv(root: Any) -> dict[str, str]:
    labels = _cfg()["meta_labels"]
    lower = {k.lower(): v for k, v in labels.items()}
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        name = (m.get("name") or "").strip().lower()
        content = _WS.sub(" ", m.get("content") or "").strip()
        if name in lower and content:
            out.setdefault(lower[name], content)
    return out


def _page_title(root: Any) -> str | None:
    t = root.find(".//title")
    if t is None:
        return None
    text = _text_of(t)
    # "关于…的通知_国务院文件_中国政府网": the document title is the first, longest CJK part
    parts = [p.strip() for p in re.split(r"\s*[_|｜]\s*|\s+-\s+", text) if p.strip()]
    return max(parts[:1] or [None], key=lambda p: len(p or "")) if parts else None


def _class_words(el: Any) -> list[str]:
    """class and id tokens, whole ("trs_editor") and split at "-"/"_" ("trs", "editor")."""
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    return tokens + [w for t in tokens for w in re.split(r"[_\-]+", t) if w and w != t]


def _clean(root: Any) -> None:
    cfg = _cfg()
    drop_tags = set(cfg["drop_tags"])
    total = max(1, _cjk(root))
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in drop_tags:
            # <header> inside an <article>/<main> is the article's own title block
            if tag == "header" and any(isinstance(a.tag, str) and a.tag in ("article", "main") for a in el.iterancestors()):
                continue
            doomed.append(el)
            continue
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style") or ""):
            doomed.append(el)
            continue
        if tag in ("html", "body"):
            continue
        if any(cfg["drop_rx"].match(w) for w in _class_words(el)) and _cjk(el) < cfg["keep_share"] * total:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text


def _lift_kv(root: Any, paths: dict[Any, str], container: Any) -> list[RawBlock]:
    """Find the smallest elements holding ≥2 portal labels (or one label on a short line); parse, remove.

    Inside the article container only blocks with a strong label (索引号, 发文字号…) count, so a table of
    the document itself with a 名称/来源 header row stays body text."""
    cfg = _cfg()
    rx, strong = cfg["kv_rx"], cfg["strong_set"]
    if not rx.search(_lines(root)):
        return []
    found: list[Any] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body") or _is_inside(container, el):
            continue
        lines = _lines(el)
        labels = {m.group(1) for m in rx.finditer(lines)}
        if not labels or (_is_inside(el, container) and not labels & strong):
            continue
        kv, coverage = _parse_kv(lines)
        # mostly label/value text, and either two pairs or one short line (发布时间：2025-03-05)
        if coverage >= 0.7 and (len(kv) >= 2 or (len(kv) == 1 and len(lines) <= 60)):
            found.append((el, kv, lines))
    # the outermost qualifying elements (a whole 信息公开 table rather than each of its rows)
    blocks, lifted = [], []
    for el, kv, lines in found:
        if any(_is_inside(el, other) and other is not el for other, _, _ in found):
            continue
        blocks.append(RawBlock(kind="boilerplate", text=lines, page=1, ref={"path": paths.get(el, "")},
                               style={"portal_kv": kv}))
        lifted.append(el)
    for el in lifted:
        if el.getparent() is not None:
            el.drop_tree()
    return blocks


def _lines(el: Any) -> str:
    """Element text with a line break between text pieces (cells and spans become separate lines)."""
    pieces = [_WS.sub(" ", t).strip() for t in el.itertext()]
    return "\n".join(p for p in pieces if p)


def _parse_kv(text: str) -> tuple[dict[str, str], float]:
    """Label → value pairs of a key-value block, and the share of its characters they cover."""
    rx = _cfg()["kv_rx"]
    lines = text.split("\n")
    out: dict[str, str] = {}
    covered = 0
    skip_next = False
    for i, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        matches = list(rx.finditer(line))
        if not matches:
            continue
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" :：\u3000\xa0")
            covered += end - m.start()
            if not value and k + 1 == len(matches) and i + 1 < len(lines) and not rx.match(lines[i + 1]):
                value = lines[i + 1].strip()  # label cell, value in the next cell
                covered += len(lines[i + 1])
                skip_next = True
            if value and len(value) <= 200:
                out.setdefault(m.group(1), value)
    total = sum(len(x) for x in lines)
    return out, (covered / total if total else 0.0)


def _container(root: Any) -> Any:
    cfg = _cfg()
    body = root.find("body")
    if body is None:
        body = root
    total = _cjk(body)
    if total == 0:
        return body
    # a known content id/class holding most of the text wins
    best, best_n = None, 0
    for el in body.iter():
        if isinstance(el.tag, str) and cfg["content_set"].intersection(_class_words(el)):
            n = _cjk(el)
            if n >= 0.5 * total and n > best_n:
                best, best_n = el, n
    if best is not None:
        return best
    node = body
    while True:
        nxt = next((c for c in node if isinstance(c.tag, str) and _cjk(c) >= CONTAINER_SHARE * total), None)
        if nxt is None:
            return node
        node = nxt


class _Walker:
    """Flatten an element into blocks: a block per block-level element (and per ``<br>`` line in it)."""

    def __init__(self, paths: dict[Any, str]) -> None:
        self.paths = paths
        self.blocks: list[RawBlock] = []
        self.buf: list[str] = []
        self.stack: list[Any] = []
        self.lines: dict[Any, int] = {}
        self.cells: dict[Any, tuple[int, int, int]] = {}
        self.n_tables = 0
        self.title_done = False
        self.pre = 0

    def walk(self, el: Any) -> None:
        self._walk(el)
        self._flush()

    def _walk(self, el: Any) -> None:
        if not isinstance(el.tag, str):
            return
        tag = el.tag.lower()
        if tag == "br":
            self._flush()
            return
        block = tag in BLOCK_TAGS
        if block:
            self._flush()
            self.stack.append(el)
            if tag == "table":
                self._index_table(el)
        if tag == "pre":
            self.pre += 1
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self._walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if tag == "pre":
            self.pre -= 1
        if block:
            self._flush()
            self.stack.pop()

    def _index_table(self, table: Any) -> None:
        t = self.n_tables
        self.n_tables += 1
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        for r, tr in enumerate(rows):
            for c, cell in enumerate(x for x in tr if isinstance(x.tag, str) and x.tag in ("td", "th")):
                self.cells[cell] = (t, r, c)

    def _flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf = []
        el = self.stack[-1] if self.stack else None
        texts = raw.split("\n") if self.pre else [_WS.sub(" ", raw).strip(" ")]
        for text in texts:
            if not text.strip():
                continue
            self.blocks.append(self._block(el, text))

    def _block(self, el: Any, text: str) -> RawBlock:
        ref: dict[str, Any] = {}
        tag = ""
        if el is not None:
            tag = el.tag.lower()
            ref["path"] = self.paths.get(el, "")
            k = self.lines.get(el, 0)
            self.lines[el] = k + 1
            if k:
                ref["line"] = k
        kind, level = blockkind.classify(text)
        if tag in ("td", "th") and el in self.cells:
            t, r, c = self.cells[el]
            ref.update(table=t, row=r, cell=c)
            kind, level = "table_cell", None
        elif kind == "heading":
            pass
        elif tag == "h1" and not self.title_done and not self.blocks:
            kind, level = "title", None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            kind, level = "heading", min(4, max(1, int(tag[1]) - 1))
        elif tag == "li" and kind == "paragraph":
            kind = "list_item"
        if kind == "title":
            self.title_done = True
        return RawBlock(kind=kind, text=text, page=1, level=level, ref=ref)
