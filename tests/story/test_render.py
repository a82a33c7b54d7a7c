"""Rendering prose: authors' Markdown can never put script into a learner's page."""

from __future__ import annotations

import re
import typing as t
from html.parser import HTMLParser

import pytest

from trainer.story.parser import parse_story
from trainer.story.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_inline, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "![x](data:text/html,<script>alert(1)</script>)",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    '[x](#a "title" onmouseover="alert(1)")',
    "[x]{indicator=y onclick=alert(1)}",
    "<<script>script>alert(1)<</script>/script>",
    "\u2063cues1\u2063 forged \u2063cuee\u2063",
]


DANGEROUS = {"script", "iframe", "svg", "object", "embed", "style", "form", "input", "math"}


class Tags(HTMLParser):
    """Every tag and attribute the browser would actually see."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_can_get_through(attack: str):
    html = render_markdown(f"Hello.\n\n{attack}\n\n**bold** [cue]{{indicator=x}}", "p")
    tags = Tags(html).tags
    assert {tag for tag, _a in tags} <= ALLOWED_TAGS - DANGEROUS
    for tag, attrs in tags:
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, attrs)
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        for name in ("href", "src"):
            scheme = attrs.get(name, "").strip().lower()
            assert not scheme.startswith(("javascript:", "data:", "vbscript:")), attrs
        if tag == "span":
            assert re.fullmatch(r"cue-p-\d+", attrs["id"]) and attrs["class"] == "cue"
    assert ("strong", {}) in tags  # the rest of the passage still renders
    real_cues = 1 + ("]{indicator" in attack)
    assert sum(1 for tag, _a in tags if tag == "span") == real_cues  # none forged


def test_raw_html_is_shown_as_text():
    html = render_markdown("Press <b>here</b> & <i>now</i>.")
    assert Tags(html).tags == [("p", {})]
    assert "&lt;b&gt;here&lt;/b&gt;" in html and "&lt;i&gt;now&lt;/i&gt;" in html
    assert "&amp;" in html


def test_safe_links_are_kept_and_marked():
    html = render_markdown("[law](https://example.org/law) and [mail](mailto:a@example.org)")
    assert '<a href="https://example.org/law" rel="noopener noreferrer nofollow">law</a>' in html
    assert 'href="mailto:a@example.org"' in html


def test_cues_become_spans_with_stable_ids():
    text = "**Ruslan:** [I keep them.]{indicator=document-retention} Then [he left]{indicator=x}."
    html = render_markdown(text, "arrival")
    assert '<span id="cue-arrival-1" class="cue">I keep them.</span>' in html
    assert '<span id="cue-arrival-2" class="cue">he left</span>' in html
    assert "indicator" not in html  # the learner sees only the words


def test_the_debrief_highlights_a_cue():
    text = "[one]{indicator=a} and [two]{indicator=b}"
    html = render_markdown(text, "p", highlight={2})
    assert '<span id="cue-p-1" class="cue">one</span>' in html
    assert '<span id="cue-p-2" class="cue cue-highlight">two</span>' in html


def test_cue_numbers_match_the_parser(make_story: t.Callable[..., str]):
    body = """\
## A {#a}

```
[not a cue]{indicator=x}
```

[first]{indicator=document-retention} and [second]{indicator=debt-bondage}

- [x](#a)
"""
    story = parse_story(make_story(body)).story
    assert story is not None
    passage = story.passages["a"]
    html = render_markdown(passage.body, passage.id)
    for cue in passage.cues:
        assert f'<span id="cue-a-{cue.number}" class="cue">{cue.text}</span>' in html
    assert [c.number for c in passage.cues] == [1, 2]


def test_an_odd_passage_id_cannot_break_out_of_the_attribute():
    html = render_markdown("[x]{indicator=y}", '"><script>alert(1)</script>')
    assert "<script" not in html and 'id="cue-&quot;&gt;&lt;script&gt;' in html


def test_markdown_still_works():
    html = render_markdown("*em* and **strong**\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    for tag in ("<em>em</em>", "<strong>strong</strong>", "<li>one</li>", "<table>", "<td>1</td>"):
        assert tag in html
    assert '<img alt="A shed" src="shed.jpg">' in render_markdown("![A shed](shed.jpg)")


def test_render_inline_has_no_paragraph():
    assert render_inline("Ask *him*") == "Ask <em>him</em>"
    assert "<script" not in render_inline("<script>x</script>")
