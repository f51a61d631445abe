"""``finditer`` over a long text, driven by the characters a match can start with.

Python's ``re`` skips ahead fast only when a pattern opens with a literal or a character class; most of our
patterns open with a lookbehind or an alternation (``(?<![…])要``, ``(?:查看|检查|…)``), so ``finditer`` tries a
full match at every position of a 1 MB text. :func:`compile_scanner` reads the pattern's syntax tree for the set
of characters any match must start with, finds those positions with one character-class search (fast, in C) and
tries ``match`` only there. The matches are exactly ``rx.finditer(text)``'s: every match starts at such a
position; ``match(text, i)`` is the attempt ``finditer`` makes at ``i`` (lookbehinds and ``\\b`` see the text
before ``i``, ``^`` is anchored at the real start); positions inside the previous match are skipped as
``finditer`` skips them. Patterns that can match the empty string, or whose first character is not a small known
set (``.``, negated classes, ``\\w``, ignore-case), keep plain ``finditer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_FIRST = 400  # a first-character set larger than this is not worth a prefilter

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Characters every non-empty match of ``pattern`` starts with, or None when unknown / the pattern can match
    the empty string."""
    try:
        tree = _p.parse(pattern, flags)
    except re.error:
        return None
    if (tree.state.flags | flags) & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        chars, nullable = _seq(list(tree))
    except _Unknown:
        return None
    if nullable or not chars or len(chars) > MAX_FIRST:
        return None
    return frozenset(chars)


class _Unknown(Exception):
    pass


def _seq(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # lookarounds and anchors consume nothing
        chars, nullable = _node(op, av)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _node(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is _c.LITERAL:
                chars.add(chr(iav))
            elif iop is _c.RANGE and iav[1] - iav[0] <= MAX_FIRST:
                chars.update(chr(x) for x in range(iav[0], iav[1] + 1))
            else:  # NEGATE, CATEGORY (\d, \w), a wide range
                raise _Unknown
        return chars, False
    if op is _c.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars, n = _seq(list(branch))
            out |= chars
            nullable = nullable or n
        return out, nullable
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            raise _Unknown
        return _seq(list(sub))
    if op in _REPEATS:
        lo, _hi, sub = av
        chars, n = _seq(list(sub))
        return chars, n or lo == 0
    if hasattr(_c, "ATOMIC_GROUP") and op is _c.ATOMIC_GROUP:
        return _seq(list(av))
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, conditionals


def compile_scanner(rx: re.Pattern[str]) -> Callable[[str], Iterator[re.Match[str]]]:
    """``scan(text)`` yielding exactly the matches of ``rx.finditer(text)`` (see the module docstring)."""
    starts = _start_class(rx)
    if starts is None:
        return rx.finditer
    match = rx.match

    def scan(text: str) -> Iterator[re.Match[str]]:
        pos = 0
        for c in starts.finditer(text):
            i = c.start()
            if i < pos:
                continue
            m = match(text, i)
            if m is not None:
                yield m
                pos = m.end()  # never empty: the pattern cannot match the empty string
    return scan


def compile_gated(rx: re.Pattern[str]) -> Callable[[str], Iterator[re.Match[str]]] | None:
    """Like :func:`compile_scanner`, with the search for the next match left to ``re`` itself: the gate
    ``[C](?<=(?=P)[C])`` (``C`` the characters ``P``'s matches start with) matches one character exactly where
    ``P`` matches, and a gate that opens with a character class is searched by ``re``'s fast first-character
    scan, so no Python runs between matches; ``P.match`` there gives the match itself. None when the first
    characters are unknown or ``P`` cannot be embedded (global inline flags)."""
    starts = _start_class(rx)
    if starts is None:
        return None
    cls = starts.pattern
    try:
        gate = re.compile(f"{cls}(?<=(?={rx.pattern}){cls})", rx.flags)
    except (re.error, OverflowError, RecursionError):
        return None
    search, match = gate.search, rx.match

    def scan(text: str) -> Iterator[re.Match[str]]:
        pos = 0
        while True:
            g = search(text, pos)
            if g is None:
                return
            m = match(text, g.start())
            if m is None:  # never: the gate's lookahead is this very match
                pos = g.start() + 1
                continue
            yield m
            pos = m.end()  # never empty: the pattern cannot match the empty string
    return scan


def _start_class(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """A character class of the characters ``rx``'s matches start with (None: unknown, see :func:`first_chars`)."""
    first = first_chars(rx.pattern, rx.flags)
    if first is None:
        return None
    return re.compile("[" + "".join("\\" + ch if ch in "\\]^-[" else ch for ch in sorted(first)) + "]")


CALIBRATE_CHARS = 30_000


class Finder:
    """``finder(text)`` = ``rx.finditer(text)``, by whichever of plain finditer, :func:`compile_gated` and
    :func:`compile_scanner` is fastest for this pattern. Which one is measured once, on the first
    ``CALIBRATE_CHARS`` characters of text it is given (one long text's head, or short texts together): how often a
    pattern's first characters occur in real text decides it. Until then, plain finditer. The matches are the
    same either way."""

    __slots__ = ("_scan", "_seen", "_seen_chars", "_use", "rx")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        scan = compile_scanner(rx)
        # the gate is compiled only when a decision is due (a cold one-page scan never gets there)
        self._scan: Callable[[str], Iterator[re.Match[str]]] | None = None if scan == rx.finditer else scan
        self._use: Callable[[str], Iterator[re.Match[str]]] = rx.finditer
        self._seen: list[str] = []  # short texts so far (references), until they add up to a sample
        self._seen_chars = 0

    def __call__(self, text: str) -> Iterator[re.Match[str]]:
        if self._scan is not None:
            if len(text) >= CALIBRATE_CHARS:
                self._decide(text[:CALIBRATE_CHARS])
            else:
                self._seen.append(text)
                self._seen_chars += len(text)
                if self._seen_chars >= CALIBRATE_CHARS:
                    self._decide("\n".join(self._seen)[:CALIBRATE_CHARS])
        return self._use(text)

    def _decide(self, sample: str) -> None:
        import time

        scan, self._scan = self._scan, None
        self._seen, self._seen_chars = [], 0
        if scan is None:  # another thread decided meanwhile
            return
        gated = compile_gated(self.rx)
        best, best_t = self.rx.finditer, float("inf")
        for fn in [self.rx.finditer, *([gated] if gated is not None else []), scan]:
            t0 = time.perf_counter()
            for _ in fn(sample):
                pass
            t = time.perf_counter() - t0
            if t < best_t:
                best, best_t = fn, t
        self._use = best


def compile_searcher(rx: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """``search(s)`` = ``rx.search(s)``, trying ``match`` only where a match can start (see the module
    docstring): the leftmost such position that matches is ``search``'s answer. For many short strings and a
    pattern ``re`` cannot skip through by itself (a long alternation behind lookbehinds)."""
    starts = _start_class(rx)
    if starts is None:
        return rx.search
    match = rx.match

    def search(s: str) -> re.Match[str] | None:
        for c in starts.finditer(s):
            m = match(s, c.start())
            if m is not None:
                return m
        return None
    return search


def required_chars(pattern: str, flags: int = 0) -> frozenset[str]:
    """Characters every match of ``pattern`` contains: its top-level literals (empty when unknown)."""
    try:
        tree = _p.parse(pattern, flags)
    except re.error:
        return frozenset()
    if (tree.state.flags | flags) & (re.IGNORECASE | re.VERBOSE):
        return frozenset()
    return frozenset(chr(av) for op, av in tree if op is _c.LITERAL)


def compile_any(patterns: list[str]) -> Callable[[str], bool]:
    """``has(s)`` = ``bool(re.search("|".join(f"(?:{p})" for p in patterns), s))``: an alternation matches somewhere
    exactly when one of its alternatives does. The alternatives whose first characters are known are searched as
    one alternation where a match can start (:func:`compile_searcher`); each other one only when ``s`` holds every
    character it needs (:func:`required_chars`)."""
    known = [p for p in patterns if first_chars(p) is not None]
    rest = [(re.compile(p).search, tuple(required_chars(p))) for p in patterns if first_chars(p) is None]
    head = compile_searcher(re.compile("|".join(f"(?:{p})" for p in known))) if known else None

    def has(s: str) -> bool:
        if head is not None and head(s) is not None:
            return True
        return any(all(ch in s for ch in need) and search(s) is not None for search, need in rest)
    return has


# ---- one pass per distinct line ---------------------------------------------------------------------------------
_SAFE_AT = {_c.AT_BOUNDARY, _c.AT_NON_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING}
_NO_NL_CATEGORIES = {_c.CATEGORY_DIGIT, _c.CATEGORY_WORD, _c.CATEGORY_NOT_SPACE, _c.CATEGORY_NOT_LINEBREAK}


def line_local(rx: re.Pattern[str]) -> bool:
    """True when every match of ``rx`` in a text lies inside one line and whether and how it matches there depends
    on that line alone and the line breaks around it: no element can match a line break, except a one-character
    lookaround (``(?<=[，\\n])``); no ``$``/``\\Z``; no back-references; not nullable. ``^`` (text start only) is
    allowed: :class:`LineBatch` gives the text's first and last lines their own passes."""
    if rx.flags & (re.MULTILINE | re.DOTALL | re.IGNORECASE | re.VERBOSE):
        return False
    try:
        tree = _p.parse(rx.pattern, rx.flags)
        if tree.getwidth()[0] == 0:
            return False
        return not _nl_items(list(tree))
    except (re.error, _Unknown):
        return False


def _nl_items(items: list[tuple[Any, Any]]) -> bool:
    """Whether some element of ``items`` can match a line break (raises _Unknown for what it does not know)."""
    return any(_nl_node(op, av) for op, av in items)


def _nl_node(op: Any, av: Any) -> bool:
    if op is _c.LITERAL:
        return av == 10
    if op is _c.NOT_LITERAL:
        return av != 10
    if op is _c.ANY:
        return False  # no DOTALL (checked)
    if op is _c.IN:
        negate = any(iop is _c.NEGATE for iop, _ in av)
        has_nl = False
        for iop, iav in av:
            if iop is _c.NEGATE:
                continue
            if iop is _c.LITERAL:
                has_nl = has_nl or iav == 10
            elif iop is _c.RANGE:
                has_nl = has_nl or iav[0] <= 10 <= iav[1]
            elif iop is _c.CATEGORY and iav in _NO_NL_CATEGORIES:
                continue
            elif negate and iop is _c.CATEGORY and iav in (_c.CATEGORY_SPACE, _c.CATEGORY_LINEBREAK):
                has_nl = True  # [^\s…] excludes the line break
            else:
                raise _Unknown
        return not has_nl if negate else has_nl
    if op is _c.AT:
        if av in _SAFE_AT:
            return False
        raise _Unknown
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        # a one-character lookaround may test the neighbouring line break ((?<=[，\n])): LineBatch reproduces it
        return _nl_items(list(av[1])) and av[1].getwidth() != (1, 1)
    if op is _c.BRANCH:
        return any(_nl_items(list(b)) for b in av[1])
    if op is _c.SUBPATTERN:
        if av[1] & (re.IGNORECASE | re.MULTILINE | re.DOTALL):
            raise _Unknown
        return _nl_items(list(av[3]))
    if op in _REPEATS:
        return _nl_items(list(av[2]))
    if hasattr(_c, "ATOMIC_GROUP") and op is _c.ATOMIC_GROUP:
        return _nl_items(list(av))
    raise _Unknown  # GROUPREF, conditionals, CATEGORY outside a class…


class LineBatch:
    """A text whose lines repeat (table rows, dense directives): a line-local pattern (:func:`line_local`) runs once
    over its distinct lines and the matches are copied to every occurrence — exactly ``finditer``'s spans over the
    whole text, in the same order. :meth:`of` returns None when too few lines repeat to be worth it."""

    MIN_LINES = 200
    MAX_DISTINCT = 0.5  # distinct lines / lines

    def __init__(self, text: str, lines: list[str]) -> None:
        self.text = text
        # the first and the last line have the text's start/end on one side: their own passes, as
        # "line\n" (^ fires at its start as at the text's) and "\nline" (then the text's end)
        self.first = lines[0] + "\n"
        self.last = "\n" + lines[-1]
        self.last_off = len(text) - len(lines[-1])
        where: dict[str, list[int]] = {}
        off = 0
        for ln in lines:
            where.setdefault(ln, []).append(off)
            off += len(ln) + 1
        self.distinct = list(where)
        self.occurrences = [where[ln] for ln in self.distinct]
        # a line break on both sides of every line, as in the text; ^ never fires inside the joined text
        self.joined = "\n" + "\n".join(self.distinct) + "\n"
        starts: list[int] = []
        pos = 1
        for ln in self.distinct:
            starts.append(pos)
            pos += len(ln) + 1
        self.starts = starts

    @classmethod
    def of(cls, text: str) -> LineBatch | None:
        lines = text.split("\n")
        if len(lines) < cls.MIN_LINES or len(set(lines)) > cls.MAX_DISTINCT * len(lines):
            return None
        return cls(text, lines)

    def spans(self, finditer: Callable[[str], Iterator[re.Match[str]]]) -> list[tuple[int, int]]:
        """``[(m.start(), m.end()) for m in finditer(text)]`` for a line-local pattern's ``finditer``."""
        import bisect

        starts = self.starts
        per_line: dict[int, list[tuple[int, int]]] = {}
        for m in finditer(self.joined):
            j = bisect.bisect_right(starts, m.start()) - 1
            base = starts[j]
            per_line.setdefault(j, []).append((m.start() - base, m.end() - base))
        out: list[tuple[int, int]] = []
        for j, ms in per_line.items():
            for off in self.occurrences[j]:
                if off == 0 or off == self.last_off:
                    continue  # the text's first and last lines: their own passes below
                out.extend((off + s, off + e) for s, e in ms)
        out.extend((m.start(), m.end()) for m in finditer(self.first))
        base = self.last_off - 1
        out.extend((base + m.start(), base + m.end()) for m in finditer(self.last))
        out.sort()
        return out
