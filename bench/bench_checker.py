"""Benchmark: parse + full check (``compile_story``) of generated stories.

Run ``.venv/bin/python bench/bench_checker.py [SIZES...]`` from the repository root. It
generates stories of realistic shape (interview hubs with ``once`` questions and a
fallback, integer and boolean variables, ``visited()``, role branches, ``noted()``, cues,
practices, four endings), times ``compile_story`` on each (best of 3), and compares the
time per passage with the smallest size: growth no worse than linear means a ratio near 1
or below. A baseline measured in the same run (Python-Markdown over the same text) puts
the figures in proportion to this machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trainer.story.compiler import Compiled, compile_story  # noqa: E402
from trainer.story.loader import load_catalogue  # noqa: E402

SIZES = (100, 1_000, 10_000)
BLOCK = 10  # passages per interview block
ENDINGS = 4
CUES = ("excessive-hours", "document-retention", "debt-bondage", "false-wages")

FRONT = """---
id: bench-{n}
title: A generated interview of {n} passages
language: en
summary: Generated for the checker benchmark.
roles: [police, ngo]
minutes: 60
content_note: Generated text.
characters: [Aibek, Ruslan]
variables: {{trust: 0, asked: false}}
indicators: [{indicators}]
ideal_referrals: [nrm, medical]
pass_mark: 70
---
"""

BLOCK_TEXT = """
## Interview {i} {{#b{i}-hub}}

**Ruslan:** He is shy; I will answer for him.
[Ruslan answers for Aibek ({i}).]{{indicator=third-party-speaks}}

- [His working day? ({i})](#b{i}-work){{once practice=good:open-questions set="trust += 1"}}
- [Who has the passports? ({i})](#b{i}-papers){{once if="trust >= 1" probes=document-retention}}
- [Money owed? ({i})](#b{i}-debt){{once if="visited(b{i}-work) or role=='ngo'" set="asked = true"}}
- [Say he is lying ({i})](#b{i}-press){{once practice=poor:non-judgemental feedback="Too harsh."}}
- [Move on ({i})](#b{i}-next){{fallback}}

## His working day {i} {{#b{i}-work}}

**Aibek:** [We work six to midnight ({i}).]{{indicator=excessive-hours}}

- [Back](#b{i}-hub)

## The passports {i} {{#b{i}-papers}}

**Aibek:** [The foreman keeps them ({i}).]{{indicator=document-retention}}

- [Back](#b{i}-hub)

## The debt {i} {{#b{i}-debt}}

**Aibek:** [I owe for the ticket ({i}).]{{indicator=debt-bondage}}

- [Back](#b{i}-hub)

## Pressing him {i} {{#b{i}-press}}

Aibek says nothing more.

- [Apologise](#b{i}-hub){{practice=good:non-judgemental}}
- [Threaten deportation](#end-harmful){{practice=poor:no-deportation-threats}}

## After the questions {i} {{#b{i}-next}}

You step outside.

- [Check the site register](#b{i}-police){{if="role == 'police'"}}
- [Offer a safe place](#b{i}-ngo){{if="role == 'ngo'"}}
- [Refer him to a shelter only](#end-partial){{if="noted(document-retention)"}}
- [Leave the site](#end-missed)

## The register {i} {{#b{i}-police}}

The register shows [wages promised, never paid ({i}).]{{indicator=false-wages}}

- [Continue](#b{i}-aside)

## A safe place {i} {{#b{i}-ngo}}

You explain what a shelter offers.

- [Continue](#b{i}-aside){{practice=good:safety-first}}

## A short break {i} {{#b{i}-aside}}

The foreman is on the phone.

- [Check how Aibek is doing](#b{i}-recap){{if="trust >= 1 and asked"}}
- [Go on](#b{i}-recap)

## Notes so far {i} {{#b{i}-recap}}

You go over your notes.

- [Next interview](#{next})
"""

TAIL = """
## Epilogue {k} {{#epilogue-{k}}}

Time passes.

- [Go on](#{next})
"""

ENDS = """
## Referred {#end-good .ending outcome=good referrals="nrm medical"}

You call the hotline together.

## A shelter only {#end-partial .ending outcome=partial referrals="shelter"}

He has a bed tonight; the rest is not done.

## Nothing found {#end-missed .ending outcome=missed referrals=""}

You leave. The site keeps running.

## Made it worse {#end-harmful .ending outcome=harmful referrals=""}

Aibek is frightened; the foreman has heard everything.
"""


def generate_story(passages: int) -> str:
    """A story of exactly ``passages`` passages (at least ``BLOCK + ENDINGS``)."""
    if passages < BLOCK + ENDINGS:
        raise ValueError(f"need at least {BLOCK + ENDINGS} passages")
    blocks, extra = divmod(passages - ENDINGS, BLOCK)
    parts = [FRONT.format(n=passages, indicators=", ".join(("third-party-speaks", *CUES)))]
    for i in range(blocks):
        if i + 1 < blocks:
            nxt = f"b{i + 1}-hub"
        else:
            nxt = "epilogue-0" if extra else "end-good"
        parts.append(BLOCK_TEXT.format(i=i, next=nxt))
    for k in range(extra):
        parts.append(TAIL.format(k=k, next=f"epilogue-{k + 1}" if k + 1 < extra else "end-good"))
    parts.append(ENDS)
    return "".join(parts)


def best_of(runs: int, func: object, *args: object) -> tuple[float, object]:
    """Fastest of ``runs`` calls, and the last result."""
    assert callable(func)
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str]) -> int:
    """Print the table; exit 1 if a generated story does not compile."""
    sizes = [int(a) for a in argv] or list(SIZES)
    catalogue = load_catalogue(ROOT / "stories" / "catalogue")
    rows = []
    for n in sizes:
        text = generate_story(n)
        seconds, compiled = best_of(3, compile_story, text, catalogue, f"bench-{n}.md")
        assert isinstance(compiled, Compiled)
        baseline, _html = best_of(3, markdown.markdown, text)
        if not compiled.ok:
            for d in compiled.diagnostics[:10]:
                print(d.format(), file=sys.stderr)
            return 1
        codes = sorted({d.code for d in compiled.diagnostics})
        states = compiled.exploration.states if compiled.exploration else 0
        rows.append((n, len(text), seconds, baseline, states, codes))
    first_n, _c, first_s, _b, _st, _codes = rows[0]
    per_first = first_s / first_n
    print(
        f"{'passages':>9} {'KiB':>6} {'check s':>8} {'passages/s':>11} {'s/passage':>10} "
        f"{'vs ' + str(first_n):>7} {'markdown s':>10} {'check/md':>8} {'states':>7}  diagnostics"
    )
    for n, size, seconds, baseline, states, codes in rows:
        print(
            f"{n:>9,} {size / 1024:>6.0f} {seconds:>8.3f} {n / seconds:>11,.0f} "
            f"{seconds / n * 1e6:>8.0f}µs {seconds / n / per_first:>7.2f} {baseline:>10.3f} "
            f"{seconds / baseline:>8.2f} {states:>7,}  {' '.join(codes) or '-'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
