"""Cluster-to-asset coverage on the held-out labelled set: a floor, so a regression fails CI."""

from __future__ import annotations

import pytest

from callinsight import load_settings
from callinsight.config import CHECKOUT
from callinsight.content.evaluation import coverage_scores, load_coverage_sets, score_sets
from callinsight.content.mapping import Thresholds
from callinsight.embed import get_embedder


@pytest.fixture(scope="module")
def scored():
    sets = load_coverage_sets(CHECKOUT / "corpora" / "eval" / "coverage")
    assert len(sets) >= 3
    return score_sets(sets, get_embedder(load_settings()))


def test_covered_precision_and_recall_floor(scored):
    s = coverage_scores(scored, Thresholds.load())
    assert s["clusters"] >= 100
    # Measured: covered precision 0.533, recall 0.511, status accuracy 0.435 (README table).
    assert s["covered_precision"] >= 0.50, s
    assert s["covered_recall"] >= 0.48, s
    assert s["status_accuracy"] >= 0.41, s
