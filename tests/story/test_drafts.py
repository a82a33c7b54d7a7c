"""Drafts: the ``draft`` front-matter key and the one-line edits that publish a file."""

from __future__ import annotations

import pytest

from trainer.story.edit import EditError, set_key
from trainer.story.parser import parse_story
from trainer.story.translations import hash_prefix

STORY = """---
id: tiny
title: Tiny
language: en
summary: One room.   # a comment that must survive
roles: [police]
minutes: 1
content_note: none
indicators: []
ideal_referrals: []
---

## Room {#room .ending outcome=good}

Nothing here.
"""


def test_draft_is_read_from_the_front_matter():
    assert parse_story(STORY).story.meta.draft is False
    drafted = STORY.replace("minutes: 1", "minutes: 1\ndraft: true")
    assert parse_story(drafted).story.meta.draft is True


def test_a_draft_value_that_is_not_true_or_false_is_an_error_on_its_line():
    result = parse_story(STORY.replace("minutes: 1", "minutes: 1\ndraft: soon"))
    errors = [d for d in result.diagnostics if d.code == "F006"]
    assert (
        len(errors) == 1
        and errors[0].line == 8
        and "'draft' must be true or false" in (errors[0].message)
    )
    assert result.story.meta.draft is False


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_set_key_adds_and_removes_one_line_and_keeps_every_other_byte(end: str):
    data = ("\ufeff" + STORY).replace("\n", end).encode("utf-8")
    added = set_key(data, "draft", "true")
    assert added.before == "" and added.after == "true"
    assert added.data.replace(f"draft: true{end}".encode(), b"") == data
    assert added.data.count(f"draft: true{end}---".encode()) == 1  # last line of the front matter
    removed = set_key(added.data, "draft", None)
    assert removed.data == data and removed.before == "true" and removed.after == ""


def test_set_key_changes_an_existing_value_and_keeps_its_comment():
    data = STORY.replace("minutes: 1", "draft:   true  # not yet").encode()
    edited = set_key(data, "draft", "false")
    assert b"draft:   false  # not yet\n" in edited.data
    assert edited.data.replace(b"false", b"true") == data


def test_set_key_leaves_the_body_alone():
    data = STORY.replace("Nothing here.", "draft: true is prose here, not front matter.").encode()
    edited = set_key(data, "draft", None)
    assert edited.data == data and edited.before == ""


@pytest.mark.parametrize("data", [b"no front matter\n", b"---\nid: x\n", b"\xff\xfe"])
def test_set_key_refuses_what_it_cannot_edit(data: bytes):
    with pytest.raises(EditError):
        set_key(data, "draft", "true")


def test_publishing_does_not_make_translations_stale():
    """Removing the draft line gives the hash the translations recorded."""
    published = parse_story(STORY).story
    drafted = parse_story(set_key(STORY.encode(), "draft", "true").data).story
    assert drafted.content_hash != published.content_hash  # a different version to play
    assert hash_prefix(drafted) == hash_prefix(published)
