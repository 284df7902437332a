"""Extraction fixtures: the real embedder, spaCy and trained classifier, loaded once."""

from __future__ import annotations

import pytest

from callinsight import load_settings
from callinsight.config import Tracker
from callinsight.embed import get_extraction_embedder
from callinsight.extract import Extractor
from callinsight.records import ContentAsset


@pytest.fixture(scope="session")
def embedder():
    return get_extraction_embedder(load_settings())


@pytest.fixture(scope="session")
def extractor(embedder):
    assets = [
        ContentAsset(
            "A-1",
            "AP Automation ROI Calculator",
            "calculator",
            "Cost per invoice, hours saved and payback period.",
        ),
        ContentAsset(
            "A-2",
            "Month-end close webinar: closing in three days",
            "webinar",
            "A recorded webinar on closing the books faster.",
        ),
    ]
    trackers = [
        Tracker(name="discount", phrases=["discount", "price break"], speaker="prospect"),
        Tracker(name="next steps", phrases=["next steps"], speaker="rep"),
    ]
    return Extractor(load_settings(), embedder=embedder, assets=assets, trackers=trackers)
