"""The story library: files in ``stories/`` compiled and cached, plus stored versions.

Web nodes keep no state of their own, so everything here is a cache that can be rebuilt
from the files and the database at any time: compiled stories are keyed by content hash,
and file entries are re-read when a file's modification time changes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session, select

from trainer.models import StoryVersion
from trainer.story.catalogue import Catalogue
from trainer.story.compiler import Compiled, compile_story
from trainer.story.loader import STORY_NAME, load_catalogue
from trainer.story.model import Story

WEB_MAX_STATES = 2000
# Languages whose readers usually also read another one of ours.
READ_ALSO: dict[str, tuple[str, ...]] = {"ky": ("ru",), "kk": ("ru",), "uz": ("ru",), "tg": ("ru",)}


@dataclass
class LibraryStory:
    """One story id with the files of each language that compiled without errors."""

    id: str
    original_language: str
    versions: dict[str, Story] = field(default_factory=dict)

    @property
    def original(self) -> Story:
        """The original-language story."""
        return self.versions[self.original_language]

    def pick(self, language: str | None) -> Story:
        """The version in ``language``; else one its readers read (Russian for Kyrgyz
        readers, as in Kyrgyzstan's schools and offices); else the original."""
        for code in (language or "", *READ_ALSO.get(language or "", ())):
            if code in self.versions:
                return self.versions[code]
        return self.original


class Library:
    """Stories and catalogues of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[float, int, Compiled]] = {}
        self._catalogues: dict[str, tuple[float, Catalogue]] = {}
        self._checked: dict[str, float] = {}

    def _catalogue_mtime(self) -> float:
        folder = self.folder / "catalogue"
        return max((p.stat().st_mtime for p in folder.glob("*.yaml")), default=0.0)

    def catalogue(self, language: str | None = None) -> Catalogue:
        """The catalogue with labels in ``language`` (English where untranslated).

        The files are looked at again at most once a second: edits still show at once
        for authors, and a learner's step does not stat a dozen files.
        """
        key = language or ""
        now = time.monotonic()
        cached = self._catalogues.get(key)
        if cached and now - self._checked.get(key, 0.0) < 1.0:
            return cached[1]
        self._checked[key] = now
        mtime = self._catalogue_mtime()
        cached = self._catalogues.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        catalogue = load_catalogue(self.folder / "catalogue", language)
        self._catalogues[key] = (mtime, catalogue)
        return catalogue

    def _compiled(self, path: Path) -> Compiled:
        stat = path.stat()
        cached = self._files.get(path)
        if cached and cached[0] == stat.st_mtime and cached[1] == stat.st_size:
            return cached[2]
        compiled = compile_source(path.read_bytes(), self.catalogue(), path.name)
        self._files[path] = (stat.st_mtime, stat.st_size, compiled)
        return compiled

    def stories(self, include_drafts: bool = False) -> list[LibraryStory]:
        """Every playable story (its original compiles without errors), in file order.

        A file marked ``draft: true`` is left out (a draft original hides the whole story,
        a draft translation only its language) unless ``include_drafts``: learners and
        new assignments see only what an author published.
        """
        found: dict[str, LibraryStory] = {}
        with self._lock:
            paths = sorted(self.folder.glob("*.md"))
            for path in paths:
                m = STORY_NAME.match(path.name)
                if not m or m.group("lang"):
                    continue
                story = self._playable(path, include_drafts)
                if story is not None:
                    found[story.id] = LibraryStory(story.id, story.meta.language)
                    found[story.id].versions[story.meta.language] = story
            for path in paths:
                m = STORY_NAME.match(path.name)
                if not m or not m.group("lang") or m.group("id") not in found:
                    continue
                story = self._playable(path, include_drafts)
                if story is not None:
                    found[m.group("id")].versions[story.meta.language] = story
        return list(found.values())

    def _playable(self, path: Path, include_drafts: bool) -> Story | None:
        compiled = self._compiled(path)
        if not compiled.ok or compiled.story is None:
            return None
        if compiled.story.meta.draft and not include_drafts:
            return None
        return compiled.story

    def story(self, story_id: str, include_drafts: bool = False) -> LibraryStory | None:
        """A playable story by id (published only, unless ``include_drafts``)."""
        return next((s for s in self.stories(include_drafts) if s.id == story_id), None)


@lru_cache(maxsize=256)
def _compile_cached(source: bytes, catalogue: Catalogue, file: str) -> Compiled:
    # A smaller exploration bound than `trainer check`: serving needs "no errors", and the
    # full check is the author's job before publishing; this keeps first requests fast.
    return compile_story(source, catalogue, file, max_states=WEB_MAX_STATES)


def compile_source(source: bytes | str, catalogue: Catalogue, file: str = "") -> Compiled:
    """Compile a story source, cached: stored versions are compiled once per process."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return _compile_cached(data, catalogue, file)


def store_version(session: Session, story: Story) -> StoryVersion:
    """The stored version of ``story``, created the first time it is played."""
    found = session.exec(
        select(StoryVersion).where(StoryVersion.content_hash == story.content_hash)
    ).first()
    if found:
        return found
    version = StoryVersion(
        story_id=story.id,
        language=story.meta.language,
        title=story.meta.title,
        content_hash=story.content_hash,
        source=story.source,
    )
    session.add(version)
    session.flush()
    return version


def version_story(version: StoryVersion, catalogue: Catalogue) -> Story:
    """The compiled story of a stored version (it compiled cleanly when it was stored)."""
    compiled = compile_source(version.source, catalogue, f"{version.story_id}@{version.id}")
    if compiled.story is None:
        raise LookupError(f"stored version {version.id} no longer parses")
    return compiled.story
