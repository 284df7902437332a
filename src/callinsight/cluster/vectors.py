"""Sentence vectors of stored texts (quotes, asset passages), cached in the store by digest.

A recluster, a rescan or a re-import never embeds the same text twice with the same model:
vectors are kept as float16 (cosines move by < 1e-3) keyed by the text's sha1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select

from callinsight.embed import Embedder
from callinsight.store import Store
from callinsight.store.schema import TextVectorRow

_CHUNK = 500  # digests per IN (...) query


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _lookup(store: Store, model: str, digests: Sequence[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    unique = sorted(set(digests))
    with store.session() as s:
        for i in range(0, len(unique), _CHUNK):
            q = select(TextVectorRow.digest, TextVectorRow.vector).where(
                TextVectorRow.model == model,
                TextVectorRow.digest.in_(unique[i : i + _CHUNK]),
            )
            for digest, blob in s.execute(q):
                found[digest] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    return found


def stored_vectors(store: Store, model: str, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the texts that have a stored vector, their unit vectors); embeds nothing,
    so a page can search what is indexed without stalling on what is not."""
    digests = [text_digest(t) for t in texts]
    found = _lookup(store, model, digests)
    have = np.array([i for i, d in enumerate(digests) if d in found], dtype=np.int64)
    if not len(have):
        return have, np.zeros((0, 0), dtype=np.float32)
    out = np.stack([found[digests[i]] for i in have])
    return have, out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def cached_vectors(store: Store | None, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), dim) unit float32 vectors; missing ones are embedded and stored.

    Without a store (benchmarks, labelled sets) the texts are simply embedded.
    """
    if store is None:
        return embedder.encode(list(texts))
    digests = [text_digest(t) for t in texts]
    found = _lookup(store, embedder.label, digests)
    missing = {d: t for d, t in zip(digests, texts, strict=True) if d not in found}
    if missing:
        fresh = embedder.encode(list(missing.values()))
        found.update(zip(missing, fresh, strict=True))
        with store.session() as s, s.begin():
            s.add_all(
                TextVectorRow(model=embedder.label, digest=d, vector=v.astype(np.float16).tobytes())
                for d, v in zip(missing, fresh, strict=True)
            )
    # The width of stored vectors, so that reading them never needs the model itself.
    dim = len(next(iter(found.values()))) if found else embedder.dim
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, d in enumerate(digests):
        out[i] = found[d]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)
