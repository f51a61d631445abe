"""Decode text files whose encoding nobody declared: BOM, strict UTF-8, then GB18030 vs Big5 by plausibility.

Chinese text files come as UTF-8, GBK/GB18030 (mainland), Big5/CP950 (Taiwan, Hong Kong) and now and then
UTF-16 from Windows Notepad. Byte-level detectors (charset-normalizer) are unreliable on short Chinese text:
Big5 byte pairs are all valid GB18030 and vice versa for most of them. So we decode with each candidate and
score the result by how much of it is *common* Han characters (GB2312 level 1 ∪ Big5 level 1, both lists
being "the frequently used characters" of their standard), preferring GB18030 on a near tie.
charset-normalizer only breaks the case where neither Chinese encoding fits.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

from ..errors import DocscanError

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF", b"MZ", b"\x1f\x8b", b"7z\xbc\xaf",
    b"Rar!", b"\xd0\xcf\x11\xe0", b"%PDF", b"BM", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"fLaC",
)
SAMPLE_CHARS = 20_000  # plausibility is judged on the first chars only (decoding is still full and strict)
MIN_SCORE = 0.6  # below this share of common characters a decoding is not trusted
GB_PREFERENCE = 0.05  # GB18030 wins unless another decoding scores this much better


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name: utf-8, utf-8-sig, utf-16-le, gb18030, big5, cp950, ...
    confidence: float  # share of common characters among the Han/odd characters (1.0 for BOM/UTF-8)
    warning: str | None = None


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """GB2312 level 1 (3755 chars, rows 16–55) ∪ Big5 level 1 (5401 chars, A440–C67E)."""
    chars: set[str] = set()
    gb = bytearray()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            gb += bytes((lead, trail))
    chars.update(gb.decode("gb2312", errors="ignore"))
    b5 = bytearray()
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            if (lead, trail) <= (0xC6, 0x7E):
                b5 += bytes((lead, trail))
    chars.update(b5.decode("big5", errors="ignore"))
    chars.discard("\ufffd")
    return frozenset(chars)


def _neutral(o: int) -> bool:
    """Characters that say nothing about the encoding: ASCII text, CJK/full-width punctuation, symbols."""
    return (
        0x20 <= o < 0x7F
        or o in (0x09, 0x0A, 0x0D, 0x0C, 0xA0, 0xB7, 0xD7, 0xF7, 0xB0)
        or 0x2000 <= o <= 0x206F  # general punctuation — “” ‘’ …
        or 0x2160 <= o <= 0x217F  # Roman numerals
        or 0x2460 <= o <= 0x24FF  # ① ⑴ ⒈
        or 0x25A0 <= o <= 0x25FF  # ■ □ ● ○ △
        or 0x3000 <= o <= 0x303F  # 、。〈〉《》「」【】〔〕
        or 0xFF01 <= o <= 0xFF5E  # full-width ASCII ：（），
    )


def plausibility(text: str) -> float:
    """Share of common Han characters among the non-neutral ones (1.0 for text with none: ASCII)."""
    common = _common_han()
    good = rare = odd = 0
    for ch in text[:SAMPLE_CHARS]:
        if ch in common:
            good += 1
            continue
        o = ord(ch)
        if _neutral(o):
            continue
        if 0x4E00 <= o <= 0x9FFF:
            rare += 1
        else:
            odd += 1  # kana, Greek, box drawing, private use, Latin-1 from mojibake, ...
    total = good + rare + 2 * odd
    return 1.0 if total == 0 else good / total


def looks_binary(data: bytes) -> bool:
    """NUL bytes, a known binary signature, or many control characters in the first 64 KB."""
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes((b,))) for b in (*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)))
    return controls > max(8, len(sample) * 0.02)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """Notepad-style UTF-16 without BOM: NULs sit in every other byte for the ASCII part."""
    if len(data) % 2:
        return None
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) / 8 or min(even, odd) > max(even, odd) / 10:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or plausibility(text) < MIN_SCORE:
        return None
    return Decoded(text, enc, plausibility(text))


def decode(data: bytes, name: str = "") -> Decoded:
    """Decode ``data`` or raise ``binary_text`` / ``encoding_unknown`` / ``empty_file``."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc.removesuffix("-sig"))
            except UnicodeDecodeError as e:
                raise DocscanError("encoding_unknown", f"{name}: {enc} BOM but invalid data ({e.reason})") from e
            return _checked(Decoded(text, enc, 1.0), name)
    if b"\x00" in data[:65536]:
        u16 = _utf16_without_bom(data)
        if u16 is not None:
            return _checked(u16, name)
    if looks_binary(data):
        raise DocscanError("binary_text", name)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8", 1.0), name)
    except UnicodeDecodeError as e:
        # a UTF-8 file cut inside its last character is still UTF-8
        if e.start >= len(data) - 3:
            try:
                text = data[: e.start].decode("utf-8")
                return _checked(Decoded(text, "utf-8", 1.0, f"{name}: truncated UTF-8 sequence at the end dropped"), name)
            except UnicodeDecodeError:
                pass
    return _checked(_decode_legacy(data, name), name)


def _decode_legacy(data: bytes, name: str) -> Decoded:
    candidates: list[Decoded] = []
    for enc in ("gb18030", "big5", "cp950", "big5hkscs"):
        if enc in ("cp950", "big5hkscs") and any(c.encoding in ("big5", "cp950") for c in candidates):
            continue  # a Big5 variant decoded already: its supersets add nothing
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append(Decoded(text, enc, plausibility(text)))
    gb = next((c for c in candidates if c.encoding == "gb18030"), None)
    best = max(candidates, key=lambda c: c.confidence, default=None)
    if gb is not None and best is not None and gb.confidence >= best.confidence - GB_PREFERENCE:
        best = gb
    if best is not None and best.confidence >= MIN_SCORE:
        return best
    # neither Chinese encoding fits: ask the byte-level detector (Latin-1 / cp1252 / Shift_JIS files, ...)
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        text = str(guess)
        score = plausibility(text)
        if score >= MIN_SCORE and (best is None or score > best.confidence):
            return Decoded(text, guess.encoding, score)
    if best is not None and best.confidence >= MIN_SCORE / 2:
        return Decoded(best.text, best.encoding, best.confidence, f"{name}: low-confidence {best.encoding} decoding")
    # mostly GB18030 with a few broken bytes: keep the text, say so
    text = data.decode("gb18030", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(2, len(text) // 200) and plausibility(text) >= MIN_SCORE:
        return Decoded(text, "gb18030", plausibility(text), f"{name}: {bad} undecodable byte sequence(s) replaced")
    raise DocscanError("encoding_unknown", name)


def _checked(d: Decoded, name: str) -> Decoded:
    if not d.text.strip():
        raise DocscanError("empty_file", name)
    return d


def charset_from_meta(head: bytes) -> str | None:
    """The charset an HTML/XML head declares (``<meta charset>``, http-equiv, ``<?xml encoding>``)."""
    import re

    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", head, re.I) or re.search(
        rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", head, re.I
    )
    if not m:
        return None
    enc = m.group(1).decode("ascii").lower()
    # GB2312/GBK labels are routinely applied to GBK/GB18030 bytes; decode with the superset
    if enc in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
        return "gb18030"
    if enc in ("big5", "big-5", "x-x-big5"):
        return "cp950"
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None
