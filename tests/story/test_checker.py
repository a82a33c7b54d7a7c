"""One failing example per diagnostic code, each pinned to its severity, line and column.

Every example is a small inline story that differs from a clean one by a single mistake,
so the test also shows what the author wrote to get the message.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

from trainer.starter import TEMPLATE
from trainer.story.catalogue import Catalogue
from trainer.story.compiler import compile_story
from trainer.story.diagnostics import Diagnostic, Severity
from trainer.story.loader import check_files

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SOURCE = Path(__file__).resolve().parents[2] / "trainer"

BASE = """\
## Start {#start}

Hello.

- [Go](#end)

## End {#end .ending outcome=good referrals=""}

Bye.
"""

LOOP = """\
## Start {#start}

- [Loop](#start){if="not done"}
- [Finish](#end){if="done"}

## End {#end .ending outcome=good referrals=""}
"""

GATED = """\
## Start {#start}

- [Ask](#q){if="trust >= 1"}
- [Leave](#end)

## Q {#q}

- [Done](#end)

## End {#end .ending outcome=good referrals=""}
"""

ORIGINAL = """\
## Start {#start}

**Aibek:** [I work every night.]{indicator=excessive-hours}

- [Ask more](#more){once}
- [Go](#end){fallback}

## More {#more}

Nothing more.

- [Back](#start)

## End {#end .ending outcome=good referrals=""}
"""


MakeStory = t.Callable[..., str]
Build = t.Callable[[MakeStory], str | bytes]


def story(body: str, **front: t.Any) -> Build:
    """A story from ``body``, built later by the ``make_story`` fixture."""
    return lambda make: make(body, **front)


def raw(text: str | bytes) -> Build:
    """A file's exact content, front matter and all."""
    return lambda _make: text


# The original with its first two passages swapped (the start stays 'start').
SWAPPED = """\
## More {#more}

Nothing more.

- [Back](#start)

## Start {#start}

**Aibek:** [I work every night.]{indicator=excessive-hours}

- [Ask more](#more){once}
- [Go](#end){fallback}

## End {#end .ending outcome=good referrals=""}
"""

# Front matter written out by hand, for examples that break the file itself.
FRONT = """\
---
id: test-story
title: A test story
language: en
summary: A story written inline by a test.
roles: [police]
minutes: 5
content_note: "None."
indicators: []
ideal_referrals: []
---

"""


def base(**front: t.Any) -> Build:
    return story(BASE, **front)


def edit(old: str, new: str, **front: t.Any) -> Build:
    assert old in BASE
    return story(BASE.replace(old, new), **front)


def original(body: str = ORIGINAL, **front: t.Any) -> Build:
    defaults: dict[str, t.Any] = {
        "id": "case",
        "indicators": ["excessive-hours"],
        "characters": ["Aibek"],
    }
    return story(body, **{**defaults, **front})


def translation(body: str = ORIGINAL, **front: t.Any) -> Build:
    return original(body, **{"language": "ru", **front})


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


@dataclass
class Case:
    """A story (or folder of files), the code it must produce and where."""

    code: str
    severity: Severity
    text: Build | None = None
    line: int | str = 0  # a number, or a piece of text whose line is meant
    column: int | str | None = None  # a number, a piece of text, or None: not checked
    files: dict[str, Build] | None = None  # for the file-level checks (translations, IO)
    target: str = ""  # the file of ``files`` the diagnostic is about

    def where(self, source: str) -> tuple[int, int | None]:
        line = line_of(source, self.line) if isinstance(self.line, str) else self.line
        column = self.column
        if isinstance(column, str):  # the column of this text on that line
            column = source.split("\n")[line - 1].index(column) + 1
        return line, column


def in_folder(code: str, severity: Severity, files: dict[str, Build], line: int | str) -> Case:
    """A check of a folder whose diagnostic is about its last file, at column 1."""
    return Case(code, severity, files=files, target=list(files)[-1], line=line, column=1)


def stamped(translates: str) -> dict[str, Build]:
    """An original and a translation of it that records ``translates``."""
    return {"case.md": original(), "case.ru.md": translation(translates=translates)}


UNREADABLE = "broken.md"

CASES = [
    # --- attribute lists -------------------------------------------------------------
    Case("A001", ERROR, edit("{#start}", "{#start"), "## Start", "{#start"),
    Case("A001", ERROR, edit("Hello.", "[Hello]{indicator=x"), "[Hello]", "{indicator"),
    Case("A002", ERROR, edit("(#end)", '(#end){feedback="x"once}'), "- [Go]", "once}"),
    Case("A002", ERROR, edit("(#end)", '(#end){feedback="x}'), "- [Go]", '"x}'),
    Case("A003", WARNING, edit("{#start}", "{#start} trailing"), "## Start", " trailing"),
    # --- choices -----------------------------------------------------------------------
    Case("C001", ERROR, edit("- [Go](#end)", "- [Go](#end)\n- [Lost](#nowhere)"), "[Lost]", "["),
    Case("C002", ERROR, edit("[Go]", "[]"), "- []", "[]"),
    Case("C003", WARNING, edit("- [Go](#end)", "- [Go](#end)\n- [go](#end)"), "[go]", "[go]"),
    Case("C004", ERROR, edit("- [Go](#end)", "- [Go](#end)\n- just text"), "just text", 1),
    Case("C004", ERROR, edit("(#end)", "(#end) trailing"), "- [Go]", "trailing"),
    Case("C005", ERROR, edit("(#end)", "(#end){once}"), "- [Go]", 1),
    Case("C006", ERROR, edit("(#end)", "(#end){practice=good:nonsense}"), "- [Go]", "[Go]"),
    Case(
        "C007",
        ERROR,
        edit("(#end)", "(#end){practice=great:open-questions}"),
        "- [Go]",
        "practice=",
    ),
    Case("C009", WARNING, edit("(#end)", "(#end){colour=red}"), "- [Go]", "colour"),
    Case(
        "C010",
        WARNING,
        edit("- [Go](#end)", "- [Go](#end)\n- [A](#end){fallback}\n- [B](#end){fallback}"),
        "- [B]",
        "[B]",
    ),
    Case("C011", WARNING, edit("Hello.", "- [Early](#end)\n\nHello."), "[Early]", 1),
    Case("C012", ERROR, edit("(#end)", "(#end){once sticky}"), "- [Go]", "[Go]"),
    # --- dynamic checks (simulated play) ----------------------------------------------
    Case(
        "D001",
        ERROR,
        story(GATED.replace("- [Leave](#end)\n", ""), variables={"trust": 0}),
        "## Start",
        1,
    ),
    Case("D002", ERROR, story(LOOP, variables={"done": False}), "## Start", 1),
    Case(
        "D003",
        INFO,
        story(
            BASE.replace("- [Go](#end)", '- [Again](#start){set="n += 1"}\n- [Go](#end)'),
            variables={"n": 0},
        ),
        1,
        1,
    ),
    Case("D004", WARNING, story(GATED, variables={"trust": 0}), "## Q", 1),
    # --- front matter ------------------------------------------------------------------
    Case("F001", ERROR, raw("Some text\n\n" + BASE), 1, 1),
    Case("F002", ERROR, raw("---\nid: x\n\n" + BASE), 1, 1),
    Case("F003", ERROR, raw(FRONT.replace('"None."', "@bad") + BASE), "@bad", "@"),
    Case("F004", ERROR, raw("---\n- a\n- b\n---\n\n" + BASE), 2, 0),
    Case("F005", ERROR, base(summary=None), 1, 1),
    Case("F006", ERROR, base(minutes="five"), "minutes:", 1),
    Case("F006", ERROR, base(pass_mark=101), "pass_mark:", 1),
    Case("F006", ERROR, base(roles=[]), "roles:", 1),
    Case("F006", ERROR, base(variables={"role": 1}), "variables:", 1),
    Case("F007", WARNING, base(colour="red"), "colour:", 1),
    Case("F008", ERROR, base(roles=["astronaut"]), "roles:", 1),
    Case("F011", ERROR, base(start="nowhere"), "start:", 1),
    Case("F012", ERROR, base(translates="3F290FEE99BA"), "translates:", 1),  # upper case
    Case("F012", ERROR, base(translates="3f290fee"), "translates:", 1),  # too short
    Case("F012", ERROR, base(translates=["3f290fee99ba"]), "translates:", 1),
    # --- indicators and cues -----------------------------------------------------------
    Case("I001", ERROR, edit("Hello.", "Well. [Hello]{indicator=made-up}"), "[Hello]", "[Hello]"),
    Case(
        "I002",
        ERROR,
        edit("Hello.", "[Hello]{indicator=violence}", indicators=["coercion-destination.violence"]),
        "[Hello]",
        "[Hello]",
    ),
    Case("I003", WARNING, base(indicators=["document-retention"]), "indicators:", 1),
    Case("I004", WARNING, edit("Hello.", "[Hello]{indicator=document-retention}"), "[Hello]", 1),
    Case("I005", ERROR, edit("Hello.", "Say [Hello]{colour=red}"), "[Hello]", "{colour"),
    Case(
        "I007",
        ERROR,
        edit("Hello.", "[I keep\nthe passports]{indicator=document-retention}"),
        "the passports]",
        "]{indicator",
    ),
    Case(
        "I006",
        ERROR,
        edit("Hello.", "Say [ ]{indicator=document-retention}", indicators=["document-retention"]),
        "Say",
        "[ ]",
    ),
    # --- speakers, media ---------------------------------------------------------------
    Case("K001", WARNING, edit("Hello.", "**Ruslan:** Hello."), "Ruslan", "Ruslan"),
    Case("M001", WARNING, edit("Hello.", "A shed: ![](shed.jpg)"), "shed.jpg", "![]"),
    # --- passages ----------------------------------------------------------------------
    Case("P001", ERROR, edit("## Start {#start}", "## Start"), "## Start", 1),
    Case(
        "P002",
        ERROR,
        story(BASE + '\n## Again {#end .ending outcome=good referrals=""}\n'),
        "## Again",
        1,
    ),
    Case("P003", ERROR, story("Only text.\n"), "Only text.", None),
    Case("P004", ERROR, edit("{#start}", "{#Start}"), "## Start", "#Start"),
    Case("P005", WARNING, story("Stray text.\n\n" + BASE), "Stray text.", 1),
    Case("P006", WARNING, story(BASE + "\n## Lost {#lost}\n\n- [Back](#end)\n"), "## Lost", 1),
    Case(
        "P007",
        ERROR,
        story(
            BASE.replace("- [Go](#end)", "- [Go](#end)\n- [Wait](#dead)")
            + "\n## Dead {#dead}\n\nNothing.\n"
        ),
        "## Dead",
        1,
    ),
    Case("P008", ERROR, story(BASE + "\n- [More](#start)\n"), "[More]", 1),
    Case("P009", ERROR, edit(" outcome=good", ""), "## End", 1),
    Case("P010", ERROR, edit("outcome=good", "outcome=great"), "## End", "outcome=great"),
    Case(
        "P011",
        ERROR,
        story(
            BASE.replace("- [Go](#end)", "- [Go](#end)\n- [Wander](#loop)")
            + "\n## Loop {#loop}\n\n- [Round](#loop)\n"
        ),
        "## Loop",
        1,
    ),
    Case("P012", WARNING, edit("{#start}", "{#start mood=dark}"), "## Start", "mood"),
    Case("P012", WARNING, edit("{#start}", "{#start .intro}"), "## Start", 1),
    Case("P013", ERROR, edit("{#start}", "{#start outcome=good}"), "## Start", "outcome"),
    Case("P014", ERROR, edit("Hello.", "[a](" * 1500), "[a]([a](", 4001),
    # --- referrals ---------------------------------------------------------------------
    Case("R001", ERROR, edit('referrals=""', 'referrals="spa"'), "## End", 1),
    Case("R001", ERROR, base(ideal_referrals=["spa"]), "ideal_referrals:", 1),
    # --- the file itself ---------------------------------------------------------------
    Case("S001", ERROR, raw(b"\x00\x01\x02"), 1, 1),
    Case("S001", ERROR, raw(FRONT.encode() + b"## Caf\xe9 {#x}\n"), "## Caf", "\ufffd"),
    Case("S002", ERROR, raw(" \n\n\t\n"), 1, 1),
    Case("S003", ERROR, raw("x" * 2_000_001), 0, 0),
    Case("S004", ERROR, files={}, target=UNREADABLE, line=0, column=0),
    # --- translations ------------------------------------------------------------------
    Case("T001", ERROR, files={"case.ru.md": translation()}, target="case.ru.md", line=1, column=1),
    Case(
        "T002",
        ERROR,
        files={
            "case.md": original(),
            "case.ru.md": translation(
                ORIGINAL + '\n## Extra {#extra .ending outcome=good referrals=""}\n'
            ),
        },
        target="case.ru.md",
        line="## Extra",
        column=1,
    ),
    Case(
        "T003",
        ERROR,
        files={
            "case.md": original(),
            "case.ru.md": translation(ORIGINAL.replace("(#more){once}", "(#more){once probes=x}")),
        },
        target="case.ru.md",
        line="- [Ask more]",
        column=1,
    ),
    Case(
        "T004",
        ERROR,
        files={
            "case.md": original(),
            "case.ru.md": translation(ORIGINAL.replace("indicator=excessive-hours", "indicator=x")),
        },
        target="case.ru.md",
        line="I work every night",
        column=1,
    ),
    Case(
        "T005",
        ERROR,
        files={"case.md": original(), "case.ru.md": translation(language="ky")},
        target="case.ru.md",
        line="language:",
        column=1,
    ),
    Case(
        "T006",
        ERROR,
        files={"case.md": original(), "case.ru.md": translation(id="other")},
        target="case.ru.md",
        line="id:",
        column=1,
    ),
    Case(
        "T007",
        ERROR,
        files={"case.md": original(), "case.ru.md": translation(pass_mark=50)},
        target="case.ru.md",
        line="pass_mark:",
        column=1,
    ),
    Case(
        "T008",
        WARNING,
        files={"case.md": original(), "case.ru.md": translation(SWAPPED, start="start")},
        target="case.ru.md",
        line=1,
        column=1,
    ),
    in_folder("T009", WARNING, {"case.md": original(translates="3f290fee99ba")}, "translates:"),
    in_folder("T010", WARNING, stamped("000000000000"), "translates:"),  # not case.md's hash
    in_folder("T011", INFO, {"case.md": original(), "case.ru.md": translation()}, 1),
    # --- expressions -------------------------------------------------------------------
    Case(
        "X001",
        ERROR,
        edit("(#end)", '(#end){if="trust >"}', variables={"trust": 0}),
        "- [Go]",
        '"}',
    ),
    Case(
        "X001",
        ERROR,
        edit("(#end)", '(#end){set="trust + 1"}', variables={"trust": 0}),
        "- [Go]",
        "+ 1",
    ),
    Case("X002", ERROR, edit("(#end)", '(#end){if="mystery > 1"}'), "- [Go]", "[Go]"),
    Case("X002", ERROR, edit("(#end)", '(#end){set="mystery = 1"}'), "- [Go]", "[Go]"),
    Case("X003", WARNING, base(variables={"unused": 0}), "variables:", 1),
    Case(
        "X004", ERROR, edit("(#end)", '(#end){if="trust"}', variables={"trust": 0}), "[Go]", "[Go]"
    ),
    Case(
        "X004",
        ERROR,
        edit("(#end)", '(#end){set="asked += 1"}', variables={"asked": False}),
        "[Go]",
        "[Go]",
    ),
    Case(
        "X005",
        WARNING,
        edit(
            "- [Go](#end)", '- [Go](#end)\n- [Never](#end){if="trust > 5"}', variables={"trust": 0}
        ),
        "[Never]",
        "[Never]",
    ),
    Case("X006", ERROR, edit("(#end)", '(#end){if="visited(nowhere)"}'), "[Go]", "[Go]"),
    Case("X007", ERROR, edit("(#end)", "(#end){if=\"role == 'astronaut'\"}"), "[Go]", "[Go]"),
    Case(
        "X007",
        WARNING,
        edit("- [Go](#end)", "- [Go](#end)\n- [Badge](#end){if=\"role == 'ngo'\"}"),
        "[Badge]",
        "[Badge]",
    ),
]


def _diagnostics(
    case: Case, make_story: MakeStory, catalogue: Catalogue, tmp_path: Path
) -> tuple[list[Diagnostic], str]:
    """Run the check the way ``trainer check`` does; return the diagnostics and source."""
    if case.files is None:
        assert case.text is not None
        data = case.text(make_story)
        source = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        return compile_story(data, catalogue, "story.md").diagnostics, source
    sources = {name: build(make_story) for name, build in case.files.items()}
    for name, text in sources.items():
        (tmp_path / name).write_text(str(text), encoding="utf-8")
    if case.code == "S004":
        (tmp_path / UNREADABLE).mkdir()  # a folder named like a story cannot be read
    results = check_files([tmp_path], catalogue)
    found = [d for r in results if r.path.name == case.target for d in r.diagnostics]
    return found, str(sources.get(case.target, ""))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_each_code_has_a_failing_example(
    case: Case, make_story: MakeStory, catalogue: Catalogue, tmp_path: Path
):
    diagnostics, source = _diagnostics(case, make_story, catalogue, tmp_path)
    found = [d for d in diagnostics if d.code == case.code]
    assert found, f"{case.code} not reported: {[d.format() for d in diagnostics]}"
    line, column = case.where(source)
    places = [(d.severity, d.line, d.column if column is not None else None) for d in found]
    assert (case.severity, line, column) in places
    assert all(d.message.strip() for d in found)


def test_every_code_in_the_source_has_an_example():
    emitted: set[str] = set()
    for path in [*SOURCE.glob("story/*.py"), SOURCE / "cli.py"]:
        emitted |= set(re.findall(r'"([A-Z]\d{3})"', path.read_text(encoding="utf-8")))
    assert len(emitted) >= 60
    assert emitted - {c.code for c in CASES} == set()


def test_the_base_stories_are_clean(make_story: MakeStory, catalogue: Catalogue):
    clean = [base(), original(), story(GATED.replace('{if="trust >= 1"}', ""))]
    for build in clean:
        assert compile_story(build(make_story), catalogue).diagnostics == []


def test_the_starter_story_is_clean(catalogue: Catalogue):
    compiled = compile_story(TEMPLATE.format(id="starter"), catalogue)
    assert compiled.ok and compiled.diagnostics == []
    assert compiled.exploration is not None and compiled.exploration.complete


def test_diagnostics_are_sorted_and_formatted(make_story: MakeStory, catalogue: Catalogue):
    text = make_story(BASE.replace("- [Go](#end)", "- [Go](#end)\n- [go](#x)\n- [Y](#end){z=1}"))
    found = compile_story(text, catalogue, "s.md").diagnostics
    assert len(found) >= 3
    assert [(d.line, d.column) for d in found] == sorted((d.line, d.column) for d in found)
    d = found[0]
    assert d.format() == f"s.md:{d.line}:{d.column}: {d.severity.label} {d.code}: {d.message}"
    assert d.to_dict() == {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "file": "s.md",
        "line": d.line,
        "column": d.column,
    }


@pytest.mark.parametrize("broken", ["{#start", "{# start}", '{#start key="x}'])
def test_a_broken_heading_is_one_mistake_not_two(
    broken: str, make_story: MakeStory, catalogue: Catalogue
):
    """A broken attribute list is not also reported as a passage without an id."""
    text = make_story(BASE.replace("{#start}", broken))
    codes = [d.code for d in compile_story(text, catalogue).diagnostics]
    assert codes in (["A001"], ["A002"])


def test_a_broken_expression_does_not_make_its_variable_unused(
    make_story: MakeStory, catalogue: Catalogue
):
    text = make_story(BASE.replace("(#end)", '(#end){if="trust >"}'), variables={"trust": 0})
    assert [d.code for d in compile_story(text, catalogue).diagnostics] == ["X001"]


def test_an_unclosed_front_matter_still_reads_fields_and_passages(
    make_story: MakeStory, catalogue: Catalogue
):
    text = make_story(BASE).replace("---\n\n## Start", "\n## Start", 1)
    assert [d.code for d in compile_story(text, catalogue).diagnostics] == ["F002"]


def test_a_yaml_error_is_reported_once(catalogue: Catalogue):
    text = FRONT.replace("title: A test story", "title: [unclosed") + BASE
    assert [d.code for d in compile_story(text, catalogue).diagnostics] == ["F003"]


def test_short_ids_resolve_to_full_ids(make_story: MakeStory, catalogue: Catalogue):
    body = BASE.replace("Hello.", "[Hello]{indicator=document-retention}")
    body = body.replace("(#end)", "(#end){practice=good:open-questions probes=document-retention}")
    body = body.replace('referrals=""', 'referrals="referral.nrm"')
    text = make_story(
        body, indicators=["coercion-destination.document-retention"], ideal_referrals=["nrm"]
    )
    compiled = compile_story(text, catalogue)
    assert compiled.diagnostics == []
    assert compiled.story is not None
    passages = compiled.story.passages
    choice = passages["start"].choices[0]
    assert choice.probes == ("coercion-destination.document-retention",)
    assert choice.practices[0].practice == "practice.open-questions"
    assert passages["start"].cues[0].indicators == choice.probes
    assert compiled.story.meta.ideal_referrals == passages["end"].referrals == ("referral.nrm",)


def test_a_story_with_errors_is_not_explored(make_story: MakeStory, catalogue: Catalogue):
    compiled = compile_story(make_story(BASE.replace("(#end)", "(#nowhere)")), catalogue)
    assert not compiled.ok and compiled.exploration is None
    assert compiled.count("error") >= 1 and compiled.count("info") == 0


def test_exploration_forgets_what_cannot_matter(make_story: MakeStory, catalogue: Catalogue):
    """Once-questions of a hub left for good do not multiply the states that follow."""
    hub = """
## Hub {{#hub{i}}}

- [A{i}](#a{i}){{once}}
- [B{i}](#b{i}){{once}}
- [On{i}](#{next})

## A {{#a{i}}}

- [Back](#hub{i})

## B {{#b{i}}}

- [Back](#hub{i})
"""
    body = "".join(hub.format(i=i, next=f"hub{i + 1}" if i < 5 else "end") for i in range(6))
    body += '\n## End {#end .ending outcome=good referrals=""}\n'
    compiled = compile_story(make_story(body), catalogue)
    assert compiled.diagnostics == []
    assert compiled.exploration is not None and compiled.exploration.complete
    # Per hub: 4 used-sets at the hub, 2 at A and 2 at B; then the ending.
    assert compiled.exploration.states == 6 * 8 + 1


def test_visited_facts_are_kept_while_a_later_passage_tests_them(
    make_story: MakeStory, catalogue: Catalogue
):
    """Forgetting visited() facts must not lose one that a later passage still tests."""
    body = """
## Start {#start}

- [Look around](#yard)
- [Go straight in](#office)

## Yard {#yard}

- [Go in](#office)

## Office {#office}

- [Mention the yard](#end){if="visited(yard)"}
- [Leave](#end)

## End {#end .ending outcome=good referrals=""}
"""
    compiled = compile_story(make_story(body), catalogue)
    assert compiled.diagnostics == []
    exploration = compiled.exploration
    assert exploration is not None
    assert "office:1" in exploration.true_conditions
