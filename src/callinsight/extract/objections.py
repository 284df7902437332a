"""Objections: what stops a prospect from buying, in their own words, with a category.

Two passes keep it fast and still catch paraphrase and implication:
1. every prospect sentence gets the rule cues (spaCy, ``rules.py``) and the n-gram screen
   (``classifier.py``): both cheap;
2. the sentences either flags go through MiniLM: the trained head reads the category from the
   vectors of the sentence, its whole turn and the rep's turn before it; exemplar similarity
   compares the sentence with the taxonomy's example phrasings (and with what must not count:
   pain about the current tool, neutral questions, praise); the stacker weighs all of this
   into one probability.
Rep speech never yields objections (the caller passes prospect sentences only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from spacy.tokens import Doc

from callinsight.embed import Embedder
from callinsight.extract.classifier import ObjectionClassifier, ngram_features
from callinsight.extract.rules import NOT_OBJECTION_CUES, OBJECTION_CUES, labels
from callinsight.extract.sentences import last_sentences
from callinsight.extract.taxonomy import Taxonomy

# The screen passes anything at or above this to the embedding stage: set low, for recall;
# the stacker decides. Measured on the development set (bench/quality.py --dev).
SCREEN_MIN = 0.2
STACKER_FEATURES = (
    "screen",
    "head_objection",
    "exemplar_similarity",
    "negative_similarity",
    "rule_cue",
    "negative_cue",
    "question",
)


@dataclass(frozen=True, slots=True)
class ObjectionScore:
    """The verdict on one sentence."""

    probability: float
    category: str
    method: str  # rule | similarity | model: the evidence that decided the category
    # The evidence for each category (taxonomy order, sums to 1): a run of sentences that
    # states one objection adds up its sentences' evidence.
    evidence: tuple[float, ...]


class ExemplarIndex:
    """Unit vectors of the taxonomy's example phrasings, by category."""

    def __init__(self, embedder: Embedder, taxonomy: Taxonomy) -> None:
        self.categories = taxonomy.categories
        texts, owners = [], []
        for i, cat in enumerate(taxonomy.objections.values()):
            texts.extend(cat.examples)
            owners.extend([i] * len(cat.examples))
        self.vectors = embedder.encode(texts)
        self.owners = np.array(owners)
        negatives = [e for c in taxonomy.not_objections.values() for e in c.examples]
        self.negatives = (
            embedder.encode(negatives) if negatives else np.zeros((0, embedder.dim), np.float32)
        )

    def similarities(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per sentence: the best cosine per category (n, k), and the best to a negative (n,)."""
        sims = vectors @ self.vectors.T
        per_category = np.full((len(vectors), len(self.categories)), -1.0, dtype=np.float32)
        for c in range(len(self.categories)):
            cols = self.owners == c
            if cols.any():
                per_category[:, c] = sims[:, cols].max(axis=1)
        negative = (
            (vectors @ self.negatives.T).max(axis=1)
            if len(self.negatives)
            else np.zeros(len(vectors), dtype=np.float32)
        )
        return per_category, negative


def stacker_inputs(
    screen: np.ndarray,
    head_objection: np.ndarray,
    exemplar: np.ndarray,
    negative: np.ndarray,
    rule_cue: np.ndarray,
    negative_cue: np.ndarray,
    question: np.ndarray,
) -> np.ndarray:
    """The stacker's input matrix, columns in STACKER_FEATURES order (training uses this too)."""
    return np.column_stack(
        [screen, head_objection, exemplar, negative, rule_cue, negative_cue, question]
    ).astype(np.float64)


CONTEXT_SENTENCES = 3  # of a turn used as context: the end of a rep's turn is what is answered


def context_vectors(
    embedder: Embedder, sentences: np.ndarray, turns: Sequence[str], rep_turns: Sequence[str]
) -> np.ndarray:
    """The head's input: the sentence, its whole turn, and what the rep said just before.

    Context changes meaning: "woof" after a price quote is a price objection, after a joke it
    is nothing. A missing rep turn (the call's first words, a labelled phrase with no call
    around it) is a zero vector.
    """
    turn = embedder.encode([last_sentences(t, CONTEXT_SENTENCES) for t in turns])
    rep = np.zeros_like(sentences)
    said = [i for i, t in enumerate(rep_turns) if t]
    if said:
        rep[said] = embedder.encode([last_sentences(rep_turns[i], CONTEXT_SENTENCES) for i in said])
    return np.hstack([sentences, turn, rep])


def category_inputs(context: np.ndarray, ngrams: sparse.csr_matrix) -> sparse.csr_matrix:
    """The category model's input: the head's context vectors beside the n-grams (for
    training; prediction gives the model the two blocks apart)."""
    return sparse.hstack([sparse.csr_matrix(context), ngrams], format="csr")


class ObjectionDetector:
    def __init__(
        self,
        taxonomy: Taxonomy,
        classifier: ObjectionClassifier,
        embedder: Embedder,
        exemplars: ExemplarIndex | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.classifier = classifier
        self.embedder = embedder
        self.exemplars = exemplars or ExemplarIndex(embedder, taxonomy)
        head_classes = classifier.head.classes
        # A category added to the taxonomy after training is still found by rules and
        # similarity; the category model simply has no opinion on it until `callinsight train`.
        known = classifier.category.classes
        self._category_columns = [known.index(c) if c in known else -1 for c in taxonomy.categories]
        self._head_none = head_classes.index("none")

    def score(
        self,
        texts: Sequence[str],
        docs: Sequence[Doc],
        questions: Sequence[bool],
        turns: Sequence[str] | None = None,
        rep_turns: Sequence[str] | None = None,
    ) -> list[ObjectionScore | None]:
        """A score for each sentence that passes the screen; None for the rest.

        ``turns`` is each sentence's whole utterance and ``rep_turns`` the rep's turn before it
        (empty when none); without them a sentence stands for its own context.
        """
        n = len(texts)
        out: list[ObjectionScore | None] = [None] * n
        if not n:
            return out
        ngrams = ngram_features(texts)
        screen = self.classifier.screen.proba(ngrams)[:, 1]
        cue_labels = [labels(d, OBJECTION_CUES) for d in docs]
        negative_cue = np.array([bool(labels(d, NOT_OBJECTION_CUES)) for d in docs], float)
        candidates = [i for i in range(n) if screen[i] >= SCREEN_MIN or cue_labels[i]]
        if not candidates:
            return out
        vectors = self.embedder.encode([texts[i] for i in candidates])
        context = context_vectors(
            self.embedder,
            vectors,
            [turns[i] if turns else texts[i] for i in candidates],
            [rep_turns[i] if rep_turns else "" for i in candidates],
        )
        head = self.classifier.head.proba(context)
        category = self.classifier.category.proba(context, ngrams[candidates])
        per_category, negative = self.exemplars.similarities(vectors)
        cats = self.taxonomy.categories
        rule = np.array([[c in cue_labels[i] for c in cats] for i in candidates], dtype=np.float64)
        x = stacker_inputs(
            screen[candidates],
            1.0 - head[:, self._head_none],
            per_category.max(axis=1),
            negative,
            rule.any(axis=1).astype(float),
            negative_cue[candidates],
            np.array([questions[i] for i in candidates], float),
        )
        probability = self.classifier.stacker.proba(x)[:, 1]

        model_cat = np.column_stack(
            [
                category[:, j] if j >= 0 else np.zeros(len(candidates))
                for j in self._category_columns
            ]
        )
        model_cat /= np.maximum(model_cat.sum(axis=1, keepdims=True), 1e-9)
        sim_soft = np.exp(20 * per_category)
        sim_soft /= sim_soft.sum(axis=1, keepdims=True)
        blended = model_cat + 0.15 * sim_soft + 0.15 * rule
        for row, i in enumerate(candidates):
            c = int(blended[row].argmax())
            if rule[row, c] and model_cat[row, c] >= 0.2:
                method = "rule"
            elif sim_soft[row, c] >= model_cat[row, c]:
                method = "similarity"
            else:
                method = "model"
            evidence = blended[row] / blended[row].sum()
            out[i] = ObjectionScore(
                float(probability[row]), cats[c], method, tuple(float(e) for e in evidence)
            )
        return out
