import shutil

import pytest

from callinsight import load_settings
from callinsight.errors import ExtractError
from callinsight.extract.classifier import load_classifier
from callinsight.extract.training import read_labelled


def test_shipped_classifier_loads_and_knows_every_category(taxonomy_dir):
    from callinsight.extract.taxonomy import load_taxonomy

    clf = load_classifier(load_settings().classifier_dir)
    assert set(load_taxonomy(taxonomy_dir).categories) | {"none"} == set(clf.head.classes)
    assert set(clf.prompts.classes) == {
        "attribution_prompt", "research_prompt", "opinion_prompt", "none",
    }  # fmt: skip


def test_untrained_folder_asks_for_training(tmp_path):
    with pytest.raises(ExtractError, match=r"\[E502\].*callinsight train"):
        load_classifier(tmp_path)


def test_changed_model_file_is_refused(tmp_path):
    folder = tmp_path / "clf"
    shutil.copytree(load_settings().classifier_dir, folder)
    (folder / "head.npz").write_bytes(b"tampered")
    with pytest.raises(ExtractError, match=r"\[E504\].*head.npz"):
        load_classifier(folder)


def test_training_data_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "objections.csv"
    bad.write_text("text,label\nToo pricey.,price\nHello,greeting\n")
    with pytest.raises(ExtractError, match=r"\[E503\].*objections.csv.*line 3.*'greeting'"):
        read_labelled(bad, ["price", "none"])
    bad.write_text("sentence,category\nx,price\n")
    with pytest.raises(ExtractError, match=r"needs columns 'text' and 'label'"):
        read_labelled(bad, ["price", "none"])


def test_train_writes_a_classifier_that_loads(tmp_path, embedder, taxonomy_dir):
    """`callinsight train` from the shipped data, into a temporary folder."""
    from callinsight.config import CHECKOUT
    from callinsight.extract.taxonomy import load_taxonomy
    from callinsight.extract.training import train_classifier

    meta = train_classifier(
        load_taxonomy(taxonomy_dir),
        embedder,
        CHECKOUT / "corpora" / "train",
        tmp_path / "clf",
        extra_negatives=["We would love to see the reporting module."],
    )
    assert meta["data"]["dismissed_findings"] == 1
    assert meta["cross_validation"]["objection"]["precision"] > 0.6
    clf = load_classifier(tmp_path / "clf")
    assert clf.meta["counts"]["none"] > 0


def test_column_blocks_given_apart_score_as_one_matrix():
    import numpy as np
    from scipy import sparse

    from callinsight.extract.classifier import LinearModel
    from callinsight.extract.objections import category_inputs

    rng = np.random.default_rng(0)
    model = LinearModel(
        rng.normal(size=(3, 7)).astype(np.float32), rng.normal(size=3), ("a", "b", "c")
    )
    dense = rng.normal(size=(4, 3)).astype(np.float32)
    ngrams = sparse.random(4, 4, density=0.5, format="csr", random_state=0)
    joined = model.proba(category_inputs(dense, ngrams))
    assert np.allclose(model.proba(dense, ngrams), joined, atol=1e-6)
    with pytest.raises(ValueError, match="6 input columns"):
        model.proba(dense, ngrams[:, :3])


def test_character_ngrams_by_word_equal_the_vectorizer_exactly():
    import numpy as np

    from callinsight.extract.classifier import _CHARS, _char_ngrams

    texts = [
        "that number made my cfo choke.",
        "  two  spaces,\ta tab\nand a newline ",
        "",
        "a",
        "naïve café — soc 2? soc 2!",
        "that number, that number",
    ]
    ours, theirs = _char_ngrams(texts), _CHARS.transform(texts)
    assert ours.shape == theirs.shape
    # Same columns in the same order and the same counts: the features, and the norms built
    # from them, are bit for bit those the shipped models were trained on.
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)
    assert _char_ngrams([]).shape == (0, theirs.shape[1])
