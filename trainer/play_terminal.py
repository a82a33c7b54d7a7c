"""Playing a story in a terminal (``trainer play``): numbered choices, notes, debrief.

It reads commands line by line from standard input, so a playthrough can be scripted:
``printf '1\\nn document-retention\\n2\\n' | trainer play stories/building-site.md``.
"""

from __future__ import annotations

import re
import sys
import textwrap

import click

from trainer.story.catalogue import Catalogue
from trainer.story.debrief import FALSE_FLAG, MISSED, NOT_UNCOVERED, NOTICED, make_debrief
from trainer.story.i18n import _
from trainer.story.model import Story
from trainer.story.runtime import PlayError, available_choices, choose, note, start, unnote
from trainer.story.state import State

HELP = _(
    "Type a choice number, or: n ID (note an indicator), u ID (remove a note), "
    "notes, ids (list indicator ids), q (quit)."
)


def _plain(markdown_text: str) -> str:
    """Prose without cue markup and Markdown emphasis, wrapped for a terminal."""
    text = re.sub(r"\[([^\[\]]*)\]\{[^}]*\}", r"\1", markdown_text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, 78) for p in paragraphs if p)


def _resolve(catalogue: Catalogue, ref: str) -> str | None:
    full, _cands = catalogue.resolve("indicator", ref)
    return full


def play_story(story: Story, catalogue: Catalogue, role: str | None) -> State:
    """Run the loop until an ending or ``q``; print the debrief; return the final state."""
    chosen = role or story.meta.roles[0]
    try:
        state = start(story, chosen)
    except PlayError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{story.meta.title}\n{story.meta.content_note}\n{HELP}\n")
    shown = ""
    while not state.finished:
        passage = story.passages[state.passage]
        if shown != f"{state.step}":
            click.echo(f"\n== {passage.title} ==\n{_plain(passage.body)}\n")
            for i, c in enumerate(available_choices(story, state), start=1):
                click.echo(f"  {i}. {c.label}")
            shown = f"{state.step}"
        line = sys.stdin.readline()
        if not line:
            click.echo(_("(end of input: the attempt stops here)"))
            break
        state = _command(story, catalogue, state, line.strip())
    if state.finished:
        passage = story.passages[state.passage]
        click.echo(f"\n== {passage.title} ==\n{_plain(passage.body)}\n")
    print_debrief(story, catalogue, state)
    return state


def _command(story: Story, catalogue: Catalogue, state: State, cmd: str) -> State:
    options = available_choices(story, state)
    if cmd.isdigit() and 1 <= int(cmd) <= len(options):
        return choose(story, state, options[int(cmd) - 1].key)
    word, _sep, arg = cmd.partition(" ")
    if word in ("n", "u") and arg:
        full = _resolve(catalogue, arg.strip())
        if full is None:
            click.echo(_("Unknown or ambiguous indicator id; type 'ids'."))
            return state
        new = note(state, full, catalogue) if word == "n" else unnote(state, full)
        click.echo(_("Notes: {notes}").format(notes=", ".join(new.notes) or "-"))
        return new
    if word == "notes":
        click.echo(_("Notes: {notes}").format(notes=", ".join(state.notes) or "-"))
    elif word == "ids":
        for ind in catalogue.indicators.values():
            click.echo(f"  {ind.id}: {ind.label}")
    elif word == "q":
        click.echo(_("Stopped."))
        raise SystemExit(0)
    else:
        click.echo(HELP)
    return state


def print_debrief(story: Story, catalogue: Catalogue, state: State) -> None:
    """The debrief as text."""
    d = make_debrief(story, state, catalogue)

    def label(ind: str) -> str:
        found = catalogue.indicators.get(ind)
        return found.label if found else ind

    click.echo("\n" + _("=== Debrief ==="))
    titles = {
        NOTICED: _("Noticed"),
        MISSED: _("Missed"),
        NOT_UNCOVERED: _("Not uncovered"),
        FALSE_FLAG: _("False flags"),
    }
    for status, title in titles.items():
        items = d.by_status(status)
        if not items:
            continue
        click.echo(f"{title}:")
        for r in items:
            extra = ""
            if r.where:
                extra = _(" — in '{title}': “{text}”").format(
                    title=r.where.title, text=r.where.text
                )
            if r.question:
                extra = _(" — ask: “{label}”").format(label=r.question.label)
            click.echo(f"  - {label(r.indicator)}{extra}")
    if d.practices:
        click.echo(_("Interview practice:"))
        for p in d.practices:
            entry = catalogue.practices.get(p.practice)
            mark = "+" if p.kind == "good" else "-"
            name = entry.label if entry else p.practice
            click.echo(f"  {mark} {name}: {p.label}" + (f" — {p.feedback}" if p.feedback else ""))

    def names(ids: tuple[str, ...]) -> str:
        return (
            ", ".join(catalogue.referrals[i].label if i in catalogue.referrals else i for i in ids)
            or "-"
        )

    click.echo(_("Referrals made: {m}").format(m=names(d.referrals_made)))
    click.echo(_("Missing referrals: {m}").format(m=names(d.referrals_missing)))
    present = [x.dimension for x in d.dimensions if x.noticed]
    click.echo(
        _(
            "ILO-EC dimensions supported by what you noticed: {dims}; trafficking indicated: {yes}"
        ).format(dims=", ".join(present) or "-", yes=_("yes") if d.trafficking_noticed else _("no"))
    )
    if d.missed_strong:
        click.echo(
            _("Strong indicators you missed: {ids}").format(
                ids=", ".join(label(i) for i in d.missed_strong)
            )
        )
    verdict = _("passed") if d.passed else _("not passed")
    click.echo(
        _("Score: {score}/100 (pass mark {mark}): {verdict}").format(
            score=d.score, mark=d.pass_mark, verdict=verdict
        )
    )
