"""Translations: same passages, choices and cues as the original; only words change.

And each records the version of the original it renders (``translates:``).
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from trainer.story.catalogue import Catalogue, build_catalogue
from trainer.story.diagnostics import Diagnostic, Diagnostics, Severity
from trainer.story.loader import check_files, load_catalogue, stamp_file
from trainer.story.model import Story
from trainer.story.parser import parse_story
from trainer.story.translations import (
    FRESHNESS_CODES,
    Freshness,
    StampError,
    compare_translation,
    freshness,
    hash_prefix,
    stamp,
)

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


def russian(make_story: MakeStory, translated: str, **front: t.Any) -> str:
    """The text of a translation of ORIGINAL that records the original's version."""
    version = hash_prefix(story(make_story(ORIGINAL, **FRONT)))
    return make_story(translated, **{**FRONT, "language": "ru", "translates": version, **front})


def compare(make_story: MakeStory, translated: str, **front: t.Any) -> list[tuple[str, int]]:
    diags = Diagnostics("site.ru.md")
    original = story(make_story(ORIGINAL, **FRONT))
    compare_translation(original, story(russian(make_story, translated, **front)), diags)
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
    lines = russian(make_story, changed).split("\n")
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
    changed = RUSSIAN.replace("trust>=1", "trust>=3")
    version = hash_prefix(story(english))
    text = russian(make_story, changed, characters=["Руслан", "Айбек"], translates=version)
    (tmp_path / "site.ru.md").write_text(text, encoding="utf-8")
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


# --- which version of the original a translation renders (translates:) -------------------


def freshness_of(make_story: MakeStory, **front: t.Any) -> list[Diagnostic]:
    diags = Diagnostics("site.ru.md")
    original = story(make_story(ORIGINAL, **FRONT))
    compare_translation(original, story(russian(make_story, RUSSIAN, **front)), diags)
    return [d for d in diags.items if d.code in FRESHNESS_CODES]


def test_a_translation_of_the_current_original_is_up_to_date(make_story: MakeStory):
    original = story(make_story(ORIGINAL, **FRONT))
    translation = story(russian(make_story, RUSSIAN))
    assert freshness(original, translation).state == "current"
    assert translation.meta.translates == hash_prefix(original) == original.content_hash[:12]
    assert freshness_of(make_story) == []


def test_a_changed_original_makes_the_translation_stale_t010(make_story: MakeStory):
    text = russian(make_story, RUSSIAN)
    edited = story(make_story(ORIGINAL.replace("too early", "much too early"), **FRONT))
    diags = Diagnostics("site.ru.md")
    compare_translation(edited, story(text), diags)
    old, new = story(text).meta.translates, hash_prefix(edited)
    assert old != new
    assert freshness(edited, story(text)) == Freshness(old, new)
    assert freshness(edited, story(text)).state == "stale"
    [found] = [d for d in diags.items if d.code in FRESHNESS_CODES]
    assert (found.code, found.severity, found.column) == ("T010", Severity.WARNING, 1)
    assert found.line == text.split("\n").index(f'translates: "{old}"') + 1
    assert f"translates: {old}, original is now {new}" in found.message
    assert found.message.endswith(f"then set translates: {new}.")


def test_no_translates_cannot_be_tracked_t011(make_story: MakeStory):
    original = story(make_story(ORIGINAL, **FRONT))
    [found] = freshness_of(make_story, translates=None)
    assert (found.code, found.severity, found.line, found.column) == ("T011", Severity.INFO, 1, 1)
    assert f"translates: {hash_prefix(original)}" in found.message
    assert "cannot be tracked" in found.message


def test_a_malformed_translates_is_only_f012(make_story: MakeStory, catalogue: Catalogue):
    assert freshness_of(make_story, translates="not-a-hash") == []
    text = russian(make_story, RUSSIAN, translates="not-a-hash")
    assert [d.code for d in parse_story(text).diagnostics] == ["F012"]


def test_translates_in_an_original_is_t009(
    make_story: MakeStory, catalogue: Catalogue, tmp_path: Path
):
    text = make_story(ORIGINAL, **FRONT, characters=["Ruslan", "Aibek"], translates="3f290fee99ba")
    (tmp_path / "site.md").write_text(text, encoding="utf-8")
    [result] = check_files([tmp_path], catalogue)
    assert [(d.code, d.severity, d.line) for d in result.diagnostics] == [
        ("T009", Severity.WARNING, text.split("\n").index('translates: "3f290fee99ba"') + 1)
    ]


FILE = (
    "---\n"
    "id: site\n"
    "language: ru\n"
    "summary: |\n"
    "  translates: not a field, inside a block of text\n"
    "---\n"
    "\n"
    "## Прибытие {#arrival}\n"
)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_stamp_adds_one_line_and_keeps_every_other_byte(end: str, bom: str):
    data = (bom + FILE.replace("\n", end)).encode("utf-8")
    stamped = stamp(data, "3f290fee99ba")
    assert (stamped.before, stamped.after) == ("", "3f290fee99ba")
    line = f"translates: 3f290fee99ba{end}".encode()
    assert stamped.data.count(line) == 1
    assert stamped.data.replace(line, b"", 1) == data
    assert stamped.data.index(line) == data.index(f"{end}---{end}".encode()) + len(end)
    parsed = parse_story(stamped.data)
    assert parsed.story is not None and parsed.story.meta.translates == "3f290fee99ba"
    assert parsed.story.meta.summary.startswith("translates: not a field")
    assert stamp(stamped.data, "3f290fee99ba").data == stamped.data  # stamping twice: no change


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("translates: 000000000000", "translates: 3f290fee99ba"),
        ('translates:  "000000000000"  # by Aida\r', "translates:  3f290fee99ba  # by Aida\r"),
        ("translates:", "translates: 3f290fee99ba"),
        ("translates : 0 ", "translates : 3f290fee99ba "),
    ],
)
def test_stamp_replaces_only_the_value(line: str, expected: str):
    data = FILE.replace("language: ru\n", f"language: ru\n{line}\n").encode()
    stamped = stamp(data, "3f290fee99ba")
    assert stamped.data == data.replace(f"{line}\n".encode(), f"{expected}\n".encode())
    assert stamped.before == line.partition(":")[2].split("#")[0].strip().strip('"')


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"## Arrival {#arrival}\n", "does not start with front matter"),
        (b"---\nid: site\n\n## Arrival {#arrival}\n", "not closed"),
        (b"---\ntitle: \xcf\xf0\xe8\n---\n", "not valid UTF-8"),
        (b"", "does not start with front matter"),
    ],
)
def test_stamp_refuses_a_file_without_front_matter(data: bytes, reason: str):
    with pytest.raises(StampError, match=reason):
        stamp(data, "3f290fee99ba")


def test_a_stamped_translation_checks_up_to_date(
    make_story: MakeStory, catalogue: Catalogue, tmp_path: Path
):
    english = make_story(ORIGINAL, **FRONT, characters=["Ruslan", "Aibek"])
    (tmp_path / "site.md").write_text(english, encoding="utf-8")
    front = {**FRONT, "language": "ru", "characters": ["Руслан", "Айбек"]}
    path = tmp_path / "site.ru.md"
    path.write_text(make_story(RUSSIAN, **front), encoding="utf-8")

    def codes() -> list[str]:
        results = {r.path.name: r for r in check_files([tmp_path], catalogue)}
        return [d.code for d in results["site.ru.md"].diagnostics if d.code.startswith("T")]

    assert codes() == ["T011"]
    assert stamp_file(path).after == hash_prefix(story(english))
    assert codes() == []
    (tmp_path / "site.md").write_text(english.replace("too early", "late"), encoding="utf-8")
    assert codes() == ["T010"]
    stamped = stamp_file(path)
    assert stamped.before == hash_prefix(story(english)) != stamped.after
    assert codes() == []
