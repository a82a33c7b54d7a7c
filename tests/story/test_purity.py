"""The pure core loads no web framework and no database code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlmodel", "sqlalchemy", "werkzeug", "jinja2", "alembic", "psycopg")

PROBE = """
import importlib, json, pkgutil, sys
import trainer.story
names = sorted(m.name for m in pkgutil.iter_modules(trainer.story.__path__, "trainer.story."))
for name in names:
    importlib.import_module(name)
print(json.dumps({"submodules": names, "loaded": sorted(sys.modules)}))
"""


def test_a_fresh_interpreter_importing_the_core_loads_no_web_or_database_code():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    data = json.loads(done.stdout)
    assert len(data["submodules"]) >= 15  # every module of the core was imported
    assert "trainer.story.compiler" in data["loaded"]
    roots = {name.partition(".")[0] for name in data["loaded"]}
    assert roots.isdisjoint(FORBIDDEN), roots & set(FORBIDDEN)
    assert not any(
        name.startswith(("trainer.web", "trainer.services", "trainer.app", "trainer.db"))
        for name in data["loaded"]
    )
