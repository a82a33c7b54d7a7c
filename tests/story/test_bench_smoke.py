"""The benchmark's 1,000-passage story checks clean, well within the time bar."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

from trainer.story.catalogue import Catalogue
from trainer.story.compiler import compile_story

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_checker.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_checker", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_checker", module)
    spec.loader.exec_module(module)
    return module


def test_a_thousand_passages_check_clean_in_under_two_seconds(catalogue: Catalogue):
    text = load_bench().generate_story(1_000)
    assert text.count("\n## ") == 1_000
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        compiled = compile_story(text, catalogue, "bench.md")
        best = min(best, time.perf_counter() - started)
    assert compiled.ok and compiled.diagnostics == []
    assert compiled.exploration is not None and compiled.exploration.complete
    assert best < 2.0


def test_generated_stories_have_the_requested_size():
    bench = load_bench()
    for n in (14, 100, 1_234):
        text = bench.generate_story(n)
        assert text.count("\n## ") == n
