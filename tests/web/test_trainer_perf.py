"""The matrix and the analytics of 300 learners × 10 assignments render in under 0.5 s,
with a fixed, small number of SQL statements (aggregation in SQL, no query per learner)."""

from __future__ import annotations

from flask import Flask

from bench.bench_reports import TARGET_SECONDS, measure, populate


def test_matrix_and_analytics_of_300_learners_by_10_assignments(app: Flask):
    made = populate(app, learners=300, assignments=10)
    assert made.attempts > 3000 and made.steps > 10000
    timings = measure(app, made, repeat=5)
    report = "\n".join(
        f"{t.url}: best {t.best * 1000:.0f} ms, median {t.median * 1000:.0f} ms, "
        f"{t.statements} SQL statements"
        for t in timings
    )
    print(report)
    for timing in timings:
        assert timing.best < TARGET_SECONDS, report
        assert timing.statements <= 10, report  # the same few queries whatever the size
