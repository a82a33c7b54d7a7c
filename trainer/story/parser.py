"""Story text → :class:`Story` plus diagnostics. No file IO, no catalogue, never raises.

The parser reads the file line by line (not through Markdown's own parser) because every
construct must keep its line and column for the checker's messages. Prose is kept as
Markdown source and rendered later by :mod:`trainer.story.render`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from trainer.story import expr as ex
from trainer.story.attrs import AttrError, AttrList, find_close, parse_attrs, unclosed_quote
from trainer.story.diagnostics import Diagnostic, Diagnostics
from trainer.story.frontmatter import decode, read_meta, split
from trainer.story.i18n import _
from trainer.story.model import (
    OUTCOMES,
    Choice,
    Cue,
    Meta,
    Passage,
    PracticeRef,
    Speaker,
    Story,
)

MAX_LINE = 4000
PASSAGE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
HEADING = re.compile(r"^##(?!#)")
LIST_ITEM = re.compile(r"^\s{0,3}[-*+]\s+")
CHOICE = re.compile(r"^\s{0,3}[-*+]\s+\[(?P<label>[^\]]*)\]\(#(?P<target>[^)\s]*)\)")
CUE_START = re.compile(r"(?<![!\]])\[(?P<text>[^\[\]]*)\]\{")
WRAPPED_CUE = re.compile(r"\]\{\s*indicator\s*=")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(")
# Greedy name classes (no lazy '+?' before '\s*'), so a long line cannot make them backtrack.
SPEAKER = re.compile(r"^\s*\*\*(?P<name>[^*:\n]+):\s*\*\*|^\s*\*\*(?P<name2>[^*:\n]+)\*\*\s*:")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")

CHOICE_KEYS = ("if", "set", "once", "sticky", "fallback", "practice", "probes", "feedback")
PASSAGE_KEYS = ("outcome", "referrals")


@dataclass
class ParseResult:
    """What :func:`parse_story` returns: a story (possibly partial) and its diagnostics."""

    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def content_hash(text: str) -> str:
    """Hash of the normalised source: attempts are pinned to it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_story(data: str | bytes, file: str = "") -> ParseResult:
    """Parse a whole story file.

    :param data: the file's text or raw bytes (bytes are decoded as UTF-8 here).
    :param file: name used in diagnostics.
    :return: the story (``None`` when nothing usable was found) and every diagnostic.
    """
    diags = Diagnostics(file)
    text = decode(data, diags)
    if text is None:
        return ParseResult(None, diags.items)
    lines = text.split("\n")
    fm_lines, body_start = split(lines, diags)
    meta = read_meta(fm_lines, diags) if fm_lines or body_start else Meta()
    passages = _Passages(diags, meta).read(lines, body_start)
    if not passages:
        diags.error(
            "P003",
            _("The story has no passages: add a heading such as '## Arrival {#arrival}'."),
            len(lines) - 1 if len(lines) > 1 and not lines[-1] else len(lines),  # last line
            1,
        )
    story = Story(
        meta=meta,
        passages=passages,
        file=file,
        content_hash=content_hash(text),
        source=text,
    )
    return ParseResult(story, diags.items)


class _Passages:
    """Collects passages from the body lines."""

    def __init__(self, diags: Diagnostics, meta: Meta) -> None:
        self.diags = diags
        self.meta = meta
        self.passages: dict[str, Passage] = {}

    def read(self, lines: list[str], start: int) -> dict[str, Passage]:
        current: tuple[int, str, AttrList] | None = None
        body: list[tuple[int, str]] = []
        in_fence = False
        for index in range(start, len(lines)):
            line = lines[index]
            number = index + 1
            if FENCE.match(line):
                in_fence = not in_fence
            if not in_fence and HEADING.match(line):
                if current:
                    self._finish(current, body)
                current = self._heading(number, line)
                body = []
            elif current:
                body.append((number, line))
            elif line.strip() and not line.startswith("# "):
                self.diags.warning(
                    "P005",
                    _("Text before the first passage is never shown; move it into a passage."),
                    number,
                    1,
                )
        if current:
            self._finish(current, body)
        return self.passages

    def _unclosed(self, text: str, brace: int, number: int, offset: int = 0) -> None:
        """Report an attribute list without its ``}``: an open quote (A002) swallowed it, or
        it is simply missing (A001). ``offset`` is where ``text`` starts on the line."""
        quote = unclosed_quote(text, brace)
        if quote != -1:
            self.diags.error(
                "A002",
                _("The quote {quote} is never closed: add the closing {quote}.").format(
                    quote=text[quote]
                ),
                number,
                offset + quote + 1,
            )
        else:
            self.diags.error(
                "A001",
                _("The attribute list is not closed: add '}'."),
                number,
                offset + brace + 1,
            )

    def _attr_error(self, exc: AttrError, number: int) -> None:
        self.diags.error(
            "A002",
            _("Malformed attribute list: {message}.").format(message=exc.message),
            number,
            exc.offset + 1,
        )

    def _heading(self, number: int, line: str) -> tuple[int, str, AttrList]:
        raw = line[2:]
        offset = 2 + len(raw) - len(raw.lstrip())  # where the title starts on the line
        rest = raw.strip()
        brace = rest.find("{")
        attrs = AttrList()
        title = rest
        broken = False  # a broken attribute list is reported once, not again as P001
        if brace != -1:
            title = rest[:brace].strip()
            close = find_close(rest, brace)
            column = offset + brace + 1  # 1-based column of '{'
            if close == -1:
                self._unclosed(rest, brace, number, offset)
                broken = True
            else:
                try:
                    attrs = parse_attrs(rest[brace + 1 : close], column)
                except AttrError as exc:
                    self._attr_error(exc, number)
                    broken = True
                if rest[close + 1 :].strip():
                    self.diags.warning(
                        "A003",
                        _("Text after the attribute list is ignored."),
                        number,
                        column + close - brace + 1,
                    )
        if not attrs.ident and broken:
            attrs.ident = f"line-{number}"
        elif not attrs.ident:
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or f"line-{number}"
            self.diags.error(
                "P001",
                _("Passage '{title}' has no id: write '## {title} {{#{slug}}}'.").format(
                    title=title, slug=slug
                ),
                number,
                1,
            )
            attrs.ident = f"line-{number}"
        elif not PASSAGE_ID.match(attrs.ident):
            self.diags.error(
                "P004",
                _("Passage id '{id}' may use only a-z, 0-9, '-' and '_'.").format(id=attrs.ident),
                number,
                attrs.ident_offset + 1,
            )
        return number, title, attrs

    def _finish(self, head: tuple[int, str, AttrList], body: list[tuple[int, str]]) -> None:
        number, title, attrs = head
        pid = attrs.ident or f"line-{number}"
        if pid in self.passages:
            self.diags.error(
                "P002",
                _("Passage id '{id}' is already used on line {line}; ids must be unique.").format(
                    id=pid, line=self.passages[pid].line
                ),
                number,
                1,
            )
            return
        while body and not body[-1][1].strip():
            body.pop()
        split_at = len(body)
        while split_at > 0 and (
            LIST_ITEM.match(body[split_at - 1][1]) or not body[split_at - 1][1].strip()
        ):
            split_at -= 1
        tail = body[split_at:]
        choice_lines = [(n, s) for n, s in tail if s.strip()]
        if not any(CHOICE.match(s) for _n, s in choice_lines):
            choice_lines = []
            split_at = len(body)
        prose = body[:split_at]
        choices = tuple(
            c
            for c in (self._choice(pid, i + 1, n, s) for i, (n, s) in enumerate(choice_lines))
            if c is not None
        )
        cues, speakers = self._prose(prose)
        is_ending = "ending" in attrs.classes
        outcome = ""
        referrals: tuple[str, ...] = ()
        for cls in attrs.classes:
            if cls != "ending":
                self.diags.warning(
                    "P012",
                    _("Unknown passage class '.{cls}'; the only class is '.ending'.").format(
                        cls=cls
                    ),
                    number,
                    1,
                )
        for attr in attrs.attrs:
            if attr.key not in PASSAGE_KEYS:
                self.diags.warning(
                    "P012",
                    _("Unknown passage attribute '{key}'; passages take {known}.").format(
                        key=attr.key, known="outcome, referrals"
                    ),
                    number,
                    attr.offset + 1,
                )
            elif not is_ending:
                self.diags.error(
                    "P013",
                    _("'{key}' only makes sense on an ending: add '.ending'.").format(key=attr.key),
                    number,
                    attr.offset + 1,
                )
            elif attr.key == "outcome":
                outcome = attr.value or ""
                if outcome not in OUTCOMES:
                    self.diags.error(
                        "P010",
                        _("Outcome '{value}' is unknown; use one of {known}.").format(
                            value=outcome, known=", ".join(OUTCOMES)
                        ),
                        number,
                        attr.offset + 1,
                    )
            else:
                referrals = tuple((attr.value or "").split())
        body_text = "\n".join(s for _n, s in prose).strip("\n")
        first = next((n for n, s in prose if s.strip()), number + 1)
        self.passages[pid] = Passage(
            id=pid,
            title=title,
            line=number,
            body=body_text,
            body_line=first,
            cues=cues,
            choices=choices,
            speakers=speakers,
            is_ending=is_ending,
            outcome=outcome,
            referrals=referrals,
        )

    def _prose(self, prose: list[tuple[int, str]]) -> tuple[tuple[Cue, ...], tuple[Speaker, ...]]:
        cues: list[Cue] = []
        speakers: list[Speaker] = []
        in_fence = False
        for number, line in prose:
            if len(line) > MAX_LINE:
                # Python-Markdown slows down badly on very long lines full of brackets;
                # no real passage needs one, so refuse it before a learner's page hangs.
                self.diags.error(
                    "P014",
                    _("This line is longer than {n} characters; break it into paragraphs.").format(
                        n=MAX_LINE
                    ),
                    number,
                    MAX_LINE + 1,
                )
                continue
            if FENCE.match(line):
                in_fence = not in_fence
            if in_fence:
                continue
            if CHOICE.match(line):
                self.diags.warning(
                    "C011",
                    _(
                        "This link is not a choice: choices are the list at the end of the "
                        "passage. Move it there or remove the list marker."
                    ),
                    number,
                    1,
                )
            sp = SPEAKER.match(line)
            if sp:
                name = (sp.group("name") or sp.group("name2") or "").strip()
                speakers.append(Speaker(name, number, line.index("**") + 3))
            for img in IMAGE.finditer(line):
                if not img.group("alt").strip():
                    self.diags.warning(
                        "M001",
                        _("The image has no alt text: describe it inside ![...]."),
                        number,
                        img.start() + 1,
                    )
            starts = {m.end() - 2 for m in CUE_START.finditer(line)}
            for m in WRAPPED_CUE.finditer(line):
                if m.start() not in starts:
                    self.diags.error(
                        "I007",
                        _(
                            "This cue's '[' is not on the same line: a cue must start and "
                            "end on one line, so join the lines."
                        ),
                        number,
                        m.start() + 1,
                    )
            pos = 0
            for m in CUE_START.finditer(line):
                if m.start() < pos:
                    continue  # inside the previous cue's attribute list (render.py agrees)
                close = find_close(line, m.end() - 1)
                if close == -1:
                    # Nothing after an unclosed list can be read reliably; stopping here
                    # also keeps a long line of '[a]{' linear instead of quadratic.
                    self._unclosed(line, m.end() - 1, number)
                    break
                pos = close + 1
                cue = self._cue(number, line, m, close, len(cues) + 1)
                if cue:
                    cues.append(cue)
        return tuple(cues), tuple(speakers)

    def _cue(self, number: int, line: str, m: re.Match[str], close: int, n: int) -> Cue | None:
        brace = m.end() - 1
        try:
            attrs = parse_attrs(line[brace + 1 : close], brace + 1)
        except AttrError as exc:
            self._attr_error(exc, number)
            return None
        ind = attrs.get("indicator")
        if ind is None or not (ind.value or "").split():
            self.diags.error(
                "I005",
                _("A cue needs an indicator: write [text]{indicator=ID}."),
                number,
                brace + 1,
            )
            return None
        if not m.group("text").strip():
            self.diags.error(
                "I006", _("The cue has no text: put the words inside [ ]."), number, m.start() + 1
            )
        return Cue(tuple((ind.value or "").split()), m.group("text"), number, m.start() + 1, n)

    def _choice(self, pid: str, index: int, number: int, line: str) -> Choice | None:
        m = CHOICE.match(line)
        if not m:
            self.diags.error(
                "C004",
                _(
                    "Every item of a passage's final list must be a choice: "
                    "- [Label](#passage-id){attributes}."
                ),
                number,
                1,
            )
            return None
        label = m.group("label").strip()
        target = m.group("target")
        rest = line[m.end() :]
        attrs = AttrList()
        stripped = rest.lstrip()
        if stripped:
            brace = m.end() + (len(rest) - len(stripped))
            if not stripped.startswith("{"):
                self.diags.error(
                    "C004",
                    _("Only an attribute list {...} may follow a choice's link."),
                    number,
                    brace + 1,
                )
            else:
                close = find_close(line, brace)
                if close == -1:
                    self._unclosed(line, brace, number)
                else:
                    try:
                        attrs = parse_attrs(line[brace + 1 : close], brace + 1)
                    except AttrError as exc:
                        self._attr_error(exc, number)
                    if line[close + 1 :].strip():
                        self.diags.warning(
                            "A003",
                            _("Text after the attribute list is ignored."),
                            number,
                            close + 2,
                        )
        return self._choice_attrs(pid, index, number, label, target, m.start("label"), attrs)

    def _choice_attrs(
        self,
        pid: str,
        index: int,
        number: int,
        label: str,
        target: str,
        label_col: int,
        attrs: AttrList,
    ) -> Choice:
        condition: ex.Node | None = None
        condition_text = ""
        effects: tuple[ex.Effect, ...] = ()
        effects_text = ""
        practices: list[PracticeRef] = []
        probes: tuple[str, ...] = ()
        flags = {"once": False, "sticky": False, "fallback": False}
        feedback = ""
        for attr in attrs.attrs:
            col = attr.offset + 1
            value = attr.value or ""
            if attr.key == "if":
                condition_text = value
                try:
                    condition = ex.parse_condition(value)
                except ex.ExprError as exc:
                    self._expr_error(exc, number, col, len('if="'))
            elif attr.key == "set":
                effects_text = value
                try:
                    effects = tuple(ex.parse_effects(value))
                except ex.ExprError as exc:
                    self._expr_error(exc, number, col, len('set="'))
            elif attr.key in flags:
                flags[attr.key] = True
            elif attr.key == "practice":
                for item in value.split():
                    kind, sep, pid_ = item.partition(":")
                    if not sep or kind not in ("good", "poor") or not pid_:
                        self.diags.error(
                            "C007",
                            _("Write practice=good:ID or practice=poor:ID, not '{item}'.").format(
                                item=item
                            ),
                            number,
                            col,
                        )
                    else:
                        practices.append(PracticeRef(kind, pid_))
            elif attr.key == "probes":
                probes = tuple(value.split())
            elif attr.key == "feedback":
                feedback = value
            else:
                self.diags.warning(
                    "C009",
                    _("Unknown choice attribute '{key}'; choices take {known}.").format(
                        key=attr.key, known=", ".join(CHOICE_KEYS)
                    ),
                    number,
                    col,
                )
        if flags["once"] and flags["sticky"]:
            self.diags.error(
                "C012", _("A choice cannot be both 'once' and 'sticky'."), number, label_col
            )
        return Choice(
            passage=pid,
            number=index,
            label=label,
            target=target,
            line=number,
            column=label_col,
            condition=condition,
            condition_text=condition_text,
            effects=effects,
            effects_text=effects_text,
            once=flags["once"],
            fallback=flags["fallback"],
            practices=tuple(practices),
            probes=probes,
            feedback=feedback,
        )

    def _expr_error(self, exc: ex.ExprError, number: int, col: int, prefix: int) -> None:
        self.diags.error(
            "X001",
            _("Expression error: {message}.").format(message=exc.message),
            number,
            col + prefix + exc.column,
        )
