"""Attribute lists ``{#id .class key=value key="two words" flag}``."""

from __future__ import annotations

import pytest

from trainer.story.attrs import Attr, AttrError, find_close, parse_attrs, unclosed_quote


def test_id_classes_values_and_flags():
    attrs = parse_attrs('#end-good .ending outcome=good referrals="nrm medical" once')
    assert attrs.ident == "end-good" and attrs.ident_offset == 0
    assert attrs.classes == ["ending"]
    assert attrs.attrs == [
        Attr("outcome", "good", 18),
        Attr("referrals", "nrm medical", 31),
        Attr("once", None, 55),
    ]
    assert attrs.get("referrals") == Attr("referrals", "nrm medical", 31)
    assert attrs.get("missing") is None


def test_single_quotes_empty_values_and_base_offset():
    attrs = parse_attrs('feedback=\'He said "no".\' referrals="" x=', base=10)
    assert attrs.attrs == [
        Attr("feedback", 'He said "no".', 10),
        Attr("referrals", "", 35),
        Attr("x", "", 48),
    ]


def test_braces_inside_quotes_are_values():
    assert parse_attrs('feedback="a {b} c"').attrs == [Attr("feedback", "a {b} c", 0)]


def test_empty_list():
    attrs = parse_attrs("   ")
    assert attrs.ident is None and attrs.classes == [] and attrs.attrs == []


@pytest.mark.parametrize(
    ("body", "offset", "message"),
    [
        ("# x", 0, "'#' must be followed by a name"),
        ("a .", 2, "'.' must be followed by a name"),
        ('ke"y=1', 2, "unexpected '\"' in a name"),
        ('a="x"b', 5, "put a space between attributes"),
        ('a=x"y"', 3, "quote the whole value"),
        ("=x", 0, "needs a name before '='"),
        ('a="open', 2, "has no closing"),
    ],
)
def test_errors_carry_an_offset(body: str, offset: int, message: str):
    with pytest.raises(AttrError) as info:
        parse_attrs(body, base=100)
    assert info.value.offset == 100 + offset
    assert message in info.value.message


def test_find_close_skips_quoted_braces():
    text = '[x]{feedback="}" once} tail'
    assert find_close(text, 3) == text.index("} tail")
    assert find_close("{never", 0) == -1
    assert find_close("{'}", 0) == -1


def test_unclosed_quote_finds_the_quote_that_swallowed_the_brace():
    assert unclosed_quote('{a="x}', 0) == 3
    assert unclosed_quote("{a='x' b}", 0) == -1
    assert unclosed_quote("{a=x", 0) == -1  # nothing open: only the '}' is missing
