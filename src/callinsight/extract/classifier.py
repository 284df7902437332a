"""The classifiers the project trains on its own labelled data (``callinsight train``).

Five small linear models, stored as plain arrays (``.npz``, no pickles) in
``models/objection-classifier/`` with a ``meta.json`` that records how they were trained and
each file's sha256 (a changed file is refused with [E504]):

- ``screen``: objection or not, over hashed word and character n-grams. Stateless features
  make it cheap enough for every prospect sentence; it decides which ones reach the
  sentence-embedding model.
- ``prompts``: what a rep's sentence asks (attribution / research / opinion / none), same
  features.
- ``head``: the objection category (or none) from the MiniLM vectors of the sentence and its
  context; its "none" column is evidence for the stacker.
- ``category``: the category of an objection, fitted on objections only, from the head's
  vectors and the n-grams together (the words name the category: "SOC 2", "renewal",
  "board"); it outdid the head's own category on the development set (0.72 against 0.70).
- ``stacker``: the final objection probability from the evidence of every method (the screen,
  the head, exemplar similarity, rule cues), fitted on out-of-fold predictions so it learns how
  far to trust each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from callinsight.errors import E, ExtractError

N_FEATURES = 2**18
_WORDS = HashingVectorizer(
    n_features=N_FEATURES,
    ngram_range=(1, 3),
    alternate_sign=False,
    norm=None,
    token_pattern=r"(?u)\b\w[\w']*\b",
)
_CHARS = HashingVectorizer(
    n_features=N_FEATURES, analyzer="char_wb", ngram_range=(3, 5), alternate_sign=False, norm=None
)


def _char_ngrams(texts: Sequence[str]) -> sparse.csr_matrix:
    """``_CHARS.transform(texts)``, several times faster: "char_wb" n-grams never cross a
    space, so a text's counts are the sum of its words', and each distinct word is cut into
    n-grams once (a batch of sentences repeats most of its words)."""
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for r, text in enumerate(texts):
        for word in text.split():  # as char_wb splits
            cols.append(index.setdefault(word, len(index)))
            rows.append(r)
    if not index:  # the vectorizer refuses an empty batch
        return sparse.csr_matrix((len(texts), N_FEATURES))
    words = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(texts), len(index)))
    x = words @ _CHARS.transform(list(index))
    x.sort_indices()  # as transform leaves them: the norm then adds up in the same order
    return x


def ngram_features(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed word 1-3-grams and character 3-5-grams, log-scaled, unit length."""
    texts = [t.replace("’", "'").lower() for t in texts]
    x = sparse.hstack([_WORDS.transform(texts), _char_ngrams(texts)], format="csr")
    x.data = np.log1p(x.data)
    return normalize(x)


@dataclass(frozen=True)
class LinearModel:
    """softmax(x @ coef.T + intercept) over ``classes``; a binary model has one row."""

    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]

    def proba(self, x, *more) -> np.ndarray:
        """Class probabilities of the rows of ``x``; ``more`` are further column blocks of the
        same rows, given apart: joining a dense block to a sparse one costs more than the
        model (a dense matrix turned sparse is scanned for its non-zeros)."""
        z = x @ self.coef[:, : x.shape[1]].T
        at = x.shape[1]
        for block in more:
            z = z + block @ self.coef[:, at : at + block.shape[1]].T
            at += block.shape[1]
        if at != self.coef.shape[1]:
            raise ValueError(f"{at} input columns for a model of {self.coef.shape[1]}")
        z = np.asarray(z, dtype=np.float64) + self.intercept
        if len(self.classes) == 2 and z.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1 - p1, p1], axis=1)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def from_sklearn(cls, model) -> LinearModel:
        return cls(
            coef=np.asarray(model.coef_, dtype=np.float32),
            intercept=np.asarray(model.intercept_, dtype=np.float64),
            classes=tuple(str(c) for c in model.classes_),
        )

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, coef=self.coef, intercept=self.intercept, classes=np.array(self.classes)
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["coef"], z["intercept"], tuple(str(c) for c in z["classes"]))


MODEL_FILES = ("screen.npz", "prompts.npz", "head.npz", "category.npz", "stacker.npz")


@dataclass(frozen=True)
class ObjectionClassifier:
    screen: LinearModel
    prompts: LinearModel
    head: LinearModel
    category: LinearModel
    stacker: LinearModel
    meta: dict
    digest: str  # of meta.json: changes whenever the models are retrained

    @property
    def stacker_features(self) -> tuple[str, ...]:
        return tuple(self.meta["stacker_features"])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_classifier(folder: Path, models: dict[str, LinearModel], meta: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in MODEL_FILES:
        path = folder / name
        models[name.removesuffix(".npz")].save(path)
        files[name] = _sha256(path)
    meta = {**meta, "files": files}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return folder


def load_classifier(folder: Path) -> ObjectionClassifier:
    """Raises ExtractError [E502] when untrained, [E504] when a file was changed."""
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise ExtractError(E.E502, path=folder)
    meta = json.loads(meta_path.read_text())
    models = {}
    for name in MODEL_FILES:
        path = folder / name
        if not path.is_file():
            raise ExtractError(E.E504, path=folder, reason=f"{name} is missing")
        if _sha256(path) != meta.get("files", {}).get(name):
            raise ExtractError(E.E504, path=folder, reason=f"{name} has another sha256")
        models[name.removesuffix(".npz")] = LinearModel.load(path)
    return ObjectionClassifier(
        **models, meta=meta, digest=hashlib.sha256(meta_path.read_bytes()).hexdigest()
    )
