"""Regression: fuzzy name matching depended on set order, so the same sentence could credit
"Threads" in one process and "Facebook" in the next (string hashing differs per process)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import numpy as np
from callinsight import load_settings
from callinsight.extract.attribution import ChannelReader
from callinsight.extract.taxonomy import load_taxonomy

class NoVectors:  # the similarity fallback is not under test here
    label, dim = "none", 4
    def encode(self, texts):
        return np.zeros((len(texts), 4), np.float32)

reader = ChannelReader(load_taxonomy(load_settings().taxonomy_dir), NoVectors(), None)
hits = reader._fuzzy_hits("a huge thread in the facebok group, then capterra and linkedn")
print([(channel, name) for _said, channel, name in hits])
"""


def test_fuzzy_names_come_in_the_order_they_were_said_in_every_process():
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(run.stdout.strip().splitlines()[-1])
    assert len(outputs) == 1
    (found,) = outputs
    assert found.index("Threads") < found.index("Facebook") < found.index("LinkedIn")
