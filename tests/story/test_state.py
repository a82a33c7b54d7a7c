"""An attempt's state: serialisable, versioned, and strict about what it reads back."""

from __future__ import annotations

import json
import typing as t

import pytest

from trainer.story.state import FORMAT_VERSION, State, StateError

STATE = State(
    story_id="building-site",
    content_hash="ab" * 32,
    role="police",
    passage="shed",
    variables={"trust": 2, "asked": True},
    path=("arrival", "shed"),
    taken=("arrival:1",),
    notes=("coercion-destination.document-retention",),
    notes_at=((),),
    finished=False,
)


def test_round_trip_through_json():
    data = json.loads(json.dumps(STATE.to_dict()))
    assert data["format"] == FORMAT_VERSION
    assert State.from_dict(data) == STATE


def test_queries():
    assert STATE.step == 1
    assert STATE.visited("arrival") and not STATE.visited("end")
    assert STATE.noted("coercion-destination.document-retention") and not STATE.noted("x")


def broken(**changes: t.Any) -> dict[str, t.Any]:
    data = STATE.to_dict()
    for key, value in changes.items():
        if value is KeyError:
            del data[key]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "mapping"),
        (broken(format=2), "unsupported state format"),
        (broken(format=None), "unsupported state format"),
        (broken(role=KeyError), "missing field"),
        (broken(variables=[1]), "bad variables"),
        (broken(variables={"trust": [1]}), "bad variables"),
        (broken(path="arrival"), "expected a list"),
        (broken(taken=[1]), "expected text"),
        (broken(notes_at=[]), "inconsistent history"),
        (broken(path=["arrival"]), "inconsistent history"),
        (broken(story_id=7), "expected text"),
    ],
)
def test_what_was_not_written_by_us_is_refused(data: t.Any, message: str):
    with pytest.raises(StateError) as info:
        State.from_dict(data)
    assert message in str(info.value)
