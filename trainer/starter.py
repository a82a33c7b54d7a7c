"""``trainer new``: a starter story that checks clean and shows every construct."""

from __future__ import annotations

import re
from pathlib import Path

from trainer.story.i18n import _

TEMPLATE = """---
# Front matter: see docs/story-format.md, section 2.
id: {id}
title: A new interview
language: en
summary: One or two sentences that tell the learner what the case is about.
roles: [labour-inspector, police]
minutes: 5
content_note: Mentions of unpaid work and threats.
victim: adult
characters: [Dilnoza, Supervisor]
variables: {{trust: 0, asked_documents: false}}
indicators: [document-retention, excessive-hours, false-wages]
ideal_referrals: [nrm, legal-aid]
pass_mark: 70
start: arrival
---

# A new interview

## Arrival {{#arrival}}

You arrive at a sewing workshop. A supervisor meets you at the door.

**Supervisor:** She only started last week. [I keep everyone's papers in my safe.]{{indicator=document-retention}}

- [Ask to speak with Dilnoza alone](#alone){{practice=good:separate-from-companion set="trust += 1"}}
- [Question Dilnoza in front of the supervisor](#in-front){{practice=poor:separate-from-companion feedback="In front of the supervisor she cannot speak freely."}}

## Talking in front of the supervisor {{#in-front}}

Dilnoza looks at the supervisor before every answer and says that everything is fine.

- [Thank them and leave](#end-missed)

## Alone with Dilnoza {{#alone}}

**Dilnoza:** [We sew from seven in the morning until midnight.]{{indicator=excessive-hours}}

- [Ask what she was promised before she came](#promise){{once probes=false-wages}}
- [Ask who holds her passport](#passport){{once set="asked_documents = true" if="trust >= 1"}}
- [Explain the help available and refer her](#end-referral){{fallback}}

## What she was promised {{#promise}}

**Dilnoza:** [They said three hundred dollars a month. I have had nothing.]{{indicator=false-wages}}

- [Go on](#alone)

## The passport {{#passport}}

Dilnoza says the supervisor took it "for registration" and never gave it back.

- [Offer to refer her for help](#end-referral){{if="asked_documents or noted(document-retention)"}}
- [Go back to the other questions](#alone){{if="visited(promise) or role == 'police'"}}
- [Tell her you will sort it out with the supervisor](#end-missed){{practice=poor:no-false-promises}}

## Referred {{#end-referral .ending outcome=good referrals="nrm legal-aid"}}

You explain the national referral mechanism and call the hotline together.

## Nothing found {{#end-missed .ending outcome=missed referrals=""}}

You leave. The workshop keeps running as before.
"""


def write_starter(story_id: str, folder: Path) -> Path:
    """Write ``folder/STORY-ID.md``; refuse bad ids and existing files."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", story_id):
        raise ValueError(_("A story id uses only a-z, 0-9 and '-'."))
    path = folder / f"{story_id}.md"
    if path.exists():
        raise FileExistsError(_("{path} already exists.").format(path=path))
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(id=story_id), encoding="utf-8")
    return path
