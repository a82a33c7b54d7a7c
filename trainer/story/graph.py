"""The passage graph as Graphviz DOT or Mermaid text (endings, dead ends, unreachable)."""

from __future__ import annotations

from trainer.story.model import Story


def _kinds(story: Story) -> dict[str, str]:
    """Passage id → ``start``, ``ending``, ``dead-end``, ``unreachable`` or ``passage``."""
    reach = {story.start}
    stack = [story.start] if story.start in story.passages else []
    while stack:
        for c in story.passages[stack.pop()].choices:
            if c.target in story.passages and c.target not in reach:
                reach.add(c.target)
                stack.append(c.target)
    kinds = {}
    for pid, p in story.passages.items():
        if pid not in reach:
            kinds[pid] = "unreachable"
        elif p.is_ending:
            kinds[pid] = "ending"
        elif not p.choices:
            kinds[pid] = "dead-end"
        else:
            kinds[pid] = "start" if pid == story.start else "passage"
    return kinds


def passage_kinds(story: Story) -> dict[str, str]:
    """Public form of the node classification (the SVG view uses it too)."""
    return _kinds(story)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(story: Story) -> str:
    """Graphviz DOT source."""
    styles = {
        "start": 'shape=box, style="rounded,bold"',
        "passage": 'shape=box, style="rounded"',
        "ending": "shape=doubleoctagon",
        "dead-end": 'shape=box, color=red, style="rounded,dashed"',
        "unreachable": 'shape=box, color=gray, fontcolor=gray, style="rounded,dotted"',
    }
    lines = [f"digraph {_quote(story.id or 'story')} {{", "  rankdir=TB;"]
    for pid, kind in _kinds(story).items():
        p = story.passages[pid]
        parts = [p.title, f"#{pid}"] + ([f"[{p.outcome}]"] if p.is_ending else [])
        # Escape each part, then join with DOT's line break (escaping it would print '\n').
        label = "\\n".join(_quote(part)[1:-1] for part in parts)
        lines.append(f'  {_quote(pid)} [label="{label}", {styles[kind]}];')
    for p in story.passages.values():
        for c in p.choices:
            if c.target in story.passages:
                style = ", style=dashed" if c.condition is not None else ""
                lines.append(
                    f"  {_quote(p.id)} -> {_quote(c.target)} [label={_quote(c.label[:40])}{style}];"
                )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_id(pid: str) -> str:
    return "p_" + pid.replace("-", "_")


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


def to_mermaid(story: Story) -> str:
    """Mermaid flowchart source (renders on code hosts)."""
    lines = ["flowchart TD"]
    for pid, kind in _kinds(story).items():
        p = story.passages[pid]
        text = _mermaid_text(f"{p.title} #{pid}")
        shape = f'(["{text}"])' if kind == "ending" else f'["{text}"]'
        lines.append(f"  {_mermaid_id(pid)}{shape}:::{kind.replace('-', '')}")
    for p in story.passages.values():
        for c in p.choices:
            if c.target in story.passages:
                arrow = "-.->" if c.condition is not None else "-->"
                label = _mermaid_text(c.label[:40])
                lines.append(f'  {_mermaid_id(p.id)} {arrow}|"{label}"| {_mermaid_id(c.target)}')
    lines += [
        "  classDef ending fill:#e6f4ea,stroke:#137333",
        "  classDef deadend fill:#fce8e6,stroke:#c5221f",
        "  classDef unreachable fill:#f1f3f4,stroke:#9aa0a6,color:#5f6368",
        "  classDef start stroke-width:3px",
        "  classDef passage fill:#fff",
    ]
    return "\n".join(lines) + "\n"
