"""The parser: one test per construct of docs/story-format.md, on inline Markdown."""

from __future__ import annotations

import json
import typing as t

import pytest

from trainer.story.expr import Binary, Literal, Var
from trainer.story.model import PracticeRef
from trainer.story.parser import content_hash, parse_story

MakeStory = t.Callable[..., str]

STORY = """\
# The building site

## Arrival at the site {#arrival}

The site is loud. A man in a clean jacket walks over.

**Ruslan:** He is shy. [I will answer for him.]{indicator=third-party-speaks}
**Aibek**: [We sleep in the shed]{indicator="bad-living excessive-hours"} and work.

### A note

![A plywood partition with mattresses](shed.jpg)

- [See the shed alone](#shed){practice=good:open-questions set="trust += 1; asked = true"}
- [Ask in front](#shed){practice="poor:safety-first good:open-questions" feedback="Not free."}
- [Who has the passports](#end-good){probes="document-retention bad-living" if="trust>=1" once}
- [Keep asking](#arrival){sticky}
- [Leave](#end-missed){fallback}

## The shed {#shed}

Mattresses on the floor.

- [Go back](#arrival)

## Referred {#end-good .ending outcome=good referrals="nrm medical"}

You call the hotline.

## Nothing found {#end-missed .ending outcome=missed referrals=""}
"""


def parse(text: str) -> t.Any:
    result = parse_story(text, "s.md")
    assert result.story is not None
    return result


def test_front_matter_is_typed(make_story: MakeStory):
    text = make_story(
        '## A {#a .ending outcome=good referrals=""}',
        roles=["police", "ngo"],
        victim="child",
        characters=["Aibek"],
        variables={"trust": 0, "asked": False},
        indicators=["document-retention"],
        ideal_referrals=["nrm"],
        pass_mark=60,
        start="a",
        minutes=15,
    )
    result = parse(text)
    meta = result.story.meta
    assert result.diagnostics == []
    assert (meta.id, meta.title, meta.language) == ("test-story", "A test story", "en")
    assert meta.roles == ("police", "ngo")
    assert meta.victim == "child" and meta.minutes == 15 and meta.pass_mark == 60
    assert meta.variables == {"trust": 0, "asked": False}
    assert isinstance(meta.variables["asked"], bool)
    assert meta.indicators == ("document-retention",) and meta.ideal_referrals == ("nrm",)
    assert meta.characters == ("Aibek",) and meta.start == "a"
    assert meta.field_lines["roles"] == text.split("\n").index('roles: ["police", "ngo"]') + 1


def test_front_matter_defaults(make_story: MakeStory):
    meta = parse(make_story("## A {#a}\n\n- [x](#a)")).story.meta
    assert meta.victim == "adult" and meta.pass_mark == 70
    assert meta.characters == () and meta.variables == {} and meta.start == ""


@pytest.mark.parametrize(
    "written",
    [
        "3f290fee99ba",
        '"3f290fee99ba"',
        "3f290fee99ba  # reviewed in May",
        "123456789012",  # YAML would read a number
        "012345670123",  # ... an octal number
        "0b0101010101",  # ... a binary number
    ],
)
def test_translates_is_read_as_written(make_story: MakeStory, written: str):
    text = make_story("## A {#a}\n\n- [x](#a)").replace(
        "---\n\n", f"translates: {written}\n---\n\n"
    )
    result = parse(text)
    assert result.diagnostics == []
    expected = written.split()[0].strip('"')
    assert result.story.meta.translates == expected
    assert (
        result.story.meta.field_lines["translates"]
        == text.split("\n").index(f"translates: {written}") + 1
    )


def test_translates_defaults_to_nothing(make_story: MakeStory):
    meta = parse(make_story("## A {#a}\n\n- [x](#a)")).story.meta
    assert meta.translates == "" and "translates" not in meta.field_lines


@pytest.mark.parametrize(
    "value", ["3F290FEE99BA", "3f290fee99b", "3f290fee99bab", "3f290fee99bg", "", 12, True, []]
)
def test_a_malformed_translates_is_f012(make_story: MakeStory, value: t.Any):
    text = make_story("## A {#a}\n\n- [x](#a)", translates=value)
    result = parse_story(text, "s.ru.md")
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [
        ("F012", text.split("\n").index(f"translates: {json.dumps(value)}") + 1, 1)
    ]
    assert result.diagnostics[0].file == "s.ru.md"
    assert "trainer stamp" in result.diagnostics[0].message
    assert result.story is not None and result.story.meta.translates == ""


def test_a_space_separated_string_is_a_list(make_story: MakeStory):
    meta = parse(make_story("## A {#a}\n\n- [x](#a)", roles="police ngo")).story.meta
    assert meta.roles == ("police", "ngo")


def test_passages_in_order_with_ids_titles_and_lines(make_story: MakeStory):
    text = make_story(STORY)
    result = parse(text)
    assert result.diagnostics == []
    story = result.story
    assert list(story.passages) == ["arrival", "shed", "end-good", "end-missed"]
    arrival = story.passages["arrival"]
    assert arrival.title == "Arrival at the site"
    lines = text.split("\n")
    assert arrival.line == lines.index("## Arrival at the site {#arrival}") + 1
    assert arrival.body_line == arrival.line + 2
    assert story.start == "arrival"  # no 'start': the first passage


def test_level_one_heading_is_ignored_and_level_three_is_prose(make_story: MakeStory):
    story = parse(make_story(STORY)).story
    arrival = story.passages["arrival"]
    assert "The building site" not in arrival.body
    assert "### A note" in arrival.body
    assert "- [Ask" not in arrival.body  # choices are not prose


def test_endings_have_outcome_and_referrals(make_story: MakeStory):
    story = parse(make_story(STORY)).story
    good, missed = story.passages["end-good"], story.passages["end-missed"]
    assert good.is_ending and good.outcome == "good" and good.referrals == ("nrm", "medical")
    assert missed.is_ending and missed.outcome == "missed" and missed.referrals == ()
    assert not story.passages["arrival"].is_ending


def test_choices_and_every_attribute(make_story: MakeStory):
    text = make_story(STORY)
    story = parse(text).story
    alone, front, passports, keep, leave = story.passages["arrival"].choices
    assert [c.number for c in (alone, front, passports, keep, leave)] == [1, 2, 3, 4, 5]
    assert alone.key == "arrival:1" and alone.target == "shed"
    assert alone.label == "See the shed alone"
    assert "[See the shed alone]" in text.split("\n")[alone.line - 1]
    assert alone.column == 3
    assert alone.practices == (PracticeRef("good", "open-questions"),)
    assert [e.name for e in alone.effects] == ["trust", "asked"]
    assert alone.effects_text == "trust += 1; asked = true"
    assert front.practices == (
        PracticeRef("poor", "safety-first"),
        PracticeRef("good", "open-questions"),
    )
    assert front.feedback == "Not free."
    assert passports.probes == ("document-retention", "bad-living")
    assert passports.once and not passports.fallback
    assert passports.condition_text == "trust>=1"
    assert passports.condition == Binary(">=", Var("trust", 0), Literal(1), 5)
    assert not keep.once and not keep.fallback  # sticky is the default
    assert leave.fallback and leave.condition is None
    assert story.choice("arrival:3") is passports
    assert story.choice("arrival:9") is None and story.choice("nowhere:1") is None


def test_cues_with_text_line_column_and_number(make_story: MakeStory):
    text = make_story(STORY)
    story = parse(text).story
    first, second = story.passages["arrival"].cues
    assert first.indicators == ("third-party-speaks",)
    assert first.text == "I will answer for him."
    line = text.split("\n")[first.line - 1]
    assert line.startswith("**Ruslan:**") and line[first.column - 1] == "["
    assert first.number == 1 and second.number == 2
    assert second.indicators == ("bad-living", "excessive-hours")
    assert second.text == "We sleep in the shed"
    assert story.cue_passages()["excessive-hours"] == [(story.passages["arrival"], second)]


def test_speakers_in_both_forms(make_story: MakeStory):
    story = parse(make_story(STORY)).story
    speakers = story.passages["arrival"].speakers
    assert [s.name for s in speakers] == ["Ruslan", "Aibek"]
    assert speakers[0].column == 3


def test_headings_and_cues_inside_code_fences_are_prose(make_story: MakeStory):
    body = """\
## A {#a}

```
## Not a passage {#b}
[not a cue]{indicator=x}
```

[a cue]{indicator=document-retention}

- [x](#a)
"""
    story = parse(make_story(body)).story
    assert list(story.passages) == ["a"]
    assert [c.text for c in story.passages["a"].cues] == ["a cue"]
    assert story.passages["a"].cues[0].number == 1


def test_links_in_prose_are_not_choices(make_story: MakeStory):
    body = """\
## A {#a}

- [Read the law](https://example.org/law)
- an ordinary list

Then the choices:

- [Go](#a)
"""
    result = parse(make_story(body))
    assert [c.label for c in result.story.passages["a"].choices] == ["Go"]
    assert result.diagnostics == []


def test_crlf_bom_and_bytes_give_the_same_story(make_story: MakeStory):
    text = make_story(STORY)
    plain = parse(text).story
    crlf = parse("\ufeff" + text.replace("\n", "\r\n")).story
    raw = parse(("\ufeff" + text).encode("utf-8")).story
    assert crlf.passages == plain.passages == raw.passages
    assert crlf.content_hash == plain.content_hash == raw.content_hash == content_hash(text)


def test_content_hash_changes_with_the_text(make_story: MakeStory):
    a = parse(make_story(STORY)).story.content_hash
    b = parse(make_story(STORY.replace("loud", "quiet"))).story.content_hash
    assert a != b and len(a) == 64


def test_a_broken_file_still_yields_a_partial_story(make_story: MakeStory):
    text = make_story(STORY.replace("{#shed}", "{#shed", 1))
    result = parse_story(text)
    assert result.story is not None
    assert "arrival" in result.story.passages and "end-good" in result.story.passages
    assert [d.code for d in result.diagnostics] == ["A001"]


def test_nothing_usable_gives_no_story():
    for data in (b"\x00binary", "", "   \n"):
        result = parse_story(data)
        assert result.story is None and len(result.diagnostics) == 1


def test_diagnostics_carry_the_file_name(make_story: MakeStory):
    result = parse_story(make_story(STORY.replace("{#shed}", "")), "stories/x.md")
    assert result.diagnostics and all(d.file == "stories/x.md" for d in result.diagnostics)
