"""Scores used by tests and benchmarks: word error rate with Whisper-style text normalisation."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s']+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> list[str]:
    """Lower case, no punctuation, apostrophes kept inside words ("don't"), as words."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return [w.strip("'") for w in _SPACE.split(text) if w.strip("'")]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Errors per reference word after normalisation; 0.0 for two empty texts."""
    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
