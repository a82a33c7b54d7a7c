"""Byte-preserving edits of one key in a story file's front matter.

Authors keep stories in git and in their own editors, so a tool that writes to their file
(``trainer stamp``, the studio's Publish button) must change exactly one line: no YAML
round trip (it would drop comments, quotes and key order), the file's own line endings
and byte-order mark kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.story.i18n import _

_LINE_END = re.compile(r"(\r\n|\r|\n)")


class EditError(ValueError):
    """The file cannot be edited this way; the message says why."""


@dataclass(frozen=True)
class Edited:
    """The new bytes, and the key's value before ("" if it was absent) and now."""

    data: bytes
    before: str
    after: str


def _key_line(key: str) -> re.Pattern[str]:
    # key, colon; spacing; value; optional trailing spaces and comment
    return re.compile(rf"^({re.escape(key)}[ \t]*:)([ \t]*)(.*?)([ \t]+(?:#.*)?)?$")


def set_key(data: bytes, key: str, value: str | None) -> Edited:
    """Set ``key: value`` in the front matter (``None`` removes the line).

    An existing line keeps its spacing and comment and gets the new value; a missing one
    is added as the front matter's last line, with the file's own line ending.
    """
    try:
        text = data.decode("utf-8")  # a byte-order mark stays, as U+FEFF
    except UnicodeDecodeError:
        raise EditError(_("The file is not valid UTF-8.")) from None
    parts = [*_LINE_END.split(text), ""]  # line, end, line, end, ..., last line, ""
    lines = [[parts[i], parts[i + 1]] for i in range(0, len(parts), 2)]
    if lines[0][0].removeprefix("\ufeff").strip() != "---":
        raise EditError(_("The file does not start with front matter between two '---' lines."))
    close = next((i for i in range(1, len(lines)) if lines[i][0].strip() in ("---", "...")), 0)
    if not close:
        raise EditError(_("The front matter is not closed: add a line '---' after it."))
    pattern = _key_line(key)
    before = ""
    found: list[int] = []
    for number in range(1, close):
        line = lines[number]
        m = pattern.match(line[0])
        if m:
            found.append(number)
            before = m.group(3).strip("'\"")
            if value is not None:
                line[0] = m.group(1) + (m.group(2) or " ") + value + (m.group(4) or "")
    if value is None:
        lines = [line for number, line in enumerate(lines) if number not in found]
    elif not found:
        lines.insert(close, [f"{key}: {value}", lines[0][1]])
    new = "".join(line + end for line, end in lines).encode("utf-8")
    return Edited(new, before, "" if value is None else value)
