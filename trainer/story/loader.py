"""The only file IO of the core: read the catalogues and story files from a folder."""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.story.catalogue import Catalogue, build_catalogue
from trainer.story.compiler import Compiled, compile_story
from trainer.story.diagnostics import Diagnostic, Diagnostics
from trainer.story.i18n import _
from trainer.story.parser import parse_story
from trainer.story.translations import (
    Stamped,
    StampError,
    check_original,
    compare_translation,
    hash_prefix,
    stamp,
)

CATALOGUE_FILES = ("indicators", "practices", "referrals", "roles")
STORY_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)(?:\.(?P<lang>[a-z]{2,3}))?\.md$")


def _read_yaml(path: Path) -> t.Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {"__error__": f"{path}: {exc}"}


def load_catalogue(folder: Path, language: str | None = None) -> Catalogue:
    """Read ``folder/*.yaml`` (and the ``*.LANG.yaml`` overlays for ``language``)."""
    data: dict[str, t.Any] = {}
    problems: list[str] = []
    for name in CATALOGUE_FILES:
        path = folder / f"{name}.yaml"
        if not path.exists():
            continue
        content = _read_yaml(path)
        if not isinstance(content, dict) or "__error__" in content:
            problems.append(str(content.get("__error__") if isinstance(content, dict) else path))
            continue
        data.update(content)
    catalogue = build_catalogue(data)
    if problems:
        catalogue = Catalogue(
            catalogue.categories,
            catalogue.indicators,
            catalogue.practices,
            catalogue.referrals,
            catalogue.roles,
            catalogue.problems + tuple(problems),
        )
    if language:
        overlay: dict[str, t.Any] = {}
        for name in CATALOGUE_FILES:
            path = folder / f"{name}.{language}.yaml"
            if path.exists():
                content = _read_yaml(path)
                if isinstance(content, dict) and "__error__" not in content:
                    overlay.update(content)
        catalogue = catalogue.localised(overlay)
    return catalogue


def catalogue_folder(stories: Path) -> Path:
    """Where the catalogues of a stories folder live."""
    return stories / "catalogue"


@dataclass
class StoryFile:
    """One checked file on disk."""

    path: Path
    compiled: Compiled
    original: Path | None = None  # set on translations
    extra: list[Diagnostic] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The file's own diagnostics plus the translation comparison."""
        return self.compiled.diagnostics + self.extra


def story_paths(paths: list[Path]) -> list[Path]:
    """Expand folders to their ``*.md`` files (not recursing into ``catalogue``)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.md") if p.name.lower() != "readme.md")
        else:
            found.append(path)
    return found


def check_files(paths: list[Path], catalogue: Catalogue) -> list[StoryFile]:
    """Check every file; translations are also compared with their original."""
    results: list[StoryFile] = []
    cache: dict[Path, Compiled] = {}

    def compiled(path: Path) -> Compiled:
        if path not in cache:
            try:
                data: bytes | str = path.read_bytes()
            except OSError as exc:
                diags = Diagnostics(str(path))
                diags.error(
                    "S004", _("Cannot read the file: {reason}.").format(reason=exc.strerror)
                )
                cache[path] = Compiled(None, diags.items)
                return cache[path]
            cache[path] = compile_story(data, catalogue, str(path))
        return cache[path]

    for path in story_paths(paths):
        result = StoryFile(path, compiled(path))
        m = STORY_NAME.match(path.name)
        if m and m.group("lang"):
            original = path.with_name(f"{m.group('id')}.md")
            result.original = original
            diags = Diagnostics(str(path))
            story = result.compiled.story
            if story and story.meta.language != m.group("lang"):
                diags.error(
                    "T005",
                    _(
                        "The file name says '{name}' but 'language' is '{language}'; make "
                        "them agree."
                    ).format(name=m.group("lang"), language=story.meta.language),
                    story.meta.field_lines.get("language", 1),
                    1,
                )
            if not original.exists():
                diags.error(
                    "T001",
                    _("Translation without an original: {name} does not exist.").format(
                        name=original.name
                    ),
                    1,
                    1,
                )
            elif story is not None:
                base = compiled(original).story
                if base is not None:
                    compare_translation(base, story, diags)
            result.extra = diags.items
        elif result.compiled.story is not None:
            diags = Diagnostics(str(path))
            check_original(result.compiled.story, diags)
            result.extra = diags.items
        results.append(result)
    return results


def stamp_file(path: Path) -> Stamped:
    """Record in the translation at ``path`` the version of its original it now renders.

    Writes the file only when its bytes change; raises :class:`StampError` for a file that
    is not a translation, has no readable original or has no front matter.
    """
    m = STORY_NAME.match(path.name)
    if not m or not m.group("lang"):
        raise StampError(
            _(
                "{name} is not a translation: a translation is named ID.LANG.md, for example "
                "building-site.ru.md."
            ).format(name=path.name)
        )
    original = path.with_name(f"{m.group('id')}.md")
    data = _read_for_stamp(path)
    if not original.is_file():
        raise StampError(
            _("Translation without an original: {name} does not exist.").format(name=original.name)
        )
    base = parse_story(_read_for_stamp(original), str(original)).story
    if base is None:
        raise StampError(
            _("The original {name} is not a story; run 'trainer check' on it.").format(
                name=original.name
            )
        )
    stamped = stamp(data, hash_prefix(base))
    if stamped.data != data:
        path.write_bytes(stamped.data)
    return stamped


def _read_for_stamp(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StampError(
            _("Cannot read {name}: {reason}.").format(name=path.name, reason=exc.strerror)
        ) from None
