"""Quality floors on the held-out evaluation set (corpora/eval), and on the development set for
channels: a regression fails CI.

The floors are the scores reached when they were pinned (bench/quality.py prints the full
table), less a hair for floating-point differences between machines. Issue 4's targets are
higher (objection P 0.85 / R 0.80, category 0.80, channel F1 0.90); see README.md.
"""

from __future__ import annotations

import pytest

from callinsight.config import CHECKOUT
from callinsight.extract import CallText
from callinsight.extract.evaluation import load_labelled_calls, score_extraction

FLOORS = {  # reached with the static vectors: P 0.886, R 0.816, category 0.805, channels 0.910
    "objection_precision": 0.88,
    "objection_recall": 0.81,
    "category_accuracy": 0.80,
    "channel_f1": 0.90,
    "question_f1": 0.85,
    "content_mention_f1": 0.83,
}


# The channel rules are written from the development and training calls' errors: their gains
# there (development set of 60 calls 0.941 when pinned) are pinned too, as the evaluation set's
# floor alone would not notice them all undone.
DEV_CHANNEL_FLOOR = 0.935


@pytest.fixture(scope="module")
def plain(extractor):
    from callinsight import load_settings
    from callinsight.extract import Extractor

    # The shipped configuration: no library assets or trackers of the test fixture.
    return Extractor(
        load_settings(),
        taxonomy=extractor.taxonomy,
        classifier=extractor.classifier,
        embedder=extractor.embedder,
    )


def _score(plain, folder: str):
    calls = load_labelled_calls(CHECKOUT / "corpora" / folder / "calls")
    assert len(calls) >= 40
    found = plain.extract_calls(CallText(c.call_id, c.utterances) for c in calls)
    return score_extraction(calls, found)


@pytest.fixture(scope="module")
def scores(plain):
    return _score(plain, "eval")


def test_objection_detection_stays_at_or_above_its_floor(scores):
    k = scores.kinds["objection"]
    assert k.precision >= FLOORS["objection_precision"]
    assert k.recall >= FLOORS["objection_recall"]
    assert scores.category_accuracy >= FLOORS["category_accuracy"]


def test_attribution_channels_stay_at_or_above_their_floor(scores):
    assert scores.channels.f1 >= FLOORS["channel_f1"]


def test_questions_and_content_mentions_stay_at_or_above_their_floor(scores):
    assert scores.kinds["question"].f1 >= FLOORS["question_f1"]
    assert scores.kinds["content_mention"].f1 >= FLOORS["content_mention_f1"]


def test_development_set_channels_stay_at_or_above_their_floor(plain):
    assert _score(plain, "dev").channels.f1 >= DEV_CHANNEL_FLOOR
