"""Every story in stories/ checks with no error and no warning, exactly as `trainer check`.

The files are parametrized from the folder, so a new story is checked as soon as it is
added. The starter story that `trainer new` writes is always checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.starter import write_starter
from trainer.story.catalogue import Catalogue
from trainer.story.diagnostics import Severity
from trainer.story.loader import check_files, story_paths

STORIES = Path(__file__).resolve().parents[2] / "stories"
FILES = story_paths([STORIES])


def problems(paths: list[Path], catalogue: Catalogue) -> list[str]:
    """Errors and warnings, formatted as `trainer check` prints them."""
    return [
        d.format()
        for result in check_files(paths, catalogue)
        for d in result.diagnostics
        if d.severity >= Severity.WARNING
    ]


# With no story in the folder yet, the one case checks the starter story instead, so the
# parametrization is never empty (an empty one would be reported as a skip).
@pytest.mark.parametrize("path", FILES or [None], ids=[p.name for p in FILES] or ["starter"])
def test_shipped_story_checks_clean(path: Path | None, catalogue: Catalogue, tmp_path: Path):
    """A translation is checked with its original, so the T-codes are covered too."""
    target = path or write_starter("starter", tmp_path)
    assert problems([target], catalogue) == []


def test_the_starter_story_checks_clean(tmp_path: Path, catalogue: Catalogue):
    path = write_starter("starter", tmp_path)
    assert problems([path], catalogue) == []
