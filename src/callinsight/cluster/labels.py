"""Readable cluster labels: class-based TF-IDF keywords over members, turned into a phrase.

c-TF-IDF (as in BERTopic) treats each cluster's quotes as one document: a term scores high
when it is frequent in this cluster and rare across the others. Uni- to tri-grams are scored;
the label is the best phrase plus, when it adds a different word, the next one ("cfo sign off,
budget"). Filler words of speech ("like", "yeah", "honestly") are stop words here, or every
label would be about them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Words of speech that carry no topic, on top of scikit-learn's English stop list.
SPEECH_FILLER = frozenset(
    [
        "um",
        "uh",
        "uhm",
        "er",
        "erm",
        "like",
        "yeah",
        "yes",
        "yep",
        "okay",
        "ok",
        "oh",
        "just",
        "really",
        "actually",
        "honestly",
        "basically",
        "kind",
        "sort",
        "gonna",
        "wanna",
        "gotta",
        "know",
        "mean",
        "think",
        "guess",
        "right",
        "thing",
        "things",
        "stuff",
        "pretty",
        "lot",
        "bit",
        "maybe",
        "probably",
        "sure",
        "well",
        "got",
        "get",
        "going",
        "want",
        "need",
        "say",
        "said",
        "look",
        "looks",
        "looking",
        "ll",
        "ve",
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "aren",
        "re",
        "s",
        "t",
        "d",
        "m",
        "way",
        "little",
        "big",
    ]
)


def _vectorizer():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    return CountVectorizer(
        ngram_range=(1, 3),
        stop_words=sorted(ENGLISH_STOP_WORDS | SPEECH_FILLER),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b",
        lowercase=True,
    )


def ctfidf_keywords(groups: Sequence[Sequence[str]], top: int = 8) -> list[list[str]]:
    """Top keywords of each group of texts, best first."""
    docs = [" ".join(g) for g in groups]
    if not any(d.strip() for d in docs):
        return [[] for _ in groups]
    vectorizer = _vectorizer()
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:  # only stop words
        return [[] for _ in groups]
    terms = np.asarray(vectorizer.get_feature_names_out())
    tf = counts.toarray().astype(np.float64)
    tf /= np.maximum(tf.sum(axis=1, keepdims=True), 1)
    avg_words = max(tf.shape[1] and counts.sum() / len(docs), 1.0)
    idf = np.log1p(avg_words / np.maximum(counts.toarray().sum(axis=0), 1))
    scores = tf * idf
    # A phrase should beat its own words when it recurs: weight by n-gram length a little.
    lengths = np.array([t.count(" ") + 1 for t in terms])
    scores *= 1 + 0.25 * (lengths - 1)
    out = []
    for i in range(len(docs)):
        row = scores[i]
        order = np.argsort(-row, kind="stable")
        picked: list[str] = []
        for j in order:
            if row[j] <= 0 or len(picked) >= top:
                break
            term = terms[j]
            # Skip a term already covered by a picked phrase (and vice versa keep the phrase).
            if any(term in p.split() or term in p for p in picked):
                continue
            # A single word recurring once is noise in a big cluster; needs two mentions.
            if counts[i, j] < 2 and len(groups[i]) > 3:
                continue
            picked.append(term)
        if not picked:  # every term said once: take the best of those rather than no label
            picked = [terms[j] for j in order[:2] if row[j] > 0]
        out.append(picked)
    return out


def phrase(keywords: Sequence[str]) -> str:
    """'cfo sign off', 'budget' -> 'cfo sign off, budget'."""
    if not keywords:
        return "(no label)"
    first = keywords[0]
    for other in keywords[1:]:
        if not set(other.split()) & set(first.split()):
            return f"{first}, {other}"
    return first
