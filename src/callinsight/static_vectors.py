"""Static sentence vectors distilled from MiniLM, for extraction at archive speed.

Extraction reads every prospect sentence of every call, with its turn and the rep's turn
before it as context; MiniLM on 2 CPU cores reads about 60 prospect utterances a second that
way. A static embedder looks up one vector per word piece and averages them (no attention,
no context): hundreds of times faster, at some loss of meaning. The vectors are distilled
from the bundled MiniLM (``callinsight distil``) in two steps:

1. every piece of MiniLM's vocabulary goes through MiniLM alone (``[CLS] piece [SEP]``, mean
   pooled, as model2vec does), centred and of unit length: a prior for every piece;
2. the pieces of the project's own text are refitted so that the mean of a sentence's pieces
   matches MiniLM's vector of the whole sentence: ridge regression towards the prior (the idea
   of tokenlearn), solved in closed form over the pieces seen.

Step 2 is what makes them usable: on the held-out development and evaluation sentences the
cosine to MiniLM's own vector is 0.40 after step 1 and 0.75 after step 2
(``bench/static_vectors.py``). The vectors, their sha256 and what they were fitted on live in
``models/minilm-static/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import yaml
from scipy import linalg, sparse

from callinsight.config import Settings
from callinsight.errors import E, ModelError
from callinsight.manifest import sha256
from callinsight.registry import EMBEDDERS

LABEL = "minilm-static"
VECTORS = "vectors.npz"
RIDGE = 0.01  # pull towards the prior; 0.01-0.03 fit held-out sentences best (0.001: 0.72)
PIECE_CACHE = 200_000  # distinct words whose pieces an embedder remembers


def _tokenizer():
    from tokenizers import Tokenizer

    from callinsight.embed import minilm_folder

    tok = Tokenizer.from_file(str(minilm_folder() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def piece_ids(
    tok, texts: Sequence[str], known: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The word-piece ids of all texts end to end, and each text's count of them: what the
    tokenizer gives for each whole text.

    BERT's normalizer works character by character and its pre-tokenizer always splits at a
    space, so a text's pieces are its space-separated words' pieces in order: each distinct
    word goes through the tokenizer once (``known`` keeps them between calls), not every
    sentence and again every turn that holds it. The ids stay in arrays: a Python int per
    piece would cost more in allocation (and garbage collection) than the tokenizer.
    """
    known = {} if known is None else known
    index: dict[str, int] = {}
    occurrences: list[int] = []  # word index of each word of each text, in order
    words_per_text: list[int] = []
    for text in texts:
        n = len(occurrences)
        for word in text.replace("’", "'").split(" "):
            if word:
                occurrences.append(index.setdefault(word, len(index)))
        words_per_text.append(len(occurrences) - n)
    # Read from ``known`` once: another thread's encode may clear it meanwhile.
    of = {w: known.get(w) for w in index}
    new = [w for w, p in of.items() if p is None]
    if new:
        for word, enc in zip(new, tok.encode_batch(new, add_special_tokens=False), strict=True):
            of[word] = known[word] = np.array(enc.ids, dtype=np.int64)
    pieces = list(of.values())  # in index order
    word_len = np.array([len(p) for p in pieces], dtype=np.int64)
    word_at = np.cumsum(word_len) - word_len
    flat = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
    occ = np.array(occurrences, dtype=np.int64)
    lens = word_len[occ]
    # Gather each occurrence's run of pieces: its word's offset plus 0..len-1.
    run_at = np.cumsum(lens) - lens
    gather = np.repeat(word_at[occ] - run_at, lens) + np.arange(int(lens.sum()))
    text_at = np.repeat(np.arange(len(texts)), words_per_text)
    lengths = np.bincount(text_at, weights=lens, minlength=len(texts)).astype(np.int64)
    return flat[gather], lengths


def piece_matrix(
    tok, texts: Sequence[str], vocabulary: int, known: dict[str, np.ndarray] | None = None
) -> sparse.csr_matrix:
    """(len(texts), vocabulary) matrix: each row averages the text's word pieces."""
    ids, lengths = piece_ids(tok, texts, known)
    weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix(
        (weights, ids, indptr), shape=(len(texts), vocabulary), dtype=np.float32
    )


class StaticEmbedder:
    """Unit-length means of distilled word-piece vectors; the Embedder protocol."""

    label = LABEL

    def __init__(self, folder: Path) -> None:
        meta_path = folder / "meta.json"
        path = folder / VECTORS
        if not meta_path.is_file() or not path.is_file():
            raise ModelError(
                E.E201, name=str(folder), reason="no distilled vectors: run `callinsight distil`"
            )
        meta = json.loads(meta_path.read_text())
        actual = sha256(path)
        if actual != meta.get("sha256"):
            raise ModelError(E.E202, path=path, actual=actual, expected=meta.get("sha256", "?"))
        with np.load(path, allow_pickle=False) as z:
            self.vectors = z["vectors"].astype(np.float32)
        self.folder = folder
        self.meta = meta
        self.dim = int(self.vectors.shape[1])
        self._tok = _tokenizer()
        self._pieces: dict[str, np.ndarray] = {}  # word -> its pieces (see piece_ids)
        if self._tok.get_vocab_size() != len(self.vectors):
            raise ModelError(
                E.E201, name=str(folder), reason="vectors do not match MiniLM's vocabulary"
            )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), np.float32)
        # Extraction encodes a turn once per candidate sentence in it: each text once.
        first: dict[str, int] = {}
        rows = np.array([first.setdefault(t, len(first)) for t in texts])
        if len(self._pieces) > PIECE_CACHE:  # a long-running worker's vocabulary keeps growing
            self._pieces.clear()
        pieces = piece_matrix(self._tok, list(first), len(self.vectors), self._pieces)
        out = np.asarray(pieces @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms == 0, 1.0, norms)  # an empty text stays a zero vector
        return out[rows]


@EMBEDDERS.register("static")
def _static(settings: Settings) -> StaticEmbedder:
    return StaticEmbedder(settings.static_vectors_dir)


# -- distillation ---------------------------------------------------------------------------


def distillation_texts(corpora: Path) -> list[str]:
    """The project's own text, as extraction will read it: the training calls' sentences and
    turns, the labelled phrases and prompts, the taxonomy's examples, the demo library. Never
    the development or evaluation calls: they measure the result."""
    from callinsight.extract.evaluation import load_labelled_calls
    from callinsight.extract.objections import CONTEXT_SENTENCES  # a turn as extraction reads it
    from callinsight.extract.sentences import last_sentences, split_sentences

    texts: list[str] = []
    for call in load_labelled_calls(corpora / "train" / "calls"):
        for u in call.utterances:
            texts.append(last_sentences(u.text, CONTEXT_SENTENCES))
            texts.extend(s.text for s in split_sentences(u))
    for name in ("objections.csv", "prompts.csv"):
        with (corpora / "train" / name).open(newline="") as f:
            texts.extend(row["text"] for row in csv.DictReader(f))
    for path in sorted((corpora / "taxonomy").glob("*.yaml")):
        texts.extend(_strings(yaml.safe_load(path.read_text())))
    library = corpora / "demo" / "content_library.csv"
    if library.is_file():
        with library.open(newline="") as f:
            for row in csv.DictReader(f):
                texts.append(". ".join(filter(None, (row.get("title"), row.get("summary")))))
    return sorted({t.strip() for t in texts if t and t.strip()})


def _strings(node: object) -> Iterable[str]:
    """Every phrase in a taxonomy file: the lists of examples, terms and names."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, str):
                yield value
            else:
                yield from _strings(value)


def piece_prior(model, tok, batch: int = 1024) -> np.ndarray:
    """Step 1: each word piece through MiniLM alone, mean pooled, centred, of unit length."""
    import torch

    bert = model[0].auto_model
    vocabulary = tok.get_vocab_size()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out = np.zeros((vocabulary, model.get_embedding_dimension()), np.float32)
    with torch.inference_mode():
        for start in range(0, vocabulary, batch):
            pieces = range(start, min(vocabulary, start + batch))
            ids = torch.tensor([[cls, i, sep] for i in pieces])
            hidden = bert(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            out[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    out -= out.mean(axis=0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def distil(
    corpora: Path,
    out_dir: Path,
    ridge: float = RIDGE,
    on_step: Callable[[str], None] = lambda step: None,
) -> dict:
    """Distil the bundled MiniLM into ``out_dir`` (vectors.npz, meta.json); returns the meta."""
    from callinsight.embed import SentenceTransformerEmbedder, minilm_folder

    teacher = SentenceTransformerEmbedder(minilm_folder(), "minilm")
    tok = _tokenizer()
    on_step(f"reading {tok.get_vocab_size():,} word pieces through MiniLM")
    prior = piece_prior(teacher.model, tok)
    texts = distillation_texts(corpora)
    on_step(f"encoding {len(texts):,} sentences of the project's text")
    target = teacher.encode(texts).astype(np.float64)

    on_step("fitting the word pieces seen")
    a = piece_matrix(tok, texts, len(prior)).astype(np.float64)
    seen = np.unique(a.indices)
    a_seen = a[:, seen]
    gram = (a_seen.T @ a_seen).toarray()
    gram[np.diag_indices_from(gram)] += ridge
    vectors = prior.copy()
    vectors[seen] = linalg.solve(
        gram, a_seen.T @ target + ridge * prior[seen].astype(np.float64), assume_a="pos"
    )
    fitted = np.asarray(a @ vectors)
    fitted /= np.maximum(np.linalg.norm(fitted, axis=1, keepdims=True), 1e-9)

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / VECTORS
    np.savez_compressed(path, vectors=vectors.astype(np.float16))
    meta = {
        "label": LABEL,
        "teacher": "minilm (all-MiniLM-L6-v2, bundled)",
        "distilled_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "ridge": ridge,
        "texts": len(texts),
        "texts_sha256": hashlib.sha256("\n".join(texts).encode()).hexdigest(),
        "pieces_fitted": len(seen),
        "fit_cosine": round(float((fitted * target).sum(axis=1).mean()), 4),
        "sha256": sha256(path),
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta
