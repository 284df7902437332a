"""Clustering fixtures: the real embedder and a real BANKING77 sample, loaded once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from callinsight import load_settings
from callinsight.embed import get_embedder

SAMPLE = Path(__file__).parents[1] / "data" / "clustering" / "banking77_sample.csv"


@pytest.fixture(scope="session")
def embedder():
    return get_embedder(load_settings())


@pytest.fixture(scope="session")
def banking(embedder):
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows]
    return texts, [r["label"] for r in rows], embedder.encode(texts)
