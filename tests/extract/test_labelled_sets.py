"""The labelled sets are well formed: exact quotes, known categories and channels."""

from __future__ import annotations

from collections import Counter

import pytest

from callinsight.config import CHECKOUT
from callinsight.extract.evaluation import KINDS, load_labelled_calls
from callinsight.extract.taxonomy import load_taxonomy

SETS = {"eval": 40, "dev": 10, "train": 30}


@pytest.mark.parametrize(("name", "minimum"), SETS.items())
def test_labelled_set_is_well_formed(name, minimum, taxonomy_dir):
    taxonomy = load_taxonomy(taxonomy_dir)
    calls = load_labelled_calls(CHECKOUT / "corpora" / name / "calls")  # raises on a bad quote
    assert len(calls) >= minimum
    categories = Counter()
    for call in calls:
        roles = {u.index: u.role for u in call.utterances}
        for g in call.gold:
            assert g.kind in KINDS
            assert roles[g.utterance_index] == "prospect"
            if g.kind == "objection":
                assert g.category in taxonomy.objections
                categories[g.category] += 1
            if g.kind == "attribution":
                assert g.channels and all(c in taxonomy.channels for c, _ in g.channels)
    assert set(categories) == set(taxonomy.objections)


def test_eval_calls_are_not_training_calls():
    def texts(name):
        return {
            u.text
            for c in load_labelled_calls(CHECKOUT / "corpora" / name / "calls")
            for u in c.utterances
            if len(u.text.split()) >= 6  # "Will do." may well recur
        }

    assert not texts("eval") & texts("train")
    assert not texts("eval") & texts("dev")
