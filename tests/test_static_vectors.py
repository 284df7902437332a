"""The static vectors extraction reads: shipped, checked, close to MiniLM, reproducible."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from callinsight import load_settings
from callinsight.config import CHECKOUT
from callinsight.embed import get_embedder, get_extraction_embedder
from callinsight.errors import ExtractError, ModelError
from callinsight.extract.evaluation import load_labelled_calls
from callinsight.extract.sentences import split_sentences
from callinsight.static_vectors import LABEL, StaticEmbedder, distil

# Mean cosine between the static and MiniLM vectors of held-out evaluation sentences when the
# shipped vectors were distilled (0.76 on dev+eval, bench/static_vectors.py), less a hair.
HELD_OUT_COSINE_FLOOR = 0.74


@pytest.fixture(scope="module")
def static():
    return get_extraction_embedder(load_settings())


def test_shipped_vectors_load_as_the_extraction_default(static):
    assert isinstance(static, StaticEmbedder)
    assert static.label == LABEL
    v = static.encode(["That price made my CFO choke.", "", "That price made my CFO choke."])
    assert v.shape == (3, static.dim) and v.dtype == np.float32
    assert np.isclose(np.linalg.norm(v[0]), 1.0, atol=1e-5)
    assert not v[1].any()  # nothing said, no direction
    assert np.array_equal(v[0], v[2])
    assert static.encode([]).shape == (0, static.dim)


def test_pieces_read_word_by_word_are_the_tokenizers_for_the_whole_text(static):
    from callinsight.static_vectors import piece_ids

    calls = load_labelled_calls(CHECKOUT / "corpora" / "eval" / "calls")
    texts = [u.text for c in calls[:5] for u in c.utterances] + [
        "naïve café, résumé — 中文 OK?",
        "  two  spaces ",
        "a tab\there and a\nnewline",
        "no-break\u00a0space",
        "don’t",
        "",
        " ",
        "x\u0301y \u0301z",
    ]
    whole = static._tok.encode_batch([t.replace("’", "'") for t in texts], add_special_tokens=False)
    known: dict = {}
    for _ in range(2):  # cold, then with every word known
        ids, lengths = piece_ids(static._tok, texts, known)
        assert lengths.tolist() == [len(e.ids) for e in whole]
        assert ids.tolist() == [i for e in whole for i in e.ids]
    assert piece_ids(static._tok, [])[0].shape == (0,)


def test_static_vectors_stay_close_to_minilm_on_held_out_sentences(static):
    calls = load_labelled_calls(CHECKOUT / "corpora" / "eval" / "calls")
    texts = sorted({s.text for c in calls for u in c.utterances for s in split_sentences(u)})
    texts = texts[:: max(1, len(texts) // 400)]
    cosine = (static.encode(texts) * get_embedder(load_settings()).encode(texts)).sum(axis=1)
    assert cosine.mean() >= HELD_OUT_COSINE_FLOOR


def test_meaning_survives_for_paraphrases(static):
    a, b, c = static.encode(
        [
            "That number is way over our budget.",
            "Honestly it costs more than we can spend this year.",
            "We use HubSpot for our marketing emails.",
        ]
    )
    assert a @ b > a @ c


def test_changed_vectors_are_refused(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(load_settings().static_vectors_dir, folder)
    (folder / "vectors.npz").write_bytes(b"tampered")
    with pytest.raises(ModelError, match=r"\[E202\].*vectors.npz"):
        StaticEmbedder(folder)
    with pytest.raises(ModelError, match=r"\[E201\].*callinsight distil"):
        StaticEmbedder(tmp_path / "nowhere")


def test_a_classifier_trained_on_other_vectors_is_refused():
    from callinsight.extract import Extractor

    settings = load_settings().model_copy(update={"extraction_vectors": "embedder"})
    with pytest.raises(ExtractError, match=r"\[E505\].*'minilm-static'.*'minilm'.*train"):
        Extractor(settings)


def test_distil_fits_the_project_text_closer_than_the_prior(tmp_path):
    """`callinsight distil` on a small corpus: the fitted pieces beat each piece read alone."""
    corpora = tmp_path / "corpora"
    (corpora / "train" / "calls").mkdir(parents=True)
    for name in ("t-01.yaml", "t-02.yaml", "t-03.yaml"):
        shutil.copy(CHECKOUT / "corpora" / "train" / "calls" / name, corpora / "train" / "calls")
    for name in ("objections.csv", "prompts.csv"):
        lines = (CHECKOUT / "corpora" / "train" / name).read_text().splitlines()
        (corpora / "train" / name).write_text("\n".join(lines[:120]) + "\n")
    shutil.copytree(CHECKOUT / "corpora" / "taxonomy", corpora / "taxonomy")
    meta = distil(corpora, tmp_path / "out")
    fitted = StaticEmbedder(tmp_path / "out")
    assert meta["texts"] > 300 and meta["fit_cosine"] > 0.85
    assert meta["sha256"] == fitted.meta["sha256"]
    texts = ["We're locked into a contract with our current vendor until next June."]
    teacher = get_embedder(load_settings()).encode(texts)[0]
    assert fitted.encode(texts)[0] @ teacher > 0.6
