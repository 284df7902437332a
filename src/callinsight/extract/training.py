"""``callinsight train``: fit the objection classifier on the project's own labelled data.

Inputs (``corpora/train/``):
- ``objections.csv`` (``text,label[,form]``): prospect utterances labelled with a category or
  ``none`` (hard negatives: neutral questions, pain about the current tool, praise, ...);
- ``calls/*.yaml``: whole labelled calls (the format of ``corpora/eval``): every prospect
  sentence becomes an example, labelled with the category of the objection it overlaps or
  ``none``, so the classifier also learns from objections and non-objections in context. The
  other sentences of a turn that holds an objection are left out: a label quotes the core of
  the objection, and the sentences around it that carry the rest ("Three years? Please don't
  tell me five.") are neither objections alone nor "none" (the extractor joins them into the
  objection's quote). Taught as "none" they made the classifier doubt the objections they
  resemble (development set F1 0.82 -> 0.88);
- ``prompts.csv`` (``text,label``): rep sentences labelled attribution_prompt,
  research_prompt, opinion_prompt or none;
- optionally, findings users dismissed as "not an objection", as extra negatives.

The screen, the head and the category model are first fitted five times on four fifths of the
data, so that every training row gets predictions from models that never saw it; the stacker
learns from those honest predictions, then all of them are refitted on everything. The
cross-validated scores go into ``meta.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from callinsight.embed import Embedder
from callinsight.errors import E, ExtractError
from callinsight.extract.classifier import LinearModel, ngram_features, save_classifier
from callinsight.extract.evaluation import load_labelled_calls
from callinsight.extract.objections import (
    STACKER_FEATURES,
    ExemplarIndex,
    category_inputs,
    context_vectors,
    stacker_inputs,
)
from callinsight.extract.rules import NOT_OBJECTION_CUES, OBJECTION_CUES, cue_pipeline, labels
from callinsight.extract.sentences import looks_like_question, split_sentences
from callinsight.extract.taxonomy import Taxonomy

PROMPT_LABELS = ("attribution_prompt", "research_prompt", "opinion_prompt", "none")
FOLDS = 5
# The category model's regularisation: 2 was best of 0.5 / 2 / 8 on the development set.
CATEGORY_C = 2.0
SEED = 13


@dataclass(frozen=True)
class LabelledSet:
    texts: list[str]
    labels: list[str]
    digest: str
    path: Path


def read_labelled(path: Path, allowed: Sequence[str]) -> LabelledSet:
    """Rows of ``text,label``. Raises ExtractError [E503] naming the file and line."""
    if not path.is_file():
        raise ExtractError(E.E503, path=path, reason="file not found")
    data = path.read_bytes()
    texts, found = [], []
    reader = csv.DictReader(data.decode("utf-8").splitlines())
    if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
        raise ExtractError(E.E503, path=path, reason="needs columns 'text' and 'label'")
    seen = set()
    for line, row in enumerate(reader, start=2):
        text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
        if not text:
            raise ExtractError(E.E503, path=path, reason=f"line {line}: empty text")
        if label not in allowed:
            raise ExtractError(
                E.E503,
                path=path,
                reason=f"line {line}: label '{label}' is not one of {', '.join(allowed)}",
            )
        if text.lower() in seen:
            continue  # a duplicate would count twice in cross-validation
        seen.add(text.lower())
        texts.append(text)
        found.append(label)
    if len(set(found)) < 2:
        raise ExtractError(E.E503, path=path, reason="needs at least two labels")
    return LabelledSet(texts, found, hashlib.sha256(data).hexdigest(), path)


def call_examples(
    folder: Path,
) -> tuple[list[str], list[str], list[tuple[str, str]], str]:
    """Prospect sentences of labelled calls with their objection category or 'none', their
    context (the whole turn, the rep's turn before it), and a digest of the files."""
    texts, found, contexts = [], [], []
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.read_bytes())
    for call in load_labelled_calls(folder) if folder.is_dir() else []:
        gold = [g for g in call.gold if g.kind == "objection"]
        objection_turns = {g.utterance_index for g in gold}
        rep = ""
        for u in call.utterances:
            if u.role == "rep":
                rep = u.text
                continue
            for sentence in split_sentences(u):
                hits = [
                    g
                    for g in gold
                    if g.utterance_index == u.index
                    and min(g.end, sentence.end) > max(g.start, sentence.start)
                ]
                if not hits and u.index in objection_turns:
                    continue  # the rest of an objection's turn: see the module docstring
                texts.append(sentence.text)
                found.append(hits[0].category if hits else "none")
                contexts.append((u.text, rep))
    return texts, found, contexts, digest.hexdigest()


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced")


def _precision_recall(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp = float((truth & predicted).sum())
    return {
        "precision": round(tp / max(predicted.sum(), 1), 4),
        "recall": round(tp / max(truth.sum(), 1), 4),
    }


def train_classifier(
    taxonomy: Taxonomy,
    embedder: Embedder,
    train_dir: Path,
    out_dir: Path,
    extra_negatives: Sequence[str] = (),
    on_step: Callable[[str], None] = lambda step: None,
) -> dict:
    """Fit and save the five models; returns the meta written to ``out_dir/meta.json``."""
    categories = taxonomy.categories
    data = read_labelled(train_dir / "objections.csv", [*categories, "none"])
    prompts = read_labelled(train_dir / "prompts.csv", PROMPT_LABELS)
    call_texts, call_labels, call_contexts, calls_digest = call_examples(train_dir / "calls")
    known = {x.lower() for x in data.texts}
    texts, y_list = list(data.texts), list(data.labels)
    # A labelled phrase stands for its own turn, with no rep turn known before it.
    contexts = [(t, "") for t in data.texts]
    for text, label, context in zip(call_texts, call_labels, call_contexts, strict=True):
        if text.lower() not in known and label in (*categories, "none"):
            known.add(text.lower())
            texts.append(text)
            y_list.append(label)
            contexts.append(context)
    n_labelled = len(texts)
    for text in extra_negatives:
        if text.lower() not in known:
            known.add(text.lower())
            texts.append(text)
            y_list.append("none")
            contexts.append((text, ""))
    y = np.array(y_list)
    is_obj = y != "none"

    on_step(f"embedding {len(texts)} training sentences")
    vectors = embedder.encode(texts)
    head_input = context_vectors(
        embedder, vectors, [c[0] for c in contexts], [c[1] for c in contexts]
    )
    ngrams = ngram_features(texts)
    category_x = category_inputs(head_input, ngrams)
    nlp = cue_pipeline(taxonomy)
    docs = list(nlp.pipe(texts, batch_size=256))
    rule_cue = np.array([bool(labels(d, OBJECTION_CUES)) for d in docs], float)
    negative_cue = np.array([bool(labels(d, NOT_OBJECTION_CUES)) for d in docs], float)
    question = np.array([looks_like_question(t) for t in texts], float)
    exemplars = ExemplarIndex(embedder, taxonomy)
    per_category, negative = exemplars.similarities(vectors)

    on_step(f"cross-validating ({FOLDS} folds)")
    screen_oof = np.zeros(len(texts))
    head_oof = np.zeros(len(texts))
    category_pred = np.empty(len(texts), dtype=object)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(texts, y):
        screen = _logistic(4.0).fit(ngrams[train], is_obj[train])
        screen_oof[test] = screen.predict_proba(ngrams[test])[:, 1]
        head = _logistic(2.0).fit(head_input[train], y[train])
        proba = head.predict_proba(head_input[test])
        none = list(head.classes_).index("none")
        head_oof[test] = 1.0 - proba[:, none]
        on = train[is_obj[train]]
        category = _logistic(CATEGORY_C).fit(category_x[on], y[on])
        category_pred[test] = category.predict(category_x[test])
    x = stacker_inputs(
        screen_oof,
        head_oof,
        per_category.max(axis=1),
        negative,
        rule_cue,
        negative_cue,
        question,
    )
    stacker = LogisticRegression(C=1.0, max_iter=2000).fit(x, is_obj)
    stacked = stacker.predict_proba(x)[:, 1] >= 0.5

    on_step("fitting on all data")
    models = {
        "screen": LinearModel.from_sklearn(_logistic(4.0).fit(ngrams, is_obj)),
        "head": LinearModel.from_sklearn(_logistic(2.0).fit(head_input, y)),
        "category": LinearModel.from_sklearn(
            _logistic(CATEGORY_C).fit(category_x[is_obj], y[is_obj])
        ),
        "stacker": LinearModel.from_sklearn(stacker),
        "prompts": LinearModel.from_sklearn(
            _logistic(4.0).fit(ngram_features(prompts.texts), prompts.labels)
        ),
    }
    meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "embedder": embedder.label,
        "taxonomy": taxonomy.digest,
        "data": {
            "objections.csv": data.digest,
            "prompts.csv": prompts.digest,
            "calls": calls_digest,
            "call_sentences": len(call_texts),
            "dismissed_findings": len(texts) - n_labelled,
        },
        "counts": dict(sorted(Counter(y.tolist()).items())),
        "stacker_features": list(STACKER_FEATURES),
        "stacker_weights": dict(
            zip(STACKER_FEATURES, (round(float(w), 3) for w in stacker.coef_[0]), strict=True)
        ),
        "cross_validation": {
            "screen_recall_at_min": _precision_recall(is_obj, screen_oof >= 0.2)["recall"],
            "objection": _precision_recall(is_obj, stacked),
            "category_accuracy": round(float((category_pred[is_obj] == y[is_obj]).mean()), 4),
        },
    }
    save_classifier(out_dir, models, meta)
    return meta
