"""Decoding a story file and reading its YAML front matter into typed :class:`Meta`.

Both steps face arbitrary input (binary uploads, broken YAML, YAML bombs), so both turn
every problem into a diagnostic and return something usable.
"""

from __future__ import annotations

import re
import typing as t

import yaml

from trainer.story.diagnostics import Diagnostics
from trainer.story.expr import KEYWORDS
from trainer.story.i18n import _
from trainer.story.model import Meta

MAX_BYTES = 2_000_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: ``translates``: the first characters of the original's content hash (see translations.py).
TRANSLATES_LENGTH = 12
TRANSLATES = re.compile(rf"^[0-9a-f]{{{TRANSLATES_LENGTH}}}$")

REQUIRED = (
    "id",
    "title",
    "language",
    "summary",
    "roles",
    "minutes",
    "content_note",
    "indicators",
    "ideal_referrals",
)
KNOWN = (
    *REQUIRED,
    "victim",
    "characters",
    "variables",
    "pass_mark",
    "start",
    "translates",
    "draft",
)


def decode(data: str | bytes, diags: Diagnostics) -> str | None:
    """Return the text with ``\\n`` line ends, or ``None`` (with a diagnostic) if unusable."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            diags.error("S003", _("The file is larger than 2 MB; split the story."), 0)
            return None
        if b"\x00" in data[:8192]:
            diags.error("S001", _("This is a binary file, not a Markdown story."), 1, 1)
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            diags.error(
                "S001",
                _("The file is not valid UTF-8; save it as UTF-8 in your editor."),
                line,
                column,
            )
            return None
    else:
        text = data.removeprefix("\ufeff")
        if len(text) > MAX_BYTES:
            diags.error("S003", _("The file is larger than 2 MB; split the story."), 0)
            return None
        if "\x00" in text:
            diags.error("S001", _("This is a binary file, not a Markdown story."), 1, 1)
            return None
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates: not text any file can hold
            line = text.count("\n", 0, exc.start) + 1
            column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
            diags.error(
                "S001",
                _("The file is not valid UTF-8; save it as UTF-8 in your editor."),
                line,
                column,
            )
            return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        diags.error("S002", _("The file is empty; start it with the front matter."), 1, 1)
        return None
    return text


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loading without aliases: ``&a``/``*a`` chains can blow up memory."""

    def compose_node(self, parent: t.Any, index: t.Any) -> t.Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def split(lines: list[str], diags: Diagnostics) -> tuple[list[str], int]:
    """Return the front matter lines and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        diags.error(
            "F001",
            _("The story must start with front matter between two '---' lines."),
            1,
            1,
        )
        return [], 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return lines[1:i], i + 1
    diags.error("F002", _("The front matter is not closed: add a line '---' after it."), 1, 1)
    # Recover: the front matter surely ends before the first passage heading, so the
    # fields and passages are still read and only the real mistake is reported.
    end = next((i for i in range(1, len(lines)) if re.match(r"##(?!#)", lines[i])), len(lines))
    return lines[1:end], end


def read_meta(fm_lines: list[str], diags: Diagnostics) -> Meta:
    """Load and type-check the front matter; problems become F-codes."""
    field_lines: dict[str, int] = {}
    for i, text_line in enumerate(fm_lines):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", text_line)
        if m:
            field_lines.setdefault(m.group(1), i + 2)
    try:
        data = yaml.load("\n".join(fm_lines), Loader=_NoAliasLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        column = mark.column + 1 if mark else 0
        problem = exc.problem or str(exc)
        diags.error("F003", _("YAML error in the front matter: ") + problem, line, column)
        return Meta(field_lines=field_lines)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        diags.error("F003", _("YAML error in the front matter: ") + str(exc)[:200], 1, 0)
        return Meta(field_lines=field_lines)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diags.error("F004", _("The front matter must be a list of 'field: value' lines."), 2)
        return Meta(field_lines=field_lines)
    return _typed(data, field_lines, diags, fm_lines)


def _translates(value: object, fm_lines: list[str], line: int) -> str | None:
    """The ``translates`` value if it is well formed, else ``None``.

    YAML reads some hex strings as numbers (``123456789012``, ``0b0101010101``), so a
    number is taken as written on its line rather than as YAML's value of it.
    """
    if isinstance(value, int) and not isinstance(value, bool) and 2 <= line <= len(fm_lines) + 1:
        written = re.match(r"^translates\s*:\s*(\S+)\s*(?:#.*)?$", fm_lines[line - 2])
        value = written.group(1) if written else None
    return value if isinstance(value, str) and TRANSLATES.match(value) else None


def _typed(
    data: dict[t.Any, t.Any], lines: dict[str, int], diags: Diagnostics, fm_lines: list[str]
) -> Meta:
    def line(key: str) -> int:
        return lines.get(key, 1)

    for key in data:
        if str(key) not in KNOWN:
            diags.warning(
                "F007",
                _("Unknown front-matter field '{key}'; known fields: {known}.").format(
                    key=key, known=", ".join(KNOWN)
                ),
                line(str(key)),
                1,
            )
    for key in REQUIRED:
        if key not in data:
            diags.error(
                "F005",
                _("The front matter has no '{key}'; add it.").format(key=key),
                1,
                1,
            )

    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None or isinstance(value, (dict, list, bool)):
            if key in data:
                _wrong(key, _("text"))
            return default
        return str(value)

    def words(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if value is None:
            value = []
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
        ):
            _wrong(key, _("a list like [a, b]"))
            return ()
        return tuple(str(v) for v in value)

    def integer(key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            _wrong(key, _("a whole number"))
            return default
        if not low <= value <= high:
            diags.error(
                "F006",
                _("'{key}' must be between {low} and {high}.").format(key=key, low=low, high=high),
                line(key),
                1,
            )
            return default
        return value

    def _wrong(key: str, what: str) -> None:
        diags.error(
            "F006",
            _("'{key}' must be {what}.").format(key=key, what=what),
            line(key),
            1,
        )

    story_id = text("id")
    if story_id and not SLUG.match(story_id):
        diags.error(
            "F006",
            _("'id' may use only a-z, 0-9 and '-' (for example building-site)."),
            line("id"),
            1,
        )
    language = text("language", "en")
    if not LANGUAGE.match(language):
        diags.error(
            "F006",
            _("'language' must be a language code such as en, ru or ky."),
            line("language"),
            1,
        )
    victim = text("victim", "adult")
    if victim not in ("adult", "child"):
        diags.error("F006", _("'victim' must be adult or child."), line("victim"), 1)
        victim = "adult"

    before = len(diags.items)
    roles = words("roles")
    if "roles" in data and not roles and len(diags.items) == before:
        diags.error("F006", _("'roles' must list at least one role."), line("roles"), 1)

    variables: dict[str, int | bool | str] = {}
    raw_vars = data.get("variables", {})
    if raw_vars is None:
        raw_vars = {}
    if not isinstance(raw_vars, dict):
        _wrong("variables", _("a mapping like {trust: 0, asked: false}"))
    else:
        for name, value in raw_vars.items():
            if not isinstance(name, str) or not VARIABLE.match(name):
                diags.error(
                    "F006",
                    _("Variable name '{name}' must be letters, digits and '_'.").format(name=name),
                    line("variables"),
                    1,
                )
            elif name in KEYWORDS:
                diags.error(
                    "F006",
                    _(
                        "'{name}' is a word of the expression language; name the variable "
                        "differently."
                    ).format(name=name),
                    line("variables"),
                    1,
                )
            elif not isinstance(value, (int, bool)):
                diags.error(
                    "F006",
                    _("Variable '{name}' must start as a whole number or true/false.").format(
                        name=name
                    ),
                    line("variables"),
                    1,
                )
            else:
                variables[name] = value

    translates = ""
    if "translates" in data:
        found = _translates(data["translates"], fm_lines, line("translates"))
        if found is None:
            diags.error(
                "F012",
                _(
                    "'translates' must be the first {n} characters (0-9, a-f) of the "
                    "original's content hash, for example 3f9a0c12b7de; run 'trainer stamp' "
                    "on this file to set it."
                ).format(n=TRANSLATES_LENGTH),
                line("translates"),
                1,
            )
        translates = found or ""

    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        _wrong("draft", _("true or false"))
        draft = False

    return Meta(
        id=story_id,
        title=text("title"),
        language=language,
        summary=text("summary"),
        roles=roles,
        minutes=integer("minutes", 0, 1, 600) if "minutes" in data else 0,
        content_note=text("content_note"),
        victim=victim,
        characters=words("characters"),
        variables=variables,
        indicators=words("indicators"),
        ideal_referrals=words("ideal_referrals"),
        pass_mark=integer("pass_mark", 70, 0, 100),
        start=text("start"),
        translates=translates,
        draft=draft,
        line=1,
        field_lines=lines,
    )
