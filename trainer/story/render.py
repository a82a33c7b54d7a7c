"""Prose → safe HTML: Markdown with a fixed extension set, then an allow-list sanitiser.

Authors' Markdown is untrusted (stories can be uploaded), so the rendered HTML passes
through ``nh3`` (the Rust ``ammonia`` sanitiser): raw ``<script>``, event attributes and
``javascript:`` links are removed whatever the author wrote. Cues become ``<span>``
elements with an id, so the debrief can link to and highlight the exact sentence.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

from trainer.story.attrs import find_close
from trainer.story.parser import CUE_START, FENCE

EXTENSIONS = ["tables", "sane_lists", "smarty"]
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "span",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"id", "class"},
    "th": {"align"},
    "td": {"align"},
}
_CUE_MARK = "\u2063cue{n}\u2063"


def _cue_spans(
    text: str, passage_id: str, highlight: set[int] | None
) -> tuple[str, dict[str, str]]:
    """Replace cue markup by placeholders; return the text and placeholder → opening tag."""
    out: list[str] = []
    tags: dict[str, str] = {}
    number = 0
    in_fence = False
    for line in text.split("\n"):
        # Number cues exactly as the parser does (never inside a code fence), so the
        # debrief's cue numbers point at the right span.
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            out.append(line)
            continue
        pos = 0
        pieces: list[str] = []
        for m in CUE_START.finditer(line):
            if m.start() < pos:
                continue
            close = find_close(line, m.end() - 1)
            if close == -1:
                break
            number += 1
            classes = "cue cue-highlight" if highlight and number in highlight else "cue"
            start_mark, end_mark = _CUE_MARK.format(n=f"s{number}"), _CUE_MARK.format(n="e")
            anchor = html.escape(f"cue-{passage_id}-{number}")
            tags[start_mark] = f'<span id="{anchor}" class="{classes}">'
            tags[end_mark] = "</span>"
            pieces.append(line[pos : m.start()])
            pieces.append(start_mark + m.group("text") + end_mark)
            pos = close + 1
        pieces.append(line[pos:])
        out.append("".join(pieces))
    return "\n".join(out), tags


def render_markdown(text: str, passage_id: str = "p", highlight: set[int] | None = None) -> str:
    """Render a passage's prose to sanitised HTML.

    :param highlight: cue numbers to mark with ``cue-highlight`` (the debrief's "here").
    """
    # The placeholders use U+2063; an author's own U+2063 could forge one, so drop it.
    prepared, tags = _cue_spans(text.replace("\u2063", ""), passage_id, highlight)
    # Raw HTML written by the author is shown as text, never interpreted.
    prepared = prepared.replace("<", "&lt;")
    rendered = markdown.markdown(prepared, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    for mark, tag in tags.items():
        clean = clean.replace(mark, tag)
    return re.sub("\u2063cue[se]\\d*\u2063", "", clean)


def render_inline(text: str) -> str:
    """Render a one-line label (a choice, a feedback text) without block elements."""
    html_text = render_markdown(text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", html_text.strip(), flags=re.S)
