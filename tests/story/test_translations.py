"""Translations: same passages, choices and cues as the original; only words change."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from trainer.story.catalogue import Catalogue, build_catalogue
from trainer.story.diagnostics import Diagnostics
from trainer.story.loader import check_files, load_catalogue
from trainer.story.model import Story
from trainer.story.parser import parse_story
from trainer.story.translations import compare_translation

MakeStory = t.Callable[..., str]

ORIGINAL = """\
## Arrival {#arrival}

**Ruslan:** [I will answer for him.]{indicator=third-party-speaks}

- [Talk to Aibek alone](#alone){practice=good:separate-from-companion set="trust += 1"}
- [Leave](#end-missed){feedback="You left too early."}

## Alone {#alone}

**Aibek:** [The foreman keeps our passports.]{indicator=document-retention}

- [Refer him](#end-good){if="trust >= 1"}
- [Leave](#end-missed)

## Referred {#end-good .ending outcome=good referrals="nrm"}

## Nothing found {#end-missed .ending outcome=missed referrals=""}
"""

RUSSIAN = """\
## Прибытие {#arrival}

**Руслан:** [Я отвечу за него.]{indicator=third-party-speaks}

- [Поговорить с Айбеком наедине](#alone){practice=good:separate-from-companion set="trust+=1"}
- [Уйти](#end-missed){feedback="Вы ушли слишком рано."}

## Наедине {#alone}

**Айбек:** [Бригадир держит наши паспорта.]{indicator=document-retention}

- [Направить его](#end-good){if="trust>=1"}
- [Уйти](#end-missed)

## Направлен {#end-good .ending outcome=good referrals="nrm"}

## Ничего не найдено {#end-missed .ending outcome=missed referrals=""}
"""

FRONT: dict[str, t.Any] = {
    "id": "site",
    "variables": {"trust": 0},
    "indicators": ["third-party-speaks", "document-retention"],
    "ideal_referrals": ["nrm"],
}


def story(text: str) -> Story:
    parsed = parse_story(text)
    assert parsed.story is not None
    return parsed.story


def compare(make_story: MakeStory, translated: str, **front: t.Any) -> list[tuple[str, int]]:
    diags = Diagnostics("site.ru.md")
    original = story(make_story(ORIGINAL, **FRONT))
    text = make_story(translated, **{**FRONT, "language": "ru", **front})
    compare_translation(original, story(text), diags)
    return [(d.code, d.line) for d in diags.items]


def test_a_faithful_translation_has_no_differences(make_story: MakeStory):
    assert compare(make_story, RUSSIAN, characters=["Руслан", "Айбек"]) == []


def test_labels_feedback_titles_and_prose_may_change(make_story: MakeStory):
    changed = RUSSIAN.replace("Вы ушли слишком рано.", "Иначе.").replace("Наедине", "Один")
    assert compare(make_story, changed) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("(#end-good){if", "(#end-missed){if"),  # another target
        ('if="trust>=1"', 'if="trust>=2"'),  # another condition
        ('set="trust+=1"', 'set="trust+=2"'),  # another effect
        ("good:separate-from-companion", "poor:separate-from-companion"),  # another practice
        ("- [Уйти](#end-missed)\n\n## Направлен", "\n## Направлен"),  # a choice dropped
    ],
)
def test_a_changed_choice_is_t003(make_story: MakeStory, old: str, new: str):
    assert old in RUSSIAN
    codes = [code for code, _line in compare(make_story, RUSSIAN.replace(old, new))]
    assert codes == ["T003"]


def test_a_changed_ending_is_t003(make_story: MakeStory):
    changed = RUSSIAN.replace('referrals="nrm"', 'referrals="shelter"')
    lines = make_story(changed, **FRONT).split("\n")
    ending = next(n for n, line in enumerate(lines, 1) if "{#end-good" in line)
    assert compare(make_story, changed) == [("T003", ending)]


def test_a_changed_cue_is_t004(make_story: MakeStory):
    changed = RUSSIAN.replace("indicator=document-retention", "indicator=debt-bondage")
    assert [c for c, _l in compare(make_story, changed)] == ["T004"]


def test_missing_extra_and_reordered_passages(make_story: MakeStory):
    missing = RUSSIAN.split("## Ничего не найдено")[0].replace("(#end-missed)", "(#end-good)")
    assert ("T002", 1) in compare(make_story, missing)
    extra = RUSSIAN + '\n## Ещё {#more .ending outcome=good referrals=""}\n'
    assert [c for c, _l in compare(make_story, extra)] == ["T002"]
    first, rest = RUSSIAN.split("## Наедине")
    reordered = "## Наедине" + rest.split("## Направлен")[0] + first + "## Направлен"
    reordered += rest.split("## Направлен")[1]
    assert [c for c, _l in compare(make_story, reordered, start="arrival")] == ["T008"]


@pytest.mark.parametrize(
    "front",
    [
        {"indicators": ["document-retention"]},
        {"ideal_referrals": ["nrm", "shelter"]},
        {"roles": ["ngo"]},
        {"variables": {"trust": 1}},
        {"victim": "child"},
        {"pass_mark": 50},
    ],
)
def test_front_matter_that_shapes_the_case_must_not_change(
    make_story: MakeStory, front: dict[str, t.Any]
):
    assert [c for c, _l in compare(make_story, RUSSIAN, **front)] == ["T007"]


def test_the_id_must_stay(make_story: MakeStory):
    assert [c for c, _l in compare(make_story, RUSSIAN, id="other")] == ["T006"]


def test_check_files_compares_translations_with_their_original(
    make_story: MakeStory, catalogue: Catalogue, tmp_path: Path
):
    english = make_story(ORIGINAL, **FRONT, characters=["Ruslan", "Aibek"])
    (tmp_path / "site.md").write_text(english, encoding="utf-8")
    russian = RUSSIAN.replace("trust>=1", "trust>=3")
    front = {**FRONT, "language": "ru", "characters": ["Руслан", "Айбек"]}
    (tmp_path / "site.ru.md").write_text(make_story(russian, **front), encoding="utf-8")
    results = {r.path.name: r for r in check_files([tmp_path], catalogue)}
    assert results["site.md"].original is None
    assert results["site.ru.md"].original == tmp_path / "site.md"
    assert [d.code for d in results["site.md"].diagnostics] == []
    assert [d.code for d in results["site.ru.md"].diagnostics if d.code.startswith("T")] == ["T003"]


def test_catalogue_translations_replace_labels_only(catalogue: Catalogue):
    folder = Path(__file__).resolve().parents[2] / "stories" / "catalogue"
    russian = load_catalogue(folder, "ru")
    assert set(russian.indicators) == set(catalogue.indicators)
    ind = "coercion-destination.document-retention"
    assert russian.indicators[ind].label != catalogue.indicators[ind].label
    assert russian.indicators[ind].strength == catalogue.indicators[ind].strength
    assert russian.indicators[ind].dimension == catalogue.indicators[ind].dimension
    assert russian.roles["police"].label != catalogue.roles["police"].label
    assert any("\u0400" <= ch <= "\u04ff" for ch in russian.roles["police"].label)


def test_a_catalogue_translation_changes_words_only():
    base = build_catalogue(
        {"indicators": [{"id": "a.b", "label": "Passport kept", "strength": "strong"}]}
    )
    assert base.localised({}).indicators["a.b"].label == "Passport kept"
    overlay = {"indicators": {"a.b": {"label": "Паспорт", "strength": "weak", "id": "x"}}}
    localised = base.localised(overlay).indicators["a.b"]
    assert localised.label == "Паспорт"
    assert (localised.id, localised.strength) == ("a.b", "strong")
