"""The ``trainer`` command: check, analyse, draw, play and stamp stories; run the web app.

Story commands use only the pure core, so authors can run them without a database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from trainer.story.catalogue import Catalogue
from trainer.story.diagnostics import Severity, sort_key
from trainer.story.i18n import _
from trainer.story.loader import catalogue_folder, check_files, load_catalogue

DEFAULT_STORIES = Path("stories")


def _stories_root(paths: list[Path]) -> Path:
    """The stories folder whose catalogue applies to ``paths``."""
    for path in paths:
        folder = path if path.is_dir() else path.parent
        if (folder / "catalogue").is_dir():
            return folder
    if (DEFAULT_STORIES / "catalogue").is_dir():
        return DEFAULT_STORIES
    # Outside a checkout (a story written anywhere): the catalogues shipped with the app.
    from trainer.config import ROOT

    return ROOT / "stories"


def _catalogue(paths: list[Path], language: str | None = None) -> Catalogue:
    return load_catalogue(catalogue_folder(_stories_root(paths)), language)


@click.group()
def main() -> None:
    """Interview trainer: write, check and play trafficking-identification stories."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def check(paths: tuple[Path, ...], fmt: str) -> None:
    """Check story files (default: stories/); exit 1 on any error."""
    targets = list(paths) or [DEFAULT_STORIES]
    missing = [p for p in targets if not p.exists()]
    if missing:
        raise click.UsageError(_("No such file or folder: {path}").format(path=missing[0]))
    catalogue = _catalogue(targets)
    results = check_files(targets, catalogue)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=sort_key)
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "files": [str(r.path) for r in results],
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": [d.to_dict() for d in diagnostics],
                    "catalogue_problems": list(catalogue.problems),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in catalogue.problems:
            click.echo(f"catalogue: {problem}", err=True)
        for d in diagnostics:
            click.echo(d.format())
        click.echo(
            _("{files} file(s) checked: {errors} error(s), {warnings} warning(s).").format(
                files=len(results), errors=errors, warnings=warnings
            )
        )
    sys.exit(1 if errors or catalogue.problems else 0)


def _load_one(path: Path) -> tuple[object, Catalogue]:
    catalogue = _catalogue([path])
    [result] = check_files([path], catalogue)
    if not result.compiled.ok or result.compiled.story is None:
        for d in result.diagnostics:
            if d.severity is Severity.ERROR:
                click.echo(d.format(), err=True)
        raise click.ClickException(_("The story has errors; run 'trainer check' first."))
    return result.compiled.story, catalogue


@main.command()
@click.argument("story", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--runs", default=1000, show_default=True, help="Random playthroughs.")
@click.option("--seed", default=1, show_default=True)
def stats(story: Path, runs: int, seed: int) -> None:
    """Reachable endings, path lengths, indicators per ending, passages never hit."""
    from trainer.story.analysis import story_stats
    from trainer.story.model import Story

    loaded, _cat = _load_one(story)
    assert isinstance(loaded, Story)
    s = story_stats(loaded, runs=runs, seed=seed)
    exact = (
        ""
        if s.paths_complete
        else _(" (bounded: figures below combine the enumerated paths and the random runs)")
    )
    click.echo(f"{loaded.meta.title} [{loaded.id}, {loaded.meta.language}]")
    click.echo(
        _("passages: {n}, endings: {e}, states explored: {s}").format(
            n=s.passages, e=len(s.endings), s=s.states
        )
    )
    click.echo(_("paths to an ending: {n}{exact}").format(n=s.paths, exact=exact))
    click.echo(
        _("path length: shortest {a}, longest {b} choices").format(a=s.min_steps, b=s.max_steps)
    )
    click.echo(_("endings:"))
    for ending in s.endings:
        e = s.endings_stats.get(ending)
        if e is None:
            click.echo(_("  {id}: NOT REACHED by exploration or random runs").format(id=ending))
            continue
        click.echo(
            _(
                "  {id} [{outcome}]: {paths} paths, {a}-{b} choices, {i}-{j} indicators seen, "
                "{hits} of {runs} random runs"
            ).format(
                id=ending,
                outcome=loaded.passages[ending].outcome,
                paths=e.paths,
                a=e.min_steps,
                b=e.max_steps,
                i=e.min_indicators,
                j=e.max_indicators,
                hits=s.random_endings[ending],
                runs=s.runs,
            )
        )
    click.echo(
        _("indicators cueable: {a} of {b}").format(
            a=len(s.indicators_cueable), b=len(loaded.meta.indicators)
        )
    )
    for ind in s.indicators_never_cued:
        click.echo(_("  never cued on any path: {id}").format(id=ind))
    click.echo(
        _("random playthroughs: {runs} (seed {seed}), unfinished: {u}").format(
            runs=s.runs, seed=s.seed, u=s.unfinished_runs
        )
    )
    for pid in s.unreachable_passages:
        click.echo(_("  unreachable passage: {id}").format(id=pid))
    for pid in s.never_hit_passages:
        click.echo(_("  passage no random run hit: {id}").format(id=pid))
    for key in s.never_hit_choices:
        click.echo(_("  choice no random run took: {key}").format(key=key))


@main.command()
@click.argument("story", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid"]), default="dot")
def graph(story: Path, fmt: str) -> None:
    """Print the passage graph as Graphviz DOT or Mermaid."""
    from trainer.story.graph import to_dot, to_mermaid
    from trainer.story.parser import parse_story

    parsed = parse_story(story.read_bytes(), str(story))
    if parsed.story is None:
        raise click.ClickException(_("The file is not a story; run 'trainer check'."))
    click.echo(to_dot(parsed.story) if fmt == "dot" else to_mermaid(parsed.story), nl=False)


@main.command()
@click.argument("story", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--role", default=None, help="Role to play (default: the story's first).")
def play(story: Path, role: str | None) -> None:
    """Play a story in the terminal; works from a pipe, so it can be scripted."""
    from trainer.play_terminal import play_story
    from trainer.story.model import Story

    loaded, catalogue = _load_one(story)
    assert isinstance(loaded, Story)
    language_catalogue = load_catalogue(
        catalogue_folder(_stories_root([story])), loaded.meta.language
    )
    play_story(loaded, language_catalogue or catalogue, role)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def stamp(files: tuple[Path, ...]) -> None:
    """Record in translations which version of the original they render (translates:).

    Run it after reviewing a translation against its original; every other byte of the
    file stays as it is.
    """
    from trainer.story.loader import stamp_file
    from trainer.story.translations import StampError

    failed = False
    for path in files:
        try:
            stamped = stamp_file(path)
        except StampError as exc:
            click.echo(_("{path}: error: {reason}").format(path=path, reason=exc), err=True)
            failed = True
            continue
        if not stamped.before:
            done = _("added translates: {new}")
        elif stamped.before != stamped.after:
            done = _("translates changed from {old} to {new}")
        else:
            done = _("already up to date (translates: {new})")
        click.echo(f"{path}: " + done.format(old=stamped.before, new=stamped.after))
    sys.exit(1 if failed else 0)


@main.command("new")
@click.argument("story_id")
@click.option("--dir", "folder", default=DEFAULT_STORIES, type=click.Path(path_type=Path))
def new(story_id: str, folder: Path) -> None:
    """Write a starter story that checks clean and shows every construct."""
    from trainer.starter import write_starter

    try:
        path = write_starter(story_id, folder)
    except (ValueError, FileExistsError) as exc:  # a bad id or an existing file: no traceback
        raise click.ClickException(str(exc)) from None
    click.echo(_("Wrote {path}; run 'trainer check {path}'.").format(path=path))


def _register_web_commands() -> None:
    """Add the web commands when the web extras are installed."""
    try:
        from trainer.web_cli import register
    except ImportError:  # the core can be used without the web extras
        return
    register(main)


_register_web_commands()
