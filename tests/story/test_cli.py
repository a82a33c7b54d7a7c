"""The ``trainer`` command's story commands, run through click's CliRunner."""

from __future__ import annotations

import hashlib
import json
import shutil
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main

MakeStory = t.Callable[..., str]
CATALOGUE = Path(__file__).resolve().parents[2] / "stories" / "catalogue"

CLEAN = """\
## Start {#start}

- [Finish](#end)

## End {#end .ending outcome=good referrals=""}
"""


@pytest.fixture
def stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stories folder with the shipped catalogue; the working directory is its parent."""
    folder = tmp_path / "stories"
    folder.mkdir()
    shutil.copytree(CATALOGUE, folder / "catalogue")
    monkeypatch.chdir(tmp_path)
    return folder


def run(*args: str, input: str | None = None) -> t.Any:
    return CliRunner().invoke(main, list(args), input=input)


def test_check_a_clean_folder(stories: Path, make_story: MakeStory):
    (stories / "clean.md").write_text(make_story(CLEAN), encoding="utf-8")
    result = run("check")  # default: stories/
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 file(s) checked: 0 error(s), 0 warning(s)."


def test_check_reports_errors_with_their_place_and_exits_1(stories: Path, make_story: MakeStory):
    text = make_story(CLEAN.replace("(#end)", "(#nowhere)"))
    (stories / "bad.md").write_text(text, encoding="utf-8")
    line = text.split("\n").index("- [Finish](#nowhere)") + 1
    result = run("check", str(stories / "bad.md"))
    assert result.exit_code == 1
    assert f"stories/bad.md:{line}:3: error C001: " in result.output
    assert "error(s)" in result.output.splitlines()[-1]


def test_warnings_alone_do_not_fail(stories: Path, make_story: MakeStory):
    (stories / "warn.md").write_text(make_story(CLEAN, colour="red"), encoding="utf-8")
    result = run("check", str(stories))
    assert result.exit_code == 0
    assert "warning F007" in result.output and "0 error(s), 1 warning(s)" in result.output


def test_check_json(stories: Path, make_story: MakeStory):
    (stories / "a.md").write_text(make_story(CLEAN), encoding="utf-8")
    (stories / "b.md").write_text(make_story(CLEAN.replace("[Finish]", "[]")), encoding="utf-8")
    result = run("check", "--format", "json", str(stories))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["files"] == [str(stories / "a.md"), str(stories / "b.md")]
    assert (data["errors"], data["warnings"], data["catalogue_problems"]) == (1, 0, [])
    [diag] = data["diagnostics"]
    assert diag["code"] == "C002" and diag["severity"] == "error"
    assert diag["file"] == str(stories / "b.md") and diag["line"] > 0


def test_check_a_missing_path_is_a_usage_error(stories: Path):
    result = run("check", "nowhere.md")
    assert result.exit_code == 2 and "No such file or folder" in result.output


def test_new_writes_a_story_that_checks_clean(stories: Path):
    result = run("new", "my-case")
    assert result.exit_code == 0 and "stories/my-case.md" in result.output
    assert (stories / "my-case.md").exists()
    checked = run("check", "stories/my-case.md")
    assert checked.exit_code == 0
    assert checked.output.strip() == "1 file(s) checked: 0 error(s), 0 warning(s)."


def test_new_refuses_bad_ids_and_existing_files(stories: Path):
    bad = run("new", "Bad Id")
    assert bad.exit_code == 1 and "a-z, 0-9" in bad.output and "Traceback" not in bad.output
    assert run("new", "twice").exit_code == 0
    again = run("new", "twice")
    assert again.exit_code == 1 and "already exists" in again.output


def test_stats(stories: Path):
    run("new", "demo")
    result = run("stats", "stories/demo.md", "--runs", "30", "--seed", "2")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("A new interview [demo, en]")
    assert "passages: 7, endings: 2" in out
    assert "end-referral [good]:" in out and "end-missed [missed]:" in out
    assert "indicators cueable: 3 of 3" in out
    assert "random playthroughs: 30 (seed 2), unfinished: 0" in out


def test_stats_refuses_a_story_with_errors(stories: Path, make_story: MakeStory):
    (stories / "bad.md").write_text(make_story(CLEAN.replace("#end)", "#x)")), encoding="utf-8")
    result = run("stats", "stories/bad.md")
    assert result.exit_code == 1 and "run 'trainer check' first" in result.output


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("dot", '"start" -> "end" [label="Finish"];'), ("mermaid", '  p_start -->|"Finish"| p_end')],
)
def test_graph(stories: Path, make_story: MakeStory, fmt: str, expected: str):
    (stories / "g.md").write_text(make_story(CLEAN), encoding="utf-8")
    result = run("graph", "stories/g.md", "--format", fmt)
    assert result.exit_code == 0 and expected in result.output


def test_play_a_scripted_attempt_to_the_debrief(stories: Path):
    run("new", "demo")
    script = "1\nn document-retention\nn excessive-hours\nnotes\nids\nbogus\n1\n1\n1\n1\n"
    result = run("play", "stories/demo.md", "--role", "police", input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    for title in (
        "== Arrival ==",
        "== Alone with Dilnoza ==",
        "== The passport ==",
        "== Referred ==",
    ):
        assert title in out
    assert "  1. Ask to speak with Dilnoza alone" in out
    assert "[I keep" not in out and "{indicator" not in out  # cue markup is hidden
    assert "Notes: coercion-destination.document-retention, exploitative-conditions" in out
    assert "=== Debrief ===" in out
    assert "Noticed:\n  - Boss holds passport or ID — in 'Arrival'" in out
    assert "+ Talk away from the companion: Ask to speak with Dilnoza alone" in out
    assert "Score: 100/100 (pass mark 70): passed" in out


def test_play_stops_at_the_end_of_input_and_debriefs_so_far(stories: Path):
    run("new", "demo")
    result = run("play", "stories/demo.md", input="2\n")
    assert result.exit_code == 0
    assert "(end of input: the attempt stops here)" in result.output
    assert "Missed:" in result.output and "not passed" in result.output


def test_play_refuses_a_role_the_story_does_not_offer(stories: Path):
    run("new", "demo")
    result = run("play", "stories/demo.md", "--role", "lawyer", input="")
    assert result.exit_code == 1 and "cannot be played as 'lawyer'" in result.output


def test_check_outside_a_checkout_uses_the_shipped_catalogues(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from trainer.cli import main

    monkeypatch.chdir(tmp_path)  # no stories/ folder here
    runner = CliRunner()
    assert runner.invoke(main, ["new", "far-away", "--dir", "."]).exit_code == 0
    result = runner.invoke(main, ["check", "far-away.md"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_stamp_records_the_original_version_and_check_follows_it(
    stories: Path, make_story: MakeStory
):
    original = make_story(CLEAN)
    (stories / "case.md").write_text(original, encoding="utf-8")
    path = stories / "case.ru.md"
    russian = make_story(CLEAN.replace("Finish", "Закончить"), language="ru").replace("\n", "\r\n")
    path.write_bytes(russian.encode("utf-8"))
    assert "info T011" in run("check", str(stories)).output

    first = hashlib.sha256(original.encode("utf-8")).hexdigest()[:12]
    result = run("stamp", "stories/case.ru.md")
    assert result.exit_code == 0, result.output
    assert result.output == f"stories/case.ru.md: added translates: {first}\n"
    line = f"translates: {first}\r\n".encode()
    assert path.read_bytes().replace(line, b"", 1) == russian.encode("utf-8")  # CRLF kept
    checked = run("check", str(stories))
    assert checked.exit_code == 0 and " T01" not in checked.output
    assert "0 error(s), 0 warning(s)" in checked.output

    edited = original.replace("[Finish]", "[Finish the interview]")
    (stories / "case.md").write_text(edited, encoding="utf-8")
    second = hashlib.sha256(edited.encode("utf-8")).hexdigest()[:12]
    stale = run("check", str(stories))
    assert stale.exit_code == 0 and "0 error(s), 1 warning(s)" in stale.output
    assert "warning T010: The original changed since this translation was made " in stale.output
    assert f"(translates: {first}, original is now {second})" in stale.output

    result = run("stamp", "stories/case.ru.md")
    assert result.output == f"stories/case.ru.md: translates changed from {first} to {second}\n"
    assert path.read_bytes() == russian.encode("utf-8").replace(
        b"---\r\n\r\n", f"translates: {second}\r\n---\r\n\r\n".encode(), 1
    )
    before = path.stat().st_mtime_ns
    again = run("stamp", "stories/case.ru.md")
    assert again.exit_code == 0
    assert again.output == f"stories/case.ru.md: already up to date (translates: {second})\n"
    assert path.stat().st_mtime_ns == before  # nothing to change: the file is not written


def test_stamp_refuses_what_is_not_a_translation_without_a_traceback(
    stories: Path, make_story: MakeStory
):
    (stories / "case.md").write_text(make_story(CLEAN), encoding="utf-8")
    (stories / "orphan.ru.md").write_text(make_story(CLEAN, language="ru"), encoding="utf-8")
    (stories / "case.ky.md").write_text(make_story(CLEAN, language="ky"), encoding="utf-8")
    result = run(
        "stamp",
        "stories/case.md",
        "stories/orphan.ru.md",
        "stories/gone.ru.md",
        "stories/case.ky.md",
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "stories/case.md: error: case.md is not a translation" in result.stderr
    assert (
        "stories/orphan.ru.md: error: Translation without an original: orphan.md" in result.stderr
    )
    assert "stories/gone.ru.md: error: Cannot read gone.ru.md" in result.stderr
    assert result.stdout.startswith("stories/case.ky.md: added translates: ")  # the others go on
    assert "translates:" not in (stories / "orphan.ru.md").read_text(encoding="utf-8")
    assert run("stamp").exit_code == 2  # no file: a usage error
