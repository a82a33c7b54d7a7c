"""Arbitrary and mutated input only ever yields diagnostics: never an exception, never a hang.

Example counts are modest so the file runs in well under 30 seconds; the mutations start
from the starter story, which uses every construct of the format.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.starter import TEMPLATE
from trainer.story.compiler import Compiled, compile_story
from trainer.story.debrief import make_debrief
from trainer.story.diagnostics import Diagnostic, Severity
from trainer.story.loader import load_catalogue
from trainer.story.render import render_markdown
from trainer.story.runtime import available_choices, choose, start

CATALOGUE = load_catalogue(Path(__file__).resolve().parents[2] / "stories" / "catalogue")
VALID = TEMPLATE.format(id="starter")
LINES = VALID.split("\n")
SECONDS = 5.0  # a bound on checking any one file: far above need, far below quadratic
INSERTS = ["{", "}", '"', "'", "[", "]", "(", ")", "#", "*", "**", "!", "- ", "## ", "---", "\t"]
PROPERTY = settings(
    max_examples=100,
    deadline=None,  # time is asserted below, against a bound meant for slow machines too
    database=None,  # leave no .hypothesis folder in the repository
    suppress_health_check=[HealthCheck.too_slow],
)


def check(data: str | bytes, play: bool = True) -> Compiled:
    """Compile, and require that the result is made of diagnostics only; a story that
    compiles is then rendered, played and debriefed too (unless ``play`` is false)."""
    started = time.perf_counter()
    compiled = compile_story(data, CATALOGUE, "fuzz.md")
    assert time.perf_counter() - started < SECONDS
    assert all(isinstance(d, Diagnostic) for d in compiled.diagnostics)
    assert all(isinstance(d.severity, Severity) and d.code for d in compiled.diagnostics)
    assert all(d.line >= 0 and d.column >= 0 for d in compiled.diagnostics)
    if compiled.story is None:
        assert compiled.diagnostics and not compiled.ok
    if compiled.ok and play:
        _play(compiled)
    return compiled


def _play(compiled: Compiled) -> None:
    """A story that compiles must also render, play and debrief without an exception."""
    story = compiled.story
    assert story is not None
    for passage in story.passages.values():
        render_markdown(passage.body, passage.id)
    rng = random.Random(0)
    state = start(story, story.meta.roles[0])
    for _ in range(30):
        options = available_choices(story, state)
        if not options:
            break
        state = choose(story, state, rng.choice(options).key)
    make_debrief(story, state, CATALOGUE)


def test_the_unmutated_story_is_clean():
    assert check(VALID).diagnostics == []


@PROPERTY
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str):
    check(text)


@PROPERTY
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes):
    check(data)


@PROPERTY
@given(st.lists(st.sampled_from([*INSERTS, "\n", " ", "a", "=", ";", "1"]), max_size=200))
def test_arbitrary_text_made_of_the_format_s_punctuation(pieces: list[str]):
    check("---\nid: x\n---\n## A {#a}\n" + "".join(pieces))


MUTATION = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate"]),
    st.integers(min_value=0, max_value=len(LINES) - 1),
    st.integers(min_value=0, max_value=len(LINES) - 1),
    st.sampled_from(INSERTS),
    st.integers(min_value=0, max_value=120),
)


def mutate(lines: list[str], mutations: list[tuple[str, int, int, str, int]]) -> str:
    lines = list(lines)
    for op, i, j, insert, column in mutations:
        if not lines:
            break
        i, j = i % len(lines), j % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = min(column, len(lines[i]))
            lines[i] = lines[i][:at] + insert + lines[i][at:]
        else:
            lines[i] = lines[i][: min(column, len(lines[i]))]
    return "\n".join(lines)


@PROPERTY
@given(st.lists(MUTATION, min_size=1, max_size=6))
def test_mutations_of_a_valid_story(mutations: list[tuple[str, int, int, str, int]]):
    check(mutate(LINES, mutations))


@PROPERTY
@given(st.lists(MUTATION, min_size=1, max_size=3), st.sampled_from(["utf-8", "utf-16", "cp1251"]))
def test_mutations_in_other_encodings(mutations: list[tuple[str, int, int, str, int]], codec: str):
    check(mutate(LINES, mutations).encode(codec, "replace"))


@PROPERTY
@given(st.text(max_size=60))
def test_arbitrary_expressions(expression: str):
    quoted = expression.replace('"', "'").replace("\n", " ")
    text = VALID.replace('if="trust >= 1"', f'if="{quoted}"')
    check(text.replace('set="trust += 1"', f'set="trust = {quoted}"'))


@PROPERTY
@given(st.text(max_size=300))
def test_arbitrary_front_matter(front: str):
    check(f'---\n{front}\n---\n\n## A {{#a .ending outcome=good referrals=""}}\n')


LONG = 200_000
PROSE = "You arrive at a sewing workshop."
CHOICE = "- [Thank them and leave](#end-missed)"


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        (PROSE, "[a]{" * (LONG // 4), False),  # unclosed cues
        (PROSE, '[a]{x="' * (LONG // 7), False),  # quotes that never close
        (PROSE, "**" + " " * LONG + "x", False),  # a line over 4,000 characters: P014
        (PROSE, "![](" * (LONG // 40), False),  # the same, made of images without alt text
        (CHOICE, CHOICE + '{if="' + "(" * LONG + '"}', False),  # absurd nesting
        (CHOICE, CHOICE + '{if="' + "1" * LONG + ' > 0"}', False),  # an absurd number
        (CHOICE, CHOICE + '{set="' + "trust = 1; " * (LONG // 11) + '"}', False),  # effects
        (CHOICE, CHOICE + "{" + "sticky " * (LONG // 7) + "}", True),  # a very long list
    ],
    ids=["cues", "quotes", "speaker", "images", "nesting", "number", "effects", "flags"],
)
def test_long_hostile_lines_are_checked_in_bounded_time(old: str, new: str, ok: bool):
    text = VALID.replace(old, new)
    assert len(text) < 2_000_000 and text != VALID
    # Only the checker's time is bounded here: Python-Markdown itself is slow on some of
    # these lines, and rendering is not checking.
    compiled = check(text, play=False)
    assert compiled.ok is ok
    if not ok:
        assert compiled.count("error") <= 3  # one mistake, not one per character


def test_a_long_heading_is_checked_in_bounded_time():
    text = VALID + "\n## a" + " " * LONG + "b {#zz}\n\n- [x](#end-missed)\n"
    assert [d.code for d in check(text, play=False).diagnostics] == ["P006"]


def test_lone_surrogates_are_a_diagnostic():
    assert [d.code for d in check(VALID.replace("Arrival", "Arr\ud800ival")).diagnostics] == [
        "S001"
    ]
