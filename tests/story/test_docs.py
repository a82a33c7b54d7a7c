"""The documentation of diagnostics stays in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
SOURCES = {p: p.read_text(encoding="utf-8") for p in (ROOT / "trainer" / "story").glob("*.py")}
CODE = re.compile(r'"([A-Z]\d{3})"')
ROW = re.compile(r"^\| `([A-Z]\d{3})` \| ([a-z /]+) \|", re.M)
CALL = re.compile(r'\.(error|warning|info)\(\s*"([A-Z]\d{3})"')


def source_codes() -> set[str]:
    return {code for text in SOURCES.values() for code in CODE.findall(text)}


def source_severities() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for text in SOURCES.values():
        for severity, code in CALL.findall(text):
            found.setdefault(code, set()).add(severity)
    # Catalogue look-ups report their code through a table (resolve.py): always errors.
    resolve = SOURCES[ROOT / "trainer" / "story" / "resolve.py"]
    table = re.search(r"_CODES = \{([^}]*)\}", resolve)
    assert table is not None
    for code in CODE.findall(table.group(1)):
        found.setdefault(code, set()).add("error")
    return found


def test_every_code_in_the_source_is_documented_and_vice_versa():
    documented = {code for code, _severity in ROW.findall(DOC)}
    assert len(source_codes()) >= 60
    assert source_codes() - documented == set(), "undocumented codes"
    assert documented - source_codes() == set(), "documented codes the checker never emits"


def test_each_code_is_documented_once_in_order():
    codes = [code for code, _s in ROW.findall(DOC)]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_documented_severities_match_the_source():
    documented = {code: set(severity.split(" / ")) for code, severity in ROW.findall(DOC)}
    assert source_severities() == documented


def test_every_row_has_an_example_and_a_fix():
    for row in re.findall(r"^\| `[A-Z]\d{3}` \|.*$", DOC, re.M):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 5 and all(cells), row


def test_the_scoring_document_states_the_formula_and_the_limits():
    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for needle in ("50 points", "20 points", "30 points", "Jaccard", "harmful", "not a legal"):
        assert needle in scoring
    assert "2 medium and 1 weak" in scoring and "for a **child**" in scoring
