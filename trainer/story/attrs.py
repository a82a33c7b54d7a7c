"""Attribute lists: ``{#id .class key=value key="two words" flag}``.

Python-Markdown's ``attr_list`` has no notion of flags or of errors, and we need both (an
unclosed brace or quote must become a diagnostic with a column), so the story format reads
its attribute lists with this small scanner.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class AttrError(Exception):
    """A malformed attribute list, at a 0-based offset into the scanned text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class Attr:
    """One ``key=value`` pair or flag, with the offset of its key."""

    key: str
    value: str | None
    offset: int


@dataclass
class AttrList:
    """A parsed attribute list."""

    ident: str | None = None
    ident_offset: int = 0
    classes: list[str] = field(default_factory=list)
    attrs: list[Attr] = field(default_factory=list)

    def get(self, key: str) -> Attr | None:
        """The first attribute named ``key``."""
        return next((a for a in self.attrs if a.key == key), None)


def find_close(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``start``, skipping quoted parts; -1 if none."""
    quote = ""
    for i in range(start + 1, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return i
    return -1


def unclosed_quote(text: str, start: int) -> int:
    """Index of the quote left open after the ``{`` at ``start``; -1 if the list closes or
    no quote is open (then only the ``}`` is missing)."""
    quote = ""
    opened = -1
    for i in range(start + 1, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote, opened = ch, i
        elif ch == "}":
            return -1
    return opened if quote else -1


def parse_attrs(body: str, base: int = 0) -> AttrList:
    """Parse the inside of ``{...}``; offsets are reported as ``base`` plus the position.

    :raises AttrError: on an unclosed quote, an empty key or a stray character.
    """
    result = AttrList()
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch in "#.":
            i += 1
            while i < n and not body[i].isspace():
                i += 1
            word = body[start + 1 : i]
            if not word:
                raise AttrError(f"'{ch}' must be followed by a name", base + start)
            if ch == "#":
                result.ident = word
                result.ident_offset = base + start
            else:
                result.classes.append(word)
            continue
        while i < n and not body[i].isspace() and body[i] != "=":
            if body[i] in "\"'{}":
                raise AttrError(f"unexpected {body[i]!r} in a name", base + i)
            i += 1
        key = body[start:i]
        if i < n and body[i] == "=":
            i += 1
            if i < n and body[i] in "\"'":
                quote = body[i]
                end = body.find(quote, i + 1)
                if end == -1:
                    raise AttrError(f"the value of {key!r} has no closing {quote}", base + i)
                value = body[i + 1 : end]
                i = end + 1
                if i < n and not body[i].isspace():
                    raise AttrError("put a space between attributes", base + i)
            else:
                vstart = i
                while i < n and not body[i].isspace():
                    if body[i] in "\"'":
                        raise AttrError("quote the whole value", base + i)
                    i += 1
                value = body[vstart:i]
            if not key:
                raise AttrError("an attribute needs a name before '='", base + start)
            result.attrs.append(Attr(key, value, base + start))
        else:
            result.attrs.append(Attr(key, None, base + start))
    return result
