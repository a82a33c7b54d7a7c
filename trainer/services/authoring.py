"""Authoring: the library of story files with their checks, previews and uploads.

Files in the stories folder are the source of truth (authors keep them in git); this
module checks them (cached by modification time), builds preview states from a URL's
parameters without writing anything, and stores uploads under a name derived from the
story's own id, so no client-supplied path ever reaches the file system.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from trainer.story.abstract import analyse
from trainer.story.catalogue import Catalogue
from trainer.story.compiler import Compiled, compile_story
from trainer.story.diagnostics import Diagnostic, Diagnostics, Severity, sort_key
from trainer.story.edit import set_key
from trainer.story.expr import Value
from trainer.story.loader import STORY_NAME
from trainer.story.model import Story
from trainer.story.runtime import PlayError, available_choices, choose, jump, start
from trainer.story.state import State
from trainer.story.translations import (
    FRESHNESS_CODES,
    Freshness,
    check_original,
    compare_translation,
    freshness,
    hash_prefix,
)

AUTHOR_MAX_STATES = 5000
MAX_UPLOAD = 1_000_000


@dataclass
class FileCheck:
    """One story file with its check result and summary figures."""

    name: str
    path: Path
    compiled: Compiled
    modified: datetime
    translation_of: str | None = None
    extra: list[Diagnostic] = field(default_factory=list)
    freshness: Freshness | None = None  # a translation's version against its original's

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The file's diagnostics, translation comparison included."""
        return sorted(self.compiled.diagnostics + self.extra, key=sort_key)

    @property
    def differences(self) -> list[Diagnostic]:
        """How a translation differs from its original, leaving out its version."""
        return [d for d in self.extra if d.code not in FRESHNESS_CODES]

    @property
    def version(self) -> str:
        """The content hash prefix a translation of this file records in ``translates``."""
        return hash_prefix(self.story) if self.story else ""

    def count(self, severity: Severity) -> int:
        """How many diagnostics of one severity."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def story(self) -> Story | None:
        """The parsed story (even when it has errors), if the file could be read."""
        return self.compiled.story

    def figures(self) -> dict[str, int]:
        """Passages, endings, reachable endings, indicators cued."""
        story = self.story
        if story is None:
            return {}
        endings = [p.id for p in story.passages.values() if p.is_ending]
        found = self.compiled.exploration
        if found is not None and found.complete:
            reached = found.passages
        elif not self.count(Severity.ERROR):
            reached = analyse(story).passages
        else:
            reached = set()
        cued = {i for p in story.passages.values() for c in p.cues for i in c.indicators}
        return {
            "passages": len(story.passages),
            "endings": len(endings),
            "reachable_endings": sum(1 for e in endings if e in reached),
            "indicators_cued": len(cued),
        }


class Authoring:
    """Checks of every story file in a folder, cached by modification time and size."""

    def __init__(self, folder: Path, catalogue_for: object) -> None:
        self.folder = folder
        self._catalogue_for = catalogue_for
        self._cache: dict[Path, tuple[float, int, Compiled]] = {}

    def _catalogue(self) -> Catalogue:
        catalogue: Catalogue = self._catalogue_for()  # type: ignore[operator]
        return catalogue

    def _compiled(self, path: Path) -> Compiled:
        stat = path.stat()
        cached = self._cache.get(path)
        if cached and cached[:2] == (stat.st_mtime, stat.st_size):
            return cached[2]
        compiled = compile_story(
            path.read_bytes(), self._catalogue(), path.name, max_states=AUTHOR_MAX_STATES
        )
        self._cache[path] = (stat.st_mtime, stat.st_size, compiled)
        return compiled

    def files(self) -> list[FileCheck]:
        """Every ``*.md`` story file, originals first, each followed by its translations."""
        checks: list[FileCheck] = []
        for path in sorted(self.folder.glob("*.md")):
            m = STORY_NAME.match(path.name)
            if not m:
                continue
            checks.append(self.check(path.name))
        checks.sort(key=lambda c: (c.name.split(".")[0], c.translation_of is not None, c.name))
        return checks

    def check(self, name: str) -> FileCheck:
        """Check one file by its name in the folder (``LookupError`` if there is none)."""
        m = STORY_NAME.match(name)
        path = self.folder / name
        if not m or not path.is_file():
            raise LookupError(name)
        compiled = self._compiled(path)
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        result = FileCheck(name, path, compiled, modified)
        if m.group("lang"):
            original = self.folder / f"{m.group('id')}.md"
            result.translation_of = original.name
            diags = Diagnostics(name)
            if not original.exists():
                diags.error("T001", f"Translation without an original: {original.name}.", 1, 1)
            elif compiled.story is not None:
                base = self._compiled(original).story
                if base is not None:
                    compare_translation(base, compiled.story, diags)
                    result.freshness = freshness(base, compiled.story)
            result.extra = diags.items
        elif compiled.story is not None:
            diags = Diagnostics(name)
            check_original(compiled.story, diags)
            result.extra = diags.items
        return result

    def translations(self, story_id: str) -> list[FileCheck]:
        """The original and every translation of ``story_id``."""
        return [c for c in self.files() if c.name.split(".")[0] == story_id]


@dataclass
class Preview:
    """A preview state rebuilt from URL parameters, and how much of the path survived."""

    state: State
    kept: int
    dropped: int
    error: str = ""
    ignored: list[str] = field(default_factory=list)


def parse_variables(raw: str, story: Story) -> tuple[dict[str, Value], list[str]]:
    """``trust:2,asked:true`` → typed values for declared variables, plus the parts that
    could not be used (unknown name, wrong type), so the author is told about them."""
    values: dict[str, Value] = {}
    problems: list[str] = []
    for part in raw.split(","):
        if not part.strip():
            continue
        name, _sep, text = part.partition(":")
        name, text = name.strip(), text.strip()
        if name not in story.meta.variables:
            problems.append(part.strip())
        elif isinstance(story.meta.variables[name], bool):
            if text in ("true", "false"):
                values[name] = text == "true"
            else:
                problems.append(part.strip())
        elif text.lstrip("-").isdigit():
            values[name] = int(text)
        else:
            problems.append(part.strip())
    return values, problems


def preview_state(
    story: Story, role: str, at: str, variables: str, path: list[str], notes: list[str]
) -> Preview:
    """Rebuild a preview: start (or jump to ``at`` with ``variables``), replay ``path``.

    Choices that no longer exist after an edit end the replay there, so the author keeps
    the path played so far wherever it still exists (Inky does the same).
    """
    ignored: list[str] = []
    if role not in story.meta.roles:
        if role:
            ignored.append(f"role={role}")
        role = story.meta.roles[0]
    values, problems = parse_variables(variables, story)
    ignored += problems
    try:
        if at:
            state = jump(story, role, at, values)
        else:
            state = start(story, role)
    except PlayError as exc:
        return Preview(start(story, role), 0, len(path), str(exc), ignored)
    kept = 0
    for key in path:
        if key not in {c.key for c in available_choices(story, state)}:
            break
        state = choose(story, state, key)
        kept += 1
    known = [n for n in notes if n]
    state = replace(state, notes=tuple(dict.fromkeys(known)))
    return Preview(state, kept, len(path) - kept, ignored=ignored)


class UploadError(ValueError):
    """An upload that was not stored; ``diagnostics`` says why when the story is broken."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


def store_upload(authoring: Authoring, data: bytes, publish: bool = False) -> FileCheck:
    """Check an uploaded story and, if it has no errors, write it as ``ID[.LANG].md``.

    The name comes from the story's own ``id`` and ``language`` (a translation when an
    original with that id exists in another language), never from the uploaded name.
    Unless ``publish``, the file is stored as a draft (``draft: true``), so learners see
    nothing until the author has previewed it and pressed Publish.
    """
    if len(data) > MAX_UPLOAD:
        raise UploadError("too-large")
    compiled = compile_story(data, authoring._catalogue(), "upload.md")
    story = compiled.story
    if story is None or not compiled.ok:
        raise UploadError("invalid", compiled.diagnostics)
    original = authoring.folder / f"{story.id}.md"
    name = f"{story.id}.md"
    if original.exists():
        existing = authoring._compiled(original).story
        if existing is not None and existing.meta.language != story.meta.language:
            name = f"{story.id}.{story.meta.language}.md"
    target = authoring.folder / name
    if not STORY_NAME.match(name) or target.resolve().parent != authoring.folder.resolve():
        raise UploadError("name")
    if name != f"{story.id}.md":
        diags = Diagnostics(name)
        base = authoring._compiled(original).story
        if base is not None:
            compare_translation(base, story, diags)
        if any(d.severity is Severity.ERROR for d in diags.items):
            raise UploadError("invalid", diags.items)
    _write(target, _with_draft(data, not publish))
    return authoring.check(name)


def _with_draft(data: bytes, draft: bool) -> bytes:
    """The file with ``draft: true`` set, or with the ``draft`` line removed."""
    return set_key(data, "draft", "true" if draft else None).data


def _write(target: Path, data: bytes) -> None:
    """Replace ``target`` atomically: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".upload")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)


def set_draft(authoring: Authoring, name: str, draft: bool) -> FileCheck:
    """Publish a story file (remove its ``draft`` line) or take it back to draft.

    Only that one front-matter line changes, so the author's file stays as written.
    :raises LookupError: no such story file.
    :raises UploadError: ``"invalid"`` when publishing a file that has errors.
    """
    check = authoring.check(name)
    if not draft and not check.compiled.ok:
        raise UploadError("invalid", check.diagnostics)
    data = check.path.read_bytes()
    changed = _with_draft(data, draft)
    if changed != data:
        _write(check.path, changed)
    return authoring.check(name)
