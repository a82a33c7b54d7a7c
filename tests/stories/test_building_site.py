"""The `building-site` module: debt bondage on a Bishkek building site, foreman holds passports.

Plays the story with the pure runtime (no browser, no database): a scripted good interview
by a labour inspector that ends in a full referral, two harmful ones (a police officer who
treats Aibek as the offender, an inspector who confronts the foreman before Aibek is safe),
and the good path again in the Russian and the Kyrgyz translations.
"""

from __future__ import annotations

from tests.stories.playthrough import (
    CATALOGUE,
    STORIES,
    Step,
    compile_file,
    cued_on_path,
    play,
)
from trainer.story import make_debrief

START = "arrival"
ORIGINAL = "building-site.md"
RUSSIAN = "building-site.ru.md"
KYRGYZ = "building-site.ky.md"

FALSE_JOB = "deceptive-recruitment.false-job-promise"
FALSE_WAGES = "deceptive-recruitment.false-wages"
FALSE_CONDITIONS = "deceptive-recruitment.false-conditions"
DEBT_CREATED = "coercive-recruitment.debt-created"
ECONOMIC_NEED = "vulnerability-recruitment.economic-need"
HOURS = "exploitative-conditions.excessive-hours"
NO_PAY = "exploitative-conditions.low-or-no-pay"
DEDUCTIONS = "exploitative-conditions.wage-deductions"
BAD_LIVING = "exploitative-conditions.bad-living"
HAZARDOUS = "exploitative-conditions.hazardous-work"
NO_RIGHTS = "exploitative-conditions.no-labour-rights"
DOCUMENTS = "coercion-destination.document-retention"
DEBT_BONDAGE = "coercion-destination.debt-bondage"
DENUNCIATION = "coercion-destination.denunciation-threat"
COACHED = "coercion-destination.coached-story"
DEPENDENCY = "vulnerability-destination.dependency"
THIRD_PARTY = "presentation.third-party-speaks"
NO_MONEY = "presentation.no-own-money"
INJURIES = "presentation.fear-or-injuries"

IDEAL = ("referral.nrm", "referral.shelter", "referral.medical", "referral.legal-aid")

# Written into the case notes on arrival, before the first choice.
START_NOTES = (HAZARDOUS,)  # no rails, no helmets, no harnesses on the fifth floor

# The good interview, played as a labour inspector: (choice key, passage it leads to,
# indicators the learner writes into the case notes on arriving there).
GOOD_PATH: list[Step] = [
    ("arrival:1", "foreman", ()),
    ("foreman:1", "paperwork", (NO_RIGHTS, DEDUCTIONS)),  # labour-inspector branch
    ("paperwork:1", "ledger-photo", (DEBT_BONDAGE,)),  # photograph the notebook
    ("ledger-photo:2", "passports-ruslan", (DOCUMENTS,)),
    ("passports-ruslan:1", "line-up", (INJURIES, THIRD_PARTY)),
    ("line-up:5", "separate", ()),  # Azamat takes Ruslan to the cabin
    ("separate:1", "needs", (HOURS,)),  # water first (trust 1)
    ("needs:1", "intro", ()),  # name, job, may stop (trust 2)
    ("intro:2", "hub", ()),  # honest limits of confidentiality (trust 3)
    ("hub:1", "q-recruitment", (FALSE_JOB, ECONOMIC_NEED)),
    ("q-recruitment:1", "q-advert", (FALSE_WAGES, FALSE_CONDITIONS)),
    ("q-advert:1", "hub", ()),  # asks before photographing the advert
    ("hub:2", "q-day", ()),
    ("q-day:1", "hub", ()),
    ("hub:3", "q-living", (BAD_LIVING, DEPENDENCY)),  # the sleeping area was not visited
    ("q-living:1", "hub", ()),
    ("hub:4", "q-pay", (NO_PAY, NO_MONEY)),
    ("q-pay:1", "hub", ()),
    ("hub:5", "q-debt", (DEBT_CREATED,)),  # shown after q-pay or the ledger
    ("q-debt:1", "hub", ()),
    ("hub:6", "q-ledger", ()),  # shown because debt-bondage is in the case notes
    ("q-ledger:1", "hub", ()),  # any seizure is of the whole site, not because of him
    ("hub:7", "q-contract", ()),  # labour-inspector only
    ("q-contract:1", "hub", ()),
    ("hub:9", "q-passport", ()),  # trust >= 2; the guarded version is gone
    ("q-passport:1", "hub", ()),
    ("hub:11", "q-leave", (DENUNCIATION, COACHED)),  # q-warned stays hidden: not alerted
    ("q-leave:1", "hub", ()),
    ("hub:12", "decide", ()),  # the fallback, once every open question is asked
    ("decide:1", "offer-help", ()),
    ("offer-help:2", "aibek-decides", ()),  # honest about what can happen today
    ("aibek-decides:1", "fears", ()),
    ("fears:1", "plan", ()),
    ("plan:1", "passport-back", ()),  # passport_secured
    ("passport-back:2", "evidence", ()),  # labour-inspector, ledger seen
    ("evidence:1", "call-ngo", ()),
    ("call-ngo:1", "clinic", ()),  # medical
    ("clinic:1", "flat", ()),
    ("flat:1", "file", ()),
    ("file:1", "end-referral", ()),
]

# Police officer: walks straight at the workers, questions Aibek in front of the foreman,
# calls him a victim, threatens him over the passport the foreman took, books him.
OFFENDER_PATH: list[Step] = [
    ("arrival:2", "scaffold", ()),
    ("scaffold:2", "line-up", ()),
    ("line-up:1", "in-front", ()),  # asked in front of Ruslan
    ("in-front:2", "separate", ()),
    ("separate:3", "labels", ()),  # «you are a trafficking victim, I will rescue you»
    ("labels:1", "hub", ()),
    ("hub:8", "q-passport-guarded", ()),  # trust < 2
    ("q-passport-guarded:2", "q-threatened", ()),  # police only
    ("q-threatened:2", "decide", ()),
    ("decide:4", "station", ()),  # police only
    ("station:1", "end-offender", ()),
]

# Labour inspector: lets the foreman interpret, then repeats Aibek's words to him.
MOVED_PATH: list[Step] = [
    ("arrival:1", "foreman", ()),
    ("foreman:3", "line-up", ()),
    ("line-up:3", "ruslan-interprets", ()),
    ("ruslan-interprets:2", "separate", ()),
    ("separate:2", "intro", ()),
    ("intro:1", "hub", ()),  # promises total confidentiality
    ("hub:1", "q-recruitment", ()),
    ("q-recruitment:5", "decide", ()),
    ("decide:2", "confront", ()),
    ("confront:2", "end-moved", ()),
]


def test_original_compiles_cleanly() -> None:
    assert compile_file(ORIGINAL, clean=True).id == "building-site"


def test_translations_compile_cleanly() -> None:
    for name, language in ((RUSSIAN, "ru"), (KYRGYZ, "ky")):
        story = compile_file(name, clean=True)
        assert story.id == "building-site"
        assert story.meta.language == language


def test_good_path_identifies_and_refers() -> None:
    story = compile_file(ORIGINAL)
    state = play(story, "labour-inspector", GOOD_PATH, start=START, start_notes=START_NOTES)
    assert state.finished and state.passage == "end-referral"
    assert state.variables["passport_secured"] is True
    assert state.variables["medical"] is True
    assert state.variables["ruslan_alerted"] is False
    assert state.variables["trust"] == 5

    d = make_debrief(story, state, CATALOGUE)
    assert d.outcome == "good"
    cued = cued_on_path(story, state)
    # Every indicator of the case is in front of the learner on this path.
    assert cued == {r.indicator for r in d.indicators if r.in_case}
    assert len(cued) == 19
    assert {r.indicator for r in d.by_status("noticed")} == cued
    assert d.by_status("missed") == []
    assert d.by_status("not-uncovered") == []
    assert d.by_status("false-flag") == []
    assert d.referrals_made == IDEAL
    assert d.referrals_missing == ()
    assert all(p.kind == "good" for p in d.practices)
    assert {p.practice for p in d.practices} == {
        "practice.separate-from-companion",
        "practice.immediate-needs",
        "practice.informed-consent",
        "practice.explain-role-and-limits",
        "practice.open-questions",
        "practice.protect-identity",
        "practice.referral-ready",
        "practice.no-false-promises",
        "practice.safety-first",
        "practice.minimise-repeat-interviews",
    }
    assert all(p.feedback for p in d.practices)
    present = {x.dimension for x in d.dimensions if x.noticed}
    # Deceptive recruitment (DR), exploitation (EX), coercion at destination (CD).
    assert {"DR", "EX", "CD"} <= present
    assert d.trafficking_noticed
    assert d.missed_strong == ()
    assert d.passed


def test_harmful_path_as_police_reports_missed_indicators_and_broken_practices() -> None:
    story = compile_file(ORIGINAL)
    state = play(story, "police", OFFENDER_PATH, start=START)
    assert state.finished and state.passage == "end-offender"
    assert state.notes == ()

    d = make_debrief(story, state, CATALOGUE)
    assert d.outcome == "harmful"
    missed = {r.indicator: r for r in d.by_status("missed")}
    assert set(missed) == {HAZARDOUS, THIRD_PARTY, INJURIES, COACHED} == cued_on_path(story, state)
    where: dict[str, tuple[str, str]] = {}
    for indicator, result in missed.items():
        assert result.where is not None
        passage = story.passages[result.where.passage]
        cue = next(c for c in passage.cues if indicator in c.indicators)
        assert result.where.text == cue.text
        where[indicator] = (result.where.passage, result.where.text)
    assert where[HAZARDOUS] == (
        "arrival",
        "men carry blocks along planks with no rails, no helmets and no harnesses",
    )
    assert where[THIRD_PARTY] == (
        "scaffold",
        "Talk to me, the boys don't understand Russian well. I'll tell you everything.",
    )
    assert where[INJURIES] == ("line-up", "a grubby bandage on his palm, eyes fixed on the ground")
    # The first place the coached answer was shown, not the later «it's at home».
    assert where[COACHED] == (
        "in-front",
        "We are relatives, we help Ruslan-baike, the money comes at the end.",
    )
    assert d.by_status("noticed") == []
    assert set(d.missed_strong) <= set(missed)

    broken = [p for p in d.practices if p.kind == "poor"]
    assert [(p.choice, p.practice) for p in broken] == [
        ("line-up:1", "practice.separate-from-companion"),
        ("separate:3", "practice.ask-facts-not-labels"),
        ("separate:3", "practice.no-false-promises"),
        ("q-passport-guarded:2", "practice.no-deportation-threats"),
        ("decide:4", "practice.non-judgemental"),
    ]
    assert all(p.feedback for p in broken)
    assert d.referrals_made == ()
    assert d.referrals_missing == IDEAL
    assert d.passed is False


def test_harmful_path_as_inspector_ends_with_the_workers_moved() -> None:
    story = compile_file(ORIGINAL)
    state = play(story, "labour-inspector", MOVED_PATH, start=START)
    assert state.finished and state.passage == "end-moved"
    assert state.variables["ruslan_alerted"] is True

    d = make_debrief(story, state, CATALOGUE)
    assert d.outcome == "harmful"
    missed = {r.indicator: r for r in d.by_status("missed")}
    assert set(missed) == cued_on_path(story, state)
    assert {FALSE_JOB, ECONOMIC_NEED, THIRD_PARTY, INJURIES, HAZARDOUS} <= set(missed)
    for indicator, result in missed.items():
        assert result.where is not None
        cue = next(
            c for c in story.passages[result.where.passage].cues if indicator in c.indicators
        )
        assert result.where.text == cue.text
    assert missed[THIRD_PARTY].where is not None
    assert missed[THIRD_PARTY].where.passage == "line-up"
    assert missed[THIRD_PARTY].where.text == "He's shy. Ask me, I'll answer for him."

    broken = [(p.choice, p.practice) for p in d.practices if p.kind == "poor"]
    assert broken == [
        ("line-up:3", "practice.independent-interpreter"),
        ("intro:1", "practice.explain-role-and-limits"),
        ("decide:2", "practice.safety-first"),
    ]
    assert d.referrals_made == ()
    assert d.passed is False


def test_translations_play_the_same_good_path() -> None:
    original = compile_file(ORIGINAL)
    en = play(original, "labour-inspector", GOOD_PATH, start=START, start_notes=START_NOTES)
    d_en = make_debrief(original, en, CATALOGUE)
    noticed_en = {r.indicator for r in d_en.by_status("noticed")}
    assert len(noticed_en) == 19

    for name, language in ((RUSSIAN, "ru"), (KYRGYZ, "ky")):
        translated = compile_file(name)
        assert translated.id == original.id == "building-site"
        assert translated.meta.language == language
        tr = play(translated, "labour-inspector", GOOD_PATH, start=START, start_notes=START_NOTES)
        assert tr.path == en.path, language
        assert tr.passage == "end-referral"
        assert tr.variables == en.variables

        d = make_debrief(translated, tr, CATALOGUE)
        assert d.outcome == "good"
        assert {r.indicator for r in d.by_status("noticed")} == noticed_en, language
        assert d.by_status("missed") == []
        assert [p.practice for p in d.practices] == [p.practice for p in d_en.practices]
        assert d.referrals_made == IDEAL
        assert d.referrals_missing == ()
        assert d.score == d_en.score
        assert d.passed


def test_kyrgyz_speakers_are_listed_characters() -> None:
    text = (STORIES / KYRGYZ).read_text(encoding="utf-8")
    story = compile_file(KYRGYZ)
    speakers = {
        line.split(":**", 1)[0].removeprefix("**")
        for line in text.splitlines()
        if line.startswith("**") and ":**" in line
    }
    assert speakers == {"Айбек", "Руслан", "Нурлан", "Азамат", "Гүлнара"}
    assert speakers <= set(story.meta.characters)
